import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A Freshchat conversation's messages as its API v2 returns them (`GET
 * /v2/conversations/{id}/messages`: `{"messages": [...], "link": …}`), one page per line or
 * document. `actor_type` `user` → user; `agent` and `bot` → assistant; `system` messages
 * (assignments, resolutions) are no turns. Private messages (`message_type` `private`, notes between
 * agents) are never training data: left out and counted. Text: the `text.content` of each of
 * `message_parts` (and `reply_parts`), in order; other parts (images, files, buttons) are passed
 * over. The API lists the newest message first: turns are put in time order by `created_time`.
 * The pages of one conversation in a JSON lines file are one conversation (./pages.ts).
 */
export function isFreshchatMessages(record: JsonObject): boolean {
  // Only the first message is looked at: conversation JSONL lines also hold `messages`.
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const first: unknown = messages[0];
  return isObject(first) && 'actor_type' in first && 'message_parts' in first;
}

/**
 * The conversation a page belongs to, as `parseFreshchatMessages` reads it: the first message's
 * `conversation_id` that is set, else the page's own; undefined when none is usable (the page is
 * then read alone, as before pages were grouped).
 */
export function freshchatConversationOf(record: JsonObject): string | undefined {
  let conversationId: unknown;
  if (Array.isArray(record.messages))
    for (const message of record.messages as unknown[]) {
      if (!isObject(message)) break;
      conversationId ??= message.conversation_id;
      if (conversationId !== undefined && conversationId !== null) break;
    }
  const id = idOf(conversationId ?? record.conversation_id);
  return typeof id === 'string' ? id : undefined;
}

const ROLES: Record<string, 'user' | 'assistant' | 'skip'> = { user: 'user', agent: 'assistant', bot: 'assistant', system: 'skip' };

export function parseFreshchatMessages(source: SourceRef, record: JsonObject): IngestItem {
  return parseFreshchatPages(source, [{ record, line: source.line }]);
}

/**
 * The pages of one conversation (in file order) → one conversation. A message whose `id` an
 * earlier page already held (overlapping page dumps) is read once.
 */
export function parseFreshchatPages(source: SourceRef, pages: readonly MessagePage[]): IngestItem {
  const timed: TimedTurn[] = [];
  let privateMessages = 0;
  let conversationId: unknown;
  const first = pages[0].record;
  for (const { message, n, order } of pageMessages(pages, 'messages')) {
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `${n} must be an object, got ${show(message)}`);
    conversationId ??= message.conversation_id;
    if (message.message_type === 'private') {
      privateMessages++;
      continue;
    }
    const actor = typeof message.actor_type === 'string' ? ROLES[message.actor_type.toLowerCase()] : undefined;
    if (!actor)
      return reject(
        source,
        'unknown-speaker',
        `${n} has "actor_type" ${show(message.actor_type)}; Freshchat's are user, agent, bot and system`,
      );
    if (actor === 'skip' || message.message_type === 'system') continue;
    const text = partsText(message.message_parts) ?? partsText(message.reply_parts);
    if (text === undefined) continue;
    timed.push({ turn: { role: actor, text, timestamp: parseTimestamp(message.created_time) }, order });
  }
  const id = idOf(conversationId ?? first.conversation_id);
  if (id === null)
    return reject(source, 'invalid-field:conversation_id', `"conversation_id" must be a string or number, got ${show(conversationId)}`);
  const unordered = unorderedPages(pages, timed, 'created_time');
  if (unordered) return reject(source, 'invalid-field:created_time', `conversation ${id ?? '(no id)'}: ${unordered}`);
  return finish({
    source,
    id,
    idPrefix: 'freshchat',
    raw: inTimeOrder(timed, true),
    setAside: privateMessages ? { 'private-message': privateMessages } : undefined,
    needBothSides: `${id ? `conversation ${id}` : 'the conversation'}${pagesNamed(pages)}`,
  });
}

/** The text parts of a message, joined by line breaks; undefined when it has none. */
function partsText(parts: unknown): string | undefined {
  if (!Array.isArray(parts)) return undefined;
  const texts = parts.flatMap((part) => {
    const text = isObject(part) && isObject(part.text) ? textOf(part.text.content) : undefined;
    return text === undefined ? [] : [text];
  });
  return texts.length ? texts.join('\n') : undefined;
}
