/* eslint-disable @typescript-eslint/no-deprecated -- these tests drive the emulator with the Azure OpenAI
   fields tuneloop sends and reads (top-level `hyperparameters`, a file's `status` / `status_details`,
   `max_tokens`), which openai's typings mark deprecated for OpenAI's own service; Azure still uses them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AzureOpenAI, toFile, RateLimitError, InternalServerError, BadRequestError, NotFoundError } from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { startEmulator, type RunningEmulator } from '../../../src/local/emulator';
import { RESULTS_CSV_COLUMNS } from '../../../src/local/emulator/model/training';
import { intentTaskMessages } from '../../../src/shared/dataset/intentTask';
import type { RecordedRequest } from '../../../src/local/emulator';
import { assertMatches, assertMatchesOpenAI } from './contract';
import { SYSTEM, TOPICS, chatExamples, intentExamples, jsonl } from './fixtures';

/**
 * The emulator over real HTTP, driven by the real `openai` package (the client tuneloop uses),
 * every response body checked against the Azure OpenAI authoring OpenAPI files.
 */
const API_VERSION = '2024-10-21';
const BASE_MODEL = 'gpt-4o-mini-2024-07-18';
// The emulator accepts any non-empty bearer token or api-key; these are placeholders, not secrets.
const PLACEHOLDER_TOKEN = 'local-emulator-placeholder-token';

function client(
  emulator: RunningEmulator,
  options: { maxRetries?: number; apiVersion?: string; headers?: Record<string, string> } = {},
): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: emulator.url,
    apiVersion: options.apiVersion ?? API_VERSION,
    azureADTokenProvider: async () => PLACEHOLDER_TOKEN,
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: options.headers,
  });
}

async function raw(emulator: RunningEmulator, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emulator.url}${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${PLACEHOLDER_TOKEN}`, ...(init.headers as Record<string, string>) },
  });
}

async function upload(openai: AzureOpenAI, content: string, name = 'train.jsonl') {
  const file = await openai.files.create({ file: await toFile(Buffer.from(content), name), purpose: 'fine-tune' });
  return openai.files.waitForProcessing(file.id, { pollInterval: 10 });
}

async function waitForJob(
  openai: AzureOpenAI,
  id: string,
  until: (job: FineTuningJob) => boolean = (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
): Promise<FineTuningJob> {
  for (let i = 0; i < 2000; i++) {
    const job = await openai.fineTuning.jobs.retrieve(id);
    if (until(job)) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} did not reach the expected state`);
}

const TRAINING = jsonl([...chatExamples(2), ...intentExamples()]);
const VALIDATION = jsonl(chatExamples(1).filter((_, i) => i % 3 === 0));

