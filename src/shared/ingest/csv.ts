import { ATTACHMENT_COLUMNS, canonicalColumn, MESSAGE_ROW_COLUMNS, namesAttachment, plainColumn } from './columns';
import { isBlank } from './turns';
import { CsvScanner, type CsvScanFailure, type CsvScannedRecord } from './csvScanner';
import { isReplyThreadHeader, parseReplyThreads } from './formats/threads';
import { preferenceLabel } from './formats/llmDatasets';
import { parseChatTemplateRecord, templateOf } from './formats/chatTemplate';
import { mayHoldShapedTranscript, parseTranscriptRecord, transcriptColumnOf } from './formats/transcript';
import { isServiceNowColumns, parseServiceNowRecord } from './formats/serviceNow';
import { parseFaq, parseFeedback } from './jsonl';
import { mappedRating, type Mapping } from './mapping';
import { invalidEncodingDetail, legacyLinesAsUtf8, type DeclaredEncoding, type LegacyLines } from './encoding';
import { groupMessageRows, type MessageRow } from './messageCsv';
import { wholeFileId } from './ids';
import { discordRolesHint, isDiscordNotice } from './formats/discordText';
import { linePlace, reject, unusableRow } from './records';
import { createRoleMapper, type RoleMapper } from './roles';
import type { ChatRole, IngestItem, SourceRef } from './types';
import { ownValue, required } from '../lookup';

export interface CsvContext {
  file: string;
  roles: RoleMapper;
  /** The user's speaker names, so a mapping's roles can be added to them. */
  speakerRoles?: Record<string, ChatRole>;
  delimiter: string;
  maxRecordBytes: number;
  tempDir?: string;
  signal?: AbortSignal;
  mappings?: readonly Mapping[];
  /** Called with the number of each line that was not UTF-8 and was read as Windows-1252. */
  onWindows1252?: (line: number) => void;
  /** The encoding the file was declared in and transcoded from (`declaredAsUtf8`). */
  encoding?: DeclaredEncoding;
  /** The IANA zone the file's zone-less timestamps were written in (a declared time zone); absent: UTC. */
  timeZone?: string;
  /**
   * The number a user finds a row by, from the CSV line it starts on: a workbook's sheet row
   * (ingest/xlsx), where a cell's line breaks and skipped empty rows shift the CSV lines.
   */
  rowOfLine?: (line: number) => number;
  /** How a rejection names a row by that number ("line 17", "row 17 of sheet 'Chats'"). */
  place?: (line: number) => string;
  /** What the conversations' `source.line` counts (`SourceRef.unit`); absent: CSV rows. */
  unit?: SourceRef['unit'];
  /** Called with what the run's report should say about the file as a whole (each message names it). */
  onNotice?: (message: string) => void;
}

export type CsvFormat = 'message-csv' | 'faq' | 'feedback' | 'reply-thread' | 'transcript' | 'chat-template' | 'servicenow';

export function csvFormatOf(columns: readonly string[]): CsvFormat | undefined {
  const set = new Set(columns);
  if (isReplyThreadHeader(columns)) return 'reply-thread';
  if (set.has('question') && set.has('answer')) return 'faq';
  // TRL preference rows exported to CSV: the chosen reply answers the prompt (csvPair).
  if (set.has('question') && set.has('chosen') && set.has('rejected')) return 'faq';
  if (set.has('conversation_id') && set.has('speaker') && set.has('text')) return 'message-csv';
  // A rated chat export (`conversation_id,transcript,rating`) is the chats, not ratings of them.
  if (set.has('transcript') || set.has('chat_transcript')) return 'transcript';
  if (set.has('conversation_id') && set.has('rating')) return 'feedback';
  return undefined;
}

export interface CsvRow {
  /** 1-based line where the row starts. */
  line: number;
  /** The row as written (without its line break). */
  raw: string;
  fields: string[];
  /** A line of the row is neither UTF-8 nor plausible Windows-1252: the row is quarantined (`invalid-encoding`). */
  invalidEncoding?: boolean;
}

