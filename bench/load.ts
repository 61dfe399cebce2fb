import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type Benchmark, type BenchResult } from './harness';
import { startAzurite } from '../src/local/azurite';
import { LocalHost } from '../src/local/host';
import { hostJsonBlobParallelism } from '../src/local/stack';
import { functionDefinitions } from '../src/functions/registry';
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime } from '../src/shared/composition/runtime';
import { givenRuntime } from '../src/functions/runtimeSource';
import { createStorageClients } from '../src/shared/storage/clients';
import { CONTAINERS } from '../src/shared/storage/names';
import { preprocessBlob } from '../src/shared/dataset/blobPreprocess';
import type { Telemetry } from '../src/shared/telemetry/telemetry';

/**
 * Load on the local stack: BLOBS small blobs dropped at once and drained by the local host with
 * host.json's blob parallelism, against the same host at parallelism 1 (the baseline, on a
 * quarter of the blobs, same run); and one blob delivered 100 times at once. Reports blobs per
 * minute (median of the repeats) and the peak RSS of the tuneloop process (Azurite runs apart).
 */
const BLOBS = Number(process.env.TUNELOOP_BENCH_LOAD_BLOBS ?? 1000);
const REPEATS = Math.max(1, Number(process.env.TUNELOOP_BENCH_LOAD_REPEATS ?? 3));
const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };
const WORDS = [
  'umbrella',
  'violin',
  'glacier',
  'harbour',
  'lantern',
  'meadow',
  'quartz',
  'saddle',
  'tundra',
  'walnut',
  'zephyr',
  'orchid',
  'pebble',
  'falcon',
  'canyon',
  'biscuit',
];

function blobBody(i: number): string {
  const w = (k: number) => WORDS[(i * 7 + k * 5) % WORDS.length];
  return (
    [0, 1]
      .map((j) =>
        JSON.stringify({
          conversation_id: `load-${i}-${j}`,
          issue_type: ['billing', 'shipping', 'account'][(i + j) % 3],
          messages: [
            { role: 'customer', text: `My ${w(0)} order ${i}-${j} arrived without the ${w(1)} part, batch ${i * 31 + j}.` },
            { role: 'agent', text: `Sorry about the missing ${w(1)}; replacement ${i * 97 + j} ships today with tracking.` },
          ],
        }),
      )
      .join('\n') + '\n'
  );
}

class RssSampler {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage().rss)), 50);
  stop(): number {
    clearInterval(this.timer);
    return Math.max(this.peak, process.memoryUsage().rss);
  }
}

async function drainRun(blobs: number, concurrency: number): Promise<{ perMinute: number; peakRssMb: number; peakConcurrency: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-load-'));
  const azurite = await startAzurite({ inMemory: true, startupTimeoutMs: 120_000 });
  try {
    const storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir });
    const runtime = createRuntime(settings, { storage, telemetry: noTelemetry });
    const container = storage.container(CONTAINERS.raw);
    for (let i = 0; i < blobs; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, blobs - i) }, (_, k) => {
          const body = blobBody(i + k);
          return container.getBlockBlobClient(`load/${String(i + k).padStart(5, '0')}.jsonl`).upload(body, Buffer.byteLength(body));
        }),
      );
    }
    // A progress line per 100 blobs (stderr): the rate of each stretch shows whether a blob costs more as the run goes on.
    let done = 0;
    let stretchStart = performance.now();
    const onInvocation = () => {
      if (++done % 100 !== 0) return;
      const now = performance.now();
      process.stderr.write(
        `  load: ${done}/${blobs} at parallelism ${concurrency}: ${((100 / (now - stretchStart)) * 60_000).toFixed(0)} blobs/min over the last 100, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB\n`,
      );
      stretchStart = now;
    };
    const host = new LocalHost({
      definitions: functionDefinitions(settings, givenRuntime(runtime)).filter((d) => d.name === 'preprocess'),
      storage,
      blobConcurrency: concurrency,
      print: () => undefined,
      onInvocation,
    });
    const rss = new RssSampler();
    const start = process.hrtime.bigint();
    await host.drain();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { perMinute: (blobs / ms) * 60_000, peakRssMb: rss.stop() / 1024 / 1024, peakConcurrency: host.peakBlobConcurrency };
  } finally {
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sameBlobHundredTimes(): Promise<{ processed: number; refusedOrDuplicate: number; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-load-'));
  const azurite = await startAzurite({ inMemory: true, startupTimeoutMs: 120_000 });
  try {
    const storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    const runtime = createRuntime(loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir }), {
      storage,
      telemetry: noTelemetry,
    });
    const body = Array.from({ length: 20 }, (_, i) => blobBody(i)).join('');
    await storage.container(CONTAINERS.raw).getBlockBlobClient('same.jsonl').upload(body, Buffer.byteLength(body));
    const start = process.hrtime.bigint();
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => preprocessBlob(runtime, 'same.jsonl')));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const processed = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'processed').length;
    return { processed, refusedOrDuplicate: results.length - processed, ms };
  } finally {
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const loadBenchmark: Benchmark = {
  name: 'load',
  async run(): Promise<BenchResult> {
    const parallelism = hostJsonBlobParallelism();
    const baselineBlobs = Math.max(50, Math.round(BLOBS / 4));
    const parallel: Awaited<ReturnType<typeof drainRun>>[] = [];
    const serial: Awaited<ReturnType<typeof drainRun>>[] = [];
    for (let i = 0; i < REPEATS; i++) {
      serial.push(await drainRun(baselineBlobs, 1));
      parallel.push(await drainRun(BLOBS, parallelism));
    }
    const same = await sameBlobHundredTimes();
    const p = median(parallel.map((r) => r.perMinute));
    const s = median(serial.map((r) => r.perMinute));
    return {
      name: 'load',
      lines: [
        `${BLOBS} blobs (2 conversations each) dropped at once, drained by the local host, median of ${REPEATS}:`,
        `  host.json parallelism ${parallelism}: ${p.toFixed(0)} blobs/min, peak RSS ${median(parallel.map((r) => r.peakRssMb)).toFixed(0)} MB (max ${Math.max(...parallel.map((r) => r.peakRssMb)).toFixed(0)}), at most ${Math.max(...parallel.map((r) => r.peakConcurrency))} at a time`,
        `  baseline parallelism 1 (${baselineBlobs} blobs): ${s.toFixed(0)} blobs/min, peak RSS ${median(serial.map((r) => r.peakRssMb)).toFixed(0)} MB`,
        `  ratio parallel / baseline: ${(p / s).toFixed(2)}x`,
        `same blob delivered 100 times at once: processed ${same.processed} time(s), ${same.refusedOrDuplicate} refused or duplicate, ${(same.ms / 1000).toFixed(1)} s`,
      ],
    };
  },
};
