import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { TuneloopError } from '../errors';

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
export const INVALID_ENCODING_OF_LINE =
  'is neither UTF-8 nor Windows-1252 text; save the file as UTF-8, or declare its encoding (`tuneloop prepare --encoding shift_jis`, or a blob uploaded with Content-Type `text/csv; charset=shift_jis`)';

/** What `legacyLinesAsUtf8` found, for the report and for rows to quarantine. */
export interface LegacyLines {
  /** Lines read as Windows-1252. */
  decoded: number;
  /** Numbers (1-based) of lines that are neither UTF-8 nor plausible Windows-1252. */
  invalid: Set<number>;
  /** Called with the number of each line read as Windows-1252. */
  onDecoded?: (line: number) => void;
  /** The bytes were transcoded from a declared encoding: a line that is not UTF-8 was invalid in it (no Windows-1252 reading). */
  declared?: boolean;
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
  const text = found.declared ? undefined : windows1252Line(bytes);
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

/**
 * An encoding the user declared for a file (`tuneloop prepare --encoding`, a blob's Content-Type
 * charset or its `encoding` metadata). Declared, not guessed: a wrong guess trains on mojibake.
 */
export interface DeclaredEncoding {
  /** The WHATWG name `TextDecoder` gives the label (`sjis` → `shift_jis`, `latin1` → `windows-1252`). */
  name: string;
  /** Who declared it, for messages: "--encoding", "the blob's Content-Type" … */
  by: string;
}

/** A label that names no encoding tuneloop can read; the message says how to find a valid one. */
export class EncodingLabelError extends TuneloopError {
  override readonly name = 'EncodingLabelError';
}

const LABEL_HELP =
  'give a WHATWG encoding label (the list: https://encoding.spec.whatwg.org/#names-and-labels), e.g. shift_jis, euc-jp, gbk, gb18030, big5, euc-kr, windows-1251, koi8-r, windows-1250, iso-8859-2, windows-1252';

/**
 * Encodings read by splitting the bytes at CR and LF first: in each of them a byte 0x0A or 0x0D
 * is always that character, never part of a multi-byte one, so a line can be decoded on its own.
 * ISO-2022-JP is left out: it is stateful (escape sequences switch the meaning of later bytes)
 * and written by mail programs, not by exports.
 */
const MULTI_BYTE = new Set(['shift_jis', 'euc-jp', 'gbk', 'gb18030', 'big5', 'euc-kr']);

/**
 * The encoding `label` names, checked: an unknown label, UTF-32 (not a WHATWG encoding) and the
 * ones that cannot be read line by line throw `EncodingLabelError` saying why. UTF-16 is accepted
 * here: a file with a byte-order mark is read whatever was declared, one without is refused then.
 */
export function resolveEncodingLabel(label: string, by: string): DeclaredEncoding {
  const trimmed = label.trim().replace(/^"(.*)"$/, '$1');
  let name: string;
  try {
    name = new TextDecoder(trimmed).encoding;
  } catch {
    if (/^(ucs-?4|utf-?32)/i.test(trimmed))
      throw new EncodingLabelError(`${by}: UTF-32 is not supported; save the file as UTF-8 (or UTF-16 with a byte-order mark)`);
    throw new EncodingLabelError(`${by}: unknown encoding ${JSON.stringify(label)}; ${LABEL_HELP}`);
  }
  // "ascii" and "us-ascii" are WHATWG labels of windows-1252; text declared ASCII is UTF-8's subset.
  if (/^(us-)?ascii$/i.test(trimmed)) name = 'utf-8';
  if (name === 'iso-2022-jp' || name === 'x-user-defined')
    throw new EncodingLabelError(`${by}: ${name} is not supported (only encodings that can be read line by line); ${LABEL_HELP}`);
  return { name, by };
}

/** The charset parameter of a Content-Type (`text/csv; charset="Shift_JIS"` → `Shift_JIS`), if any. */
export function charsetOfContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const parameter of contentType.split(';').slice(1)) {
    const eq = parameter.indexOf('=');
    if (eq === -1 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return value || undefined;
  }
  return undefined;
}

/**
 * The encoding a blob declares: its metadata `encoding` (set on purpose for tuneloop) before its
 * Content-Type charset (which upload tools may set on their own). Undefined when neither says one.
 */
export function declaredEncodingOfBlob(properties: {
  contentType?: string;
  metadata?: Record<string, string>;
}): DeclaredEncoding | undefined {
  const metadata = Object.entries(properties.metadata ?? {}).find(([key]) => key.toLowerCase() === 'encoding')?.[1];
  if (metadata?.trim()) return resolveEncodingLabel(metadata, "the blob's metadata encoding");
  const charset = charsetOfContentType(properties.contentType);
  return charset ? resolveEncodingLabel(charset, "the blob's Content-Type charset") : undefined;
}

