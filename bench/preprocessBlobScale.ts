import { randomBytes, randomFillSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableClient } from '@azure/data-tables';
import { median, type Benchmark, type BenchResult } from './harness';
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime, type Runtime } from '../src/shared/composition/runtime';
import { CONTAINERS, TABLES } from '../src/shared/storage/names';
import { preprocessBlob } from '../src/shared/dataset/blobPreprocess';
import { startAzurite } from '../src/local/azurite';
import { SIGNATURE_BANDING, exactRowAddress } from '../src/shared/quality/dedup';
import { encodeSignature } from '../src/shared/quality/minhash';
import type { Telemetry } from '../src/shared/telemetry/telemetry';

/**
 * Does the blob path's per-conversation cost stay flat as the duplicate-signature table grows?
 * The table is seeded with N stored conversations in the layout the blob path reads (an exact
 * row each, keyed by its hash; random hashes, so no seeded row is a duplicate of a demo
 * conversation and every demo conversation takes the kept path: its create claims the hash),
 * then (after one unmeasured blob) the demo files are preprocessed through `preprocessBlob` on Azurite. Baseline: the same files on a table holding 1,000 conversations, same run.
 * `TUNELOOP_BENCH_SCALE` (comma-separated) overrides the sizes, `TUNELOOP_BENCH_SCALE_REPEAT_UP_TO` the
 * largest size measured over several rounds.
 */
const DEMO = join(__dirname, '..', '..', 'demo', 'data');
const FILES = ['chat-logs.jsonl', 'chat-export.csv', 'chat-logs-week2.jsonl.gz'];
const SETTLE_FILE = 'helpdesk-tickets.json';
const SIZES = (process.env.TUNELOOP_BENCH_SCALE ?? '1000,10000,100000').split(',').map(Number);
/** Rounds per size (reset, seed, run the files) for tables up to this size; larger ones run once (seeding takes minutes). */
const REPEATS = 3;
const REPEAT_UP_TO = Number(process.env.TUNELOOP_BENCH_SCALE_REPEAT_UP_TO ?? 10_000);
const SEED_CHUNK = 2000;
const SEED_CONCURRENCY = 32;

const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

async function resetTables(runtime: Runtime): Promise<void> {
  for (const name of [TABLES.dedupSignatures, TABLES.blobReceipts, TABLES.feedback]) {
    const table = runtime.storage.table(name);
    await table.deleteTable();
    await table.createTable();
  }
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** N stored conversations: exact rows, created concurrently (each is its own partition, so no transactions). */
async function seed(table: TableClient, n: number): Promise<void> {
  const seenAt = new Date(Date.UTC(2026, 0, 1)).toISOString();
  for (let start = 0; start < n; start += SEED_CHUNK) {
    const count = Math.min(SEED_CHUNK, n - start);
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const signature = randomFillSync(new Uint32Array(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows));
      const hash = randomBytes(16).toString('hex');
      rows.push({
        ...exactRowAddress(hash),
        conversationId: `seed-${start + i}`,
        file: 'seed.jsonl',
        line: start + i + 1,
        exactHash: hash,
        signature: encodeSignature(signature),
        seenAt,
      });
    }
    await inParallel(rows, SEED_CONCURRENCY, (row) => table.createEntity(row as never));
  }
}

interface ScaleRun {
  ms: number;
  conversations: number;
}

export const preprocessBlobScaleBenchmark: Benchmark = {
  name: 'preprocessBlobScale',
  async run(): Promise<BenchResult> {
    const files = FILES.filter((f) => existsSync(join(DEMO, f)));
    if (!files.length) return { name: 'preprocessBlobScale', lines: [`(skipped: no demo files in ${DEMO})`] };
    const azurite = await startAzurite({ inMemory: true });
    const lines: string[] = [];
    try {
      const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString });
      const runtime = createRuntime(settings, { telemetry: noTelemetry });
      await runtime.storage.ensureResources();
      const results: { size: number; perConversation: number; seedS: number; rounds: number; conversations: number }[] = [];
      let seq = 0;
      // Warm-up: one pass over the files on an empty table (JIT, PII models, SDK clients).
      await resetTables(runtime);
      for (const file of files) await runFile(runtime, file, `warm/${seq++}/${file}`);
      for (const size of SIZES) {
        const perConversation: number[] = [];
        let seedMs = 0;
        let conversations = 0;
        const rounds = size <= REPEAT_UP_TO ? REPEATS : 1;
        for (let round = 0; round < rounds; round++) {
          await resetTables(runtime);
          const seedStart = performance.now();
          await seed(runtime.storage.table(TABLES.dedupSignatures), size);
          seedMs = performance.now() - seedStart;
          // One unmeasured blob first (a demo file not among the measured ones, so no measured
          // conversation finds its claim): seeding leaves both processes (this one and Azurite)
          // with the garbage of N requests, whose collection would otherwise land in the measured
          // runs and grow with N for reasons that have nothing to do with the table's size.
          if (existsSync(join(DEMO, SETTLE_FILE))) await runFile(runtime, SETTLE_FILE, `settle/${seq++}/${SETTLE_FILE}`);
          const runs: ScaleRun[] = [];
          for (const file of files) runs.push(await runFile(runtime, file, `scale/${seq++}/${file}`));
          conversations = runs.reduce((a, r) => a + r.conversations, 0);
          perConversation.push(runs.reduce((a, r) => a + r.ms, 0) / conversations);
        }
        results.push({ size, perConversation: median(perConversation), seedS: seedMs / 1000, rounds, conversations });
        // Progress on stderr: the large sizes take minutes on a busy machine.
        console.error(
          `preprocessBlobScale: ${size} stored: ${median(perConversation).toFixed(2)} ms per conversation (${perConversation.map((v) => v.toFixed(2)).join(', ')}), seeding ${(seedMs / 1000).toFixed(0)} s`,
        );
      }
      const base = results.find((r) => r.size === 1000) ?? results[0];
      lines.push(
        `Table seeded with N stored conversations (an exact row each, random hashes), then ${files.join(', ')} ` +
          `(${base.conversations} conversations) through preprocessBlob on in-memory Azurite; ms per conversation over the three files, median of ${REPEATS} rounds ` +
          `(reset, seed, run) up to ${REPEAT_UP_TO.toLocaleString('en')} stored, one round above. Baseline: ${base.size.toLocaleString('en')} stored, same run.`,
      );
      lines.push('');
      lines.push('| stored conversations | ms per conversation | × baseline | rounds | seeding s |');
      lines.push('|---|---|---|---|---|');
      for (const r of results) {
        lines.push(
          `| ${r.size.toLocaleString('en')} | ${r.perConversation.toFixed(2)} | ${(r.perConversation / base.perConversation).toFixed(2)} | ${r.rounds} | ${r.seedS.toFixed(0)} |`,
        );
      }
    } finally {
      await azurite.stop();
    }
    return { name: 'preprocessBlobScale', lines };
  },
};

async function runFile(runtime: Runtime, file: string, blobName: string): Promise<ScaleRun> {
  const body = readFileSync(join(DEMO, file));
  await runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(blobName).upload(body, body.length);
  const start = performance.now();
  const outcome = await preprocessBlob(runtime, blobName);
  const ms = performance.now() - start;
  if (outcome.status !== 'processed') throw new Error(`bench: ${blobName} was ${outcome.status}, expected processed`);
  return { ms, conversations: outcome.report.records_in };
}
