import { FineTuningClient, createOpenAIClient, jobPhase, LOCAL_EMULATOR_TOKEN } from '../../../src/shared/finetune/client';
import { FileProcessingError, FineTuneConfigurationError, FineTuneServiceError } from '../../../src/shared/finetune/errors';
import type { RunningEmulator } from '../../../src/local/emulator';
import { loadSettings } from '../../../src/shared/config/settings';
import { testStorageConnectionString } from '../../setup/storage';
import { emulatorSettings, startTestEmulator, trainingJsonl, validationJsonl } from './fixtures';
import { openAIConnection } from '../../../src/shared/composition/config';

// Against the real emulator over HTTP (src/local/emulator), through the openai AzureOpenAI client.
describe('FineTuningClient against the emulator', () => {
  let emulator: RunningEmulator;
  let client: FineTuningClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const settings = emulatorSettings(emulator, testStorageConnectionString());
    client = new FineTuningClient(createOpenAIClient(openAIConnection(settings), { maxRetries: 3 }));
  });
  afterAll(() => emulator.close());
  afterEach(() => emulator.clearFaults());

  it('uploads, waits until processed, trains, and reads events, checkpoints and results.csv', async () => {
    const train = await client.uploadFile('client-train.jsonl', Buffer.from(trainingJsonl()));
    const validation = await client.uploadFile('client-validation.jsonl', Buffer.from(validationJsonl()));
    expect(train.filename).toBe('client-train.jsonl');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- Azure OpenAI reports a file's processing state in `status`
    expect((await client.waitForFile(train.id, { backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 } })).status).toBe(
      'processed',
    );
    await client.waitForFile(validation.id, { backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 } });
    expect((await client.findFile('client-train.jsonl'))?.id).toBe(train.id);

    const job = await client.createJob({
      model: 'gpt-4o-mini-2024-07-18',
      trainingFile: train.id,
      validationFile: validation.id,
      hyperparameters: { n_epochs: 2 },
      suffix: 'clienttest',
      seed: 42,
    });
    expect(jobPhase(job.status)).toBe('in-progress');
    let current = job;
    for (let i = 0; i < 200 && jobPhase(current.status) === 'in-progress'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      current = await client.getJob(job.id);
    }
    expect(current.status).toBe('succeeded');
    expect(current.fine_tuned_model).toContain('gpt-4o-mini-2024-07-18.ft-');
    expect((await client.findJobByTrainingFile(train.id))?.id).toBe(job.id);

    const events = await client.listEvents(job.id);
    expect(events.length).toBeGreaterThan(1);
    expect(events.map((e) => e.created_at)).toEqual([...events.map((e) => e.created_at)].sort((a, b) => a - b));
    const checkpoints = await client.listCheckpoints(job.id);
    expect(checkpoints.length).toBeGreaterThan(0);

    const results = await client.downloadResults(current);
    expect(results?.steps.length).toBeGreaterThan(0);
    expect(results?.final.trainLoss).toBeGreaterThan(0);
    expect(results?.final.validLoss).toBeGreaterThan(0);
  });

  it('reports a rejected file with the service’s status_details', async () => {
    const bad = await client.uploadFile('client-bad.jsonl', Buffer.from('{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n'));
    const err = await client
      .waitForFile(bad.id, { backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileProcessingError);
    expect((err as FileProcessingError).statusDetails).not.toBe('');
    expect((err as FileProcessingError).message).toContain('client-bad.jsonl');
    // A failed file is not offered for reuse.
    expect(await client.findFile('client-bad.jsonl')).toBeUndefined();
  });

  it('follows after/has_more pages when listing jobs', async () => {
    const train = await client.uploadFile('client-paging.jsonl', Buffer.from(trainingJsonl(' (paging)')));
    await client.waitForFile(train.id, { backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 } });
    const created = [];
    for (let i = 0; i < 3; i++) created.push((await client.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: train.id })).id);
    const seen: string[] = [];
    for await (const job of client.listJobs({ pageSize: 1 })) seen.push(job.id);
    for (const id of created) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    // The emulator trains small jobs in moments; on a loaded machine the listing can take longer
    // than the job, and Azure refuses to cancel a finished job (400). Both answers are correct.
    const outcome = await client.cancelJob(created[2]).then(
      (job) => job.status,
      (err: unknown) => err,
    );
    if (typeof outcome === 'string') expect(['cancelled', 'cancelling']).toContain(outcome);
    else {
      expect(outcome).toMatchObject({ kind: 'invalid-request', status: 400 });
      expect(['succeeded', 'failed']).toContain((await client.getJob(created[2])).status);
    }
  });

  it('rides out a 429 storm by honouring retry-after', async () => {
    emulator.injectFault({ fault: '429;retry-after-ms=50', method: 'GET', path: '/openai/files', times: 2 });
    const file = await client.uploadFile('client-429.jsonl', Buffer.from(trainingJsonl(' (429)')));
    const started = Date.now();
    expect((await client.getFile(file.id)).id).toBe(file.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('gives a typed, retryable error when 500s outlast the client retries', async () => {
    emulator.injectFault({ fault: '500', method: 'GET', path: '/openai/fine_tuning/jobs', times: 10 });
    const noRetry = new FineTuningClient(
      createOpenAIClient(openAIConnection(emulatorSettings(emulator, testStorageConnectionString())), { maxRetries: 0 }),
    );
    const err = await noRetry.getJob('ftjob-doesnotmatter').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FineTuneServiceError);
    expect(err).toMatchObject({ kind: 'transient', status: 500 });
  });

  it('never retries job creation inside the client (a retried POST could create a second job)', async () => {
    const train = await client.uploadFile('client-noretry.jsonl', Buffer.from(trainingJsonl(' (no retry)')));
    await client.waitForFile(train.id, { backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 } });
    emulator.injectFault({ fault: '500', method: 'POST', path: '/openai/fine_tuning/jobs', times: 1 });
    const err = await client.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: train.id }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FineTuneServiceError', kind: 'transient', status: 500 });
    expect(await client.findJobByTrainingFile(train.id)).toBeUndefined();
  });

  it('classifies a missing job as an invalid request', async () => {
    const err = await client.getJob('ftjob-0000').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid-request', status: 404 });
  });

  it('creates no client without an endpoint, and names the setting', () => {
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    expect(() => createOpenAIClient(openAIConnection(settings))).toThrow(FineTuneConfigurationError);
    expect(() => createOpenAIClient(openAIConnection(settings))).toThrow(/TUNELOOP_OPENAI_ENDPOINT/);
    // The port itself builds fine: the error comes on first use.
    const lazy = new FineTuningClient(() => createOpenAIClient(openAIConnection(settings)));
    expect(() => lazy.openai).toThrow(/TUNELOOP_OPENAI_ENDPOINT/);
    expect(LOCAL_EMULATOR_TOKEN).not.toMatch(/key|secret/i);
  });
});
