import { isUtf8 } from 'node:buffer';

/**
 * Text encodings of exports that are not UTF-8, read as what they are instead of as broken UTF-8:
 * - UTF-16 with a byte-order mark (Excel's "Unicode Text", some Windows tools) is transcoded as a
 *   whole, before the format is detected;
 * - a line that is not UTF-8 but is plausible Windows-1252 (Excel's "CSV" on Western-European
 *   Windows: "arrivée" written as the single byte 0xE9) is read as Windows-1252, and counted.
 * A line that is neither stays invalid and is quarantined (`invalid-encoding`) by its parser, as
 * before: guessing further (Shift_JIS, GBK, Windows-1251…) would put mojibake into training text.
 */

/** The UTF-16 variant a byte-order mark at the start of `head` says, if any. */
export function utf16ByteOrder(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * UTF-16 bytes (with their byte-order mark) as UTF-8, chunk by chunk: the decoder keeps a code
 * unit or surrogate pair split between chunks. Line breaks stay where they were, so line numbers
 * are those of the file. An unpaired surrogate becomes U+FFFD, as any UTF-16 reader does.
 */
export async function* utf16AsUtf8(chunks: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncIterable<Buffer> {
  // Node's TextDecoder has no UTF-16BE without full ICU on every build; swapping byte pairs
  // makes BE bytes LE bytes.
  const decoder = new TextDecoder('utf-16le');
  let odd: number | undefined;
  for await (let chunk of chunks) {
    if (encoding === 'utf-16be') {
      const joined = odd === undefined ? chunk : Buffer.concat([Buffer.from([odd]), chunk]);
      const even = joined.length - (joined.length % 2);
      odd = even < joined.length ? joined[even] : undefined;
      chunk = Buffer.from(joined.subarray(0, even)).swap16();
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, 'utf8');
}

/** Bytes Windows-1252 leaves undefined: a line holding one is not Windows-1252 text. */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
/**
 * Western text in Windows-1252 has its non-ASCII letters one or two at a time ("Grüße"); the
 * double-byte encodings of Chinese, Japanese and Korean and the single-byte Cyrillic and Greek
 * ones write whole words of bytes above 0x7F. A longer run than this is not read as Windows-1252.
 */
const MAX_HIGH_RUN = 3;

const windows1252 = new TextDecoder('windows-1252');

/**
 * `bytes` (one line, not valid UTF-8) read as Windows-1252, or undefined when they are not
 * plausibly that: a valid multi-byte UTF-8 sequence in the line means UTF-8 with a damaged byte
 * (reading it as Windows-1252 would turn every other accent into mojibake), and long runs of
 * bytes above 0x7F mean another script's encoding.
 */
export function windows1252Line(bytes: Buffer): string | undefined {
  let run = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) {
      run = 0;
      continue;
    }
    if (UNDEFINED_IN_1252.has(b) || ++run > MAX_HIGH_RUN) return undefined;
    const length = utf8SequenceAt(bytes, i);
    if (length > 1) return undefined;
  }
  return windows1252.decode(bytes);
}

/** The length of the valid multi-byte UTF-8 sequence starting at `i`, or 0. */
function utf8SequenceAt(bytes: Buffer, i: number): number {
  const b = bytes[i];
  const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (!length || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  return isUtf8(bytes.subarray(i, i + length)) ? length : 0;
}

/** Why a CSV row whose bytes are neither UTF-8 nor Windows-1252 is quarantined (after "the row" or "line N"). */
export const INVALID_ENCODING_OF_LINE = 'is neither UTF-8 nor Windows-1252 text; save the file as UTF-8';

/** What `legacyLinesAsUtf8` found, for the report and for rows to quarantine. */
export interface LegacyLines {
  /** Lines read as Windows-1252. */
  decoded: number;
  /** Numbers (1-based) of lines that are neither UTF-8 nor plausible Windows-1252. */
  invalid: Set<number>;
  /** Called with the number of each line read as Windows-1252. */
  onDecoded?: (line: number) => void;
}

/**
 * A byte stream with LF line breaks (CSV after `normalizeLineBreaks`), each line that is not
 * UTF-8 but plausible Windows-1252 rewritten as UTF-8. A chunk whose complete lines are all UTF-8
 * (the usual case) passes through after one validity check; only a chunk that fails it is taken
 * apart line by line.
 */
export async function* legacyLinesAsUtf8(chunks: AsyncIterable<Buffer>, found: LegacyLines): AsyncIterable<Buffer> {
  let line = 1;
  // The start of the line the last chunk ended in; a line longer than MAX_REPAIRED_LINE_BYTES is
  // passed on as it comes instead (`passing`), so memory stays bounded whatever the file holds.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let passing = false;
  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(0x0a);
    if (last === -1) {
      if (passing) {
        yield chunk;
        continue;
      }
      pending.push(Buffer.from(chunk));
      pendingBytes += chunk.length;
      if (pendingBytes > MAX_REPAIRED_LINE_BYTES) {
        passing = true;
        yield Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      }
      continue;
    }
    let head = chunk.subarray(0, last + 1);
    const tail = chunk.subarray(last + 1);
    if (passing) {
      const first = head.indexOf(0x0a) + 1;
      yield head.subarray(0, first);
      line++;
      passing = false;
      head = head.subarray(first);
    }
    const whole = pending.length ? Buffer.concat([...pending, head]) : head;
    pending = tail.length ? [Buffer.from(tail)] : [];
    pendingBytes = tail.length;
    if (!whole.length) continue;
    if (isUtf8(whole)) {
      line += countLineBreaks(whole);
      yield whole;
      continue;
    }
    const out: Buffer[] = [];
    for (let start = 0; start < whole.length;) {
      const nl = whole.indexOf(0x0a, start) + 1;
      out.push(repaired(whole.subarray(start, nl), line, found));
      start = nl;
      line++;
    }
    yield Buffer.concat(out);
  }
  if (pendingBytes) yield repaired(Buffer.concat(pending), line, found);
}

/**
 * Lines longer than this are passed on unchecked (a CSV row that long is refused by the parser's
 * own size limit anyway, or is one huge quoted field).
 */
const MAX_REPAIRED_LINE_BYTES = 1024 * 1024;

function repaired(bytes: Buffer, line: number, found: LegacyLines): Buffer {
  if (isUtf8(bytes)) return bytes;
  const text = windows1252Line(bytes);
  if (text === undefined) {
    found.invalid.add(line);
    // Decoded as any UTF-8 reader would (U+FFFD for each bad byte), so that what the CSV parser
    // is given and what it returns measure the same; the row is quarantined by its line.
    return Buffer.from(bytes.toString('utf8'), 'utf8');
  }
  found.decoded++;
  found.onDecoded?.(line);
  return Buffer.from(text, 'utf8');
}

function countLineBreaks(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * A whole (decompressed) file as the parsers read it — UTF-16 transcoded, each line that is not
 * UTF-8 read as Windows-1252 when it plausibly is — and how to write text back: UTF-16 files as
 * UTF-16 with their byte-order mark, anything else as UTF-8 (a Windows-1252 line comes back as
 * UTF-8, which reads the same). For rewriting a raw file (erasure), whose records were found by
 * the text the parsers gave.
 */
export function decodeFileText(bytes: Buffer): { text: string; encode: (text: string) => Buffer } {
  const order = utf16ByteOrder(bytes);
  if (order) {
    const body = bytes.subarray(2);
    const le = order === 'utf-16le' ? body : Buffer.from(body.subarray(0, body.length - (body.length % 2))).swap16();
    return {
      text: new TextDecoder('utf-16le').decode(le),
      encode: (text) => {
        const out = Buffer.from(`\ufeff${text}`, 'utf16le');
        return order === 'utf-16le' ? out : out.swap16();
      },
    };
  }
  const encode = (text: string) => Buffer.from(text, 'utf8');
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), encode };
  const lines: string[] = [];
  for (let start = 0; start <= bytes.length;) {
    let nl = bytes.indexOf(0x0a, start);
    if (nl === -1) nl = bytes.length;
    const line = bytes.subarray(start, nl);
    lines.push(isUtf8(line) ? line.toString('utf8') : (windows1252Line(line) ?? line.toString('utf8')));
    start = nl + 1;
  }
  return { text: lines.join('\n'), encode };
}
