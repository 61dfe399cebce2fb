import { isUtf8 } from 'node:buffer';
import { windows1252Line } from './encoding';

export type Line =
  | { kind: 'text'; lineNo: number; text: string }
  /** Not valid UTF-8: the text is decoded with replacement characters, for the rejection. */
  | { kind: 'bad-encoding'; lineNo: number; text: string }
  /** Longer than the limit: only the first bytes are kept, for the rejection. */
  | { kind: 'too-long'; lineNo: number; text: string; bytes: number };

export interface SplitLinesOptions {
  /** Lines longer than this are skipped with a `too-long` item instead of held in memory. */
  maxLineBytes: number;
  /** Called with the number of each line that was not UTF-8 and was read as Windows-1252 (see `windows1252Line`). */
  onWindows1252?: (line: number) => void;
  /**
   * The file was transcoded from a declared encoding (`declaredAsUtf8`): a line that is not UTF-8
   * is one that was invalid in it, never read as Windows-1252.
   */
  declared?: boolean;
}

const NEWLINE = 0x0a;
const KEEP_OF_LONG_LINE = 2048;

/**
 * Splits a byte stream into lines (LF or CRLF) with 1-based line numbers, holding at most one
 * line in memory. A UTF-8 BOM at the very start is dropped. A line that is not UTF-8 is read as
 * Windows-1252 when it plausibly is (`windows1252Line`), else it is a `bad-encoding` line.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, options: SplitLinesOptions): AsyncIterable<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 1;
  let first = true;
  let oversize: { head: Buffer; bytes: number } | undefined;

  const finish = (tail: Buffer): Line => {
    let line: Line;
    if (oversize) {
      line = { kind: 'too-long', lineNo, text: oversize.head.toString('utf8'), bytes: oversize.bytes + tail.length };
      oversize = undefined;
    } else {
      let bytes = pending.length ? Buffer.concat([...pending, tail]) : tail;
      if (bytes.length > options.maxLineBytes) {
        line = { kind: 'too-long', lineNo, text: bytes.subarray(0, KEEP_OF_LONG_LINE).toString('utf8'), bytes: bytes.length };
      } else {
        if (first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
        if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
        line = isUtf8(bytes) ? { kind: 'text', lineNo, text: bytes.toString('utf8') } : legacyLine(bytes, lineNo, options);
      }
    }
    pending = [];
    pendingBytes = 0;
    first = false;
    lineNo++;
    return line;
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      yield finish(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (oversize) {
        oversize.bytes += rest.length;
      } else if (pendingBytes + rest.length > options.maxLineBytes) {
        const head = Buffer.concat([...pending, rest]);
        oversize = { head: Buffer.from(head.subarray(0, KEEP_OF_LONG_LINE)), bytes: head.length };
        pending = [];
        pendingBytes = 0;
      } else {
        // Copy: the producer may reuse its chunk buffers.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  }
  if (pendingBytes > 0 || oversize) yield finish(Buffer.alloc(0));
}

function legacyLine(bytes: Buffer, lineNo: number, options: SplitLinesOptions): Line {
  const text = options.declared ? undefined : windows1252Line(bytes);
  if (text === undefined) return { kind: 'bad-encoding', lineNo, text: bytes.toString('utf8') };
  options.onWindows1252?.(lineNo);
  return { kind: 'text', lineNo, text };
}
