import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { BlobClaimLostError, BlobInProgressError, blobOutputNames, preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { tableKey } from '../../../src/shared/dataset/keys';
import type { SignatureRecord, SignatureStore } from '../../../src/shared/quality/dedup';
import { WindowedSignatureStore } from '../../../src/shared/quality/windowedSignatureStore';
import { CONTAINERS, TABLES } from '../../../src/shared/storage/names';
import { startPrivateAzurite } from '../../setup/storage';
import { freshConversations } from './fixtures';

/**
 * Makes a delivery slow enough to outlast its lease: a real signature store whose writes each wait.
 * (A fake of timing only; the store, the blob path and Azurite are real.)
 */
class SlowSignatureStore implements SignatureStore {
  private readonly inner = new WindowedSignatureStore();
  constructor(private readonly delayMs: number) {}
  findExact(hash: string) {
    return this.inner.findExact(hash);
  }
  findByBands(keys: string[]) {
    return this.inner.findByBands(keys);
  }
  async add(record: SignatureRecord, keys: string[]) {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.add(record, keys);
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('claiming a blob version (table blobreceipts on Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let runtime: Runtime;
  let dir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-claim-'));
    // One-second claims, renewed every 250 ms; one worker, so the slow store is the one used.
    const settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: dir,
      TUNELOOP_BLOB_LEASE_SECONDS: '1',
      TUNELOOP_PREPROCESS_WORKERS: '1',
    });
    runtime = createRuntime(settings, { storage: azurite.storage });
  }, 120_000);
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function upload(name: string, conversations: number, prefix: string): Promise<string> {
    const body = freshConversations(conversations, prefix, 31);
    const response = await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    return response.etag!;
  }

  function receiptOf(name: string, etag: string) {
    return azurite.storage.table(TABLES.blobReceipts).getEntity(tableKey(name), blobOutputNames(name, etag).etagHash);
  }

  it('a delivery slower than its lease keeps its claim by renewing it; another delivery waits a lease, then is refused, and never processes it twice', async () => {
    const name = 'claim/slow.jsonl';
    const etag = await upload(name, 30, 'slow');
    // About 3 s of work against a 1 s lease.
    const first = preprocessBlob(runtime, name, { signatures: new SlowSignatureStore(100) });
    await wait(300);
    const startedSecond = Date.now();
    const second = await preprocessBlob(runtime, name).catch((err: unknown) => err);
    // Without renewal the second delivery would have taken over after 1 s and processed the blob itself.
    expect(second).toBeInstanceOf(BlobInProgressError);
    expect(Date.now() - startedSecond).toBeGreaterThanOrEqual(900);
    expect(await first).toMatchObject({ status: 'processed', report: { records_in: 30 } });
    expect(await receiptOf(name, etag)).toMatchObject({ status: 'processed', attempts: 1 });
    // The platform's retry of the refused delivery finds it done.
    expect(await preprocessBlob(runtime, name)).toMatchObject({ status: 'duplicate', previous: 'processed' });
  }, 60_000);

  it('a delivery that meets a claim of a dead delivery waits for it to run out and takes over, instead of failing at once', async () => {
    const name = 'claim/dead.jsonl';
    const etag = await upload(name, 5, 'dead');
    const keys = { partitionKey: tableKey(name), rowKey: blobOutputNames(name, etag).etagHash };
    // What a host killed mid-blob leaves: a receipt still processing, whose claim nobody renews.
    const heldUntil = new Date(Date.now() + 1500).toISOString();
    await azurite.storage.table(TABLES.blobReceipts).createEntity({
      ...keys,
      blobName: name,
      blobEtag: etag,
      status: 'processing',
      attempts: 1,
      leaseUntil: heldUntil,
      updatedAt: new Date().toISOString(),
    });
    const lines: string[] = [];
    const outcome = await preprocessBlob(runtime, name, { progress: (m) => lines.push(m) });
    expect(outcome).toMatchObject({ status: 'processed', report: { records_in: 5 } });
    // It may wait minutes: the host log says why.
    expect(lines[0]).toBe(
      `raw-logs/${name}: held by another delivery until ${heldUntil} (renewed while it works); waiting for it to finish, or for its claim to run out if it died`,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(heldUntil));
    expect(await receiptOf(name, etag)).toMatchObject({ status: 'processed', attempts: 2 });
  }, 60_000);

  it('deliveries that arrive while one works wait for it and report the version done', async () => {
    const name = 'claim/waiters.jsonl';
    const etag = await upload(name, 8, 'wait');
    const first = preprocessBlob(runtime, name, { signatures: new SlowSignatureStore(50) });
    await wait(100);
    const others = await Promise.all(Array.from({ length: 5 }, () => preprocessBlob(runtime, name)));
    expect(await first).toMatchObject({ status: 'processed' });
    for (const o of others) expect(o).toMatchObject({ status: 'duplicate', previous: 'processed' });
    expect(await receiptOf(name, etag)).toMatchObject({ status: 'processed', attempts: 1 });
  }, 60_000);

  it('a delivery whose claim was taken over stops, and leaves the receipt to the delivery that took it', async () => {
    const name = 'claim/lost.jsonl';
    const etag = await upload(name, 30, 'lost');
    const table = azurite.storage.table(TABLES.blobReceipts);
    const first = preprocessBlob(runtime, name, { signatures: new SlowSignatureStore(100) }).catch((err: unknown) => err);
    await wait(500);
    // Another delivery's takeover, as after renewals that did not reach storage for a whole lease.
    // A takeover is a conditional write: when the first delivery's own renewal lands between the
    // read and the write (a loaded machine), the row is read again, as the real takeover would.
    let takeover: Record<string, unknown> = {};
    for (let attempt = 0; ; attempt++) {
      const row = await receiptOf(name, etag);
      takeover = {
        ...row,
        partitionKey: tableKey(name),
        rowKey: blobOutputNames(name, etag).etagHash,
        attempts: 2,
        leaseUntil: new Date(Date.now() + 60_000).toISOString(),
        updatedAt: new Date().toISOString(),
      };
      try {
        await table.updateEntity(takeover as Parameters<typeof table.updateEntity>[0], 'Replace', { etag: row.etag });
        break;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 412 || attempt >= 4) throw err;
      }
    }
    expect(await first).toBeInstanceOf(BlobClaimLostError);
    expect(await receiptOf(name, etag)).toMatchObject({ status: 'processing', attempts: 2, leaseUntil: takeover.leaseUntil });
  }, 60_000);
});
