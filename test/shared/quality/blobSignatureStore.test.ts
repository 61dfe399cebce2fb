import type { TableClient } from '@azure/data-tables';
import { BlobSignatureStore } from '../../../src/shared/quality/blobSignatureStore';
import { createDedupStage, expectedSignatureRecord, type SignatureRecord } from '../../../src/shared/quality/dedup';
import type { StageResult } from '../../../src/shared/dataset/stages';
import type { Conversation } from '../../../src/shared/ingest/types';
import { testStorage, uniqueName } from '../../setup/storage';
import { conversation } from './helpers';

/** Texts long enough for near-duplicate matching; `near` differs from `base` in one word. */
const TEXTS: Record<string, [string, string]> = {
  base: [
    'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge please.',
    'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
  ],
  near: [
    'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge thanks.',
    'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
  ],
  address: [
    'How do I change the delivery address on an order that has already shipped?',
    'Once an order has shipped the address cannot be changed, but you can redirect it from the carrier tracking page.',
  ],
  pause: [
    'Can I pause my membership over the summer instead of cancelling it?',
    'Yes, you can pause for up to three months from Account > Membership > Pause.',
  ],
  lost: [
    'My parcel tracking has not updated for a week, is it lost?',
    'I have opened a trace with the carrier and will email you within two days.',
  ],
  lostAgain: [
    'My parcel tracking has not updated for a week, is it lost now?',
    'I have opened a trace with the carrier and will email you within two days.',
  ],
  norway: [
    'Do you ship to Norway, and how long does delivery take there?',
    'Yes, we ship to Norway; delivery takes four to six working days.',
  ],
};

const convo = (id: string, text: string, file: string, line: number): Conversation =>
  conversation(
    id,
    [
      ['user', TEXTS[text][0]],
      ['assistant', TEXTS[text][1]],
    ],
    { source: { file, line, record: id } },
  );

const NOW = () => new Date('2026-12-02T06:00:00Z');

async function freshTable(): Promise<TableClient> {
  const table = testStorage().table(uniqueName('blobsig'));
  await table.createTable();
  return table;
}

async function exactRows(table: TableClient): Promise<{ conversationId: string; file: string }[]> {
  const rows: { conversationId: string; file: string }[] = [];
  for await (const e of table.listEntities<{ conversationId: string; file: string }>())
    rows.push({ conversationId: e.conversationId, file: e.file });
  return rows.sort((a, b) => `${a.file}/${a.conversationId}`.localeCompare(`${b.file}/${b.conversationId}`));
}

/**
 * The blob path's order of events, without the blob: every conversation is fingerprinted first
 * (as the workers do for a batch) and its hash announced with `expect`, then the ordered stage
 * decides them in input order. `announce: false` is the awaited claim, one at a time (the
 * behaviour before the look-ahead), to compare with.
 */
async function runBlob(
  store: BlobSignatureStore,
  conversations: Conversation[],
  { announce = true, batch = conversations.length }: { announce?: boolean; batch?: number } = {},
): Promise<StageResult[]> {
  const stage = createDedupStage({ store, now: NOW });
  const results: StageResult[] = [];
  for (let at = 0; at < conversations.length; at += batch) {
    const slice = conversations.slice(at, at + batch);
    const prepared = slice.map((c) => stage.prepare?.(c));
    if (announce) store.expect(slice.map((c, i) => announced(c, prepared[i])));
    for (const [i, c] of slice.entries()) results.push(await stage.apply(c, undefined, prepared[i]));
  }
  await store.flush();
  return results;
}

function announced(conversation: Conversation, prepared: unknown): SignatureRecord {
  const record = expectedSignatureRecord(conversation, prepared, NOW());
  if (!record) throw new Error('the dedup stage prepared no fingerprint');
  return record;
}

const decisions = (results: StageResult[]) => results.map((r) => (r.action === 'keep' ? 'keep' : `${r.reason}: ${r.detail ?? ''}`));

