import { plainColumn } from '../columns';
import { reject } from '../records';
import type { RoleMapper } from '../roles';
import { parseTimestamp, type RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, inTimeOrder, isObject, type TimedTurn } from './common';

/**
 * Incidents, cases and requests of ServiceNow, the service desk of most large IT departments,
 * exported from a list (CSV or Excel: one row per record, headed by field names or by their labels,
 * "Number", "Caller", "Opened", "Comments and Work notes") or read from the Table API (JSON,
 * `{"result": [...]}`): `number` (INC0012345), the caller (`caller_id`, `opened_by`,
 * `requested_for`, or a case's `contact`), `short_description`, `description`, `opened_at`,
 * `category`, and the journal, a text of entries newest first:
 *
 *     2026-12-01 10:15:32 - Beth Anglin (Additional comments)
 *     Hi Joe, please restart the laptop and try again.
 *
 *     2026-12-01 09:58:01 - Joe Employee (Work notes)
 *     Checked the VPN logs: certificate expired.
 *
 * in `comments_and_work_notes` (or `comments` and `work_notes` apart). The caller's description
 * opens the conversation; each "Additional comments" entry is a message, the caller's the
 * customer's and anyone else's the service desk's; "Work notes" are internal and set aside
 * (`private-comment`), as Zendesk's private comments are. Entry times are the instance's display
 * time, read in the declared time zone.
 */

/** Plain column names (`plainColumn`) of the journal. */
const JOURNAL_COLUMNS = [
  'comments_and_work_notes',
  'additional_comments_and_work_notes',
  'comments',
  'additional_comments',
  'work_notes',
  'customer_comments',
];
const CALLER_COLUMNS = ['caller_id', 'caller', 'requested_for', 'contact', 'opened_by', 'opened_by_name'];

/** A record (keys as written) → the same keyed by plain column name, values as display text. */
function plainRecord(record: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    const name = plainColumn(key);
    if (out.has(name)) continue;
    // The Table API gives a reference as {display_value, value, link} with sysparm_display_value=all.
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number'
          ? String(value)
          : isObject(value)
            ? [value.display_value, value.value].find((v): v is string => typeof v === 'string')
            : undefined;
    if (text !== undefined) out.set(name, text);
  }
  return out;
}

/** Whether plain column names are a ServiceNow list export: a record number and a journal. */
export function isServiceNowColumns(columns: readonly string[]): boolean {
  const set = new Set(columns);
  return (
    set.has('number') && JOURNAL_COLUMNS.some((c) => set.has(c)) && (set.has('short_description') || CALLER_COLUMNS.some((c) => set.has(c)))
  );
}

export function isServiceNowRecord(record: Record<string, unknown>): boolean {
  return isServiceNowColumns(Object.keys(record).map(plainColumn)) && typeof record.number === 'string';
}

interface JournalEntry {
  at: string;
  author: string;
  kind: string;
  text: string;
}

// "2026-12-01 10:15:32 - Beth Anglin (Additional comments)", also "13-Jul-2026 10:29:21", "12/01/2026 09:15:00 AM".
const ENTRY_HEADER =
  /^(\d{1,4}[-./][\p{L}\d]{1,9}[-./]\d{2,4}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?) - (.+) \(([^()\n]+)\)[ \t]*$/u;

/** The journal's entries, in the order written (newest first). */
export function journalEntries(journal: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  let current: JournalEntry | undefined;
  const body: string[] = [];
  const close = () => {
    if (current) entries.push({ ...current, text: body.join('\n').trim() });
    body.length = 0;
  };
  for (const line of journal.replace(/\r\n?/g, '\n').split('\n')) {
    const header = ENTRY_HEADER.exec(line);
    if (header) {
      close();
      current = { at: header[1], author: header[2].trim(), kind: header[3].trim(), text: '' };
    } else if (current) body.push(line);
  }
  close();
  return entries;
}

/** The internal entries' label in the languages ServiceNow ships. */
const WORK_NOTES =
  /work\s*notes?|arbeitsnotiz|notes? de travail|notas de trabajo|note di lavoro|werknotitie|notas de trabalho|作業メモ|工作备注/iu;
/** Authors that are the platform itself. */
const PLATFORM_AUTHORS = new Set(['system']);

export function parseServiceNowRecord(
  source: SourceRef,
  original: Record<string, unknown>,
  roles: RoleMapper,
  timeZone?: string,
): IngestItem {
  const record = plainRecord(original);
  const number = record.get('number')?.trim();
  if (!number) return reject(source, 'missing-field:number', 'the record has no "number" (INC…, CS…, RITM…)');
  const caller = CALLER_COLUMNS.map((c) => record.get(c)?.trim()).find((v) => v);
  const journal = [...new Set(JOURNAL_COLUMNS.map((c) => record.get(c) ?? '').filter((j) => j.trim()))];
  const entries = journal.flatMap((j) => journalEntries(j));
  // `comments` and `work_notes` beside `comments_and_work_notes` repeat its entries: each once.
  const seen = new Set<string>();
  const comments: RawTurn[] = [];
  let privateNotes = 0;
  const time = (value: string | undefined) => (value ? parseTimestamp(value, { timeZone }) : undefined);
  let unknownAuthor: string | undefined;
  for (const entry of entries) {
    const key = `${entry.at}\u0000${entry.author}\u0000${entry.kind}\u0000${entry.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (WORK_NOTES.test(entry.kind)) {
      privateNotes++;
      continue;
    }
    if (!entry.text) continue;
    const role = roleOf(entry.author, caller, roles);
    if (!role) {
      unknownAuthor ??= entry.author;
      continue;
    }
    const at = time(entry.at);
    comments.push(at ? { role, text: entry.text, timestamp: at } : { role, text: entry.text });
  }
  if (unknownAuthor !== undefined)
    return reject(
      source,
      'unknown-speaker',
      `${number}: the record names no caller (caller_id, opened_by, requested_for), so ${JSON.stringify(unknownAuthor)}'s comments cannot be told to be the customer's or the service desk's; export the caller column, or map the names with TUNELOOP_SPEAKER_ROLES`,
    );
  // The journal is written newest first; the caller's description opens the record.
  const turns: RawTurn[] = comments.reverse();
  const opening = record.get('description')?.trim() || record.get('short_description')?.trim();
  if (opening) {
    const at = time(record.get('opened_at') ?? record.get('opened') ?? record.get('sys_created_on') ?? record.get('created'));
    turns.unshift(at ? { role: 'user', text: opening, timestamp: at } : { role: 'user', text: opening });
  }
  const timed: TimedTurn[] = turns.map((turn, order) => ({ turn, order }));
  const issueType = record.get('category')?.trim() || record.get('subcategory')?.trim();
  return finish({
    source,
    id: number,
    idPrefix: 'servicenow',
    raw: inTimeOrder(timed),
    channel: 'servicenow',
    ...(issueType ? { issueType } : {}),
    setAside: privateNotes ? { 'private-comment': privateNotes } : undefined,
    needBothSides: `the ServiceNow record ${number}`,
  });
}

function roleOf(author: string, caller: string | undefined, roles: RoleMapper): ChatRole | undefined {
  const mapped = roles.roleOf(author);
  if (mapped) return mapped;
  if (PLATFORM_AUTHORS.has(author.toLowerCase())) return 'system';
  if (caller === undefined) return undefined;
  return author.toLowerCase() === caller.toLowerCase() ? 'user' : 'assistant';
}
