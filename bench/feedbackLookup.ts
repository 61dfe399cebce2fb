import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableClient } from '@azure/data-tables';
import { median, type Benchmark, type BenchResult } from './harness';
import { startAzurite } from '../src/local/azurite';
import { createStorageClients } from '../src/shared/storage/clients';
import { TableFeedbackStore } from '../src/shared/dataset/feedbackStore';

/**
 * The blob path's rating lookup (`TableFeedbackStore.latest`, one per conversation) on Azurite on
 * disk, as answered-by rows pile up (a log naming its answering model writes one per
 * conversation). Baseline: the layout before, the rows in table `feedback` itself, measured in the
 * same run, each layout on fresh tables. Azurite answers a partition query by scanning the table.
 * Sizes: `TUNELOOP_BENCH_ANSWERED_ROWS` (default 0,10000,40000).
 */
const SIZES = (process.env.TUNELOOP_BENCH_ANSWERED_ROWS ?? '0,10000,40000').split(',').map(Number);
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
      const before = new TableFeedbackStore(together, { answered: together });
      const now = new TableFeedbackStore(await table('feedbackapart'), { answered: await table('answeredapart') });
      const results: { rows: number; before: number; now: number }[] = [];
      let filled = 0;
      for (const rows of SIZES) {
        await fill(before, filled, rows);
        await fill(now, filled, rows);
        filled = rows;
        results.push({ rows, before: await lookupMs(before), now: await lookupMs(now) });
      }
      lines.push(
        `Rating lookups of unrated conversations on Azurite (on disk), median of ${ROUNDS} rounds of ${LOOKUPS}, as answered-by rows accumulate; ` +
          'baseline: the rows in table feedback (before), same run.',
      );
      lines.push('');
      lines.push(
        '| answered-by rows | ms per lookup, rows in `feedback` (before) | ms per lookup, rows in `answeredby` (now) | now ÷ before |',
      );
      lines.push('|---|---|---|---|');
      for (const r of results)
        lines.push(`| ${r.rows} | ${r.before.toFixed(2)} | ${r.now.toFixed(2)} | ${(r.now / r.before).toFixed(2)} |`);
    } finally {
      await azurite.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'feedbackLookup', lines };
  },
};
