import { invalidEncodingDetail, type DeclaredEncoding } from './encoding';
import { nestsDeeperThan, MAX_RECORD_DEPTH } from './jsonDocument';
import { isJsonObject, jsonFamily, parseJsonRecord, unrecognisedRecord, type JsonFamily } from './jsonl';
import type { Line } from './lines';
import type { Mapping } from './mapping';
import { reject } from './records';
import type { RoleMapper } from './roles';
import type { ChatRole, IngestItem, SourceRef } from './types';

/**
 * One JSON line into one item: what `parseInput` does per line of a JSON lines file, and what a
 * preprocessing worker does with the lines handed to it unparsed (`parseJsonLine`). Kept apart
 * from the file-level parser so a worker thread loads no CSV, JSON document or mapping code (the
 * mapping module, with its schema library, loads only for a file that has a mapping).
 */

/** Characters of a record shown when only its start is kept. */
export const RECORD_PREVIEW = 2048;

/**
 * The file-wide facts a line of a JSON lines file is parsed with, once the file's format is known:
 * plain data, so another thread can parse the file's lines (`parseJsonLine`).
 */
export interface JsonLineContext {
  file: string;
  /** The format the file's first recognisable line said (each line is still classified by its own keys). */
  family: JsonFamily;
  /** The mapping the file's first record fitted, when any. */
  mapping?: Mapping;
  speakerRoles?: Record<string, ChatRole>;
  /** The IANA zone the file's zone-less timestamps were written in (a declared time zone); absent: UTC. */
  timeZone?: string;
}

export type ParsedLine = {
  line: Line;
  value?: unknown;
  error?: string;
  deep?: boolean;
  /**
   * A line that is two or more whole JSON objects (`{...}{...}`: files joined without a line break
   * between them): each object as a line of its own text, numbered by the line it stands on and
   * `part`. Set only with `error` (the line as a whole is not JSON), so a caller that does not look
   * rejects the line as before.
   */
  joined?: ParsedLine[];
  /** Which of the records of a joined line this is. */
  part?: { index: number; of: number };
};

/** What `lineItem` needs of the file. */
export interface LineItemContext {
  file: string;
  roles: RoleMapper;
  /** Named by too-long rejections. */
  maxRecordBytes: number;
  /** Set once the file's first record fits a mapping: every record is then read with it. */
  mapping?: Mapping;
  /** The file's declared encoding: an invalid line's rejection names it. */
  encoding?: DeclaredEncoding;
  /** The IANA zone the file's zone-less timestamps were written in; absent: UTC. */
  timeZone?: string;
}

/**
 * One line of a JSON lines file whose format `context` names (a `DeferredLine`, on whichever
 * thread): the item `parseInput` yields for it, rejections worded the same. Undefined for a blank line.
 */
export function parseJsonLine(line: number, text: string, context: JsonLineContext, roles: RoleMapper): IngestItem | undefined {
  // Only text lines are deferred, so the size limit (named by too-long rejections) plays no part.
  return lineItem(parseLine({ kind: 'text', lineNo: line, text }), context.family, {
    file: context.file,
    roles,
    maxRecordBytes: 0,
    ...(context.mapping ? { mapping: context.mapping } : {}),
    ...(context.timeZone ? { timeZone: context.timeZone } : {}),
  });
}

/**
 * False when a JSON line certainly is no feedback record (`parseJsonLine` would not make it one):
 * that needs a key "rating", written `"rating":` (a quote inside a string value is escaped, so
 * text that merely talks about ratings does not match) or spelled with a \u escape. True may be
 * wrong (a "rating" key deeper in the record); callers parse those lines at once.
 */
export function mayHoldFeedback(text: string): boolean {
  return RATING_KEY.test(text) || text.includes('\\u');
}

// "score": a Zendesk satisfaction rating (`ticket_id` + `score`) is feedback too.
const RATING_KEY = /"(?:rating|score)"[ \t\r\n]*:/;

/** What `lineItem` skips: empty or whitespace only (no `trim()` copy for the common non-blank line). */
export function isBlankLine(text: string): boolean {
  if (text.length === 0) return true;
  const first = text.charCodeAt(0);
  // A JSON record starts with "{": not blank, whatever follows.
  if (first === 0x7b) return false;
  return text.trim() === '';
}

export function parseLine(line: Line): ParsedLine {
  if (line.kind !== 'text' || line.text.trim() === '') return { line };
  try {
    const value: unknown = JSON.parse(line.text);
    // Measured without recursion: a line nested 100,000 deep would overflow the stack of every later step.
    return nestsDeeperThan(value, MAX_RECORD_DEPTH) ? { line, deep: true } : { line, value };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    // Only a line that failed as a whole is looked at again: the one-parse path of every other line stays as it was.
    const records = joinedRecords(line.text, error);
    if (!records) return { line, error };
    const of = records.length;
    const joined = records.map((record, i): ParsedLine => ({
      line: { kind: 'text', lineNo: line.lineNo, text: record.text },
      ...(nestsDeeperThan(record.value, MAX_RECORD_DEPTH) ? { deep: true } : { value: record.value }),
      part: { index: i + 1, of },
    }));
    return { line, error, joined };
  }
}

