import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { nightlyRetrain } from '../../../src/functions/nightlyRetrain';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { assembleDataset, type CuratedRecord } from '../../../src/shared/dataset/assembly';
import { planResubmission } from '../../../src/shared/dataset/resubmission';
import { JobStore, type JobRecord, type JobState } from '../../../src/shared/finetune/jobStore';
import { QUEUES, CONTAINERS } from '../../../src/shared/storage/names';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { readTelemetryRecords } from '../../../src/shared/telemetry/readSink';
import { localTelemetryPath } from '../../../src/shared/telemetry/localSink';
import { startJobLoopStack, waitForJobRecord, type JobLoopStack } from '../../setup/jobLoop';
import { startPrivateAzurite } from '../../setup/storage';

/**
 * A dataset version whose job ended without a model (the fine-tuning job failed, or its
 * deployment failed for want of quota) is trained again by the next nightly run although the
 * curated data did not change, a bounded number of times; a version whose model was judged by
 * the gate is not.
 */

function record(id: string, split: CuratedRecord['split'], issueType: string, reply: string): CuratedRecord {
  return {
    conversation_id: id,
    kind: 'conversation',
    issue_type: issueType,
    split,
    csat: undefined,
    tokens: 20,
    source: { file: 'raw-logs/day1.jsonl', line: 1 },
    example: {
      messages: [
        { role: 'user', content: `question about ${issueType} order ${id}` },
        { role: 'assistant', content: reply },
      ],
    },
  };
}

/** A shard with `train` training conversations and one validation and two holdout ones, all named `prefix-…`. */
async function writeShard(storage: StorageClients, name: string, prefix: string, train: number): Promise<void> {
  const records = Array.from({ length: train }, (_, i) =>
    record(`${prefix}-${i}`, 'train', i % 2 ? 'billing' : 'shipping', `answer ${i} for ${prefix}`),
  );
  records.push(
    record(`${prefix}-v`, 'validation', 'billing', `validation answer for ${prefix}`),
    record(`${prefix}-h1`, 'holdout', 'shipping', `answer 1 for ${prefix}`),
    record(`${prefix}-h2`, 'holdout', 'billing', `answer 2 for ${prefix}`),
  );
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await storage.container(CONTAINERS.curated).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
}

async function queuedSubmits(storage: StorageClients): Promise<{ kind: string; jobKey: string; datasetVersion: string }[]> {
  const peeked = await storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems
    .map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')))
    .filter((m: { kind: string }) => m.kind === 'submit');
}

function job(jobKey: string, datasetVersion: string, state: JobState, createdAt: string, extra: Partial<JobRecord> = {}): JobRecord {
  return {
    jobKey,
    datasetVersion,
    state,
    baseModel: 'gpt-4o-mini-2024-07-18',
    pollCount: 0,
    retries: 0,
    quotaWaits: 0,
    createdAt,
    updatedAt: createdAt,
    history: [
      { state: 'running', at: createdAt },
      { state, at: createdAt },
    ],
    ...extra,
  };
}

describe('planResubmission', () => {
  const v = 'ds-20261101-020000-abcdef12';
  it('resubmits a version whose only job failed or was cancelled, under a new key', () => {
    expect(planResubmission(v, [job(`job-${v}`, v, 'failed', '2026-11-01T02:00:00Z')], 2)).toMatchObject({
      action: 'resubmit',
      jobKey: `job-${v}-r1`,
      resubmission: 1,
    });
    expect(planResubmission(v, [job(`job-${v}`, v, 'cancelled', '2026-11-01T02:00:00Z')], 2)).toMatchObject({ action: 'resubmit' });
  });

  it('leaves alone a version whose model the gate judged, and one whose job is still under way', () => {
    const rejected = job(`job-${v}`, v, 'evaluated', '2026-11-01T02:00:00Z', { decision: 'reject' });
    expect(planResubmission(v, [rejected], 2)).toEqual({ action: 'none' });
    expect(planResubmission(v, [job(`job-${v}`, v, 'awaiting-approval', '2026-11-01T02:00:00Z')], 2)).toEqual({ action: 'none' });
    expect(planResubmission(v, [job(`job-${v}`, v, 'running', '2026-11-01T02:00:00Z')], 2)).toEqual({ action: 'none' });
    // A later hand-sent job that failed does not undo the judged model of an earlier one.
    expect(planResubmission(v, [rejected, job('by-hand', v, 'failed', '2026-11-02T02:00:00Z')], 2)).toEqual({ action: 'none' });
    expect(planResubmission(v, [], 2)).toEqual({ action: 'none' });
  });

  it('stops after the bound, counting every job after the first', () => {
    const failed = [job(`job-${v}`, v, 'failed', '2026-11-01T02:00:00Z'), job(`job-${v}-r1`, v, 'failed', '2026-11-02T02:00:00Z')];
    expect(planResubmission(v, failed, 2)).toMatchObject({ action: 'resubmit', jobKey: `job-${v}-r2`, resubmission: 2 });
    expect(planResubmission(v, failed, 1)).toMatchObject({ action: 'exhausted', resubmissions: 1, last: { jobKey: `job-${v}-r1` } });
    expect(planResubmission(v, failed.slice(0, 1), 0)).toMatchObject({ action: 'exhausted', resubmissions: 0 });
  });
});

