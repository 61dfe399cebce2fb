import { reject, show } from '../records';
import { inferMissingRoles, type RoleMapper } from '../roles';
import { calendarOfYear, gregorianDay, withoutBuddhistEra } from '../calendars';
import { decodeEntities, stripHtml } from '../text';
import { isTwoDigitYearFirst, parseRatingOrWord, parseTimestamp, type RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { cleanedContentId } from '../ids';
import { zonedWallClockToEpoch } from '../timeZone';
import { finish, idOf, type JsonObject } from './common';

/**
 * A whole chat kept in one text field, one line per message: Salesforce's `LiveChatTranscript.Body`
 * (HTML, `( 1m 2s ) Name: text` after a `Chat Started:` line) and the `transcript` column or key of
 * Zendesk Chat / Tawk / Olark / Crisp history and BI exports (`[10:02] Customer: ...`). Lines are
 * `[time] Speaker: text`; a line that names no participant continues the message before it, and
 * system lines of known shapes (`Chat Started: ...`, `Agent Tom accepted the chat`) are events, not
 * messages. Which `Name:` prefixes are speakers is decided per transcript (see `participantsOf`),
 * so a customer's "Note: my order number is 123" stays part of their message.
 */

/** Keys (lower-case) that hold a transcript by their name alone. */
const TRANSCRIPT_KEYS = ['transcript', 'chat_transcript'] as const;
/** Keys that hold a transcript only when the text has a transcript's shape (other layouts use them for other things). */
const SHAPED_KEYS = ['conversation', 'chat'] as const;
/** Salesforce's field, a transcript only in Salesforce's shape (a `body` is a message elsewhere). */
const SALESFORCE_KEY = 'body';
const ID_KEYS = ['conversation_id', 'chat_id', 'ticket_id', 'session_id', 'transcript_id', 'id'] as const;
const ISSUE_KEYS = ['issue_type', 'category', 'tags'] as const;
const CSAT_KEYS = ['csat', 'rating'] as const;
/** When the chat started, for clock times without a date and for relative offsets without a `Chat Started` line. */
const START_KEYS = ['start_time', 'starttime', 'started_at', 'created_at', 'createddate', 'created_date', 'date'] as const;

/** The key of `record` holding its transcript, if it is a transcript record. Only asked of records no other format claimed. */
export function transcriptKeyOf(record: JsonObject): string | undefined {
  for (const key of Object.keys(record)) {
    const name = key.toLowerCase();
    if ((TRANSCRIPT_KEYS as readonly string[]).includes(name)) return key;
    const value = record[key];
    if (typeof value !== 'string') continue;
    if (
      name === SALESFORCE_KEY
        ? looksLikeSalesforceBody(value)
        : (SHAPED_KEYS as readonly string[]).includes(name) && looksLikeTranscript(value)
    )
      return key;
  }
  return undefined;
}

/** Whether a record names a transcript field by its exact key (cheap; for records that also look like feedback). */
export function hasTranscriptKey(record: JsonObject): boolean {
  return TRANSCRIPT_KEYS.some((key) => Object.prototype.hasOwnProperty.call(record, key));
}

/** Whether a record has a key that could hold a transcript, shaped or not: in a transcript file it is read as one, so its rejection says what is wrong. */
export function mayHoldTranscript(record: JsonObject): boolean {
  return Object.keys(record).some((key) => {
    const name = key.toLowerCase();
    return (
      (TRANSCRIPT_KEYS as readonly string[]).includes(name) || (SHAPED_KEYS as readonly string[]).includes(name) || name === SALESFORCE_KEY
    );
  });
}

/** Whether a CSV header has a column that holds a transcript when its text has the shape (so the first row is worth a look). */
export function mayHoldShapedTranscript(columns: readonly string[]): boolean {
  return columns.some((name) => name === SALESFORCE_KEY || (SHAPED_KEYS as readonly string[]).includes(name));
}

/**
 * The transcript column of a CSV header (names as `canonicalColumn` writes them before aliases),
 * judged by the first data row for the columns that need the shape. -1 when there is none.
 */
export function transcriptColumnOf(columns: readonly string[], firstRow: readonly string[] | undefined): number {
  for (let i = 0; i < columns.length; i++) if ((TRANSCRIPT_KEYS as readonly string[]).includes(columns[i])) return i;
  if (!firstRow) return -1;
  for (let i = 0; i < columns.length; i++) {
    if (i >= firstRow.length) continue;
    const value = firstRow[i];
    if (
      columns[i] === SALESFORCE_KEY
        ? looksLikeSalesforceBody(value)
        : (SHAPED_KEYS as readonly string[]).includes(columns[i]) && looksLikeTranscript(value)
    )
      return i;
  }
  return -1;
}

export function parseTranscriptRecord(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const byName = new Map<string, unknown>();
  for (const [key, value] of Object.entries(record)) if (!byName.has(key.toLowerCase())) byName.set(key.toLowerCase(), value);
  const key = transcriptKeyOf(record) ?? Object.keys(record).find((k) => mayHoldTranscript({ [k]: null }));
  const name = key?.toLowerCase() ?? 'transcript';
  const text = key === undefined ? undefined : record[key];
  if (text === undefined || text === null) return reject(source, `missing-field:${name}`, `the record has no "${name}"`);
  if (typeof text !== 'string') return reject(source, `invalid-field:${name}`, `"${name}" must be the chat as text, got ${show(text)}`);

  const idKey = [...ID_KEYS, ...(name === SALESFORCE_KEY ? ['name'] : [])].find(
    (k) => byName.get(k) !== undefined && byName.get(k) !== null,
  );
  const id = idKey ? idOf(byName.get(idKey)) : undefined;
  if (id === null)
    return reject(
      source,
      `invalid-field:${idKey ?? 'id'}`,
      `"${idKey ?? 'id'}" must be a string or number, got ${show(byName.get(idKey ?? 'id'))}`,
    );

  const startValue = START_KEYS.map((k) => byName.get(k)).find((v) => v !== undefined && v !== null && v !== '');
  const read = readTranscript(text, name, roles, startValue === undefined ? undefined : parseTimestamp(startValue));
  if ('reason' in read) return reject(source, read.reason, read.detail);

  return finish({
    source,
    id,
    idPrefix: 'transcript',
    raw: read.turns,
    ...(read.setAside ? { setAside: read.setAside } : {}),
    issueType: issueOf(ISSUE_KEYS.map((k) => byName.get(k)).find((v) => v !== undefined && v !== null && v !== '')),
    channel: textValue(byName.get('channel')),
    // Chat widgets' end-of-chat surveys write words ("good", "unsatisfied"): read as feedback records read them.
    csat: CSAT_KEYS.map((k) => parseRatingOrWord(byName.get(k))).find((v) => v !== undefined),
    // One text per file (the report counts distinct texts), so a file of such chats is one warning.
    notices: read.datesAssumed
      ? [
          `${source.file}: chat transcripts whose every date reads either way (02/03/2026: 3 February or 2 March) were read month first (MM/DD/YYYY); if the export writes the day first, put one date with a day over 12 in each chat, or export ISO dates (2026-03-02)`,
        ]
      : undefined,
  });
}

function textValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

/** `tags` may be a list or "billing, refund": the first tag is the issue type, as for Zendesk tickets. */
function issueOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return issueOf(value.find((v) => typeof v === 'string' && v.trim()));
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  return value.split(/[,;|]/)[0].trim() || undefined;
}

