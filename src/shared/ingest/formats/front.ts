import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, flagOf, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A Front conversation's messages as its Core API returns them (`GET
 * /conversations/{id}/messages`: `{"_pagination", "_links", "_results": [...]}`), one page per line
 * or document. `is_inbound` true → user (the customer wrote it), false → assistant (a teammate, a
 * rule or an integration sent it). Drafts (`is_draft`, or a `draft_mode`) were never sent: left out
 * and counted. Text: `text` (plain), else `body` (HTML cleaned); `blurb` is only a preview. Front
 * replaces the texts of Twitter messages by "[REDACTED]" (Twitter's terms): such a message is no
 * text to learn, left out and counted. The API lists the newest message first: turns are put in
 * time order by `created_at` (unix seconds). The conversation id is the last segment of the
 * message's `_links.related.conversation`.
 */
export function isFrontMessages(record: JsonObject): boolean {
  const first = firstResult(record);
  return first !== undefined && 'is_inbound' in first;
}

/**
 * A page of a conversation's comments (`GET /conversations/{id}/comments`): teammates' internal
 * discussion, never seen by the customer. Recognised so that it is quarantined as what it is, not
 * called none of the formats (or, worse, read as turns by a mapping).
 */
export function isFrontComments(record: JsonObject): boolean {
  const first = firstResult(record);
  return first !== undefined && 'posted_at' in first && 'body' in first && !('is_inbound' in first);
}

function firstResult(record: JsonObject): JsonObject | undefined {
  const results = record._results;
  if (!Array.isArray(results) || results.length === 0) return undefined;
  const first: unknown = results[0];
  return isObject(first) ? first : undefined;
}

/** Texts Front puts in place of a message it may not distribute. */
const REDACTED = '[REDACTED]';

export function parseFrontMessages(source: SourceRef, record: JsonObject): IngestItem {
  return parseFrontPages(source, [{ record, line: source.line }]);
}

/**
 * The conversation a page belongs to: the last segment of its first message's
 * `_links.related.conversation`; undefined when it has none usable (the page is then read alone).
 */
export function frontConversationOf(record: JsonObject): string | undefined {
  const first = firstResult(record);
  return first && isObject(first._links) && isObject(first._links.related)
    ? conversationIdOf(first._links.related.conversation)
    : undefined;
}

/**
 * The pages of one conversation (in file order, ./pages.ts) → one conversation: Front pages a
 * conversation's messages (`_pagination.next`), so a long thread is saved as several pages. A
 * message whose `id` an earlier page held is read once.
 */
export function parseFrontPages(source: SourceRef, pages: readonly MessagePage[]): IngestItem {
  const timed: TimedTurn[] = [];
  const setAside: Record<string, number> = {};
  let conversationLink: unknown;
  let earliest: { at: number; type: string } | undefined;
  const count = (reason: string) => (setAside[reason] = (setAside[reason] ?? 0) + 1);
  for (const { message, n, order } of pageMessages(pages, '_results')) {
    if (!isObject(message)) return reject(source, 'invalid-field:_results', `${n} must be an object, got ${show(message)}`);
    conversationLink ??= isObject(message._links) && isObject(message._links.related) ? message._links.related.conversation : undefined;
    // Anything but a clear "not a draft" keeps the text out: a draft may hold what a teammate would never send.
    const draft = (message.is_draft !== undefined && flagOf(message.is_draft) !== false) || typeof message.draft_mode === 'string';
    if (draft) {
      count('draft');
      continue;
    }
    const inbound = flagOf(message.is_inbound);
    if (inbound === undefined)
      return reject(
        source,
        'unknown-speaker',
        `${n} (${show(message.id)}) has "is_inbound" ${show(message.is_inbound)}; expected true (the customer) or false (the support side)`,
      );
    // An empty `text` beside an HTML body (a message of images and links) is no reason to drop the body.
    const plain = textOf(message.text);
    const text = plain !== undefined && plain.trim() !== '' ? plain : textOf(message.body);
    if (text === undefined) continue;
    if (text.trim() === REDACTED) {
      count('redacted-message');
      continue;
    }
    const timestamp = parseTimestamp(message.created_at);
    const at = timestamp ? Date.parse(timestamp) : Number.POSITIVE_INFINITY;
    if (typeof message.type === 'string' && (!earliest || at < earliest.at)) earliest = { at, type: message.type };
    timed.push({ turn: { role: inbound ? 'user' : 'assistant', text, timestamp }, order: -order });
  }
  const id = conversationIdOf(conversationLink);
  const unordered = unorderedPages(pages, timed, 'created_at');
  if (unordered) return reject(source, 'invalid-field:created_at', `conversation ${id ?? '(no id)'}: ${unordered}`);
  return finish({
    source,
    id,
    idPrefix: 'front',
    // The API lists messages newest first; `order` follows that so equal times stay oldest first.
    raw: inTimeOrder(timed, true),
    channel: earliest?.type,
    setAside: Object.keys(setAside).length ? setAside : undefined,
    needBothSides: `${id ? `conversation ${id}` : 'the conversation'}${pagesNamed(pages)}`,
  });
}

/** `https://…/conversations/cnv_55c8c149` → `cnv_55c8c149`; undefined without a usable link. */
function conversationIdOf(link: unknown): string | undefined {
  if (typeof link !== 'string') return undefined;
  const segment = link
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .split('/')
    .pop();
  return idOf(segment) ?? undefined;
}

export function parseFrontComments(source: SourceRef, record: JsonObject): IngestItem {
  const count = (record._results as unknown[]).length;
  return reject(
    source,
    'internal-comments',
    `a Front page of ${count} comment(s) ("_results" with "posted_at"): comments are teammates' internal discussion (GET /conversations/{id}/comments), never training data; export the customer-facing messages with GET /conversations/{id}/messages`,
  );
}
