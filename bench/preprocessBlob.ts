import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { median, timeMedian, type Benchmark, type BenchResult } from './harness';
import type { SignatureStore } from '../src/shared/quality/dedup';
import { BlobSignatureStore } from '../src/shared/quality/blobSignatureStore';
import { writeStarJsonl } from './starCorpus';
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime, type Runtime } from '../src/shared/composition/runtime';
import { preprocessConfig } from '../src/shared/composition/config';
import { createStorageClients, type StorageClients } from '../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../src/shared/storage/names';
import { preprocessBlob } from '../src/shared/dataset/blobPreprocess';
import { prepareDataset } from '../src/shared/dataset/prepare';
import { startAzurite } from '../src/local/azurite';
import { parseInput } from '../src/shared/ingest/parse';
import { createLocalDetector, detectLocal } from '../src/shared/quality/pii/redact';
import type { Telemetry } from '../src/shared/telemetry/telemetry';
import { required } from '../src/shared/lookup';

/**
 * The blob-triggered preprocessing (`preprocessBlob`, the real function body) against an
 * in-memory Azurite, per demo file, with the exact-hash claims awaited one at a time in input
 * order ("before": `BlobSignatureStore` with `lookahead: false`, the code path before claims were
 * sent ahead) and sent ahead concurrently ("after", the default), against `tuneloop prepare`'s
 * in-memory path on the same file, all measured in the same run. Each blob run starts from empty
 * tables (first sight of the file: every kept conversation claims its hash); two more scenarios:
 * week 2 after week 1 is in the tables, and the same file uploaded again under another name.
 * Then the same on a larger file of real STAR turns (`TUNELOOP_BENCH_BLOB_STAR_MB` of JSONL,
 * gzip, default 20; 0 skips it), `TUNELOOP_BENCH_BLOB_STAR_REPEATS` rounds (default 1). Counts table requests per run, shows the per-step
 * wall times (TUNELOOP_DEBUG_TIMINGS) of the median run, and the PII detector with and without
 * its per-text cache.
 */
const DEMO = join(__dirname, '..', '..', 'demo', 'data');
const FILES = ['chat-logs.jsonl', 'chat-export.csv', 'chat-logs-week2.jsonl.gz'];
const REPEATS = 5;
const STAR_MB = Number(process.env.TUNELOOP_BENCH_BLOB_STAR_MB ?? 20);
const STAR_REPEATS = Math.max(1, Number(process.env.TUNELOOP_BENCH_BLOB_STAR_REPEATS ?? 1));

/** Telemetry that drops everything: the bench measures preprocessing, not the local JSONL sink. */
const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

interface Counter {
  requests: number;
}

/** Storage clients whose table clients count every HTTP request they send. */
function countingStorage(connectionString: string, counter: Counter): StorageClients {
  const base = createStorageClients({ connectionString });
  const policy: NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'] = {
    name: 'benchRequestCounter',
    sendRequest: (request, next) => {
      counter.requests++;
      return next(request);
    },
  };
  const options: TableServiceClientOptions = { allowInsecureConnection: true, additionalPolicies: [{ policy, position: 'perCall' }] };
  const tables = new Map<string, TableClient>();
  return {
    ...base,
    table: (name) => {
      let client = tables.get(name);
      if (!client) tables.set(name, (client = TableClient.fromConnectionString(connectionString, name, options)));
      return client;
    },
  };
}

async function resetTables(runtime: Runtime): Promise<void> {
  for (const name of [TABLES.dedupSignatures, TABLES.blobReceipts, TABLES.feedback]) {
    const table = runtime.storage.table(name);
    await table.deleteTable();
    await table.createTable();
  }
}

interface BlobRun {
  ms: number;
  tableRequests: number;
  kept: number;
  timings: Record<string, number>;
}

type Layout = 'before' | 'after';

/** The blob path's store with its claims awaited one at a time (not a BlobSignatureStore to the blob path: nothing announces claims to it). */
function awaitedClaims(runtime: Runtime): SignatureStore {
  const store = new BlobSignatureStore(runtime.storage.table(TABLES.dedupSignatures), { lookahead: false });
  return {
    findExact: (hash) => store.findExact(hash),
    findByBands: (keys) => store.findByBands(keys),
    add: (record, keys, signal) => store.add(record, keys, signal),
    flush: () => store.flush(),
  };
}

async function runBlob(runtime: Runtime, counter: Counter, file: string, blobName: string, layout: Layout): Promise<BlobRun> {
  const body = readFileSync(file.startsWith('/') ? file : join(DEMO, file));
  await runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(blobName).upload(body, body.length);
  const signatures = layout === 'before' ? awaitedClaims(runtime) : undefined;
  const before = counter.requests;
  const start = process.hrtime.bigint();
  const outcome = await preprocessBlob(runtime, blobName, signatures ? { signatures } : {});
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (outcome.status !== 'processed') throw new Error(`bench: ${blobName} was ${outcome.status}, expected processed`);
  const report = outcome.report as { records_used: number; timings_ms?: Record<string, number> };
  return { ms, tableRequests: counter.requests - before, kept: report.records_used, timings: report.timings_ms ?? {} };
}

