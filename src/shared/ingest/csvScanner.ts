import { withCapacity } from './growBuffer';

/**
 * A CSV tokenizer over UTF-8 bytes whose line breaks are already LF (`normalizeLineBreaks`), with
 * the reading tuneloop has always used (csv-parse with `relax_quotes`, `relax_column_count`,
 * `skip_empty_lines`, `raw`), at several times its speed: a line without a quote is one native
 * `split`, and only lines holding a quote are walked byte by byte. csv-parse alone read message
 * CSV at about 25 MB/s, most of the cost of grouping rows before any other work (issue #10).
 *
 * The reading, as csv-parse's:
 * - A field that starts with `"` is quoted: `""` inside it is one quote, and it ends at a quote
 *   followed by the delimiter, a line break or the end of the input. Line breaks inside it are text.
 * - A quote followed by anything else does not end it (relax_quotes): the field keeps its quotes
 *   (`"a"b` reads `"a"b`) and goes on unquoted to the next delimiter or line break.
 * - A quote inside an unquoted field is a character like any other.
 * - Empty lines are skipped; their line breaks belong to the next record's raw text.
 * - Rows may have any number of fields.
 *
 * `test/shared/ingest/csvScanner.test.ts` holds it to csv-parse on generated inputs.
 */

export type CsvScanFailureCode = 'CSV_QUOTE_NOT_CLOSED' | 'CSV_MAX_RECORD_SIZE';

export interface CsvScannedRecord {
  fields: string[];
  /** The record as written, without the empty lines before it and without its line break. */
  raw: string;
  /** Empty lines skipped right before the record. */
  emptyLinesBefore: number;
  /** Line breaks from the end of the record before it up to and including this record's own. */
  lineBreaks: number;
  /** Bytes from the end of the record before it up to and including this record's line break. */
  bytes: number;
}

export interface CsvScanFailure {
  code: CsvScanFailureCode;
  message: string;
}

export interface CsvScannerOptions {
  delimiter: string;
  /** A record whose text grows over this many bytes is an error (usually an unclosed quote). */
  maxRecordBytes: number;
}

const LF = 0x0a;
const QUOTE = 0x22;

export class CsvScanner {
  private readonly delimiter: string;
  private readonly delimiterBytes: Buffer;
  private readonly maxRecordBytes: number;
  /** Bytes after the last complete record (a record still open across chunks), in `pendingLength` of `pending`. */
  private pending = Buffer.alloc(0);
  private pendingLength = 0;
  private failed = false;

  constructor(options: CsvScannerOptions) {
    if (!options.delimiter || options.delimiter === '"' || options.delimiter.includes('\n'))
      throw new RangeError(
        `a CSV delimiter must be a character other than a quote or a line break, got ${JSON.stringify(options.delimiter)}`,
      );
    this.delimiter = options.delimiter;
    this.delimiterBytes = Buffer.from(options.delimiter, 'utf8');
    this.maxRecordBytes = options.maxRecordBytes;
  }

  /**
   * Appends the records `chunk` completes to `out`. A failure ends the input: records completed
   * before it are in `out`, and nothing is read after it.
   */
  write(chunk: Buffer, out: CsvScannedRecord[]): CsvScanFailure | undefined {
    return this.scan(chunk, false, out);
  }

  /** The input ended: the last record may end without a line break. */
  end(out: CsvScannedRecord[]): CsvScanFailure | undefined {
    return this.scan(Buffer.alloc(0), true, out);
  }

  private scan(chunk: Buffer, end: boolean, out: CsvScannedRecord[]): CsvScanFailure | undefined {
    if (this.failed) return undefined;
    let buf: Buffer;
    let length: number;
    if (this.pendingLength === 0) {
      buf = chunk;
      length = chunk.length;
    } else {
      // An open record with no line break in the new chunk cannot be complete yet: keep the
      // bytes (growing the buffer geometrically, so one long record costs linear time) and
      // only check its size.
      this.append(chunk);
      buf = this.pending.subarray(0, this.pendingLength);
      length = this.pendingLength;
      if (!end && chunk.indexOf(LF) === -1) {
        const failure = this.tooLong(buf, 0, length);
        if (failure) this.failed = true;
        return failure;
      }
    }
    let start = 0;
    let nextQuote = -2;
    while (start < length) {
      const recordStart = this.skipEmptyLines(buf, start, length);
      if (recordStart === length) {
        if (end) start = length;
        break;
      }
      const emptyLines = recordStart - start;
      const lineEnd = buf.indexOf(LF, recordStart);
      if (lineEnd !== -1 && lineEnd < length) {
        if (nextQuote !== -1 && nextQuote < recordStart) nextQuote = buf.indexOf(QUOTE, recordStart);
        if (nextQuote === -1 || nextQuote > lineEnd || nextQuote >= length) {
          if (lineEnd - recordStart > this.maxRecordBytes) return this.fail('CSV_MAX_RECORD_SIZE', buf, recordStart);
          const raw = buf.toString('utf8', recordStart, lineEnd);
          out.push({
            fields: raw.split(this.delimiter),
            raw,
            emptyLinesBefore: emptyLines,
            lineBreaks: emptyLines + 1,
            bytes: lineEnd + 1 - start,
          });
          start = lineEnd + 1;
          continue;
        }
      }
      const record = this.quotedRecord(buf, recordStart, length, end);
      if (record === 'incomplete') {
        if (end) return this.fail('CSV_QUOTE_NOT_CLOSED', buf, recordStart);
        const failure = this.tooLong(buf, recordStart, length);
        if (failure) {
          this.failed = true;
          return failure;
        }
        break;
      }
      if (record.end - recordStart > this.maxRecordBytes) return this.fail('CSV_MAX_RECORD_SIZE', buf, recordStart);
      const afterBreak = record.end < length ? record.end + 1 : record.end;
      const raw = buf.toString('utf8', recordStart, record.end);
      out.push({
        fields: record.fields,
        raw,
        emptyLinesBefore: emptyLines,
        lineBreaks: emptyLines + countLineBreaks(buf, recordStart, afterBreak),
        bytes: afterBreak - start,
      });
      start = afterBreak;
      nextQuote = -2;
    }
    this.keep(buf, start, length);
    return undefined;
  }

