import type { TableClient } from '@azure/data-tables';
import { BlobSignatureStore, SignatureClaimRaceError } from '../../../src/shared/quality/blobSignatureStore';
import { createDedupStage, preparedExactHash } from '../../../src/shared/quality/dedup';
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
    if (announce) store.expect(prepared.map((p) => preparedExactHash(p) ?? ''));
    for (const [i, c] of slice.entries()) results.push(await stage.apply(c, undefined, prepared[i]));
  }
  await store.flush();
  return results;
}

/**
 * The same Azurite table, with a hook around two calls so a test can order requests of two
 * blobs (the requests themselves are real).
 */
function intercept(table: TableClient, hooks: { createEntity?: () => Promise<void>; afterGetEntity?: () => void }): TableClient {
  return new Proxy(table, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (property === 'createEntity' && hooks.createEntity) {
        const before = hooks.createEntity;
        return async (...args: unknown[]) => {
          await before();
          return method(...args);
        };
      }
      if (property === 'getEntity' && hooks.afterGetEntity) {
        const after = hooks.afterGetEntity;
        return async (...args: unknown[]) => {
          try {
            return await method(...args);
          } finally {
            after();
          }
        };
      }
      return method;
    },
  });
}

const decisions = (results: StageResult[]) => results.map((r) => (r.action === 'keep' ? 'keep' : `${r.reason}: ${r.detail ?? ''}`));

describe('BlobSignatureStore: claims read ahead and sent concurrently', () => {
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

  it('lets exactly one of two blobs racing for the same text keep it: the loser fails its pass, and its next pass drops the copy', async () => {
    const table = await freshTable();
    // Both blobs must read the row while it is still free: A's create is held (by the test, not
    // faked: the calls go to Azurite) until B's read has come back.
    let readB: () => void = () => undefined;
    const bHasRead = new Promise<void>((resolve) => (readB = resolve));
    const tableA = intercept(table, { createEntity: () => bHasRead });
    const tableB = intercept(table, { afterGetEntity: () => readB() });
    const storeA = new BlobSignatureStore(tableA);
    const storeB = new BlobSignatureStore(tableB);
    const a = convo('x', 'base', 'a.jsonl', 1);
    const b = convo('y', 'base', 'b.jsonl', 1);
    const prepared = createDedupStage({ store: storeA, now: NOW }).prepare?.(a);
    const hash = preparedExactHash(prepared) ?? '';
    storeA.expect([hash]);
    storeB.expect([hash]);
    const [ra, rb] = await Promise.all([
      createDedupStage({ store: storeA, now: NOW }).apply(a, undefined, prepared),
      createDedupStage({ store: storeB, now: NOW }).apply(b, undefined, prepared),
    ]);
    // Both keep it on their side and both creates go out: the table lets one through.
    expect([ra.action, rb.action]).toEqual(['keep', 'keep']);
    const flushed = await Promise.allSettled([storeA.flush(), storeB.flush()]);
    const failed = flushed.filter((f): f is PromiseRejectedResult => f.status === 'rejected');
    expect(failed).toHaveLength(1);
    const error = failed[0].reason as SignatureClaimRaceError;
    expect(error).toBeInstanceOf(SignatureClaimRaceError);
    expect(error.retryable).toBe(true);
    const rows = await exactRows(table);
    expect(rows).toHaveLength(1);
    const winner = rows[0].conversationId;
    const loser = winner === 'x' ? b : a;
    expect(error.message).toContain(
      `conversation ${loser.conversationId} (${loser.source.file} line 1) was kept, but conversation ${winner}`,
    );
    // The losing blob's next pass, with claims awaited (as the blob path does) or read ahead: a duplicate of the winner.
    for (const lookahead of [false, true]) {
      const again = await runBlob(new BlobSignatureStore(table, { lookahead }), [loser]);
      expect(again[0]).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
      expect(again[0].action === 'drop' && again[0].detail).toContain(`of conversation ${winner}`);
    }
    await table.deleteTable();
  });

  it('fails the attempt when a claim sent without waiting fails: at flush, and at every add after it', async () => {
    // The table does not exist: the read ahead finds no row (404), the claim fails with 404 too.
    const store = new BlobSignatureStore(testStorage().table(uniqueName('blobsigmissing')));
    const stage = createDedupStage({ store, now: NOW });
    const one = convo('p', 'pause', 'c.jsonl', 1);
    const two = convo('q', 'lost', 'c.jsonl', 2);
    const prepared = [stage.prepare?.(one), stage.prepare?.(two)];
    store.expect(prepared.map((p) => preparedExactHash(p) ?? ''));
    expect((await stage.apply(one, undefined, prepared[0])).action).toBe('keep');
    await expect(store.flush()).rejects.toMatchObject({ statusCode: 404 });
    await expect(stage.apply(two, undefined, prepared[1])).rejects.toMatchObject({ statusCode: 404 });
  });

  it('falls back to awaited claims when asked about a hash it was not told of, and still decides the same', async () => {
    const table = await freshTable();
    const store = new BlobSignatureStore(table);
    const stage = createDedupStage({ store, now: NOW });
    const first = convo('f1', 'base', 'd.jsonl', 1);
    const second = convo('f2', 'base', 'd.jsonl', 2);
    // Told of another text than the one that comes: the store stops guessing.
    store.expect([preparedExactHash(stage.prepare?.(convo('z', 'norway', 'd.jsonl', 9))) ?? '']);
    expect((await stage.apply(first)).action).toBe('keep');
    expect(await stage.apply(second)).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    await store.flush();
    expect(await exactRows(table)).toEqual([{ conversationId: 'f1', file: 'd.jsonl' }]);
    await table.deleteTable();
  });
});