async function readTurns(file: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const item of parseInput(createReadStream(join(DEMO, file)), { fileName: file })) {
    if (item.type === 'conversation') for (const t of item.conversation.turns) texts.push(t.content);
  }
  return texts;
}

async function runPrepare(file: string, outDir: string): Promise<number> {
  const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
  const start = process.hrtime.bigint();
  await prepareDataset({ inputs: [file.startsWith('/') ? file : join(DEMO, file)], outDir, cwd: DEMO, config: preprocessConfig(settings) });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function medianRun(runs: BlobRun[]): BlobRun {
  const m = median(runs.map((r) => r.ms));
  return runs.reduce((best, r) => (Math.abs(r.ms - m) < Math.abs(best.ms - m) ? r : best));
}

function formatTimings(t: Record<string, number>): string {
  return Object.entries(t)
    .map(([step, ms]) => `${step} ${ms}`)
    .join(', ');
}

export const preprocessBlobBenchmark: Benchmark = {
  name: 'preprocessBlob',
  async run(): Promise<BenchResult> {
    const lines: string[] = [];
    const files = FILES.filter((f) => existsSync(join(DEMO, f)));
    if (!files.length) return { name: 'preprocessBlob', lines: [`(skipped: no demo files in ${DEMO})`] };
    const azurite = await startAzurite({ inMemory: true });
    const outDir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-'));
    const starDir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-star-'));
    const counter: Counter = { requests: 0 };
    try {
      const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_DEBUG_TIMINGS: 'true' });
      const runtime = createRuntime(settings, { storage: countingStorage(azurite.connectionString, counter), telemetry: noTelemetry });
      await runtime.storage.ensureResources();
      lines.push(
        `Median of ${REPEATS} runs after one warm-up; each blob run starts from empty tables. "before": the exact-hash claims ` +
          '(one create per kept conversation) awaited one at a time in input order; "after": the claims sent ahead as soon as the workers ' +
          'fingerprinted a batch, up to 32 in flight (BlobSignatureStore.expect). Baseline: `tuneloop prepare` ' +
          '(scratch signatures and in-memory feedback) on the same file in the same run.',
      );
      lines.push('');
      lines.push(
        '| file | kept | prepare ms (baseline) | blob before ms | × baseline | blob after ms | × baseline | after / before | table requests per kept conversation, before → after |',
      );
      lines.push('|---|---|---|---|---|---|---|---|---|');
      const stageLines: string[] = [];
      let seq = 0;
      for (const file of files) {
        const prepareMs: number[] = [];
        const runs: Record<Layout, BlobRun[]> = { before: [], after: [] };
        for (let i = 0; i <= REPEATS; i++) {
          const p = await runPrepare(file, outDir);
          const measured: Partial<Record<Layout, BlobRun>> = {};
          // Alternate the order so neither layout always runs on a warmer process.
          for (const layout of (i % 2 ? ['before', 'after'] : ['after', 'before']) as Layout[]) {
            await resetTables(runtime);
            measured[layout] = await runBlob(runtime, counter, file, `bench/${seq++}/${file}`, layout);
          }
          if (i === 0) continue; // warm-up
          prepareMs.push(p);
          runs.before.push(required(measured.before, 'the before run'));
          runs.after.push(required(measured.after, 'the after run'));
        }
        const base = median(prepareMs);
        const before = medianRun(runs.before);
        const after = medianRun(runs.after);
        const perKept = (r: BlobRun) => (r.tableRequests / Math.max(1, r.kept)).toFixed(1);
        lines.push(
          `| ${file} | ${after.kept} | ${base.toFixed(0)} | ${before.ms.toFixed(0)} | ${(before.ms / base).toFixed(1)} | ${after.ms.toFixed(0)} | ${(after.ms / base).toFixed(1)} | ${(after.ms / before.ms).toFixed(2)} | ${perKept(before)} → ${perKept(after)} |`,
        );
        stageLines.push(`- ${file}, before: ${formatTimings(before.timings)}`);
        stageLines.push(`- ${file}, after: ${formatTimings(after.timings)}`);
      }
      if (STAR_MB > 0) {
        // Real STAR turns, as the prepare and large-blob benches write them (TUNELOOP_BENCH_BLOB_STAR_REPEATS rounds).
        const star = join(starDir, `star-${STAR_MB}mb.jsonl.gz`);
        const { lines: conversations } = await writeStarJsonl(star, STAR_MB * 1e6, { gzip: true, seed: 7 });
        const prepareRuns: number[] = [];
        const starRuns: Record<Layout, BlobRun[]> = { before: [], after: [] };
        for (let i = 0; i < STAR_REPEATS; i++) {
          prepareRuns.push(await runPrepare(star, outDir));
          // Alternate the order so neither layout always runs at the same point of the machine's load.
          for (const layout of (i % 2 ? ['before', 'after'] : ['after', 'before']) as Layout[]) {
            await resetTables(runtime);
            starRuns[layout].push(await runBlob(runtime, counter, star, `bench/${seq++}/star.jsonl.gz`, layout));
          }
        }
        // Means over the rounds: with two rounds a median picks one of them arbitrarily.
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const p = mean(prepareRuns);
        const before = { ...medianRun(starRuns.before), ms: mean(starRuns.before.map((r) => r.ms)) };
        const after = { ...medianRun(starRuns.after), ms: mean(starRuns.after.map((r) => r.ms)) };
        const perKept = (r: BlobRun) => (r.tableRequests / Math.max(1, r.kept)).toFixed(1);
        lines.push(
          `| STAR ${STAR_MB} MB JSONL, gzip (${conversations} conversations; mean of ${STAR_REPEATS} rounds: ${starRuns.before.map((r) => r.ms.toFixed(0)).join(' / ')} before, ${starRuns.after.map((r) => r.ms.toFixed(0)).join(' / ')} after, prepare ${prepareRuns.map((ms) => ms.toFixed(0)).join(' / ')}) | ${after.kept} | ${p.toFixed(0)} | ${before.ms.toFixed(0)} | ${(before.ms / p).toFixed(1)} | ${after.ms.toFixed(0)} | ${(after.ms / p).toFixed(1)} | ${(after.ms / before.ms).toFixed(2)} | ${perKept(before)} → ${perKept(after)} |`,
        );
        stageLines.push(`- STAR ${STAR_MB} MB, before: ${formatTimings(before.timings)}`);
        stageLines.push(`- STAR ${STAR_MB} MB, after: ${formatTimings(after.timings)}`);
        lines.push('');
        lines.push(
          `STAR ${STAR_MB} MB: prepare ${(conversations / (p / 1000)).toFixed(0)} conversations/s, blob path before ${(conversations / (before.ms / 1000)).toFixed(0)}, after ${(conversations / (after.ms / 1000)).toFixed(0)} conversations/s.`,
        );
      }
      // A later day, and the same export uploaded again under another name (all exact duplicates).
      const scenarios: { name: string; first: string; second: string }[] = [];
      if (files.includes('chat-logs.jsonl') && files.includes('chat-logs-week2.jsonl.gz')) {
        scenarios.push({
          name: 'week 2 after week 1 (week 1 signatures in the table)',
          first: 'chat-logs.jsonl',
          second: 'chat-logs-week2.jsonl.gz',
        });
      }
      if (files.includes('chat-logs.jsonl')) {
        scenarios.push({
          name: 'chat-logs.jsonl uploaded again under another name (all exact duplicates)',
          first: 'chat-logs.jsonl',
          second: 'chat-logs.jsonl',
        });
      }
      if (scenarios.length) lines.push('');
      for (const scenario of scenarios) {
        const runs: Record<Layout, BlobRun[]> = { before: [], after: [] };
        for (let i = 0; i <= REPEATS; i++) {
          for (const layout of (i % 2 ? ['before', 'after'] : ['after', 'before']) as Layout[]) {
            await resetTables(runtime);
            await runBlob(runtime, counter, scenario.first, `bench/${seq++}/${scenario.first}`, layout);
            const r = await runBlob(runtime, counter, scenario.second, `bench/${seq++}/again/${scenario.second}`, layout);
            if (i > 0) runs[layout].push(r);
          }
        }
        const before = medianRun(runs.before);
        const after = medianRun(runs.after);
        lines.push(
          `- ${scenario.name}: before ${before.ms.toFixed(0)} ms / ${before.tableRequests} table requests, after ${after.ms.toFixed(0)} ms / ${after.tableRequests} requests (${(after.ms / before.ms).toFixed(2)}×); ${after.kept} kept.`,
        );
      }
      lines.push('');
      lines.push(
        'Per-step wall time of the median blob run, ms (TUNELOOP_DEBUG_TIMINGS; parse includes the download; stage:dedup includes waiting for claims):',
      );
      lines.push(...stageLines);

      // PII: the redaction stage's detector analyses each distinct turn text once per blob.
      lines.push('');
      lines.push(
        'PII detection over every turn of the file: `detectLocal` per turn (baseline, what the stage did before) vs the per-detector cache of distinct texts (median of 5):',
      );
      for (const file of files) {
        const turns = await readTurns(file);
        const uncached = await timeMedian(() => turns.map((t) => detectLocal(t)), REPEATS);
        const cached = await timeMedian(() => createLocalDetector().detect(turns), REPEATS);
        lines.push(
          `- ${file}: ${turns.length} turns, ${new Set(turns).size} distinct; ${uncached.toFixed(0)} ms → ${cached.toFixed(0)} ms (${(cached / uncached).toFixed(2)}× baseline)`,
        );
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
      rmSync(starDir, { recursive: true, force: true });
      await azurite.stop();
    }
    return { name: 'preprocessBlob', lines };
  },
};
