import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { writeStarJsonl } from '../../bench/starCorpus';

/**
 * Bounded memory, asserted with a small heap: the built CLI prepares 16 MB of conversations
 * (STAR turns, test/fixtures/corpora/star_dialogues) under --max-old-space-size=96. Holding the
 * training split and the duplicate signatures in memory, as prepare did before, needs about
 * 40 MB more heap than that on this input and runs out; from the scratch database it does not.
 * PII redaction is off and one worker runs, so the heap floor is the tokenizer's.
 */
describe('tuneloop prepare memory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-memory-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prepares 16 MB within a 96 MB heap', async () => {
    const input = join(dir, 'star.jsonl');
    const { lines } = await writeStarJsonl(input, 16e6);
    const cli = resolve(__dirname, '../../dist/src/cli/main.js');
    await promisify(execFile)(
      process.execPath,
      ['--max-old-space-size=96', cli, 'prepare', 'star.jsonl', '--out', 'out', '--workers', '1'],
      {
        cwd: dir,
        env: { ...process.env, TUNELOOP_PII_MODE: 'off', TUNELOOP_PREPROCESS_WORKERS: '' },
        maxBuffer: 1024 * 1024,
      },
    );
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'));
    expect(report.records_in).toBe(lines);
    expect(report.records_used + report.records_quarantined).toBe(lines);
    expect((await stat(join(dir, 'out', 'train.jsonl'))).size).toBeGreaterThan(8e6);
  }, 900_000);
});
