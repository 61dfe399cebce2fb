import { IngestError, isAbortError } from './errors';

/**
 * tar archives, read as a stream: Google Takeout's `.tgz` (its choice for large exports), and
 * exports or folders packed with `tar czf`. One entry at a time, in archive order; nothing of an
 * entry is held but the chunk passing through, so memory stays flat. POSIX ustar (a path prefix),
 * GNU tar's long names (`L` entries) and pax extended headers (`path=`) give an entry its full
 * path; links, devices and the like are no files and are passed over.
 */

const BLOCK = 512;

/** A tar header block: "ustar" at offset 257 and a checksum that adds up. */
export function isTar(head: Buffer): boolean {
  if (head.length < BLOCK || head.toString('latin1', 257, 262) !== 'ustar') return false;
  return checksumHolds(head.subarray(0, BLOCK));
}

function checksumHolds(header: Buffer): boolean {
  const stored = parseInt(header.toString('latin1', 148, 156).replace(/\0.*$/s, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return stored === sum;
}

export interface TarEntry {
  /** Its path in the archive, `/`-separated. */
  name: string;
  size: number;
  kind: 'file' | 'folder' | 'other';
}

/** Reads exact byte counts from a stream of chunks. */
class BlockReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes: fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.pending.length < n && !this.ended) await this.fill();
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(out.length);
    return out;
  }

  /** The next `n` bytes, as they arrive; fewer only at the end of the stream. */
  async *stream(n: number): AsyncIterable<Buffer> {
    let left = n;
    while (left > 0) {
      if (!this.pending.length) {
        if (this.ended) return;
        await this.fill();
        continue;
      }
      const out = this.pending.subarray(0, left);
      this.pending = this.pending.subarray(out.length);
      left -= out.length;
      yield out;
    }
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }

  private async fill(): Promise<void> {
    const next = await this.iterator.next();
    if (next.done) this.ended = true;
    else this.pending = this.pending.length ? Buffer.concat([this.pending, next.value]) : next.value;
  }
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end === -1 ? raw.length : end);
}

/** Sizes are octal text, or (GNU, over 8 GiB) base-256 when the first byte's high bit is set. */
function sizeOf(header: Buffer): number {
  if (header[124] & 0x80) {
    let size = 0;
    for (let i = 125; i < 136; i++) size = size * 256 + header[i];
    return size;
  }
  return parseInt(field(header, 124, 12).trim() || '0', 8);
}

/** The `path` of a pax extended header ("<length> path=<value>\n" records). */
function paxPath(data: Buffer): string | undefined {
  let at = 0;
  let path: string | undefined;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.toString('latin1', at, space), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') path = record.slice(equals + 1);
    at += length;
  }
  return path;
}

function corrupt(file: string, detail: string, cause?: unknown): IngestError {
  return new IngestError('archive-corrupt', file, `the tar archive cannot be read (${detail}); upload a complete archive`, {
    ...(cause ? { cause } : {}),
    retriable: false,
  });
}

/**
 * The entries of a tar archive, each with its bytes. An entry's bytes must be read (or left) before
 * the next entry is asked for; what is left is skipped. A header that does not add up, or an
 * archive that ends inside an entry, stops the archive (`archive-corrupt`, naming the file and
 * the entry); the entries before it have been read.
 */
export async function* tarEntries(
  source: AsyncIterable<Buffer>,
  file: string,
): AsyncIterable<{ entry: TarEntry; bytes: AsyncIterable<Buffer> }> {
  const reader = new BlockReader(source);
  let longName: string | undefined;
  let paxName: string | undefined;
  try {
    for (;;) {
      const header = await reader.read(BLOCK);
      if (header.length === 0) return;
      if (header.length < BLOCK) throw corrupt(file, 'it ends inside a header');
      if (header.every((b) => b === 0)) return;
      if (!checksumHolds(header)) throw corrupt(file, 'a header checksum does not add up');
      const size = sizeOf(header);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const type = String.fromCharCode(header[156] || 0x30);
      if (type === 'L' || type === 'x') {
        const data = await reader.read(padded);
        const value = data.subarray(0, size);
        if (type === 'L') longName = field(value, 0, value.length);
        else paxName = paxPath(value) ?? paxName;
        continue;
      }
      if (type === 'g' || type === 'K') {
        await drain(reader.stream(padded));
        continue;
      }
      // POSIX ustar splits a long path into a prefix and a name; GNU's "ustar  " uses those bytes for times.
      const posix = header.toString('latin1', 257, 263) === 'ustar\0';
      const prefix = posix ? field(header, 345, 155) : '';
      const name = (paxName ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100))).replace(/^\.\//, '');
      longName = undefined;
      paxName = undefined;
      const kind = type === '0' || type === '7' ? 'file' : type === '5' ? 'folder' : 'other';
      const body = reader.stream(size);
      let consumed = 0;
      const counted = (async function* () {
        for await (const chunk of body) {
          consumed += chunk.length;
          yield chunk;
        }
        if (consumed < size) throw corrupt(file, `it ends inside ${name}, ${size - consumed} of its ${size} bytes missing`);
      })();
      yield { entry: { name, size, kind }, bytes: counted };
      // What the reader of the entry left, then the padding to the next block (which a cut archive may lack).
      const left = size - consumed;
      const skipped = await drain(reader.stream(left + (padded - size)));
      if (skipped < left) throw corrupt(file, `it ends inside ${name}, ${left - skipped} of its ${size} bytes missing`);
    }
  } catch (err) {
    if (err instanceof IngestError || isAbortError(err)) throw err;
    throw corrupt(file, err instanceof Error ? err.message : String(err), err);
  } finally {
    await reader.close();
  }
}

async function drain(bytes: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const chunk of bytes) n += chunk.length;
  return n;
}