/**
 * CSV rows with the lines they start on. `CsvScanner` does the quoting; line numbers are counted
 * from each record's line breaks, after CRLF and lone CR are turned into LF. A row the scanner
 * cannot finish (an unclosed quote runs to the end of the file, or past the size limit) ends the
 * file with one `unreadable` item.
 */
export interface Unreadable {
  line: number;
  raw: string;
  detail: string;
}

/** The rows of one input chunk (batched: one async step per chunk, not per row); `unreadable` ends the file. */
export interface CsvBatch {
  rows: CsvRow[];
  unreadable?: Unreadable;
}

export async function* readCsvRows(
  bytes: AsyncIterable<Buffer>,
  options: {
    delimiter: string;
    maxRecordBytes: number;
    onWindows1252?: (line: number) => void;
    rowOfLine?: (line: number) => number;
    place?: (line: number) => string;
    encoding?: DeclaredEncoding;
  },
): AsyncIterable<CsvBatch> {
  const rowOfLine = options.rowOfLine ?? ((line: number) => line);
  const place = options.place ?? linePlace;
  const scanner = new CsvScanner({ delimiter: options.delimiter, maxRecordBytes: options.maxRecordBytes });
  const scanned: CsvScannedRecord[] = [];
  let failure: CsvScanFailure | undefined;

  const encoding: LegacyLines = { decoded: 0, invalid: new Set(), onDecoded: options.onWindows1252, declared: !!options.encoding };
  const spansInvalidLine = (first: number, last: number) => {
    for (let n = first; n <= last; n++) if (encoding.invalid.has(n)) return true;
    return false;
  };
  let line = 1;
  // The bytes not yet returned as rows, so that a row the scanner cannot finish can still be shown.
  const unread: Buffer[] = [];
  let unreadStart = 0;
  let consumed = 0;
  function drain(): CsvRow[] {
    const rows: CsvRow[] = [];
    for (const record of scanned) {
      consumed += record.bytes;
      const row: CsvRow = { line: line + record.emptyLinesBefore, raw: record.raw, fields: record.fields };
      const next = line + record.lineBreaks;
      if (encoding.invalid.size && spansInvalidLine(row.line, Math.max(row.line, next - 1))) row.invalidEncoding = true;
      if (options.rowOfLine) row.line = options.rowOfLine(row.line);
      rows.push(row);
      line = next;
    }
    scanned.length = 0;
    for (const n of encoding.invalid) if (n < line) encoding.invalid.delete(n);
    while (unread.length && unreadStart + unread[0].length <= consumed) unreadStart += unread.shift()?.length ?? 0;
    return rows;
  }

  let beforeFailure: CsvRow[] = [];
  for await (const chunk of legacyLinesAsUtf8(normalizeLineBreaks(bytes), encoding)) {
    unread.push(chunk);
    failure = scanner.write(chunk, scanned);
    const rows = drain();
    if (failure) {
      beforeFailure = rows;
      break;
    }
    if (rows.length) yield { rows };
  }
  if (!failure) {
    failure = scanner.end(scanned);
    const rows = drain();
    if (failure) beforeFailure = rows;
    else if (rows.length) yield { rows };
  }
  if (failure) {
    const at = place(rowOfLine(line));
    const detail =
      failure.code === 'CSV_QUOTE_NOT_CLOSED'
        ? `a quoted field opened at ${at} is never closed, so the rest of the file cannot be read as CSV (conversations with rows there may be incomplete)`
        : `a row starting at ${at} is over ${options.maxRecordBytes} bytes (usually an unclosed quote); the rest of the file cannot be read as CSV`;
    const rest = Buffer.concat(unread).subarray(consumed - unreadStart);
    const raw = rest.subarray(0, UNREADABLE_PREVIEW_BYTES).toString('utf8').replace(/^\n+/, '');
    // Rows completed before the failure still count; they come first.
    yield { rows: beforeFailure, unreadable: { line: rowOfLine(line), raw, detail } };
  }
}

