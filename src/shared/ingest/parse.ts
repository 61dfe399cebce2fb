import { closeSync, createReadStream, createWriteStream, openSync, readSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { csvHeadMayHoldFeedback, parseCsv } from './csv';
import { detectContainer } from './detect';
import {
  declaredAsUtf8,
  encodingToUse,
  isLegacyEncoding,
  utf16AsUtf8,
  utf16ByteOrder,
  type DeclaredEncoding,
  type EncodingUsed,
} from './encoding';
import { isCompactWrapper, parseJsonDocument } from './documentItems';
import { isJsonObject, jsonFamily, type JsonFamily } from './jsonl';
import {
  isBlankLine,
  lineItem,
  mayBeJoined,
  parseLine,
  RECORD_PREVIEW,
  type JsonLineContext,
  type LineItemContext,
  type ParsedLine,
} from './jsonLine';
import { splitLines, type Line } from './lines';
import { jsonMappingFor, type Mapping } from './mapping';
import { groupMessageRows } from './messageCsv';
import { jsonMessageRows } from './jsonMessageRows';
import { linePlace, reject } from './records';
import { createRoleMapper, type RoleMapper } from './roles';
import { parseChatExport } from './formats/transcript';
import { parseLineChat } from './formats/lineChat';
import { parseTelegramHtml } from './formats/telegramHtml';
import { parseDiscordHtml } from './formats/discordHtml';
import { parseDiscordText } from './formats/discordText';
import { parseMbox } from './formats/mailbox';
import {
  emailFilesAsMbox,
  isEmailFile,
  isMailboxHead,
  joinedFilesText,
  JOINED_MAILBOX,
  MAILBOX_SNIFF_BYTES,
  peekStream,
} from './emailFiles';
import { MAX_OUTLOOK_MESSAGE_BYTES } from './formats/outlookMessage';
import { isTar, tarEntries } from './tar';
import { JOINED_SLACK, slackExportFiles, slackExportOf, slackExportRows, slackJoinNotice, type SlackExportLayout } from './slackExport';
import { IngestError, isAbortError } from './errors';
import { entryVerdict, type ArchiveEntry, type ZipArchive } from './archive';
import type { DeclaredTimeZone } from './timeZone';
import { openZip, quoteSheet } from './xlsx';
import { gunzip, isGzip, PeekableBytes, toAsyncIterable, type ByteSource } from './source';
import type { ChatRole, IngestItem } from './types';
import { groupTicketEvents, ticketEventRow } from './zendeskEvents';
import { groupMessagePages, isPagedFamily, messagePageRow, type PagedFamily } from './messagePages';
import type { MessageRow } from './messageCsv';

export { mayHoldFeedback, parseJsonLine, type JsonLineContext } from './jsonLine';

export interface ParseOptions {
  /** Name of the input (blob name or path): every rejection and error names it. */
  fileName: string;
  /** Speaker names → roles, for names the built-in words cannot map ("Alice": "assistant"). Case-insensitive. */
  speakerRoles?: Record<string, ChatRole>;
  /** Where message-per-row CSV rows are spilled while grouping conversations (default: the OS temp dir). */
  tempDir?: string;
  signal?: AbortSignal;
  /** Lines (JSONL) or rows (CSV) longer than this are rejected instead of held in memory. Default 16 MiB. */
  maxRecordBytes?: number;
  /** Declarative mappings for other layouts (a file whose first record or header fits one is read with it). */
  mappings?: readonly Mapping[];
  /**
   * Called with the number of each line (JSON lines) or CSV line that was not UTF-8 and was read
   * as Windows-1252 (see ingest/encoding), so the run can report it.
   */
  onWindows1252?: (line: number) => void;
  /**
   * The file's encoding as its owner declared it (`tuneloop prepare --encoding`, a blob's
   * Content-Type charset): lines are decoded with it, and one not valid in it is quarantined. A
   * byte-order mark at the start of the file decides over it.
   */
  encoding?: DeclaredEncoding;
  /** Called once with the encoding the file is read in (for the report). */
  onEncoding?: (used: EncodingUsed, fileName: string) => void;
  /**
   * The zone the file's zone-less timestamps (and a workbook's dates) were written in (`tuneloop
   * prepare --timezone`, a blob's metadata `timezone`, TUNELOOP_INPUT_TIMEZONE); absent: UTC.
   */
  timeZone?: DeclaredTimeZone;
  /**
   * Called with what the run's report should warn about the file as a whole (a workbook's sheets
   * that were not read, its error cells read as empty), each message naming the file.
   */
  onNotice?: (message: string) => void;
  /**
   * What becomes of each file of a ZIP archive (ingest/archive) instead of being read here: the
   * blob path stores each as a blob of its own, which its own trigger preprocesses. Absent: each
   * is read in place, as the input `<archive>/<entry>`.
   */
  archiveEntry?: (entry: ArchiveEntry, bytes: AsyncIterable<Buffer>) => Promise<string | undefined>;
  /** The input is a file that came out of this archive: an archive in it is not opened again. */
  archivedIn?: string;
}

/**
 * A JSON line handed on unparsed by `parseInputDeferring`: `parseJsonLine(line, text, context)`
 * turns it into exactly the item `parseInput` would have yielded.
 */
export interface DeferredLine {
  type: 'line';
  line: number;
  text: string;
  context: JsonLineContext;
}

/**
 * `parseInput`, except that the lines of a JSON lines file after the ones that told its format are
 * yielded as `DeferredLine`s (text, line number and the file's context) instead of parsed: the
 * preprocessing workers parse them, so the reading thread does not. Lines that are not valid
 * UTF-8, over the size limit or blank are still handled here (they need no JSON parse); other
 * formats (CSV, JSON documents) need the whole file's context and are parsed here as always.
 */
export function parseInputDeferring(input: ByteSource, options: ParseOptions): AsyncIterable<IngestItem | DeferredLine> {
  return parseAny(input, options, true);
}

const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;
/** How far into a JSON lines file to look for the first line that says which format the file is. */
const SNIFF_LINES = 1000;
/** ...and at most this much text, so unrecognisable long lines are not piled up in memory. */
const SNIFF_WINDOW_BYTES = 8 * 1024 * 1024;
const MAX_GZIP_LAYERS = 3;

/**
 * Parses one input file of any of the five formats (gzip-compressed or not) into normalised
 * items: every input record becomes exactly one item (a conversation, a feedback, or a rejection
 * that names file, line and reason), so records in = records used + records rejected. Streams
 * with flat memory. Throws `IngestError` when the file itself cannot be read (I/O, corrupt gzip).
 */
export function parseInput(input: ByteSource, options: ParseOptions): AsyncIterable<IngestItem> {
  // Without deferring, no `DeferredLine` is ever yielded.
  return parseAny(input, options, false) as AsyncIterable<IngestItem>;
}

async function* parseAny(input: ByteSource, options: ParseOptions, deferLines: boolean): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  const signal = options.signal;
  signal?.throwIfAborted();
  const roles = createRoleMapper(options.speakerRoles);
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const timeZone = zoneName(options.timeZone);

  const layers = [new PeekableBytes(toAsyncIterable(input), file)];
  try {
    let bytes = layers[0];
    for (let layer = 0; isGzip(await bytes.peek(2)); layer++) {
      if (layer === MAX_GZIP_LAYERS) {
        yield wholeFileRejection(file, await bytes.peek(RECORD_PREVIEW), `the file is gzip inside gzip more than ${MAX_GZIP_LAYERS} times`);
        return;
      }
      bytes = new PeekableBytes(gunzip(bytes, file, signal), file);
      layers.push(bytes);
    }
    // A workbook is a ZIP of XML parts (UTF-8 by the standard): read before any text decoding, which
    // a declared encoding would apply to its bytes.
    const zipHead = await bytes.peek(SNIFF_BYTES);
    if (isZip(zipHead)) {
      yield* parseZip(bytes, zipHead, options, roles, maxRecordBytes, deferLines);
      return;
    }
    if (isTar(zipHead)) {
      yield* tarArchiveEntries(bytes, zipHead, options, deferLines);
      return;
    }
    const decoding = asUtf8(bytes, await bytes.peek(3), file, layers, options.encoding);
    if ('refused' in decoding) {
      yield wholeFileRejection(file, await bytes.peek(RECORD_PREVIEW), decoding.refused);
      return;
    }
    options.onEncoding?.(decoding.used, file);
    bytes = decoding.bytes;
    // Only a transcoded file's invalid lines are invalid in its declared encoding.
    const encoding = decoding.used.how === 'declared' && isLegacyEncoding(decoding.used.name) ? options.encoding : undefined;

    const head = await bytes.peek(SNIFF_BYTES);
    let container = detectContainer(head);
    if (container.kind === 'jsonl' && (await isCompactWrapper(head, SNIFF_LINES, options.mappings))) container = { kind: 'json-document' };
    switch (container.kind) {
      case 'empty':
        return;
      case 'unknown':
        yield wholeFileRejection(file, head, container.detail);
        return;
      case 'jsonl':
        yield* parseJsonLines(bytes, {
          file,
          roles,
          maxRecordBytes,
          signal,
          mappings: options.mappings,
          onWindows1252: options.onWindows1252,
          encoding,
          tempDir: options.tempDir,
          ...(timeZone ? { timeZone } : {}),
          ...(deferLines ? { defer: { speakerRoles: options.speakerRoles } } : {}),
          ...(options.onNotice ? { onNotice: options.onNotice } : {}),
        });
        return;
      case 'json-document':
        yield* parseJsonDocument(bytes, {
          file,
          roles,
          maxRecordBytes,
          signal,
          sniffRecords: SNIFF_LINES,
          mappings: options.mappings,
          encoding,
          timeZone,
          tempDir: options.tempDir,
        });
        return;
      case 'chat-export':
      case 'line-chat':
      case 'telegram-html':
      case 'discord-text':
      case 'discord-html':
        yield await readChatExport(bytes, head, {
          file,
          roles,
          maxRecordBytes,
          archivedIn: options.archivedIn,
          signal,
          timeZone,
          shape: container.kind,
        });
        return;
      case 'mbox':
        yield* parseMbox(bytes, {
          file,
          maxRecordBytes,
          ...(options.speakerRoles ? { speakerRoles: options.speakerRoles } : {}),
          ...(options.tempDir ? { tempDir: options.tempDir } : {}),
          ...(signal ? { signal } : {}),
          ...(options.onNotice ? { onNotice: options.onNotice } : {}),
        });
        return;
      case 'csv':
        yield* parseCsv(bytes, {
          file,
          roles,
          maxRecordBytes,
          signal,
          delimiter: container.delimiter,
          tempDir: options.tempDir,
          mappings: options.mappings,
          speakerRoles: options.speakerRoles,
          onWindows1252: options.onWindows1252,
          encoding,
          timeZone,
          onNotice: options.onNotice,
        });
        return;
    }
  } finally {
    // Outermost first: closing a gunzip layer releases the layer it reads from.
    for (const layer of layers.reverse()) await layer.close().catch(() => undefined);
  }
}