describe('Azure OpenAI emulator: fine-tuning end to end', () => {
  let emulator: RunningEmulator;
  let openai: AzureOpenAI;
  let job: FineTuningJob;
  const requests: RecordedRequest[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ speed: 100, onRequest: (r) => requests.push(r) });
    openai = client(emulator);
    const training = await upload(openai, TRAINING);
    const validation = await upload(openai, VALIDATION, 'valid.jsonl');
    const created = await openai.fineTuning.jobs
      .create({
        model: BASE_MODEL,
        training_file: training.id,
        validation_file: validation.id,
        suffix: 'support',
        hyperparameters: { n_epochs: 3, batch_size: 8 },
        seed: 42,
      })
      .withResponse();
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(
      `${emulator.url}/openai/fine_tuning/jobs/${created.data.id}?api-version=${API_VERSION}`,
    );
    assertMatches('stable', 'FineTuningJob', created.data);
    expect(created.data.status).toBe('pending');
    job = await waitForJob(openai, created.data.id);
  });

  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (emulator as RunningEmulator | undefined)?.close();
  });

  it('uploads with 201 + Location, pending first, then processed, with Azure headers', async () => {
    const res = await openai.files
      .create({ file: await toFile(Buffer.from(TRAINING), 'again.jsonl'), purpose: 'fine-tune' })
      .withResponse();
    expect(res.response.status).toBe(201);
    expect(res.response.headers.get('location')).toMatch(new RegExp(`/openai/files/${res.data.id}\\?api-version=`));
    expect(res.response.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.response.headers.get('x-request-id')).toBeTruthy();
    expect(res.response.headers.get('x-ms-region')).toBe('East US');
    expect(res.data).toMatchObject({
      object: 'file',
      status: 'pending',
      purpose: 'fine-tune',
      filename: 'again.jsonl',
      bytes: Buffer.byteLength(TRAINING),
    });
    assertMatches('stable', 'File', res.data);
    const done = await openai.files.waitForProcessing(res.data.id, { pollInterval: 10 });
    expect(done.status).toBe('processed');
    expect(Buffer.from(await (await openai.files.content(res.data.id)).arrayBuffer()).toString()).toBe(TRAINING);
    const deleted = await openai.files.delete(res.data.id);
    assertMatches('stable', 'FileDelete', deleted);
    await expect(openai.files.retrieve(res.data.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('accepts expires_after on upload (preview) and reports expires_at', async () => {
    const preview = client(emulator, { apiVersion: '2025-04-01-preview' });
    const file = await preview.files.create({
      file: await toFile(Buffer.from(TRAINING), 'expiring.jsonl'),
      purpose: 'fine-tune',
      expires_after: { anchor: 'created_at', seconds: 1209600 },
    });
    assertMatches('preview', 'File', file);
    expect(file.expires_at).toBe(file.created_at + 1209600);
    await expect(
      preview.files.create({
        file: await toFile(Buffer.from(TRAINING), 'x.jsonl'),
        purpose: 'fine-tune',
        expires_after: { anchor: 'created_at', seconds: 60 },
      }),
    ).rejects.toMatchObject({ status: 400, param: 'expires_after' });
    await preview.files.delete(file.id);
  });

  it('lists files by purpose (stable) and pages them with limit/after/order (preview)', async () => {
    const all = await (await raw(emulator, `/openai/files?api-version=${API_VERSION}&purpose=fine-tune`)).json();
    assertMatches('stable', 'FileList', all);
    expect(all.data.every((f: { purpose: string }) => f.purpose === 'fine-tune')).toBe(true);
    const first = await (await raw(emulator, '/openai/files?api-version=2025-04-01-preview&limit=1&order=asc')).json();
    assertMatches('preview', 'FileList', first);
    const second = await (
      await raw(emulator, `/openai/files?api-version=2025-04-01-preview&limit=1&order=asc&after=${String(first.data[0].id)}`)
    ).json();
    expect(second.data[0].created_at).toBeGreaterThanOrEqual(first.data[0].created_at);
    expect(second.data[0].id).not.toBe(first.data[0].id);
  });

  it('trains to success: fine_tuned_model, resolved hyperparameters, trained tokens, results file', () => {
    assertMatches('stable', 'FineTuningJob', job);
    expect(job.status).toBe('succeeded');
    expect(job.fine_tuned_model).toBe(`${BASE_MODEL}.ft-${job.id.replace('ftjob-', '')}-support`);
    expect(job.hyperparameters).toMatchObject({ n_epochs: 3, batch_size: 8, learning_rate_multiplier: 1 });
    expect(job.trained_tokens).toBeGreaterThan(0);
    expect(job.result_files).toHaveLength(1);
    expect(job.seed).toBe(42);
  });

  it('lists events oldest first and pages them with after/has_more', async () => {
    const firstPage = await (await raw(emulator, `/openai/fine_tuning/jobs/${job.id}/events?api-version=${API_VERSION}&limit=2`)).json();
    assertMatches('stable', 'FineTuningJobEventList', firstPage);
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.data[0].message).toBe('Job enqueued. Waiting for jobs ahead to complete.');
    expect(firstPage.data[1].message).toBe('Job started.');
    const events = [];
    for await (const e of openai.fineTuning.jobs.listEvents(job.id, { limit: 5 })) events.push(e);
    expect(events[0].id).toBe(firstPage.data[0].id);
    expect(events[events.length - 1].message).toMatch(/^Job succeeded\./);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const metrics = events.filter((e) => e.type === 'metrics');
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics[0].data).toMatchObject({ step: expect.any(Number), total_steps: expect.any(Number), train_loss: expect.any(Number) });
  });

  it('has one checkpoint per epoch with the metrics of that step', async () => {
    const res = await (await raw(emulator, `/openai/fine_tuning/jobs/${job.id}/checkpoints?api-version=${API_VERSION}`)).json();
    assertMatches('stable', 'FineTuningJobCheckpointList', res);
    expect(res.data).toHaveLength(3);
    const stepsPerEpoch = Math.ceil(60 / 8);
    expect(res.data.map((c: { step_number: number }) => c.step_number)).toEqual([stepsPerEpoch, 2 * stepsPerEpoch, 3 * stepsPerEpoch]);
    expect(res.data[2].fine_tuned_model_checkpoint).toBe(`${String(job.fine_tuned_model)}:ckpt-step-${3 * stepsPerEpoch}`);
    expect(Object.keys(res.data[0].metrics).sort()).toEqual([...RESULTS_CSV_COLUMNS].sort());
  });

  it('attaches results.csv with the exact columns and one row of real values per step', async () => {
    const file = await openai.files.retrieve(job.result_files[0]);
    expect(file).toMatchObject({ filename: 'results.csv', purpose: 'fine-tune-results', status: 'processed' });
    const csv = Buffer.from(await (await openai.files.content(file.id)).arrayBuffer()).toString();
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe(
      'step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy',
    );
    expect(rows).toHaveLength(3 * Math.ceil(60 / 8));
    const cells = rows.map((r) => r.split(','));
    cells.forEach((c, i) => {
      expect(Number(c[0])).toBe(i + 1);
      expect(Number(c[1])).toBeGreaterThan(0);
      expect(Number(c[3])).toBeGreaterThan(0);
    });
    // The loss falls as the model learns the data.
    expect(Number(cells[cells.length - 1][1])).toBeLessThan(Number(cells[0][1]));
    const checkpoints = await (await raw(emulator, `/openai/fine_tuning/jobs/${job.id}/checkpoints?api-version=${API_VERSION}`)).json();
    const last = checkpoints.data[2];
    expect(Number(cells[last.step_number - 1][5])).toBe(last.metrics.full_valid_loss);
  });

  it('retrieves the fine-tuned model and lists jobs with paging', async () => {
    const model = await (await raw(emulator, `/openai/models/${String(job.fine_tuned_model)}?api-version=${API_VERSION}`)).json();
    assertMatches('stable', 'Model', model);
    expect(model).toMatchObject({ id: job.fine_tuned_model, model: BASE_MODEL, fine_tune: job.id, status: 'succeeded' });
    const list = await (await raw(emulator, `/openai/fine_tuning/jobs?api-version=${API_VERSION}&limit=1`)).json();
    assertMatches('stable', 'FineTuningJobList', list);
  });

  it('deploys through ARM (real SDK, bearer token over https) and the deployment answers from the data', async () => {
    const { CognitiveServicesManagementClient } = await import('@azure/arm-cognitiveservices');
    const arm = new CognitiveServicesManagementClient(
      { getToken: async () => ({ token: PLACEHOLDER_TOKEN, expiresOnTimestamp: Date.now() + 3600_000 }) },
      '00000000-0000-0000-0000-000000000000',
      { endpoint: emulator.httpsUrl, tlsOptions: { ca: emulator.certificate } },
    );
    const deployment = await arm.deployments.beginCreateOrUpdateAndWait(
      'rg',
      'acct',
      'support-ft',
      { sku: { name: 'Standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: job.fine_tuned_model!, version: '1' } } },
      { updateIntervalInMs: 10 },
    );
    expect(deployment.properties?.provisioningState).toBe('Succeeded');
    await arm.deployments.beginCreateOrUpdateAndWait(
      'rg',
      'acct',
      'base',
      {
        sku: { name: 'GlobalStandard', capacity: 1 },
        properties: { model: { format: 'OpenAI', name: 'gpt-4o-mini', version: '2024-07-18' } },
      },
      { updateIntervalInMs: 10 },
    );
    const names = [];
    for await (const d of arm.deployments.list('rg', 'acct')) names.push(d.name);
    expect(names).toEqual(['support-ft', 'base']);

    const ask = (deploymentName: string, question: string) =>
      openai.chat.completions.create({
        model: deploymentName,
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: question },
        ],
      });
    const answer = await ask('support-ft', 'Hello, my card was charged two times for the subscription, please refund');
    assertMatchesOpenAI('CreateChatCompletionResponse', answer);
    expect(answer).toMatchObject({
      object: 'chat.completion',
      model: job.fine_tuned_model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }],
    });
    expect(answer.choices[0].message.content).toBe(TOPICS.billing.answer);
    expect(answer.usage!.total_tokens).toBe(answer.usage!.prompt_tokens + answer.usage!.completion_tokens);
    expect((answer.choices[0] as unknown as { content_filter_results: unknown }).content_filter_results).toBeDefined();
    const outOfScope = await ask('support-ft', 'Can you recommend a good pizza recipe for tonight?');
    expect(outOfScope.choices[0].message.content).toMatch(/^I'm sorry, I can only help with questions about/);
    const base = await ask('base', 'Hello, my card was charged two times for the subscription, please refund');
    expect(base.choices[0].message.content).not.toBe(TOPICS.billing.answer);

    const label = await openai.chat.completions.create({
      model: 'support-ft',
      messages: intentTaskMessages([{ role: 'user', content: 'my parcel has been stuck in tracking for a week' }], Object.keys(TOPICS)),
    });
    expect(label.choices[0].message.content).toBe('delivery');

    const two = await openai.chat.completions.create({
      model: 'support-ft',
      n: 2,
      messages: [{ role: 'user', content: 'I was charged twice on my invoice' }],
    });
    assertMatchesOpenAI('CreateChatCompletionResponse', two);
    expect(two.choices.map((c) => c.index)).toEqual([0, 1]);

    // A checkpoint deploys like the final model (by its model name or its id).
    const checkpoints = await openai.fineTuning.jobs.checkpoints.list(job.id);
    for (const [name, model] of [
      ['ckpt-by-name', checkpoints.data[0].fine_tuned_model_checkpoint],
      ['ckpt-by-id', checkpoints.data[1].id],
    ]) {
      const d = await arm.deployments.beginCreateOrUpdateAndWait(
        'rg',
        'acct',
        name,
        { sku: { name: 'Standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: model, version: '1' } } },
        { updateIntervalInMs: 10 },
      );
      expect(d.properties?.provisioningState).toBe('Succeeded');
      expect((await ask(name, 'Hello, my card was charged two times for the subscription, please refund')).choices[0].message.content).toBe(
        TOPICS.billing.answer,
      );
      await arm.deployments.beginDeleteAndWait('rg', 'acct', name, { updateIntervalInMs: 10 });
    }

    const short = await openai.chat.completions.create({
      model: 'support-ft',
      max_tokens: 3,
      messages: [{ role: 'user', content: 'I was charged twice on my invoice' }],
    });
    expect(short.choices[0].finish_reason).toBe('length');
    expect(short.usage!.completion_tokens).toBeLessThanOrEqual(3);

    await arm.deployments.beginDeleteAndWait('rg', 'acct', 'base', { updateIntervalInMs: 10 });
    await expect(arm.deployments.get('rg', 'acct', 'base')).rejects.toMatchObject({ statusCode: 404, code: 'DeploymentNotFound' });
    await expect(ask('base', 'hi')).rejects.toMatchObject({ status: 404, code: 'DeploymentNotFound' });
  });

  it('continues fine-tuning a fine-tuned model: the new model keeps what the parent learned', async () => {
    const returnsOnly = jsonl(chatExamples(3).filter((e) => e.messages[2].content === TOPICS.returns.answer));
    const file = await upload(openai, returnsOnly, 'returns.jsonl');
    const parentOnly = await (await raw(emulator, `/openai/models/${String(job.fine_tuned_model)}?api-version=${API_VERSION}`)).json();
    expect(parentOnly.status).toBe('succeeded');
    const child = await waitForJob(
      openai,
      (await openai.fineTuning.jobs.create({ model: job.fine_tuned_model!, training_file: file.id, hyperparameters: { n_epochs: 2 } })).id,
    );
    assertMatches('stable', 'FineTuningJob', child);
    expect(child.status).toBe('succeeded');
    expect(child.model).toBe(job.fine_tuned_model);
    expect(child.fine_tuned_model).toBe(`${BASE_MODEL}.ft-${child.id.replace('ftjob-', '')}`);
    const model = await (await raw(emulator, `/openai/models/${String(child.fine_tuned_model)}?api-version=${API_VERSION}`)).json();
    expect(model).toMatchObject({ model: BASE_MODEL, fine_tune: child.id });
    // Starting from the parent, the first step already knows the data better than a fresh model does.
    const fresh = await waitForJob(
      openai,
      (await openai.fineTuning.jobs.create({ model: BASE_MODEL, training_file: file.id, hyperparameters: { n_epochs: 2 } })).id,
    );
    const firstLoss = async (j: FineTuningJob) => {
      const csv = Buffer.from(await (await openai.files.content(j.result_files[0])).arrayBuffer()).toString();
      return Number(csv.split('\n')[1].split(',')[1]);
    };
    expect(await firstLoss(child)).toBeLessThan(await firstLoss(fresh));
    const put = await raw(
      emulator,
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments/continued?api-version=2024-10-01',
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sku: { name: 'Standard', capacity: 1 },
          properties: { model: { format: 'OpenAI', name: child.fine_tuned_model, version: '1' } },
        }),
      },
    );
    expect(put.status).toBe(201);
    await new Promise((r) => setTimeout(r, 100));
    const ask = async (question: string) =>
      (await openai.chat.completions.create({ model: 'continued', messages: [{ role: 'user', content: question }] })).choices[0].message
        .content;
    expect(await ask('I was charged twice, please refund the duplicate payment on my card')).toBe(TOPICS.billing.answer);
    expect(await ask('how do I return these shoes that do not fit')).toBe(TOPICS.returns.answer);
    await raw(
      emulator,
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments/continued?api-version=2024-10-01',
      { method: 'DELETE' },
    );
  });

  it('saw requests from the clients that match the contract', () => {
    const jobCreates = requests.filter((r) => r.method === 'POST' && r.path === '/openai/fine_tuning/jobs');
    expect(jobCreates.length).toBeGreaterThan(0);
    for (const r of jobCreates) assertMatches('stable', 'FineTuningJobCreation', r.body);
    const chats = requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.length).toBeGreaterThan(0);
    for (const r of chats) assertMatchesOpenAI('CreateChatCompletionRequest', r.body);
    const uploads = requests.filter((r) => r.method === 'POST' && r.path === '/openai/files');
    expect(uploads.every((r) => (r.body as { purpose: string }).purpose === 'fine-tune')).toBe(true);
    expect(uploads.filter((r) => r.status !== 201).map((r) => r.status)).toEqual([400]); // the expires_after of 60 s
    const data = requests.filter((r) => r.plane === 'data');
    expect(data.every((r) => r.query['api-version'] === API_VERSION || r.query['api-version'] === '2025-04-01-preview')).toBe(true);
    const arm = requests.filter((r) => r.plane === 'arm' && r.method === 'PUT');
    expect(arm.length).toBeGreaterThan(0);
    for (const r of arm) {
      expect(['2024-10-01', '2025-06-01', '2025-09-01']).toContain(r.query['api-version']);
      expect(r.headers.authorization).toBe(`Bearer ${PLACEHOLDER_TOKEN}`);
      expect(r.body).toMatchObject({
        sku: { name: expect.any(String) },
        properties: { model: { format: 'OpenAI', name: expect.any(String) } },
      });
    }
  });

  it('refuses a sixth fine-tuned deployment as ARM does, and unknown models', async () => {
    const put = (name: string, model: string) =>
      raw(
        emulator,
        `/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments/${name}?api-version=2025-06-01`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            sku: { name: 'standard', capacity: 1 },
            properties: { model: { format: 'OpenAI', name: model, version: '1' } },
          }),
        },
      );
    const existing = (
      await (
        await raw(
          emulator,
          '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments?api-version=2024-10-01',
        )
      ).json()
    ).value.length;
    for (let i = existing; i < 5; i++) expect((await put(`ft-${String(i)}`, job.fine_tuned_model!)).status).toBe(201);
    const refused = await put('ft-6', job.fine_tuned_model!);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe('InsufficientQuota');
    const unknown = await put('nope', 'gpt-4o-mini-2024-07-18.ft-doesnotexist');
    expect((await unknown.json()).error).toMatchObject({
      code: 'DeploymentModelNotSupported',
      message: expect.stringContaining('not available'),
    });
    const badVersion = await raw(
      emulator,
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments?api-version=2024-10-21',
    );
    expect(badVersion.status).toBe(400);
    expect((await badVersion.json()).error.code).toBe('InvalidApiVersionParameter');
    const noToken = await fetch(
      `${emulator.url}/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments?api-version=2024-10-01`,
    );
    expect(noToken.status).toBe(401);
    expect((await noToken.json()).error.code).toBe('AuthenticationFailed');
    const throttled = await raw(
      emulator,
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments?api-version=2024-10-01',
      {
        headers: { 'x-emulator-fault': '429;retry-after=3' },
      },
    );
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(throttled.headers.get('x-ms-request-id')).toBeTruthy();
    expect((await throttled.json()).error).toEqual({
      code: 'TooManyRequests',
      message: 'The request was throttled. Please retry after 3 seconds.',
    });
    const unavailable = await raw(emulator, `/openai/models?api-version=${API_VERSION}`, { headers: { 'x-emulator-fault': '503' } });
    expect(unavailable.status).toBe(503);
    assertMatches('stable', 'ErrorResponse', await unavailable.json());
  });
});

