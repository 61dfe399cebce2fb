import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

/**
 * Input files of the benchmarks that read files (ingest, prepare, preprocessBlob through
 * starCorpus): one generator that writes pieces until a size is reached, and one floor that every
 * JSONL reader pays (read + split + JSON.parse of each line), so the benchmarks measure against
 * the same baseline.
 */

export interface GeneratedFile {
  /** Pieces written (`next` calls). */
  pieces: number;
  /** Bytes written, uncompressed, header included. */
  bytes: number;
}

/**
 * Writes `header` (if any), then `next(0)`, `next(1)`, … until at least `bytes` bytes are written;
 * gzip-compressed when `gzip`. Buffered in ~1 MB writes with backpressure, so a file of any size
 * costs a constant amount of memory.
 */
export async function writeGenerated(
  path: string,
  bytes: number,
  next: (index: number) => string,
  options: { header?: string; gzip?: boolean } = {},
): Promise<GeneratedFile> {
  const file = createWriteStream(path);
  const gzip = options.gzip ? createGzip({ level: 6 }) : undefined;
  gzip?.pipe(file);
  const out = gzip ?? file;
  let written = 0;
  let pieces = 0;
  let chunk: string[] = [];
  let chunkBytes = 0;
  const put = (text: string) => {
    const size = Buffer.byteLength(text);
    chunk.push(text);
    chunkBytes += size;
    written += size;
  };
  const flush = async () => {
    if (!out.write(chunk.join(''))) await once(out, 'drain');
    chunk = [];
    chunkBytes = 0;
  };
  if (options.header) put(options.header);
  while (written < bytes) {
    put(next(pieces++));
    if (chunkBytes >= 1 << 20) await flush();
  }
  if (chunk.length) await flush();
  out.end();
  await once(file, 'close');
  return { pieces, bytes: written };
}

/** The floor of any JSONL reader: read, split at newlines, JSON.parse each line. Returns the records. */
export async function jsonParseOnly(path: string, chunkBytes = 256 * 1024): Promise<number> {
  let records = 0;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      if (nl > start) {
        JSON.parse(data.toString('utf8', start, nl));
        records++;
      }
      start = nl + 1;
    }
    rest = data.subarray(start);
  }
  if (rest.length) {
    JSON.parse(rest.toString('utf8'));
    records++;
  }
  return records;
}