const UNREADABLE_PREVIEW_BYTES = 2048;

/** CRLF and lone CR → LF, and a leading UTF-8 BOM dropped, across chunk boundaries. */
export async function* normalizeLineBreaks(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let first = true;
  let carryCr = false;
  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (carryCr) {
      carryCr = false;
      if (chunk.length && chunk[0] === 0x0a) chunk = chunk.subarray(1);
      yield Buffer.from([0x0a]);
    }
    if (chunk.indexOf(0x0d) === -1) {
      if (chunk.length) yield chunk;
      continue;
    }
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 0x0d) out[n++] = b;
      else if (i === chunk.length - 1) carryCr = true;
      else if (chunk[i + 1] !== 0x0a) out[n++] = 0x0a;
    }
    if (n) yield out.subarray(0, n);
  }
  if (carryCr) yield Buffer.from([0x0a]);
}

/** A CSV file of one of the three CSV formats → items (message rows are grouped into conversations). */
export async function* parseCsv(bytes: AsyncIterable<Buffer>, context: CsvContext): AsyncIterable<IngestItem> {
  // Every reader of a CSV layout builds its own sources; the unit is the file's, so it is set here once.
  const unit = context.unit ?? 'csv-row';
  for await (const item of csvItems(bytes, context)) {
    if (item.type === 'conversation') item.conversation.source.unit = unit;
    yield item;
  }
}