// ----- reading the text -----

interface Line {
  /** 1-based line of the transcript (after `<br>` became a line break). */
  n: number;
  text: string;
  /** What follows the time prefix (the whole line without one). */
  body: string;
  /** A bracketed or relative time prefix: the line is an entry of its own. */
  stamped: boolean;
  time?: LineTime;
  speaker?: { name: string; key: string; text: string };
  event?: TranscriptEvent;
}

type LineTime =
  | { offsetSeconds: number }
  /** `dated`: the stamp holds a date, even one of another calendar that gives no `date`. */
  | { clock: number; date?: string; numericDate?: NumericDate; zoneMinutes?: number; dated?: boolean };

/**
 * A date of three numbers before a clock (`02/03/2026`, `02-03-2026`, `13.03.2026`), read once the whole
 * transcript is known: whether `02/03` is 2 March or 3 February depends on its other lines.
 */
interface NumericDate {
  /** The first and second numbers as written, and the year (two digits: 20xx). */
  first: number;
  second: number;
  year: number;
  /** Written with dots: day first wherever dots are used. Slashes and dashes are used both ways. */
  dots: boolean;
}

type DateOrder = 'dmy' | 'mdy';
type TranscriptEvent =
  | { kind: 'start'; ms?: number; zoneMinutes?: number }
  | { kind: 'agent'; name: string }
  | { kind: 'joined'; name: string }
  | { kind: 'other' };

/** `datesAssumed`: the transcript's numeric dates all read either way, and were read month first. */
type Read =
  | { turns: RawTurn[]; datesAssumed: boolean; setAside?: Record<string, number>; firstEntry: string; participants: string[] }
  | { reason: string; detail: string };

const LINE_BREAK_TAGS = /<br\s*\/?>/gi;

/**
 * HTML first (`<br>` is a line break), then one entry per non-blank line. Salesforce's `Agent Jane D`
 * line is an event only in a run of header lines (at the start, or after another event such as a
 * transfer); elsewhere a line of those words is text.
 */
function linesOf(text: string, options: { plainText?: boolean } = {}): Line[] {
  // A messenger's text export is plain text: "<Media omitted>" is its placeholder, not a tag.
  const plain = options.plainText
    ? text
    : /<\/?[a-zA-Z!]/.test(text)
      ? decodeEntities(stripHtml(text.replace(LINE_BREAK_TAGS, '\n')))
      : decodeEntities(text);
  const lines: Line[] = [];
  let afterEvent = true;
  plain.split(/\r\n|\r|\n/).forEach((raw, i) => {
    // WhatsApp (iOS) opens some lines, and the text of attachments, with a left-to-right mark.
    const text = westernStamp(raw.replace(LEADING_MARKS, '').trim());
    if (!text) return;
    let prefix = timePrefixOf(text);
    // A bare clock ("10:30 works for me") is a prefix only before a speaker.
    if (prefix && !prefix.stamped && !speakerOf(text.slice(prefix.length)) && !isMessengerNotice(text.slice(prefix.length)))
      prefix = undefined;
    const body = prefix ? text.slice(prefix.length) : text;
    const line: Line = { n: i + 1, text, body, stamped: Boolean(prefix?.stamped) };
    if (prefix?.time) line.time = prefix.time;
    const event = eventOf(body, afterEvent);
    if (event) line.event = event;
    else {
      const speaker = speakerOf(body);
      // A messenger's own notice is no message, with a speaker (WhatsApp on iOS writes it as the
      // chat's) or without (on Android).
      if (prefix && isMessengerNotice(speaker ? speaker.text : body)) line.event = { kind: 'other' };
      else if (options.plainText && speaker && text.startsWith('[') && isIosOwnText(speaker.text)) line.event = { kind: 'other' };
      else if (speaker) line.speaker = speaker;
    }
    afterEvent = event !== undefined;
    lines.push(line);
  });
  return lines;
}

