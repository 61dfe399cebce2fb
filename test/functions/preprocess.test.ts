import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { preprocess, preprocessHandler } from '../../src/functions/preprocess';
import { functionDefinitions } from '../../src/functions/registry';
import { LocalHost } from '../../src/local/host';
import { loadSettings } from '../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import { givenRuntime, lazyRuntime } from '../../src/functions/runtimeSource';
import { blobOutputNames } from '../../src/shared/dataset/blobPreprocess';
import { splitFor } from '../../src/shared/dataset/split';
import { CONTAINERS, TABLES } from '../../src/shared/storage/names';
import { LocalJsonlTelemetry } from '../../src/shared/telemetry/localSink';
import { readTelemetryRecords } from '../../src/shared/telemetry/readSink';
import { isolatedStorage } from '../shared/dataset/isolatedStorage';
import { conversationLine, conversationsJsonl } from '../shared/dataset/fixtures';
import { testStorageConnectionString } from '../setup/storage';

/** The preprocess blob function against real Azurite (resource names suffixed per test). */
describe('preprocess blob function', () => {
  let dir: string;
  // The runtime of the test running now: each test builds its own in setup().
  let current: Runtime | undefined;
  const handle = preprocessHandler(() => (current ? Promise.resolve(current) : Promise.reject(new Error('setup() was not called'))));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-preprocess-'));
  });
  afterAll(async () => {
    current = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(env: Record<string, string> = {}) {
    const storage = isolatedStorage();
    await storage.ensureResources();
    // The fixture's template conversations differ only in numbers: near-duplicates at the default 0.8
    // for character shingles; these tests are about the blob path, so the threshold is raised.
    const settings = loadSettings({
      TUNELOOP_STORAGE: testStorageConnectionString(),
      TUNELOOP_MAX_BLOB_ATTEMPTS: '3',
      TUNELOOP_DEDUP_THRESHOLD: '0.9',
      ...env,
    });
    const telemetryPath = join(dir, `${storage.suffix}.jsonl`);
    const runtime = createRuntime(settings, { storage, telemetry: new LocalJsonlTelemetry({ path: telemetryPath }) });
    current = runtime;
    return { storage, runtime, telemetryPath };
  }

  function context(name: string): InvocationContext {
    return new InvocationContext({
      functionName: 'preprocess',
      invocationId: 'test',
      triggerMetadata: { name },
      logHandler: () => undefined,
    });
  }

  async function text(storage: ReturnType<typeof isolatedStorage>, container: string, name: string): Promise<string> {
    const buf = await storage.container(container).getBlobClient(name).downloadToBuffer();
    return buf.toString('utf8');
  }

  it('is registered with the trigger Azure needs', () => {
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    const def = functionDefinitions(settings, lazyRuntime()).find((d) => d.name === 'preprocess');
    expect(def?.trigger).toEqual({ type: 'blob', path: 'raw-logs/{name}', connection: 'TUNELOOP_STORAGE', source: 'EventGrid' });
  });

  it('writes a curated shard, quarantine and report for a blob, and nothing new when it is delivered again', async () => {
    const { storage, telemetryPath } = await setup();
    const name = 'chats/day-1.jsonl';
    const body = conversationsJsonl(25) + '{"conversation_id": "bad", "messages": 42}\n';
    const upload = await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    const result = (await handle(Buffer.from(body), context(name))) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'processed', records_in: 26, records_used: 25, records_quarantined: 1 });

    const out = blobOutputNames(name, upload.etag!);
    const shard = (await text(storage, CONTAINERS.curated, out.curated))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(shard).toHaveLength(50); // conversation + intent example per conversation
    for (const r of shard) {
      expect(r.split).toBe(splitFor(r.conversation_id, { validation: 0.1, holdout: 0.1 }));
      expect(r.source.file).toBe(name);
    }
    const quarantine = (await text(storage, CONTAINERS.quarantine, out.quarantine))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantine).toEqual([expect.objectContaining({ file: name, line: 26, record: '{"conversation_id": "bad", "messages": 42}' })]);
    const report = JSON.parse(await text(storage, CONTAINERS.curated, out.report));
    expect(report.records_in).toBe(report.records_used + report.records_quarantined);
    expect(report).toMatchObject({ blob: name, records_in: 26, model: 'gpt-4o-mini-2024-07-18' });

    const { records } = await readTelemetryRecords(telemetryPath);
    const metric = (n: string) => records.find((r) => r.kind === 'metric' && r.name === n && !('reason' in r.dimensions));
    expect(metric('tuneloop.preprocess.records_in')).toMatchObject({ value: 26 });
    expect(metric('tuneloop.preprocess.records_used')).toMatchObject({ value: 25 });
    expect(metric('tuneloop.preprocess.records_quarantined')).toMatchObject({ value: 1 });
    // Per-reason counts travel under their own name, so summing records_quarantined never double-counts.
    expect(records.filter((r) => r.kind === 'metric' && r.name === 'tuneloop.preprocess.records_quarantined')).toHaveLength(1);
    expect(records.find((r) => r.kind === 'metric' && r.name === 'tuneloop.preprocess.quarantined_by_reason')).toMatchObject({ value: 1 });

    // The same version again: a no-op.
    const shardEtag = (await storage.container(CONTAINERS.curated).getBlobClient(out.curated).getProperties()).etag;
    const again = (await handle(Buffer.from(body), context(name))) as Record<string, unknown>;
    expect(again).toEqual({ status: 'duplicate' });
    expect((await storage.container(CONTAINERS.curated).getBlobClient(out.curated).getProperties()).etag).toBe(shardEtag);
    const shards: string[] = [];
    for await (const b of storage.container(CONTAINERS.curated).listBlobsFlat()) shards.push(b.name);
    expect(shards.sort()).toEqual([out.curated, out.report].sort());
  });

  it('stores feedback in table feedback and joins it to a conversation that arrives later', async () => {
    const { storage } = await setup({ TUNELOOP_DEBUG_TIMINGS: 'true' });
    const id = 'shop/42#7?x';
    const fb = JSON.stringify({ conversation_id: id, rating: 4, comment: 'quick' }) + '\n';
    await storage.container(CONTAINERS.raw).getBlockBlobClient('fb.jsonl').upload(fb, Buffer.byteLength(fb));
    expect(await handle(null, context('fb.jsonl'))).toMatchObject({ status: 'processed', records_in: 1, records_used: 1 });
    const rows: Record<string, unknown>[] = [];
    for await (const row of storage.table(TABLES.feedback).listEntities()) rows.push(row);
    expect(rows).toEqual([expect.objectContaining({ conversationId: id, rating: 4, comment: 'quick', file: 'fb.jsonl', line: 1 })]);

    const chat = conversationLine(id, { csat: 2 }) + '\n';
    const upload = await storage.container(CONTAINERS.raw).getBlockBlobClient('chat.jsonl').upload(chat, Buffer.byteLength(chat));
    expect(await handle(null, context('chat.jsonl'))).toMatchObject({ status: 'processed', records_used: 1 });
    const shard = (await text(storage, CONTAINERS.curated, blobOutputNames('chat.jsonl', upload.etag!).curated))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(shard[0]).toMatchObject({ conversation_id: id, csat: 4 });
    const report = JSON.parse(await text(storage, CONTAINERS.curated, blobOutputNames('chat.jsonl', upload.etag!).report));
    expect(report.feedback).toEqual({ stored: 0, joined: 1 });
    expect(Object.keys(report.timings_ms)).toEqual(expect.arrayContaining(['parse', 'feedback', 'examples', 'write']));
  });

  it('retries a failing blob, then quarantines it after TUNELOOP_MAX_BLOB_ATTEMPTS and acknowledges it', async () => {
    const { storage } = await setup();
    // A feedback file while the feedback table is missing: every attempt fails on the real table call.
    await storage.table(TABLES.feedback).deleteTable();
    const name = 'feedback.jsonl';
    const body = '{"conversation_id": "c-1", "rating": 5}\n';
    const upload = await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    await expect(handle(null, context(name))).rejects.toThrow(/attempt 1 of 3/);
    await expect(handle(null, context(name))).rejects.toThrow(/attempt 2 of 3/);
    const third = (await handle(null, context(name))) as Record<string, unknown>;
    expect(third).toMatchObject({ status: 'quarantined' });
    const out = blobOutputNames(name, upload.etag!);
    const [line] = (await text(storage, CONTAINERS.quarantine, out.quarantine))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({ file: name, line: 0, reason: 'blob-failed' });
    expect(line.detail).toMatch(/failed 3 time/);
    expect(await storage.container(CONTAINERS.curated).getBlobClient(out.curated).exists()).toBe(false);
    expect(await handle(null, context(name))).toEqual({ status: 'duplicate' });
  });

  it('quarantines a blob that can never be read (corrupt gzip) on the first attempt', async () => {
    const { storage } = await setup();
    const name = 'broken.jsonl.gz';
    const body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('definitely not deflate data '.repeat(20))]);
    await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    const lines: string[] = [];
    const logged = new InvocationContext({
      functionName: 'preprocess',
      invocationId: 'test',
      triggerMetadata: { name },
      logHandler: (level, ...args) => void lines.push(`${level}: ${args.join(' ')}`),
    });
    const result = (await handle(null, logged)) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'quarantined' });
    // Said once (QA: the warning was written twice, by the blob path and by the function).
    expect(lines.filter((l) => l.includes('quarantined after'))).toEqual([
      expect.stringMatching(/^warning: raw-logs\/broken\.jsonl\.gz: quarantined after 1 attempt/),
    ]);
  });

  it('runs through the local host: each blob version once, outputs in curated/', async () => {
    const { storage } = await setup();
    const lines: string[] = [];
    const host = new LocalHost({
      definitions: [preprocess({ TUNELOOP_BLOB_TRIGGER_SOURCE: 'EventGrid' }, givenRuntime(current!))],
      storage,
      print: (l) => lines.push(l),
    });
    await storage.table('localhostreceipts').createTable();
    const name = 'via-host.jsonl';
    const body = conversationsJsonl(12, 'h');
    const upload = await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    await host.drain();
    await host.drain();
    expect(lines.filter((l) => / preprocess succeeded/.test(l))).toHaveLength(1);
    const out = blobOutputNames(name, upload.etag!);
    const shard = (await text(storage, CONTAINERS.curated, out.curated)).trim().split('\n');
    expect(shard).toHaveLength(24);
    // A changed blob is a new version: processed again into its own shard.
    const extra = conversationLine('extra-1', {
      turns: [
        ['customer', 'Can I bring my dog into the Oxford Street store on Sundays?'],
        ['agent', 'Dogs on a lead are welcome in all our stores, Sundays included.'],
      ],
    });
    const changed = body + extra + '\n';
    const upload2 = await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(changed, Buffer.byteLength(changed));
    await host.drain();
    const out2 = blobOutputNames(name, upload2.etag!);
    expect(out2.curated).not.toBe(out.curated);
    expect((await text(storage, CONTAINERS.curated, out2.curated)).trim().split('\n')).toHaveLength(25);
  });
});
