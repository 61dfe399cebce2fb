/** A growing delay: start × factor^(attempt-1), capped (the job loop's comes from TUNELOOP_POLL_DELAY_*). */
export interface BackoffPolicy {
  startSeconds: number;
  factor: number;
  capSeconds: number;
}

/** Delay before attempt `attempt` (1-based): start × factor^(attempt-1), capped. */
export function backoffDelaySeconds(policy: BackoffPolicy, attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw = policy.startSeconds * Math.pow(policy.factor, n - 1);
  return Math.min(policy.capSeconds, Number.isFinite(raw) ? raw : policy.capSeconds);
}

/** Waits `ms`, or rejects with an AbortError when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      if (signal) reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error(reason instanceof Error ? reason.message : 'the operation was aborted');
  err.name = 'AbortError';
  return err;
}
