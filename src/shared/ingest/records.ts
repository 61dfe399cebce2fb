import type { CsvRow } from './csv';
import { invalidEncodingDetail, rowOf, type DeclaredEncoding } from './encoding';
import type { Conversation, Feedback, IngestItem, Rejection, SourceRef } from './types';

export function reject(source: SourceRef, reason: string, detail?: string): IngestItem {
  const rejection: Rejection = { file: source.file, line: source.line, reason, record: source.record };
  // A rejection names a line; one of several records on it is named as such, by the same words as recordPlace.
  if (source.part) rejection.detail = `${partPlace(source.line, source.part)}: ${detail ?? reason}`;
  else if (detail) rejection.detail = detail;
  return { type: 'rejected', rejection };
}

/** How a rejection names a line of a text file (a workbook's rows are named by sheet row instead). */
export function linePlace(line: number): string {
  return `line ${line}`;
}

/** One of several JSON records joined on a line: `line 12, record 2 of 2`. */
export function partPlace(line: number, part: NonNullable<SourceRef['part']>): string {
  return `${linePlace(line)}, record ${part.index} of ${part.of}`;
}

/**
 * Where a record is, for details that name another record (a duplicate's earlier copy):
 * `chats.jsonl line 12`, `chats.jsonl line 12, record 2 of 2`, `chats.csv, the row at line 12`, `chats.xlsx, row 26 of sheet 'Chats'`.
 */
export function recordPlace({ file, line, unit, part }: Pick<SourceRef, 'file' | 'line' | 'unit' | 'part'>): string {
  if (part) return `${file} ${partPlace(line, part)}`;
  if (unit === undefined) return `${file} line ${line}`;
  if (unit === 'csv-row') return `${file}, the row at line ${line}`;
  return `${file}, row ${line} of sheet ${unit.sheet}`;
}

export function conversationItem(conversation: Conversation): IngestItem {
  return { type: 'conversation', conversation };
}

export function feedbackItem(feedback: Feedback): IngestItem {
  return { type: 'feedback', feedback };
}

/** JSON.stringify as it behaves: undefined (its declared type says string) for undefined, functions and symbols. */
const stringify: (value: unknown) => string | undefined = JSON.stringify;

/** A short, quoted rendering of a value for error details (never the whole record). */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (stringify(value) ?? String(value));
  } catch {
    // A value nested too deep for the stack (or with cycles) is shown by its type alone.
    text = Array.isArray(value) ? '[...]' : '{...}';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The rejection of a row that cannot be read as a record of `width` columns: not valid text in
 * the file's encoding, or more or fewer fields than the header. Undefined for a usable row.
 */
export function unusableRow(row: CsvRow, width: number, file: string, encoding: DeclaredEncoding | undefined): IngestItem | undefined {
  const source: SourceRef = { file, line: row.line, record: row.raw };
  if (row.invalidEncoding) return reject(source, 'invalid-encoding', invalidEncodingDetail(rowOf(row.line, file, encoding), encoding));
  if (row.fields.length !== width)
    return reject(source, 'invalid-row', `the row has ${row.fields.length} fields but the header has ${width}`);
  return undefined;
}
