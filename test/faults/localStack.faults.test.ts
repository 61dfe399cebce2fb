import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../src/local/azurite';
import { node22Path } from '../../src/local/node22';
import { LocalHost, type InvocationRecord } from '../../src/local/host';
import { functionDefinitions } from '../../src/functions/registry';
import { givenRuntime } from '../../src/functions/runtimeSource';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import { loadSettings, type Settings } from '../../src/shared/config/settings';
import { preprocessBlob, blobOutputNames, BlobInProgressError, type BlobOutcome } from '../../src/shared/dataset/blobPreprocess';
import { assembleDataset, type AssemblyOutcome } from '../../src/shared/dataset/assembly';
import { tableKey } from '../../src/shared/dataset/keys';
import { handleJobMessage } from '../../src/shared/finetune/loop';
import { createOpenAIClient, FineTuningClient } from '../../src/shared/finetune/client';
import { createFineTunePorts } from '../../src/shared/finetune/ports';
import { JobStore } from '../../src/shared/finetune/jobStore';
import { createStorageClients, type StorageClients } from '../../src/shared/storage/clients';
import { CONTAINERS, QUEUES, TABLES } from '../../src/shared/storage/names';
import type { RunningEmulator } from '../../src/local/emulator';
import { emulatorSettings, startTestEmulator } from '../shared/finetune/fixtures';
import { freshConversations } from '../shared/dataset/fixtures';
import { fineTuneConfig, openAIConnection } from '../../src/shared/composition/config';

/**
 * Faults on the real local stack. No timing assertions: every wait is on a condition, with limits
 * generous enough for a loaded 2-core machine. Each test ends by checking what must hold after
 * recovery: no record lost, none twice, one fine-tuning job, receipts and pointers consistent.
 */