  private skipEmptyLines(buf: Buffer, from: number, length: number): number {
    let at = from;
    while (at < length && buf[at] === LF) at++;
    return at;
  }

  /**
   * The record at `start`, walked byte by byte (it holds a quote, or its line break is not in the
   * buffer yet): its fields and where it ends (at its line break, or at the end of the input).
   */
  private quotedRecord(buf: Buffer, start: number, length: number, end: boolean): { fields: string[]; end: number } | 'incomplete' {
    const fields: string[] = [];
    let at = start;
    for (;;) {
      let value = '';
      if (at < length && buf[at] === QUOTE) {
        let from = at + 1;
        let closed = false;
        for (;;) {
          const quote = buf.indexOf(QUOTE, from);
          if (quote === -1 || quote >= length) return 'incomplete';
          if (quote + 1 >= length && !end) return 'incomplete';
          const next = quote + 1 < length ? buf[quote + 1] : -1;
          if (next === QUOTE) {
            value += buf.toString('utf8', from, quote + 1);
            from = quote + 2;
            continue;
          }
          value += buf.toString('utf8', from, quote);
          at = quote + 1;
          if (next === -1 || next === LF || this.isDelimiter(buf, at, length)) closed = true;
          // relax_quotes: a quote not followed by a delimiter or a line break does not close the
          // field; the field keeps both quotes and goes on unquoted.
          else value = `"${value}"`;
          break;
        }
        if (!closed) {
          const stop = this.fieldEnd(buf, at, length);
          if (stop === length && !end) return 'incomplete';
          value += buf.toString('utf8', at, stop);
          at = stop;
        }
      } else {
        const stop = this.fieldEnd(buf, at, length);
        if (stop === length && !end) return 'incomplete';
        value = buf.toString('utf8', at, stop);
        at = stop;
      }
      fields.push(value);
      if (at >= length || buf[at] === LF) return { fields, end: at };
      // A delimiter: the next field starts after it (an input ending right after one has an empty last field).
      at += this.delimiterBytes.length;
      if (at >= length && !end) return 'incomplete';
    }
  }

  /** Where the unquoted text from `from` ends: the next delimiter or line break, or `length`. */
  private fieldEnd(buf: Buffer, from: number, length: number): number {
    const first = this.delimiterBytes[0];
    for (let at = from; at < length; at++) {
      const byte = buf[at];
      if (byte === LF) return at;
      if (byte === first && this.isDelimiter(buf, at, length)) return at;
    }
    return length;
  }

  private isDelimiter(buf: Buffer, at: number, length: number): boolean {
    const delimiter = this.delimiterBytes;
    if (at + delimiter.length > length) return false;
    for (let i = 0; i < delimiter.length; i++) if (buf[at + i] !== delimiter[i]) return false;
    return true;
  }

  private tooLong(buf: Buffer, from: number, length: number): CsvScanFailure | undefined {
    const recordStart = this.skipEmptyLines(buf, from, length);
    return length - recordStart > this.maxRecordBytes ? this.failure('CSV_MAX_RECORD_SIZE') : undefined;
  }

  private fail(code: CsvScanFailureCode, buf: Buffer, at: number): CsvScanFailure {
    this.failed = true;
    this.keep(buf, at, at);
    return this.failure(code);
  }

  private failure(code: CsvScanFailureCode): CsvScanFailure {
    return {
      code,
      message:
        code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'the input ends inside a quoted field'
          : `a record is over the limit of ${this.maxRecordBytes} bytes`,
    };
  }

  /** Keeps `buf[from, length)` for the next chunk. */
  private keep(buf: Buffer, from: number, length: number): void {
    const rest = length - from;
    if (rest <= 0) {
      this.pendingLength = 0;
      return;
    }
    // `buf` may be a view of `pending` itself: then it is large enough, and the copy moves bytes
    // within it (TypedArray set semantics, overlap-safe).
    if (this.pending.length < rest) this.pending = Buffer.allocUnsafe(Math.max(rest, 64 * 1024));
    buf.copy(this.pending, 0, from, length);
    this.pendingLength = rest;
  }

  private append(chunk: Buffer): void {
    const needed = this.pendingLength + chunk.length;
    this.pending = withCapacity(this.pending, this.pendingLength, needed);
    chunk.copy(this.pending, this.pendingLength);
    this.pendingLength = needed;
  }
}

function countLineBreaks(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = buf.indexOf(LF, from); at !== -1 && at < to; at = buf.indexOf(LF, at + 1)) n++;
  return n;
}
