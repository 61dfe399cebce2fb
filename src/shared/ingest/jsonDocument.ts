import { isUtf8 } from 'node:buffer';

/**
 * Splits one JSON document (a pretty-printed array of records, or an object holding arrays of
 * records such as `{"tickets": [...]}`) into its records, streaming: at most one record's bytes are
 * held at a time. A byte-level scanner (strings, escapes, depth) rather than a token parser, for
 * three reasons: it knows the line every record starts on (quarantine messages need it), it hands
 * on each record's original text (the quarantine keeps it), and its depth is a counter, so a record
 * nested 100,000 deep is just one more record. Each record's text is then `JSON.parse`d on its own,
 * which is where syntax errors inside a record are found (and stay that record's problem).
 *
 * stream-json was the obvious candidate, but version 3 is ESM-only: the CommonJS build and Jest
 * cannot load it (the same reason eld was dropped for tinyld).
 */
export type DocumentPart =
  /** One element: its 0-based index in its array, the line it starts on, its text. */
  | { kind: 'element'; index: number; line: number; text: string; array?: string }
  | { kind: 'bad-encoding'; index: number; line: number; text: string; array?: string }
  | { kind: 'too-long'; index: number; line: number; text: string; bytes: number; array?: string }
  /** The whole document is one record (an object that holds no array of records). */
  | { kind: 'whole'; line: number; text: string }
  /** The rest of the document is not JSON (unbalanced brackets, an unclosed string, text after it). */
  | { kind: 'broken'; line: number; text: string; detail: string };

export interface SplitDocumentOptions {
  maxRecordBytes: number;
  /**
   * Decides, for the first object element of an array inside a top-level object, whether the
   * array holds records (`{"tickets": [ticket, ...]}`) or is part of one record
   * (`{"conversations": [{"from": "human", ...}]}`, a single ShareGPT conversation).
   */
  isRecord: (value: unknown) => boolean;
  /**
   * How many elements of that first array may be looked at for a record before the object is taken
   * to be one record: an export whose first ticket is odd (deleted, no comments) is still a wrapper.
   */
  elementsToDecide: number;
  /**
   * Members of a top-level object that hold a section, `{"about": …, "list": [records]}` (Telegram's
   * account export: `chats`, `left_chats`): the elements of a section's `list` are records, whatever
   * came before, and from the first such list on only sections' lists hold records (the account's
   * `profile_pictures` and `contacts` are no records).
   */
  sections?: ReadonlySet<string>;
}

const KEEP = 2048;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Streams the parts of a JSON document. Elements come from the top-level array, or from the arrays
 * that are members of a top-level object once its first such array turned out to hold records.
 */
export async function* splitJsonDocument(chunks: AsyncIterable<Buffer>, options: SplitDocumentOptions): AsyncIterable<DocumentPart> {
  const scanner = new Scanner(options);
  for await (const chunk of chunks) {
    scanner.feed(chunk);
    yield* scanner.drain();
  }
  scanner.end();
  yield* scanner.drain();
}

type Mode =
  /** Before the first byte of the document. */
  | 'start'
  /** Inside the top-level array: every element is a record. */
  | 'array'
  /** Inside a top-level object, not yet knowing whether it is a wrapper or one record. */
  | 'object'
  /** A wrapper object: elements of its array members are records, other members are skipped. */
  | 'wrapper'
  /** The top-level object is one record: all of it is kept (up to the size limit). */
  | 'whole'
  /** After the document: only whitespace may follow. */
  | 'after'
  | 'failed';