/**
 * False when the file certainly holds no feedback record, read as raw bytes (gunzipped) without
 * parsing, so `prepare` can store the ratings of every file before its main pass at the cost of
 * one byte search per file. JSON (lines or document): a feedback record needs a key "rating",
 * written `"rating"` or with a letter of it \u-escaped (`"r\u0061ting"`); neither in the file
 * means none. CSV: only a file whose header names a `rating` column is feedback, so the first
 * 64 KiB are checked for the word, in any case. True may be wrong (text mentioning "rating",
 * a nested key); the caller then parses the candidates.
 */
export async function mayHoldFeedbackRecords(
  input: ByteSource,
  options: { fileName: string; signal?: AbortSignal; encoding?: DeclaredEncoding },
): Promise<boolean> {
  const file = options.fileName;
  const layers = [new PeekableBytes(toAsyncIterable(input), file)];
  try {
    let bytes = layers[0];
    for (let layer = 0; isGzip(await bytes.peek(2)); layer++) {
      // Rejected whole by the parser.
      if (layer === MAX_GZIP_LAYERS) return false;
      bytes = new PeekableBytes(gunzip(bytes, file, options.signal), file);
      layers.push(bytes);
    }
    // A workbook (a ZIP) is not text to decode: its sheet's header decides, as a CSV header does.
    const zipHead = await bytes.peek(SNIFF_BYTES);
    if (isZip(zipHead)) return await workbookMayHoldFeedback(bytes, file, options.signal);
    // Any file of an archive may be ratings: the caller parses it to find them.
    if (isTar(zipHead)) return true;
    const decoding = asUtf8(bytes, await bytes.peek(3), file, layers, options.encoding);
    // Rejected whole by the parser.
    if ('refused' in decoding) return false;
    bytes = decoding.bytes;
    const byHead = feedbackByHead(await bytes.peek(SNIFF_BYTES));
    if (byHead !== 'search') return byHead;
    // Each chunk is searched with the end of the one before it, so a key split between chunks is found.
    let tail = Buffer.alloc(0);
    for await (const chunk of bytes) {
      options.signal?.throwIfAborted();
      const window = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      if (holdsRatingKey(window)) return true;
      tail = Buffer.from(window.subarray(Math.max(0, window.length - (RATING_KEY_BYTES.length - 1))));
    }
    return false;
  } finally {
    for (const layer of layers.reverse()) await layer.close().catch(() => undefined);
  }
}

