import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

const fixtures = join(__dirname, '..', 'fixtures', 'formats');
const inputs = ['salesforce_livechat.csv', 'transcripts.csv', 'transcripts.jsonl'];

/** Chat transcripts (one text field per chat) through `tuneloop prepare`, end to end. */
describe('tuneloop prepare with chat transcripts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-transcripts-'));
    for (const name of inputs) await cp(join(fixtures, name), join(dir, name));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const lines = async (path: string) =>
    (await readFile(path, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('reads Salesforce, CSV and JSON lines transcripts; every record is used or quarantined with file, line and reason; the same with 1 and 2 workers', async () => {
    const outputs = ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json'];
    for (const workers of ['1', '2']) {
      const cli = captureIo(dir);
      expect(await runCli(['prepare', ...inputs, '--out', `out-${workers}`, '--workers', workers], cli)).toBe(0);
      expect(cli.err).toBe('');
    }
    const read = (out: string) => Promise.all(outputs.map((name) => readFile(join(dir, out, name), 'utf8')));
    expect(await read('out-2')).toEqual(await read('out-1'));

    const report = JSON.parse(await readFile(join(dir, 'out-1', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ records_in: 10, records_used: 7, records_quarantined: 3 });
    expect(report.quarantine_reasons).toEqual({ 'unknown-speaker': 2, 'invalid-field:transcript': 1 });
    const quarantine = await lines(join(dir, 'out-1', 'quarantine.jsonl'));
    expect(quarantine.map((q) => [q.file, q.line, q.reason])).toEqual([
      ['transcripts.csv', 16, 'unknown-speaker'],
      ['transcripts.jsonl', 3, 'unknown-speaker'],
      ['transcripts.jsonl', 4, 'invalid-field:transcript'],
    ]);
    expect(String(quarantine[0].detail)).toMatch(/line 1 of the transcript/);

    const examples = (
      await Promise.all(['train.jsonl', 'validation.jsonl', 'holdout.jsonl'].map((f) => lines(join(dir, 'out-1', f))))
    ).flat();
    const text = JSON.stringify(examples);
    // The agent's replies of all three exports are trained on; events and time prefixes are not text.
    for (const reply of ['opened a trace with the carrier', 'voided the pending charge', 'prepaid return label', 'corrected the address'])
      expect(text).toContain(reply);
    expect(text).not.toMatch(/Chat Started|Chat Origin|left the chat|\( 38s \)|\[09:03\]/);
    expect(text).toContain('Note: the second charge is still pending on my card.');
  });
});