class Scanner {
  private readonly out: DocumentPart[] = [];
  private mode: Mode = 'start';
  private line = 1;
  private first = true;
  // Lexical state, carried across chunks.
  private depth = 0;
  private inString = false;
  private escaped = false;
  // The element being captured (depth counts from the document's top).
  private capture: Buffer[] = [];
  private captureBytes = 0;
  private captureLine = 0;
  private capturing = false;
  private captureDepth = 0;
  private captureScalar = false;
  private oversize = false;
  private index = 0;
  private arrayName: string | undefined;
  // Member key tracking inside a top-level object (depth 1).
  private keyBytes: Buffer[] = [];
  private inKey = false;
  private lastKey: string | undefined;
  private expectKey = true;
  /** The top-level member whose section object the scanner is in (see `SplitDocumentOptions.sections`). */
  private section: string | undefined;
  private sectionExpectKey = true;
  /** Records come from sections' lists only (the document was found to be one of sections). */
  private sectionsOnly = false;
  /** Depth at which the current records array's elements live (1 for a top-level array, 2 for a wrapper's member, 3 for a section's list). */
  private elementDepth = 1;
  private inRecordsArray = false;
  // The top-level object kept while undecided / as a whole record.
  private whole: Buffer[] = [];
  private wholeBytes = 0;
  private wholeOversize = false;
  private decided = false;
  /** Elements of the first member array seen while undecided: emitted if the object turns out to be a wrapper. */
  private undecidedParts: DocumentPart[] = [];
  private undecidedBytes = 0;

  constructor(private readonly options: SplitDocumentOptions) {}

  drain(): DocumentPart[] {
    return this.out.splice(0, this.out.length);
  }

