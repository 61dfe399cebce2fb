import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableClient } from '@azure/data-tables';
import { median, type Benchmark, type BenchResult } from './harness';
import { startAzurite } from '../src/local/azurite';
import { createStorageClients } from '../src/shared/storage/clients';
import { RatedIndexBackfill, TableFeedbackStore } from '../src/shared/dataset/feedbackStore';

/**
 * The blob path's rating lookup (`TableFeedbackStore.latest`, one per conversation) on Azurite on
 * disk, each layout on fresh tables, the baseline measured in the same run. Azurite answers a
 * partition query by scanning the table.
 * - As answered-by rows pile up (a log naming its answering model writes one per conversation).
 *   Baseline: the rows in table `feedback` itself (the layout before table `answeredby`).
 * - As ratings pile up in `feedback`. Baseline: no complete index in table `rated` (a partition
 *   query of `feedback` per lookup, as before the index); now: the index complete, so a lookup of
 *   an unrated conversation is one point read.
 * Sizes: `TUNELOOP_BENCH_ANSWERED_ROWS` and `TUNELOOP_BENCH_RATING_ROWS` (default 0,10000,40000 each).
 */
const SIZES = (process.env.TUNELOOP_BENCH_ANSWERED_ROWS ?? '0,10000,40000').split(',').map(Number);
const RATING_SIZES = (process.env.TUNELOOP_BENCH_RATING_ROWS ?? '0,10000,40000').split(',').map(Number);
const LOOKUPS = 300;
const ROUNDS = 3;

async function lookupMs(store: TableFeedbackStore): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) await store.latest(`unrated-${r}-${i}`);
    rounds.push(Number(process.hrtime.bigint() - started) / 1e6 / LOOKUPS);
  }
  return median(rounds);
}

interface SizeResult {
  rows: number;
  before: number;
  now: number;
}

/** Both layouts filled to each size in turn (the same rows), then looked up. */
async function compare(
  sizes: number[],
  fill: (store: TableFeedbackStore, from: number, to: number) => Promise<void>,
  before: TableFeedbackStore,
  now: TableFeedbackStore,
): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  let filled = 0;
  for (const rows of sizes) {
    await fill(before, filled, rows);
    await fill(now, filled, rows);
    filled = rows;
    results.push({ rows, before: await lookupMs(before), now: await lookupMs(now) });
  }
  return results;
}

function resultTable(title: string, header: string, results: SizeResult[]): string[] {
  return [
    title,
    '',
    header,
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.rows} | ${r.before.toFixed(2)} | ${r.now.toFixed(2)} | ${(r.now / r.before).toFixed(2)} |`),
  ];
}

async function fillRatings(store: TableFeedbackStore, from: number, to: number): Promise<void> {
  const pending: Promise<void>[] = [];
  for (let n = from; n < to; n++) {
    pending.push(store.put({ conversationId: `r-${n}`, rating: 1 + (n % 5), source: { file: 'ratings.jsonl', line: n + 1, record: '' } }));
    if (pending.length >= 32) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

async function fill(store: TableFeedbackStore, from: number, to: number): Promise<void> {
  const pending: Promise<void>[] = [];
  for (let n = from; n < to; n++) {
    pending.push(store.answeredBy({ conversationId: `c-${n}`, answeringModel: 'support-bot', file: 'chats.jsonl', line: n + 1 }));
    if (pending.length >= 32) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

export const feedbackLookupBenchmark: Benchmark = {
  name: 'feedbackLookup',
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-feedback-'));
    const azurite = await startAzurite({ location: join(dir, 'azurite') });
    const lines: string[] = [];
    try {
      const storage = createStorageClients({ connectionString: azurite.connectionString });
      const table = async (name: string): Promise<TableClient> => {
        const client = storage.table(name);
        await client.createTable();
        return client;
      };
      const together = await table('feedbacktogether');
      // No table `rated` in this part: each lookup queries `feedback`, as both layouts did then.
      const before = new TableFeedbackStore(together, { answered: together, rated: storage.table('ratednone') });
      const now = new TableFeedbackStore(await table('feedbackapart'), {
        answered: await table('answeredapart'),
        rated: storage.table('ratednone'),
      });
      lines.push(
        ...resultTable(
          `Rating lookups of unrated conversations on Azurite (on disk), median of ${ROUNDS} rounds of ${LOOKUPS}, as answered-by rows accumulate; ` +
            'baseline: the rows in table feedback (before), same run.',
          '| answered-by rows | ms per lookup, rows in `feedback` (before) | ms per lookup, rows in `answeredby` (now) | now ÷ before |',
          await compare(SIZES, fill, before, now),
        ),
      );

      // Ratings: the same rows in both layouts; the index table of `indexed` is marked complete
      // first (as the nightly assembly does), so every rating it stores lists itself.
      const unindexed = new TableFeedbackStore(await table('ratingsunindexed'), {
        answered: await table('answeredratings1'),
        rated: storage.table('ratedabsent'),
      });
      const ratedTable = await table('ratedindex');
      await (await RatedIndexBackfill.start(ratedTable))?.finish();
      const indexed = new TableFeedbackStore(await table('ratingsindexed'), {
        answered: await table('answeredratings2'),
        rated: ratedTable,
      });
      lines.push('');
      lines.push(
        ...resultTable(
          `Rating lookups of unrated conversations as ratings accumulate in table feedback, median of ${ROUNDS} rounds of ${LOOKUPS}; ` +
            'baseline: no complete index in table rated (a query of feedback per lookup), same run.',
          '| ratings stored | ms per lookup, no index (before) | ms per lookup, index complete (now) | now ÷ before |',
          await compare(RATING_SIZES, fillRatings, unindexed, indexed),
        ),
      );
    } finally {
      await azurite.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'feedbackLookup', lines };
  },
};
