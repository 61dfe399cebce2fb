import { reject, show } from '../records';
import { inferMissingRoles, type RoleMapper } from '../roles';
import { parseTimestamp } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A Twilio conversation's messages as the Conversations API lists them (`GET
 * /v1/Conversations/{sid}/Messages`: `{"messages": [...], "meta": …}`), what teams on Twilio Flex
 * or their own Twilio-built support chat have: each message has `conversation_sid`, `index`,
 * `author`, `body`, `media`, `date_created`.
 *
 * Twilio names authors, not roles. An author that is a customer's address (a phone number,
 * "whatsapp:+…", "messenger:…", "sms:…") is the user; `TUNELOOP_SPEAKER_ROLES` and role words in
 * the identity ("support_jane", "agent-7") decide the others, and with one author left undecided it
 * is the other side. Otherwise the conversation is rejected (`unknown-speaker`) naming the author and
 * saying to map the agents' identities. A message of media only is set aside (`media-omitted`).
 * Pages of one conversation in a file of JSON lines are one conversation (../messagePages.ts).
 */
export function isTwilioMessages(record: JsonObject): boolean {
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const first: unknown = messages[0];
  return isObject(first) && 'conversation_sid' in first && 'author' in first && 'body' in first;
}

/** A customer's address on a messaging channel: E.164, or a channel prefix Twilio writes before it. */
const CUSTOMER_ADDRESS = /^(?:(?:whatsapp|messenger|sms|mms|rcs|gbm):)?\+?[\d\s()-]{6,}$|^(?:whatsapp|messenger|sms|mms|rcs|gbm):/i;

/** The conversation a page belongs to: its first message's `conversation_sid`. */
export function twilioConversationOf(record: JsonObject): string | undefined {
  const first: unknown = Array.isArray(record.messages) ? record.messages[0] : undefined;
  const id = isObject(first) ? idOf(first.conversation_sid) : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function parseTwilioMessages(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  return parseTwilioPages(source, [{ record, line: source.line }], roles);
}

/** The pages of one conversation (at most 1,000 messages a page) in file order, as one conversation; a message an earlier page held (`sid`) is read once. */
export function parseTwilioPages(source: SourceRef, pages: readonly MessagePage[], roles: RoleMapper): IngestItem {
  interface Said {
    author: string;
    text: string;
    at?: string;
    order: number;
  }
  const said: Said[] = [];
  let media = 0;
  let conversationSid: unknown;
  for (const { message, n, order: place } of pageMessages(pages, 'messages', 'sid')) {
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `${n} must be an object, got ${show(message)}`);
    conversationSid ??= message.conversation_sid;
    if (typeof message.author !== 'string' || !message.author.trim())
      return reject(source, 'missing-field:author', `${n} has no "author", so it cannot be told whose it is`);
    const text = typeof message.body === 'string' ? message.body : '';
    if (!text.trim()) {
      if (Array.isArray(message.media) && message.media.length) media++;
      continue;
    }
    const at = typeof message.date_created === 'string' ? parseTimestamp(message.date_created) : undefined;
    said.push({ author: message.author.trim(), text, ...(at ? { at } : {}), order: place });
  }
  const id = idOf(conversationSid);
  if (id === null)
    return reject(source, 'invalid-field:conversation_sid', `"conversation_sid" must be a string, got ${show(conversationSid)}`);

  const addressed: RoleMapper = { roleOf: (author) => roles.roleOf(author) ?? (CUSTOMER_ADDRESS.test(author) ? 'user' : undefined) };
  const sides = inferMissingRoles([...new Set(said.map((s) => s.author))], addressed);
  if ('unknown' in sides)
    return reject(
      source,
      'unknown-speaker',
      `the authors ${sides.unknown.map((a) => show(a)).join(', ')} of the Twilio conversation ${show(id ?? '(no sid)')} are of no known side: Twilio names authors, not roles; map the agents' identities with speakerRoles (TUNELOOP_SPEAKER_ROLES={"<agent identity>":"assistant"})`,
    );
  const timed: TimedTurn[] = [];
  for (const { author, text, at, order } of said) {
    const role = sides.get(author) as ChatRole;
    if (role === 'system') continue;
    timed.push({ turn: at ? { role, text, timestamp: at } : { role, text }, order });
  }
  const unordered = unorderedPages(pages, timed, 'date_created');
  if (unordered) return reject(source, 'invalid-field:date_created', `conversation ${id ?? '(no sid)'}: ${unordered}`);
  return finish({
    source,
    id: id === undefined ? undefined : `twilio-${id}`,
    idPrefix: 'twilio',
    raw: inTimeOrder(timed),
    channel: 'messaging',
    setAside: setAsideCounts({ 'media-omitted': media }),
    needBothSides: `the Twilio conversation ${show(id ?? '(no sid)')}${pagesNamed(pages)}`,
  });
}
