import { z } from 'zod';
import { finish, isObject, textOf, type JsonObject } from './formats/common';
import { reject, show } from './records';
import type { RoleMapper } from './roles';
import { parseRating, parseTimestamp, type RawTurn } from './turns';
import type { ChatRole, IngestItem, SourceRef } from './types';
import { TuneloopError } from '../errors';

/**
 * A declarative mapping for layouts tuneloop does not know: where the id, the turns, each turn's
 * role, text and timestamp, the issue type and the rating live, and which role values mean what.
 * JSON records name fields with JSON Pointers (RFC 6901, `/thread/messages`); CSV files name
 * columns (then rows are grouped into conversations by the id column, like message-per-row CSV).
 * `prepare` reads `tuneloop.mapping.json` next to the data; the blob function reads the blob
 * `mapping.json` in the `config` container.
 */
export const MAPPING_FILE_NAME = 'tuneloop.mapping.json';
export const MAPPING_BLOB_NAME = 'mapping.json';

const pointer = z.string().regex(/^(\/([^~]|~[01])*)*$/, 'must be a JSON Pointer such as "/thread/messages" ("" is the record itself)');
const field = z.string().min(1, 'must name a field');
const roleValue = z.enum(['user', 'assistant', 'system', 'skip']);

export const mappingSchema = z
  .object({
    /** Shown in messages; optional. */
    name: z.string().optional(),
    /** JSON: pointer to the array of turns in each record. Absent: a CSV mapping (columns, one row per message). */
    turns: pointer.optional(),
    id: field.optional(),
    role: field,
    text: field,
    timestamp: field.optional(),
    issueType: field.optional(),
    rating: field.optional(),
    /** Role values (case-insensitive) → user / assistant / system, or skip (left out and counted, e.g. internal notes). Values not listed fall back to the built-in speaker words. */
    roles: z.record(z.string().min(1), roleValue).default({}),
    /** Rating values that are not numbers 1–5, e.g. {"good": 5, "bad": 1}. */
    ratings: z.record(z.string().min(1), z.number().min(1).max(5)).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.turns === undefined) {
      if (!m.id)
        ctx.addIssue({
          code: 'custom',
          path: ['id'],
          message: 'a CSV mapping (no "turns") needs "id": the column that groups rows into conversations',
        });
      return;
    }
    for (const key of ['id', 'role', 'text', 'timestamp', 'issueType', 'rating'] as const) {
      const value = m[key];
      if (value !== undefined && !pointer.safeParse(value).success) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `a JSON mapping names fields with JSON Pointers starting with "/", got ${JSON.stringify(value)}`,
        });
      }
    }
  });

export type Mapping = z.infer<typeof mappingSchema>;

const mappingListSchema = z.object({ mappings: z.array(mappingSchema).min(1) }).strict();

/** A mapping file holds one mapping, or `{"mappings": [...]}` (the first that fits a file is used). */
export const mappingFileSchema = z.union([mappingSchema, mappingListSchema]);

/** A mapping file that is not valid: says which file, which field and why. */
export class MappingError extends TuneloopError {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}

/** Validates a mapping document (text of the file or blob) into its mappings. */
export function parseMappingText(text: string, where: string): Mapping[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new MappingError(where, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  // Picked by shape rather than a zod union, so the error names the field instead of "Invalid input".
  const wrapped = typeof json === 'object' && json !== null && 'mappings' in json;
  const result = (wrapped ? mappingListSchema : mappingSchema).safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new MappingError(where, `invalid mapping at ${at}: ${issue.message} (see docs/input-formats.md, "Any other layout: a mapping")`);
  }
  const data = result.data;
  return 'mappings' in data ? data.mappings : [data];
}

/** RFC 6901: "" is the whole value; "/a/0" is member a, element 0. */
export function resolvePointer(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      current = current[Number(key)];
    } else if (isObject(current)) {
      current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    } else return undefined;
  }
  return current;
}

/** The JSON mapping (one with `turns`) whose turns pointer finds an array in this record. */
export function jsonMappingFor(record: JsonObject, mappings: readonly Mapping[] | undefined): Mapping | undefined {
  return mappings?.find((m) => m.turns !== undefined && Array.isArray(resolvePointer(record, m.turns)));
}

function roleOf(value: string, mapping: Mapping, roles: RoleMapper): ChatRole | 'skip' | undefined {
  const key = value.trim().toLowerCase();
  for (const [name, role] of Object.entries(mapping.roles)) if (name.trim().toLowerCase() === key) return role;
  return roles.roleOf(value);
}

export function mappedRating(value: unknown, mapping: Mapping): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (mapping.ratings && typeof value === 'string') {
    const key = value.trim().toLowerCase();
    for (const [name, rating] of Object.entries(mapping.ratings)) if (name.trim().toLowerCase() === key) return rating;
  }
  return parseRating(value);
}

/** One JSON record read with a mapping → one item; a field the mapping names but the record lacks rejects it, naming the field. */
export function parseMapped(source: SourceRef, record: JsonObject, mapping: Mapping, roles: RoleMapper, timeZone?: string): IngestItem {
  const label = mapping.name ? `mapping "${mapping.name}"` : 'the mapping';
  const turns = resolvePointer(record, mapping.turns ?? '');
  if (!Array.isArray(turns))
    return reject(
      source,
      `missing-field:${String(mapping.turns)}`,
      `${label} expects an array of turns at ${String(mapping.turns)}, this record has ${show(turns)}`,
    );
  let id: string | undefined;
  if (mapping.id !== undefined) {
    const value = resolvePointer(record, mapping.id);
    if ((typeof value !== 'string' || !value.trim()) && (typeof value !== 'number' || !Number.isFinite(value))) {
      return reject(source, `missing-field:${mapping.id}`, `${label} expects the id at ${mapping.id}, this record has ${show(value)}`);
    }
    id = String(value).trim();
  }
  const raw: RawTurn[] = [];
  let skipped = 0;
  for (let i = 0; i < turns.length; i++) {
    const turn: unknown = turns[i];
    const n = i + 1;
    const roleValue = resolvePointer(turn, mapping.role);
    if (typeof roleValue !== 'string' || !roleValue.trim())
      return reject(source, `missing-field:${mapping.role}`, `${label}: turn ${n} has no role at ${mapping.role} (got ${show(roleValue)})`);
    const role = roleOf(roleValue, mapping, roles);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${label}: turn ${n} has role ${show(roleValue)}, which is not in "roles" and not a known speaker word; add it to the mapping's "roles"`,
      );
    if (role === 'skip') {
      skipped++;
      continue;
    }
    const text = textOf(resolvePointer(turn, mapping.text));
    if (text === undefined) return reject(source, `missing-field:${mapping.text}`, `${label}: turn ${n} has no text at ${mapping.text}`);
    const timestamp = mapping.timestamp !== undefined ? parseTimestamp(resolvePointer(turn, mapping.timestamp), { timeZone }) : undefined;
    raw.push({ role, text, timestamp });
  }
  const issueType = mapping.issueType !== undefined ? textOf(resolvePointer(record, mapping.issueType)) : undefined;
  const csat = mapping.rating !== undefined ? mappedRating(resolvePointer(record, mapping.rating), mapping) : undefined;
  return finish({ source, id, idPrefix: 'mapped', raw, issueType, csat, setAside: skipped ? { 'mapped-skip': skipped } : undefined });
}
