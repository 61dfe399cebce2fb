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

export type ParsedLine = { line: Line; value?: unknown; error?: string; deep?: boolean };

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
    return { line, error: err instanceof Error ? err.message : String(err) };
  }
}

export function lineItem(parsed: ParsedLine, fileFamily: JsonFamily, context: LineItemContext): IngestItem | undefined {
  const { line } = parsed;
  const source: SourceRef = { file: context.file, line: line.lineNo, record: line.text };
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
 * two records on one line: said so, with where the second starts, so the line can be split and
 * dropped again rather than read as one broken record.
 */
function joinedHint(text: string, error: string): string {
  const at = /after JSON at position (\d+)/.exec(error);
  if (!at || text.charCodeAt(Number(at[1])) !== 0x7b) return '';
  return `; it holds a second JSON record from character ${Number(at[1]) + 1} on (files joined without a line break between them?): put a line break there and upload it again`;
}

let mappingCode: typeof import('./mapping') | undefined;

/** The mapping module, loaded when a file has a mapping (it brings zod). */
function mappingModule(): typeof import('./mapping') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mappingCode ??= require('./mapping') as typeof import('./mapping');
  return mappingCode;
}
