import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import * as yauzl from 'yauzl';
import { ZipArchive } from './archive';
import { zonedWallClockToEpoch } from './timeZone';

/**
 * Excel workbooks (.xlsx: a ZIP of XML parts) read as the CSV Excel would save of their first
 * visible worksheet, so the CSV reader (header, formats, mappings, grouping) reads them unchanged.
 * The ZIP is read by random access from a file (its directory is at the end, and Excel writes
 * the shared strings after the sheets), the sheet and the shared strings are streamed, and the
 * shared strings are kept in a temp file with an offsets table, not in memory: a big export's are
 * hundreds of MB.
 */

/** Parts read whole into memory (workbook, relationships, styles) are refused above this. */
const MAX_SMALL_PART_BYTES = 64 * 1024 * 1024;
/**
 * The sheet and the shared strings are streamed, but a ZIP bomb would still cost time and temp
 * disk: parts claiming more than this uncompressed are refused (yauzl also checks that an entry
 * inflates to exactly the size it claims). Excel's own limit, 1,048,576 rows, stays below it for
 * any real chat export.
 */
export const MAX_STREAMED_PART_BYTES = 4 * 1024 * 1024 * 1024;
/** A ZIP with more entries than this is not a workbook anyone exported (Excel writes a few dozen). */
const MAX_ENTRIES = 100_000;

export interface WorkbookSheet {
  name: string;
  /** The part's path in the ZIP, lower case (OPC part names are case-insensitive). */
  part: string;
  visible: boolean;
  kind: 'worksheet' | 'chartsheet' | 'other';
}

export type ZipContent =
  | { kind: 'workbook'; workbook: Workbook }
  /** A ZIP of files (an export's archive): each entry is an input of its own (ingest/archive). */
  | { kind: 'archive'; archive: ZipArchive }
  /** Not a workbook this reader can read: the reason, worded after "the file is". */
  | { kind: 'other'; detail: string };

export interface WorkbookOptions {
  /** Where the shared strings are spilled. */
  dir: string;
  /** Cell text longer than this is cut (the CSV reader refuses a row over its size limit anyway). */
  maxCellChars: number;
  signal?: AbortSignal;
  /** The IANA zone the workbook's dates were written in (a declared time zone); absent: UTC. */
  timeZone?: string;
}

/** What is inside a ZIP file: an Excel workbook opened for reading, or why it is not one. */
export async function openZip(path: string, options: WorkbookOptions): Promise<ZipContent> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (err) {
    return { kind: 'other', detail: `a ZIP archive that cannot be read (${describe(err)})` };
  }
  try {
    const listed = await readEntries(zip);
    if (!listed) return close(zip, { kind: 'other', detail: `a ZIP archive with more than ${MAX_ENTRIES} entries` });
    const { entries, inOrder } = listed;
    const mimetype = entries.get('mimetype');
    if (mimetype && mimetype.uncompressedSize < 256) {
      const type = (await readSmallPart(zip, mimetype)).trim();
      if (type.startsWith('application/vnd.oasis.opendocument.spreadsheet'))
        return close(zip, { kind: 'other', detail: 'an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV UTF-8' });
    }
    if (!entries.has('[content_types].xml') || !entries.has('xl/workbook.xml'))
      return { kind: 'archive', archive: new ZipArchive(zip, inOrder) };
    const workbook = new Workbook(zip, entries, options);
    const problem = await workbook.load();
    if (problem) return close(zip, { kind: 'other', detail: problem });
    return { kind: 'workbook', workbook };
  } catch (err) {
    zip.close();
    if (isAbort(err)) throw err;
    return { kind: 'other', detail: `an Excel workbook that cannot be read (${describe(err)})` };
  }
}

function close(zip: yauzl.ZipFile, content: ZipContent): ZipContent {
  zip.close();
  return content;
}

/** The entries by lower-case name (OPC part names are case-insensitive), and all of them in the directory's order. */
async function readEntries(zip: yauzl.ZipFile): Promise<{ entries: Map<string, yauzl.Entry>; inOrder: yauzl.Entry[] } | undefined> {
  if (zip.entryCount > MAX_ENTRIES) return undefined;
  const entries = new Map<string, yauzl.Entry>();
  const inOrder: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName.replace(/^\/+/, '').toLowerCase(), entry);
      inOrder.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  return { entries, inOrder };
}

