import { withoutQuotedReply } from './emailQuotes';
import { normalizeText } from './text';
import { zonedWallClockToEpoch } from './timeZone';
import type { ChatRole, ToolCall, ToolResult, Turn } from './types';

export interface RawTurn {
  role: ChatRole;
  text: string;
  timestamp?: string;
  /** Fine-tuning weight the input gave an assistant turn (0 = context only). */
  weight?: 0 | 1;
  /** An assistant turn's tool calls and their results (see ./toolTurns.ts). */
  toolCalls?: ToolCall[];
  toolResults?: ToolResult[];
}

/**
 * Cleans each text, drops turns that are empty after cleaning, and merges consecutive turns of
 * one role (chat users send one thought in several bubbles; fine-tuning wants alternating turns).
 * A merged turn keeps the first timestamp. Turns whose weights differ (one marked 0, the next
 * trained) stay apart: merged, either the reply marked 0 would be trained on or the trained one
 * lost, and Azure accepts consecutive assistant messages (ready-made lines keep them too).
 * A turn that calls tools stays a turn of its own, text or none: its results come between it and
 * whatever the agent says next. Tool results are kept as written (JSON, usually), not cleaned.
 */
export function buildTurns(raw: Iterable<RawTurn>): Turn[] {
  const turns: Turn[] = [];
  for (const item of raw) {
    // The quoted thread of an e-mail reply is the turns before it again (emailQuotes.ts).
    const content = withoutQuotedReply(normalizeText(item.text));
    if (!content && !item.toolCalls) continue;
    const last = turns.at(-1);
    if (last && !last.toolCalls && !item.toolCalls && last.role === item.role && trained(last.weight) === trained(item.weight)) {
      last.content = `${last.content}\n${content}`;
      last.weight ??= item.weight;
      continue;
    }
    const turn: Turn = { role: item.role, content };
    if (item.timestamp) turn.timestamp = item.timestamp;
    if (item.weight !== undefined) turn.weight = item.weight;
    if (item.toolCalls) {
      turn.toolCalls = item.toolCalls;
      if (item.toolResults?.length) turn.toolResults = item.toolResults;
    }
    turns.push(turn);
  }
  return turns;
}

/**
 * Hours of quiet after which a whole chat's customer, once answered, opens a new session: longer
 * than a support conversation's own pauses (a customer trying a fix over lunch), shorter than the
 * night between two working days, after which someone writing again mostly asks something new.
 */
export const CHAT_SESSION_GAP_HOURS = 12;
const CHAT_SESSION_GAP_MS = CHAT_SESSION_GAP_HOURS * 3_600_000;

/**
 * A whole chat's messages cut into sessions: a customer's message written at least
 * `CHAT_SESSION_GAP_HOURS` after the message before it opens one, once the session so far has a
 * reply (a question answered the next day stays one session, as does a customer asking twice
 * before any answer). The quiet is measured between messages, not merged turns, so a "thanks"
 * after the answer does not hide the next day's new question. Messages without a readable time
 * neither open a session nor end the quiet.
 */
export function chatSessionsOf(raw: readonly RawTurn[]): RawTurn[][] {
  const sessions: RawTurn[][] = [];
  let current: RawTurn[] = [];
  let asked = false;
  let answered = false;
  let lastAt = Number.NaN;
  for (const turn of raw) {
    const at = turn.timestamp ? Date.parse(turn.timestamp) : Number.NaN;
    if (turn.role === 'user' && answered && at - lastAt >= CHAT_SESSION_GAP_MS) {
      sessions.push(current);
      current = [];
      asked = answered = false;
    }
    current.push(turn);
    // What cleaning leaves, as the turns will have it: a reply of a zero-width space answers nothing,
    // and a team's message before anyone asked (a greeting, an order confirmation) is no answer.
    const said = () => turn.toolCalls !== undefined || normalizeText(turn.text).trim() !== '';
    if (turn.role === 'user' && !asked) asked = said();
    else if (turn.role === 'assistant' && asked && !answered) answered = said();
    if (!Number.isNaN(at)) lastAt = at;
  }
  sessions.push(current);
  return sessions;
}

/**
 * `buildTurns` of each session, the first turn of every session after the first marked as opening
 * one. `threads`: the chat already divided by whom it answers (a channel where several customers
 * ask at once), each thread cut into its own sessions and the threads one after another.
 */
export function sessionTurns(raw: readonly RawTurn[], threads?: readonly (readonly RawTurn[])[]): Turn[] {
  const sessions = threads && threads.length > 1 ? threads.flatMap((thread) => chatSessionsOf(thread)) : chatSessionsOf(raw);
  if (sessions.length === 1) return buildTurns(sessions[0]);
  const turns: Turn[] = [];
  for (const session of sessions) {
    const built = buildTurns(session);
    if (turns.length && built.length) built[0].opensSession = true;
    turns.push(...built);
  }
  return turns;
}

