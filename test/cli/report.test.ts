import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { saveReport } from '../../src/shared/evaluation/evaluationReport';
import { testStorage, testStorageConnectionString, uniqueName } from '../setup/storage';
import { sampleReport } from '../shared/evaluation/fixtures';

const capture = (cwd: string) => captureIo(cwd, { env: { TUNELOOP_STORAGE: testStorageConnectionString() } });

describe('tuneloop report (Azurite)', () => {
  let dir: string;
  const jobKey = uniqueName('job');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tuneloop-report-cli-'));
    const storage = testStorage();
    await storage.ensureResources();
    await saveReport(storage, sampleReport(jobKey));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the decision and metrics with deltas and writes JSON + HTML with --out', async () => {
    const io = capture(dir);
    expect(await runCli(['report', jobKey, '--out', 'out'], io)).toBe(0);
    expect(io.out).toContain(`${jobKey}: PROMOTED (against production)`);
    expect(io.out).toMatch(/pass +bleu +31\.2 \(production 30\.1\) delta \+1\.1/);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    expect(json.jobKey).toBe(jobKey);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<canvas id="loss-chart">');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('says which report is missing', async () => {
    const io = capture(dir);
    expect(await runCli(['report', 'no-such-job'], io)).toBe(1);
    expect(io.err).toContain('no evaluation report for job "no-such-job"');
  });
});
