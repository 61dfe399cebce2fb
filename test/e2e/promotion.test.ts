import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../src/local/azurite';
import type { RunningEmulator } from '../../src/local/emulator';
import { LocalHost } from '../../src/local/host';
import { fineTuneJobs } from '../../src/functions/fineTuneJobs';
import { createRuntime, setRuntime } from '../../src/shared/composition/runtime';
import type { Settings } from '../../src/shared/config/settings';
import { getProductionPointer } from '../../src/shared/evaluation/models';
import { loadReport } from '../../src/shared/evaluation/report';
import { enqueueJobMessage } from '../../src/shared/finetune/queue';
import { FINAL_JOB_STATES, JobStore, type JobRecord } from '../../src/shared/finetune/store';
import { createStorageClients, type StorageClients } from '../../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../../src/shared/storage/names';
import { emulatorSettings, startTestEmulator } from '../shared/finetune/fixtures';
import { bankingHoldout, bankingTrainingFiles } from '../shared/evaluation/banking';
import { describeWithChromium, renderInChromium } from '../shared/evaluation/chromium';

/**
 * The promotion gate end to end: two dataset versions (BANKING77 customer messages; the second
 * trained on corrupted replies and labels) go through the real job loop — the fineTuneJobs
 * function on the local Functions host, Storage queue, emulator training, ARM deployment — and
 * evaluation. The first candidate is promoted, the worse one rejected, and both reports render in
 * headless Chromium. Own Azurite: the job queue, job table and models table have fixed names.
 */
describeWithChromium('promotion gate end to end (Azurite + emulator + local host + Chromium)', () => {
  let azurite: RunningAzurite;
  let emulator: RunningEmulator;
  let storage: StorageClients;
  let settings: Settings;
  let host: LocalHost;
  let localDir: string;
  const hostLog: string[] = [];

  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
    // 5 intents x 20 questions is a small corpus: see evaluate.test.ts for why the threshold is 0.35.
    emulator = await startTestEmulator({ outOfScopeThreshold: 0.35, latencyMs: 5 });
    localDir = mkdtempSync(path.join(os.tmpdir(), 'tuneloop-e2e-promotion-'));
    settings = emulatorSettings(emulator, azurite.connectionString, {
      TUNELOOP_LOCAL_DIR: localDir,
      TUNELOOP_POLL_DELAY_START_SECONDS: '0.5',
      TUNELOOP_POLL_DELAY_FACTOR: '1.5',
      TUNELOOP_POLL_DELAY_CAP_SECONDS: '1',
      TUNELOOP_FINETUNE_EPOCHS: '2',
      // Latency noise of ~5 ms requests on a busy machine is not what this test is about (gate.test.ts is).
      TUNELOOP_GATE_MAX_LATENCY_GROWTH: '3',
    });
    storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    setRuntime(createRuntime(settings, { storage }));
    host = new LocalHost({ definitions: [fineTuneJobs(settings)], storage, pollIntervalMs: 50, print: (line) => hostLog.push(line) });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    setRuntime(undefined);
    await emulator?.close();
    await azurite?.stop();
    if (localDir) rmSync(localDir, { recursive: true, force: true });
  });

  /** A dataset version as nightly assembly writes it (container `datasets`). */
  async function writeDatasetVersion(version: string, files: { train: string; validation: string }): Promise<void> {
    const container = storage.container(CONTAINERS.datasets);
    const put = (name: string, text: string) => container.getBlockBlobClient(`${version}/${name}`).upload(text, Buffer.byteLength(text));
    const records = bankingHoldout();
    const holdout = records
      .trim()
      .split('\n')
      .map((l) => JSON.stringify({ messages: JSON.parse(l).example.messages }))
      .join('\n');
    await put('train.jsonl', files.train);
    await put('validation.jsonl', files.validation);
    await put('holdout.jsonl', `${holdout}\n`);
    await put('holdout.records.jsonl', records);
    await put('manifest.json', JSON.stringify({ version, counts: { train: files.train.trim().split('\n').length } }));
  }

  async function runJob(jobKey: string, datasetVersion: string): Promise<JobRecord> {
    await enqueueJobMessage(createRuntime(settings, { storage }), { kind: 'submit', jobKey, datasetVersion });
    const store = new JobStore(storage);
    const deadline = Date.now() + 90_000;
    let last: JobRecord | undefined;
    while (Date.now() < deadline) {
      last = (await store.get(jobKey))?.record;
      if (last && FINAL_JOB_STATES.has(last.state)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobKey} stuck in ${last?.state} (${last?.detail ?? ''}); host log:\n${hostLog.slice(-30).join('\n')}`);
  }

  it('promotes a good candidate, rejects one trained on corrupted data, and renders both reports', async () => {
    await writeDatasetVersion('v-good', bankingTrainingFiles());
    const good = await runJob('job-good', 'v-good');
    expect(good.state).toBe('evaluated');
    const pointer = await getProductionPointer(storage);
    expect(pointer).toMatchObject({ jobKey: 'job-good', datasetVersion: 'v-good', sequence: 1 });

    await writeDatasetVersion('v-corrupt', bankingTrainingFiles({ corrupt: true }));
    const worse = await runJob('job-corrupt', 'v-corrupt');
    expect(worse.state).toBe('evaluated');
    expect(await getProductionPointer(storage)).toMatchObject({ jobKey: 'job-good', sequence: 1 });

    const goodReport = await loadReport(storage, 'job-good');
    const worseReport = await loadReport(storage, 'job-corrupt');
    expect(goodReport).toMatchObject({ decision: 'promote', mode: 'absolute', reasons: [] });
    expect(worseReport).toMatchObject({ decision: 'reject', mode: 'relative' });
    expect(worseReport.production!.jobKey).toBe('job-good');
    const failed = worseReport.checks.filter((c) => !c.passed).map((c) => c.metric);
    expect(failed).toEqual(expect.arrayContaining(['bleu', 'intentF1']));
    expect(worseReport.candidate.metrics.bleu!).toBeLessThan(worseReport.production!.metrics.bleu! - 1);

    const verdicts = storage.table(TABLES.evaluations);
    expect(await verdicts.getEntity('job-good', 'summary')).toMatchObject({ decision: 'promote' });
    expect(await verdicts.getEntity('job-corrupt', 'summary')).toMatchObject({ decision: 'reject', bleuPassed: false, intentF1Passed: false });

    for (const [jobKey, word] of [
      ['job-good', 'Promoted'],
      ['job-corrupt', 'Rejected'],
    ]) {
      const html = (await storage.container(CONTAINERS.evalReports).getBlobClient(`${jobKey}/report.html`).downloadToBuffer()).toString('utf8');
      const page = await renderInChromium(html);
      expect(page.problems).toEqual([]);
      expect(page.decisionText).toContain(word);
      expect(page.chartTypes).toEqual(['line', 'bar']);
      expect(page.paintedPixels['loss-chart']).toBeGreaterThan(1000);
      expect(page.paintedPixels['f1-chart']).toBeGreaterThan(1000);
      expect(page.confusionCells).toBeGreaterThan(0);
    }
  });
});