async function* csvItems(bytes: AsyncIterable<Buffer>, context: CsvContext): AsyncIterable<IngestItem> {
  const { file, signal } = context;
  const place = context.place ?? linePlace;
  const batches = readCsvRows(bytes, context)[Symbol.asyncIterator]();
  try {
    let first = await batches.next();
    if (first.done) return;
    // Excel's `sep=;` hint (detection took the delimiter from it) comes before the header.
    if (isSeparatorHint(first.value.rows.at(0), context.delimiter)) {
      first.value.rows.shift();
      while (!first.done && !first.value.rows.length && !first.value.unreadable) first = await batches.next();
      if (first.done) return;
    }
    const header = first.value.rows.at(0);
    const firstRows = first.value.rows.slice(1);
    if (!header) {
      // A first batch without rows is one that failed before its first row: it says why.
      const unreadable = required(first.value.unreadable, 'the reason the first CSV row is unreadable');
      yield reject(
        { file, line: unreadable.line, record: unreadable.raw },
        'unknown-format',
        `cannot tell the format of ${file}: ${unreadable.detail}`,
      );
      return;
    }
    const columns = withoutEmptyTail(header.fields).map(canonicalColumn);
    const mapping = csvMappingFor(columns, context.mappings);
    if (mapping) {
      const index = new Map<string, number>();
      const named: [string, string | undefined][] = [
        ['conversation_id', mapping.id],
        ['speaker', mapping.role],
        ['text', mapping.text],
        ['timestamp', mapping.timestamp],
        ['issue_type', mapping.issueType],
        ['csat', mapping.rating],
      ];
      for (const [name, column] of named) if (column !== undefined) index.set(name, columns.indexOf(canonicalColumn(column)));
      const all = fittedRows(withFirst({ rows: firstRows, unreadable: first.value.unreadable }, batches), header, context);
      const roles = mappedRoleMapper(mapping, context.speakerRoles);
      yield* groupMessageRows(mappedRows(toMessageRows(all, index, columns.length, file, context.encoding, place), mapping, roles), {
        file,
        roles,
        tempDir: context.tempDir,
        signal,
        place,
        timeZone: context.timeZone,
        onNotice: context.onNotice,
      });
      return;
    }
    const plainColumns = withoutEmptyTail(header.fields).map(plainColumn);
    let format = csvFormatOf(columns) ?? (isServiceNowColumns(plainColumns) ? 'servicenow' : undefined);
    // Columns that hold a transcript only in a transcript's shape (`body`, `conversation`, `chat`)
    // are judged by the first data row, which may come in a later chunk than the header.
    // So is a `text` column holding chats rendered with a chat template (./formats/chatTemplate.ts).
    const buffered: CsvBatch[] = [];
    const textColumn = plainColumns.indexOf('text');
    if (!format && (mayHoldShapedTranscript(plainColumns) || textColumn >= 0)) {
      let sample = firstRows.at(0);
      for (let last = first.value; !sample && !last.unreadable;) {
        const next = await batches.next();
        if (next.done) break;
        last = next.value;
        buffered.push(last);
        sample = last.rows.at(0);
      }
      if (transcriptColumnOf(plainColumns, sample?.fields) >= 0) format = 'transcript';
      else if (textColumn >= 0 && templateOf(sample?.fields[textColumn] ?? '') !== undefined) format = 'chat-template';
    }
    // A chat exported on its own (DiscordChatExporter's CSV, a messenger's "export chat"): who said
    // what, with no column saying which conversation; the file is the conversation. Unless a column
    // may say which conversation a row is of ("case_number", "thread_id", "Room"): then the file is
    // many conversations, which only the user can say how to group.
    const messageColumns = !format && columns.includes('speaker') && columns.includes('text') && !columns.includes('conversation_id');
    const groupingColumn = messageColumns
      ? header.fields.find((h, i) => GROUPING_COLUMN.test(plainColumns[i] ?? '') && !PERSON_COLUMN.test(plainColumns[i] ?? ''))
      : undefined;
    const wholeFile = messageColumns && groupingColumn === undefined;
    if (wholeFile) format = 'message-csv';
    if (groupingColumn !== undefined) {
      yield reject(
        { file, line: header.line, record: header.raw },
        'unknown-format',
        `cannot tell the conversations of ${file}: it has speaker and text columns but no conversation_id; the column ${JSON.stringify(groupingColumn)} may be what groups the rows into conversations: rename it conversation_id, or describe the layout with a mapping whose "id" is that column (see docs/input-formats.md)`,
      );
      return;
    }
    if (!format) {
      yield reject(
        { file, line: header.line, record: header.raw },
        'unknown-format',
        `cannot tell the format of ${file}: the CSV header (${header.fields.join(', ')}) has neither conversation_id+speaker+text (messages), question+answer (FAQ), conversation_id+rating (feedback), tweet_id+in_response_to_tweet_id+inbound+text (reply threads) nor a chat transcript column (transcript, chat_transcript, or a Salesforce Body), nor a ServiceNow list export (number, a caller, comments_and_work_notes), nor a text column of chats in a chat template; describe the layout with a mapping (see docs/input-formats.md)`,
      );
      return;
    }
    const index = new Map<string, number>();
    columns.forEach((name, i) => {
      if (!index.has(name)) index.set(name, i);
    });
    // A chat's own export dates each message in a "date" column (DiscordChatExporter: the time with its offset).
    if (wholeFile && !index.has('timestamp') && index.has('date')) index.set('timestamp', required(index.get('date'), 'the date column'));
    const all = fittedRows(withFirst({ rows: firstRows, unreadable: first.value.unreadable }, batches, buffered), header, context);

    if (format === 'reply-thread') {
      yield* parseReplyThreads(all, {
        file,
        roles: context.roles,
        columns,
        tempDir: context.tempDir,
        signal,
        encoding: context.encoding,
        place,
        timeZone: context.timeZone,
        onNotice: context.onNotice,
      });
      return;
    }

    if (format === 'servicenow') {
      const { timeZone } = context;
      yield* textRows(all, plainColumns, context, (source, record, roles) => parseServiceNowRecord(source, record, roles, timeZone));
      return;
    }

    if (format === 'transcript' || format === 'chat-template') {
      yield* textRows(all, plainColumns, context, format === 'transcript' ? parseTranscriptRecord : parseChatTemplateRecord);
      return;
    }

    if (format === 'message-csv') {
      const oneConversation = wholeFile ? wholeFileConversation(file, plainColumns, context) : undefined;
      yield* groupMessageRows(
        toMessageRows(all, index, columns.length, file, context.encoding, place, oneConversation?.id, oneConversation?.notMessage),
        {
          file,
          roles: context.roles,
          ...(oneConversation ? { speakerHint: oneConversation.speakerHint, wholeChat: true } : {}),
          tempDir: context.tempDir,
          signal,
          place,
          timeZone: context.timeZone,
          onNotice: context.onNotice,
        },
      );
      return;
    }

    for await (const batch of all) {
      for (const row of batch.rows) {
        signal?.throwIfAborted();
        const unusable = unusableRow(row, columns.length, file, context.encoding);
        if (unusable) {
          yield unusable;
          continue;
        }
        const source: SourceRef = { file, line: row.line, record: row.raw };
        const record: Record<string, string> = {};
        for (const [name, i] of index) record[name] = row.fields[i];
        // Alpaca's optional input belongs to the instruction.
        if (format === 'faq' && ownValue(record, 'input')?.trim() && ownValue(record, 'question')?.trim())
          record.question = `${record.question}\n\n${record.input}`;
        yield format === 'faq' ? csvPair(source, record, context.roles) : parseFeedback(source, record);
      }
      if (batch.unreadable) yield unreadableItem(file, batch.unreadable);
    }
  } finally {
    await batches.return?.();
  }
}