/**
 * The JSON objects of a line that is nothing but two or more of them, whitespace between them
 * allowed (`cat a.jsonl b.jsonl` when a.jsonl lacks its last line break): each with its own text,
 * trimmed. Undefined for anything else (a trailing `[1]`, garbage, a broken second object).
 * `error` is JSON.parse's message for the whole line: it says where the first value ended.
 */
export function joinedRecords(text: string, error: string): { text: string; value: object }[] | undefined {
  let at = afterJsonAt(error);
  if (at === undefined || !text.trimStart().startsWith('{')) return undefined;
  const records: { text: string; value: object }[] = [];
  let record = wholeObject(text.slice(0, at).trim());
  for (;;) {
    // Not where the message said the value ended (another engine's wording): the line stays rejected.
    if (!record) return undefined;
    records.push(record);
    // `at` is the next non-whitespace character: the next record must be an object.
    if (text.charCodeAt(at) !== 0x7b) return undefined;
    const rest = text.slice(at);
    try {
      records.push({ text: rest.trim(), value: JSON.parse(rest) as object });
      return records;
    } catch (err) {
      const end = afterJsonAt(err instanceof Error ? err.message : String(err));
      if (end === undefined) return undefined;
      record = wholeObject(rest.slice(0, end).trim());
      at += end;
    }
  }
}

/** The text as one JSON object, or undefined. */
function wholeObject(text: string): { text: string; value: object } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { text, value } : undefined;
  } catch {
    return undefined;
  }
}

/** Where JSON.parse found more than whitespace after a complete value, from its message (V8's wording). */
function afterJsonAt(error: string): number | undefined {
  const at = /after JSON at position (\d+)/.exec(error);
  return at ? Number(at[1]) : undefined;
}

/**
 * A JSON line that may be records joined on one line (`joinedRecords`): a "}" then "{" with only
 * whitespace between. False is certain; true is checked by parsing. Used where a line is handed to
 * a worker unparsed, which answers for one record only.
 */
export function mayBeJoined(text: string): boolean {
  // Every line passes here on its way to a worker: a plain search first, the pattern only for a line with "} " or "}\t" in it.
  return text.includes('}{') || ((text.includes('} ') || text.includes('}\t')) && JOINED.test(text));
}

const JOINED = /\}[ \t\r\n]*\{/;

export function lineItem(parsed: ParsedLine, fileFamily: JsonFamily, context: LineItemContext): IngestItem | undefined {
  const { line } = parsed;
  const source: SourceRef = { file: context.file, line: line.lineNo, record: line.text };
  if (parsed.part) source.part = parsed.part;
  switch (line.kind) {
    case 'bad-encoding':
      return reject(
        source,
        'invalid-encoding',
        invalidEncodingDetail(context.encoding ? `line ${line.lineNo} of ${context.file}` : 'the line', context.encoding),
      );
    case 'too-long':
      return reject(
        source,
        'record-too-long',
        `the line is ${line.bytes} bytes, over the ${context.maxRecordBytes}-byte limit (record shows its start only)`,
      );
    case 'text':
      break;
  }
  if (line.text.trim() === '') return undefined;
  if (parsed.deep)
    return reject(
      { ...source, record: line.text.slice(0, RECORD_PREVIEW) },
      'record-too-deep',
      `the line nests more than ${MAX_RECORD_DEPTH} levels deep (record shows its start only)`,
    );
  if (parsed.error !== undefined)
    return reject(source, 'invalid-json', `the line is not valid JSON: ${parsed.error}${joinedHint(line.text, parsed.error)}`);
  if (!isJsonObject(parsed.value))
    return reject(source, 'invalid-record', 'the line is valid JSON but not an object; every line must be one JSON object');
  if (context.mapping) return mappingModule().parseMapped(source, parsed.value, context.mapping, context.roles, context.timeZone);
  const family = jsonFamily(parsed.value);
  if (!family) return unrecognisedRecord(source, parsed.value, fileFamily, context.roles);
  return parseJsonRecord(source, parsed.value, family, { roles: context.roles, timeZone: context.timeZone });
}

/**
 * Files joined without a line break after the last line of the first (`cat a.jsonl b.jsonl`) put
 * two records on one line. A line that is nothing but whole objects is read record by record
 * (`joinedRecords`); one that is not (a broken second record, text after it) is rejected, said so
 * with where the second starts, so the line can be fixed rather than read as one broken record.
 */
function joinedHint(text: string, error: string): string {
  const at = afterJsonAt(error);
  if (at === undefined || text.charCodeAt(at) !== 0x7b) return '';
  return `; it holds a second JSON record from character ${at + 1} on (files joined without a line break between them?): put a line break there and upload it again`;
}

let mappingCode: typeof import('./mapping') | undefined;

/** The mapping module, loaded when a file has a mapping (it brings zod). */
function mappingModule(): typeof import('./mapping') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mappingCode ??= require('./mapping') as typeof import('./mapping');
  return mappingCode;
}
