import { ownValue } from '../../lookup';
import { namedModel } from '../answeringModel';
import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, tagNames, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A LiveChat chat as the Agent Chat API v3.x returns it (`get_chat`, or an element of
 * `list_archives`' `chats`): `users` (`type` customer or agent) and a `thread` (or `threads`) of
 * `events`. Message events are the turns: the author's user type decides the role. Events shown to
 * agents only (`visibility`, in v3.3 `recipients`, `"agents"`: whispers, internal notes) are never
 * training data: left out and counted. System messages (chat transferred, archived), files, rich
 * messages (cards and buttons: layout, not a written reply) and filled forms (the pre-chat survey:
 * the customer's name and e-mail) are not messages. Thread `properties.rating.score` 1 (rated good)
 * → CSAT 5, 0 (bad) → 1.
 */
export function isLiveChatChat(record: JsonObject): boolean {
  return Array.isArray(record.users) && (isObject(record.thread) || Array.isArray(record.threads));
}

const USER_ROLES: Record<string, ChatRole> = { customer: 'user', agent: 'assistant', bot: 'assistant' };

function isAgentsOnly(event: JsonObject): boolean {
  return event.visibility === 'agents' || event.recipients === 'agents';
}

/** A LiveChat property value, written bare (v3.x) or wrapped as `{"value": ...}`. */
function propertyValue(value: unknown): unknown {
  return isObject(value) && 'value' in value ? value.value : value;
}

function threadRating(thread: JsonObject): number | undefined {
  const properties = isObject(thread.properties) ? thread.properties : undefined;
  const rating = properties && isObject(properties.rating) ? properties.rating : undefined;
  const score = rating ? propertyValue(rating.score) : undefined;
  return score === 1 ? 5 : score === 0 ? 1 : undefined;
}

export function parseLiveChatChat(source: SourceRef, record: JsonObject): IngestItem {
  const chatId = idOf(record.id);
  if (chatId === null) return reject(source, 'invalid-field:id', `the chat "id" must be a string, got ${show(record.id)}`);
  const roles = new Map<string, ChatRole>();
  for (const user of record.users as unknown[]) {
    if (!isObject(user)) continue;
    const userId = idOf(user.id);
    const role = typeof user.type === 'string' ? ownValue(USER_ROLES, user.type.toLowerCase()) : undefined;
    if (userId && role) roles.set(userId, role);
  }
  const threads = (Array.isArray(record.threads) ? record.threads : [record.thread]) as unknown[];
  const timed: TimedTurn[] = [];
  let internal = 0;
  let csat: number | undefined;
  const tags: string[] = [];
  let order = 0;
  for (const [t, thread] of threads.entries()) {
    if (!isObject(thread)) return reject(source, 'invalid-field:thread', `thread ${t + 1} must be an object, got ${show(thread)}`);
    tags.push(...tagNames(thread.tags));
    csat = threadRating(thread) ?? csat;
    const events = Array.isArray(thread.events) ? (thread.events as unknown[]) : [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const n = `event ${i + 1}${threads.length > 1 ? ` of thread ${t + 1}` : ''}`;
      if (!isObject(event)) return reject(source, 'invalid-field:events', `${n} must be an object, got ${show(event)}`);
      if (event.type === 'system_message') continue;
      if (isAgentsOnly(event)) {
        internal++;
        continue;
      }
      if (event.type !== 'message') continue;
      const author = idOf(event.author_id);
      const role = author ? roles.get(author) : undefined;
      if (!role)
        return reject(
          source,
          'unknown-speaker',
          `${n} is by ${show(event.author_id)}, who is not among the chat's "users" as a customer or agent`,
        );
      const text = textOf(event.text);
      if (text === undefined) return reject(source, 'missing-field:text', `${n} is a message without "text"`);
      timed.push({ turn: { role, text, timestamp: parseTimestamp(event.created_at) }, order: order++ });
    }
  }
  // A chat's threads are its separate sessions (list_archives gives one per element): the thread id
  // keeps two sessions of one chat apart.
  const single = threads.length === 1 && isObject(threads[0]) ? idOf(threads[0].id) : undefined;
  const id = chatId && single ? `${chatId}:${single}` : chatId;
  return finish({
    source,
    id,
    idPrefix: 'livechat',
    raw: inTimeOrder(timed),
    channel: 'chat',
    csat,
    issueType: tags[0],
    model: namedModel(record),
    setAside: internal ? { 'internal-note': internal } : undefined,
    needBothSides: id ? `chat ${id}` : 'the chat',
  });
}