/**
 * A question-and-answer row. Two layouts of preference data (llmDatasets.ts) are read here too:
 * TRL preference rows (`prompt`, `chosen`, `rejected`) train the chosen reply and set the other
 * aside; unpaired-preference (KTO) rows (`prompt`, `completion`, `label`) with the label `false`
 * mark a reply not to give, and are quarantined instead of trained on. A `label` that is not
 * true/false (a class name) is not read as such a mark.
 */
function csvPair(source: SourceRef, record: Record<string, string>, roles: RoleMapper): IngestItem {
  // A prompt rendered with a chat template: its turns, not a question full of template tokens.
  const question = ownValue(record, 'question');
  if (question !== undefined && templateOf(question)) {
    const completion = ownValue(record, 'answer') ?? ownValue(record, 'chosen') ?? '';
    const item = parseChatTemplateRecord(source, { prompt: question, completion }, roles);
    if (item.type === 'conversation' && ownValue(record, 'rejected') !== undefined) item.conversation.setAside = { 'rejected-reply': 1 };
    if (preferenceLabel(ownValue(record, 'label')) !== false) return item;
  }
  if (preferenceLabel(ownValue(record, 'label')) === false)
    return reject(
      source,
      'undesirable-completion',
      '"label" is false: the row marks its completion as a reply not to give, so it is not training data',
    );
  if (ownValue(record, 'answer') !== undefined || ownValue(record, 'chosen') === undefined) return parseFaq(source, record);
  const item = parseFaq(source, { ...record, answer: record.chosen });
  if (item.type === 'conversation') item.conversation.setAside = { 'rejected-reply': 1 };
  return item;
}

/**
 * One chat per row, kept in one text column (a transcript, a chat template text): the row as a
 * record keyed by its plain column names (the first of a repeated name wins), read as a JSON record.
 */
async function* textRows(
  batches: AsyncIterable<CsvBatch>,
  columns: readonly string[],
  context: CsvContext,
  parseRecord: (source: SourceRef, record: Record<string, string>, roles: RoleMapper) => IngestItem,
): AsyncIterable<IngestItem> {
  const { file, signal } = context;
  for await (const batch of batches) {
    for (const row of batch.rows) {
      signal?.throwIfAborted();
      const unusable = unusableRow(row, columns.length, file, context.encoding);
      if (unusable) {
        yield unusable;
        continue;
      }
      const source: SourceRef = { file, line: row.line, record: row.raw };
      const record: Record<string, string> = {};
      columns.forEach((name, i) => {
        if (!Object.prototype.hasOwnProperty.call(record, name)) record[name] = row.fields[i];
      });
      yield parseRecord(source, record, context.roles);
    }
    if (batch.unreadable) yield unreadableItem(file, batch.unreadable);
  }
}

