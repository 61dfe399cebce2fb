import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import { CANARY_SECRET, findSecrets, scanFolder } from '../setup/secrets';

/**
 * `npm run demo` end to end, in process: Azurite, the emulator and the local host all real; the
 * shipped demo data goes through preprocessing, assembly, fine-tuning, deployment, evaluation,
 * then the shifted data through drift watch and a retrain.
 */
describe('tuneloop demo', () => {
  it('runs the whole loop on the shipped demo data', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-demo-'));
    let stdout = '';
    const code = await runCli(['demo', '--out', out, '--speed', '20', '--timeout', '240'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stdout += t),
      isTty: false,
      // A secret planted in the environment must not reach any output (TUNELOOP_OPENAI_API_KEY is not used with the emulator).
      env: { ...process.env, TUNELOOP_STORAGE: undefined, TUNELOOP_OPENAI_API_KEY: CANARY_SECRET },
      cwd: out,
    });
    expect({ code, tail: stdout.slice(-3000) }).toMatchObject({ code: 0 });
    expect(stdout).toMatch(/preprocessed 7 files/);
    expect(stdout).toMatch(/ds-\d{8}-\d{6}-[0-9a-f]{8}: \d+ train \/ \d+ validation \/ \d+ holdout examples/);
    expect(stdout).toMatch(/ended evaluated, decision: PROMOTE/);
    expect(stdout).toMatch(/issue_type_psi\s+\d/);
    expect(stdout).toMatch(/-> retrain/);
    const reports = fs.readdirSync(out).filter((d) => d.startsWith('job-'));
    expect(reports.length).toBe(2);
    for (const dir of reports) expect(fs.existsSync(path.join(out, dir, 'report.html'))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'local', 'telemetry.jsonl'), 'utf8')).toContain('tuneloop.eval.bleu');
    // No connection string, key, token or the planted secret in the log, reports, telemetry or events.
    expect(findSecrets(stdout)).toEqual([]);
    const scanned = scanFolder(out);
    expect(scanned.map((f) => f.file)).toEqual(
      expect.arrayContaining([path.join('local', 'telemetry.jsonl'), path.join('local', 'events.jsonl')]),
    );
    expect(scanned.filter((f) => f.secrets.length > 0)).toEqual([]);
  }, 300000);
});
