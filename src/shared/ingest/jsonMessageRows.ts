import { ANSWERING_MODEL_COLUMNS, ATTACHMENT_COLUMNS, canonicalColumn, MESSAGE_ROW_COLUMNS, namesAttachment } from './columns';
import { isCrispMessage } from './formats/crisp';
import type { ParsedLine } from './jsonLine';
import type { MessageRow } from './messageCsv';
import { reject, show } from './records';
import type { IngestItem } from './types';

/**
 * One message per JSON line: the layout of a message-per-row CSV written as JSON, which is what
 * data warehouses (BigQuery, Snowflake), `pandas.DataFrame.to_json(orient="records", lines=True)`
 * and event-stream exports write. A line is such a row when its keys, spelled as CSV headers are
 * (`columns.ts`: `chat_id`, `role`, `body`, `created_at`…), name a conversation, a speaker and a
 * text, each a plain value. The rows are then grouped into conversations exactly as message CSV
 * rows are (`groupMessageRows`: any order, spilled to disk for large files, repeats read once).
 */
export function isMessageRowRecord(record: Record<string, unknown>): boolean {
  if ('messages' in record) return false;
  // An element of a Crisp messages response spells a row's keys, but its notes and pickers are no turns (formats/crisp.ts).
  if (isCrispMessage(record)) return false;
  let id = false;
  let speaker = false;
  let text = false;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'object' && value !== null) continue;
    switch (canonicalColumn(key)) {
      case 'conversation_id':
        id = true;
        break;
      case 'speaker':
        speaker = true;
        break;
      case 'text':
        text = true;
        break;
    }
  }
  return id && speaker && text;
}

/** The fields a message row is read from (the message CSV's columns), keyed by the record's first key of each. */
const FIELDS: readonly string[] = [...MESSAGE_ROW_COLUMNS, ...ANSWERING_MODEL_COLUMNS, 'message_id', ...ATTACHMENT_COLUMNS];

/** A JSON message row → the row `groupMessageRows` groups, or the rejection of a row that belongs to no conversation. */
export function jsonMessageRow(record: Record<string, unknown>, line: number, raw: string, file: string): MessageRow | IngestItem {
  const fields = new Map<string, { key: string; value: unknown }>();
  for (const key in record) {
    const name = canonicalColumn(key);
    if (FIELDS.includes(name) && !fields.has(name)) fields.set(name, { key, value: record[key] });
  }
  const text = (name: string): string | undefined => {
    const value = fields.get(name)?.value;
    return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  };
  const conversationId = text('conversation_id')?.trim();
  if (!conversationId)
    return reject(
      { file, line, record: raw },
      'missing-field:conversation_id',
      `the row's ${show(fields.get('conversation_id')?.key ?? 'conversation_id')} is empty or not a string/number, so it belongs to no conversation`,
    );
  const row: MessageRow = {
    conversationId,
    line,
    raw,
    speaker: text('speaker') ?? '',
    text: text('text') ?? '',
    timestamp: text('timestamp'),
    issueType: text('issue_type'),
    channel: text('channel'),
    csat: text('csat'),
  };
  const model = text('model') ?? text('deployment') ?? text('deployment_name');
  if (model !== undefined && model.trim() !== '') row.model = model;
  const messageId = text('message_id');
  if (messageId !== undefined && messageId.trim() !== '') row.messageId = messageId;
  if (row.text.trim() === '' && ATTACHMENT_COLUMNS.some((name) => namesAttachment(fields.get(name)?.value))) row.media = true;
  // A text that is a list or an object is the wrong type, not something to stringify (as in conversation lines).
  for (const name of ['speaker', 'text'] as const) {
    const field = fields.get(name);
    if (field && field.value !== null && text(name) === undefined) {
      row.error = {
        reason: `invalid-field:${field.key}`,
        detail: `line ${line} has a ${show(field.key)} that is not a string: ${show(field.value)}`,
      };
      break;
    }
  }
  return row;
}

/** Lines per batch handed to `groupMessageRows` (one async step per batch, not per row). */
const BATCH = 256;

/**
 * The parsed lines of a message-row file as rows, in batches; a line that is no message row (not
 * JSON, another record) becomes the item `otherLine` makes of it, in its place.
 */
export async function* jsonMessageRows(
  lines: AsyncIterable<ParsedLine>,
  file: string,
  otherLine: (parsed: ParsedLine) => IngestItem | undefined,
): AsyncIterable<(MessageRow | IngestItem)[]> {
  let batch: (MessageRow | IngestItem)[] = [];
  for await (const parsed of lines) {
    const value = parsed.value;
    if (parsed.line.kind === 'text' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      if (isMessageRowRecord(record)) {
        batch.push(jsonMessageRow(record, parsed.line.lineNo, parsed.line.text, file));
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
        continue;
      }
    }
    const item = otherLine(parsed);
    if (item) batch.push(item);
  }
  if (batch.length) yield batch;
}