describe('BlobSignatureStore: claims sent ahead, concurrently', () => {
  it('drops a copy within the blob whose earlier twin is still being claimed, also after the near-duplicate window started over', async () => {
    const table = await freshTable();
    // Window 1: by the time the copy comes, its twin is no longer in the in-memory window; only
    // the claim (still in flight or just answered) says the text is taken.
    const blob = [convo('a', 'base', 'day.jsonl', 1), convo('b', 'address', 'day.jsonl', 2), convo('c', 'base', 'day.jsonl', 3)];
    const ahead = await runBlob(new BlobSignatureStore(table, { window: 1 }), blob);
    const awaitedTable = await freshTable();
    const awaited = await runBlob(new BlobSignatureStore(awaitedTable, { window: 1 }), blob, { announce: false });
    expect(decisions(ahead)).toEqual(decisions(awaited));
    expect(decisions(ahead)[2]).toBe(
      'duplicate-exact: exact duplicate of conversation a (day.jsonl line 1, seen 2026-12-02T06:00:00.000Z)',
    );
    expect(await exactRows(table)).toEqual(await exactRows(awaitedTable));
    expect(await exactRows(table)).toHaveLength(2);
    await Promise.all([table.deleteTable(), awaitedTable.deleteTable()]);
  });

  it('decides exactly as the awaited claims did: across files, within the blob, retried, repeated ids, any batch size', async () => {
    // Earlier files in the table; then a blob mixing copies of them, copies within itself (also
    // across window restarts), near duplicates, and one conversation id listed twice.
    const earlier = [convo('old-1', 'pause', 'monday.jsonl', 4), convo('old-2', 'lost', 'monday.jsonl', 9)];
    const blob = [
      convo('n1', 'base', 'tuesday.jsonl', 1),
      convo('n2', 'pause', 'tuesday.jsonl', 2),
      convo('n3', 'near', 'tuesday.jsonl', 3),
      convo('n4', 'address', 'tuesday.jsonl', 4),
      convo('n5', 'base', 'tuesday.jsonl', 5),
      convo('n6', 'norway', 'tuesday.jsonl', 6),
      convo('n6', 'norway', 'tuesday.jsonl', 7),
      convo('n8', 'lost', 'tuesday.jsonl', 8),
      convo('n9', 'address', 'tuesday.jsonl', 9),
      convo('n10', 'near', 'tuesday.jsonl', 10),
    ];
    for (const window of [1, 2, 10_000]) {
      const tables: TableClient[] = [];
      const outcomes: string[][] = [];
      for (const [announce, batch] of [
        [false, 1],
        [true, 1],
        [true, 3],
        [true, blob.length],
      ] as const) {
        const table = await freshTable();
        tables.push(table);
        await runBlob(new BlobSignatureStore(table), earlier, { announce: false });
        const first = decisions(await runBlob(new BlobSignatureStore(table, { window }), blob, { announce, batch }));
        // The blob retried (its claims all in the table now): the same decisions again.
        const retried = decisions(await runBlob(new BlobSignatureStore(table, { window }), blob, { announce, batch }));
        expect(retried).toEqual(first);
        outcomes.push(first);
      }
      for (const o of outcomes.slice(1)) expect(o).toEqual(outcomes[0]);
      const rows = await Promise.all(tables.map(exactRows));
      for (const r of rows.slice(1)) expect(r).toEqual(rows[0]);
      // The copies of monday's conversations name them; the repeated id is kept twice, as before.
      expect(outcomes[0][1]).toContain('exact duplicate of conversation old-1 (monday.jsonl line 4');
      expect(outcomes[0][7]).toContain('exact duplicate of conversation old-2 (monday.jsonl line 9');
      expect(outcomes[0][5]).toBe('keep');
      expect(outcomes[0][6]).toBe('keep');
      await Promise.all(tables.map((t) => t.deleteTable()));
    }
  });

  it('lets exactly one of two blobs racing for the same text keep it, both claiming ahead', async () => {
    const table = await freshTable();
    const storeA = new BlobSignatureStore(table);
    const storeB = new BlobSignatureStore(table);
    const a = convo('x', 'base', 'a.jsonl', 1);
    const b = convo('y', 'base', 'b.jsonl', 1);
    const stageA = createDedupStage({ store: storeA, now: NOW });
    const stageB = createDedupStage({ store: storeB, now: NOW });
    const [prepA, prepB] = [stageA.prepare?.(a), stageB.prepare?.(b)];
    // Both blobs send their claim before either decides: the table lets one create through.
    storeA.expect([announced(a, prepA)]);
    storeB.expect([announced(b, prepB)]);
    const [ra, rb] = await Promise.all([stageA.apply(a, undefined, prepA), stageB.apply(b, undefined, prepB)]);
    await Promise.all([storeA.flush(), storeB.flush()]);
    expect([ra.action, rb.action].sort()).toEqual(['drop', 'keep']);
    const rows = await exactRows(table);
    expect(rows).toHaveLength(1);
    const [kept, dropped] = ra.action === 'keep' ? [a, rb] : [b, ra];
    expect(rows[0].conversationId).toBe(kept.conversationId);
    expect(dropped).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    expect(dropped.action === 'drop' && dropped.detail).toContain(
      `exact duplicate of conversation ${kept.conversationId} (${kept.source.file} line 1`,
    );
    await table.deleteTable();
  });

  it('releases a claim sent ahead for a conversation the stage then drops within the blob, so a later copy can claim it', async () => {
    const table = await freshTable();
    const store = new BlobSignatureStore(table, { window: 1 });
    // 'near' is dropped as a near duplicate of 'base' (its claim was already created), then the
    // window starts over and its exact copy comes: it is kept, as when nothing was claimed ahead.
    const blob = [
      convo('b1', 'base', 'e.jsonl', 1),
      convo('n1', 'near', 'e.jsonl', 2),
      convo('a1', 'address', 'e.jsonl', 3),
      convo('n2', 'near', 'e.jsonl', 4),
    ];
    const results = decisions(await runBlob(store, blob));
    expect(results[0]).toBe('keep');
    expect(results[1]).toMatch(/^duplicate-near: near duplicate \(estimated Jaccard [\d.]+\) of conversation b1 /);
    expect(results.slice(2)).toEqual(['keep', 'keep']);
    expect(await exactRows(table)).toEqual([
      { conversationId: 'a1', file: 'e.jsonl' },
      { conversationId: 'b1', file: 'e.jsonl' },
      { conversationId: 'n2', file: 'e.jsonl' },
    ]);
    // The last conversation dropped within the blob is released by flush.
    const tail = new BlobSignatureStore(table);
    const last = await runBlob(tail, [
      convo('l1', 'lost', 'f.jsonl', 1),
      convo('l2', 'pause', 'f.jsonl', 2),
      convo('l3', 'lostAgain', 'f.jsonl', 3),
    ]);
    expect(last[2]).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    expect((await exactRows(table)).filter((r) => r.file === 'f.jsonl')).toEqual([
      { conversationId: 'l1', file: 'f.jsonl' },
      { conversationId: 'l2', file: 'f.jsonl' },
    ]);
    await table.deleteTable();
  });

  it('fails the attempt when a claim sent ahead fails: at its add, at flush, and at every add after it', async () => {
    // The table does not exist: the create sent ahead fails with 404.
    const store = new BlobSignatureStore(testStorage().table(uniqueName('blobsigmissing')));
    const stage = createDedupStage({ store, now: NOW });
    const one = convo('p', 'pause', 'c.jsonl', 1);
    const two = convo('q', 'lost', 'c.jsonl', 2);
    const prepared = [stage.prepare?.(one), stage.prepare?.(two)];
    store.expect([announced(one, prepared[0]), announced(two, prepared[1])]);
    await expect(stage.apply(one, undefined, prepared[0])).rejects.toMatchObject({ statusCode: 404 });
    await expect(store.flush()).rejects.toMatchObject({ statusCode: 404 });
    await expect(stage.apply(two, undefined, prepared[1])).rejects.toMatchObject({ statusCode: 404 });
  });

  it('falls back to awaited claims when asked about a hash it was not told of, and still decides the same', async () => {
    const table = await freshTable();
    const store = new BlobSignatureStore(table);
    const stage = createDedupStage({ store, now: NOW });
    const first = convo('f1', 'base', 'd.jsonl', 1);
    const second = convo('f2', 'base', 'd.jsonl', 2);
    // Told of another conversation than the one that comes: the store stops guessing, and
    // releases the claim it sent ahead for the conversation it was told of.
    const other = convo('z', 'norway', 'd.jsonl', 9);
    store.expect([announced(other, stage.prepare?.(other))]);
    expect((await stage.apply(first)).action).toBe('keep');
    expect(await stage.apply(second)).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    await store.flush();
    expect(await exactRows(table)).toEqual([{ conversationId: 'f1', file: 'd.jsonl' }]);
    await table.deleteTable();
  });
});
