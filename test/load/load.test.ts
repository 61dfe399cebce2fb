import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import { givenRuntime } from '../../src/functions/runtimeSource';
import { loadSettings, type Settings } from '../../src/shared/config/settings';
import { preprocessBlob, blobOutputNames } from '../../src/shared/dataset/blobPreprocess';
import { tableKey } from '../../src/shared/dataset/keys';
import { functionDefinitions } from '../../src/functions/registry';
import { LocalHost, type InvocationRecord } from '../../src/local/host';
import { hostJsonBlobParallelism } from '../../src/local/stack';
import { CONTAINERS, TABLES } from '../../src/shared/storage/names';
import { startPrivateAzurite } from '../setup/storage';
import { freshConversations } from '../shared/dataset/fixtures';

/**
 * Load on the local stack (behaviour only; throughput and peak RSS are in `npm run bench -- load`):
 * many blobs dropped at once through the local host, and one blob delivered 100 times at once.
 */
describe('load', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let runtime: Runtime;
  let settings: Settings;
  let dir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-load-'));
    settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir });
    runtime = createRuntime(settings, { storage: azurite.storage });
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the same blob delivered 100 times at once is processed exactly once', async () => {
    const name = 'chats/hundred.jsonl';
    const body = freshConversations(10, 'h', 21);
    const upload = await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => preprocessBlob(runtime, name)));
    const processed = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'processed');
    expect(processed).toHaveLength(1);
    // The others waited for it (it takes less than a lease) and saw it done: none was refused, none failed.
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const r of results) if (r.status === 'fulfilled' && r.value.status !== 'processed') expect(r.value.status).toBe('duplicate');
    const receipt = await azurite.storage
      .table(TABLES.blobReceipts)
      .getEntity(tableKey(name), blobOutputNames(name, upload.etag!).etagHash);
    expect(receipt).toMatchObject({ status: 'processed', attempts: 1, recordsIn: 10 });
    // Later deliveries are no-ops.
    for (let i = 0; i < 3; i++) expect(await preprocessBlob(runtime, name)).toMatchObject({ status: 'duplicate' });
  }, 240_000);

  it('many blobs dropped at once: each version processed once, never more at a time than host.json allows', async () => {
    const blobs = 120;
    const container = azurite.storage.container(CONTAINERS.raw);
    const names = Array.from({ length: blobs }, (_, i) => `drop/${String(i).padStart(4, '0')}.jsonl`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(
        names.slice(i, i + 20).map((n, j) => {
          const body = freshConversations(2, `b${i + j}`, 100 + i + j);
          return container.getBlockBlobClient(n).upload(body, Buffer.byteLength(body));
        }),
      );
    }
    const invocations: InvocationRecord[] = [];
    const concurrency = hostJsonBlobParallelism();
    expect(concurrency).toBe(4);
    const host = new LocalHost({
      definitions: functionDefinitions(settings, givenRuntime(runtime)).filter((d) => d.name === 'preprocess'),
      storage: azurite.storage,
      blobConcurrency: concurrency,
      print: () => undefined,
      onInvocation: (r) => invocations.push(r),
    });
    // Two passes, as the polling host would make: the second finds nothing new.
    await host.drain();
    await host.drain();
    const dropped = invocations.filter((r) => r.trigger.startsWith('raw-logs/drop/'));
    expect(dropped.filter((r) => r.outcome === 'failed')).toEqual([]);
    const processedNames = dropped.filter((r) => (r.result as { status?: string }).status === 'processed').map((r) => r.trigger);
    expect(processedNames.sort()).toEqual(names.map((n) => `raw-logs/${n}`).sort());
    expect(host.peakBlobConcurrency).toBeLessThanOrEqual(concurrency);
    expect(host.peakBlobConcurrency).toBeGreaterThan(1);
    let receipts = 0;
    for await (const r of azurite.storage
      .table(TABLES.blobReceipts)
      .listEntities<{ blobName: string; status: string; attempts: number }>()) {
      if (!r.blobName.startsWith('drop/')) continue;
      receipts++;
      expect(r).toMatchObject({ status: 'processed', attempts: 1 });
    }
    expect(receipts).toBe(blobs);
  }, 600_000);
});