/** No weight means trained, as in the fine-tuning format. */
function trained(weight: 0 | 1 | undefined): boolean {
  return weight !== 0;
}

/**
 * The `weight` of an input turn, as the fine-tuning format allows it: 0 or 1, on assistant turns
 * only. `undefined` when absent; a string saying why when it is not allowed (the record is
 * rejected, as the dataset stage rejects such a ready-made line with `bad-weight`).
 */
export function turnWeight(value: unknown, role: ChatRole): 0 | 1 | undefined | string {
  if (value === undefined) return undefined;
  if (role !== 'assistant') return `has a "weight", which is only allowed on assistant turns (it says whether a reply is trained on)`;
  if (value === 0 || value === 1) return value;
  return `has a "weight" of ${JSON.stringify(value)}: it must be 0 (context only, not trained on) or 1`;
}

/**
 * Which comes first in a numeric date such as 04/12/2026: the day (`dmy`, most of the world) or
 * the month (`mdy`, the United States). A value whose first or second number is over 12 says so
 * itself; `order` decides only the ones both readings allow.
 */
export type DateOrder = 'dmy' | 'mdy';

/** How to read a file's timestamps: what its values themselves do not say. */
export interface TimestampReading {
  /** Day or month first in numeric dates both readings allow (`DateOrder`). */
  order?: DateOrder;
  /**
   * The IANA zone zone-less date-times were written in (`DeclaredTimeZone.name`); absent: UTC.
   * Values with a zone or offset, and epoch numbers, are instants and do not use it.
   */
  timeZone?: string;
}

/**
 * An ISO 8601 UTC string for a timestamp value, or undefined when it is not one. Date-times
 * without a zone are read in `reading.timeZone`, UTC unless one was declared (never the machine's
 * zone, so results do not depend on where it runs); numbers are Unix epoch seconds, or
 * milliseconds when large. Spreadsheet dates are read too (`numericDate`): 13/12/2026 09:15,
 * 12/13/2026 9:15 PM, 13.12.2026 09:15, 2026/12/13 09:15.
 */
export function parseTimestamp(value: unknown, reading: TimestampReading = {}): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return safeIso(value > 1e11 ? value : value * 1000);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!text) return undefined;
  // Most exports write UTC as ISO 8601 already (2026-01-01T09:15:07.000Z): returned as it is when
  // it reads back the same, without the regular expressions below (a message CSV has one per row).
  if (CANONICAL_UTC.test(text)) {
    const iso = safeIso(Date.parse(text));
    if (iso !== undefined && (iso === text || (text.length === 20 && iso === `${text.slice(0, 19)}.000Z`))) return iso;
  }
  if (/^\d{9,13}(\.\d+)?$/.test(text)) return parseTimestamp(Number(text));
  const zoneless = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?$/.test(text);
  if (zoneless) {
    const wall = Date.parse(`${text.replace(' ', 'T').replace(',', '.')}${text.length > 10 ? 'Z' : 'T00:00:00Z'}`);
    return safeIso(inZone(wall, reading.timeZone));
  }
  const numeric = NUMERIC_DATE.exec(text);
  if (numeric) return numericDate(numeric, reading);
  // Anything else (ISO with a zone, RFC 2822 "Fri, 04 Dec 2026 09:15:00 GMT"): as JavaScript reads it.
  return safeIso(Date.parse(text));
}

/**
 * A date of three numbers — day, month and year in either order, or year first — with an optional
 * time (12- or 24-hour) and zone, as spreadsheets and helpdesk CSV exports write them. Read by
 * hand: JavaScript reads 04/12/2026 as April in the machine's time zone and 13/12/2026 not at all,
 * which quarantined every conversation of a day-first export dated after the 12th.
 */
