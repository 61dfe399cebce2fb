import { TuneloopError } from '../errors';
/**
 * Errors that stop a whole file (as opposed to a bad record, which becomes a `rejected` item and
 * parsing goes on). The pipeline decides whether to retry: a read error is usually transient,
 * a corrupt gzip stream is not.
 */
export type IngestErrorCode =
  'read-failed' | 'gzip-corrupt' | 'archive-corrupt' | 'temp-storage-failed' | 'unknown-encoding' | 'unknown-timezone';

export class IngestError extends TuneloopError {
  override readonly name = 'IngestError';
  declare readonly code: IngestErrorCode;
  /** The input file the error belongs to. */
  readonly file: string;

  constructor(code: IngestErrorCode, file: string, message: string, options: { cause?: unknown; retriable: boolean }) {
    // Retryable when reading the same bytes again could succeed (network / disk trouble, not bad content).
    super(`${file}: ${message}`, { cause: options.cause, code, retryable: options.retriable });
    this.file = file;
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}
