import { invalidEncodingDetail, type DeclaredEncoding } from './encoding';
import { isJsonObject, jsonFamily, parseJsonRecord, unrecognisedRecord, type JsonFamily } from './jsonl';
import { MAX_RECORD_DEPTH, nestsDeeperThan, splitJsonDocument, type DocumentPart } from './jsonDocument';
import { jsonMappingFor, parseMapped, type Mapping } from './mapping';
import { reject } from './records';
import { isSlackMessage } from './slackExport';
import type { RoleMapper } from './roles';
import type { IngestItem, SourceRef } from './types';
import type { MessageRow } from './messageCsv';
import { groupTicketEvents, ticketEventRow } from './zendeskEvents';
import { groupMessagePages, isPagedFamily, messagePageRow } from './messagePages';

export { MAX_RECORD_DEPTH } from './jsonDocument';

export interface DocumentContext {
  file: string;
  roles: RoleMapper;
  maxRecordBytes: number;
  signal?: AbortSignal;
  /** Elements to look at before deciding that none is a known record. */
  sniffRecords: number;
  mappings?: readonly Mapping[];
  /** The file's declared encoding: an invalid element's rejection names it. */
  encoding?: DeclaredEncoding;
  /** The IANA zone the file's zone-less timestamps were written in; absent: UTC. */
  timeZone?: string;
  /** Where a document of Zendesk ticket events spills its events while grouping them by ticket. */
  tempDir?: string;
}

const PREVIEW = 2048;

/**
 * Telegram's account export (`result.json` of Settings, Advanced, Export Telegram data) holds every
 * chat in `chats.list` and the chats the account left in `left_chats.list`, beside the account's
 * own data (personal information, contacts, profile pictures), which are no records.
 */
const SECTIONS: ReadonlySet<string> = new Set(['chats', 'left_chats']);

/**
 * A file that starts like JSON lines may be one compact document instead (`curl .../tickets.json`
 * writes `{"tickets":[...],"count":2}` on one line). It is, when the first array member of its first
 * object holds a record of a known format (or one a mapping fits) among its first `elementsToDecide`
 * elements, complete within the bytes looked at. A conversation line (`{"messages":[...]}`) is not:
 * its first array holds turns, not records.
 */
export async function isCompactWrapper(head: Buffer, elementsToDecide: number, mappings?: readonly Mapping[]): Promise<boolean> {
  const newline = head.indexOf(0x0a);
  const firstLine = newline === -1 ? head : head.subarray(0, newline);
  async function* once(): AsyncIterable<Buffer> {
    yield firstLine;
  }
  const isRecord = (value: unknown) =>
    isJsonObject(value) && (jsonMappingFor(value, mappings) !== undefined || jsonFamily(value) !== undefined);
  for await (const part of splitJsonDocument(once(), { maxRecordBytes: head.length + 1, isRecord, elementsToDecide, sections: SECTIONS })) {
    return part.kind === 'element' && part.array !== undefined;
  }
  return false;
}

/**
 * A JSON document (array of records, or an object holding arrays of records) → items, streamed:
 * each element is detected like a JSON line; quarantine lines carry the element's starting line,
 * and the detail names the element's index (and the array's key in a wrapper object).
 */