/** Whether bytes in `name` are transcoded by `declaredAsUtf8` (everything but UTF-8 and UTF-16). */
export function isLegacyEncoding(name: string): boolean {
  return name !== 'utf-8' && !name.startsWith('utf-16');
}

/** Whether `declaredAsUtf8` can read `name`: single-byte code pages and the line-safe multi-byte ones. */
export function isLineSafeEncoding(name: string): boolean {
  return MULTI_BYTE.has(name) || singleByteTable(name) !== undefined;
}

/**
 * Stands in a transcoded line for the first character that was not valid in the declared
 * encoding: 0xFF never occurs in UTF-8, so the line stays invalid UTF-8 for the parsers (which
 * quarantine it as `invalid-encoding`), and reading the line as UTF-8 shows U+FFFD there.
 */
const INVALID_MARK = Buffer.from([0xff]);

/**
 * C1 control characters: ICU decodes some bytes a code page leaves undefined as these (Windows-1251
 * 0x98, EUC-KR 0x81) instead of failing; no text holds them, so a line with one is invalid too.
 */
const C1_CONTROL = /[\u0080-\u009f]/;

/** A line (or lines) that starts and ends at a line break, decoded with `decoders`; invalid text marked. */
function declaredSegment(bytes: Buffer, decoders: { fatal: TextDecoder; loose: TextDecoder }): Buffer {
  let text: string | undefined;
  try {
    text = decoders.fatal.decode(bytes);
    if (!C1_CONTROL.test(text)) return Buffer.from(text, 'utf8');
  } catch {
    text = decoders.loose.decode(bytes);
  }
  const replacement = text.indexOf('\ufffd');
  const c1 = text.search(C1_CONTROL);
  const found = [replacement, c1].filter((at) => at !== -1);
  // The bad character itself is replaced by the mark (read as UTF-8 it shows as U+FFFD again).
  const at = found.length ? Math.min(...found) : 0;
  const after = found.length ? at + 1 : 0;
  return Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), INVALID_MARK, Buffer.from(text.slice(after), 'utf8')]);
}

/** Each line of `bytes` (split after every CR and LF) through `declaredSegment`. */
function declaredLines(bytes: Buffer, decoders: { fatal: TextDecoder; loose: TextDecoder }): Buffer {
  const out: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const end = nextBreak(bytes, start);
    out.push(declaredSegment(bytes.subarray(start, end), decoders));
    start = end;
  }
  return Buffer.concat(out);
}

/** The end (exclusive) of the line starting at `start`: after its CR or LF, or the end of `bytes`. */
function nextBreak(bytes: Buffer, start: number): number {
  const lf = bytes.indexOf(0x0a, start);
  const cr = bytes.indexOf(0x0d, start);
  const first = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  return first === -1 ? bytes.length : first + 1;
}

function lastBreak(bytes: Buffer): number {
  return Math.max(bytes.lastIndexOf(0x0a), bytes.lastIndexOf(0x0d));
}

/**
 * A line longer than this (a minified JSON document) is decoded as it streams, with a streaming
 * decoder that keeps a character split between chunks, instead of being held whole.
 */
const MAX_HELD_LINE_BYTES = 1024 * 1024;

/**
 * Bytes in a declared legacy encoding as UTF-8, line by line, so the parsers see UTF-8 as always
 * (formats, headers and mappings in any script). Chunks of whole lines are decoded in one call;
 * only a chunk that fails is decoded line by line. A line that is not valid in the encoding comes
 * out as the decoder's best reading with `INVALID_MARK` at its first bad character, which makes
 * the parser quarantine it (`invalid-encoding`) by its own line numbering. Memory stays bounded:
 * a line over `MAX_HELD_LINE_BYTES` is decoded as it comes.
 */