/**
 * `mayHoldFeedbackRecords` for a file on disk, read into one buffer that is used again and again:
 * a stream's chunks for a whole file, freed only by a later collection, raised `prepare`'s peak
 * RSS by 12–19 MB (100 MB of STAR turns, 2 workers). A gzip file gives undefined: the stream
 * version decompresses it.
 */
export function mayHoldFeedbackRecordsInFile(path: string): boolean | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SNIFF_BYTES);
    const headBytes = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, headBytes);
    // The stream version decompresses a gzip file and transcodes a UTF-16 one.
    if (isGzip(head) || utf16ByteOrder(head) || isZip(head)) return undefined;
    const byHead = feedbackByHead(head);
    if (byHead !== 'search') return byHead;
    // From the start again (the head is one read more), each read searched with the end of the one
    // before it, so a key split between reads is found.
    let kept = 0;
    for (let position = 0; ;) {
      const read = readSync(fd, buffer, kept, buffer.length - kept, position);
      if (read === 0) return false;
      position += read;
      const window = buffer.subarray(0, kept + read);
      if (holdsRatingKey(window)) return true;
      kept = Math.min(RATING_KEY_BYTES.length - 1, window.length);
      buffer.copyWithin(0, window.length - kept, window.length);
    }
  } finally {
    closeSync(fd);
  }
}

/** What the head of a (decompressed) file says: a CSV answered by its header, JSON to be searched, or anything else no feedback. */
function feedbackByHead(head: Buffer): boolean | 'search' {
  // A workbook's sheet is only known once unzipped: the stream version reads its header (a tar's files too).
  if (isZip(head) || isTar(head)) return true;
  const container = detectContainer(head);
  if (container.kind === 'csv') return csvHeadMayHoldFeedback(head, container.delimiter);
  return container.kind === 'jsonl' || container.kind === 'json-document' ? 'search' : false;
}

const RATING_KEY_BYTES = Buffer.from('"rating"');
/** A Zendesk satisfaction rating's key (`ticket_id` + `score`). */
const SCORE_KEY_BYTES = Buffer.from('"score"');
const ESCAPE_BYTES = Buffer.from('\\u00');
/** The hex codes of the letters of "rating" and "score", as a \u escape ends (lower case). */
const RATING_LETTER_CODES = new Set(['72', '61', '74', '69', '6e', '67', '73', '63', '6f', '65']);

