import { createHash } from 'node:crypto';
import {
  MemorySignatureStore,
  SIGNATURE_BANDING,
  TableSignatureStore,
  createDedupStage,
  decodeBucketHashes,
  encodeBucketHashes,
} from '../../../src/shared/quality/dedup';
import {
  MinHasher,
  bandKeys,
  encodeSignature,
  estimateJaccard,
  exactJaccard,
  normaliseText,
  shingles,
} from '../../../src/shared/quality/minhash';
import { testStorage, uniqueName } from '../../setup/storage';
import { conversation } from './helpers';

const base = [
  'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge please.',
  'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
];
// A near-duplicate: same conversation with a few words changed (boilerplate with a different detail).
const near = [
  'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge thanks.',
  'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
];
const different = [
  'How do I change the delivery address on an order that has already shipped?',
  'Once an order has shipped the address cannot be changed, but you can redirect it from the carrier tracking page.',
];

const convo = (id: string, texts: string[], file = 'day1.jsonl', line = 1) =>
  conversation(
    id,
    [
      ['user', texts[0]],
      ['assistant', texts[1]],
    ],
    { source: { file, line, record: id } },
  );

describe('MinHash', () => {
  it('estimates Jaccard similarity close to the exact value', () => {
    const hasher = new MinHasher(128);
    const a = shingles(normaliseText(base.join(' ')));
    const b = shingles(normaliseText(near.join(' ')));
    const c = shingles(normaliseText(different.join(' ')));
    expect(Math.abs(estimateJaccard(hasher.signature(a), hasher.signature(b)) - exactJaccard(a, b))).toBeLessThan(0.12);
    expect(estimateJaccard(hasher.signature(a), hasher.signature(c))).toBeLessThan(0.1);
    expect(estimateJaccard(hasher.signature(a), new MinHasher(128).signature(a))).toBe(1);
  });

  it('uses bands that make pairs above 0.7 Jaccard candidates with high probability', () => {
    const { bands, rows } = SIGNATURE_BANDING;
    const candidate = (j: number) => 1 - Math.pow(1 - Math.pow(j, rows), bands);
    expect(candidate(0.7)).toBeGreaterThan(0.9);
    expect(candidate(0.8)).toBeGreaterThan(0.99);
    expect(candidate(0.3)).toBeLessThan(0.02);
  });
});

describe('dedup stage (memory store)', () => {
  it('drops exact and near duplicates, says which conversation they duplicate, and keeps the rest', async () => {
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.7 });
    expect((await stage.apply(convo('a', base))).action).toBe('keep');
    const exact = await stage.apply(
      convo(
        'b',
        base.map((t) => t.toUpperCase() + '  '),
        'day1.jsonl',
        2,
      ),
    );
    expect(exact).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    expect(exact.action === 'drop' && exact.detail).toMatch(/conversation a \(day1.jsonl line 1/);
    const nearResult = await stage.apply(convo('c', near, 'day1.jsonl', 3));
    expect(nearResult).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    expect((await stage.apply(convo('d', different, 'day1.jsonl', 4))).action).toBe('keep');
    const summary = stage.summary!() as {
      checked: number;
      exact: number;
      near: number;
      duplicates: { kind: string; duplicateOf: { conversationId: string } }[];
    };
    expect(summary).toMatchObject({ checked: 4, exact: 1, near: 1 });
    expect(summary.duplicates.map((d) => [d.kind, d.duplicateOf.conversationId])).toEqual([
      ['exact', 'a'],
      ['near', 'a'],
    ]);
  });

  it('respects the threshold: a strict threshold keeps the near duplicate', async () => {
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.99 });
    await stage.apply(convo('a', base));
    expect((await stage.apply(convo('c', near))).action).toBe('keep');
  });
});

