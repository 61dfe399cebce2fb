import type PostalMime from 'postal-mime';
import { contentId } from '../ids';
import { conversationFromRows, groupMessageRows, type MessageRow } from '../messageCsv';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { decodeEntities, stripHtml } from '../text';
import type { ChatRole, IngestItem } from '../types';

/**
 * A support mailbox exported as mbox: Google Takeout's `.mbox` of a Gmail or Workspace mailbox
 * (support@…), Thunderbird's and Apple Mail's folders. Every message starts with a "From " line
 * ("From 1786… Thu Dec 03 10:00:00 +0000 2026", "From - Thu Dec 03 …") and is an RFC 5322
 * message (MIME parts, encoded words, quoted-printable or base64, any charset: parsed with
 * postal-mime).
 *
 * A thread is a conversation: Gmail's thread id (`X-GM-THRID`), else the first message id of
 * `References` (the thread's root), else `In-Reply-To`, else the message's own id. Messages of a
 * thread may be anywhere in the file; they are grouped like message rows (spilled to disk by
 * thread, so memory does not grow with the mailbox) and put in time order. A message's text is its
 * plain-text part (else its HTML, cleaned); the quoted thread below a reply is cut by the turn
 * clean-up (ingest/emailQuotes). The subject of a message that answers none (the thread's first)
 * opens its text when the body does not already say it ("Order 4521 not arrived" above "see
 * subject").
 *
 * Who is who: the mailbox's own side is the support side. `TUNELOOP_SPEAKER_ROLES` decides first
 * (an address, or "@domain" for every address of a domain); then the export says it: Gmail labels
 * what the mailbox sent (`X-Gmail-Labels: Sent`), and `Delivered-To` names the mailbox on what it
 * received. An address the mailbox sent from, or the mailbox's address, is the support side, and
 * so is every address of its domain unless that is a webmail domain (agents reply from their own
 * addresses at the company's domain). Every other sender is a customer. Without any of that, a
 * thread is `unknown-speaker`, saying what to map.
 *
 * Quarantined on their own, each with its reason (`not-support-mail`), out of their threads: spam,
 * trash, drafts and Gmail's chat logs (by Gmail's labels), automatic replies and bounces
 * (`Auto-Submitted`, `X-Autoreply`, delivery reports, mailer daemons), bulk and list mail
 * (`Precedence: bulk|list|junk`, `List-Id`, `List-Unsubscribe`): none is a support conversation,
 * and in quarantine an erasure still finds them. A message over the record size limit is rejected
 * on its own (`record-too-long`); its thread is read without it.
 */
const FROM_LINE = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[ ,]/;
const HEADER_LINE = /^[!-9;-~]+:/;

/** Whether an mbox "From " line starts a message (the erasure finds a message's lines by it too). */
export function isMboxFromLine(line: string): boolean {
  return FROM_LINE.test(line);
}

// Any date will do for the reader, which dates messages by their Date header; 1 January 1970 was a Thursday.
const JOINED_ENVELOPE = { sender: 'eml:', date: 'Thu Jan  1 00:00:00 1970' };

/** The "From " line of a message joined from a file of its own (ingest/emailFiles): it names the file, so a rejection can say which. */
export function joinedFromLine(fileName: string): string {
  return `From ${JOINED_ENVELOPE.sender}${encodeURIComponent(fileName)} ${JOINED_ENVELOPE.date}`;
}

/** Where a message is, for the user: its line in the mbox, or its own file when joined from one. */
function messagePlace(line: number, fromLine: string): string {
  const name = emailFileOf(fromLine);
  return name === undefined ? `the e-mail at line ${line}` : `the e-mail in ${name}`;
}

function threadPlace(line: number, fromLine: string): string {
  const name = emailFileOf(fromLine);
  return name === undefined ? `at line ${line}` : `of ${name}`;
}

