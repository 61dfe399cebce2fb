import type { TableClient } from '@azure/data-tables';
import { RATED_INDEX_COMPLETE, RatedIndexBackfill, TableFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { tableKey } from '../../../src/shared/dataset/keys';
import { TABLES } from '../../../src/shared/storage/names';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { storageWithPrivateTables } from '../../setup/storage';

/**
 * The rating lookup of the blob path against real tables on Azurite (private tables per test).
 * Table `rated` lists the conversations with a rating, so that a lookup of an unrated one is a
 * point read; until the nightly assembly has completed the index, lookups query `feedback` itself.
 */
describe('TableFeedbackStore and the index of rated conversations', () => {
  const source = (line: number) => ({ file: 'ratings.jsonl', line, record: '' });

  function store(storage: StorageClients, rated: TableClient = storage.table(TABLES.rated)): TableFeedbackStore {
    return new TableFeedbackStore(storage.table(TABLES.feedback), {
      answered: storage.table(TABLES.answeredBy),
      rated,
      now: () => new Date('2026-12-02T10:00:00Z'),
    });
  }

  /** A rating row as versions before the index wrote it: in `feedback` only. */
  async function legacyRating(storage: StorageClients, conversationId: string, rating: number): Promise<void> {
    await storage.table(TABLES.feedback).upsertEntity({
      partitionKey: tableKey(conversationId),
      rowKey: tableKey(`old.jsonl#1`),
      conversationId,
      rating,
      file: 'old.jsonl',
      line: 1,
      receivedAt: '2026-11-01T00:00:00.000Z',
    });
  }

  it('lists every stored rating in table rated, after the rating itself', async () => {
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.answeredBy, TABLES.rated]);
    await store(storage).put({ conversationId: 'c/1 #x', rating: 4, source: source(1) });
    const key = tableKey('c/1 #x');
    await expect(storage.table(TABLES.rated).getEntity(key, key)).resolves.toMatchObject({ conversationId: 'c/1 #x' });
    expect(await store(storage).latest('c/1 #x')).toMatchObject({ rating: 4, line: 1 });
  });

  it('finds ratings stored before the index while the index is not complete', async () => {
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.answeredBy, TABLES.rated]);
    await legacyRating(storage, 'legacy', 2);
    await store(storage).put({ conversationId: 'new', rating: 5, source: source(2) });
    const lookups = store(storage);
    expect(await lookups.latest('legacy')).toMatchObject({ rating: 2 });
    expect(await lookups.latest('new')).toMatchObject({ rating: 5 });
    expect(await lookups.latest('unrated')).toBeUndefined();
  });

  it('the backfill lists what feedback holds and marks the index complete; lookups then trust it', async () => {
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.answeredBy, TABLES.rated]);
    await legacyRating(storage, 'legacy', 2);
    const backfill = await RatedIndexBackfill.start(storage.table(TABLES.rated));
    if (!backfill) throw new Error('a fresh index must not count as complete');
    await backfill.add('legacy');
    expect(await backfill.finish()).toBe(1);
    await expect(
      storage.table(TABLES.rated).getEntity(RATED_INDEX_COMPLETE.partitionKey, RATED_INDEX_COMPLETE.rowKey),
    ).resolves.toMatchObject({
      listed: 1,
    });
    expect(await RatedIndexBackfill.start(storage.table(TABLES.rated))).toBeUndefined();

    // With the index complete, the index decides: a rating it does not list is not looked for in
    // `feedback` (this one is written behind the store's back, which tuneloop never does).
    await legacyRating(storage, 'unlisted', 1);
    const lookups = store(storage);
    expect(await lookups.latest('legacy')).toMatchObject({ rating: 2 });
    expect(await lookups.latest('unlisted')).toBeUndefined();
    await lookups.put({ conversationId: 'after', rating: 3, source: source(3) });
    expect(await store(storage).latest('after')).toMatchObject({ rating: 3 });
  });

  it('works without a rated table (a deployment before it): ratings are stored and found in feedback', async () => {
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.answeredBy], [TABLES.rated]);
    await store(storage).put({ conversationId: 'c-1', rating: 1, source: source(1) });
    expect(await store(storage).latest('c-1')).toMatchObject({ rating: 1 });
    const backfill = await RatedIndexBackfill.start(storage.table(TABLES.rated));
    await backfill?.add('c-1');
    expect(await backfill?.finish()).toBeUndefined();
  });
});
