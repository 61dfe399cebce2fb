import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { isRestError } from '@azure/core-rest-pipeline';
import { TuneloopError } from '../errors';

/**
 * How a failure of the fine-tuning service should be handled by the job loop:
 * - `transient`: 429 rate limit, 408/409, 5xx, connection problems — retry later with backoff;
 * - `quota`: the resource already runs 1 job and queues 20 — wait for a free slot, do not fail;
 * - `invalid-request`: 400/404/422 — the request or data is wrong, retrying will not help;
 * - `auth`: 401/403 — credentials or role assignments are wrong;
 * - `aborted`: the caller's AbortSignal fired.
 */
export type FineTuneErrorKind = 'transient' | 'quota' | 'invalid-request' | 'auth' | 'aborted';

export interface FineTuneServiceErrorOptions {
  kind: FineTuneErrorKind;
  operation: string;
  status?: number;
  code?: string;
  retryAfterMs?: number;
  requestId?: string;
  cause?: unknown;
}

/** A failed call to Azure OpenAI or ARM, classified, with a message that says what to do. */
export class FineTuneServiceError extends TuneloopError {
  readonly kind: FineTuneErrorKind;
  readonly operation: string;
  readonly status?: number;
  /** The service's own error code where it sent one (`429`, `invalid_file`), else `fine-tune-<kind>`. */
  declare readonly code: string;
  /** What the service asked us to wait (retry-after-ms / retry-after), if it said. */
  readonly retryAfterMs?: number;
  readonly requestId?: string;

  constructor(message: string, options: FineTuneServiceErrorOptions) {
    // Worth trying again later: rate limits, outages, quota.
    super(message, {
      cause: options.cause,
      code: options.code ?? `fine-tune-${options.kind}`,
      retryable: options.kind === 'transient' || options.kind === 'quota',
    });
    this.kind = options.kind;
    this.operation = options.operation;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
  }
}

/** An uploaded file that the service rejected while processing it (status `error`). */
export class FileProcessingError extends TuneloopError {
  readonly fileId: string;
  readonly fileName: string;
  readonly statusDetails: string;
  constructor(fileId: string, fileName: string, statusDetails: string | undefined) {
    super(
      `Azure OpenAI rejected ${fileName} (${fileId}): ${statusDetails || 'no details given'}. ` +
        'Fix the dataset (run `tuneloop validate` on it) and submit a new dataset version.',
    );
    this.fileId = fileId;
    this.fileName = fileName;
    this.statusDetails = statusDetails ?? '';
  }
}

/** A file that did not finish processing within the wait this invocation allows. */
export class FileProcessingTimeoutError extends TuneloopError {
  readonly fileId: string;
  constructor(fileId: string, waitedMs: number, status: string) {
    super(`file ${fileId} is still ${status} after ${Math.round(waitedMs / 1000)} s; the job step will be retried later`, {
      retryable: true,
    });
    this.fileId = fileId;
  }
}

/** Settings missing or contradictory for the fine-tuning path. */
export class FineTuneConfigurationError extends TuneloopError {}

/** results.csv (or another result file) could not be read. */
export class ResultFileError extends TuneloopError {}

/** Reads retry-after-ms / retry-after (seconds or an HTTP date) from response headers. */
export function retryAfterMs(headers: { get(name: string): string | null | undefined } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Both error shapes carry `code` and `message`: Azure `{error:{code,message,innererror}}`, OpenAI `{error:{message,type,param,code}}`. */
function innerError(body: unknown): { code?: string; message?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const inner = (b.error && typeof b.error === 'object' ? b.error : b) as Record<string, unknown>;
  return {
    code: typeof inner.code === 'string' || typeof inner.code === 'number' ? String(inner.code) : undefined,
    message: typeof inner.message === 'string' ? inner.message : undefined,
  };
}

const QUOTA = /quota/i;

function classifyStatus(status: number | undefined, code: string | undefined, message: string): FineTuneErrorKind {
  if ((code && QUOTA.test(code)) || (QUOTA.test(message) && status !== 401 && status !== 403)) return 'quota';
  // Azure answers DeploymentNotFound for a few minutes after a deployment is created.
  if (code === 'DeploymentNotFound') return 'transient';
  if (status === undefined) return 'transient';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 409 || status === 429 || status >= 500) return 'transient';
  return 'invalid-request';
}

const ADVICE: Record<FineTuneErrorKind, string> = {
  transient: 'the service is busy or unavailable; tuneloop retries with backoff',
  quota: 'the resource is at its fine-tuning quota (1 running + 20 queued jobs); the job waits for a free slot',
  'invalid-request': 'the request was rejected; check the dataset, base model and hyperparameters',
  auth: 'access denied; give the Function App identity the "Cognitive Services OpenAI Contributor" role on the Azure OpenAI account (and "Cognitive Services Contributor" for deployments), or check TUNELOOP_OPENAI_AUTH',
  aborted: 'the operation was cancelled',
};

const DEPLOYMENT_QUOTA_ADVICE =
  'the account is at its deployment quota (at most 5 fine-tuned deployments); the deploy step retries with backoff and succeeds once old deployments are retired (deployment lifecycle) or deleted';

/** What a deployment's capacity asked of a Tokens Per Minute quota that could not give it. */
interface CapacityShortfall {
  requested: number;
  available: number;
  /** The quota's limit in the region, when ARM says it. */
  limit?: number;
  quota: string;
}

