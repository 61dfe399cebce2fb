import type { RunningAzurite } from '../../src/local/azurite';
import type { RunningEmulator } from '../../src/local/emulator';
import type { InvocationRecord } from '../../src/local/host';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import type { Settings } from '../../src/shared/config/settings';
import { FineTuningClient, createOpenAIClient, type CreateJobParams } from '../../src/shared/finetune/client';
import { DeploymentsClient, deploymentNameFor } from '../../src/shared/deployments/armDeployments';
import { enqueueJobMessage, type RejectedJobMessage } from '../../src/shared/finetune/queue';
import { JobStore, type JobRecord } from '../../src/shared/finetune/jobStore';
import { azuriteConnectionString, type StorageClients } from '../../src/shared/storage/clients';
import { runCli } from '../../src/cli/main';
import { QUEUES, TABLES } from '../../src/shared/storage/names';
import { readTelemetryRecords } from '../../src/shared/telemetry/readSink';
import { localTelemetryPath, type TelemetryRecord } from '../../src/shared/telemetry/localSink';
import { emulatorSettings, startTestEmulator, trainingJsonl, validationJsonl } from '../shared/finetune/fixtures';
import { startJobLoopStack, waitForJobRecord, writeDatasetBlobs, type JobLoopStack } from '../setup/jobLoop';
import { armDeploymentTarget, openAIConnection } from '../../src/shared/composition/config';

/**
 * The fineTuneJobs function end to end: its real definition driven by the local Functions host
 * (Storage queue, visibility delays, dequeue count, poison queue) on an Azurite of its own (the
 * job queue and table have fixed names, so this file must not share them with other test files),
 * against the emulator over HTTP, with the evaluation's real evaluateCandidate at the end.
 */