function holdsRatingKey(bytes: Buffer): boolean {
  if (bytes.includes(RATING_KEY_BYTES) || bytes.includes(SCORE_KEY_BYTES)) return true;
  // An escape cut off at the end is searched again with the next chunk.
  for (let at = bytes.indexOf(ESCAPE_BYTES); at !== -1 && at + 6 <= bytes.length; at = bytes.indexOf(ESCAPE_BYTES, at + 1)) {
    if (RATING_LETTER_CODES.has(bytes.toString('latin1', at + 4, at + 6).toLowerCase())) return true;
  }
  return false;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** The zone to convert zone-less times from, or undefined for UTC (read as before, at no cost). */
function zoneName(zone: DeclaredTimeZone | undefined): string | undefined {
  return zone && zone.name !== 'UTC' ? zone.name : undefined;
}

function isZip(head: Buffer): boolean {
  return ZIP_MAGIC.every((b, i) => head[i] === b);
}

/**
 * A ZIP file: an Excel workbook's first visible worksheet is read as the CSV Excel would save of
 * it (ingest/xlsx), rows named by their sheet row; any other ZIP is an archive of exports whose
 * files are inputs of their own (`archiveEntries`); one that cannot be read (ODS, a broken
 * directory) is rejected whole. A ZIP cannot be read from a stream (its directory is at the end),
 * so the (gunzipped) bytes are spooled to a temp file first.
 */
async function* parseZip(
  bytes: PeekableBytes,
  head: Buffer,
  options: ParseOptions,
  roles: RoleMapper,
  maxRecordBytes: number,
  deferLines: boolean,
): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  const signal = options.signal;
  let dir: string;
  try {
    dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'tuneloop-xlsx-'));
  } catch (err) {
    throw tempError(file, err);
  }
  try {
    const path = join(dir, 'input.zip');
    await spool(bytes, path, file, signal);
    const timeZone = zoneName(options.timeZone);
    const content = await openZip(path, { dir, maxCellChars: maxRecordBytes, signal, timeZone });
    if (content.kind === 'other') {
      yield wholeFileRejection(file, head, `the file is ${content.detail}`);
      return;
    }
    if (content.kind === 'archive') {
      try {
        yield* archiveEntries(content.archive, head, options, deferLines);
      } finally {
        content.archive.close();
      }
      return;
    }
    const workbook = content.workbook;
    try {
      const sheet = quoteSheet(workbook.sheet.name);
      const place = (row: number) => `row ${row} of sheet ${sheet}`;
      for (const note of workbook.sheetsNotRead()) options.onNotice?.(`${file}: ${note}`);
      yield* parseCsv(workbook.csv(), {
        file,
        roles,
        maxRecordBytes,
        signal,
        delimiter: ',',
        tempDir: options.tempDir,
        mappings: options.mappings,
        speakerRoles: options.speakerRoles,
        rowOfLine: (line) => workbook.rowOf(line),
        place,
        unit: { sheet },
        timeZone,
        onNotice: options.onNotice,
      });
      if (workbook.failure) {
        const { row, detail } = workbook.failure;
        yield reject(
          { file, line: row || 1, record: '' },
          'invalid-workbook',
          `the workbook cannot be read from ${place(row || 1)} on (${detail}); the rows before it were read, conversations with rows after it may be incomplete`,
        );
      }
      if (workbook.errorCells.size) {
        const counts = [...workbook.errorCells].map(([value, n]) => `${value} ×${n}`).join(', ');
        const total = [...workbook.errorCells.values()].reduce((a, b) => a + b, 0);
        options.onNotice?.(`${file}: ${total} cell(s) of sheet ${sheet} held an error value (${counts}) and were read as empty`);
      }
    } finally {
      workbook.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The files of a ZIP archive, each read as an input of its own (named `<archive>/<entry>`, so a
 * rejection names the file inside) or handed to `options.archiveEntry`. Folders and system files
 * are skipped and counted; an encrypted or oversized entry is one `archive-entry-refused` record;
 * an archive inside an archive is not opened (a ZIP can hold itself), but rejected.
 */
async function* archiveEntries(
  archive: ZipArchive,
  head: Buffer,
  options: ParseOptions,
  deferLines: boolean,
): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  if (options.archivedIn !== undefined) {
    yield nestedArchive('ZIP', head, options.archivedIn, file);
    return;
  }
  const skipped = new Map<string, number>();
  const emailFiles: ArchiveEntry[] = [];
  const mailboxFiles = new Set<number>();
  // A Slack export's day files are one file of message rows (ingest/slackExport), read after the rest.
  const slack = slackExportOf(archive.entries.map((e) => e.name));
  const slackFiles = slackExportFiles(slack);
  for (const entry of archive.entries) {
    options.signal?.throwIfAborted();
    const verdict = entryVerdict(entry);
    if ('skipped' in verdict) {
      skipped.set(verdict.skipped, (skipped.get(verdict.skipped) ?? 0) + 1);
      continue;
    }
    if (slackFiles.has(entry.name)) continue;
    const name = `${file}/${entry.name}`;
    if ('refused' in verdict) {
      yield reject({ file: name, line: 1, record: '' }, 'archive-entry-refused', `${file}: ${verdict.refused}`);
      continue;
    }
    // One message a file: read together after the rest, as one mailbox (ingest/emailFiles).
    if (isEmailFile(entry.name)) {
      emailFiles.push(entry);
      continue;
    }
    const stream = await archive.open(entry);
    try {
      const { head, all } = await peekStream(entryBytes(stream, file, entry.name), MAILBOX_SNIFF_BYTES);
      // A mailbox folder (mbox): read with the archive's other folders and e-mail files, after the rest.
      if (isMailboxHead(head)) {
        mailboxFiles.add(entry.index);
        emailFiles.push(entry);
        continue;
      }
      yield* readOrHandOn(entry, all, options, deferLines);
    } finally {
      // Read or not (a refused file, a stop), the entry's stream is released here.
      stream.destroy();
    }
  }
  emailFiles.sort((a, b) => a.index - b.index);
  if (emailFiles.length === 1 && mailboxFiles.size === 1) {
    // One mailbox folder alone is read as it is, under its own name.
    const stream = await archive.open(emailFiles[0]);
    try {
      yield* readOrHandOn(emailFiles[0], entryBytes(stream, file, emailFiles[0].name), options, deferLines);
    } finally {
      stream.destroy();
    }
  } else if (emailFiles.length) yield* archivedEmailFiles(archive, emailFiles, mailboxFiles.size, options, deferLines);
  if (slack) yield* archivedSlackExport(archive, slack, options, deferLines);
  noticePassedOver('ZIP', skipped, options);
}

/**
 * A ZIP's Slack export as one file of message rows named `<archive>/<root>slack-messages.jsonl`:
 * read in place, or handed on as that one file (the blob path stores it as a blob of its own).
 */
async function* archivedSlackExport(
  archive: ZipArchive,
  layout: SlackExportLayout,
  options: ParseOptions,
  deferLines: boolean,
): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  const byName = new Map(archive.entries.map((e) => [e.name, e]));
  const readWhole = async (name: string, limit: number): Promise<Buffer | undefined> => {
    const entry = byName.get(name);
    if (!entry || entry.uncompressedSize > limit) return undefined;
    const stream = await archive.open(entry);
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entryBytes(stream, file, entry.name)) {
        size += chunk.length;
        if (size > limit) return undefined;
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } finally {
      stream.destroy();
    }
  };
  const taken = new Set(archive.entries.map((e) => e.name));
  let joinedName = `${layout.root}${JOINED_SLACK}`;
  while (taken.has(joinedName)) joinedName = `${layout.root}_${joinedName.slice(layout.root.length)}`;
  const rows = slackExportRows(layout, readWhole, {
    roles: createRoleMapper(options.speakerRoles),
    maxDayBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    signal: options.signal,
  });
  const joined: ArchiveEntry = {
    index: -1,
    name: joinedName,
    compressedSize: layout.days.reduce((sum, d) => sum + (byName.get(d.name)?.compressedSize ?? 0), 0),
    uncompressedSize: layout.days.reduce((sum, d) => sum + (byName.get(d.name)?.uncompressedSize ?? 0), 0),
    encrypted: false,
  };
  options.onNotice?.(`${file}: ${slackJoinNotice(layout, `${file}/${joinedName}`)}`);
  yield* readOrHandOn(joined, rows, options, deferLines);
}