const LEADING_MARKS = /^[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/;

/**
 * WhatsApp on iOS opens what it writes itself, in the chat's name, with a left-to-right mark: the
 * encryption notice, "image omitted", "This message was deleted", in the phone's language. Known
 * placeholders are set aside and counted as such (`placeholderOf`); any other text so marked is a
 * notice in a language not listed above ("‎Berichten en oproepen worden end-to-end versleuteld."),
 * no message. A person's typed text does not start with the mark.
 */
function isIosOwnText(text: string): boolean {
  return text.startsWith('\u200e') && placeholderOf(text) === undefined;
}

/**
 * WhatsApp set to Arabic or Persian writes an entry's date and time in Arabic-Indic digits, with
 * right-to-left marks, the Arabic comma and ص/م (morning/evening) or ق.ظ/ب.ظ:
 * "١‏/١٢‏/٢٠٢٦، ١٠:٠٢ م - Name: …". Such a stamp (up to its " - " or "] ") is read as the Western
 * one it stands for; the message after it is left as written.
 */
const EASTERN_STAMP =
  /^\[?[\u0660-\u0669\u06f0-\u06f9][\u0660-\u0669\u06f0-\u06f9\u200e\u200f\u061c/.,،:\s\u0635\u0645\u0642\u0628\u0638]{6,40}?(?: - |\] )/u;

function westernStamp(line: string): string {
  const stamp = EASTERN_STAMP.exec(line);
  if (!stamp) return line;
  const western = stamp[0]
    .replace(/[\u200e\u200f\u061c]/g, '')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/،/g, ',')
    .replace(/\s*(?:ص|ق\.ظ)(?=\s*(?: - |\] )$)/u, ' AM')
    .replace(/\s*(?:م|ب\.ظ)(?=\s*(?: - |\] )$)/u, ' PM');
  return western + line.slice(stamp[0].length);
}

/**
 * Notices WhatsApp writes into an exported chat (English, Spanish, Portuguese, French, German,
 * Italian, Indonesian and Malay, as the phone's language writes them): end-to-end encryption,
 * a business account or a service managing the chat, changed security codes and numbers, missed
 * calls, disappearing messages, blocking. Whole lines of these shapes only.
 */
const MESSENGER_NOTICES = new RegExp(
  [
    String.raw`Messages (?:and calls|to this (?:chat|group)(?: and calls)?) are (?:now secured with )?end-to-end encrypt`,
    String.raw`Los mensajes y las llamadas están cifrados de extremo a extremo`,
    String.raw`As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta`,
    String.raw`Les messages et les appels sont chiffrés de bout en bout`,
    String.raw`Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt`,
    String.raw`I messaggi e le chiamate sono crittografati end-to-end`,
    String.raw`Pesan dan panggilan terenkripsi secara end-to-end`,
    String.raw`Mesej dan panggilan disulitkan hujung ke hujung`,
    String.raw`This (?:business|chat) (?:uses|is with|works with) (?:a secure service|a business account|other companies)`,
    String.raw`(?:Your security code with|.{1,60} changed (?:their|to) (?:phone number|a new number))`,
    String.raw`Missed (?:voice|video) call`,
    String.raw`(?:You|.{1,60}) (?:turned (?:on|off)|updated) disappearing messages`,
    String.raw`You (?:blocked|unblocked) this (?:contact|business)`,
  ].join('|'),
);
const MESSENGER_NOTICE = new RegExp(String.raw`^(?:${MESSENGER_NOTICES.source})[^\n]{0,200}$`, 'u');

function isMessengerNotice(text: string): boolean {
  return MESSENGER_NOTICE.test(text.replace(LEADING_MARKS, ''));
}

/**
 * A message that is only what a messenger writes in place of something not exported: a photo or
 * file left out of the export ("<Media omitted>", "image omitted", "<attached: …>") or a deleted
 * message. Set aside and counted; a caption on the lines after it is kept.
 */
const MEDIA_PLACEHOLDER =
  /^(?:<Media omitted>|<Medien ausgeschlossen>|<Multimedia omitido>|<Mídia oculta>|<Médias omis>|<Media tidak disertakan>|(?:image|video|audio|sticker|GIF|document|Contact card|photo) omitted|<attached: [^>]{1,200}>|[^\n]{1,120}\.(?:jpe?g|png|webp|mp4|opus|pdf|vcf) \(file attached\))$/i;
const DELETED_MESSAGE =
  /^(?:This message was deleted|You deleted this message|Se eliminó este mensaje|Eliminaste este mensaje|Mensagem apagada|Você apagou esta mensagem|Ce message a été supprimé|Diese Nachricht wurde gelöscht|Pesan ini telah dihapus|Mesej ini telah dipadam)\.?$/i;
/** WhatsApp's mark of an edited message, after its text. */
const EDITED_MARK =
  /\s*<(?:This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje|Mensagem editada|Pesan ini telah diedit)>$/i;

function placeholderOf(text: string): 'media-omitted' | 'deleted-message' | undefined {
  const plain = text.replace(LEADING_MARKS, '').trim();
  if (MEDIA_PLACEHOLDER.test(plain)) return 'media-omitted';
  if (DELETED_MESSAGE.test(plain)) return 'deleted-message';
  return undefined;
}

