/**
 * The one base of tuneloop's errors. `code` is stable and machine-readable (telemetry dimensions,
 * CLI exit decisions, tests); `retryable` says whether the same call may succeed later without a
 * change (a conflict, a time-out, an outage), so callers decide on retries without knowing every
 * class.
 */
export interface TuneloopErrorOptions {
  /** Defaults to the class name in kebab case without "Error" (`JobConcurrencyError` → `job-concurrency`). */
  code?: string;
  /** Defaults to false: most errors need a change (data, settings, a person) before a retry helps. */
  retryable?: boolean;
  cause?: unknown;
}

export class TuneloopError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, options: TuneloopErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? codeFromClassName(new.target.name);
    this.retryable = options.retryable ?? false;
  }
}

function codeFromClassName(name: string): string {
  return name
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/**
 * True when an error carries this HTTP status, whichever way its SDK spells it: `statusCode`
 * (Azure core RestError, storage) or `status` (openai's APIError, fetch-style errors).
 */
export function isStatus(err: unknown, status: number): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { statusCode, status: plain } = err as { statusCode?: unknown; status?: unknown };
  return statusCode === status || plain === status;
}

/**
 * A value the code's own logic guarantees was missing: a bug in tuneloop, not bad input. The
 * message names what was looked up, so the report says where the reasoning broke.
 */
export class MissingValueError extends TuneloopError {}
