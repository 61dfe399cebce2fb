import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Benchmark, BenchResult } from './harness';
import { writeStarJsonl } from './starCorpus';

const run = promisify(execFile);

/**
 * The nightly assembly's duplicate search on its own (`nearDuplicateAssemblyStage`) over N
 * conversations of real STAR dialogue turns (`TUNELOOP_BENCH_DEDUP_SIZES`, default 10k and 100k),
 * each size in a fresh process with the Function App's heap cap: wall time, time per
 * conversation, peak RSS and its ratio to the smallest size, plus the RSS of a process that only
 * loads the code (the floor), same run.
 */
const SIZES = (process.env.TUNELOOP_BENCH_DEDUP_SIZES ?? '10000,100000').split(',').map(Number);
const HEAP_MB = 128;
/** STAR JSONL lines average about 1.1 kB. */
const BYTES_PER_CONVERSATION = 1300;

interface Probe {
  ms: number;
  scanMs?: number;
  conversations?: number;
  dropped?: number;
  candidatePairs?: number;
  partitions?: number;
  maxRss: number;
}

export const assemblyDedupBenchmark: Benchmark = {
  name: 'assemblyDedup',
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-dedup-'));
    const lines: string[] = [];
    try {
      const file = join(dir, 'star.jsonl');
      const largest = Math.max(...SIZES);
      await writeStarJsonl(file, largest * BYTES_PER_CONVERSATION, { seed: 5 });
      const probe = async (n: number, baseline = false): Promise<Probe> => {
        const { stdout } = await run(
          process.execPath,
          [
            `--max-old-space-size=${HEAP_MB}`,
            join(__dirname, 'assemblyDedupProbe.js'),
            file,
            String(n),
            ...(baseline ? ['--baseline'] : []),
          ],
          {
            maxBuffer: 16 * 1024 * 1024,
          },
        );
        return JSON.parse(stdout) as Probe;
      };
      const floor = await probe(1, true);
      const results: { n: number; r: Probe }[] = [];
      for (const n of SIZES) {
        const r = await probe(n);
        results.push({ n, r });
        console.error(`assemblyDedup: ${n}: ${JSON.stringify(r)}`);
      }
      const base = results[0].r;
      lines.push(
        `STAR conversations (real turns, each with one more real turn per message), duplicate search only (scan + verdicts), node --max-old-space-size=${HEAP_MB}, one fresh process per size. ` +
          `Floor (a process that loads the code): ${(floor.maxRss / 1e6).toFixed(0)} MB.`,
      );
      lines.push('');
      lines.push(
        '| conversations | partitions | candidate pairs | left out | wall s | ms per conversation | peak RSS MB | RSS × smallest |',
      );
      lines.push('|---|---|---|---|---|---|---|---|');
      for (const { n, r } of results) {
        lines.push(
          `| ${n.toLocaleString('en')} | ${String(r.partitions)} | ${String(r.candidatePairs)} | ${String(r.dropped)} | ${(r.ms / 1000).toFixed(0)} | ${(r.ms / (r.conversations ?? n)).toFixed(2)} | ${(r.maxRss / 1e6).toFixed(0)} | ${(r.maxRss / base.maxRss).toFixed(2)} |`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'assemblyDedup', lines };
  },
};