describe('fineTuneJobs (Azurite + emulator + local host)', () => {
  let stack: JobLoopStack;
  let azurite: RunningAzurite;
  let emulator: RunningEmulator;
  let storage: StorageClients;
  let settings: Settings;
  let localDir: string;
  let hostLog: string[];
  const invocations: InvocationRecord[] = [];

  beforeAll(async () => {
    stack = await startJobLoopStack({
      tempPrefix: 'tuneloop-ftjobs-',
      settings: { TUNELOOP_POLL_DELAY_FACTOR: '2', TUNELOOP_JOB_MAX_RETRIES: '10' },
      onInvocation: (r) => invocations.push(r),
    });
    ({ azurite, emulator, storage, settings, localDir, hostLog } = stack);
  });

  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (stack as JobLoopStack | undefined)?.stop();
  });

  beforeEach(() => {
    useRuntime();
    emulator.clearFaults();
  });

  function useRuntime(overrides: Partial<Runtime> = {}): Runtime {
    const runtime = createRuntime(settings, { storage, ...overrides });
    stack.useRuntime(runtime);
    return runtime;
  }

  const service = () => new FineTuningClient(createOpenAIClient(openAIConnection(settings)));

  async function writeDataset(version: string, options: { validation?: boolean; holdout?: boolean; variant?: string } = {}): Promise<void> {
    const files: Record<string, string> = { 'train.jsonl': trainingJsonl(options.variant ?? ` [${version}]`) };
    if (options.validation !== false) files['validation.jsonl'] = validationJsonl();
    files['manifest.json'] = JSON.stringify({ version, counts: { train: 12, validation: 2, holdout: 2 } });
    if (options.holdout !== false) {
      const holdout = [
        {
          conversation_id: `${version}-h1`,
          issue_type: 'billing',
          kind: 'conversation',
          example: {
            messages: [
              { role: 'user', content: 'I was charged twice, please refund' },
              {
                role: 'assistant',
                content: 'Sorry about the duplicate charge; I have refunded the extra payment, it shows within 5 business days.',
              },
            ],
          },
        },
        {
          conversation_id: `${version}-h2`,
          issue_type: 'delivery',
          kind: 'conversation',
          example: {
            messages: [
              { role: 'user', content: 'Where is my parcel now' },
              { role: 'assistant', content: 'Your parcel is at the local depot and will be delivered tomorrow before noon.' },
            ],
          },
        },
      ];
      files['holdout.records.jsonl'] = holdout.map((h) => JSON.stringify(h)).join('\n') + '\n';
    }
    await writeDatasetBlobs(storage, version, files);
  }

  /** By default until the job is final and no invocation holds its lease. */
  const waitForJob = (jobKey: string, until?: (r: JobRecord) => boolean) => waitForJobRecord(storage, jobKey, { until, hostLog });

  const countIgnored = () => invocations.filter((i) => (i.result as { action?: string } | undefined)?.action === 'ignored').length;

  async function jobsOnTrainingFile(fileId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const job of service().listJobs()) if (job.training_file === fileId) ids.push(job.id);
    return ids;
  }

  async function filesNamed(name: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const f of service().openai.files.list()) if (f.filename === name) ids.push(f.id);
    return ids;
  }

  async function drainPoison(): Promise<RejectedJobMessage[]> {
    const poison = storage.queue(QUEUES.jobsPoison);
    const out: RejectedJobMessage[] = [];
    for (;;) {
      const { receivedMessageItems } = await poison.receiveMessages({ numberOfMessages: 32 });
      if (receivedMessageItems.length === 0) return out;
      for (const m of receivedMessageItems) {
        out.push(JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
        await poison.deleteMessage(m.messageId, m.popReceipt);
      }
    }
  }

  it('happy path: uploads, trains, deploys and evaluates, with every state recorded and emitted', async () => {
    await writeDataset('v-happy');
    await enqueueJobMessage(useRuntime(), { kind: 'submit', jobKey: 'job-happy', datasetVersion: 'v-happy', seed: 11 });
    const record = await waitForJob('job-happy');

    expect(record.state).toBe('evaluated');
    // The gate's outcome on this tiny holdout is not the point here (gate.test.ts and evaluate.test.ts test it).
    expect(['promote', 'reject', 'inconclusive']).toContain(record.decision);
    expect(record.history.map((h) => h.state)).toEqual(
      expect.arrayContaining([
        'queued',
        'uploading',
        'files-processing',
        'submitted',
        'succeeded',
        'deploying',
        'deployed',
        'evaluating',
        'evaluated',
      ]),
    );
    const order = record.history.map((h) => h.state);
    expect(order.indexOf('submitted')).toBeLessThan(order.indexOf('succeeded'));
    expect(order.indexOf('deployed')).toBeLessThan(order.indexOf('evaluated'));
    expect(record.trainingFileId).toMatch(/^file-/);
    expect(record.validationFileId).toMatch(/^file-/);
    expect(record.fineTunedModel).toContain('.ft-');
    expect(record.trainingMetrics?.trainLoss).toBeGreaterThan(0);
    expect(record.hyperparameters?.n_epochs).toBe(2);
    expect(record.seed).toBe(11);
    expect(record.deploymentName).toBe(deploymentNameFor('job-happy'));
    expect(record.reportBlob).toBeTruthy();
    expect(record.expectedKind).toBeUndefined();
    expect(record.leaseOwner).toBeUndefined();

    const job = await service().getJob(record.openaiJobId!);
    expect(job).toMatchObject({
      status: 'succeeded',
      training_file: record.trainingFileId,
      validation_file: record.validationFileId,
      seed: 11,
    });
    expect(await jobsOnTrainingFile(record.trainingFileId!)).toEqual([record.openaiJobId]);
    const deployment = await new DeploymentsClient(armDeploymentTarget(settings)).getDeployment(record.deploymentName!);
    expect(deployment).toMatchObject({ model: record.fineTunedModel, provisioningState: 'Succeeded' });

    let records: TelemetryRecord[] = [];
    await waitFor(async () => {
      records = (await readTelemetryRecords(localTelemetryPath(localDir))).records;
      return records.some(
        (r) =>
          r.kind === 'event' &&
          r.name === 'tuneloop.job.state_changed' &&
          r.properties.job_key === 'job-happy' &&
          r.properties.to === 'evaluated',
      );
    });
    const transitions = records.filter(
      (r) => r.kind === 'event' && r.name === 'tuneloop.job.state_changed' && r.properties.job_key === 'job-happy',
    );
    expect(transitions.map((t) => (t.kind === 'event' ? t.properties.to : ''))).toEqual(order);
    expect(records.some((r) => r.kind === 'metric' && r.name === 'tuneloop.job.duration_s' && r.dimensions.outcome === 'succeeded')).toBe(
      true,
    );
    expect(await drainPoison()).toEqual([]);
  });

  it('treats duplicate and stale messages as no-ops: one upload, one job, one deployment', async () => {
    await writeDataset('v-dup');
    const runtime = useRuntime();
    const submit = { kind: 'submit' as const, jobKey: 'job-dup', datasetVersion: 'v-dup' };
    await Promise.all([enqueueJobMessage(runtime, submit), enqueueJobMessage(runtime, submit), enqueueJobMessage(runtime, submit)]);
    const record = await waitForJob('job-dup');
    expect(record.state).toBe('evaluated');

    // Late duplicates after the end: a submit and a poll with an old token change nothing.
    const before = JSON.stringify(record);
    const ignoredSoFar = countIgnored();
    await enqueueJobMessage(runtime, submit);
    await enqueueJobMessage(runtime, { kind: 'poll', jobKey: 'job-dup', token: 'an-old-token' });
    await waitFor(async () => countIgnored() >= ignoredSoFar + 2);
    const after = (await new JobStore(storage).get('job-dup'))!.record;
    expect(JSON.stringify(after)).toBe(before);

    expect(await filesNamed('job-dup.train.jsonl')).toHaveLength(1);
    expect(await jobsOnTrainingFile(record.trainingFileId!)).toHaveLength(1);
    expect(await drainPoison()).toEqual([]);
  });

  it('rides out a 429 storm and 500s with backoff and still creates exactly one job', async () => {
    await writeDataset('v-storm');
    // More throttling than the openai client's own retries absorb, so the loop has to re-schedule.
    emulator.injectFault({ fault: '429;retry-after-ms=100', path: '/openai/files', times: 6 });
    emulator.injectFault({ fault: '500', method: 'POST', path: '/openai/fine_tuning/jobs', times: 1 });
    emulator.injectFault({ fault: '503', method: 'GET', path: '/openai/fine_tuning/jobs/', times: 3 });
    await enqueueJobMessage(useRuntime(), { kind: 'submit', jobKey: 'job-storm', datasetVersion: 'v-storm' });
    const record = await waitForJob('job-storm');
    expect(record.state).toBe('evaluated');
    expect(await jobsOnTrainingFile(record.trainingFileId!)).toEqual([record.openaiJobId]);
    expect(hostLog.some((l) => /job-storm: .*retry \d+\/10/.test(l))).toBe(true);
    expect(await drainPoison()).toEqual([]);
  });

  it('a crash after upload and after job creation does not upload or create twice on retry', async () => {
    await writeDataset('v-crash');
    // Fault injection around the real client: the call reaches the emulator, then the "process dies"
    // before the loop can record its result. The host retries the message like Azure would.
    class CrashingClient extends FineTuningClient {
      uploadCrashes = 1;
      createCrashes = 1;
      override async uploadFile(fileName: string, content: Buffer, options?: { signal?: AbortSignal }) {
        const file = await super.uploadFile(fileName, content, options);
        if (fileName.endsWith('.train.jsonl') && this.uploadCrashes-- > 0) throw new Error('simulated crash after upload');
        return file;
      }
      override async createJob(params: CreateJobParams, options?: { signal?: AbortSignal }) {
        const job = await super.createJob(params, options);
        if (this.createCrashes-- > 0) throw new Error('simulated crash after job creation');
        return job;
      }
    }
    const client = new CrashingClient(createOpenAIClient(openAIConnection(settings)));
    const runtime = useRuntime({ fineTune: { client, deployments: new DeploymentsClient(armDeploymentTarget(settings)) } });
    await enqueueJobMessage(runtime, { kind: 'submit', jobKey: 'job-crash', datasetVersion: 'v-crash' });
    const record = await waitForJob('job-crash');

    expect(client.uploadCrashes).toBe(0);
    expect(client.createCrashes).toBe(0);
    expect(record.state).toBe('evaluated');
    expect(await filesNamed('job-crash.train.jsonl')).toEqual([record.trainingFileId]);
    expect(await jobsOnTrainingFile(record.trainingFileId!)).toEqual([record.openaiJobId]);
    const failed = invocations.filter((i) => i.outcome === 'failed' && /simulated crash/.test(i.error ?? ''));
    expect(failed.map((i) => i.error)).toEqual(['simulated crash after upload', 'simulated crash after job creation']);
    expect(hostLog.some((l) => /found fine-tuning job .* from an earlier attempt/.test(l))).toBe(true);
  });

  it('takes over a step whose invocation died holding the lease, once the lease expires', async () => {
    await writeDataset('v-lease');
    const now = new Date();
    // What a host that died in the middle of the submit step leaves behind.
    await new JobStore(storage).create({
      jobKey: 'job-lease',
      datasetVersion: 'v-lease',
      state: 'uploading',
      baseModel: 'gpt-4o-mini-2024-07-18',
      pollCount: 0,
      retries: 0,
      quotaWaits: 0,
      leaseOwner: 'a-dead-invocation',
      leaseUntil: new Date(now.getTime() + 2000).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      history: [
        { state: 'queued', at: now.toISOString() },
        { state: 'uploading', at: now.toISOString() },
      ],
    });
    await enqueueJobMessage(useRuntime(), { kind: 'submit', jobKey: 'job-lease', datasetVersion: 'v-lease' });
    const record = await waitForJob('job-lease');
    expect(record.state).toBe('evaluated');
    expect(invocations.some((i) => (i.result as { reason?: string } | undefined)?.reason === 'leased by another invocation')).toBe(true);
    expect(await jobsOnTrainingFile(record.trainingFileId!)).toEqual([record.openaiJobId]);
  });

  it('records a failed job with the service’s error and deploys nothing', async () => {
    await writeDataset('v-fail');
    emulator.injectFault({ fault: 'job-fail', method: 'POST', path: '/openai/fine_tuning/jobs', times: 1 });
    await enqueueJobMessage(useRuntime(), { kind: 'submit', jobKey: 'job-fail', datasetVersion: 'v-fail' });
    const record = await waitForJob('job-fail');
    expect(record.state).toBe('failed');
    expect(record.error).toMatch(/fine-tuning job ftjob-\S+ failed/);
    expect(record.fineTunedModel).toBeUndefined();
    expect(await new DeploymentsClient(armDeploymentTarget(settings)).getDeployment(deploymentNameFor('job-fail'))).toBeUndefined();
    // Telemetry is flushed when the invocation ends, just after the record is written.
    await waitFor(async () => {
      const { records } = await readTelemetryRecords(localTelemetryPath(localDir));
      return (
        records.some((r) => r.kind === 'metric' && r.name === 'tuneloop.job.duration_s' && r.dimensions.outcome === 'failed') &&
        records.some((r) => r.kind === 'event' && r.name === 'tuneloop.job.failed' && r.properties.jobKey === 'job-fail')
      );
    });
  });

  it('records a job cancelled at the service as cancelled', async () => {
    await writeDataset('v-cancel');
    await enqueueJobMessage(useRuntime(), {
      kind: 'submit',
      jobKey: 'job-cancel',
      datasetVersion: 'v-cancel',
      hyperparameters: { n_epochs: 50 },
    });
    const submitted = await waitForJob('job-cancel', (r) => !!r.openaiJobId);
    await service().cancelJob(submitted.openaiJobId!);
    const record = await waitForJob('job-cancel');
    expect(record.state).toBe('cancelled');
    expect(record.fineTunedModel).toBeUndefined();
    expect(record.expectedKind).toBeUndefined();
  });

  it('fails a job whose dataset version does not exist, naming the blob', async () => {
    await enqueueJobMessage(useRuntime(), { kind: 'submit', jobKey: 'job-nodata', datasetVersion: 'v-missing' });
    const record = await waitForJob('job-nodata');
    expect(record.state).toBe('failed');
    expect(record.error).toMatch(/dataset version v-missing has no train\.jsonl in container datasets/);
  });

  it('sends malformed, unknown and conflicting messages to the poison queue with the reason, once', async () => {
    const queue = storage.queue(QUEUES.jobs);
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    await drainPoison();
    await queue.sendMessage(b64('{"kind": "submit", "jobKey": "x"'));
    await queue.sendMessage('plain text, not base64 and not JSON');
    await queue.sendMessage(b64(JSON.stringify({ kind: 'retrain', jobKey: 'x' })));
    await queue.sendMessage(b64(JSON.stringify({ kind: 'poll', jobKey: 'no-such-job', token: 't' })));
    await queue.sendMessage(b64(JSON.stringify({ kind: 'submit', jobKey: 'job-nodata', datasetVersion: 'v-other' })));
    let poisoned: RejectedJobMessage[] = [];
    await waitFor(async () => {
      poisoned = poisoned.concat(await drainPoison());
      return poisoned.length >= 5;
    });
    const reasons = poisoned.map((p) => p.reason).sort();
    expect(reasons).toEqual([
      expect.stringMatching(/^body is not JSON: plain text/),
      expect.stringMatching(/^body is not JSON: \{"kind"/),
      expect.stringMatching(/^job key "job-nodata" already trains dataset version v-missing, not v-other/),
      expect.stringMatching(/^kind: /),
      expect.stringMatching(/^no fine-tuning job "no-such-job"/),
    ]);
    expect(poisoned.map((p) => p.message)).toContain('{"kind": "submit", "jobKey": "x"');
    expect(poisoned.map((p) => p.message)).toContain('plain text, not base64 and not JSON');
    // Rejected on the first delivery, not retried until the host gives up.
    await new Promise((r) => setTimeout(r, 300));
    expect(await drainPoison()).toEqual([]);
  });

  it('waits for quota instead of failing when the resource is full', async () => {
    // A slow emulator (real-time durations) with room for one active job, held by a long blocker
    // job; the loop must wait for its turn, and go on as soon as the blocker is cancelled.
    const slow = await startTestEmulator({ speed: 1, jobQuota: { running: 1, queued: 0 } });
    const original = settings;
    try {
      settings = emulatorSettings(slow, azurite.connectionString, {
        TUNELOOP_LOCAL_DIR: localDir,
        TUNELOOP_POLL_DELAY_START_SECONDS: '0.5',
        TUNELOOP_POLL_DELAY_CAP_SECONDS: '1',
      });
      const client = service();
      const blockerFile = await client.uploadFile('blocker.jsonl', Buffer.from(trainingJsonl(' (blocker)')));
      await client.waitForFile(blockerFile.id, { backoff: { startSeconds: 0.1, factor: 1, capSeconds: 0.1 } });
      const blocker = await client.createJob({
        model: 'gpt-4o-mini-2024-07-18',
        trainingFile: blockerFile.id,
        hyperparameters: { n_epochs: 50 },
      });

      await writeDataset('v-quota');
      await enqueueJobMessage(useRuntime(), { kind: 'submit', jobKey: 'job-quota', datasetVersion: 'v-quota' });
      const waiting = await waitForJob('job-quota', (r) => r.quotaWaits >= 2);
      expect(waiting.state).toBe('files-processing');
      expect(waiting.openaiJobId).toBeUndefined();
      expect(waiting.detail).toMatch(/^waiting for fine-tuning quota \(wait \d+\): .*quotaExceeded/);
      expect(hostLog.some((l) => /job job-quota: at the fine-tuning quota; submit again in [\d.]+ s/.test(l))).toBe(true);

      await client.cancelJob(blocker.id);
      const submitted = await waitForJob('job-quota', (r) => !!r.openaiJobId && !r.leaseOwner);
      expect(submitted.state).toMatch(/^(submitted|running)$/);
      expect(submitted.history.map((h) => h.state)).toEqual([
        'queued',
        'uploading',
        'files-processing',
        'submitted',
        ...(submitted.state === 'running' ? ['running'] : []),
      ]);
      expect(await jobsOnTrainingFile(submitted.trainingFileId!)).toEqual([submitted.openaiJobId]);

      // Done with quota; the job itself is not needed (and its model would live on this emulator only).
      await client.cancelJob(submitted.openaiJobId!);
      expect((await waitForJob('job-quota')).state).toBe('cancelled');
    } finally {
      settings = original;
      await slow.close();
    }
  });

  it('tuneloop status lists datasets, jobs with states and timings, and deployed models', async () => {
    await storage.table(TABLES.datasets).upsertEntity(
      {
        partitionKey: 'dataset',
        rowKey: 'v-happy',
        createdAt: '2026-11-26T02:00:00.000Z',
        trainExamples: 12,
        validationExamples: 2,
        holdoutExamples: 2,
        trainTokens: 480,
        estimatedCostUsd: 0.12,
        baseModel: 'gpt-4o-mini-2024-07-18',
      },
      'Replace',
    );
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTty: false, env: {}, cwd: localDir };
    expect(await runCli(['status', '--connection-string', azurite.connectionString], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/Datasets \(1\)\n.*VERSION.*\n\s+v-happy\s+2026-11-26 02:00:00Z\s+12\s+2\s+2\s+480\s+\$0\.12/);
    expect(text).toMatch(
      /\n\s+job-happy\s+evaluated\s+v-happy\s+\S+ \S+\s+\d+s\s+\d+s\s+\d+s\s+(promoted|rejected|inconclusive, production stays) \(tuneloop-job-happy\)/,
    );
    expect(text).toMatch(/\n\s+job-fail\s+failed\s+v-fail\s.*fine-tuning job ftjob-/);
    expect(text).toMatch(/\n\s+job-nodata\s+failed\s+v-missing\s.*has no train\.jsonl/);
    expect(text).toMatch(/Deployed models \(\d+\)\n\s+production: /);
    expect(text).toMatch(/tuneloop-job-happy\s+(candidate|production|superseded|rejected)\s+gpt-4o-mini-2024-07-18\.ft-/);

    out.length = 0;
    expect(await runCli(['status', '--json', '--connection-string', azurite.connectionString], io)).toBe(0);
    const json = JSON.parse(out.join(''));
    const happy = json.jobs.find((j: JobRecord) => j.jobKey === 'job-happy');
    expect(happy).toMatchObject({ state: 'evaluated', datasetVersion: 'v-happy' });
    expect(happy.timings.trainingMs).toBeGreaterThanOrEqual(0);
    expect(happy.timings.totalMs).toBeGreaterThan(0);
    expect(happy.expectedToken).toBeUndefined();
    expect(json.datasets).toEqual([expect.objectContaining({ version: 'v-happy', trainExamples: 12 })]);
  });

  it('tuneloop status says how to fix unreachable storage, and rejects bad options', async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => err.push(t), isTty: false, env: {}, cwd: localDir };
    const nowhere = azuriteConnectionString({ blob: 1, queue: 2, table: 3 });
    expect(await runCli(['status', '--connection-string', nowhere], io)).toBe(1);
    expect(err.join('')).toMatch(/cannot reach table storage .*npm start/);
    expect(await runCli(['status', '--limit', 'lots'], io)).toBe(2);
    expect(err.join('')).toMatch(/--limit must be a positive whole number/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
