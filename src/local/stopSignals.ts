/**
 * The signals that stop `npm start` gracefully: Ctrl-C, `kill` (also docker and systemd stop) and
 * the terminal closing. Node's default for SIGHUP ends the process at once, which left the host
 * (and Azurite) running when it reached only the process that relaunched them (QA).
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Calls `onExit` once, when the process that started this one has exited (this one was
 * re-parented): under `npm start` that is the shell npm runs the script in. `kill -TERM` to npm
 * reaches only that shell (npm passes SIGTERM on to it), and sh dies of it without passing it on,
 * which left the host, Azurite and the emulator running and holding their ports (QA).
 * Only inside a package manager's script (npm, yarn and pnpm set npm_lifecycle_event): someone who
 * starts start.js in the background from a shell that then exits (nohup, `&`) wants it to keep running.
 * Polled: Node has no event for it. No effect on Windows, where a process is not re-parented.
 */
export function whenScriptShellExits(onExit: () => void, env: NodeJS.ProcessEnv = process.env, intervalMs = 500): void {
  if (env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  // The watch must not keep a process alive that has nothing else to do.
  timer.unref();
}
