import { createReadStream } from 'node:fs';
import { withCapacity } from './growBuffer';
import type { MessageRow } from './messageCsv';

/**
 * Message rows as bytes in the bucket files `groupMessageRows` spills: each string as its UTF-8
 * length and bytes, no JSON. Writing is one native UTF-8 copy per string and reading one slice,
 * where JSON had to escape every row on the way out and parse it on the way back (most of the
 * cost of spilling, and half the CPU of reading a large message CSV; issue #10).
 *
 * A record: u32 record length (bytes after this field), u32 line, u16 which optional strings
 * follow, then the strings (u32 byte length, bytes) in `FIELDS` order, present ones only.
 */
const FIELDS = [
  'conversationId',
  'raw',
  'speaker',
  'text',
  'timestamp',
  'issueType',
  'channel',
  'csat',
  'model',
  'messageId',
  'errorReason',
  'errorDetail',
  'notice',
  'media',
] as const;
type Field = (typeof FIELDS)[number];
const HEADER_BYTES = 4 + 4 + 2;

function fieldValue(row: MessageRow, field: Field): string | undefined {
  switch (field) {
    case 'errorReason':
      return row.error?.reason;
    case 'errorDetail':
      return row.error?.detail;
    case 'notice':
      return row.notice ? '1' : undefined;
    case 'media':
      return row.media ? '1' : undefined;
    default:
      return row[field];
  }
}

const INITIAL_BLOCK_BYTES = 16 * 1024;

/** A growing byte block of encoded rows. */
export class RowBlock {
  private bytes = Buffer.allocUnsafe(INITIAL_BLOCK_BYTES);
  length = 0;

  add(row: MessageRow): void {
    let bound = HEADER_BYTES;
    for (const field of FIELDS) {
      const value = fieldValue(row, field);
      // At most 3 UTF-8 bytes per UTF-16 unit: a bound that needs no byteLength pass.
      if (value !== undefined) bound += 4 + value.length * 3;
    }
    this.reserve(bound);
    const start = this.length;
    let at = start + HEADER_BYTES;
    let present = 0;
    for (let i = 0; i < FIELDS.length; i++) {
      const value = fieldValue(row, FIELDS[i]);
      if (value === undefined) continue;
      present |= 1 << i;
      const written = this.bytes.write(value, at + 4, 'utf8');
      this.bytes.writeUInt32LE(written, at);
      at += 4 + written;
    }
    this.bytes.writeUInt32LE(at - start - 4, start);
    this.bytes.writeUInt32LE(row.line, start + 4);
    this.bytes.writeUInt16LE(present, start + 8);
    this.length = at;
  }

  /** Appends one record as read back (re-bucketing copies bytes, it does not decode them). */
  addEncoded(record: Buffer): void {
    this.reserve(record.length);
    record.copy(this.bytes, this.length);
    this.length += record.length;
  }

  /** The bytes so far, then an empty block. The view is valid until the next `add`. */
  take(): Buffer {
    const view = this.bytes.subarray(0, this.length);
    // A fresh small block: 256 buckets keeping their largest block each would hold megabytes.
    this.bytes = Buffer.allocUnsafe(INITIAL_BLOCK_BYTES);
    this.length = 0;
    return view;
  }

  private reserve(extra: number): void {
    this.bytes = withCapacity(this.bytes, this.length, this.length + extra);
  }
}

/** The conversation id of an encoded record (for re-bucketing without decoding the rest). */
export function conversationIdOf(record: Buffer): string {
  return conversationIdAt(record, 0);
}

/** The conversation id of the record that starts at byte `start` of `bytes`. */
export function conversationIdAt(bytes: Buffer, start: number): string {
  const length = bytes.readUInt32LE(start + HEADER_BYTES);
  return bytes.toString('utf8', start + HEADER_BYTES + 4, start + HEADER_BYTES + 4 + length);
}

/** The file line of the record that starts at byte `start` of `bytes`. */
export function lineAt(bytes: Buffer, start: number): number {
  return bytes.readUInt32LE(start + 4);
}

/**
 * Where each record of a whole bucket file starts (`bytes` as read from it), in file order. A
 * file cut inside a record is an error, as in `readRecords`.
 */
export function recordStarts(bytes: Buffer, path: string): number[] {
  const starts: number[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const end = at + 4 + bytes.readUInt32LE(at);
    if (end > bytes.length) break;
    starts.push(at);
    at = end;
  }
  if (at !== bytes.length) throw new Error(`the spilled rows in ${path} end inside a record (${bytes.length - at} bytes left)`);
  return starts;
}

export function decodeRow(record: Buffer): MessageRow {
  return decodeRowAt(record, 0);
}

/** The row of the record that starts at byte `start` of `bytes`. */
export function decodeRowAt(bytes: Buffer, start: number): MessageRow {
  const present = bytes.readUInt16LE(start + 8);
  const values: (string | undefined)[] = [];
  let at = start + HEADER_BYTES;
  for (let i = 0; i < FIELDS.length; i++) {
    if (!(present & (1 << i))) {
      values.push(undefined);
      continue;
    }
    const length = bytes.readUInt32LE(at);
    values.push(bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  const [
    conversationId = '',
    raw = '',
    speaker = '',
    text = '',
    timestamp,
    issueType,
    channel,
    csat,
    model,
    messageId,
    errorReason,
    errorDetail,
    notice,
    media,
  ] = values;
  const row: MessageRow = { conversationId, line: lineAt(bytes, start), raw, speaker, text };
  if (timestamp !== undefined) row.timestamp = timestamp;
  if (issueType !== undefined) row.issueType = issueType;
  if (channel !== undefined) row.channel = channel;
  if (csat !== undefined) row.csat = csat;
  if (model !== undefined) row.model = model;
  if (messageId !== undefined) row.messageId = messageId;
  if (errorReason !== undefined) row.error = { reason: errorReason, detail: errorDetail ?? '' };
  if (notice !== undefined) row.notice = true;
  if (media !== undefined) row.media = true;
  return row;
}

/**
 * The records of a bucket file, each a view of its bytes that is valid only until the next one is
 * asked for: they are read into one reused buffer (a new buffer per chunk showed as RSS until a
 * collection freed it).
 */
export async function* readRecords(path: string): AsyncIterable<Buffer> {
  let buffer = Buffer.allocUnsafe(READ_BYTES * 2);
  let length = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES })) {
    const bytes = chunk as Buffer;
    buffer = withCapacity(buffer, length, length + bytes.length);
    bytes.copy(buffer, length);
    length += bytes.length;
    let at = 0;
    while (at + 4 <= length) {
      const end = at + 4 + buffer.readUInt32LE(at);
      if (end > length) break;
      yield buffer.subarray(at, end);
      at = end;
    }
    buffer.copy(buffer, 0, at, length);
    length -= at;
  }
  if (length) throw new Error(`the spilled rows in ${path} end inside a record (${length} bytes left)`);
}

const READ_BYTES = 256 * 1024;
