import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { median, type Benchmark, type BenchResult } from './harness';
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime, type Runtime } from '../src/shared/composition/runtime';
import { createStorageClients, type StorageClients } from '../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../src/shared/storage/names';
import { preprocessBlob } from '../src/shared/dataset/blobPreprocess';
import { prepareDataset } from '../src/shared/dataset/prepare';
import { startAzurite } from '../src/local/azurite';
import type { Telemetry } from '../src/shared/telemetry/telemetry';

/**
 * The blob-triggered preprocessing (`preprocessBlob`, the real function body) against an
 * in-memory Azurite, per demo file, against `tuneloop prepare`'s in-memory path on the same file
 * measured in the same run. Each blob run starts from empty tables (first sight of the file: every
 * kept conversation writes its signatures); a second scenario processes week 2 after week 1 is in
 * the tables, and the same file uploaded again under another name. Also counts table requests per run and shows the per-stage wall times
 * (TUNELOOP_DEBUG_TIMINGS) of the median run.
 */
const DEMO = join(__dirname, '..', '..', 'demo', 'data');
const FILES = ['chat-logs.jsonl', 'chat-export.csv', 'chat-logs-week2.jsonl.gz'];
const REPEATS = 5;

/** Telemetry that drops everything: the bench measures preprocessing, not the local JSONL sink. */
const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

interface Counter {
  requests: number;
}

/** Storage clients whose table clients count every HTTP request they send. */
function countingStorage(connectionString: string, counter: Counter): StorageClients {
  const base = createStorageClients({ connectionString });
  const policy: PipelinePolicy = {
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

async function runBlob(runtime: Runtime, counter: Counter, file: string, blobName: string): Promise<BlobRun> {
  const body = readFileSync(join(DEMO, file));
  await runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(blobName).upload(body, body.length);
  const before = counter.requests;
  const start = process.hrtime.bigint();
  const outcome = await preprocessBlob(runtime, blobName);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (outcome.status !== 'processed') throw new Error(`bench: ${blobName} was ${outcome.status}, expected processed`);
  const report = outcome.report as { records_used: number; timings_ms?: Record<string, number> };
  return { ms, tableRequests: counter.requests - before, kept: report.records_used, timings: report.timings_ms ?? {} };
}

async function runPrepare(file: string, outDir: string): Promise<number> {
  const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
  const start = process.hrtime.bigint();
  await prepareDataset({ inputs: [join(DEMO, file)], outDir, cwd: DEMO, settings });
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
    const counter: Counter = { requests: 0 };
    try {
      const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_DEBUG_TIMINGS: 'true' });
      const runtime = createRuntime(settings, { storage: countingStorage(azurite.connectionString, counter), telemetry: noTelemetry });
      await runtime.storage.ensureResources();
      lines.push(`Median of ${REPEATS} runs after one warm-up; each blob run starts from empty tables. Baseline: \`tuneloop prepare\` (in-memory signatures and feedback) on the same file in the same run.`);
      lines.push('');
      lines.push('| file | kept | prepare ms (baseline) | preprocessBlob ms | × baseline | table requests per run | per kept conversation |');
      lines.push('|---|---|---|---|---|---|---|');
      const stageLines: string[] = [];
      let seq = 0;
      for (const file of files) {
        const prepareMs: number[] = [];
        const runs: BlobRun[] = [];
        for (let i = 0; i <= REPEATS; i++) {
          const p = await runPrepare(file, outDir);
          await resetTables(runtime);
          const r = await runBlob(runtime, counter, file, `bench/${seq++}/${file}`);
          if (i === 0) continue; // warm-up
          prepareMs.push(p);
          runs.push(r);
        }
        const base = median(prepareMs);
        const blob = medianRun(runs);
        lines.push(
          `| ${file} | ${blob.kept} | ${base.toFixed(0)} | ${blob.ms.toFixed(0)} | ${(blob.ms / base).toFixed(1)} | ${blob.tableRequests} | ${(blob.tableRequests / Math.max(1, blob.kept)).toFixed(1)} |`,
        );
        stageLines.push(`- ${file}: ${formatTimings(blob.timings)}`);
      }
      // A later day: week 2 compared with week 1's signatures already in the table.
      if (files.includes('chat-logs.jsonl') && files.includes('chat-logs-week2.jsonl.gz')) {
        const runs: BlobRun[] = [];
        for (let i = 0; i <= REPEATS; i++) {
          await resetTables(runtime);
          await runBlob(runtime, counter, 'chat-logs.jsonl', `bench/${seq++}/chat-logs.jsonl`);
          const r = await runBlob(runtime, counter, 'chat-logs-week2.jsonl.gz', `bench/${seq++}/chat-logs-week2.jsonl.gz`);
          if (i > 0) runs.push(r);
        }
        const blob = medianRun(runs);
        lines.push('');
        lines.push(
          `Week 2 after week 1 (signatures of week 1 in the table): ${blob.ms.toFixed(0)} ms median, ${blob.tableRequests} table requests, ${blob.kept} kept.`,
        );
      }
      // The same export uploaded again under another name: every conversation is an exact duplicate.
      if (files.includes('chat-logs.jsonl')) {
        const runs: BlobRun[] = [];
        for (let i = 0; i <= REPEATS; i++) {
          await resetTables(runtime);
          await runBlob(runtime, counter, 'chat-logs.jsonl', `bench/${seq++}/chat-logs.jsonl`);
          const r = await runBlob(runtime, counter, 'chat-logs.jsonl', `bench/${seq++}/again/chat-logs.jsonl`);
          if (i > 0) runs.push(r);
        }
        const blob = medianRun(runs);
        lines.push(`chat-logs.jsonl uploaded again under another name (all exact duplicates): ${blob.ms.toFixed(0)} ms median, ${blob.tableRequests} table requests, ${blob.kept} kept.`);
      }
      lines.push('');
      lines.push('Per-step wall time of the median blob run, ms (TUNELOOP_DEBUG_TIMINGS; stages overlap nothing, parse includes the download):');
      lines.push(...stageLines);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
      await azurite.stop();
    }
    return { name: 'preprocessBlob', lines };
  },
};