async function openPart(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<Readable> {
  if (entry.isEncrypted()) throw new Error(`${entry.fileName} is encrypted`);
  if (entry.uncompressedSize > limit)
    throw new Error(`${entry.fileName} claims ${entry.uncompressedSize} bytes uncompressed, over the ${limit}-byte limit`);
  return zip.openReadStreamPromise(entry);
}

async function readSmallPart(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const stream = await openPart(zip, entry, MAX_SMALL_PART_BYTES);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The element's name without its namespace prefix (`x:row` → `row`: some writers prefix SpreadsheetML). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function attributesOf(tag: SaxesTagPlain): Partial<Record<string, string>> {
  return tag.attributes;
}

/** Feeds a part's bytes to a SAX parser, chunk by chunk (a multi-byte character split between chunks is kept). */
async function* saxChunks(stream: Readable, parser: SaxesParser, signal?: AbortSignal): AsyncIterable<void> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    signal?.throwIfAborted();
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    yield;
  }
  parser.write(decoder.decode());
  parser.close();
  yield;
}

async function parseWhole(stream: Readable, parser: SaxesParser, signal?: AbortSignal): Promise<void> {
  for await (const _ of saxChunks(stream, parser, signal)) {
    // events are handled by the parser's listeners
  }
}

/** Path of a relationship target relative to the part folder `base` (`worksheets/sheet1.xml` → `xl/worksheets/sheet1.xml`). */
function resolveTarget(base: string, target: string): string {
  const parts = target.startsWith('/') ? [] : base.split('/').filter(Boolean);
  for (const segment of target.replace(/^\/+/, '').split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/').toLowerCase();
}

/** Built-in number formats that show dates or times (ECMA-376 18.8.30), the CJK ones included. */
const BUILT_IN_DATE_FORMATS = new Map<number, DateKind>([
  [14, 'date'],
  [15, 'date'],
  [16, 'date'],
  [17, 'date'],
  [18, 'time'],
  [19, 'time'],
  [20, 'time'],
  [21, 'time'],
  [22, 'datetime'],
  [45, 'time'],
  [46, 'time'],
  [47, 'time'],
  ...[27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58].map((id): [number, DateKind] => [id, 'date']),
  ...[32, 33, 55, 56].map((id): [number, DateKind] => [id, 'time']),
]);

type DateKind = 'date' | 'time' | 'datetime';

/**
 * Whether a number format code shows a date or time: a d, m, y, h or s outside quoted text,
 * escapes (`\x`), padding (`_x`, `*x`) and bracketed colours or locales (`[Red]`, `[$-409]`);
 * `[h]`-style elapsed times count. Only the first section (positive numbers) is looked at.
 */
export function dateKindOfFormat(code: string): DateKind | undefined {
  const plain = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[(h+|m+|s+)\]/gi, '$1')
    .replace(/\[[^\]]*\]/g, '')
    .split(';')[0]
    .toLowerCase();
  const date = /[yd]/.test(plain);
  const time = /[hs]/.test(plain);
  if (date && time) return 'datetime';
  if (time) return 'time';
  // Without h or s, an m is a month.
  return date || plain.replace(/general/g, '').includes('m') ? 'date' : undefined;
}

const DAY_MS = 86_400_000;
/** Excel's last date, 9999-12-31. */
const MAX_SERIAL = 2_958_465;

/**
 * A date serial as ISO 8601 UTC. A workbook stores wall-clock dates without a zone: they are read
 * in `timeZone` (a declared zone; ingest/timeZone says how daylight-saving gaps and overlaps are
 * read), UTC when absent. A whole day under a date-only format and a time of day stay as written
 * (no instant to convert). The 1900 system counts 29 February 1900, which never was (Lotus
 * 1-2-3's leap-year bug): serials before 61 are a day later than the epoch says, and 60 itself
 * reads as 1 March 1900. A date-only format with a time of day in the value keeps the time; a
 * time-only value below one day is a time of day. A serial outside Excel's range stays a number.
 */