/**
 * ARM's two wordings of a capacity refusal (`InsufficientQuota`): "This operation require 10 new
 * capacity in quota Tokens Per Minute (thousands) - gpt-4o-mini FineTune, which is bigger than the
 * current available capacity 8. The current quota usage is 0 and the quota limit is 8 for quota
 * ..." and "The specified capacity '10' of account deployment is bigger than available capacity
 * '8' for UsageName 'Tokens Per Minute (thousands) - ...'".
 */
function capacityShortfall(message: string): CapacityShortfall | undefined {
  const operation =
    /require (\d+) new capacity in quota (.+?), which is bigger than the current available capacity (\d+)(?:\. The current quota usage is \d+ and the quota limit is (\d+))?/i.exec(
      message,
    );
  if (operation) {
    // The optional group is undefined when absent (RegExpExecArray's type says string).
    const groups: (string | undefined)[] = operation;
    const [, requested, quota = '', available, limit] = groups;
    return { requested: Number(requested), available: Number(available), quota, ...(limit !== undefined ? { limit: Number(limit) } : {}) };
  }
  const specified =
    /specified capacity '(\d+)' of account deployment is bigger than available capacity '(\d+)' for UsageName '([^']+)'/i.exec(message);
  if (specified) return { requested: Number(specified[1]), available: Number(specified[2]), quota: specified[3] };
  return undefined;
}

function capacityAdvice(shortfall: CapacityShortfall): string {
  const { requested, available, limit, quota } = shortfall;
  if (limit !== undefined && requested > limit)
    return `the deployment asks for ${requested} capacity units (TUNELOOP_DEPLOYMENT_CAPACITY) but the region's quota ${quota} is ${limit} in all; set TUNELOOP_DEPLOYMENT_CAPACITY to at most ${limit}, or request more quota, then run the deployment again (retrying cannot help)`;
  return `the deployment asks for ${requested} capacity units (TUNELOOP_DEPLOYMENT_CAPACITY) and only ${available} of the quota ${quota} is free; the deploy step retries with backoff and succeeds once other deployments free capacity (old ones are retired by the deployment lifecycle), or lower TUNELOOP_DEPLOYMENT_CAPACITY`;
}

/**
 * Turns what the openai client or the ARM SDK threw into a classified FineTuneServiceError.
 * Anything else (a bug, a storage failure) is rethrown unchanged.
 */
export function toFineTuneError(err: unknown, operation: string): FineTuneServiceError {
  if (err instanceof FineTuneServiceError) return err;
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return new FineTuneServiceError(`${operation}: ${ADVICE.aborted}`, { kind: 'aborted', operation, cause: err });
  }
  if (err instanceof APIConnectionError) return unreachable(operation, err);
  if (err instanceof APIError) {
    const inner = innerError(err.error);
    // openai types an `instanceof APIError` narrowing with `any` status; it is the HTTP status or undefined.
    const status = err.status as number | undefined;
    const code = err.code ?? inner.code ?? undefined;
    const message = inner.message ?? err.message;
    const kind = classifyStatus(status, code, message);
    return new FineTuneServiceError(
      `${operation} failed (${status ?? 'no status'}${code ? ` ${code}` : ''}): ${message}; ${ADVICE[kind]}`,
      {
        kind,
        operation,
        status,
        code: code ?? undefined,
        retryAfterMs: retryAfterMs(err.headers as Headers | undefined),
        requestId: err.requestID ?? undefined,
        cause: err,
      },
    );
  }
  if (isRestError(err)) {
    const inner = innerError(parseMaybeJson(err.response?.bodyAsText ?? undefined));
    const code = err.code ?? inner.code;
    const message = inner.message ?? err.message;
    // ARM is only used for deployments here. Its quotas: the number of fine-tuned deployments,
    // and the Tokens Per Minute capacity the deployments draw from.
    const capacity = capacityShortfall(message);
    const kind =
      capacity && capacity.limit !== undefined && capacity.requested > capacity.limit
        ? 'invalid-request'
        : classifyStatus(err.statusCode, code, message);
    const advice = capacity ? capacityAdvice(capacity) : kind === 'quota' ? DEPLOYMENT_QUOTA_ADVICE : ADVICE[kind];
    return new FineTuneServiceError(
      `${operation} failed (${err.statusCode ?? 'no status'}${code ? ` ${code}` : ''}): ${message}; ${advice}`,
      {
        kind,
        operation,
        status: err.statusCode,
        code,
        retryAfterMs: retryAfterMs(err.response?.headers),
        requestId: err.response?.headers.get('x-ms-request-id') ?? undefined,
        cause: err,
      },
    );
  }
  if (err instanceof Error && isNetworkCode((err as NodeJS.ErrnoException).code)) return unreachable(operation, err);
  throw err;
}

function unreachable(operation: string, cause: Error): FineTuneServiceError {
  return new FineTuneServiceError(`${operation}: cannot reach the service (${cause.message}); ${ADVICE.transient}`, {
    kind: 'transient',
    operation,
    cause,
  });
}

function isNetworkCode(code: string | undefined): boolean {
  return !!code && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|UND_ERR_.*|REQUEST_SEND_ERROR)$/.test(code);
}

function parseMaybeJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