/** An archive's file, read as an input of its own (`<archive>/<path>`), or handed on whole (the blob path stores it as a blob of its own); refused with a reason, it is a record. */
async function* readOrHandOn(
  entry: ArchiveEntry,
  bytes: AsyncIterable<Buffer>,
  options: ParseOptions,
  deferLines: boolean,
): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  const name = `${file}/${entry.name}`;
  if (!options.archiveEntry) {
    yield* parseAny(bytes, { ...options, fileName: name, archivedIn: file }, deferLines);
    return;
  }
  const refused = await options.archiveEntry(entry, bytes);
  if (refused !== undefined) yield reject({ file: name, line: 1, record: '' }, 'archive-entry-refused', `${file}: ${refused}`);
}

/** Archives are opened one level deep (a ZIP can hold itself): one inside another is one rejection. */
function nestedArchive(kind: 'ZIP' | 'tar', head: Buffer, outer: string, file: string): IngestItem {
  return wholeFileRejection(
    file,
    head,
    `the file is a ${kind} archive inside the archive ${outer}; archives are opened one level deep: upload the files of this one themselves`,
  );
}

function noticePassedOver(kind: 'ZIP' | 'tar', skipped: ReadonlyMap<string, number>, options: ParseOptions): void {
  if (!skipped.size) return;
  const counts = [...skipped].map(([what, n]) => `${what} ×${n}`).join(', ');
  options.onNotice?.(`${options.fileName}: ${kind} entries that are no export were passed over (${counts})`);
}

/** The joined mailbox's name in an archive: `email-files.mbox`, unless a file of the archive has it. */
function joinedMailboxName(taken: ReadonlySet<string>): string {
  let name = JOINED_MAILBOX;
  while (taken.has(name)) name = `_${name}`;
  return name;
}

function joinedMailboxNotice(mailboxes: number, emails: number, name: string, options: ParseOptions): void {
  options.onNotice?.(`${options.fileName}: its ${joinedFilesText(mailboxes, emails)} are one mailbox, joined as ${name}`);
}

/**
 * A ZIP's mail files (mbox folders, .eml and .msg files, a Maildir's messages) as one mailbox
 * named `<archive>/email-files.mbox`: read in place, or handed on as that one file (the blob path
 * stores it as a blob of its own, an mbox like any other).
 */
async function* archivedEmailFiles(
  archive: ZipArchive,
  entries: readonly ArchiveEntry[],
  mailboxes: number,
  options: ParseOptions,
  deferLines: boolean,
): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  const joinedName = joinedMailboxName(new Set(archive.entries.map((e) => e.name)));
  const opened: Readable[] = [];
  const bytes = emailFilesAsMbox(
    entries.map((entry) => ({
      name: entry.name,
      bytes: async () => {
        const stream = await archive.open(entry);
        opened.push(stream);
        return entryBytes(stream, file, entry.name);
      },
    })),
    options.signal,
  );
  const joined: ArchiveEntry = {
    index: -1,
    name: joinedName,
    compressedSize: entries.reduce((sum, e) => sum + e.compressedSize, 0),
    uncompressedSize: entries.reduce((sum, e) => sum + e.uncompressedSize, 0),
    encrypted: false,
  };
  joinedMailboxNotice(mailboxes, entries.length - mailboxes, `${file}/${joinedName}`, options);
  try {
    yield* readOrHandOn(joined, bytes, options, deferLines);
  } finally {
    for (const stream of opened) stream.destroy();
  }
}

/**
 * The files of a tar archive (Google Takeout's `.tgz`, anything packed with `tar czf`), read as
 * the files of a ZIP are (`archiveEntries`): each an input of its own named `<archive>/<path>`, or
 * handed to `options.archiveEntry`; the same files passed over; its e-mail files one mailbox. A tar
 * is read in order, once: the e-mail files are joined into a temporary mbox as they come, read
 * after the rest.
 */
