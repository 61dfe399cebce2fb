import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A HubSpot conversation thread's messages as the Conversations API v3 returns them (`GET
 * /conversations/v3/conversations/threads/{threadId}/messages`: `{"results": [...], "paging": …}`),
 * one page per line or document. `type` `MESSAGE` with `direction` `INCOMING` → user, `OUTGOING` →
 * assistant; `COMMENT` (agents' internal comments) is never training data: left out and counted;
 * other types (`WELCOME_MESSAGE`, `THREAD_STATUS_CHANGE`, assignments) are no turns. Text: `text`,
 * else `richText` (HTML cleaned). A reply the API cut short (`truncationStatus` other than
 * `NOT_TRUNCATED`) is no reply to learn: the thread is rejected, naming the message and where its
 * full text is.
 */
export function isHubSpotMessages(record: JsonObject): boolean {
  const results = record.results;
  if (!Array.isArray(results) || results.length === 0) return false;
  const first: unknown = results[0];
  return isObject(first) && 'conversationsThreadId' in first && ('direction' in first || 'type' in first);
}

export function parseHubSpotMessages(source: SourceRef, record: JsonObject): IngestItem {
  const results = record.results as unknown[];
  const timed: TimedTurn[] = [];
  let comments = 0;
  let threadId: unknown;
  for (let i = 0; i < results.length; i++) {
    const message = results[i];
    const n = i + 1;
    if (!isObject(message)) return reject(source, 'invalid-field:results', `message ${n} must be an object, got ${show(message)}`);
    threadId ??= message.conversationsThreadId;
    if (message.type === 'COMMENT') {
      comments++;
      continue;
    }
    if (message.type !== undefined && message.type !== 'MESSAGE') continue;
    const role = message.direction === 'INCOMING' ? 'user' : message.direction === 'OUTGOING' ? 'assistant' : undefined;
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `message ${n} has "direction" ${show(message.direction)}; HubSpot's are INCOMING and OUTGOING`,
      );
    if (role === 'assistant' && message.truncationStatus !== undefined && message.truncationStatus !== 'NOT_TRUNCATED')
      return reject(
        source,
        'truncated-reply',
        `message ${n} (${show(message.id)}) is ${show(message.truncationStatus)}: the API cut the reply short; export its full text with GET /conversations/v3/conversations/threads/{threadId}/messages/{messageId}/original-content`,
      );
    const text = textOf(message.text) ?? textOf(message.richText);
    if (text === undefined) continue;
    timed.push({ turn: { role, text, timestamp: parseTimestamp(message.createdAt) }, order: i });
  }
  const id = idOf(threadId);
  if (id === null)
    return reject(
      source,
      'invalid-field:conversationsThreadId',
      `"conversationsThreadId" must be a string or number, got ${show(threadId)}`,
    );
  return finish({
    source,
    id,
    idPrefix: 'hubspot',
    raw: inTimeOrder(timed),
    setAside: comments ? { 'internal-comment': comments } : undefined,
    needBothSides: id ? `thread ${id}` : 'the thread',
  });
}