export function serialToIso(serial: number, kind: DateKind, date1904: boolean, timeZone?: string): string | undefined {
  if (!Number.isFinite(serial) || serial < 0 || serial > MAX_SERIAL) return undefined;
  const ms = Math.round(serial * DAY_MS);
  if (kind === 'time' && serial < 1) return new Date(ms).toISOString().slice(11, ms % 1000 ? 23 : 19);
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : serial < 61 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  if (ms % DAY_MS === 0 && kind === 'date') return new Date(epoch + ms).toISOString().slice(0, 10);
  const wall = epoch + ms;
  const iso = new Date(timeZone && timeZone !== 'UTC' ? zonedWallClockToEpoch(wall, timeZone) : wall).toISOString();
  return ms % 1000 ? iso : `${iso.slice(0, 19)}Z`;
}

/** A number as Excel shows it in General format: 15 significant digits (0.1+0.2 is 0.3), no exponent noise for integers. */
function numberText(v: string): string {
  if (/^-?\d{1,15}$/.test(v)) return v;
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  return String(Number(n.toPrecision(15)));
}

/** OOXML's escape for characters XML cannot hold (`_x000D_`), and for a literal `_x` (`_x005F_`). */
const XML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

function cellText(text: string): string {
  let out = text.includes('_x') ? text.replace(XML_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
  if (out.includes('\r')) out = out.replace(/\r\n?/g, '\n');
  return out;
}

/** A1-style column letters → 1-based column number. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    col = col * 26 + (c - 0x60);
  }
  return col;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The shared-string table in a temp file: UTF-8 text back to back and each string's start in an
 * offsets table, read back by index with a small cache (speaker names and other short repeated
 * strings are looked up on every row).
 */
class SharedStrings {
  private offsets = new Float64Array(1024);
  private count = 0;
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly fd: number;
  private readonly cache = new Array<{ index: number; text: string } | undefined>(CACHE_SLOTS);
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private windowStart = 0;
  private windowEnd = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w+');
  }

  add(text: string): void {
    if (this.count + 1 >= this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.offsets[this.count] = this.written;
    this.count++;
    this.written += bytes.length;
    this.offsets[this.count] = this.written;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= 1024 * 1024) this.flush();
  }

  flush(): void {
    if (!this.pendingBytes) return;
    const data = Buffer.concat(this.pending);
    for (let at = 0; at < data.length;) at += writeSync(this.fd, data, at, data.length - at, this.written - this.pendingBytes + at);
    this.pending = [];
    this.pendingBytes = 0;
  }

  get size(): number {
    return this.count;
  }

  /** The string at `index`, or undefined when the table has none there. */
  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const slot = index % CACHE_SLOTS;
    const cached = this.cache[slot];
    if (cached?.index === index) return cached.text;
    const start = this.offsets[index];
    const length = this.offsets[index + 1] - start;
    if (start < this.windowStart || start + length > this.windowEnd) this.readWindow(start, length);
    const text = this.buffer.toString('utf8', start - this.windowStart, start - this.windowStart + length);
    if (length <= MAX_CACHED_BYTES) this.cache[slot] = { index, text };
    return text;
  }

  /**
   * Reads the file from `start` on, a window at a time: Excel numbers shared strings in the order
   * it meets them, so the rows mostly ask for the next few, and one read serves hundreds of cells.
   */
  private readWindow(start: number, length: number): void {
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
    const want = Math.min(this.buffer.length, this.written - start);
    let at = 0;
    while (at < want) {
      const read = readSync(this.fd, this.buffer, at, want - at, start + at);
      if (read === 0) break;
      at += read;
    }
    if (at < length) throw new Error('the shared strings spill file is shorter than written');
    this.windowStart = start;
    this.windowEnd = start + at;
  }

  close(): void {
    closeSync(this.fd);
  }
}

const CACHE_SLOTS = 4096;
const MAX_CACHED_BYTES = 256;

export class Workbook {
  sheets: WorkbookSheet[] = [];
  /** The sheet read: the first visible worksheet in workbook order. */
  sheet!: WorkbookSheet;
  date1904 = false;
  /** Error values (#N/A, #DIV/0!, …) read as empty cells, by value. */
  readonly errorCells = new Map<string, number>();
  /** Why reading stopped before the end of the sheet (a damaged part), if it did. */
  failure?: { row: number; detail: string };
  private sharedStringsPart?: string;
  private stylesPart?: string;
  private strings?: SharedStrings;
  private dateStyles: (DateKind | undefined)[] = [];
  /** Sheet rows by CSV line: from `rowStarts[i]` on, line L is row L + `rowDeltas[i]`. */
  private rowStarts = new Int32Array(64);
  private rowDeltas = new Int32Array(64);
  private breakpoints = 0;

  constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private readonly options: WorkbookOptions,
  ) {}

  /** Reads the workbook's sheet list, relationships, styles and shared strings; a problem that stops it, worded after "the file is". */
  async load(): Promise<string | undefined> {
    const rels = new Map<string, { type: string; target: string }>();
    const relsEntry = this.entries.get('xl/_rels/workbook.xml.rels');
    if (relsEntry) {
      const parser = new SaxesParser();
      parser.on('opentag', (tag) => {
        if (local(tag.name) !== 'Relationship') return;
        const a = attributesOf(tag);
        if (a.Id && a.Target && a.TargetMode !== 'External') rels.set(a.Id, { type: a.Type ?? '', target: resolveTarget('xl', a.Target) });
      });
      parser.write(await readSmallPart(this.zip, relsEntry)).close();
    }
    const listed: { name: string; state?: string; rel?: string }[] = [];
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => {
      const name = local(tag.name);
      const a = attributesOf(tag);
      if (name === 'workbookPr') this.date1904 = a.date1904 === '1' || a.date1904 === 'true';
      else if (name === 'sheet') {
        const rel = Object.entries(a).find(([key]) => key.endsWith(':id'))?.[1];
        listed.push({ name: a.name ?? `sheet ${listed.length + 1}`, state: a.state, rel });
      }
    });
    parser.write(await readSmallPart(this.zip, required(this.entries.get('xl/workbook.xml')))).close();
    for (const { name, state, rel } of listed) {
      const target = rel ? rels.get(rel) : undefined;
      const type = target?.type ?? '';
      const kind = type.endsWith('/worksheet') ? 'worksheet' : type.endsWith('/chartsheet') ? 'chartsheet' : 'other';
      this.sheets.push({ name, part: target?.target ?? '', visible: state === undefined || state === 'visible', kind });
    }
    for (const { type, target } of rels.values()) {
      if (type.endsWith('/sharedStrings')) this.sharedStringsPart = target;
      else if (type.endsWith('/styles')) this.stylesPart = target;
    }
    this.sharedStringsPart ??= this.entries.has('xl/sharedstrings.xml') ? 'xl/sharedstrings.xml' : undefined;
    this.stylesPart ??= this.entries.has('xl/styles.xml') ? 'xl/styles.xml' : undefined;

    const worksheets = this.sheets.filter((s) => s.kind === 'worksheet' && this.entries.has(s.part));
    const chosen = worksheets.find((s) => s.visible);
    if (!chosen) {
      return worksheets.length
        ? `an Excel workbook whose worksheets are all hidden (${worksheets.map((s) => quoteSheet(s.name)).join(', ')}); unhide the one to read and save it again`
        : 'an Excel workbook without a worksheet';
    }
    this.sheet = chosen;
    if (this.stylesPart && this.entries.has(this.stylesPart)) await this.loadStyles(required(this.entries.get(this.stylesPart)));
    return undefined;
  }

  /** What the report should say about the sheets not read. */
  sheetsNotRead(): string[] {
    return this.sheets
      .filter((s) => s !== this.sheet)
      .map((s) =>
        s.kind === 'chartsheet'
          ? `chart sheet ${quoteSheet(s.name)} not read`
          : s.kind !== 'worksheet'
            ? `sheet ${quoteSheet(s.name)} (not a worksheet) not read`
            : `${s.visible ? 'sheet' : 'hidden sheet'} ${quoteSheet(s.name)} not read (only the first visible worksheet, ${quoteSheet(this.sheet.name)}, is)`,
      );
  }

  private async loadStyles(entry: yauzl.Entry): Promise<void> {
    const formats = new Map<number, string>();
    const xfFormats: number[] = [];
    let inCellXfs = false;
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => {
      const name = local(tag.name);
      const a = attributesOf(tag);
      if (name === 'numFmt' && a.numFmtId !== undefined) formats.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = !tag.isSelfClosing;
      else if (name === 'xf' && inCellXfs) xfFormats.push(Number(a.numFmtId ?? 0));
    });
    parser.on('closetag', (tag) => {
      if (local(tag.name) === 'cellXfs') inCellXfs = false;
    });
    await parseWhole(await openPart(this.zip, entry, MAX_SMALL_PART_BYTES), parser, this.options.signal);
    this.dateStyles = xfFormats.map((id) => {
      const code = formats.get(id);
      return code !== undefined ? dateKindOfFormat(code) : BUILT_IN_DATE_FORMATS.get(id);
    });
  }

  private async loadSharedStrings(): Promise<void> {
    const strings = new SharedStrings(join(this.options.dir, 'shared-strings'));
    this.strings = strings;
    const entry = this.sharedStringsPart ? this.entries.get(this.sharedStringsPart) : undefined;
    if (!entry) return;
    const max = this.options.maxCellChars;
    let parts: string[] | undefined;
    let chars = 0;
    let inText = false;
    let phonetic = 0;
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => {
      const name = local(tag.name);
      if (name === 'si') {
        parts = [];
        chars = 0;
      } else if (name === 'rPh') phonetic += tag.isSelfClosing ? 0 : 1;
      else if (name === 't' && parts && !phonetic) inText = !tag.isSelfClosing;
    });
    const onText = (text: string) => {
      if (!inText || !parts || chars >= max) return;
      parts.push(text);
      chars += text.length;
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (tag) => {
      const name = local(tag.name);
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
      else if (name === 'si' && parts) {
        const text = parts.length === 1 ? parts[0] : parts.join('');
        strings.add(cellText(text.length > max ? text.slice(0, max) : text));
        parts = undefined;
      }
    });
    await parseWhole(await openPart(this.zip, entry, MAX_STREAMED_PART_BYTES), parser, this.options.signal);
    strings.flush();
  }

  /** The sheet row a line of the CSV `csv()` wrote is part of. */
  rowOf(line: number): number {
    let lo = 0;
    let hi = this.breakpoints - 1;
    if (hi < 0) return line;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rowStarts[mid] <= line) lo = mid;
      else hi = mid - 1;
    }
    return this.rowStarts[lo] <= line ? line + this.rowDeltas[lo] : line;
  }

  private mapRow(line: number, row: number): void {
    const delta = row - line;
    if (this.breakpoints && this.rowDeltas[this.breakpoints - 1] === delta) return;
    if (this.breakpoints === this.rowStarts.length) {
      const starts = new Int32Array(this.rowStarts.length * 2);
      starts.set(this.rowStarts);
      this.rowStarts = starts;
      const deltas = new Int32Array(this.rowDeltas.length * 2);
      deltas.set(this.rowDeltas);
      this.rowDeltas = deltas;
    }
    this.rowStarts[this.breakpoints] = line;
    this.rowDeltas[this.breakpoints] = delta;
    this.breakpoints++;
  }

  /**
   * The sheet as RFC 4180 CSV (comma, LF, quoted where needed), one record per sheet row that
   * has a value; each record is as wide as the header at least, so a sparse row is not a short
   * one. A damaged part ends the CSV early and sets `failure`.
   */
  async *csv(): AsyncIterable<Buffer> {
    const { signal } = this.options;
    const max = this.options.maxCellChars;
    let row = 0;
    // Whole CSV records not yet handed on (those of the chunk being parsed).
    let out: string[] = [];
    try {
      await this.loadSharedStrings();
      const strings = required(this.strings);
      const stream = await openPart(this.zip, required(this.entries.get(this.sheet.part)), MAX_STREAMED_PART_BYTES);
      let line = 1;
      let headerWidth = 0;
      let cells: string[] = [];
      let lastCol = 0;
      let col = 0;
      let type = 'n';
      let style = 0;
      let value: string[] = [];
      let chars = 0;
      let inValue = false;
      let inInline = false;
      let phonetic = 0;
      const parser = new SaxesParser();
      parser.on('opentag', (tag) => {
        const name = local(tag.name);
        if (name === 'c') {
          const a = attributesOf(tag);
          col = a.r ? columnOf(a.r) || col + 1 : col + 1;
          type = a.t ?? 'n';
          style = a.s ? Number(a.s) : 0;
          value = [];
          chars = 0;
          if (tag.isSelfClosing) endCell();
        } else if (name === 'v') inValue = !tag.isSelfClosing;
        else if (name === 'is') inInline = !tag.isSelfClosing;
        else if (name === 'rPh') phonetic += tag.isSelfClosing ? 0 : 1;
        else if (name === 't') inValue = inInline && !phonetic && !tag.isSelfClosing;
        else if (name === 'row') {
          const r = Number(attributesOf(tag).r);
          row = Number.isInteger(r) && r > row ? r : row + 1;
          cells = [];
          lastCol = 0;
          col = 0;
          if (tag.isSelfClosing) endRow();
        }
      });
      const onText = (text: string) => {
        if (!inValue || chars >= max) return;
        value.push(text);
        chars += text.length;
      };
      parser.on('text', onText);
      parser.on('cdata', onText);
      parser.on('closetag', (tag) => {
        if (tag.isSelfClosing) return;
        const name = local(tag.name);
        if (name === 'v' || name === 't') inValue = false;
        else if (name === 'is') inInline = false;
        else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
        else if (name === 'c') endCell();
        else if (name === 'row') endRow();
      });
      const endCell = () => {
        let raw = value.length === 1 ? value[0] : value.join('');
        if (raw.length > max) raw = raw.slice(0, max);
        let text: string;
        switch (type) {
          case 's': {
            if (raw.trim() === '') {
              text = '';
              break;
            }
            const shared = strings.get(Number(raw));
            if (shared === undefined) throw new Error(`a cell refers to shared string ${raw.trim()}, which the workbook does not have`);
            text = shared;
            break;
          }
          case 'inlineStr':
          case 'str':
            text = cellText(raw);
            break;
          case 'b':
            text = raw === '' ? '' : raw.trim() === '1' || raw.trim() === 'true' ? 'TRUE' : 'FALSE';
            break;
          case 'e':
            text = '';
            if (raw) this.errorCells.set(raw, (this.errorCells.get(raw) ?? 0) + 1);
            break;
          case 'd':
            text = raw.trim();
            break;
          default: {
            const trimmed = raw.trim();
            const kind = trimmed === '' ? undefined : this.dateStyles[style];
            text =
              trimmed === ''
                ? ''
                : ((kind && serialToIso(Number(trimmed), kind, this.date1904, this.options.timeZone)) ?? numberText(trimmed));
          }
        }
        if (col > 0 && text !== '') {
          cells[col - 1] = text;
          if (col > lastCol) lastCol = col;
        }
        inValue = false;
        inInline = false;
      };
      const endRow = () => {
        if (!lastCol) return;
        const width = Math.max(lastCol, headerWidth);
        if (!headerWidth) headerWidth = lastCol;
        const fields = new Array<string>(width);
        let newlines = 0;
        for (let i = 0; i < width; i++) {
          const text = cells[i] ?? '';
          fields[i] = csvField(text);
          if (text.includes('\n')) newlines += countNewlines(text);
        }
        this.mapRow(line, row);
        out.push(fields.join(','), '\n');
        line += 1 + newlines;
      };
      for await (const _ of saxChunks(stream, parser, signal)) {
        if (!out.length) continue;
        yield Buffer.from(out.join(''), 'utf8');
        out = [];
      }
    } catch (err) {
      if (isAbort(err) || signal?.aborted) throw err;
      this.failure = { row, detail: describe(err) };
    }
    // The rows completed before a failure still count.
    if (out.length) yield Buffer.from(out.join(''), 'utf8');
  }

  close(): void {
    this.zip.close();
    this.strings?.close();
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the workbook lacks a part it refers to');
  return value;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

/** OLE compound document (old Office binary formats), the container of .xls and of encrypted .xlsx. */
export const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * What an OLE compound file is, from its head: the directory names its streams in UTF-16LE. An
 * encrypted OOXML file holds `EncryptedPackage`; an .xls holds `Workbook` (or `Book`, Excel 5).
 */
export function oleDetail(head: Buffer): string {
  const has = (name: string) => head.includes(Buffer.from(name, 'utf16le'));
  if (has('EncryptedPackage'))
    return 'a password-protected (encrypted) Office document; remove the password in Excel (File › Info › Protect Workbook) and save it as .xlsx or CSV UTF-8';
  if (has('Workbook') || has('Book')) return 'an Excel 97–2003 workbook (.xls); save it as .xlsx or CSV UTF-8';
  if (has('__substg1.0_') || has('__properties_version1.0'))
    return "one Outlook message (.msg); a thread needs all of its messages: drop the mailbox's .msg (or .eml) files together in one ZIP (or give their folder to tuneloop prepare or drop), or export the mailbox as mbox";
  return 'an old Office binary document (OLE compound file, such as .xls or .doc); save it as .xlsx or CSV UTF-8';
}