async function* tarArchiveEntries(
  bytes: AsyncIterable<Buffer>,
  head: Buffer,
  options: ParseOptions,
  deferLines: boolean,
): AsyncIterable<IngestItem | DeferredLine> {
  const file = options.fileName;
  if (options.archivedIn !== undefined) {
    yield nestedArchive('tar', head, options.archivedIn, file);
    return;
  }
  const skipped = new Map<string, number>();
  let mailbox:
    { dir: string; path: string; writer: WriteStream; mailboxes: number; emails: number; bytes: number; first: ArchiveEntry } | undefined;
  // Mail files are written to one temporary mbox as they come (mbox folders as they are, e-mail files each after a "From " line).
  const addToMailbox = async (archived: ArchiveEntry, contents: AsyncIterable<Buffer>, isMailbox: boolean) => {
    if (!mailbox) {
      const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'tuneloop-tar-mail-')).catch((err: unknown) => {
        throw tempError(file, err);
      });
      const path = join(dir, JOINED_MAILBOX);
      mailbox = { dir, path, writer: createWriteStream(path), mailboxes: 0, emails: 0, bytes: 0, first: archived };
    }
    const target = mailbox;
    for await (const chunk of emailFilesAsMbox([{ name: archived.name, bytes: () => contents }], options.signal)) {
      target.bytes += chunk.length;
      if (!target.writer.write(chunk)) await once(target.writer, 'drain');
    }
    if (isMailbox) target.mailboxes++;
    else target.emails++;
  };
  // Only a file at the top named like the joined mailbox can take its name.
  const joinedLike = new Set<string>();
  try {
    let index = 0;
    for await (const { entry, bytes: entryBytes } of tarEntries(bytes, file)) {
      options.signal?.throwIfAborted();
      const archived: ArchiveEntry = {
        index: index++,
        name: entry.name + (entry.kind === 'folder' && !entry.name.endsWith('/') ? '/' : ''),
        compressedSize: entry.size,
        uncompressedSize: entry.size,
        encrypted: false,
      };
      const verdict = entry.kind === 'other' ? { read: false as const, skipped: 'link or special file' } : entryVerdict(archived);
      if ('skipped' in verdict) {
        skipped.set(verdict.skipped, (skipped.get(verdict.skipped) ?? 0) + 1);
        continue;
      }
      if (/^_*email-files\.mbox$/.test(archived.name)) joinedLike.add(archived.name);
      if ('refused' in verdict) {
        yield reject({ file: `${file}/${archived.name}`, line: 1, record: '' }, 'archive-entry-refused', `${file}: ${verdict.refused}`);
        continue;
      }
      // A large .msg is read twice (formats/outlookMessage), which a tar's single pass cannot: read alone, it says what to do.
      if (isEmailFile(archived.name) && !(/\.msg$/i.test(archived.name) && entry.size > MAX_OUTLOOK_MESSAGE_BYTES)) {
        await addToMailbox(archived, entryBytes, false);
        continue;
      }
      const { head, all } = await peekStream(entryBytes, MAILBOX_SNIFF_BYTES);
      if (isMailboxHead(head)) {
        await addToMailbox(archived, all, true);
        continue;
      }
      yield* readOrHandOn(archived, all, options, deferLines);
    }
    if (mailbox) {
      const { writer, path, mailboxes, emails, first } = mailbox;
      writer.end();
      await once(writer, 'close');
      // One mailbox folder alone is read as it is, under its own name.
      const alone = mailboxes === 1 && emails === 0;
      const joinedName = joinedMailboxName(joinedLike);
      if (!alone) joinedMailboxNotice(mailboxes, emails, `${file}/${joinedName}`, options);
      const joined: ArchiveEntry = alone
        ? first
        : { index: -1, name: joinedName, compressedSize: mailbox.bytes, uncompressedSize: mailbox.bytes, encrypted: false };
      const stream = createReadStream(path);
      try {
        yield* readOrHandOn(joined, stream, options, deferLines);
      } finally {
        stream.destroy();
      }
    }
  } finally {
    if (mailbox) {
      mailbox.writer.destroy();
      await rm(mailbox.dir, { recursive: true, force: true });
    }
  }
  noticePassedOver('tar', skipped, options);
}

/** An entry's inflated bytes; a corrupt entry (bad deflate data, a size other than claimed) stops the archive, naming the entry. */
async function* entryBytes(stream: Readable, file: string, entry: string): AsyncIterable<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (isAbortError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new IngestError(
      'archive-corrupt',
      file,
      `entry ${entry} of the ZIP archive cannot be read (${message}); upload a complete archive`,
      {
        cause: err,
        retriable: false,
      },
    );
  }
}

/**
 * Whether a workbook may hold feedback, from the first record of its sheet's CSV (the header, as
 * `feedbackByHead` judges a CSV file): reading that far costs the spool and the shared strings,
 * not a second full parse of the sheet, which `prepare`'s rating pass otherwise did for every
 * workbook. A ZIP that is not a workbook is rejected whole by the parser, so it holds none.
 */
async function workbookMayHoldFeedback(bytes: AsyncIterable<Buffer>, file: string, signal: AbortSignal | undefined): Promise<boolean> {
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-xlsx-'));
  } catch (err) {
    throw tempError(file, err);
  }
  try {
    const path = join(dir, 'input.zip');
    await spool(bytes, path, file, signal);
    const content = await openZip(path, { dir, maxCellChars: DEFAULT_MAX_RECORD_BYTES, signal });
    if (content.kind === 'other') return false;
    // Any file of an archive may be ratings: the caller parses it to find them.
    if (content.kind === 'archive') {
      content.archive.close();
      return true;
    }
    const workbook = content.workbook;
    try {
      let head = Buffer.alloc(0);
      for await (const chunk of workbook.csv()) {
        head = Buffer.concat([head, chunk]);
        if (head.includes(0x0a) || head.length >= SNIFF_BYTES) break;
      }
      return feedbackByHead(head.subarray(0, SNIFF_BYTES)) !== false;
    } finally {
      workbook.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function spool(bytes: AsyncIterable<Buffer>, path: string, file: string, signal: AbortSignal | undefined): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'w');
  } catch (err) {
    throw tempError(file, err);
  }
  try {
    for await (const chunk of bytes) {
      signal?.throwIfAborted();
      try {
        await handle.write(chunk);
      } catch (err) {
        throw tempError(file, err);
      }
    }
  } finally {
    await handle.close();
  }
}

function tempError(file: string, err: unknown): IngestError {
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError('temp-storage-failed', file, `cannot spool the ZIP (workbook or archive) to a temp file: ${message}`, {
    cause: err,
    retriable: true,
  });
}

/**
 * A chat exported by a messenger (WhatsApp or LINE as text, a page of Telegram's HTML, a Discord
 * channel as DiscordChatExporter's text) is one
 * record: read whole, up to the record size limit, as one conversation.
 */