export async function* parseJsonDocument(bytes: AsyncIterable<Buffer>, context: DocumentContext): AsyncIterable<IngestItem> {
  const { file, signal } = context;
  const parts = splitJsonDocument(bytes, {
    maxRecordBytes: context.maxRecordBytes,
    elementsToDecide: context.sniffRecords,
    sections: SECTIONS,
    isRecord: (value) => isJsonObject(value) && (jsonMappingFor(value, context.mappings) !== undefined || jsonFamily(value) !== undefined),
  })[Symbol.asyncIterator]();
  try {
    const window: Parsed[] = [];
    let family: JsonFamily | undefined;
    let mapping: Mapping | undefined;
    while (!family && window.length < context.sniffRecords) {
      const next = await parts.next();
      if (next.done) break;
      const parsed = parsePart(next.value);
      window.push(parsed);
      if (isJsonObject(parsed.value)) {
        mapping = jsonMappingFor(parsed.value, context.mappings);
        family = mapping ? 'messages' : jsonFamily(parsed.value);
      }
    }
    const reading = { ...context, mapping };
    if (!family) {
      if (window.length === 0) return;
      const objects = window.filter((p) => isJsonObject(p.value));
      const keys = objects.length ? [...new Set(objects.flatMap((p) => Object.keys(p.value as object)))].slice(0, 12).join(', ') : '';
      // Its chats are read from `chats.list` (SECTIONS): an account export that comes here holds none.
      const telegramAccount = objects.some((p) => 'personal_information' in (p.value as Record<string, unknown>));
      const slackDay = objects.some((p) => isSlackMessage(p.value));
      const detail = slackDay
        ? `the JSON document is a day file of a Slack export (a JSON array of one day's messages of a channel), which holds no whole conversation (a thread's replies stand in the files of the days they were written); give the export's ZIP as Slack delivers it (Export data), or the whole folder it unzips to, whose day files are read together with its users.json`
        : telegramAccount
          ? `the JSON document is a Telegram account export without chats (its keys: ${keys}); export again with "Personal chats" ticked (Telegram Desktop: Settings, Advanced, Export Telegram data, format JSON), or export each customer's chat on its own (the chat's menu, Export chat history)`
          : objects.length
            ? `no record among the first ${window.length} of the JSON document is a known format (their keys: ${keys}); describe the layout with a mapping (see docs/input-formats.md)`
            : window[0].part.kind === 'broken'
              ? window[0].part.detail
              : `the JSON document holds no objects among its first ${window.length} elements`;
      const first = window[0].part;
      const record = window
        .map((p) => p.part.text)
        .join('\n')
        .slice(0, PREVIEW);
      yield reject({ file, line: first.line, record }, 'unknown-format', `cannot tell the format of ${file}: ${detail}`);
      return;
    }
    if (family === 'message-rows' && !mapping) {
      // Grouping needs every element's place for the erasure to find a conversation's rows again,
      // which a document's lines (often the whole array on one) do not give.
      const first = window[window.length - 1].part;
      yield reject(
        { file, line: first.line, record: first.text.slice(0, PREVIEW) },
        'unknown-format',
        `cannot tell the format of ${file}: the JSON document holds message rows (conversation id, speaker, text: one message per element); write them as JSON lines, one row per line (pandas: to_json(orient="records", lines=True)), and they are grouped into conversations`,
      );
      return;
    }
    if (family === 'zendesk-events' && !mapping) {
      // A ticket's events are spread over the document: grouped by ticket.
      yield* groupTicketEvents(ticketEventElements(window, parts, reading), {
        file,
        roles: context.roles,
        tempDir: context.tempDir,
        signal,
      });
      return;
    }
    if (isPagedFamily(family) && !mapping) {
      // Pages of one conversation may be anywhere in the array (a script saving every page of the
      // API in one file): grouped by conversation as pages on JSON lines are.
      const paged = family;
      const entry = (parsed: Parsed) =>
        (parsed.part.kind === 'element' ? messagePageRow(parsed.value, parsed.part.line, parsed.part.text, paged) : undefined) ??
        itemOf(parsed, paged, reading);
      yield* groupMessagePages(elementEntries(window, parts, entry, signal), {
        file,
        family: paged,
        roles: context.roles,
        tempDir: context.tempDir,
        signal,
        elements: true,
      });
      return;
    }
    for (const parsed of window) yield itemOf(parsed, family, reading);
    for (;;) {
      signal?.throwIfAborted();
      const next = await parts.next();
      if (next.done) break;
      yield itemOf(parsePart(next.value), family, reading);
    }
  } finally {
    await parts.return?.();
  }
}

interface Parsed {
  part: DocumentPart;
  value?: unknown;
  error?: string;
  deep?: boolean;
}