/** The file a joined message came from, read back from its "From " line; undefined for a message of an mbox. */
export function emailFileOf(fromLine: string): string | undefined {
  const start = `From ${JOINED_ENVELOPE.sender}`;
  if (!fromLine.startsWith(start)) return undefined;
  try {
    return decodeURIComponent(fromLine.slice(start.length).split(' ', 1)[0]);
  } catch {
    return undefined;
  }
}

export function looksLikeMbox(head: string): boolean {
  const lines = head.split(/\r?\n/, 40);
  if (!FROM_LINE.test(lines[0] ?? '')) return false;
  const headers = lines.slice(1).filter((l) => HEADER_LINE.test(l));
  return headers.length >= 2 && headers.some((l) => /^(?:from|date|message-id|subject|received):/i.test(l));
}

/** One e-mail message on its own (an .eml file): a block of header fields naming a sender, then a blank line. */
export function looksLikeEmailMessage(head: string): boolean {
  const lines = head.split(/\r?\n/, 200);
  const end = lines.indexOf('');
  if (end < 3) return false;
  const fields = lines.slice(0, end).filter((l) => !/^[ \t]/.test(l));
  return (
    fields.every((l) => HEADER_LINE.test(l)) &&
    fields.some((l) => /^from:/i.test(l)) &&
    fields.some((l) => /^(?:date|message-id|received|mime-version):/i.test(l))
  );
}

/** Webmail domains: two customers at gmail.com are not one company, so only the address itself is the mailbox's. */
const WEBMAIL =
  /^(?:gmail\.com|googlemail\.com|outlook\.com|hotmail\.[a-z.]+|live\.[a-z.]+|msn\.com|yahoo\.[a-z.]+|ymail\.com|icloud\.com|me\.com|mac\.com|aol\.com|proton\.me|protonmail\.com|pm\.me|gmx\.[a-z.]+|web\.de|mail\.ru|yandex\.[a-z.]+|qq\.com|163\.com|126\.com|naver\.com|daum\.net|zoho\.com|fastmail\.com)$/;

const LABELS_PASSED_OVER: ReadonlyArray<[RegExp, string]> = [
  [/^(?:spam|junk)$/i, 'spam (Gmail labels it so)'],
  [/^(?:trash|bin|deleted items)$/i, 'in the trash (Gmail labels it so)'],
  [/^drafts?$/i, 'a draft (Gmail labels it so)'],
  [/^chats?$/i, "a chat log of Gmail's"],
];