/**
 * Excel writes a delimiter for every column a sheet ever used ("ghost" columns, once filled and
 * cleared): empty cells after the last named column are not data, in the header or in a row.
 */
/**
 * Whether a CSV file whose first bytes are `head` can hold feedback records: only when its header
 * has the columns of the feedback layout (`conversation_id` + `rating`, or their aliases such as
 * Zendesk's `ticket_id` + `score`). A message, transcript or FAQ file with a rating column, or a
 * message that mentions a "rating", is not feedback; such files used to be parsed twice by
 * `prepare` (once for ratings that were never there). True when the header is longer than the head.
 */
export function csvHeadMayHoldFeedback(head: Buffer, delimiter: string): boolean {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const scanner = new CsvScanner({ delimiter, maxRecordBytes: head.length + 1 });
  const records: CsvScannedRecord[] = [];
  scanner.write(Buffer.from(text.replace(/\r\n?/g, '\n')), records);
  let header = records.at(0);
  if (header && isSeparatorHint({ line: 1 + header.emptyLinesBefore, raw: header.raw, fields: header.fields }, delimiter))
    header = records.at(1);
  if (!header) return true;
  return csvFormatOf(withoutEmptyTail(header.fields).map(canonicalColumn)) === 'feedback';
}

function withoutEmptyTail(fields: string[], keep = 0): string[] {
  let end = fields.length;
  while (end > keep && fields[end - 1].trim() === '') end--;
  return end === fields.length ? fields : fields.slice(0, end);
}

/**
 * Rows with empty cells beyond the header's width, cut to it (a row with text there keeps it, and
 * is rejected as before), without the header rows of files joined into this one
 * (`repeatedHeaderRows`).
 */
async function* fittedRows(batches: AsyncIterable<CsvBatch>, header: CsvRow, context: CsvContext): AsyncIterable<CsvBatch> {
  const width = withoutEmptyTail(header.fields).length;
  const repeats = repeatedHeaderRows(header, context.delimiter);
  for await (const batch of batches) {
    let kept = 0;
    for (const row of batch.rows) {
      if (repeats.test(row)) continue;
      if (row.fields.length > width) row.fields = withoutEmptyTail(row.fields, width);
      batch.rows[kept++] = row;
    }
    batch.rows.length = kept;
    yield batch;
  }
  repeats.report(context);
}

/**
 * Files joined into one (`cat day1.csv day2.csv`, a spreadsheet's appended exports) repeat their
 * header, and their Excel `sep=` line, where each file starts, maybe after a byte-order mark. Such a
 * row is not a record: read as one it became a bogus conversation (speaker "speaker") or FAQ pair
 * ("question" → "answer"). It is skipped, and the report says where.
 */
function repeatedHeaderRows(header: CsvRow, delimiter: string) {
  const headerRaw = withoutByteOrderMark(header.raw);
  const hint = `sep=${delimiter}`;
  const lines: number[] = [];
  // The header as written, again: joined files of one export tool repeat it byte for byte. Rows of
  // another length (nearly all) are told apart without looking at their text.
  const isHeader = (row: CsvRow): boolean => {
    const length = row.raw.length;
    if (length === headerRaw.length || length === headerRaw.length + 1) return withoutByteOrderMark(row.raw) === headerRaw;
    return (length === hint.length || length === hint.length + 1) && withoutByteOrderMark(row.raw).toLowerCase() === hint;
  };
  return {
    test(row: CsvRow): boolean {
      if (!isHeader(row)) return false;
      lines.push(row.line);
      return true;
    },
    report(context: CsvContext): void {
      if (!lines.length) return;
      const place = context.place ?? linePlace;
      const shown = lines.slice(0, 5).map(place).join(', ');
      context.onNotice?.(
        `${context.file}: ${lines.length} row(s) repeat the header (${shown}${lines.length > 5 ? ', …' : ''}): files joined into one; skipped as headers, not read as records`,
      );
    },
  };
}