describe('dedup stage (table store on Azurite)', () => {
  it("compares tomorrow's file with last month's, and a retried file is not a duplicate of itself", async () => {
    const storage = testStorage();
    const tableName = uniqueName('dedup');
    const table = storage.table(tableName);
    await table.createTable();

    // Last month: one process writes signatures and ends.
    const lastMonthStore = new TableSignatureStore(table);
    const lastMonth = createDedupStage({ store: lastMonthStore, now: () => new Date('2026-10-26T02:00:00Z') });
    expect((await lastMonth.apply(convo('old-1', base, '2026-10-26.jsonl', 7))).action).toBe('keep');
    expect((await lastMonth.apply(convo('old-2', different, '2026-10-26.jsonl', 8))).action).toBe('keep');
    await lastMonthStore.flush();

    // Tomorrow: a new process with a new store instance over the same table.
    const tomorrowStore = new TableSignatureStore(table);
    const tomorrow = createDedupStage({ store: tomorrowStore, threshold: 0.7 });
    const exact = await tomorrow.apply(convo('new-1', base, '2026-11-27.jsonl', 1));
    expect(exact).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    expect(exact.action === 'drop' && exact.detail).toContain('old-1 (2026-10-26.jsonl line 7, seen 2026-10-26T02:00:00.000Z)');
    expect(await tomorrow.apply(convo('new-2', near, '2026-11-27.jsonl', 2))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    const fresh = [
      'Can I pause my membership over the summer instead of cancelling it?',
      'Yes, you can pause for up to three months from Account > Membership > Pause.',
    ];
    expect((await tomorrow.apply(convo('new-3', fresh, '2026-11-27.jsonl', 3))).action).toBe('keep');
    await tomorrowStore.flush();

    // The blob trigger retries the same file: its own signatures must not make it a duplicate,
    // whether its band rows were written (flushed) before the failure or not.
    const retried: Record<string, string[]> = {
      unflushed: [
        'Do you ship to Norway, and how long does delivery take there?',
        'Yes, we ship to Norway; delivery takes four to six working days.',
      ],
      flushed: [
        'My parcel tracking has not updated for a week, is it lost?',
        'I have opened a trace with the carrier and will email you within two days.',
      ],
    };
    for (const [state, texts] of Object.entries(retried)) {
      const file = `2026-11-28-${state}.jsonl`;
      const first = new TableSignatureStore(table);
      expect((await createDedupStage({ store: first }).apply(convo('new-4', texts, file, 1))).action).toBe('keep');
      if (state === 'flushed') await first.flush();
      const retryStore = new TableSignatureStore(table);
      expect((await createDedupStage({ store: retryStore }).apply(convo('new-4', texts, file, 1))).action).toBe('keep');
      await retryStore.flush();
    }
    const retry = createDedupStage({ store: new TableSignatureStore(table) });
    expect((await retry.apply(convo('new-3', fresh, '2026-11-27.jsonl', 3))).action).toBe('keep');
    await table.deleteTable();
  });

  it('keys exact rows by their hash, and still finds records stored under the earlier row key "-" through their bands', async () => {
    const table = testStorage().table(uniqueName('deduplegacy'));
    await table.createTable();
    const store = new TableSignatureStore(table);
    expect((await createDedupStage({ store }).apply(convo('old-1', base, 'before.jsonl', 3))).action).toBe('keep');
    await store.flush();
    const exactRows: { partitionKey: string; rowKey: string }[] = [];
    for await (const e of table.listEntities()) if (e.partitionKey!.startsWith('x-')) exactRows.push(e as never);
    expect(exactRows).toHaveLength(1);
    expect(exactRows[0].rowKey).toBe(exactRows[0].partitionKey.slice(2));
    // Rewrite it as a deployment before the change stored it.
    const { partitionKey, rowKey } = exactRows[0];
    const entity = await table.getEntity(partitionKey, rowKey);
    const { etag: _etag, timestamp: _timestamp, odata: _odata, ...fields } = entity as Record<string, unknown>;
    await table.createEntity({ ...fields, partitionKey, rowKey: '-' });
    await table.deleteEntity(partitionKey, rowKey);

    const stage = createDedupStage({ store: new TableSignatureStore(table), threshold: 0.7 });
    const same = await stage.apply(convo('new-1', base, 'after.jsonl', 1));
    expect(same).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    expect(same.action === 'drop' && same.detail).toContain('estimated Jaccard 1.00) of conversation old-1 (before.jsonl line 3');
    expect(await stage.apply(convo('new-2', near, 'after.jsonl', 2))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    expect((await stage.apply(convo('new-3', different, 'after.jsonl', 3))).action).toBe('keep');
    await table.deleteTable();
  });

  it('lets exactly one of two concurrent writers claim the same text', async () => {
    const storage = testStorage();
    const table = storage.table(uniqueName('dedup'));
    await table.createTable();
    const [x, y] = await Promise.all([
      createDedupStage({ store: new TableSignatureStore(table) }).apply(convo('x', base, 'a.jsonl')),
      createDedupStage({ store: new TableSignatureStore(table) }).apply(convo('y', base, 'b.jsonl')),
    ]);
    expect([x.action, y.action].sort()).toEqual(['drop', 'keep']);
    await table.deleteTable();
  });

  it('buffers band rows per invocation: visible to the same store at once, to other invocations after flush', async () => {
    const table = testStorage().table(uniqueName('dedup'));
    await table.createTable();
    const writer = new TableSignatureStore(table, { maxPendingMs: 60_000 });
    const stage = createDedupStage({ store: writer, threshold: 0.7 });
    expect((await stage.apply(convo('a', base, 'one.jsonl', 1))).action).toBe('keep');
    // Same invocation: the unwritten bands of 'a' still find the near duplicate.
    expect(await stage.apply(convo('b', near, 'one.jsonl', 2))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    // Another invocation before the flush sees the exact claim (written at once), not the bands.
    const other = createDedupStage({ store: new TableSignatureStore(table), threshold: 0.7 });
    expect(await other.apply(convo('c', base, 'two.jsonl', 1))).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    expect(
      (await createDedupStage({ store: new TableSignatureStore(table), threshold: 0.7 }).apply(convo('d', near, 'two.jsonl', 2))).action,
    ).toBe('keep');
    await writer.flush();
    const later = createDedupStage({ store: new TableSignatureStore(table), threshold: 0.7 });
    // 'd' claimed the text of `near` in the meantime, so probe with another variant of `base`.
    const near2 = [base[0].replace('please', 'today'), base[1]];
    expect(await later.apply(convo('e', near2, 'three.jsonl', 1))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    await table.deleteTable();
  });

  it('writes pending bands once the oldest is maxPendingMs old, so concurrent blobs see each other soon', async () => {
    const table = testStorage().table(uniqueName('dedup'));
    await table.createTable();
    const writer = createDedupStage({ store: new TableSignatureStore(table, { maxPendingMs: 0 }), threshold: 0.7 });
    expect((await writer.apply(convo('a', base, 'one.jsonl', 1))).action).toBe('keep');
    // No flush call: the addition was already due.
    const other = createDedupStage({ store: new TableSignatureStore(table), threshold: 0.7 });
    expect(await other.apply(convo('b', near, 'two.jsonl', 1))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    await table.deleteTable();
  });

  it('writes buffered bands in transactions once a band partition has flushAfter buckets', async () => {
    const table = testStorage().table(uniqueName('dedup'));
    await table.createTable();
    const stage = createDedupStage({ store: new TableSignatureStore(table, { flushAfter: 2, maxPendingMs: 60_000 }), threshold: 0.7 });
    expect((await stage.apply(convo('a', base, 'one.jsonl', 1))).action).toBe('keep');
    expect((await stage.apply(convo('b', different, 'one.jsonl', 2))).action).toBe('keep');
    // No flush call: two buckets per band partition reached the threshold and were written.
    const bandRows: { partitionKey?: string }[] = [];
    for await (const row of table.listEntities({ queryOptions: { filter: "PartitionKey ge 'b' and PartitionKey lt 'c'" } }))
      bandRows.push(row);
    expect(bandRows).toHaveLength(2 * SIGNATURE_BANDING.bands);
    expect(new Set(bandRows.map((r) => r.partitionKey)).size).toBe(SIGNATURE_BANDING.bands);
    const later = createDedupStage({ store: new TableSignatureStore(table), threshold: 0.7 });
    expect(await later.apply(convo('c', near, 'two.jsonl', 1))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    await table.deleteTable();
  });

  it('merges concurrent writers of the same band bucket instead of losing either', async () => {
    const table = testStorage().table(uniqueName('dedup'));
    await table.createTable();
    const hasher = new MinHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);
    const signature = hasher.signature(shingles(normaliseText(base.join('\n'))));
    const keys = bandKeys(signature, SIGNATURE_BANDING);
    const record = (id: string, hash: string) => ({
      conversationId: id,
      file: `${id}.jsonl`,
      line: 1,
      exactHash: hash,
      signature: encodeSignature(signature),
      seenAt: '2026-11-26T00:00:00.000Z',
    });
    const a = new TableSignatureStore(table);
    const b = new TableSignatureStore(table);
    // Both read the (empty) buckets, then both add a different text with the same bands.
    expect(await a.findByBands(keys)).toEqual([]);
    expect(await b.findByBands(keys)).toEqual([]);
    expect(await a.add(record('a', 'a'.repeat(32)), keys)).toBeUndefined();
    expect(await b.add(record('b', 'b'.repeat(32)), keys)).toBeUndefined();
    await a.flush();
    await b.flush(); // every create conflicts (409): re-read, merged, written conditionally
    const found = await new TableSignatureStore(table).findByBands(keys);
    expect(found.map((r) => r.conversationId).sort()).toEqual(['a', 'b']);
    // A bucket changed after b read it (412 on the conditional update) is merged as well.
    expect(await b.findByBands(keys)).toHaveLength(2);
    const c = new TableSignatureStore(table);
    await c.findByBands(keys);
    expect(await b.add(record('b2', 'c'.repeat(32)), keys)).toBeUndefined();
    expect(await c.add(record('c', 'd'.repeat(32)), keys)).toBeUndefined();
    await c.flush();
    await b.flush();
    const all = await new TableSignatureStore(table).findByBands(keys);
    expect(all.map((r) => r.conversationId).sort()).toEqual(['a', 'b', 'b2', 'c']);
    await table.deleteTable();
  });

  it('stores a big band bucket across binary properties that the table service accepts and returns intact', async () => {
    const table = testStorage().table(uniqueName('dedup'));
    await table.createTable();
    const hashes = new Set(Array.from({ length: 4100 }, (_, i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 32)));
    const properties = encodeBucketHashes(hashes);
    expect(Object.keys(properties)).toEqual(['h0', 'h1']);
    expect(properties.h0.byteLength).toBe(64000);
    await table.createEntity({ partitionKey: 'b0', rowKey: 'big', ...properties });
    const read = await table.getEntity('b0', 'big');
    expect(decodeBucketHashes(read)).toEqual(hashes);
    await table.deleteTable();
  });
});