/** `( 1m 2s )`, Salesforce's time since the chat started. */
const RELATIVE = /^\(\s*(?=\d)(?:(\d+)h\s*)?(?:(\d+)m\s*)?(?:(\d+)s)?\s*\)\s*/;
// Morning and afternoon written before the time by WhatsApp in Chinese, Japanese and Korean
// (上午10:02, 午後3:15, 오전 10:02); "a. m." with a space in Spanish. A dot between hours and minutes
// (Indonesian and Finnish WhatsApp: 10.02) counts only after a date (see timePrefixOf).
/** Morning or afternoon written before a time (Chinese, Japanese, Korean); LINE's exports use them too. */
export const MERIDIEM_WORDS = '上午|下午|午前|午後|오전|오후';
const MORNING_WORD = /^(?:上午|午前|오전)$/;

/** "a" or "p" from an AM/PM after the time or a morning/afternoon word before it, if either is there. */
export function halfOfDay(after: string | undefined, before: string | undefined): 'a' | 'p' | undefined {
  if (after) return after.toLowerCase() === 'a' ? 'a' : 'p';
  return before ? (MORNING_WORD.test(before) ? 'a' : 'p') : undefined;
}

const CLOCK = String.raw`(?:(?<pre>${MERIDIEM_WORDS})\s?)?(?<hh>\d{1,2})(?<csep>[:.])(?<mm>\d{2})(?:\k<csep>(?<ss>\d{2}))?(?:\s*(?<half>[AaPp])\.?\s?[Mm]\.?)?`;
// ISO (2026-03-02), or day and month in either order with the year last (02/03/2026, 02-03-2026,
// 13.03.2026, 02/03/26). ISO is tried first and the others take at most two digits before the first
// separator, so a year-first date is never read as a day or month.
// Year first with slashes or dots (WhatsApp in Japanese and Chinese: 2026/12/01; Korean and
// Hungarian: 2026. 12. 1.) reads one way only, as ISO does.
const DATE = String.raw`(?:(?<iso>\d{4}-\d{2}-\d{2})|(?<ymd>(?<yy>\d{4})(?<ysep>[/.])\s?(?<ym>\d{1,2})\k<ysep>\s?(?<yd>\d{1,2})\.?)|(?<n1>\d{1,2})(?<sep>[/.-])(?<n2>\d{1,2})\k<sep>(?<year>\d{4}|\d{2}))`;
/** Between a date and its time: a space, "T", ", ", or a word for "at" (French "à", Finnish "klo"). */
const DATE_TIME = String.raw`(?:,?\s+(?:à|a las|às|klo|alle)\s+|[ T]|, )`;
const ZONE = String.raw`(?:\s*(?<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?`;
/** `[10:02]`, `(2026-03-02 09:14:05)`, `[02/03/2026, 09:14]`, `[02-03-2026 09:14]`, `[10:02:03 AM]`, optionally followed by a dash. */
const BRACKETED = new RegExp(String.raw`^[\[(]\s*(?:${DATE}(?:${DATE_TIME}|[ T,]+))?${CLOCK}${ZONE}\s*[\])]\s*(?:[-–—|]\s+)?`);
/** `10:02:03 AM Maria: ...`, `2026-03-02 09:14:05 - Maria: ...`, `02/03/2026, 09:14 - Maria: ...`, `02-03-2026 10:15 Maria: ...`. */
const BARE = new RegExp(String.raw`^(?:${DATE}${DATE_TIME})?${CLOCK}${ZONE}\s+(?:[-–—|]\s+)?`);

function timePrefixOf(text: string): { length: number; stamped: boolean; time?: LineTime } | undefined {
  const relative = RELATIVE.exec(text);
  if (relative && (relative[1] || relative[2] || relative[3])) {
    const [h, m, s] = [1, 2, 3].map((i) => Number(group(relative, i) ?? 0));
    return { length: relative[0].length, stamped: true, time: { offsetSeconds: h * 3600 + m * 60 + s } };
  }
  const bracketed = BRACKETED.exec(text);
  if (bracketed && datedOrColon(bracketed)) return { length: bracketed[0].length, stamped: true, time: clockOf(bracketed) };
  const bare = BARE.exec(text);
  // A date and a time opening a line make an entry as surely as brackets do (WhatsApp on Android).
  if (bare && datedOrColon(bare)) return { length: bare[0].length, stamped: hasDate(bare), time: clockOf(bare) };
  return undefined;
}

function hasDate(m: RegExpExecArray): boolean {
  const g: Record<string, string | undefined> = m.groups ?? {};
  return g.iso !== undefined || g.ymd !== undefined || g.n1 !== undefined;
}

/** "10.02" is a time only after a date: alone it is as likely a price or a version. */
function datedOrColon(m: RegExpExecArray): boolean {
  return m.groups?.csep === ':' || hasDate(m);
}

/** An optional capture group (the regex types call every group a string). */
function group(m: RegExpExecArray, i: number): string | undefined {
  const value: string | undefined = m[i];
  return value;
}

