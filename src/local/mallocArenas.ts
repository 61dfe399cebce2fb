import { spawn } from 'node:child_process';
import { STOP_SIGNALS, whenScriptShellExits } from './stopSignals';

/**
 * glibc's malloc arenas the local host runs with: the same as the Function App's app setting
 * (infra/main.bicep) and the CLI launcher's shebang (bin/tuneloop.js). By default glibc keeps up
 * to 8 arenas per core, one per busy thread (main, preprocessing workers, libuv's pool), and the
 * memory they free but do not return counts as RSS: 244 -> 221 MB for the blob function with 2
 * workers on a 10 MB gzip blob, same speed (docs/preprocessing.md, "Memory").
 */
export const MALLOC_ARENA_MAX = '2';

/**
 * glibc's malloc tuning every tuneloop process starts with (the CLI launcher's shebang, `npm
 * start`, the Function App's app settings; test/cli/memoryFlags.test.ts keeps them equal). Besides
 * the arena cap, the mmap threshold is pinned at 128 KiB (glibc otherwise raises it after each big
 * free, and then serves later big buffers from the heap, where freed blocks stay resident) and the
 * trim threshold at 256 KiB: peak RSS of `prepare` with 2 workers on 119 MB of message CSV 250 and
 * 257 → 247 and 245 MB, on 105 MB of JSONL 239 and 244 → 233 and 233 MB, CPU within run-to-run
 * noise (docs/benchmarks.md).
 */
export const GLIBC_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX,
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '262144',
};

/**
 * glibc reads MALLOC_ARENA_MAX only when the process starts, so `npm start` (whose script cannot
 * set a variable on every platform) starts the host again as a child with it set, and waits.
 * Returns true when this process is that waiting parent: the caller must do nothing else.
 * Not on other platforms (their allocators do not read it) or when the variable is already set.
 */
export function relaunchWithMallocArenaLimit(): boolean {
  if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    // The IPC channel closes when this parent dies, even of SIGKILL: the host stops then (start.ts).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...GLIBC_MALLOC_ENV },
  });
  // The channel must not keep this parent alive: it lives exactly as long as the child.
  child.channel?.unref();
  // The parent passes stop signals on and waits for the child to stop gracefully. Ctrl-C in a
  // terminal reaches both; the host ignores the second SIGINT, as it does a second Ctrl-C.
  for (const signal of STOP_SIGNALS) process.on(signal, () => child.kill(signal));
  whenScriptShellExits(() => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return true;
}
