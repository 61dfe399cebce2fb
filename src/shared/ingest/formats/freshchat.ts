import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A Freshchat conversation's messages as its API v2 returns them (`GET
 * /v2/conversations/{id}/messages`: `{"messages": [...], "link": …}`), one page per line or
 * document. `actor_type` `user` → user; `agent` and `bot` → assistant; `system` messages
 * (assignments, resolutions) are no turns. Private messages (`message_type` `private`, notes between
 * agents) are never training data: left out and counted. Text: the `text.content` of each of
 * `message_parts` (and `reply_parts`), in order; other parts (images, files, buttons) are passed
 * over. The API lists the newest message first: turns are put in time order by `created_time`.
 */
export function isFreshchatMessages(record: JsonObject): boolean {
  // Only the first message is looked at: conversation JSONL lines also hold `messages`.
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const first: unknown = messages[0];
  return isObject(first) && 'actor_type' in first && 'message_parts' in first;
}

const ROLES: Record<string, 'user' | 'assistant' | 'skip'> = { user: 'user', agent: 'assistant', bot: 'assistant', system: 'skip' };

export function parseFreshchatMessages(source: SourceRef, record: JsonObject): IngestItem {
  const messages = record.messages as unknown[];
  const timed: TimedTurn[] = [];
  let privateMessages = 0;
  let conversationId: unknown;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const n = i + 1;
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `message ${n} must be an object, got ${show(message)}`);
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
        `message ${n} has "actor_type" ${show(message.actor_type)}; Freshchat's are user, agent, bot and system`,
      );
    if (actor === 'skip' || message.message_type === 'system') continue;
    const text = partsText(message.message_parts) ?? partsText(message.reply_parts);
    if (text === undefined) continue;
    timed.push({ turn: { role: actor, text, timestamp: parseTimestamp(message.created_time) }, order: i });
  }
  const id = idOf(conversationId ?? record.conversation_id);
  if (id === null)
    return reject(source, 'invalid-field:conversation_id', `"conversation_id" must be a string or number, got ${show(conversationId)}`);
  return finish({
    source,
    id,
    idPrefix: 'freshchat',
    raw: inTimeOrder(timed, true),
    setAside: privateMessages ? { 'private-message': privateMessages } : undefined,
    needBothSides: id ? `conversation ${id}` : 'the conversation',
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