/** What the mailbox says about its own side, gathered while reading (roles are decided after the last message). */
interface MailboxEvidence {
  /** Senders of messages Gmail labels Sent: the mailbox itself. */
  sentFrom: Set<string>;
  /** `Delivered-To` addresses, counted: the mailbox's own address is the commonest. */
  deliveredTo: Map<string, number>;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** The roles of a mailbox's senders: explicit mappings, then the mailbox's own addresses and domains. */
function mailboxRoles(evidence: MailboxEvidence, speakerRoles: Readonly<Record<string, ChatRole>>): RoleMapper & { known: boolean } {
  const explicit = new Map(Object.entries(speakerRoles).map(([name, role]) => [name.trim().toLowerCase(), role]));
  const own = new Set(evidence.sentFrom);
  let top: [string, number] | undefined;
  for (const entry of evidence.deliveredTo) if (!top || entry[1] > top[1]) top = entry;
  if (top) own.add(top[0]);
  for (const [name, role] of explicit) if (role === 'assistant' && name.includes('@') && !name.startsWith('@')) own.add(name);
  const ownDomains = new Set([...own].map(domainOf).filter((d) => d && !WEBMAIL.test(d)));
  for (const [name, role] of explicit) if (role === 'assistant' && name.startsWith('@')) ownDomains.add(name.slice(1));
  const known = own.size > 0 || ownDomains.size > 0;
  return {
    known,
    roleOf(address: string): ChatRole | undefined {
      const key = address.trim().toLowerCase();
      const mapped = explicit.get(key) ?? explicit.get(`@${domainOf(key)}`);
      if (mapped) return mapped;
      if (own.has(key) || ownDomains.has(domainOf(key))) return 'assistant';
      return known ? 'user' : undefined;
    },
  };
}

function header(email: PostalMime.Email, key: string): string | undefined {
  return email.headers.find((h) => h.key === key)?.value;
}

const OUTLOOK_FILE = /\.msg$/i;

/** Why an Outlook item is no support conversation: a draft, or no e-mail at all (an appointment, a contact, a task). */
function outlookPassedOver(outlook: string | undefined): string | undefined {
  if (!outlook || outlook === 'sent') return undefined;
  if (outlook === 'draft') return 'a draft (Outlook marks it unsent)';
  return `an Outlook item of class ${outlook}, no e-mail`;
}

/** Why a message is no support conversation, if it is none. */
function passedOver(email: PostalMime.Email, from: string): string | undefined {
  const labels = (header(email, 'x-gmail-labels') ?? '').split(',').map((l) => l.trim().replace(/^"|"$/g, ''));
  for (const [pattern, why] of LABELS_PASSED_OVER) if (labels.some((l) => pattern.test(l))) return why;
  const auto = header(email, 'auto-submitted');
  if ((auto && !/^no\b/i.test(auto)) || header(email, 'x-autoreply') || header(email, 'x-autorespond'))
    return 'an automatic reply (Auto-Submitted)';
  if (/^(?:mailer-daemon|postmaster)@/i.test(from) || /multipart\/report/i.test(header(email, 'content-type') ?? ''))
    return 'a bounce (a delivery report)';
  const listed =
    /^(?:bulk|list|junk)$/i.test((header(email, 'precedence') ?? '').trim()) ||
    header(email, 'list-id') ||
    header(email, 'list-unsubscribe');
  if (listed && !isOwnGroup(email)) return 'bulk or list mail (a newsletter: List-Id, List-Unsubscribe or Precedence)';
  return undefined;
}

/**
 * Whether list headers are the mailbox's own group's: support@ is often a Google Group (or another
 * list) that adds `List-Id`, `List-Unsubscribe` and `Precedence: list` to every customer's e-mail it
 * hands on. Its `List-Id` is at a domain the message was sent to ("<support.shop.example>" for mail
 * to support@shop.example); a newsletter's is at its sender's.
 */
function isOwnGroup(email: PostalMime.Email): boolean {
  const host = /<([^<>\s]+)>/.exec(header(email, 'list-id') ?? '')?.[1]?.toLowerCase();
  if (!host) return false;
  const recipients = addresses(email);
  if (email.deliveredTo) recipients.push(email.deliveredTo);
  return recipients.some((address) => {
    const domain = domainOf(address.trim().toLowerCase());
    return domain !== '' && !WEBMAIL.test(domain) && (host === domain || host.endsWith(`.${domain}`));
  });
}

const MESSAGE_ID = /<[^<>\s]+>/g;
const HAS_MESSAGE_ID = /<[^<>\s]+>/;

/** The thread a message belongs to: Gmail's thread id, else the root of its references, else what it answers, else itself. */
function threadKey(email: PostalMime.Email, line: number): string {
  const gmail = header(email, 'x-gm-thrid')?.trim();
  if (gmail) return `gmail:${gmail}`;
  const root = (email.references ?? '').match(MESSAGE_ID)?.[0] ?? (email.inReplyTo ?? '').match(MESSAGE_ID)?.[0];
  if (root) return root.toLowerCase();
  const own = (email.messageId ?? '').match(MESSAGE_ID)?.[0];
  return own ? own.toLowerCase() : `line:${line}`;
}

/** The text of a message: its plain-text part, else its HTML made text. */
function bodyOf(email: PostalMime.Email): string {
  if (email.text?.trim()) return email.text;
  // The project's clean-up: block tags become line breaks, entities decoded.
  if (email.html) return decodeEntities(stripHtml(email.html));
  return '';
}

const REPLY_PREFIX = /^(?:\s*(?:re|fwd?|aw|wg|sv|vs|antw|rif|tr|r|enc|res|odp|před|ynt)\s*(?:\[\d+\])?\s*:\s*)+/i;
/** Reply prefixes only (not forwards): a forward without headers starts a conversation of its own. */
const ANSWER_PREFIX = /^\s*(?:re|aw|sv|vs|antw|rif|r|res|odp|ynt)\s*(?:\[\d+\])?\s*:/i;

/** How long after a thread's first message a reply without thread headers is still joined to it by subject. */
export const BROKEN_THREAD_DAYS = 30;
const BROKEN_THREAD_MS = BROKEN_THREAD_DAYS * 86_400_000;
/** Thread openings remembered for such replies (subject × pair of addresses); past it, all are forgotten and remembering starts afresh. */
const OPENINGS_REMEMBERED = 50_000;
/** Such replies held until the end of the file, waiting for an opening read later; past it, each is a thread of its own. */
const HELD_REPLIES = 1_000;
const HELD_REPLY_CHARS = 16 * 1024 * 1024;

interface HeldReply {
  row: MessageRow;
  subject: string | undefined;
  ownKey: string;
  lookup: { keys: string[]; at: number | undefined };
}

/**
 * Replies a mail client sent without `In-Reply-To` and `References` ("Re: Order 4521 not
 * arrived" from a phone's mail app): without them each was a thread of its own, a reply with no
 * question before it. Such a reply (a "Re:" subject in any of the usual languages) joins the
 * latest thread opened up to 30 days before it with the same subject between the same two
 * addresses (the reply's sender and one of its recipients were the opening's sender and one of its
 * recipients): a thread another customer opened with the same subject, which also went to the
 * support address, is not joined. A later message answering the joined reply (its `References`
 * name only the reply) follows it into that thread. Openings are remembered up to a bound, then
 * forgotten and remembered afresh; replies whose opening comes later in the file are held up to
 * a bound (memory stays flat).
 */
class BrokenThreads {
  private readonly openings = new Map<string, { key: string; at: number | undefined }[]>();
  private remembered = 0;
  /** A joined reply's own thread key → the thread it joined, for the messages answering it. */
  private readonly aliases = new Map<string, string>();
  private readonly held = new Map<string, HeldReply>();
  /** Held replies a later message answered before the end of the file: they keep their own thread (and its answers). */
  private readonly answered = new Set<string>();
  private heldChars = 0;
  joined = 0;

