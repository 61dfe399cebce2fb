import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/command';
import { loadSettings, SettingsError } from '../../src/shared/config/settings';

/** TUNELOOP_SPEAKER_ROLES maps speaker names the built-in heuristics cannot place. */
describe('speaker roles setting', () => {
  const csv =
    'conversation_id,timestamp,speaker,text,issue_type\n' +
    'c-1,2026-01-01T10:00:00Z,Kim,"My parcel has not arrived yet, it was due on Monday. Where is it?",shipping\n' +
    'c-1,2026-01-01T10:00:09Z,Maria,"It left our warehouse on Tuesday and arrives tomorrow before noon.",shipping\n' +
    'c-1,2026-01-01T10:00:30Z,Kim,"Great, and can I change the delivery address to my office?",shipping\n' +
    'c-1,2026-01-01T10:00:41Z,Maria,"Yes, use the change link in the tracking email until 8 pm today.",shipping\n';

  async function prepare(env: Record<string, string>): Promise<{ code: number; report: Record<string, unknown>; stderr: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'tuneloop-roles-'));
    await writeFile(join(dir, 'named.csv'), csv);
    let stderr = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false, env, cwd: dir };
    const code = await runCli(['prepare', 'named.csv', '--out', 'out'], io);
    const report = code !== 2 ? JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) : {};
    return { code, report, stderr };
  }

  it('rejects a conversation whose speakers cannot be placed, and uses the mapping when given', async () => {
    const without = await prepare({});
    expect(without.code).toBe(1); // no usable record: prepare fails (issue 11), outputs still written
    expect(without.report).toMatchObject({ records_in: 1, records_used: 0, records_quarantined: 1 });
    expect(Object.keys(without.report.quarantine_reasons as object)).toEqual(['unknown-speaker']);

    const withRoles = await prepare({ TUNELOOP_SPEAKER_ROLES: JSON.stringify({ Kim: 'user', Maria: 'assistant' }) });
    expect(withRoles.code).toBe(0);
    expect(withRoles.report).toMatchObject({ records_in: 1, records_used: 1, records_quarantined: 0 });
  });

  it('names the setting when the mapping is not valid', () => {
    const bad = () => loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_SPEAKER_ROLES: '{"Maria":"agent"}' });
    expect(bad).toThrow(SettingsError);
    expect(bad).toThrow(/TUNELOOP_SPEAKER_ROLES: must be a JSON object of speaker name/);
  });
});