const LONG = 240_000;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 120_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shardLines(storage: StorageClients, name: string): Promise<{ conversation_id: string; kind: string }[]> {
  const text = (await storage.container(CONTAINERS.curated).getBlobClient(name).downloadToBuffer()).toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** What must hold for one processed blob: every record counted once, no example twice, receipt and outputs agree. */
async function expectConsistentBlob(storage: StorageClients, name: string, etag: string, recordsIn: number): Promise<void> {
  const outputs = blobOutputNames(name, etag);
  const receipt = await storage.table(TABLES.blobReceipts).getEntity(tableKey(name), outputs.etagHash);
  expect(receipt).toMatchObject({ status: 'processed', recordsIn });
  expect(Number(receipt.recordsUsed) + Number(receipt.recordsQuarantined)).toBe(recordsIn);
  const lines = await shardLines(storage, outputs.curated);
  const keys = lines.map((l) => `${l.conversation_id}|${l.kind}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(new Set(lines.map((l) => l.conversation_id)).size).toBe(Number(receipt.recordsUsed));
  const report = JSON.parse(
    (await storage.container(CONTAINERS.curated).getBlobClient(outputs.report).downloadToBuffer()).toString('utf8'),
  );
  expect(report).toMatchObject({
    records_in: recordsIn,
    records_used: receipt.recordsUsed,
    records_quarantined: receipt.recordsQuarantined,
  });
  const quarantine = (await storage.container(CONTAINERS.quarantine).getBlobClient(outputs.quarantine).downloadToBuffer()).toString('utf8');
  expect(quarantine.split('\n').filter(Boolean)).toHaveLength(Number(receipt.recordsQuarantined));
}

/** Delivers a blob until it is done, as the host does after a failed invocation. */
async function deliverUntilDone(runtime: Runtime, name: string): Promise<BlobOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await preprocessBlob(runtime, name);
      if (outcome.status !== 'gone') return outcome;
    } catch (err) {
      // Held by a delivery that died with the outage: wait for its claim to run out, as the platform's retries do.
      if (err instanceof BlobInProgressError) {
        attempt--;
        await new Promise((r) => setTimeout(r, Math.max(100, Date.parse(err.heldUntil) - Date.now() + 100)));
        continue;
      }
      if (attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('Azurite stopped and restarted mid-operation (its own Azurite on disk)', () => {
  let dir: string;
  let azurite: RunningAzurite;
  let storage: StorageClients;
  let runtime: Runtime;
  let ports: { blob: number; queue: number; table: number };

  async function restartAzurite(): Promise<void> {
    await azurite.stop();
    // Down long enough for requests in flight to fail and for new ones to be refused.
    await new Promise((r) => setTimeout(r, 1500));
    azurite = await startAzurite({
      location: path.join(dir, 'azurite'),
      blobPort: ports.blob,
      queuePort: ports.queue,
      tablePort: ports.table,
      startupTimeoutMs: 120_000,
    });
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-faults-'));
    azurite = await startAzurite({ location: path.join(dir, 'azurite'), startupTimeoutMs: 120_000 });
    ports = azurite.ports;
    storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    // The generated conversations differ only in numbers (near-duplicates for character shingles at
    // the default 0.8); these tests are about faults, so the threshold is raised, and the
    // assembly's cross-file duplicate search (which compares every file with every other) is off.
    runtime = createRuntime(
      loadSettings({
        TUNELOOP_STORAGE: azurite.connectionString,
        TUNELOOP_LOCAL_DIR: dir,
        TUNELOOP_BALANCE_MAX_SHARE: '1',
        TUNELOOP_MAX_BLOB_ATTEMPTS: '10',
        TUNELOOP_BLOB_LEASE_SECONDS: '5',
        TUNELOOP_DEDUP_THRESHOLD: '0.9',
        TUNELOOP_ASSEMBLY_DEDUP: 'false',
      }),
      { storage },
    );
  }, LONG);
  afterAll(async () => {
    await (azurite as RunningAzurite | undefined)?.stop(); // unset when beforeAll failed
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'in the middle of a blob: after recovery every record is counted once and the shard has no example twice',
    async () => {
      const name = 'chats/restart.jsonl';
      const body = freshConversations(300, 'r', 7);
      const upload = await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
      const first = preprocessBlob(runtime, name).then(
        (outcome) => ({ outcome }),
        (error: unknown) => ({ error }),
      );
      // Mid-blob: the attempt is claimed and the shard has not been committed yet.
      await waitFor('the attempt to be claimed', async () => {
        const r = await storage
          .table(TABLES.blobReceipts)
          .getEntity<{ status: string }>(tableKey(name), blobOutputNames(name, upload.etag!).etagHash);
        return r.status === 'processing';
      });
      await restartAzurite();
      await first; // failed, or rode out the outage on the SDK's retries: both must end consistent
      const outcome = await deliverUntilDone(runtime, name);
      expect(['processed', 'duplicate']).toContain(outcome.status);
      await expectConsistentBlob(storage, name, upload.etag!, 300);
    },
    LONG,
  );

  it(
    'in the middle of the nightly assembly: the rerun records one version and queues its job exactly once',
    async () => {
      const first = assembleDataset(runtime, { now: new Date('2026-11-10T02:00:00Z') }).then(
        (outcome) => ({ outcome }),
        (error: unknown) => ({ error }),
      );
      // Mid-assembly: the first dataset file is written, the version row and the job message are not yet.
      await waitFor('the first dataset blob', async () => {
        for await (const b of storage.container(CONTAINERS.datasets).listBlobsFlat()) return b.name;
        return undefined;
      });
      await restartAzurite();
      const settled = await first;
      const firstOutcome: AssemblyOutcome | undefined = 'outcome' in settled ? settled.outcome : undefined;
      // Failed, or stopped before queueing: the rerun must complete it (what is checked below).
      if (firstOutcome?.outcome !== 'submitted') await assembleDataset(runtime, { now: new Date('2026-11-10T02:05:00Z') });
      const versions: string[] = [];
      for await (const row of storage.table(TABLES.datasets).listEntities<{ rowKey: string }>()) versions.push(row.rowKey);
      expect(versions).toHaveLength(1);
      const messages = await storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 32 });
      const submits = messages.peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
      expect(submits.length).toBeGreaterThanOrEqual(1);
      // Duplicates of the same submit are harmless (the job loop keys jobs by jobKey); another version is not.
      expect(new Set(submits.map((s) => `${String(s.kind)}|${String(s.jobKey)}|${String(s.datasetVersion)}`))).toEqual(
        new Set([`submit|job-${versions[0]}|${versions[0]}`]),
      );
    },
    LONG,
  );

  it(
    'a run that recorded its version but could not queue the job is finished by the next run',
    async () => {
      // A missing queue fails exactly between "version recorded" and "job queued".
      const extra = freshConversations(20, 'q', 8);
      await storage.container(CONTAINERS.raw).getBlockBlobClient('chats/more.jsonl').upload(extra, Buffer.byteLength(extra));
      await deliverUntilDone(runtime, 'chats/more.jsonl');
      const queue = storage.queue(QUEUES.jobs);
      await queue.clearMessages();
      await queue.delete();
      await expect(assembleDataset(runtime, { now: new Date('2026-11-11T02:00:00Z') })).rejects.toThrow();
      await waitFor('the job queue to be created again', async () => (await queue.createIfNotExists(), true));
      const rerun = await assembleDataset(runtime, { now: new Date('2026-11-11T02:10:00Z') });
      expect(rerun).toMatchObject({
        outcome: 'skipped',
        reason: 'unchanged',
        detail: expect.stringMatching(/never been queued, so job-ds-20261111-020000-\w+ is queued now/),
      });
      const messages = (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) =>
        JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')),
      );
      expect(messages).toEqual([
        expect.objectContaining({ kind: 'submit', datasetVersion: expect.stringMatching(/^ds-20261111-020000-/) }),
      ]);
      // And once the job exists, a third run queues nothing more.
      await new JobStore(storage).create({
        jobKey: messages[0].jobKey,
        datasetVersion: messages[0].datasetVersion,
        state: 'queued',
        baseModel: 'gpt-4o-mini-2024-07-18',
        pollCount: 0,
        retries: 0,
        quotaWaits: 0,
        createdAt: '2026-11-11T02:10:00Z',
        updatedAt: '2026-11-11T02:10:00Z',
        history: [],
      });
      await assembleDataset(runtime, { now: new Date('2026-11-11T02:20:00Z') });
      expect((await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems).toHaveLength(1);
    },
    LONG,
  );
});

describe('the host killed (SIGKILL) at the worst moments', () => {
  let dir: string;
  let azurite: RunningAzurite;
  let storage: StorageClients;
  let emulator: RunningEmulator;
  let settings: Settings;
  let env: Record<string, string>;
  const childScript = path.join(__dirname, 'crashChild.js');
  const built = fs.existsSync(path.resolve(__dirname, '..', '..', 'dist', 'src', 'shared', 'dataset', 'blobPreprocess.js'));

  beforeAll(async () => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-kill-'));
    azurite = await startAzurite({ inMemory: true, startupTimeoutMs: 120_000 });
    storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    emulator = await startTestEmulator();
    // Templated conversations from several files: the assembly's cross-file duplicate search is off.
    settings = emulatorSettings(emulator, azurite.connectionString, {
      TUNELOOP_LOCAL_DIR: dir,
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      TUNELOOP_BLOB_LEASE_SECONDS: '3',
      TUNELOOP_ASSEMBLY_DEDUP: 'false',
    });
    env = {
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: dir,
      TUNELOOP_OPENAI_ENDPOINT: emulator.url,
      TUNELOOP_ARM_ENDPOINT: emulator.url,
      TUNELOOP_OPENAI_AUTH: 'local',
      TUNELOOP_OPENAI_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
      TUNELOOP_OPENAI_RESOURCE_GROUP: 'rg-test',
      TUNELOOP_OPENAI_ACCOUNT: 'aoai-test',
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      TUNELOOP_BLOB_LEASE_SECONDS: '3',
    };
  }, LONG);
  afterAll(async () => {
    await (emulator as RunningEmulator | undefined)?.close(); // unset when beforeAll failed
    await (azurite as RunningAzurite | undefined)?.stop(); // unset when beforeAll failed
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(node22Path(), [childScript, ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      child.on('exit', (code, signal) => resolve({ code, signal, output }));
    });
  }

  it(
    'between writing a shard and its receipt: the redelivery rewrites the same shard, no record twice, none lost',
    async () => {
      const name = 'chats/killed.jsonl';
      const body = freshConversations(40, 'k', 9);
      const upload = await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
      const outputs = blobOutputNames(name, upload.etag!);
      const died = await runChild(['shard-before-receipt', name]);
      expect({ signal: died.signal, output: died.output }).toEqual({ signal: 'SIGKILL', output: '' });
      // What the dead host left: a committed shard, a receipt still saying processing.
      const receipt = await storage.table(TABLES.blobReceipts).getEntity(tableKey(name), outputs.etagHash);
      expect(receipt).toMatchObject({ status: 'processing', attempts: 1 });
      const before = await shardLines(storage, outputs.curated);
      expect(before.length).toBeGreaterThan(0);

      const runtime = createRuntime(settings, { storage });
      // The restarted host's first delivery meets the dead host's claim: it waits for the claim to run out
      // and takes over, rather than failing (the platform's 5 quick retries would all have met the claim).
      const invocations: InvocationRecord[] = [];
      const host = new LocalHost({
        definitions: functionDefinitions(settings, givenRuntime(runtime)).filter((d) => d.name === 'preprocess'),
        storage,
        print: () => undefined,
        onInvocation: (r) => invocations.push(r),
      });
      await host.drain();
      expect(invocations.map((r) => r.outcome)).toEqual(['succeeded']);
      expect(Date.now()).toBeGreaterThan(Date.parse(String(receipt.leaseUntil)));
      // Dedup recognises the records of the same file as themselves: the same conversations are used as in the killed run.
      expect(invocations[0].result).toMatchObject({
        status: 'processed',
        records_in: 40,
        records_used: new Set(before.map((l) => l.conversation_id)).size,
      });
      const after = await shardLines(storage, outputs.curated);
      expect(after).toEqual(before);
      await expectConsistentBlob(storage, name, upload.etag!, 40);
      expect(await preprocessBlob(runtime, name)).toMatchObject({ status: 'duplicate' });
    },
    LONG,
  );

  it(
    'between creating a fine-tuning job and recording it: the redelivery adopts that job, never creates a second',
    async () => {
      const runtime = createRuntime(settings, { storage });
      // A dataset version to train on, assembled from real preprocessing.
      const body = freshConversations(24, 'j', 10);
      await storage.container(CONTAINERS.raw).getBlockBlobClient('chats/jobs.jsonl').upload(body, Buffer.byteLength(body));
      await preprocessBlob(runtime, 'chats/jobs.jsonl');
      const assembled = await assembleDataset(runtime, { now: new Date('2026-11-12T02:00:00Z'), submit: false });
      if (assembled.outcome !== 'submitted') throw new Error(JSON.stringify(assembled));
      const message = { kind: 'submit', jobKey: assembled.jobKey, datasetVersion: assembled.manifest.version };

      const died = await runChild(['job-created-before-recorded', JSON.stringify(message)]);
      expect({ signal: died.signal, output: died.output }).toEqual({ signal: 'SIGKILL', output: '' });
      const service = new FineTuningClient(createOpenAIClient(openAIConnection(settings)));
      const jobsAfterCrash: string[] = [];
      for await (const job of service.listJobs()) jobsAfterCrash.push(job.id);
      expect(jobsAfterCrash).toHaveLength(1);
      const left = await new JobStore(storage).get(message.jobKey);
      expect(left?.record.openaiJobId).toBeUndefined();
      expect(left?.record.trainingFileId).toBeDefined();

      // The queue redelivers the message once the dead invocation's lease has run out.
      await waitFor('the dead invocation’s lease to expire', async () => Date.now() > Date.parse(left!.record.leaseUntil ?? '0') + 100);
      const result = await handleJobMessage(runtime, message, { leaseMs: 60_000 });
      expect(result.action).toBe('advanced');
      const recorded = await new JobStore(storage).get(message.jobKey);
      expect(recorded?.record).toMatchObject({
        state: 'submitted',
        openaiJobId: jobsAfterCrash[0],
        trainingFileId: left!.record.trainingFileId,
      });
      const jobsAfterRecovery: string[] = [];
      for await (const job of service.listJobs()) jobsAfterRecovery.push(job.id);
      expect(jobsAfterRecovery).toEqual(jobsAfterCrash);
      const files: string[] = [];
      for await (const f of service.openai.files.list()) if (f.filename === `${message.jobKey}.train.jsonl`) files.push(f.id);
      expect(files).toEqual([left!.record.trainingFileId]);
    },
    LONG,
  );

  it(
    'job creation timing out while the service still creates the job: the retry adopts it, one job only',
    async () => {
      // The emulator holds the create request longer than the client waits; the job appears after the timeout.
      const runtime = createRuntime(settings, {
        storage,
        fineTune: createFineTunePorts(fineTuneConfig(settings), { openai: { timeoutMs: 1500, maxRetries: 0 } }),
      });
      const body = freshConversations(24, 't', 11);
      await storage.container(CONTAINERS.raw).getBlockBlobClient('chats/timeout.jsonl').upload(body, Buffer.byteLength(body));
      await preprocessBlob(runtime, 'chats/timeout.jsonl');
      const assembled = await assembleDataset(runtime, { now: new Date('2026-11-13T02:00:00Z'), submit: false });
      if (assembled.outcome !== 'submitted') throw new Error(JSON.stringify(assembled));
      const message = { kind: 'submit', jobKey: assembled.jobKey, datasetVersion: assembled.manifest.version };
      const service = new FineTuningClient(createOpenAIClient(openAIConnection(settings)));
      const before = new Set<string>();
      for await (const job of service.listJobs()) before.add(job.id);

      emulator.injectFault({ fault: 'slow=4000', method: 'POST', path: '/openai/fine_tuning/jobs', times: 1 });
      try {
        await handleJobMessage(runtime, message, { leaseMs: 60_000 });
        // The step failed on the timeout and re-scheduled itself on the job queue: run what the queue delivers.
        await waitFor(
          'the job to be recorded',
          async () => {
            const { receivedMessageItems } = await storage
              .queue(QUEUES.jobs)
              .receiveMessages({ numberOfMessages: 16, visibilityTimeout: 60 });
            for (const m of receivedMessageItems) {
              await handleJobMessage(runtime, JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')), { leaseMs: 60_000 });
              await storage.queue(QUEUES.jobs).deleteMessage(m.messageId, m.popReceipt);
            }
            return (await new JobStore(storage).get(message.jobKey))?.record.openaiJobId;
          },
          180_000,
        );
      } finally {
        emulator.clearFaults();
      }
      const recorded = (await new JobStore(storage).get(message.jobKey))!.record;
      expect(recorded.openaiJobId).toBeDefined();
      // Wait for the held request to land, then count: exactly one job on this training file.
      await waitFor('the delayed create to reach the service', async () => {
        const ids: string[] = [];
        for await (const job of service.listJobs())
          if (!before.has(job.id) && job.training_file === recorded.trainingFileId) ids.push(job.id);
        return ids.length ? ids : undefined;
      });
      await new Promise((r) => setTimeout(r, 5000));
      const final: string[] = [];
      for await (const job of service.listJobs())
        if (!before.has(job.id) && job.training_file === recorded.trainingFileId) final.push(job.id);
      expect(final).toEqual([recorded.openaiJobId]);
    },
    LONG,
  );
});