describe('the nightly assembly and the jobs of the latest version (private Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
  });
  afterAll(async () => {
    await azurite.stop();
  });

  function makeRuntime(extra: Record<string, string> = {}): Runtime {
    const settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      TUNELOOP_ASSEMBLY_DEDUP: 'false',
      ...extra,
    });
    return createRuntime(settings, { storage: azurite.storage });
  }

  it('retrains a version whose job failed, never one the gate rejected; too little new data retrains it as well', async () => {
    const runtime = makeRuntime({ TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES: '5' });
    const jobs = new JobStore(azurite.storage);
    await writeShard(azurite.storage, 'day1/a.jsonl', 'a', 12);
    const first = await assembleDataset(runtime, { now: new Date('2026-11-01T02:00:00Z') });
    if (first.outcome !== 'submitted') throw new Error(JSON.stringify(first));
    const v1 = first.manifest.version;
    await azurite.storage.queue(QUEUES.jobs).clearMessages();

    // The gate rejected v1's candidate: the same data would give the same model.
    await jobs.create(job(first.jobKey, v1, 'evaluated', '2026-11-01T02:01:00Z', { decision: 'reject' }));
    await expect(assembleDataset(runtime, { now: new Date('2026-11-02T02:00:00Z') })).resolves.toMatchObject({
      outcome: 'skipped',
      reason: 'unchanged',
    });
    expect(await queuedSubmits(azurite.storage)).toEqual([]);

    // New data: v2, whose job fails on the service.
    await writeShard(azurite.storage, 'day2/b.jsonl', 'b', 10);
    const second = await assembleDataset(runtime, { now: new Date('2026-11-03T02:00:00Z') });
    if (second.outcome !== 'submitted') throw new Error(JSON.stringify(second));
    const v2 = second.manifest.version;
    await azurite.storage.queue(QUEUES.jobs).clearMessages();
    await jobs.create(job(second.jobKey, v2, 'failed', '2026-11-03T02:01:00Z', { error: 'fine-tuning job ftjob-1 failed: internal' }));
    // Two more conversations: below TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES, so no v3, and v2 never gave a model.
    await writeShard(azurite.storage, 'day3/c.jsonl', 'c', 2);
    const retried = await assembleDataset(runtime, { now: new Date('2026-11-04T02:00:00Z') });
    expect(retried).toMatchObject({
      outcome: 'resubmitted',
      reason: 'too-little-new-data',
      datasetVersion: v2,
      jobKey: `job-${v2}-r1`,
      detail: expect.stringContaining(`job job-${v2} ended failed after running: fine-tuning job ftjob-1 failed: internal`),
    });
    expect(await queuedSubmits(azurite.storage)).toEqual([{ kind: 'submit', jobKey: `job-${v2}-r1`, datasetVersion: v2 }]);
    // A dry run queues nothing.
    await azurite.storage.queue(QUEUES.jobs).clearMessages();
    await expect(assembleDataset(runtime, { now: new Date('2026-11-04T03:00:00Z'), submit: false })).resolves.toMatchObject({
      outcome: 'skipped',
      reason: 'too-little-new-data',
    });
    expect(await queuedSubmits(azurite.storage)).toEqual([]);
  });
});