async function readChatExport(
  bytes: PeekableBytes,
  head: Buffer,
  options: {
    file: string;
    roles: RoleMapper;
    maxRecordBytes: number;
    archivedIn?: string;
    signal?: AbortSignal;
    timeZone?: string;
    /** Whose export: WhatsApp's text (`parseChatExport`), LINE's (`parseLineChat`) or a Telegram HTML page (`parseTelegramHtml`). */
    shape: 'chat-export' | 'line-chat' | 'telegram-html' | 'discord-text' | 'discord-html';
  },
): Promise<IngestItem> {
  const { file } = options;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    options.signal?.throwIfAborted();
    size += chunk.length;
    if (size > options.maxRecordBytes)
      return reject(
        { file, line: 1, record: preview(head) },
        'record-too-long',
        `the exported chat is over the ${options.maxRecordBytes}-byte limit of one record (the whole file is one conversation; record shows its start only); export a shorter period of the chat`,
      );
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const source = { file, line: 1, record: raw.toString('utf8') };
  if (!isUtf8(raw)) return reject({ ...source, record: preview(head) }, 'invalid-encoding', `${file} is not valid UTF-8 text`);
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  if (options.shape === 'line-chat') return parseLineChat(source, source.record, options.roles, zone);
  if (options.shape === 'discord-text') return parseDiscordText(source, source.record, options.roles, zone);
  if (options.shape === 'discord-html') return parseDiscordHtml(source, source.record.replace(/^\uFEFF/, ''), options.roles, zone);
  if (options.shape === 'telegram-html') return parseTelegramHtml(source, source.record.replace(/^\uFEFF/, ''), options.roles, zone);
  return parseChatExport(
    source,
    source.record.replace(/^\uFEFF/, ''),
    options.roles,
    { file, ...(options.archivedIn ? { archive: options.archivedIn } : {}) },
    // The phone's wall clock: the declared time zone of the file, if any (UTC otherwise).
    zone,
  );
}

function wholeFileRejection(file: string, head: Buffer, detail: string): IngestItem {
  return reject({ file, line: 1, record: preview(head) }, 'unknown-format', `cannot tell the format of ${file}: ${detail}`);
}

/**
 * The bytes as UTF-8: a UTF-16 file (byte-order mark) or one in a declared legacy encoding gets a
 * transcoding layer on top; a UTF-8 file none (it costs nothing more).
 */
function asUtf8(
  bytes: PeekableBytes,
  head: Buffer,
  file: string,
  layers: PeekableBytes[],
  declared: DeclaredEncoding | undefined,
): { bytes: PeekableBytes; used: EncodingUsed } | { refused: string } {
  const used = encodingToUse(head, declared);
  if ('refused' in used) return used;
  let transcoded: AsyncIterable<Buffer> | undefined;
  if (used.name === 'utf-16le' || used.name === 'utf-16be') transcoded = utf16AsUtf8(bytes, used.name);
  else if (isLegacyEncoding(used.name)) transcoded = declaredAsUtf8(bytes, used.name);
  if (!transcoded) return { bytes, used };
  const utf8 = new PeekableBytes(transcoded, file);
  layers.push(utf8);
  return { bytes: utf8, used };
}

function preview(head: Buffer): string {
  return head.subarray(0, RECORD_PREVIEW).toString('utf8');
}

interface JsonLinesContext extends LineItemContext {
  signal?: AbortSignal;
  mappings?: readonly Mapping[];
  /** Hand the lines after the format sniff on unparsed (`parseInputDeferring`). */
  defer?: { speakerRoles?: Record<string, ChatRole> };
  onWindows1252?: (line: number) => void;
  /** Where a file of message rows, Zendesk ticket events or message pages spills while it is grouped. */
  tempDir?: string;
  onNotice?: (message: string) => void;
}