function clockOf(m: RegExpExecArray): LineTime | undefined {
  // Named groups that did not take part are undefined (the regex types say string).
  const g: Record<string, string | undefined> = m.groups ?? {};
  let hours = Number(g.hh);
  const minutes = Number(g.mm);
  const seconds = Number(g.ss ?? 0);
  const half = halfOfDay(g.half, g.pre);
  if (half) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (half === 'p' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const time: { clock: number; date?: string; numericDate?: NumericDate; zoneMinutes?: number; dated?: boolean } = {
    clock: (hours * 3600 + minutes * 60 + seconds) * 1000,
  };
  if (hasDate(m)) time.dated = true;
  if (g.iso) time.date = g.iso;
  // A year before 1970 is another calendar's (Hijri 1448, Solar Hijri 1405): converted when the year says which.
  else if (g.ymd && g.yy && g.ym && g.yd) {
    const [year, month, day] = [withoutBuddhistEra(Number(g.yy)), Number(g.ym), Number(g.yd)];
    const calendar = calendarOfYear(year);
    if (year >= 1970) time.date = `${year}-${g.ym.padStart(2, '0')}-${g.yd.padStart(2, '0')}`;
    else if (calendar) {
      const date = gregorianDay(calendar, year, month, day);
      if (date) time.date = date;
    }
  } else if (g.n1 && g.n2 && g.year && g.sep && isTwoDigitYearFirst(g.n1, g.sep, g.n2, g.year))
    // 26-03-02: year first (see isTwoDigitYearFirst); like an ISO date it settles no day/month order.
    time.date = `20${g.n1}-${g.n2.padStart(2, '0')}-${g.year}`;
  else if (g.n1 && g.n2 && g.year)
    time.numericDate = {
      first: Number(g.n1),
      second: Number(g.n2),
      year: g.year.length === 2 ? 2000 + Number(g.year) : withoutBuddhistEra(Number(g.year)),
      dots: g.sep === '.',
    };
  const zone = zoneMinutes(g.zone);
  if (zone !== undefined) time.zoneMinutes = zone;
  return time;
}

/** The order a numeric date's own numbers allow, if only one: dots and a first number over 12 are day first, a second over 12 month first. */
function orderOf(date: NumericDate): DateOrder | undefined {
  if (date.dots || (date.first > 12 && date.second <= 12)) return 'dmy';
  if (date.second > 12 && date.first <= 12) return 'mdy';
  return undefined;
}

/** The ISO day of a numeric date in `order`, or undefined when it is no date (month 13, 31 February). */
function isoDay(date: NumericDate, order: DateOrder): string | undefined {
  const [day, month] = order === 'dmy' || date.dots ? [date.first, date.second] : [date.second, date.first];
  if (date.year < 1970) {
    // Another calendar's year (see ../calendars): its own month lengths, or no date at all.
    const calendar = calendarOfYear(date.year);
    return calendar ? gregorianDay(calendar, date.year, month, day) : undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(date.year, month, 0)).getUTCDate()) return undefined;
  return `${String(date.year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The day/month order of a transcript's numeric dates, decided by the transcript as a whole: a
 * line that can be read one way only (13/03/2026, 03-13-2026, any date with dots) settles it for
 * every line, so 12/03/2026 before 13/03/2026 is 12 March, not 3 December. Lines that settle it
 * both ways are an error naming both; when no line settles it, month first (as `parseTimestamp`
 * reads a file whose dates all read either way), and `assumed` says so.
 */
function dateOrderOf(lines: readonly Line[]): { order: DateOrder; assumed: boolean } | { conflict: string } {
  let first: { order: DateOrder; line: Line } | undefined;
  let any = false;
  for (const line of lines) {
    const date = line.time && 'numericDate' in line.time ? line.time.numericDate : undefined;
    if (!date) continue;
    any = true;
    const order = orderOf(date);
    if (!order) continue;
    if (!first) first = { order, line };
    else if (order !== first.order) {
      const name = (o: DateOrder) => (o === 'dmy' ? 'the day first' : 'the month first');
      return {
        conflict: `line ${first.line.n} of the transcript (${show(first.line.text)}) writes its date with ${name(first.order)}, line ${line.n} (${show(line.text)}) with ${name(order)}; the dates cannot all be read, so correct the export (ISO dates such as 2026-03-02 read one way only)`,
      };
    }
  }
  return first ? { order: first.order, assumed: false } : { order: 'mdy', assumed: any };
}

function zoneMinutes(zone: string | undefined): number | undefined {
  if (!zone) return undefined;
  if (/^(?:Z|UTC|GMT)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : undefined;
}

/** A speaker name: up to six words of letters, digits and name punctuation, then a colon and a space (or the line's end). */
const SPEAKER = /^([\p{L}\p{N}][\p{L}\p{M}\p{N}._'’&@()#-]*(?: [\p{L}\p{M}\p{N}._'’&@()#-]+){0,5}?)\s?:(?:\s+|$)/u;

function speakerOf(body: string): Line['speaker'] {
  const m = SPEAKER.exec(body);
  if (!m) return undefined;
  const name = m[1].trim();
  return { name, key: name.toLowerCase(), text: body.slice(m[0].length) };
}

// Events: whole lines of the shapes chat tools write, and nothing looser (a customer's own line
// "I left the chat open" is not one, since it is not the whole line of that shape).
const CHAT_STARTED = /^Chat Started:\s*(.+)$/i;
const CHAT_HEADER = /^Chat (?:Origin|Duration|Button|Key|Ended|Status|Transcript|Rating|Topic):/i;
// One optional tail ("by visitor", "from Tom to Lisa"): a repeated group here backtracked
// exponentially on a long "by ... by ..." line.
const CHAT_STATE = /^Chat (?:ended|closed|transferred|was transferred|has ended)(?: (?:by|from|to) [^:]{1,60})?\.?$/i;
/** Salesforce's header line naming the agent who took the chat (`Agent Jane D`). */
const AGENT_HEADER = /^Agent ([\p{Lu}][\p{L}\p{M}.'’-]*(?: [\p{L}\p{M}.'’-]+){0,3})$/u;
const NAME = String.raw`([\p{Lu}][\p{L}\p{M}\p{N}.'’-]*(?: [\p{L}\p{M}\p{N}.'’-]+){0,4}?)`;
const PRESENCE = new RegExp(
  String.raw`^${NAME} (?:has |have )?(accepted|joined|left|ended|closed|rejoined|declined|transferred) the (?:chat|conversation)(?: session)?(?: (?:to|at) [^:]{1,60}?)?\.?$`,
  'u',
);
const PRONOUNS = new Set(['i', 'we', 'you', 'he', 'she', 'they', 'it', 'someone', 'nobody']);

function eventOf(body: string, inHeader: boolean): TranscriptEvent | undefined {
  const started = CHAT_STARTED.exec(body);
  if (started) return { kind: 'start', ...chatStartedTime(started[1]) };
  if (CHAT_HEADER.test(body) || CHAT_STATE.test(body)) return { kind: 'other' };
  const agent = inHeader ? AGENT_HEADER.exec(body) : null;
  if (agent) return { kind: 'agent', name: agent[1] };
  const presence = PRESENCE.exec(body);
  if (presence && !PRONOUNS.has(presence[1].toLowerCase())) {
    // Only the support side accepts or takes over a chat; joining or leaving says nothing of the side.
    return presence[2] === 'accepted' ? { kind: 'agent', name: presence[1] } : { kind: 'joined', name: presence[1] };
  }
  return undefined;
}

/** `Monday, March 02, 2026, 09:14:05 (+0000)`, Salesforce's header (a missing zone is UTC, as zone-less times are everywhere). */
function chatStartedTime(value: string): { ms?: number; zoneMinutes?: number } {
  // The zone ends the value; only its tail is searched, so a long run of spaces costs nothing.
  const tail = value.slice(-40);
  const zoneMatch = /\(?\s*(?:GMT|UTC)?\s*([+-]\d{2}:?\d{2})\s*\)?\s*$/.exec(tail);
  const zone = zoneMinutes(zoneMatch?.[1]) ?? 0;
  const when = (zoneMatch ? value.slice(0, value.length - tail.length + zoneMatch.index) : value)
    .replace(/^\s*[A-Za-z]+day,\s*/i, '')
    .replace(/,\s*(\d{1,2}:\d{2})/, ' $1')
    .trim();
  const sign = zone < 0 ? '-' : '+';
  const abs = Math.abs(zone);
  const iso = parseTimestamp(when);
  // parseTimestamp reads zone-less ISO and numeric dates as UTC; month names are left to Date.parse with the zone.
  const ms =
    iso && /^\d/.test(when)
      ? Date.parse(iso) - zone * 60_000
      : Date.parse(`${when} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`);
  return Number.isFinite(ms) ? { ms, zoneMinutes: zone } : {};
}

/** Shape check for keys that are not a transcript by name: the first entry names a speaker and at least two lines do. */
export function looksLikeTranscript(text: string): boolean {
  if (!text.includes(':')) return false;
  const lines = linesOf(text.length > 4096 ? text.slice(0, 4096) : text).filter((l) => !l.event);
  return lines.length > 0 && lines[0].speaker !== undefined && lines.filter((l) => l.speaker).length >= 2;
}

/** Salesforce's Body: starts with `Chat Started:`, or its entries carry `( 5s )` offsets. */
function looksLikeSalesforceBody(text: string): boolean {
  const head = text.trimStart().slice(0, 4096);
  return /^Chat Started:/i.test(head) || /(?:^|<br\s*\/?>|\n)\s*\(\s*(?:\d+h\s*)?(?:\d+m\s*)?\d+s\s*\)\s*[^:<\n]{1,60}:/i.test(head);
}

interface Participant {
  name: string;
  role?: ChatRole;
  line: number;
}

/**
 * Which `Name:` prefixes are speakers. A participant is a name that
 * - the role words or TUNELOOP_SPEAKER_ROLES resolve ("Agent Tom", "Visitor"), or
 * - an event introduces (Salesforce's `Agent Jane D` header, `Tom accepted the chat`, `Kim joined the chat`), or
 * - speaks the transcript's first entry, or
 * - stands on a line with a time prefix, when the transcript's entries carry them (a continuation line has none), or
 * - starts lines in two different turns (another participant spoke in between);
 * and when that leaves one side (customer or support) without anyone, the first other name is
 * that side (the two-party rule of message CSV). Any other `Word:` line continues the message
 * before it: "Note: my order number is 123" inside a customer's message is text, not a speaker.
 */
function participantsOf(lines: readonly Line[], roles: RoleMapper, stampedEntries: boolean): Map<string, Participant> {
  const participants = new Map<string, Participant>();
  const add = (name: string, line: number, role?: ChatRole) => {
    const key = name.toLowerCase();
    const known = participants.get(key);
    if (known) known.role ??= role;
    else participants.set(key, { name, line, role });
  };
  // Names an event introduces count only when they speak ("Visitor left the chat" while the
  // visitor wrote as "Maria Keller" adds no third party).
  const speaking = new Set(lines.flatMap((l) => (l.speaker ? [l.speaker.key] : [])));
  let first = true;
  for (const line of lines) {
    const event = line.event;
    if (event) {
      if ((event.kind === 'agent' || event.kind === 'joined') && speaking.has(event.name.toLowerCase()))
        add(event.name, line.n, event.kind === 'agent' ? 'assistant' : roles.roleOf(event.name));
      continue;
    }
    const speaker = line.speaker;
    if (speaker) {
      const role = roles.roleOf(speaker.name);
      if (role || first || (stampedEntries && line.stamped)) add(speaker.name, line.n, role);
    }
    first = false;
  }
  // Recurring names, counted once per turn of their own.
  const turns = new Map<string, { count: number; line: number; name: string }>();
  let owner: string | undefined;
  for (const line of lines) {
    const speaker = line.speaker;
    if (!speaker || (stampedEntries && !line.stamped)) continue;
    if (participants.has(speaker.key)) {
      owner = speaker.key;
      continue;
    }
    if (owner === speaker.key) continue;
    owner = speaker.key;
    const seen = turns.get(speaker.key);
    if (seen) seen.count++;
    else turns.set(speaker.key, { count: 1, line: line.n, name: speaker.name });
  }
  for (const [, seen] of turns) if (seen.count >= 2) add(seen.name, seen.line, roles.roleOf(seen.name));
  const unresolved = [...participants.values()].filter((p) => !p.role);
  const sides = new Set([...participants.values()].map((p) => p.role).filter((r) => r === 'user' || r === 'assistant'));
  if (unresolved.length === 0 && sides.size === 1) {
    const other = [...turns.values()].sort((a, b) => a.line - b.line).at(0);
    if (other) add(other.name, other.line);
  }
  return participants;
}

function readTranscript(
  text: string,
  field: string,
  roles: RoleMapper,
  recordStart: string | undefined,
  hints: { customer?: string; unknownSpeakerHelp?: string; plainText?: boolean; timeZone?: string } = {},
): Read {
  const lines = linesOf(text, { plainText: hints.plainText });
  const firstEntry = lines.find((l) => !l.event);
  if (!firstEntry) return { reason: 'empty-conversation', detail: 'the transcript has no message' };
  if (!firstEntry.speaker)
    return {
      reason: 'unknown-speaker',
      detail: `line ${firstEntry.n} of the transcript (${show(firstEntry.text)}) names no speaker ("Name: text"), so it cannot be attributed`,
    };
  const stampedEntries = firstEntry.stamped;
  const participants = participantsOf(lines, roles, stampedEntries);
  // The other party a messenger's export names (its file name, see chatExportCustomer).
  const customer = hints.customer?.toLowerCase();
  if (customer) {
    const named = participants.get(customer);
    if (named && !named.role) named.role = 'user';
  }
  const names = [...participants.values()];
  const known = new Map(names.filter((p) => p.role).map((p) => [p.name, p.role as ChatRole]));
  const resolved = inferMissingRoles(
    names.map((p) => p.name),
    { roleOf: (name) => known.get(name) ?? roles.roleOf(name) },
  );
  if ('unknown' in resolved) {
    // Every name left, so a "Note:" taken for a speaker is seen next to the customer's name.
    const named = resolved.unknown
      .slice(0, 3)
      .map((name) => `${show(name)} (line ${participants.get(name.toLowerCase())?.line ?? '?'} of the transcript)`);
    const who =
      named.length === 1
        ? `speaker ${named[0]} is not a known role`
        : `speakers ${named.join(', ')} are not known roles (at most one name can be inferred as the other side)`;
    return {
      reason: 'unknown-speaker',
      detail: `${who}; use customer/user, agent/assistant/bot or system, or map the name with speakerRoles${hints.unknownSpeakerHelp ?? ''}`,
    };
  }

  const dates = dateOrderOf(lines);
  if ('conflict' in dates) return { reason: `invalid-field:${field}`, detail: dates.conflict };
  const clock = new TranscriptClock(recordStart, dates.order, hints.timeZone);
  const setAside: Record<string, number> = {};
  const turns: RawTurn[] = [];
  let current: RawTurn | undefined;
  for (const line of lines) {
    if (line.event) {
      if (line.event.kind === 'start') clock.started(line.event.ms, line.event.zoneMinutes);
      continue;
    }
    const speaker = line.speaker && (!stampedEntries || line.stamped) ? participants.get(line.speaker.key) : undefined;
    if (line.speaker && speaker) {
      const placeholder = placeholderOf(line.speaker.text);
      if (placeholder) setAside[placeholder] = (setAside[placeholder] ?? 0) + 1;
      current = { role: resolved.get(speaker.name) as ChatRole, text: placeholder ? '' : line.speaker.text.replace(EDITED_MARK, '') };
      const timestamp = clock.at(line.time);
      if (timestamp) current.timestamp = timestamp;
      turns.push(current);
      continue;
    }
    // In a messenger's export a dated line without a speaker is the messenger's own (a notice in a
    // language not listed, "Aminah left"), never part of a message.
    if (hints.plainText && line.stamped) continue;
    if (stampedEntries && line.stamped)
      return {
        reason: 'unknown-speaker',
        detail: `line ${line.n} of the transcript (${show(line.text)}) starts a message (it has a time) but names no speaker, so it cannot be attributed`,
      };
    // Checked above: the first entry has a speaker, so a message is open here.
    const more = line.text.replace(EDITED_MARK, '');
    if (current) current.text = current.text ? `${current.text}\n${more}` : more;
  }
  return {
    turns,
    datesAssumed: dates.assumed,
    ...(Object.keys(setAside).length ? { setAside } : {}),
    firstEntry: firstEntry.text,
    participants: names.map((p) => p.name),
  };
}

/**
 * Timestamps of entries: relative offsets count from the `Chat Started` time (else the record's
 * start time); clock times need a date (their own, the `Chat Started` line's, the record's), else
 * they are left out. A clock that goes backwards has passed midnight.
 */
class TranscriptClock {
  private startMs: number | undefined;
  private zoneMinutes = 0;
  private date: string | undefined;
  private lastClockMs: number | undefined;

  /** A zone a `Chat Started` line gave, which its clock times are in. */
  private zoneKnown = false;

  constructor(
    recordStart: string | undefined,
    private readonly order: DateOrder,
    /** The declared time zone (IANA) of clock times that carry none. */
    private readonly timeZone?: string,
  ) {
    if (recordStart) {
      this.startMs = Date.parse(recordStart);
      this.date = recordStart.slice(0, 10);
    }
  }

  started(ms: number | undefined, zoneMinutes: number | undefined): void {
    if (ms === undefined) return;
    this.startMs = ms;
    this.zoneMinutes = zoneMinutes ?? 0;
    this.zoneKnown = zoneMinutes !== undefined;
    this.date = new Date(ms + this.zoneMinutes * 60_000).toISOString().slice(0, 10);
  }

  at(time: LineTime | undefined): string | undefined {
    if (!time) return undefined;
    if ('offsetSeconds' in time) return this.startMs === undefined ? undefined : iso(this.startMs + time.offsetSeconds * 1000);
    const own = time.date ?? (time.numericDate && isoDay(time.numericDate, this.order));
    const date = own ?? this.date;
    if (!date) return undefined;
    const wall = Date.parse(`${date}T00:00:00Z`) + time.clock;
    let ms =
      time.zoneMinutes === undefined && !this.zoneKnown && this.timeZone
        ? zonedWallClockToEpoch(wall, this.timeZone)
        : wall - (time.zoneMinutes ?? this.zoneMinutes) * 60_000;
    if (!Number.isFinite(ms)) return undefined;
    if (own) this.date = own;
    // Entries a few seconds out of order stay on their day; half a day back is the next day.
    else if (this.lastClockMs !== undefined && ms < this.lastClockMs - 43_200_000) ms += 86_400_000;
    this.lastClockMs = ms;
    return iso(ms);
  }
}

function iso(ms: number): string | undefined {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

// ----- a chat exported as a text file -----

/**
 * Whether a file's head is a chat a messenger exported as text, one entry a line with its date
 * and time: WhatsApp's "Export chat" (`01/12/2026, 10:02 - Aminah: …` on Android,
 * `[01/12/2026, 10:02:11] Aminah: …` on iOS, `12/1/26, 10:02 AM - …` in US English). Its first line
 * is a dated entry (a speaker's message or the messenger's notice), and so are the next ones.
 * Asked only of files that are neither JSON nor markup (ingest/detect).
 */
export function looksLikeChatExport(head: string): boolean {
  const cut = head.length > 8192 ? head.slice(0, Math.max(head.lastIndexOf('\n', 8192), 1)) : head;
  const lines = linesOf(cut, { plainText: true });
  const dated = (l: Line) => l.time !== undefined && 'clock' in l.time && l.time.dated === true && (l.speaker || l.event);
  if (!lines.length || !dated(lines[0])) return false;
  return lines.filter(dated).length >= Math.min(2, lines.length) && lines.some((l) => l.speaker);
}

/**
 * The customer's name in the file name WhatsApp gives an exported chat, in the phone's language:
 * "WhatsApp Chat with Aminah Yusof.txt" (Android), "WhatsApp Chat - Aminah Yusof.zip" (iOS, whose
 * archive holds `_chat.txt`), "Chat de WhatsApp con …", "Conversa do WhatsApp com …",
 * "Discussion WhatsApp avec …", "WhatsApp-Chat mit …", "Chat WhatsApp dengan …". A chat exported
 * from the business's phone names the other party: the customer.
 */
export function chatExportCustomer(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const m =
    /^(?:WhatsApp Chat (?:with|-)|Chat de WhatsApp con|Conversa do WhatsApp com|Discussion WhatsApp avec|WhatsApp-Chat mit|Chat WhatsApp (?:dengan|con)|Chat di WhatsApp con)\s+(.+?)(?:\s*\(\d+\))?\.(?:txt|zip)(?:\.gz)?$/iu.exec(
      base,
    );
  return m?.[1].trim() || undefined;
}

/**
 * A chat exported by a messenger as a text file (`looksLikeChatExport`): the whole file is one
 * conversation and one record. Its speakers are resolved as in any transcript, and the customer
 * the file name gives (`chatExportCustomer`, of the file or of the archive it came in) is the user,
 * which makes the other party the support side. The messenger's notices are no messages; photos
 * and files left out of the export and deleted messages are set aside and counted. The id comes
 * from the first entry and the speakers, so a later export of the same chat (more messages, the
 * same start) is the same conversation, and the nightly assembly keeps the newer one.
 */
export function parseChatExport(
  source: SourceRef,
  text: string,
  roles: RoleMapper,
  names: { file: string; archive?: string },
  options: { timeZone?: string } = {},
): IngestItem {
  const customer = chatExportCustomer(names.file) ?? chatExportCustomer(names.archive);
  const read = readTranscript(text, 'chat', roles, undefined, {
    plainText: true,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(customer ? { customer } : {}),
    unknownSpeakerHelp:
      '; a WhatsApp export names the customer in its file name ("WhatsApp Chat with <customer>.txt"), so keep that name, or map the business\'s own name (TUNELOOP_SPEAKER_ROLES={"<business name>":"assistant"})',
  });
  if ('reason' in read) return reject(source, read.reason, read.detail);
  return finish({
    source,
    id: cleanedContentId('chat-export', read.firstEntry, ...[...read.participants].map((p) => p.toLowerCase()).sort()),
    idPrefix: 'chat-export',
    raw: read.turns,
    channel: 'whatsapp',
    wholeChat: true,
    ...(read.setAside ? { setAside: read.setAside } : {}),
    notices: read.datesAssumed
      ? [
          `${source.file}: every date of the exported chat reads either way (02/03/2026: 3 February or 2 March) and was read month first (MM/DD/YYYY); if the phone writes the day first, the times of this chat are off`,
        ]
      : undefined,
  });
}