describe('the nightly run after jobs that gave no model (Azurite + emulator + local host)', () => {
  let stack: JobLoopStack;
  let runtime: Runtime;
  const nightlyLog: string[] = [];

  beforeAll(async () => {
    stack = await startJobLoopStack({
      tempPrefix: 'tuneloop-resubmit-',
      // One fine-tuned deployment per resource: once a candidate holds it, the next one cannot deploy.
      emulator: { maxFineTunedDeployments: 1 },
      settings: {
        TUNELOOP_BALANCE_MAX_SHARE: '1',
        TUNELOOP_ASSEMBLY_DEDUP: 'false',
        TUNELOOP_JOB_MAX_RETRIES: '1',
        TUNELOOP_RETRAIN_MAX_RESUBMISSIONS: '1',
      },
    });
    runtime = createRuntime(stack.settings, { storage: stack.storage });
  });
  afterAll(async () => {
    await (stack as JobLoopStack | undefined)?.stop();
  });

  /** What the timer does: the nightlyRetrain function itself, its log kept with the level. */
  async function nightly(): Promise<{ outcome: string; datasetVersion?: string; jobKey?: string; reason?: string; resubmission?: number }> {
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'nightlyRetrain',
      logHandler: (level, ...args) => nightlyLog.push(`${level}: ${args.join(' ')}`),
    });
    return (await nightlyRetrain(() => Promise.resolve(runtime)).handler({ isPastDue: false }, context)) as {
      outcome: string;
    };
  }

  const finished = (jobKey: string) => waitForJobRecord(stack.storage, jobKey, { hostLog: stack.hostLog, timeoutMs: 90_000 });

  it('trains a version again after its job failed, then not once the gate rejected its model', async () => {
    await writeShard(stack.storage, 'day1/a.jsonl', 'a', 12);
    stack.emulator.injectFault({ fault: 'job-fail', method: 'POST', path: '/openai/fine_tuning/jobs', times: 1 });
    const first = await nightly();
    expect(first).toMatchObject({ outcome: 'submitted' });
    const v1 = String(first.datasetVersion);
    expect(await finished(String(first.jobKey))).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/fine-tuning job ftjob-\S+ failed/),
    });

    // Before the fix: "unchanged", and v1 was never trained.
    const again = await nightly();
    expect(again).toEqual({ outcome: 'resubmitted', datasetVersion: v1, jobKey: `job-${v1}-r1`, resubmission: 1 });
    expect(nightlyLog.at(-1)).toMatch(
      new RegExp(`^warning: dataset ${v1} resubmitted: .*never gave a model \\(job job-${v1} ended failed`),
    );
    const retrained = await finished(`job-${v1}-r1`);
    // The gate rejects this first model (12 examples: intent F1 under its floor, overfitting in results.csv).
    expect(retrained).toMatchObject({ state: 'evaluated', datasetVersion: v1, decision: 'reject' });

    // Its model was judged: the same data would give the same model, so it is not trained a third time.
    await expect(nightly()).resolves.toEqual({ outcome: 'skipped', reason: 'unchanged' });
    expect(await queuedSubmits(stack.storage)).toEqual([]);
  }, 240_000);

  it('trains a version again after its deployment failed for quota, then asks for a person', async () => {
    await writeShard(stack.storage, 'day2/b.jsonl', 'b', 10);
    const second = await nightly();
    expect(second).toMatchObject({ outcome: 'submitted' });
    const v2 = String(second.datasetVersion);
    // v1's rejected candidate still holds the only fine-tuned deployment slot.
    const failed = await finished(String(second.jobKey));
    expect(failed).toMatchObject({ state: 'failed', error: expect.stringMatching(/quota/i) });
    expect(failed.history.at(-2)?.state).toBe('deploying');

    await expect(nightly()).resolves.toEqual({ outcome: 'resubmitted', datasetVersion: v2, jobKey: `job-${v2}-r1`, resubmission: 1 });
    expect(await finished(`job-${v2}-r1`)).toMatchObject({ state: 'failed' });

    // TUNELOOP_RETRAIN_MAX_RESUBMISSIONS=1 is used up: nothing queued, a warning and a metric.
    await expect(nightly()).resolves.toEqual({ outcome: 'skipped', reason: 'resubmissions-exhausted' });
    expect(await queuedSubmits(stack.storage)).toEqual([]);
    expect(nightlyLog.at(-1)).toMatch(
      new RegExp(
        `^warning: no retrain: resubmissions-exhausted \\(.*dataset ${v2} never gave a model: job job-${v2}-r1 ended failed after deploying.*needs a person`,
      ),
    );
    await runtime.telemetry.flush();
    const { records } = await readTelemetryRecords(localTelemetryPath(stack.localDir));
    expect(records).toContainEqual(
      expect.objectContaining({
        kind: 'metric',
        name: 'tuneloop.dataset.untrained',
        value: 1,
        dimensions: expect.objectContaining({ dataset_version: v2, last_job: `job-${v2}-r1`, last_state: 'failed' }),
      }),
    );
  }, 240_000);
});
