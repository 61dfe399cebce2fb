import { createRuntime } from '../../src/shared/composition/runtime';
import { getProductionPointer } from '../../src/shared/deployments/registry';
import { loadReport } from '../../src/shared/evaluation/evaluationReport';
import { enqueueJobMessage } from '../../src/shared/finetune/queue';
import { FINAL_JOB_STATES, type JobRecord } from '../../src/shared/finetune/jobStore';
import type { StorageClients } from '../../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../../src/shared/storage/names';
import { startJobLoopStack, waitForJobRecord, writeDatasetBlobs, type JobLoopStack } from '../setup/jobLoop';
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
  let stack: JobLoopStack;
  let storage: StorageClients;

  beforeAll(async () => {
    stack = await startJobLoopStack({
      tempPrefix: 'tuneloop-e2e-promotion-',
      // 5 intents x 20 questions is a small corpus: see evaluate.test.ts for why the threshold is 0.35.
      emulator: { outOfScopeThreshold: 0.35, latencyMs: 5 },
      settings: {
        TUNELOOP_POLL_DELAY_FACTOR: '1.5',
        // Latency noise of ~5 ms requests on a busy machine is not what this test is about (gate.test.ts is).
        TUNELOOP_GATE_MAX_LATENCY_GROWTH: '3',
      },
    });
    storage = stack.storage;
  });

  afterAll(async () => {
    await (stack as JobLoopStack | undefined)?.stop(); // unset when beforeAll failed
  });

  /** A dataset version as nightly assembly writes it (container `datasets`). */
  async function writeDatasetVersion(version: string, files: { train: string; validation: string }): Promise<void> {
    const records = bankingHoldout();
    const holdout = records
      .trim()
      .split('\n')
      .map((l) => JSON.stringify({ messages: JSON.parse(l).example.messages }))
      .join('\n');
    await writeDatasetBlobs(storage, version, {
      'train.jsonl': files.train,
      'validation.jsonl': files.validation,
      'holdout.jsonl': `${holdout}\n`,
      'holdout.records.jsonl': records,
      'manifest.json': JSON.stringify({ version, counts: { train: files.train.trim().split('\n').length } }),
    });
  }

  async function runJob(jobKey: string, datasetVersion: string): Promise<JobRecord> {
    await enqueueJobMessage(createRuntime(stack.settings, { storage }), { kind: 'submit', jobKey, datasetVersion });
    return waitForJobRecord(storage, jobKey, { until: (r) => FINAL_JOB_STATES.has(r.state), timeoutMs: 90_000, hostLog: stack.hostLog });
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
    expect(await verdicts.getEntity('job-corrupt', 'summary')).toMatchObject({
      decision: 'reject',
      bleuPassed: false,
      intentF1Passed: false,
    });

    for (const [jobKey, word] of [
      ['job-good', 'Promoted'],
      ['job-corrupt', 'Rejected'],
    ]) {
      const html = (await storage.container(CONTAINERS.evalReports).getBlobClient(`${jobKey}/report.html`).downloadToBuffer()).toString(
        'utf8',
      );
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