async function* parseJsonLines(bytes: AsyncIterable<Buffer>, lineContext: JsonLinesContext): AsyncIterable<IngestItem | DeferredLine> {
  let context = lineContext;
  const { file, signal } = context;
  const lines = splitLines(bytes, {
    maxLineBytes: context.maxRecordBytes,
    onWindows1252: context.onWindows1252,
    declared: !!context.encoding,
  })[Symbol.asyncIterator]();
  // Lines that held several records (files joined without a line break), each record read on its own.
  const joined: number[] = [];
  try {
    // Look ahead until a line says which format the file is (its first lines may be broken).
    const window: ParsedLine[] = [];
    let family: JsonFamily | undefined;
    let windowBytes = 0;
    while (window.length < SNIFF_LINES && windowBytes < SNIFF_WINDOW_BYTES) {
      const next = await lines.next();
      if (next.done) break;
      const parsed = parseLine(next.value);
      window.push(parsed);
      windowBytes += next.value.text.length;
      // Records joined on one line: the first one says the format, as it would on a line of its own.
      const first = parsed.joined?.[0] ?? parsed;
      if (isJsonObject(first.value)) {
        const mapping = jsonMappingFor(first.value, context.mappings);
        if (mapping) context = { ...context, mapping };
        family = mapping ? 'messages' : jsonFamily(first.value);
      }
      if (family) break;
    }
    if (!family) {
      const records = window.filter((p) => p.line.kind !== 'text' || p.line.text.trim() !== '');
      if (records.length === 0) return;
      const detail = records.some((p) => isJsonObject(p.value))
        ? `no line among the first ${records.length} is a conversation ("messages"), FAQ ("question"+"answer") or feedback ("conversation_id"+"rating") record`
        : records[0].line.text.trim() === '{'
          ? 'it looks like one pretty-printed JSON document; write one JSON object per line (JSON Lines)'
          : `none of the first ${records.length} lines is valid JSON`;
      yield reject(
        {
          file,
          line: records[0].line.lineNo,
          record: records
            .map((p) => p.line.text)
            .join('\n')
            .slice(0, RECORD_PREVIEW),
        },
        'unknown-format',
        `cannot tell the format of ${file}: ${detail}`,
      );
      return;
    }
    if (family === 'message-rows' && !context.mapping) {
      // Rows of a conversation may be anywhere in the file: grouped as message CSV rows are, never deferred.
      const rowContext = context;
      yield* groupMessageRows(
        jsonMessageRows(fileRecords(window, lines, joined, signal), file, (parsed) => lineItem(parsed, 'message-rows', rowContext)),
        {
          file,
          roles: context.roles,
          signal,
          ...(context.tempDir ? { tempDir: context.tempDir } : {}),
          ...(context.timeZone ? { timeZone: context.timeZone } : {}),
          ...(context.onNotice ? { onNotice: context.onNotice } : {}),
        },
      );
      noteJoined(joined, context);
      return;
    }
    if (family === 'zendesk-events' && !context.mapping) {
      // A ticket's events are spread over the file: grouped by ticket here, never handed on line by line.
      yield* groupTicketEvents(ticketEventLines(fileRecords(window, lines, joined, signal), context), {
        file,
        roles: context.roles,
        tempDir: context.tempDir,
        signal,
      });
      noteJoined(joined, context);
      return;
    }
    if (isPagedFamily(family) && !context.mapping) {
      // A long conversation's message pages may be on several lines: grouped by conversation, never handed on line by line.
      yield* groupMessagePages(messagePageLines(fileRecords(window, lines, joined, signal), family, context), {
        file,
        family,
        roles: context.roles,
        tempDir: context.tempDir,
        signal,
      });
      noteJoined(joined, context);
      return;
    }
    for (const parsed of window) {
      for (const record of recordsOf(parsed, joined)) {
        const item = lineItem(record, family, context);
        if (item) yield item;
      }
    }
    if (context.defer) {
      const deferred: JsonLineContext = {
        file,
        family,
        ...(context.mapping ? { mapping: context.mapping } : {}),
        ...(context.defer.speakerRoles ? { speakerRoles: context.defer.speakerRoles } : {}),
        ...(context.timeZone ? { timeZone: context.timeZone } : {}),
      };
      for (;;) {
        signal?.throwIfAborted();
        const next = await lines.next();
        if (next.done) break;
        const line = next.value;
        if (line.kind !== 'text') {
          const item = lineItem({ line }, family, context);
          if (item) yield item;
        } else if (!isBlankLine(line.text)) {
          // A worker answers a line with one item: records joined on a line are read here, one by one.
          const parsed = mayBeJoined(line.text) ? parseLine(line) : undefined;
          if (parsed?.joined) {
            for (const record of recordsOf(parsed, joined)) {
              const item = lineItem(record, family, context);
              if (item) yield item;
            }
          } else yield { type: 'line', line: line.lineNo, text: line.text, context: deferred };
        }
      }
      noteJoined(joined, context);
      return;
    }
    for (;;) {
      signal?.throwIfAborted();
      const next = await lines.next();
      if (next.done) break;
      const parsed = parseLine(next.value);
      if (parsed.joined) {
        for (const record of recordsOf(parsed, joined)) {
          const item = lineItem(record, family, context);
          if (item) yield item;
        }
      } else {
        const item = lineItem(parsed, family, context);
        if (item) yield item;
      }
    }
    noteJoined(joined, context);
  } finally {
    await lines.return?.();
  }
}

/** The records of a parsed line: each of several joined on it (the line counted in `joined`), else the line itself. */
function recordsOf(parsed: ParsedLine, joined: number[]): readonly ParsedLine[] {
  if (!parsed.joined) return [parsed];
  joined.push(parsed.line.lineNo);
  return parsed.joined;
}

/** The report's notice of lines that held several records, as a repeated CSV header is noticed. */
function noteJoined(joined: readonly number[], context: JsonLinesContext): void {
  if (!joined.length) return;
  const shown = joined.slice(0, 5).map(linePlace).join(', ');
  context.onNotice?.(
    `${context.file}: ${joined.length} line(s) held more than one JSON record (${shown}${joined.length > 5 ? ', …' : ''}): files joined without a line break between them; each record was read on its own`,
  );
}

/**
 * The lines of a file of Zendesk ticket events: each event as the row it is grouped by ticket as;
 * any other line (broken JSON, too long, no usable ticket_id, another format) as its own item.
 */
async function* ticketEventLines(records: AsyncIterable<ParsedLine>, context: JsonLinesContext): AsyncIterable<MessageRow | IngestItem> {
  for await (const parsed of records) {
    const item =
      (parsed.line.kind === 'text' ? ticketEventRow(parsed.value, parsed.line.lineNo, parsed.line.text) : undefined) ??
      lineItem(parsed, 'zendesk-events', context);
    if (item) yield item;
  }
}

/**
 * The lines of a file of message pages (Freshchat, HubSpot): each page as the row it is grouped by
 * conversation as; any other line (broken JSON, too long, no usable conversation id, another
 * format) as its own item.
 */
async function* messagePageLines(
  records: AsyncIterable<ParsedLine>,
  family: PagedFamily,
  context: JsonLinesContext,
): AsyncIterable<MessageRow | IngestItem> {
  for await (const parsed of records) {
    const item =
      (parsed.line.kind === 'text' ? messagePageRow(parsed.value, parsed.line.lineNo, parsed.line.text, family) : undefined) ??
      lineItem(parsed, family, context);
    if (item) yield item;
  }
}

/**
 * The records of a file whose rows are grouped (message rows, ticket events): the sniff window's,
 * then every later line's, a line holding several records giving each (and noted in `joined`).
 */
async function* fileRecords(
  window: readonly ParsedLine[],
  lines: AsyncIterator<Line>,
  joined: number[],
  signal: AbortSignal | undefined,
): AsyncIterable<ParsedLine> {
  for (const parsed of window) yield* recordsOf(parsed, joined);
  for (;;) {
    signal?.throwIfAborted();
    const next = await lines.next();
    if (next.done) return;
    yield* recordsOf(parseLine(next.value), joined);
  }
}
