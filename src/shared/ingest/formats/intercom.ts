import { namedModel } from '../answeringModel';
import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import { parseRating, parseTimestamp, type RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, idOf, isObject, textOf, type JsonObject } from './common';

/**
 * An Intercom conversation as its REST API returns it: the opening message in `source`, the rest
 * in `conversation_parts.conversation_parts`. Authors: user/lead/contact → user, admin/bot/team →
 * assistant. Bodies are HTML (cleaned like every text). Notes (`part_type` note...) are internal
 * and never training data: set aside and counted. Parts without a body (assignment, snooze...)
 * are events, not messages. `conversation_rating.rating` 1–5 is the CSAT.
 */
const AUTHOR_ROLES: Record<string, ChatRole> = {
  user: 'user',
  lead: 'user',
  contact: 'user',
  admin: 'assistant',
  bot: 'assistant',
  team: 'assistant',
};

export function isIntercomConversation(record: JsonObject): boolean {
  return isObject(record.source) && ('conversation_parts' in record || record.type === 'conversation');
}

export function parseIntercomConversation(source: SourceRef, record: JsonObject): IngestItem {
  const id = idOf(record.id);
  if (id === null) return reject(source, 'invalid-field:id', `the conversation "id" must be a string or number, got ${show(record.id)}`);
  // The single-conversation endpoint always writes the key (an empty list when nobody replied);
  // List and Search conversations leave it out, so without it the replies were never exported.
  if (!('conversation_parts' in record))
    return reject(
      source,
      'missing-field:conversation_parts',
      `conversation ${id ?? '(no id)'} has no "conversation_parts": Intercom's List and Search conversations endpoints return conversations without their replies (only the opening message, "source"); export each with GET /conversations/{id}, which includes them, and upload that`,
    );
  const partsHolder = record.conversation_parts;
  const parts: unknown[] = Array.isArray(partsHolder)
    ? partsHolder
    : isObject(partsHolder) && Array.isArray(partsHolder.conversation_parts)
      ? partsHolder.conversation_parts
      : [];
  const raw: RawTurn[] = [];
  let notes = 0;
  const opening = record.source as JsonObject;
  const all: { part: JsonObject; n: string; created?: unknown }[] = [{ part: opening, n: 'source', created: record.created_at }];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!isObject(part)) return reject(source, 'invalid-field:conversation_parts', `part ${i + 1} must be an object, got ${show(part)}`);
    all.push({ part, n: `part ${i + 1}`, created: part.created_at });
  }
  for (const { part, n, created } of all) {
    const partType = typeof part.part_type === 'string' ? part.part_type : '';
    if (partType.startsWith('note')) {
      notes++;
      continue;
    }
    const body = textOf(part.body);
    if (body === undefined || body.trim() === '') continue;
    const author = isObject(part.author) ? part.author : undefined;
    const type = typeof author?.type === 'string' ? author.type.toLowerCase() : undefined;
    if (!type) return reject(source, 'missing-field:author.type', `${n} has no "author.type"`);
    const role = ownValue(AUTHOR_ROLES, type);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${n} has author type ${show(author?.type)}; expected user, lead, contact, admin, bot or team`,
      );
    raw.push({ role, text: body, timestamp: parseTimestamp(created) });
  }
  const rating = isObject(record.conversation_rating) ? parseRating(record.conversation_rating.rating) : undefined;
  // Intercom has no field of its own for the model behind a bot; teams record it as a custom
  // attribute (or an exporter adds it to the conversation).
  const model = namedModel(record) ?? (isObject(record.custom_attributes) ? namedModel(record.custom_attributes) : undefined);
  return finish({
    source,
    id,
    idPrefix: 'intercom',
    raw,
    model,
    csat: rating,
    setAside: notes ? { 'internal-note': notes } : undefined,
    needBothSides: `conversation ${id ?? ''}`.trim(),
  });
}
