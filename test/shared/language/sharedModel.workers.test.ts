import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { captureIo } from '../../setup/cli';

/**
 * Worker threads detect languages with the model the coordinating thread built in shared memory
 * (`workerData`), and must answer as the main thread does on its own. The conversations are the
 * hand-written multilingual texts of test/fixtures/corpora/pii_multilingual (SOURCE.md): none is
 * plainly English, so every one goes through the detector. The pool runs the compiled worker
 * script (npm run build, as `npm test` does first).
 */
describe('language detection on worker threads', () => {
  const corpus = resolve(__dirname, '../../fixtures/corpora/pii_multilingual');
  const languages = ['de', 'es', 'fr', 'it', 'nl', 'pt'];
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-sharedlang-'));
    const lines: string[] = [];
    for (const language of languages) {
      const texts = readFileSync(join(corpus, `${language}.txt`), 'utf8')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => line.replace(/\[[A-Z]+:([^\]]+)\]/g, '$1'));
      for (let i = 0; i + 1 < texts.length; i += 2) {
        const messages = [
          { role: 'customer', text: texts[i] },
          { role: 'agent', text: texts[i + 1] },
        ];
        lines.push(JSON.stringify({ conversation_id: `${language}-${String(i)}`, issue_type: language, messages }));
      }
    }
    await writeFile(join(dir, 'multilingual.jsonl'), lines.join('\n') + '\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same languages and outputs with 2 workers as on the main thread', async () => {
    const one = captureIo(dir);
    expect(await runCli(['prepare', 'multilingual.jsonl', '--out', 'one', '--workers', '1'], one)).toBe(0);
    const two = captureIo(dir);
    expect(await runCli(['prepare', 'multilingual.jsonl', '--out', 'two', '--workers', '2'], two)).toBe(0);
    for (const name of ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json']) {
      expect({ name, text: await readFile(join(dir, 'two', name), 'utf8') }).toEqual({
        name,
        text: await readFile(join(dir, 'one', name), 'utf8'),
      });
    }
    const report = JSON.parse(await readFile(join(dir, 'two', 'report.json'), 'utf8')) as { languages: Record<string, number> };
    // Detection ran: most of the six languages are recognised (short conversations may not be).
    expect(Object.keys(report.languages).filter((code) => languages.includes(code)).length).toBeGreaterThanOrEqual(5);
  });
});