const NUMERIC_DATE =
  /^(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/;

const CANONICAL_UTC = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

/** The first two numbers of a numeric date: which reading the value itself allows, if only one. */
export function dateOrderOf(value: string | undefined): DateOrder | undefined {
  // Year first (ISO 8601, 2026/12/13) says nothing about day and month order: no need to match.
  if (value !== undefined && value.length > 4 && isYearFirst(value)) return undefined;
  const m = value === undefined ? null : NUMERIC_DATE.exec(value.trim());
  if (!m || m[1].length > 2 || m[2] === '.' || isTwoDigitYearFirst(m[1], m[2], m[3], m[4])) return undefined;
  const [a, b] = [Number(m[1]), Number(m[3])];
  if (a > 12 && b <= 12) return 'dmy';
  if (b > 12 && a <= 12) return 'mdy';
  return undefined;
}

/** A wall-clock time counted as if UTC, as the instant it was in `timeZone` (UTC when absent). */
function inZone(wallMs: number, timeZone: string | undefined): number {
  return timeZone === undefined || timeZone === 'UTC' || !Number.isFinite(wallMs) ? wallMs : zonedWallClockToEpoch(wallMs, timeZone);
}

function numericDate(m: RegExpExecArray, reading: TimestampReading): string | undefined {
  const order = reading.order;
  // Optional groups that did not take part are undefined (RegExpExecArray's type says string).
  const groups: (string | undefined)[] = m;
  const [, first = '', separator = '', second = '', third = '', hh, mm, ss, fraction, meridiem, zone] = groups;
  let year: number;
  let month: number;
  let day: number;
  if (first.length === 4) {
    // 2026/12/13: year, month, day (East Asian exports).
    [year, month, day] = [Number(first), Number(second), Number(third)];
  } else if (isTwoDigitYearFirst(first, separator, second, third)) {
    [year, month, day] = [2000 + Number(first), Number(second), Number(third)];
  } else {
    if (first.length > 2 || third.length === 3) return undefined;
    const [a, b] = [Number(first), Number(second)];
    let dayFirst: boolean;
    // Dots are day-first everywhere they are used (13.12.2026); a number over 12 decides itself.
    if (separator === '.' || a > 12) dayFirst = true;
    else if (b > 12) dayFirst = false;
    // Both readings possible: the file's order, else month first, as JavaScript and US exports read it.
    else dayFirst = order === 'dmy';
    [day, month] = dayFirst ? [a, b] : [b, a];
    year = third.length === 2 ? 2000 + Number(third) : Number(third);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  let hour = hh === undefined ? 0 : Number(hh);
  const minute = mm === undefined ? 0 : Number(mm);
  const second_ = ss === undefined ? 0 : Number(ss);
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second_ > 59) return undefined;
  const ms = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  let at = Date.UTC(year, month - 1, day, hour, minute, second_, ms);
  if (!zone) at = inZone(at, reading.timeZone);
  else if (zone !== 'Z' && zone !== 'UTC' && zone !== 'GMT') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    at -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return safeIso(at);
}

/**
 * A date of three two-digit numbers written year first (`26-03-02`, YY-MM-DD: 2 March 2026), as
 * some systems and East Asian exports write it. Read the usual way it would be 26 March 2002.
 * It is taken as year first only where the usual reading is implausible for a chat log and the
 * year-first one is not: the last number as a year is before 2010 (`02`), the first as a year from
 * 2010 on (`26`), and the year-first reading is a real date. Dates such as `24-03-25` read both ways
 * plausibly and keep the usual reading (day or month first: 24 March 2025). Dots are day first
 * wherever they are used, so `26.03.02` is never year first.
 */
export function isTwoDigitYearFirst(first: string, separator: string, second: string, third: string): boolean {
  if (first.length !== 2 || third.length !== 2 || separator === '.') return false;
  const [a, b, c] = [Number(first), Number(second), Number(third)];
  return a >= 10 && c < 10 && b >= 1 && b <= 12 && c >= 1 && c <= daysIn(2000 + a, b);
}

function isYearFirst(value: string): boolean {
  for (let i = 0; i < 4; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const separator = value[4];
  return separator === '-' || separator === '/' || separator === '.';
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function safeIso(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** CSAT / rating 1–5 from a number or numeric string; undefined when absent or out of range. */
export function parseRating(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n >= 1 && n <= 5 ? n : undefined;
}

/**
 * Survey answers written as words, on the 1–5 scale the CSAT rules use: Zendesk's two-point scores
 * (`good`, `bad`, `*_with_comment`), Help Scout's three levels (`Great`, `Okay`, `Not Good`; "Okay"
 * the middle) and the satisfied/unsatisfied of chat widgets' end-of-chat surveys. A low word falls
 * below the default threshold (3), so the replies become context only, as a 1 would. Keys are
 * written as `ratingWord` leaves them (lower case, one space between words).
 */
const RATING_WORDS = new Map<string, number>([
  ['good', 5],
  ['good with comment', 5],
  ['great', 5],
  ['satisfied', 5],
  ['okay', 3],
  ['ok', 3],
  ['bad', 1],
  ['bad with comment', 1],
  ['not good', 1],
  ['notgood', 1],
  ['unsatisfied', 1],
  ['dissatisfied', 1],
]);

/** A survey word as `RATING_WORDS` keys it: exports differ in case and in `_`, `-` or spaces between words. */
function ratingWord(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

/**
 * A rating as feedback records, chat exports and helpdesk tickets (Zendesk, Help Scout) give it: a
 * number 1–5 (`parseRating`) or one of the survey words above, in any case. Undefined otherwise,
 * including for an unanswered survey (Zendesk's `offered`/`unoffered`).
 */
export function parseRatingOrWord(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const word = RATING_WORDS.get(ratingWord(value));
    if (word !== undefined) return word;
  }
  return parseRating(value);
}

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