export async function* declaredAsUtf8(chunks: AsyncIterable<Buffer>, name: string): AsyncIterable<Buffer> {
  const decoders = { fatal: new TextDecoder(name, { fatal: true }), loose: new TextDecoder(name) };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // While a line over MAX_HELD_LINE_BYTES streams: its decoder, and whether it went bad.
  let long: { decoder: TextDecoder; marked: boolean } | undefined;
  const streamed = (bytes: Buffer, end: boolean): Buffer => {
    const state = long ?? { decoder: new TextDecoder(name, { fatal: true }), marked: false };
    long = end ? undefined : state;
    let text: string;
    let mark = false;
    try {
      text = state.decoder.decode(bytes, { stream: !end });
    } catch {
      // The fatal decoder lost its state: the rest of the line is read loosely, marked once.
      state.decoder = new TextDecoder(name);
      text = state.decoder.decode(bytes, { stream: !end });
      mark = !state.marked;
    }
    if (!mark && !state.marked && C1_CONTROL.test(text)) mark = true;
    if (!mark) return Buffer.from(text, 'utf8');
    state.marked = true;
    return Buffer.concat([INVALID_MARK, Buffer.from(text, 'utf8')]);
  };
  for await (const chunk of chunks) {
    const last = lastBreak(chunk);
    if (long) {
      if (last === -1) {
        yield streamed(chunk, false);
        continue;
      }
      const end = nextBreak(chunk, 0);
      yield streamed(chunk.subarray(0, end), true);
      const rest = chunk.subarray(end);
      if (!rest.length) continue;
      const restLast = lastBreak(rest);
      if (restLast !== -1) yield decodedWhole(rest.subarray(0, restLast + 1), decoders);
      pending = restLast + 1 < rest.length ? [Buffer.from(rest.subarray(restLast + 1))] : [];
      pendingBytes = rest.length - restLast - 1;
      continue;
    }
    if (last === -1) {
      pending.push(Buffer.from(chunk));
      pendingBytes += chunk.length;
      if (pendingBytes > MAX_HELD_LINE_BYTES) {
        yield streamed(Buffer.concat(pending), false);
        pending = [];
        pendingBytes = 0;
      }
      continue;
    }
    const head = chunk.subarray(0, last + 1);
    const whole = pending.length ? Buffer.concat([...pending, head]) : head;
    pending = last + 1 < chunk.length ? [Buffer.from(chunk.subarray(last + 1))] : [];
    pendingBytes = chunk.length - last - 1;
    yield decodedWhole(whole, decoders);
  }
  if (long) yield streamed(Buffer.alloc(0), true);
  else if (pendingBytes) yield declaredSegment(Buffer.concat(pending), decoders);
}

function decodedWhole(bytes: Buffer, decoders: { fatal: TextDecoder; loose: TextDecoder }): Buffer {
  try {
    const text = decoders.fatal.decode(bytes);
    if (!C1_CONTROL.test(text)) return Buffer.from(text, 'utf8');
  } catch {
    // Some line is invalid: find it.
  }
  return declaredLines(bytes, decoders);
}

/** Code point → byte of a single-byte code page, from its decoder (undefined for multi-byte ones). */
const singleByteTables = new Map<string, Map<number, number> | undefined>();

function singleByteTable(name: string): Map<number, number> | undefined {
  if (singleByteTables.has(name)) return singleByteTables.get(name);
  let table: Map<number, number> | undefined = new Map();
  if (MULTI_BYTE.has(name) || !isLegacyEncoding(name)) table = undefined;
  else {
    const decoder = new TextDecoder(name, { fatal: true });
    for (let byte = 0; byte < 0x100 && table; byte++) {
      let text: string;
      try {
        text = decoder.decode(Uint8Array.of(byte));
      } catch {
        continue;
      }
      // A byte that decodes to more than one UTF-16 unit would make this not a single-byte code page.
      if (text.length !== 1) table = undefined;
      else if (!table.has(text.charCodeAt(0))) table.set(text.charCodeAt(0), byte);
    }
  }
  singleByteTables.set(name, table);
  return table;
}

/**
 * A raw file in a declared legacy encoding as the parsers read it (line by line, through the same
 * `declaredSegment`), and how to write it back after erasure: a line left as it was is written as
 * its original bytes; a changed line (the comma after a removed JSON element) is encoded again,
 * with the code page's own table for a single-byte one and as ASCII for a multi-byte one (Node has
 * no encoder for those). A changed line that cannot be encoded so makes `encode` return undefined:
 * the caller writes the file as UTF-8 then and says so (the blob's Content-Type charset).
 */