  /** 'opens' for a message that opens a thread; else where a reply's thread is, if known yet. */
  lookFor(
    email: PostalMime.Email,
    from: string,
    timestamp: string | undefined,
  ): 'opens' | { thread?: string; lookup: HeldReply['lookup'] } {
    if (!ANSWER_PREFIX.test(email.subject ?? '')) return 'opens';
    const subject = normalisedSubject(email.subject);
    const keys = subject && from ? addresses(email).flatMap((to) => (to === from ? [] : [`${subject}\n${pair(from, to)}`])) : [];
    const lookup = { keys, at: timestamp ? Date.parse(timestamp) : undefined };
    const thread = this.find(lookup);
    return { ...(thread !== undefined ? { thread } : {}), lookup };
  }

  /** The thread a message answering `key` is in: the thread a joined reply went to, else `key`; marks a held reply answered. */
  threadOf(key: string): string {
    if (this.held.has(key)) this.answered.add(key);
    return this.aliases.get(key) ?? key;
  }

  /** A reply joined to `thread` at once. */
  joinedTo(ownKey: string, thread: string): void {
    this.joined++;
    this.alias(ownKey, thread);
  }

  addRoot(email: PostalMime.Email, from: string, timestamp: string | undefined, key: string): void {
    const subject = normalisedSubject(email.subject);
    if (!subject || !from) return;
    const at = timestamp ? Date.parse(timestamp) : undefined;
    for (const to of new Set(addresses(email))) {
      if (to === from) continue;
      if (this.remembered >= OPENINGS_REMEMBERED) {
        this.openings.clear();
        this.remembered = 0;
      }
      const lookupKey = `${subject}\n${pair(from, to)}`;
      const list = this.openings.get(lookupKey);
      if (list) list.push({ key, at });
      else this.openings.set(lookupKey, [{ key, at }]);
      this.remembered++;
    }
  }