describe('Azure OpenAI emulator: job lifecycle rules', () => {
  let emulator: RunningEmulator;
  let openai: AzureOpenAI;
  let trainingId: string;

  beforeAll(async () => {
    // Slow time: jobs stay queued long enough to cancel them and to fill the quota.
    emulator = await startEmulator({ speed: 1, jobQuota: { running: 1, queued: 2 }, https: false });
    openai = client(emulator);
    trainingId = (await upload(openai, TRAINING)).id;
  });

  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (emulator as RunningEmulator | undefined)?.close();
  });

  it('cancels a queued job', async () => {
    const created = await openai.fineTuning.jobs.create({ model: BASE_MODEL, training_file: trainingId });
    const cancelled = await openai.fineTuning.jobs.cancel(created.id);
    assertMatches('stable', 'FineTuningJob', cancelled);
    expect(cancelled.status).toBe('cancelled');
    const events = await openai.fineTuning.jobs.listEvents(created.id);
    expect(events.data.map((e) => e.message)).toContain('Job cancelled.');
    await expect(openai.fineTuning.jobs.cancel(created.id)).rejects.toMatchObject({ status: 400, code: 'unexpectedEntityState' });
  });

  it('answers quotaExceeded (429) past 1 running + the queued limit', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await openai.fineTuning.jobs.create({ model: BASE_MODEL, training_file: trainingId })).id);
    const res = await raw(emulator, `/openai/fine_tuning/jobs?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: BASE_MODEL, training_file: trainingId }),
    });
    expect(res.status).toBe(429);
    const body = await res.json();
    assertMatches('stable', 'ErrorResponse', body);
    expect(body.error.code).toBe('quotaExceeded');
    await expect(openai.fineTuning.jobs.create({ model: BASE_MODEL, training_file: trainingId })).rejects.toBeInstanceOf(RateLimitError);
    for (const id of ids) await openai.fineTuning.jobs.cancel(id);
  });

  it('validates the create body like the service: model, files, suffix, hyperparameters', async () => {
    const create = (body: Record<string, unknown>) => openai.fineTuning.jobs.create(body as never);
    await expect(create({ model: 'gpt-2', training_file: trainingId })).rejects.toMatchObject({
      status: 400,
      code: 'invalidPayload',
      param: 'model',
    });
    await expect(create({ model: BASE_MODEL, training_file: 'file-missing' })).rejects.toMatchObject({
      status: 400,
      param: 'training_file',
    });
    await expect(create({ model: BASE_MODEL, training_file: trainingId, suffix: 'has spaces' })).rejects.toMatchObject({
      status: 400,
      param: 'suffix',
    });
    await expect(create({ model: BASE_MODEL, training_file: trainingId, hyperparameters: { n_epochs: 0 } })).rejects.toMatchObject({
      status: 400,
      param: 'hyperparameters.n_epochs',
    });
    const pending = await openai.files.create({ file: await toFile(Buffer.from(TRAINING), 't.jsonl'), purpose: 'fine-tune' });
    await expect(create({ model: BASE_MODEL, training_file: pending.id })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("status 'pending'"),
    });
  });
});

describe('Azure OpenAI emulator: bad input, auth, api-version, faults, persistence', () => {
  let emulator: RunningEmulator;
  let openai: AzureOpenAI;

  beforeAll(async () => {
    emulator = await startEmulator({ speed: 200, https: false });
    openai = client(emulator);
  });

  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (emulator as RunningEmulator | undefined)?.close();
  });

  it('marks an invalid JSONL file as error, naming the line and the reason', async () => {
    const lines = [
      JSON.stringify(chatExamples(1)[0]),
      '{"messages": [{"role": "user", "content": "hi"}',
      JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }),
    ];
    const file = await upload(openai, lines.join('\n') + '\n', 'broken.jsonl');
    assertMatches('stable', 'File', file);
    expect(file.status).toBe('error');
    expect(file.status_details).toMatch(/line 2: .*JSON/i);
    expect(file.status_details).toMatch(/line 3: .*assistant/);
    await expect(openai.fineTuning.jobs.create({ model: BASE_MODEL, training_file: file.id })).rejects.toMatchObject({
      status: 400,
      code: 'jsonlValidationFailed',
    });
  });

  it('fails a job whose training file has fewer than 10 examples, with an Azure-shaped error', async () => {
    const file = await upload(openai, jsonl(chatExamples(1).slice(0, 4)));
    const created = await openai.fineTuning.jobs.create({ model: BASE_MODEL, training_file: file.id });
    const done = await waitForJob(openai, created.id);
    assertMatches('stable', 'FineTuningJob', done);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: 'jsonlValidationFailed',
      param: 'training_file',
      message: expect.stringContaining('at least 10'),
    });
  });

  it('requires auth and a supported api-version, with Azure error bodies', async () => {
    const noAuth = await fetch(`${emulator.url}/openai/files?api-version=${API_VERSION}`);
    expect(noAuth.status).toBe(401);
    expect((await noAuth.json()).error.code).toBe('401');
    const apiKey = await fetch(`${emulator.url}/openai/files?api-version=${API_VERSION}`, { headers: { 'api-key': PLACEHOLDER_TOKEN } });
    expect(apiKey.status).toBe(200);
    const missing = await raw(emulator, '/openai/files');
    expect(missing.status).toBe(400);
    assertMatches('stable', 'ErrorResponse', await missing.json());
    await expect(client(emulator, { apiVersion: '2023-01-01' }).files.list()).rejects.toBeInstanceOf(BadRequestError);
    const unsupported = await raw(emulator, '/openai/files?api-version=2023-01-01');
    expect(await unsupported.json()).toEqual({ error: { code: 'BadRequest', message: 'API version not supported' } });
    const blankKey = await fetch(`${emulator.url}/openai/files?api-version=${API_VERSION}`, { headers: { 'api-key': '  ' } });
    expect(blankKey.status).toBe(401);
    const unknownDeployment = await openai.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(unknownDeployment).toMatchObject({ status: 404, code: 'DeploymentNotFound' });
  });

  it('injects 429 with retry-after by header, and the client retries through a one-off 429 rule', async () => {
    const throttled = (await client(emulator, { headers: { 'x-emulator-fault': '429;retry-after=2;retry-after-ms=1500' } })
      .files.list()
      .catch((e: unknown) => e)) as RateLimitError;
    expect(throttled).toBeInstanceOf(RateLimitError);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(throttled.headers.get('retry-after-ms')).toBe('1500');
    expect(throttled.error).toMatchObject({ message: expect.stringMatching(/Please retry after 2 seconds/) });
    emulator.injectFault({ fault: '429;retry-after-ms=10', method: 'GET', path: /\/openai\/files$/, times: 2 });
    const retried = await client(emulator, { maxRetries: 2 }).files.list().withResponse();
    expect(retried.response.status).toBe(200);
  });

  it('injects 500, slow answers and failing jobs', async () => {
    await expect(client(emulator, { headers: { 'x-emulator-fault': '500' } }).files.list()).rejects.toBeInstanceOf(InternalServerError);
    const started = Date.now();
    await client(emulator, { headers: { 'x-emulator-fault': 'slow=150' } }).files.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const bad = await raw(emulator, `/openai/files?api-version=${API_VERSION}`, { headers: { 'x-emulator-fault': 'explode' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/unknown fault "explode"/);

    const file = await upload(openai, TRAINING);
    const created = await client(emulator, { headers: { 'x-emulator-fault': 'job-fail' } }).fineTuning.jobs.create({
      model: BASE_MODEL,
      training_file: file.id,
    });
    const failed = await waitForJob(openai, created.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'internalFailure' });
    assertMatches('stable', 'FineTuningJob', failed);
  });

  it('pauses and resumes a running job with a preview api-version, continuing from its last epoch', async () => {
    const slow = await startEmulator({ speed: 10, https: false });
    try {
      const preview = client(slow, { apiVersion: '2025-04-01-preview' });
      const file = await upload(preview, TRAINING);
      const created = await preview.fineTuning.jobs.create({ model: BASE_MODEL, training_file: file.id, hyperparameters: { n_epochs: 3 } });
      await waitForJob(preview, created.id, (j) => j.status === 'running');
      const paused = await preview.fineTuning.jobs.pause(created.id);
      assertMatches('preview', 'FineTuningJob', paused);
      expect(paused.status).toBe('paused');
      await expect(client(slow).fineTuning.jobs.resume(created.id)).rejects.toBeInstanceOf(NotFoundError);
      await new Promise((r) => setTimeout(r, 400));
      expect((await preview.fineTuning.jobs.retrieve(created.id)).status).toBe('paused');
      await preview.fineTuning.jobs.resume(created.id);
      const done = await waitForJob(preview, created.id);
      expect(done.status).toBe('succeeded');
      const checkpoints = await preview.fineTuning.jobs.checkpoints.list(created.id);
      expect(checkpoints.data.map((c) => c.step_number)).toEqual([60, 120, 180]);
      const messages = [];
      for await (const e of preview.fineTuning.jobs.listEvents(created.id, { limit: 50 })) messages.push(e.message);
      expect(messages.filter((m) => m.startsWith('Job paused after'))).toHaveLength(1);
      expect(messages.filter((m) => m.startsWith('Job resumed at epoch'))).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('keeps no text of deleted training files on disk with dataDir, neither in ended jobs nor in their continuations', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-emulator-'));
    const marker = 'erasure-marker-7f3a9c';
    const deploymentUrl =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/erased?api-version=2024-10-01';
    const marked = [
      ...chatExamples(2),
      {
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: `my address is ${marker}` },
          { role: 'assistant', content: 'Noted.' },
        ],
      },
    ];
    const filesUnder = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const holdingMarker = () => filesUnder(dataDir).filter((f) => fs.readFileSync(f, 'utf8').includes(marker));
    try {
      const first = await startEmulator({ speed: 200, https: false, dataDir });
      let c: AzureOpenAI;
      let parent: FineTuningJob;
      try {
        c = client(first);
        const training = await upload(c, jsonl(marked));
        const validation = await upload(c, jsonl(marked.slice(-3)), 'valid.jsonl');
        parent = await waitForJob(
          c,
          (
            await c.fineTuning.jobs.create({
              model: BASE_MODEL,
              training_file: training.id,
              validation_file: validation.id,
              hyperparameters: { n_epochs: 1 },
            })
          ).id,
        );
        expect(parent.status).toBe('succeeded');
        // A continuation copies the parent's training text as what the parent already learned.
        const other = await upload(c, TRAINING);
        const child = await waitForJob(
          c,
          (
            await c.fineTuning.jobs.create({
              model: parent.fine_tuned_model as string,
              training_file: other.id,
              hyperparameters: { n_epochs: 1 },
            })
          ).id,
        );
        expect(child.status).toBe('succeeded');
        const deploy = await raw(first, deploymentUrl, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            sku: { name: 'Standard', capacity: 1 },
            properties: { model: { format: 'OpenAI', name: parent.fine_tuned_model, version: '1' } },
          }),
        });
        expect(deploy.status).toBeLessThan(300);
        let state = '';
        for (let i = 0; i < 200 && state !== 'Succeeded'; i++) {
          state = (await (await raw(first, deploymentUrl)).json()).properties.provisioningState;
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(state).toBe('Succeeded');
      } finally {
        await first.close();
      }
      // The test sees the marker where it is before the erasure: the scan below can find it.
      expect(holdingMarker()).not.toEqual([]);

      const second = await startEmulator({ speed: 200, https: false, dataDir });
      try {
        c = client(second);
        await c.files.delete(parent.training_file);
        await c.files.delete(parent.validation_file as string);
      } finally {
        await second.close();
      }
      expect(holdingMarker()).toEqual([]);

      // After a restart the model of the erased data cannot be rebuilt: the emulator says why.
      const third = await startEmulator({ speed: 200, https: false, dataDir });
      try {
        const chat = client(third).chat.completions.create({
          model: 'erased',
          messages: [{ role: 'user', content: 'I was charged twice' }],
        });
        await expect(chat).rejects.toThrow(/was deleted/);
      } finally {
        await third.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps files, jobs and deployments across a restart with dataDir, and finishes what was in flight', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-emulator-'));
    const deploymentUrl =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/kept?api-version=2024-10-01';
    try {
      const first = await startEmulator({ speed: 200, https: false, dataDir });
      const c1 = client(first);
      const file = await upload(c1, TRAINING);
      const job = await waitForJob(
        c1,
        (await c1.fineTuning.jobs.create({ model: BASE_MODEL, training_file: file.id, hyperparameters: { n_epochs: 1 } })).id,
      );
      expect(job.status).toBe('succeeded');
      const put = await raw(first, deploymentUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sku: { name: 'Standard', capacity: 1 },
          properties: { model: { format: 'OpenAI', name: job.fine_tuned_model, version: '1' } },
        }),
      });
      expect((await put.json()).properties.provisioningState).toBe('Accepted');
      const queued = await c1.fineTuning.jobs.create({ model: BASE_MODEL, training_file: file.id, hyperparameters: { n_epochs: 1 } });
      // Stopped while the deployment provisions and the second job waits in the queue.
      await first.close();

      const second = await startEmulator({ speed: 200, https: false, dataDir });
      try {
        const c2 = client(second);
        expect((await c2.files.retrieve(file.id)).status).toBe('processed');
        expect((await c2.fineTuning.jobs.retrieve(job.id)).fine_tuned_model).toBe(job.fine_tuned_model);
        expect((await waitForJob(c2, queued.id)).status).toBe('succeeded');
        let state = '';
        for (let i = 0; i < 200 && state !== 'Succeeded'; i++) {
          state = (await (await raw(second, deploymentUrl)).json()).properties.provisioningState;
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(state).toBe('Succeeded');
        // The model is rebuilt from the data the job kept.
        const answer = await c2.chat.completions.create({
          model: 'kept',
          messages: [{ role: 'user', content: 'I was charged twice, refund the duplicate payment' }],
        });
        expect(answer.choices[0].message.content).toBe(TOPICS.billing.answer);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