function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isSeparatorHint(row: CsvRow | undefined, delimiter: string): boolean {
  if (!row || row.line !== 1) return false;
  const [hint, ...rest] = row.fields;
  return hint.toLowerCase() === 'sep=' && rest.length === 1 && rest[0] === '' && row.raw.toLowerCase() === `sep=${delimiter}`;
}

/** `first`, the batches already taken from `rest` (`buffered`), then the rest. */
async function* withFirst(first: CsvBatch, rest: AsyncIterator<CsvBatch>, buffered: readonly CsvBatch[] = []): AsyncIterable<CsvBatch> {
  yield first;
  if (first.unreadable) return;
  for (const batch of buffered) {
    yield batch;
    if (batch.unreadable) return;
  }
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** The CSV mapping (one without `turns`) whose id, role and text columns are all in the header. */
export function csvMappingFor(columns: readonly string[], mappings: readonly Mapping[] | undefined): Mapping | undefined {
  return mappings?.find(
    (m) => m.turns === undefined && [m.id, m.role, m.text].every((c) => c !== undefined && columns.includes(canonicalColumn(c))),
  );
}

function mappedRoleMapper(mapping: Mapping, speakerRoles: Record<string, ChatRole> | undefined): RoleMapper {
  const explicit: Record<string, ChatRole> = { ...speakerRoles };
  for (const [name, role] of Object.entries(mapping.roles)) if (role !== 'skip') explicit[name] = role;
  return createRoleMapper(explicit);
}

/** Rows whose role the mapping says to skip are left out (internal notes); ratings such as "good" become numbers. */
async function* mappedRows(
  batches: AsyncIterable<(MessageRow | IngestItem)[]>,
  mapping: Mapping,
  roles: RoleMapper,
): AsyncIterable<(MessageRow | IngestItem)[]> {
  const skip = new Set(
    Object.entries(mapping.roles)
      .filter(([, r]) => r === 'skip')
      .map(([name]) => name.trim().toLowerCase()),
  );
  for await (const batch of batches) {
    yield batch.filter((row) => {
      if ('type' in row) return true;
      if (row.csat !== undefined) {
        const rating = mappedRating(row.csat, mapping);
        row.csat = rating === undefined ? undefined : String(rating);
      }
      return !(skip.has(row.speaker.trim().toLowerCase()) && roles.roleOf(row.speaker) === undefined);
    });
  }
}

function unreadableItem(file: string, unreadable: Unreadable): IngestItem {
  return reject({ file, line: unreadable.line, record: unreadable.raw }, 'invalid-csv', unreadable.detail);
}

/** Message rows for grouping, a batch per chunk; a row that cannot belong to any conversation is passed on as a rejection. */
async function* toMessageRows(
  batches: AsyncIterable<CsvBatch>,
  index: Map<string, number>,
  width: number,
  file: string,
  declared: DeclaredEncoding | undefined,
  place: (line: number) => string,
  /** The id of every row: the file holds one conversation and no id column. */
  wholeFileId?: (first: { speaker: string; text: string }) => string,
  /** Rows that are no message (DiscordChatExporter's notices): kept in the record, no turn. */
  notMessage?: (text: string) => boolean,
): AsyncIterable<(MessageRow | IngestItem)[]> {
  let oneId: string | undefined;
  const column = (name: string) => index.get(name) ?? -1;
  const [idAt, speakerAt, textAt, timestampAt, issueAt, channelAt, csatAt] = MESSAGE_ROW_COLUMNS.map(column);
  const at = (fields: string[], i: number): string | undefined => (i < 0 ? undefined : fields[i]);
  const modelAt = index.has('model') ? column('model') : index.has('deployment') ? column('deployment') : column('deployment_name');
  const messageIdAt = column('message_id');
  const attachmentAt = ATTACHMENT_COLUMNS.map(column).find((i) => i >= 0) ?? -1;
  for await (const batch of batches) {
    const out: (MessageRow | IngestItem)[] = [];
    for (const row of batch.rows) {
      const conversationId = wholeFileId
        ? (oneId ??= wholeFileId({ speaker: at(row.fields, speakerAt) ?? '', text: at(row.fields, textAt) ?? '' }))
        : (at(row.fields, idAt) ?? '').trim();
      if (!conversationId) {
        out.push(
          reject(
            { file, line: row.line, record: row.raw },
            'missing-field:conversation_id',
            'the row has no conversation_id, so it belongs to no conversation',
          ),
        );
        continue;
      }
      const messageRow: MessageRow = {
        conversationId,
        line: row.line,
        raw: row.raw,
        speaker: at(row.fields, speakerAt) ?? '',
        text: at(row.fields, textAt) ?? '',
        timestamp: at(row.fields, timestampAt),
        issueType: at(row.fields, issueAt),
        channel: at(row.fields, channelAt),
        csat: at(row.fields, csatAt),
      };
      if (notMessage?.(messageRow.text)) messageRow.notice = true;
      else if (attachmentAt >= 0 && isBlank(messageRow.text) && namesAttachment(row.fields[attachmentAt])) messageRow.media = true;
      const model = at(row.fields, modelAt);
      if (model !== undefined && model.trim() !== '') messageRow.model = model;
      const messageId = at(row.fields, messageIdAt);
      if (messageId !== undefined && messageId.trim() !== '') messageRow.messageId = messageId;
      if (row.invalidEncoding)
        messageRow.error = {
          reason: 'invalid-encoding',
          detail: invalidEncodingDetail(declared ? `${place(row.line)} of ${file}` : place(row.line), declared),
        };
      else if (row.fields.length !== width) {
        messageRow.error = {
          reason: 'invalid-row',
          detail: `${place(row.line)} has ${row.fields.length} fields but the header has ${width}`,
        };
      }
      out.push(messageRow);
    }
    if (batch.unreadable) out.push(unreadableItem(file, batch.unreadable));
    yield out;
  }
}

/** Column names that may group message rows into conversations (a case, thread, room, ticket, call…). */
const GROUPING_COLUMN =
  /(?:^|_)(?:case|thread|room|chat|contact|interaction|session|ticket|conversation|conv|dialog|dialogue|incident|call)(?:_?(?:id|sid|number|no|nr|key|ref))?(?:$|_)/;
/** …except those naming a person or a message ("author_id", "sender_id", "message_id"). */
const PERSON_COLUMN = /(?:^|_)(?:author|sender|user|participant|speaker|agent|customer|message|msg|from|to)(?:$|_)|^authorid$/;

/** DiscordChatExporter's CSV header: it names neither the conversation nor the authors' server roles. */
const DISCORD_CSV_COLUMNS = ['authorid', 'author', 'date', 'content'];

/**
 * The conversation of a message file without an id column (`wholeFileId`), and the report saying
 * the file was read as one conversation.
 */
function wholeFileConversation(
  file: string,
  plainColumns: readonly string[],
  context: CsvContext,
): { id: (first: { speaker: string; text: string }) => string; speakerHint?: string; notMessage?: (text: string) => boolean } {
  const discord = DISCORD_CSV_COLUMNS.every((c) => plainColumns.includes(c));
  context.onNotice?.(
    `${file} has message columns but no conversation id column (conversation_id, ticket_id, chat_id, session_id…): its rows are read as one conversation${discord ? ' (a DiscordChatExporter CSV: one channel or thread)' : ''}`,
  );
  return {
    id: (first) => wholeFileId(discord ? 'discord' : 'chat', file, first.speaker, first.text),
    ...(discord
      ? {
          notMessage: isDiscordNotice,
          speakerHint: discordRolesHint('CSV'),
        }
      : {}),
  };
}