  /** Holds a reply whose opening is not known yet; returns what no longer fits, each a thread of its own. */
  hold(reply: HeldReply): MessageRow[] {
    if (!reply.lookup.keys.length || this.held.has(reply.ownKey)) return [this.alone(reply)];
    this.held.set(reply.ownKey, reply);
    this.heldChars += reply.row.raw.length;
    const out: MessageRow[] = [];
    for (const [key, oldest] of this.held) {
      if (this.held.size <= HELD_REPLIES && this.heldChars <= HELD_REPLY_CHARS) break;
      this.held.delete(key);
      this.answered.delete(key);
      this.heldChars -= oldest.row.raw.length;
      out.push(this.alone(oldest));
    }
    return out;
  }

  /** The held replies at the end of the file: joined to an opening read since (unless answered meanwhile), else each a thread of its own. */
  release(): MessageRow[] {
    const out: MessageRow[] = [];
    for (const reply of this.held.values()) {
      const thread = this.answered.has(reply.ownKey) ? undefined : this.find(reply.lookup);
      if (thread === undefined) out.push(this.alone(reply));
      else {
        this.joined++;
        out.push({ ...reply.row, conversationId: contentId('email', thread) });
      }
    }
    this.held.clear();
    this.answered.clear();
    this.heldChars = 0;
    return out;
  }

  private alias(ownKey: string, thread: string): void {
    if (this.aliases.size >= OPENINGS_REMEMBERED) this.aliases.clear();
    this.aliases.set(ownKey, thread);
  }

  private alone(reply: HeldReply): MessageRow {
    return { ...reply.row, conversationId: contentId('email', reply.ownKey), text: withSubject(reply.subject, reply.row.text) };
  }

