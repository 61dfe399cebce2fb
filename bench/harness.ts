import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Benchmarks report medians over repeated runs and ratios against a baseline measured in the
 * same run (machines here are noisy; absolute numbers are only indicative).
 */
export interface BenchResult {
  name: string;
  /** Lines printed under the benchmark's heading. */
  lines: string[];
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchResult>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` `repeats` times (after one warm-up) and returns the median wall time in ms. */
export async function timeMedian(fn: () => unknown, repeats = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/**
 * Median CPU time (ms, user + system) of `fn` after one warm-up. On a machine shared with other
 * work, CPU time moves far less than wall time.
 */
export function cpuMedian(fn: () => unknown, repeats = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

/**
 * The V8 flags users' processes run with (the CLI launcher's shebang, also `npm start` and the
 * Function App: test/cli/memoryFlags.test.ts keeps them equal), so a bench's child process
 * measures the memory a user gets.
 */
export function launcherFlags(): string[] {
  return launcherShebang()
    .replace(/^#!\/usr\/bin\/env -S (\w+=\S+ )*node/, '')
    .split(/\s+/)
    .filter((part) => part.startsWith('--'));
}

/**
 * `process.env` plus the variables the CLI launcher's shebang sets (glibc's MALLOC_ARENA_MAX, also
 * a Function App setting and set by `npm start`), for a bench's child process.
 */
export function launcherEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const assignments = /^#!\/usr\/bin\/env -S ((?:\w+=\S+ )*)node/.exec(launcherShebang())?.[1] ?? '';
  const out = { ...env };
  for (const assignment of assignments.trim().split(/\s+/).filter(Boolean)) {
    const at = assignment.indexOf('=');
    out[assignment.slice(0, at)] = assignment.slice(at + 1);
  }
  return out;
}

function launcherShebang(): string {
  return readFileSync(join(__dirname, '..', '..', 'bin', 'tuneloop.js'), 'utf8').split('\n')[0];
}
