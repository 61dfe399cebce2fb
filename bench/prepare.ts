import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launcherEnv, launcherFlags, median, type Benchmark } from './harness';
import { jsonParseOnly } from './inputFiles';
import { writeStarJsonl, writeStarMessageCsv } from './starCorpus';

/**
 * `tuneloop prepare` end to end (parse, feedback, rules, safety, PII, dedup, examples, tokens,
 * split, balance, writes) on conversation JSONL built from real STAR turns (bench/starCorpus.ts),
 * in a temp folder deleted afterwards. Baseline in the same run: read + JSON.parse of each line of
 * the same file. Throughput with 1 worker and with every core, with default settings (PII names
 * on) and with PII redaction off (so the pool's scaling shows while name detection is the
 * bottleneck); then peak RSS of a fresh process at two input sizes.
 *
 * Each prepare run is a fresh child process (`prepareProbe.js`): worker start-up and model
 * loading count, as they do for a user. Sizes (MB) can be changed for a longer run:
 * TUNELOOP_BENCH_PREPARE_MB (throughput, default 2), TUNELOOP_BENCH_PREPARE_MEMORY_MB (default
 * "10,100"; the figure is "10,1000"), TUNELOOP_BENCH_PREPARE_MEMORY_PII (PII mode of the
 * memory runs, default local), TUNELOOP_BENCH_PREPARE_REPEATS (default 3).
 */
const MB = 1e6;

function env(name: string, fallback: string): string {
  return process.env[name]?.trim() || fallback;
}

interface ProbeResult {
  ms: number;
  cpuMs: number;
  records: number;
  maxRss: number;
}

function probe(input: string, out: string, workers: number | undefined, extraEnv: Record<string, string>): ProbeResult {
  const args = [...launcherFlags(), join(__dirname, 'prepareProbe.js'), input, out, ...(workers ? [String(workers)] : [])];
  const text = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
    env: { ...launcherEnv(), TUNELOOP_DEBUG_TIMINGS: 'false', ...extraEnv },
  });
  rmSync(out, { recursive: true, force: true });
  return JSON.parse(text) as ProbeResult;
}

async function baselineMs(path: string, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = process.hrtime.bigint();
    await jsonParseOnly(path);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

const rate = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
/** Two decimals, or two significant digits for small values (a slow run is not "0.00"). */
const fixed = (value: number) => (value >= 0.1 ? value.toFixed(2) : value.toPrecision(2));

export const prepareBenchmark: Benchmark = {
  name: 'prepare',
  async run() {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-prepare-'));
    const cores = availableParallelism();
    const repeats = Number(env('TUNELOOP_BENCH_PREPARE_REPEATS', '3'));
    try {
      const input = join(dir, 'star.jsonl');
      const { lines: records, bytes } = await writeStarJsonl(input, Number(env('TUNELOOP_BENCH_PREPARE_MB', '2')) * MB);
      const base = await baselineMs(input, repeats);
      lines.push(
        `input: ${(bytes / MB).toFixed(1)} MB, ${records} conversations from STAR turns; ${cores} cores; medians of ${repeats} runs, each a fresh process`,
      );
      lines.push(`baseline read + JSON.parse per line: ${rate(bytes, base).toFixed(1)} MB/s`);
      lines.push(`load average (1 min) at the start: ${loadavg()[0].toFixed(2)} on ${cores} cores`);
      lines.push(
        'MB per CPU-second: input MB over the CPU time of all threads (start-up included); unlike MB/s it hardly moves with the load of others, and ' +
          `${cores} × it is what ${cores} idle cores would reach if the work spread perfectly.`,
      );
      lines.push('');
      lines.push('| settings | workers | MB/s | × baseline | speed-up vs 1 worker | MB/s per core | MB per CPU-s | peak RSS |');
      lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
      const modes: [string, Record<string, string>][] = [
        ['default (PII names on)', {}],
        ['TUNELOOP_PII_MODE=off', { TUNELOOP_PII_MODE: 'off' }],
      ];
      const workerCounts = cores > 1 ? [1, cores] : [1];
      for (const [label, extra] of modes) {
        let single = 0;
        for (const workers of workerCounts) {
          const runs = Array.from({ length: repeats }, () => probe(input, join(dir, 'out'), workers, extra));
          const ms = median(runs.map((r) => r.ms));
          const mbps = rate(bytes, ms);
          const perCpu = rate(bytes, median(runs.map((r) => r.cpuMs)));
          if (workers === 1) single = mbps;
          lines.push(
            `| ${label} | ${workers} | ${fixed(mbps)} | ${fixed(mbps / rate(bytes, base))} | ${(mbps / single).toFixed(2)} | ${fixed(mbps / workers)} | ${fixed(perCpu)} | ${(Math.max(...runs.map((r) => r.maxRss)) / MB).toFixed(0)} MB |`,
          );
        }
      }
      // The same conversations as message-per-row CSV: rows are grouped into conversations on the
      // coordinating thread (spilled by conversation id past a small in-memory budget).
      const csv = join(dir, 'star.csv');
      const csvWritten = await writeStarMessageCsv(input, csv);
      for (const workers of workerCounts) {
        const runs = Array.from({ length: repeats }, () => probe(csv, join(dir, 'out'), workers, {}));
        const ms = median(runs.map((r) => r.ms));
        const jsonlSame = rate(bytes, ms);
        lines.push(
          `| message-per-row CSV of the same conversations (${(csvWritten.bytes / MB).toFixed(1)} MB, ${csvWritten.rows} rows) | ${workers} | ${fixed(rate(csvWritten.bytes, ms))} (${fixed(jsonlSame)} in JSONL MB) | ${fixed(rate(csvWritten.bytes, ms) / rate(bytes, base))} | – | ${fixed(rate(csvWritten.bytes, ms) / workers)} | ${fixed(rate(csvWritten.bytes, median(runs.map((r) => r.cpuMs))))} | ${(Math.max(...runs.map((r) => r.maxRss)) / MB).toFixed(0)} MB |`,
        );
      }
      rmSync(csv, { force: true });
      rmSync(input, { force: true });

      const sizes = env('TUNELOOP_BENCH_PREPARE_MEMORY_MB', '10,100').split(',').map(Number);
      const pii = env('TUNELOOP_BENCH_PREPARE_MEMORY_PII', 'local');
      lines.push('');
      lines.push(`peak RSS of a fresh process (all threads), TUNELOOP_PII_MODE=${pii}, default workers (${cores}):`);
      const peaks: number[] = [];
      for (const size of sizes) {
        const file = join(dir, `star-${size}.jsonl`);
        const written = await writeStarJsonl(file, size * MB);
        const r = probe(file, join(dir, 'out'), undefined, { TUNELOOP_PII_MODE: pii });
        peaks.push(r.maxRss);
        lines.push(
          `- ${(written.bytes / MB).toFixed(0)} MB (${written.lines} conversations): peak RSS ${(r.maxRss / MB).toFixed(0)} MB, ${rate(written.bytes, r.ms).toFixed(2)} MB/s, ` +
            `${rate(written.bytes, r.cpuMs).toFixed(2)} MB per CPU-s (load ${loadavg()[0].toFixed(1)})`,
        );
        rmSync(file, { force: true });
      }
      lines.push(`load average (1 min) at the end: ${loadavg()[0].toFixed(2)}`);
      if (peaks.length > 1) lines.push(`- largest / smallest input: ${(peaks[peaks.length - 1] / peaks[0]).toFixed(2)}× peak RSS`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'prepare', lines };
  },
};