  /** The latest opening at or before the reply's time (and no more than 30 days before it); any, for an undated one. */
  private find(lookup: HeldReply['lookup']): string | undefined {
    let best: { key: string; at: number | undefined } | undefined;
    for (const lookupKey of lookup.keys)
      for (const opening of this.openings.get(lookupKey) ?? []) {
        if (lookup.at !== undefined && opening.at !== undefined && (opening.at > lookup.at || lookup.at - opening.at > BROKEN_THREAD_MS))
          continue;
        if (!best || (opening.at ?? 0) >= (best.at ?? 0)) best = opening;
      }
    return best?.key;
  }
}

/** Two addresses in either order. */
function pair(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

function normalisedSubject(subject: string | undefined): string {
  return (subject ?? '').replace(REPLY_PREFIX, '').normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The addresses a message went to (To and Cc), lower case. */
function addresses(email: PostalMime.Email): string[] {
  return [...(email.to ?? []), ...(email.cc ?? [])].flatMap((a) => ('address' in a && a.address ? [a.address.trim().toLowerCase()] : []));
}

/** The first message's subject opens its text, unless the text already says it. */
function withSubject(subject: string | undefined, body: string): string {
  const clean = (subject ?? '').replace(REPLY_PREFIX, '').trim();
  if (!clean || body.toLowerCase().includes(clean.toLowerCase())) return body;
  return `${clean}\n\n${body}`;
}

export interface MailboxOptions {
  file: string;
  /** `TUNELOOP_SPEAKER_ROLES`: an address or "@domain" → role. */
  speakerRoles?: Readonly<Record<string, ChatRole>>;
  maxRecordBytes: number;
  tempDir?: string;
  signal?: AbortSignal;
  onNotice?: (message: string) => void;
}

interface MailMessage {
  line: number;
  /** Its lines as bytes, the "From " line first: a message's charset is its own, declared in its MIME headers. */
  lines: Buffer[];
  bytes: number;
  tooLong: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The mbox's lines as bytes, LF or CRLF: not decoded here, since each message declares its own
 * charset (an 8-bit KOI8-R or Shift_JIS body in an old mailbox) and only the MIME parser reads it
 * right. A line longer than `maxLineBytes` is not held (`bytes` undefined).
 */
async function* mboxLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncIterable<{ lineNo: number; bytes?: Buffer }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let over = false;
  let lineNo = 0;
  const line = (last: Buffer) => {
    lineNo++;
    if (over || pendingBytes + last.length > maxLineBytes) return { lineNo };
    const whole = pending.length ? Buffer.concat([...pending, last]) : Buffer.from(last);
    return { lineNo, bytes: whole.length && whole[whole.length - 1] === CR ? whole.subarray(0, whole.length - 1) : whole };
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
      yield line(chunk.subarray(start, nl));
      pending = [];
      pendingBytes = 0;
      over = false;
      start = nl + 1;
    }
    if (start < chunk.length && !over) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLineBytes) {
        over = true;
        pending = [];
        pendingBytes = 0;
      } else {
        // Copied: the producer may reuse its chunk buffers.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  }
  if (pendingBytes > 0 || over) yield line(Buffer.alloc(0));
}

const FROM_START = Buffer.from('From ');

async function* mboxMessages(chunks: AsyncIterable<Buffer>, maxRecordBytes: number): AsyncIterable<MailMessage> {
  let current: MailMessage | undefined;
  let previousBlank = true;
  for await (const { lineNo, bytes } of mboxLines(chunks, maxRecordBytes)) {
    if (previousBlank && bytes?.subarray(0, 5).equals(FROM_START) && FROM_LINE.test(bytes.toString('latin1', 0, 200))) {
      if (current) yield current;
      current = { line: lineNo, lines: [bytes], bytes: bytes.length + 1, tooLong: false };
    } else if (current) {
      if (!bytes) current.tooLong = true;
      else if (!current.tooLong) {
        current.bytes += bytes.length + 1;
        if (current.bytes > maxRecordBytes) current.tooLong = true;
        // Only the headers are kept of a message over the limit, for its rejection.
        else current.lines.push(bytes);
      }
    }
    previousBlank = bytes?.length === 0;
  }
  if (current) yield current;
}

const NEWLINE_BYTES = Buffer.from('\n');

function joinLines(lines: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const [i, line] of lines.entries()) {
    if (i) parts.push(NEWLINE_BYTES);
    parts.push(line);
  }
  return Buffer.concat(parts);
}

/** mboxrd escapes a body line starting "From " as ">From ": one ">" comes off again. */
function unescaped(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  return /^>+From /.test(line.toString('latin1', 0, Math.min(line.length, 64))) ? line.subarray(1) : line;
}

let postalMime: typeof PostalMime | undefined;

/** A mailbox's messages → one conversation per thread (see above). */
export async function* parseMbox(bytes: AsyncIterable<Buffer>, options: MailboxOptions): AsyncIterable<IngestItem> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  postalMime ??= require('postal-mime') as typeof PostalMime;
  const parser = postalMime;
  const { file } = options;
  const evidence: MailboxEvidence = { sentFrom: new Set(), deliveredTo: new Map() };

  async function* rows(): AsyncIterable<MessageRow | IngestItem> {
    for await (const message of mboxMessages(bytes, options.maxRecordBytes)) {
      options.signal?.throwIfAborted();
      // The record as text (what quarantine shows and erasure matches by its header lines); the raw mbox keeps the bytes.
      const raw = joinLines(message.lines).toString('utf8');
      const fromLine = message.lines[0].toString('utf8');
      const place = messagePlace(message.line, fromLine);
      if (message.tooLong) {
        yield reject(
          { file, line: message.line, record: raw.slice(0, 2048) },
          'record-too-long',
          `${place} is over the ${options.maxRecordBytes}-byte limit of one record (its attachments, most likely); its thread is read without it`,
        );
        continue;
      }
      const body = joinLines(message.lines.slice(1).map(unescaped));
      let email: PostalMime.Email;
      try {
        email = await parser.parse(body, { attachmentEncoding: 'arraybuffer' });
      } catch (err) {
        yield reject(
          { file, line: message.line, record: raw },
          'invalid-email',
          `${place} cannot be read as a MIME message (${err instanceof Error ? err.message : String(err)})`,
        );
        continue;
      }
      // What an Outlook .msg said of itself (formats/outlookMessage); read of converted files only, never of mail as it came.
      const converted = OUTLOOK_FILE.test(emailFileOf(fromLine) ?? '');
      const outlook = converted ? header(email, 'x-tuneloop-outlook')?.trim() : undefined;
      const unreadable = converted ? header(email, 'x-tuneloop-unreadable') : undefined;
      if (unreadable) {
        yield reject({ file, line: message.line, record: raw }, 'invalid-email', `${place} cannot be read: ${unreadable.trim()}`);
        continue;
      }
      const from = (email.from?.address ?? email.sender?.address ?? '').trim().toLowerCase();
      const why = outlookPassedOver(outlook) ?? passedOver(email, from);
      if (why) {
        yield reject({ file, line: message.line, record: raw }, 'not-support-mail', `${place} is ${why}, no support conversation`);
        continue;
      }
      const labels = header(email, 'x-gmail-labels') ?? '';
      if (from && (/(?:^|,)\s*"?sent"?\s*(?:,|$)/i.test(labels) || outlook === 'sent')) evidence.sentFrom.add(from);
      const delivered = email.deliveredTo?.trim().toLowerCase();
      if (delivered && delivered !== from) evidence.deliveredTo.set(delivered, (evidence.deliveredTo.get(delivered) ?? 0) + 1);
      const key = threadKey(email, message.line);
      // postal-mime gives a Date header it cannot read as written: such a message keeps its place in the file instead.
      const timestamp = email.date && Number.isFinite(Date.parse(email.date)) ? new Date(email.date).toISOString() : undefined;
      const row: MessageRow = { conversationId: '', line: message.line, raw, speaker: from, text: '', channel: 'email' };
      if (timestamp) row.timestamp = timestamp;
      const id = (email.messageId ?? '').match(MESSAGE_ID)?.[0];
      if (id) row.messageId = id.toLowerCase();
      if (!from) row.error = { reason: 'missing-field:from', detail: `${place} has no sender address ("From:")` };
      // A message that answers none opens its thread (its subject goes above its text), unless it is a
      // reply whose client dropped the headers that say so: then the thread it answers is found by subject.
      const answers = HAS_MESSAGE_ID.test(email.inReplyTo ?? '') || HAS_MESSAGE_ID.test(email.references ?? '');
      const text = bodyOf(email);
      // Gmail threads by its own id, which no client can drop.
      if (answers || key.startsWith('gmail:')) {
        const thread = answers ? brokenThreads.threadOf(key) : key;
        yield { ...row, conversationId: contentId('email', thread), text: answers ? text : withSubject(email.subject, text) };
        continue;
      }
      const broken = brokenThreads.lookFor(email, from, timestamp);
      if (broken === 'opens') {
        brokenThreads.addRoot(email, from, timestamp, key);
        yield { ...row, conversationId: contentId('email', key), text: withSubject(email.subject, text) };
        continue;
      }
      if (broken.thread !== undefined) {
        brokenThreads.joinedTo(key, broken.thread);
        yield { ...row, conversationId: contentId('email', broken.thread), text };
        continue;
      }
      // Its thread's first message may come later in the file (a Sent folder joined after the Inbox).
      const held = brokenThreads.hold({ row: { ...row, text }, subject: email.subject, ownKey: key, lookup: broken.lookup });
      for (const released of held) yield released;
    }
    for (const released of brokenThreads.release()) yield released;
    if (brokenThreads.joined)
      options.onNotice?.(
        `${file}: ${brokenThreads.joined} repl${brokenThreads.joined === 1 ? 'y' : 'ies'} without "In-Reply-To" or "References" (a mail client that drops them) joined to the thread whose subject they answer, between the same two addresses within ${BROKEN_THREAD_DAYS} days`,
      );
  }
  const brokenThreads = new BrokenThreads();

  let roles: ReturnType<typeof mailboxRoles> | undefined;
  const threads = { all: 0, answered: 0 };
  yield* groupMessageRows(rows(), {
    file,
    roles: { roleOf: () => undefined },
    ...(options.tempDir ? { tempDir: options.tempDir } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    // A mailbox small enough to group in memory gives its threads in the order they start.
    inFileOrder: true,
    conversationOf(threadRows) {
      // Every message is read before the first thread is built, so the whole mailbox's evidence counts.
      const resolved = (roles ??= mailboxRoles(evidence, options.speakerRoles ?? {}));
      threads.all++;
      if (threadRows.some((r) => r.speaker && resolved.roleOf(r.speaker) === 'assistant')) threads.answered++;
      return conversationOfThread(threadRows, resolved, file);
    },
  });
  // Thunderbird and Apple Mail keep what was sent in a folder of its own, exported as another file.
  if (threads.all > 0 && threads.answered === 0 && roles?.known)
    options.onNotice?.(
      `${file}: none of its ${threads.all} e-mail thread(s) has a message from the mailbox's own side, so none can be used: its sent mail is likely in another folder (Thunderbird's and Apple Mail's "Sent"); give the folders together (in one ZIP, tar or folder, or to one tuneloop prepare), which are then read as one mailbox, or export Gmail's "All mail"`,
    );
}

function conversationOfThread(threadRows: MessageRow[], roles: ReturnType<typeof mailboxRoles>, file: string): IngestItem {
  const record = {
    file,
    line: threadRows[0].line,
    record: threadRows.map((r) => r.raw).join('\n'),
    elements: threadRows.map((r) => ({ line: r.line, text: r.raw })),
  };
  const unknown = threadRows.find((r) => r.speaker && !roles.roleOf(r.speaker));
  if (unknown)
    return reject(
      record,
      'unknown-speaker',
      `the e-mail thread's sender ${show(unknown.speaker)} (${messagePlace(unknown.line, unknown.raw.slice(0, unknown.raw.indexOf('\n')))}) cannot be told customer or support: the mailbox names none of its own addresses (no "Delivered-To", no Gmail "Sent" label); map the support side, TUNELOOP_SPEAKER_ROLES={"support@yourcompany.example":"assistant"} (or "@yourcompany.example" for every address of the domain)`,
    );
  const fromLines = new Map(threadRows.map((r) => [r.line, r.raw.slice(0, r.raw.indexOf('\n'))]));
  const place = (line: number) => messagePlace(line, fromLines.get(line) ?? '');
  const item = conversationFromRows(threadRows, { file, roles, place });
  if (item.type !== 'conversation') return item;
  const conversation = item.conversation;
  conversation.source = { ...conversation.source, elements: record.elements };
  const sides = new Set(conversation.turns.map((t) => t.role));
  if (!sides.has('user') || !sides.has('assistant'))
    return reject(
      record,
      'one-sided-conversation',
      `the e-mail thread ${threadPlace(record.line, fromLines.get(record.line) ?? '')} has ${sides.has('user') ? 'no reply from the support side' : 'no message from a customer'}, so there is nothing to learn from it`,
    );
  return item;
}