function parsePart(part: DocumentPart): Parsed {
  if (part.kind !== 'element' && part.kind !== 'whole') return { part };
  try {
    const value: unknown = JSON.parse(part.text);
    return nestsDeeperThan(value, MAX_RECORD_DEPTH) ? { part, deep: true } : { part, value };
  } catch (err) {
    return { part, error: err instanceof Error ? err.message : String(err) };
  }
}

function where(part: DocumentPart): string {
  if (part.kind === 'whole' || part.kind === 'broken') return 'the document';
  return `element ${part.index}${part.array ? ` of "${part.array}"` : ''} (line ${part.line})`;
}

function itemOf(parsed: Parsed, fileFamily: JsonFamily, context: DocumentContext & { mapping?: Mapping }): IngestItem {
  const { part } = parsed;
  const source: SourceRef = { file: context.file, line: part.line, record: part.kind === 'too-long' ? part.text : part.text };
  const at = where(part);
  switch (part.kind) {
    case 'broken':
      return reject(
        { ...source, record: part.text.slice(0, PREVIEW) },
        'invalid-json',
        `${context.file} is not valid JSON from line ${part.line} on: ${part.detail}`,
      );
    case 'bad-encoding':
      return reject(
        source,
        'invalid-encoding',
        context.encoding ? invalidEncodingDetail(`${at} of ${context.file}`, context.encoding) : `${at} is not valid UTF-8 text`,
      );
    case 'too-long':
      return reject(
        source,
        'record-too-long',
        `${at} is ${part.bytes} bytes, over the ${context.maxRecordBytes}-byte limit (record shows its start only)`,
      );
    default:
      break;
  }
  if (parsed.deep)
    return reject(
      { ...source, record: part.text.slice(0, PREVIEW) },
      'record-too-deep',
      `${at} nests more than ${MAX_RECORD_DEPTH} levels deep (record shows its start only)`,
    );
  if (parsed.error !== undefined) return reject(source, 'invalid-json', `${at} is not valid JSON: ${parsed.error}`);
  if (!isJsonObject(parsed.value))
    return reject(source, 'invalid-record', `${at} is valid JSON but not an object; every record must be a JSON object`);
  const family = jsonFamily(parsed.value);
  const item = context.mapping
    ? parseMapped(source, parsed.value, context.mapping, context.roles, context.timeZone)
    : family
      ? parseJsonRecord(source, parsed.value, family, { roles: context.roles, timeZone: context.timeZone })
      : unrecognisedRecord(source, parsed.value, fileFamily, context.roles);
  if (item.type === 'rejected' && part.kind === 'element') {
    const detail = item.rejection.detail;
    item.rejection.detail = `${at}: ${detail ?? item.rejection.reason}`.replace(/this line/g, 'this record');
  }
  return item;
}

/** Every element of a document (the sniffed window's first) as what `entry` makes of it. */
async function* elementEntries(
  window: readonly Parsed[],
  parts: AsyncIterator<DocumentPart>,
  entry: (parsed: Parsed) => MessageRow | IngestItem,
  signal: AbortSignal | undefined,
): AsyncIterable<MessageRow | IngestItem> {
  for (const parsed of window) yield entry(parsed);
  for (;;) {
    signal?.throwIfAborted();
    const next = await parts.next();
    if (next.done) break;
    yield entry(parsePart(next.value));
  }
}

/** The elements of a document of ticket events: each event as its row; any other element as its own item. */
async function* ticketEventElements(
  window: readonly Parsed[],
  parts: AsyncIterator<DocumentPart>,
  context: DocumentContext & { mapping?: Mapping },
): AsyncIterable<MessageRow | IngestItem> {
  const entry = (parsed: Parsed) =>
    (parsed.part.kind === 'element' ? ticketEventRow(parsed.value, parsed.part.line, parsed.part.text) : undefined) ??
    itemOf(parsed, 'zendesk-events', context);
  for (const parsed of window) yield entry(parsed);
  for (;;) {
    context.signal?.throwIfAborted();
    const next = await parts.next();
    if (next.done) break;
    yield entry(parsePart(next.value));
  }
}