export function decodeDeclaredFileText(bytes: Buffer, name: string): { text: string; encode: (text: string) => Buffer | undefined } {
  const decoders = { fatal: new TextDecoder(name, { fatal: true }), loose: new TextDecoder(name) };
  const lines: string[] = [];
  const original = new Map<string, Buffer>();
  for (let start = 0; start <= bytes.length;) {
    let nl = bytes.indexOf(0x0a, start);
    if (nl === -1) nl = bytes.length;
    const line = bytes.subarray(start, nl);
    const text = declaredLines(line, decoders).toString('utf8');
    lines.push(text);
    if (!original.has(text)) original.set(text, line);
    start = nl + 1;
  }
  const table = singleByteTable(name);
  const encodeLine = (text: string): Buffer | undefined => {
    const kept = original.get(text);
    if (kept) return kept;
    if (/^[\u0000-\u007f]*$/.test(text)) return Buffer.from(text, 'latin1');
    if (!table) return undefined;
    const out = Buffer.allocUnsafe(text.length);
    for (let i = 0; i < text.length; i++) {
      const byte = table.get(text.charCodeAt(i));
      if (byte === undefined) return undefined;
      out[i] = byte;
    }
    return out;
  };
  return {
    text: lines.join('\n'),
    encode: (text) => {
      const out: Buffer[] = [];
      const newline = Buffer.from([0x0a]);
      for (const line of text.split('\n')) {
        const encoded = encodeLine(line);
        if (!encoded) return undefined;
        if (out.length) out.push(newline);
        out.push(encoded);
      }
      return Buffer.concat(out);
    },
  };
}

/** What `invalid-encoding` says of a line or row (`what`: "the line", "line 12 of chats.csv"…). */
export function invalidEncodingDetail(what: string, declared: DeclaredEncoding | undefined): string {
  if (declared)
    return `${what} is not valid ${declared.name} text (the encoding declared by ${declared.by}); correct the line, or declare the file's real encoding`;
  return `${what} ${INVALID_ENCODING_OF_LINE}`;
}

/** A CSV row as an `invalid-encoding` detail names it: with its line and file when an encoding was declared. */
export function rowOf(line: number, file: string, declared: DeclaredEncoding | undefined): string {
  return declared ? `the row at line ${line} of ${file}` : 'the row';
}

/** How a file was read, for the report. */
export interface EncodingUsed {
  name: string;
  how: 'default' | 'declared' | 'byte-order mark';
  /** A declaration the file's byte-order mark overrode. */
  ignored?: DeclaredEncoding;
}

/** "shift_jis (declared by --encoding)", "utf-16le (byte-order mark)", "utf-8". */
export function describeEncoding(used: EncodingUsed): string {
  if (used.how === 'default') return used.name;
  if (used.how === 'declared') return `${used.name} (declared by ${used.ignored?.by ?? 'the user'})`;
  return `${used.name} (byte-order mark${used.ignored ? `; ${used.ignored.name} declared by ${used.ignored.by} was not used` : ''})`;
}

/**
 * How to read a (decompressed) file whose first bytes are `head`: a byte-order mark decides over
 * any declaration (a file that starts with one says what it is), then the declaration, then UTF-8.
 * `refused` when the declaration cannot be honoured (UTF-16 without a byte-order mark).
 */
export function encodingToUse(head: Buffer, declared: DeclaredEncoding | undefined): EncodingUsed | { refused: string } {
  const order = utf16ByteOrder(head);
  const overridden = (name: string) => (declared && declared.name !== name ? { ignored: declared } : {});
  if (order) return { name: order, how: 'byte-order mark', ...overridden(order) };
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { name: 'utf-8', how: declared ? 'byte-order mark' : 'default', ...overridden('utf-8') };
  if (!declared) return { name: 'utf-8', how: 'default' };
  if (declared.name.startsWith('utf-16'))
    return {
      refused: `${declared.by} says ${declared.name}, but the file has no byte-order mark (UTF-16 is read only with one: which byte comes first cannot be told otherwise); save the file as UTF-8, or as UTF-16 with a byte-order mark`,
    };
  if (isLegacyEncoding(declared.name) && !isLineSafeEncoding(declared.name))
    return { refused: `${declared.by} says ${declared.name}, which tuneloop cannot read line by line; save the file as UTF-8` };
  return { name: declared.name, how: 'declared', ignored: declared };
}

/** `contentType` with its charset parameter set to `charset` (added when it had none). */
export function contentTypeWithCharset(contentType: string | undefined, charset: string): string {
  const [type, ...parameters] = (contentType ?? 'text/plain').split(';');
  const kept = parameters.filter((p) => p.split('=')[0].trim().toLowerCase() !== 'charset').map((p) => p.trim());
  return [type.trim(), ...kept, `charset=${charset}`].join('; ');
}

/**
 * A blob's declared encoding for reading it again (erasure): an unknown label gives undefined, the
 * blob is then read as UTF-8 (preprocessing quarantined it whole, saying why).
 */
export function declaredEncodingOfBlobOrNone(properties: {
  contentType?: string;
  metadata?: Record<string, string>;
}): DeclaredEncoding | undefined {
  try {
    return declaredEncodingOfBlob(properties);
  } catch (err) {
    if (err instanceof EncodingLabelError) return undefined;
    throw err;
  }
}