  feed(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (this.mode === 'failed') return;
    if (this.mode === 'object' || this.mode === 'whole') this.keepWhole(chunk);
    let segmentStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.inKey) {
            this.inKey = false;
            this.keyBytes.push(chunk.subarray(segmentStart, i));
            this.lastKey = Buffer.concat(this.keyBytes).toString('utf8');
            this.keyBytes = [];
          }
          if (this.capturing && this.captureScalar && this.depth === this.captureDepth) {
            this.appendCapture(chunk.subarray(segmentStart, i + 1));
            segmentStart = i + 1;
            this.finishCapture();
          }
        } else if (b === NEWLINE) this.line++;
        continue;
      }
      if (b === NEWLINE) this.line++;
      if (this.capturing && this.captureScalar && (isSpace(b) || b === COMMA || b === CLOSE_ARRAY || b === CLOSE_OBJECT)) {
        this.appendCapture(chunk.subarray(segmentStart, i));
        segmentStart = i;
        this.finishCapture();
      }
      if (isSpace(b)) continue;
      const atElementLevel = this.inRecordsArray && this.depth === this.elementDepth && !this.capturing;
      if (atElementLevel && b !== COMMA && b !== CLOSE_ARRAY) {
        this.startCapture(b);
        segmentStart = i;
      }
      if (b === QUOTE) {
        this.inString = true;
        if (!this.capturing && this.atKey()) {
          // A member key of the top-level object (or of a section): its bytes are collected to name the records' array.
          this.inKey = true;
          this.keyBytes = [];
          segmentStart = i + 1;
        }
        continue;
      }
      if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        if (this.mode === 'start') {
          this.mode = b === OPEN_ARRAY ? 'array' : 'object';
          if (this.mode === 'array') {
            this.inRecordsArray = true;
            this.elementDepth = 1;
          } else {
            this.keepWhole(chunk.subarray(i));
          }
        } else if (
          this.depth === 1 &&
          b === OPEN_OBJECT &&
          this.inTopObject() &&
          this.lastKey !== undefined &&
          this.options.sections?.has(this.lastKey)
        ) {
          this.section = this.lastKey;
          this.sectionExpectKey = true;
        } else if (this.depth === 2 && b === OPEN_ARRAY && this.section !== undefined && this.lastKey === 'list' && !this.inRecordsArray) {
          this.decideSections();
          this.inRecordsArray = true;
          this.elementDepth = 3;
          this.index = 0;
          this.arrayName = `${this.section}.list`;
        } else if (this.depth === 1 && b === OPEN_ARRAY && (this.mode === 'object' || this.mode === 'wrapper') && !this.sectionsOnly) {
          // A member array of the top-level object: its elements may be records.
          this.inRecordsArray = true;
          this.elementDepth = 2;
          this.index = 0;
          this.arrayName = this.lastKey;
        } else if (this.mode === 'after') {
          this.fail(chunk.subarray(i), 'there is more JSON after the end of the document');
          return;
        }
        this.depth++;
        if (this.depth === 1) this.expectKey = true;
        continue;
      }
      if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (this.depth === 0) {
          this.fail(chunk.subarray(i), `an unexpected "${String.fromCharCode(b)}"`);
          return;
        }
        this.depth--;
        if (this.capturing && !this.captureScalar && this.depth === this.captureDepth) {
          this.appendCapture(chunk.subarray(segmentStart, i + 1));
          segmentStart = i + 1;
          this.finishCapture();
        }
        if (this.inRecordsArray && this.depth === this.elementDepth - 1) {
          this.inRecordsArray = false;
          this.arrayName = undefined;
          if (this.mode === 'object' && this.undecidedParts.length) this.decideWhole();
        }
        if (this.depth === 1 && this.section !== undefined) this.section = undefined;
        if (this.depth === 0) this.endDocument(chunk.subarray(i + 1));
        continue;
      }
      if (this.depth === 1) {
        if (b === COLON) this.expectKey = false;
        else if (b === COMMA) this.expectKey = true;
      } else if (this.depth === 2 && this.section !== undefined) {
        if (b === COLON) this.sectionExpectKey = false;
        else if (b === COMMA) this.sectionExpectKey = true;
      }
      if (this.mode === 'start' || this.mode === 'after') {
        this.fail(
          chunk.subarray(i),
          this.mode === 'start' ? 'the document does not start with "[" or "{"' : 'there is text after the end of the document',
        );
        return;
      }
    }
    if (this.inKey) this.keyBytes.push(Buffer.from(chunk.subarray(segmentStart)));
    if (this.capturing) this.appendCapture(chunk.subarray(segmentStart));
  }

  end(): void {
    if (this.mode === 'failed' || this.mode === 'after') return;
    if (this.mode === 'start') return;
    if (this.capturing && this.captureScalar && !this.inString) {
      this.finishCapture();
    }
    const where = this.inString ? 'inside a string that is never closed' : `with ${this.depth} bracket(s) still open`;
    const text = this.capturing
      ? Buffer.concat(this.capture).subarray(0, KEEP).toString('utf8')
      : Buffer.concat(this.whole).subarray(0, KEEP).toString('utf8');
    this.out.push({
      kind: 'broken',
      line: this.capturing ? this.captureLine : this.line,
      text,
      detail: `the document ends ${where} (a truncated file?)`,
    });
    this.mode = 'failed';
  }

  private inTopObject(): boolean {
    return this.mode === 'object' || this.mode === 'wrapper' || this.mode === 'whole';
  }

  /** Whether a string starting here is a member key the scanner names arrays by. */
  private atKey(): boolean {
    if (this.depth === 1)
      return (
        this.expectKey &&
        (this.mode === 'object' || this.mode === 'wrapper' || (this.mode === 'whole' && this.options.sections !== undefined))
      );
    return this.depth === 2 && this.section !== undefined && this.sectionExpectKey;
  }

  /**
   * A section's list: the document is a wrapper of sections. What was kept of it as a possible
   * whole record, and elements held while undecided (a `profile_pictures` array), are no records.
   */
  private decideSections(): void {
    this.decided = true;
    this.mode = 'wrapper';
    this.sectionsOnly = true;
    this.whole = [];
    this.wholeBytes = 0;
    this.wholeOversize = false;
    this.undecidedParts = [];
    this.undecidedBytes = 0;
  }

  private startCapture(b: number): void {
    this.capturing = true;
    this.capture = [];
    this.captureBytes = 0;
    this.oversize = false;
    this.captureLine = this.line;
    this.captureDepth = this.depth;
    this.captureScalar = b !== OPEN_OBJECT && b !== OPEN_ARRAY;
  }

  private appendCapture(bytes: Buffer): void {
    if (!bytes.length) return;
    if (this.oversize) {
      this.captureBytes += bytes.length;
      return;
    }
    if (this.captureBytes + bytes.length > this.options.maxRecordBytes) {
      const head = Buffer.concat([...this.capture, bytes]).subarray(0, KEEP);
      this.capture = [Buffer.from(head)];
      this.oversize = true;
      this.captureBytes += bytes.length;
      return;
    }
    // Copy: the producer may reuse its chunk buffers.
    this.capture.push(Buffer.from(bytes));
    this.captureBytes += bytes.length;
  }

  private finishCapture(): void {
    this.capturing = false;
    const index = this.index++;
    const array = this.arrayName;
    const line = this.captureLine;
    const undecided = this.mode === 'object' && !this.decided;
    if (this.oversize) {
      const part: DocumentPart = { kind: 'too-long', index, line, text: this.capture[0].toString('utf8'), bytes: this.captureBytes, array };
      if (undecided) this.holdUndecided(part);
      else this.out.push(part);
    } else {
      const bytes = Buffer.concat(this.capture);
      const text = bytes.toString('utf8');
      if (!isUtf8(bytes)) {
        const part: DocumentPart = { kind: 'bad-encoding', index, line, text, array };
        if (undecided) this.holdUndecided(part);
        else this.out.push(part);
      } else if (undecided) this.decide({ kind: 'element', index, line, text, array });
      else if (this.mode !== 'whole') this.out.push({ kind: 'element', index, line, text, array });
    }
    this.capture = [];
    this.captureBytes = 0;
  }

  /**
   * An element of the first member array of a top-level object: wrapper or one record? The first
   * element that is a record makes the object a wrapper (the elements before it are records too,
   * just odd ones, and are emitted in order); none among the first `elementsToDecide` (or within the
   * record size limit, which bounds what is held) makes it one record.
   */
  private decide(element: DocumentPart & { kind: 'element' }): void {
    let value: unknown;
    try {
      value = JSON.parse(element.text);
    } catch {
      value = undefined;
    }
    if (value !== undefined && this.options.isRecord(value)) {
      this.decided = true;
      this.mode = 'wrapper';
      this.whole = [];
      this.wholeBytes = 0;
      this.out.push(...this.undecidedParts, element);
      this.undecidedParts = [];
      this.undecidedBytes = 0;
    } else {
      this.holdUndecided(element);
    }
  }

  private holdUndecided(part: DocumentPart): void {
    this.undecidedParts.push(part);
    this.undecidedBytes += part.text.length;
    if (this.undecidedParts.length >= this.options.elementsToDecide || this.undecidedBytes > this.options.maxRecordBytes)
      this.decideWhole();
  }

  /** No record in the first member array: the object is one record (kept whole, as before). */
  private decideWhole(): void {
    this.decided = true;
    this.mode = 'whole';
    this.inRecordsArray = false;
    this.undecidedParts = [];
    this.undecidedBytes = 0;
  }

  private keepWhole(bytes: Buffer): void {
    if (this.wholeOversize) {
      this.wholeBytes += bytes.length;
      return;
    }
    this.wholeBytes += bytes.length;
    if (this.wholeBytes > this.options.maxRecordBytes) {
      this.whole = [Buffer.from(Buffer.concat([...this.whole, bytes]).subarray(0, KEEP))];
      this.wholeOversize = true;
      return;
    }
    this.whole.push(Buffer.from(bytes));
  }

  private endDocument(rest: Buffer): void {
    if (this.mode === 'object' || this.mode === 'whole') {
      // Drop what followed the closing brace in the last chunk.
      const all = Buffer.concat(this.whole);
      const text = all.subarray(0, all.length - rest.length).toString('utf8');
      if (this.wholeOversize) {
        this.out.push({
          kind: 'too-long',
          index: 0,
          line: 1,
          text: all.subarray(0, KEEP).toString('utf8'),
          bytes: this.wholeBytes - rest.length,
        });
      } else {
        this.out.push({ kind: 'whole', line: firstContentLine(text), text: text.replace(/^[\s\ufeff]+/, '') });
      }
      this.whole = [];
    }
    this.mode = 'after';
  }

  private fail(rest: Buffer, detail: string): void {
    this.out.push({ kind: 'broken', line: this.line, text: rest.subarray(0, KEEP).toString('utf8'), detail });
    this.mode = 'failed';
    this.capturing = false;
  }
}

function firstContentLine(text: string): number {
  let line = 1;
  for (let i = 0; i < text.length && /\s/.test(text[i]); i++) if (text[i] === '\n') line++;
  return line;
}

/** Records nested deeper than this are quarantined: no export nests that deep, and deeper values overflow the stack of later steps. */
export const MAX_RECORD_DEPTH = 100;

/**
 * Whether a parsed JSON value nests deeper than `limit` (arrays and objects). Iterative, so a value
 * nested 100,000 deep is measured without overflowing the stack; it stops at the limit.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value: v, depth } = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
