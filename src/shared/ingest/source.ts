import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { IngestError } from './errors';

export type ByteSource = AsyncIterable<Buffer> | NodeJS.ReadableStream;

/**
 * A byte stream that can look ahead (for content detection) without losing what it looked at.
 * Read errors of the underlying stream become `IngestError('read-failed')` naming the file.
 */
export class PeekableBytes implements AsyncIterable<Buffer> {
  private readonly iterator: AsyncIterator<Buffer | string>;
  private readonly buffered: Buffer[] = [];
  private done = false;

  constructor(
    source: AsyncIterable<Buffer | string>,
    file: string,
    private readonly wrapError: (err: unknown) => IngestError = (err) => readError(file, err),
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** At least `bytes` bytes (fewer only at end of stream), without consuming them. */
  async peek(bytes: number): Promise<Buffer> {
    let have = this.buffered.reduce((n, b) => n + b.length, 0);
    while (have < bytes && !this.done) {
      const chunk = await this.pull();
      if (!chunk) break;
      this.buffered.push(chunk);
      have += chunk.length;
    }
    return Buffer.concat(this.buffered);
  }

  private async pull(): Promise<Buffer | undefined> {
    for (;;) {
      let next: IteratorResult<Buffer | string>;
      try {
        next = await this.iterator.next();
      } catch (err) {
        if (err instanceof IngestError || isAbort(err)) throw err;
        throw this.wrapError(err);
      }
      if (next.done) {
        this.done = true;
        return undefined;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
      if (chunk.length) return chunk;
    }
  }

  /** Releases the source when it will not be read to the end (an early return, an error). */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.buffered.length = 0;
    await this.iterator.return?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (let chunk = this.buffered.shift(); chunk !== undefined; chunk = this.buffered.shift()) yield chunk;
      for (;;) {
        const chunk = await this.pull();
        if (!chunk) return;
        yield chunk;
      }
    } finally {
      if (!this.done) await this.iterator.return?.();
    }
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

export function readError(file: string, err: unknown): IngestError {
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError('read-failed', file, `reading the file failed: ${message}; the file was not fully parsed, retry it`, {
    cause: err,
    retriable: true,
  });
}

export function gzipError(file: string, err: unknown): IngestError {
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError('gzip-corrupt', file, `the gzip stream is corrupt or truncated (${message}); re-upload a complete .gz file`, {
    cause: err,
    retriable: false,
  });
}

export function toAsyncIterable(input: ByteSource): AsyncIterable<Buffer | string> {
  if (isAsyncIterable(input)) return input;
  // Old-style streams without async iteration.
  return new Readable({ read() {} }).wrap(input);
}

function isAsyncIterable(input: ByteSource): input is AsyncIterable<Buffer> {
  return Symbol.asyncIterator in input;
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Decompresses a gzip byte stream; errors from zlib (corrupt / truncated data) become `gzip-corrupt`. */
export async function* gunzip(source: AsyncIterable<Buffer>, file: string, signal?: AbortSignal): AsyncIterable<Buffer> {
  const gunzipper = createGunzip();
  const input = Readable.from(source, { objectMode: false });
  let sourceError: unknown;
  input.on('error', (err) => {
    sourceError = err;
    gunzipper.destroy(err);
  });
  input.pipe(gunzipper);
  const onAbort = () => gunzipper.destroy(signal?.reason as Error | undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of gunzipper) yield chunk as Buffer;
  } catch (err) {
    if (sourceError) throw sourceError instanceof IngestError ? sourceError : readError(file, sourceError);
    if (signal?.aborted) throw signal.reason;
    throw gzipError(file, err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    input.destroy();
    gunzipper.destroy();
  }
}
