import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A HubSpot conversation thread's messages as the Conversations API v3 returns them (`GET
 * /conversations/v3/conversations/threads/{threadId}/messages`: `{"results": [...], "paging": …}`),
 * one page per line or document. `type` `MESSAGE` with `direction` `INCOMING` → user, `OUTGOING` →
 * assistant; `COMMENT` (agents' internal comments) is never training data: left out and counted;
 * other types (`WELCOME_MESSAGE`, `THREAD_STATUS_CHANGE`, assignments) are no turns. Text: `text`,
 * else `richText` (HTML cleaned). A reply the API cut short (`truncationStatus` other than
 * `NOT_TRUNCATED`) is no reply to learn: the thread is rejected, naming the message and where its
 * full text is. The page itself does not name its thread (`paging` holds only the next cursor);
 * every message does (`conversationsThreadId`), so the pages of one thread in a JSON lines file
 * are one conversation (./pages.ts).
 */
export function isHubSpotMessages(record: JsonObject): boolean {
  const results = record.results;
  if (!Array.isArray(results) || results.length === 0) return false;
  const first: unknown = results[0];
  return isObject(first) && 'conversationsThreadId' in first && ('direction' in first || 'type' in first);
}

/**
 * The thread a page belongs to, as `parseHubSpotMessages` reads it: the first message's
 * `conversationsThreadId` that is set; undefined when none is usable (the page is then read alone).
 */
export function hubSpotThreadOf(record: JsonObject): string | undefined {
  let threadId: unknown;
  if (Array.isArray(record.results))
    for (const message of record.results as unknown[]) {
      if (!isObject(message)) break;
      threadId ??= message.conversationsThreadId;
      if (threadId !== undefined && threadId !== null) break;
    }
  const id = idOf(threadId);
  return typeof id === 'string' ? id : undefined;
}

export function parseHubSpotMessages(source: SourceRef, record: JsonObject): IngestItem {
  return parseHubSpotPages(source, [{ record, line: source.line }]);
}

/**
 * The pages of one thread (in file order) → one conversation. A message whose `id` an earlier page
 * already held (overlapping page dumps) is read once.
 */
export function parseHubSpotPages(source: SourceRef, pages: readonly MessagePage[]): IngestItem {
  const timed: TimedTurn[] = [];
  let comments = 0;
  let threadId: unknown;
  for (const { message, n, order } of pageMessages(pages, 'results')) {
    if (!isObject(message)) return reject(source, 'invalid-field:results', `${n} must be an object, got ${show(message)}`);
    threadId ??= message.conversationsThreadId;
    if (message.type === 'COMMENT') {
      comments++;
      continue;
    }
    if (message.type !== undefined && message.type !== 'MESSAGE') continue;
    const role = message.direction === 'INCOMING' ? 'user' : message.direction === 'OUTGOING' ? 'assistant' : undefined;
    if (!role)
      return reject(source, 'unknown-speaker', `${n} has "direction" ${show(message.direction)}; HubSpot's are INCOMING and OUTGOING`);
    if (role === 'assistant' && message.truncationStatus !== undefined && message.truncationStatus !== 'NOT_TRUNCATED')
      return reject(
        source,
        'truncated-reply',
        `${n} (${show(message.id)}) is ${show(message.truncationStatus)}: the API cut the reply short; export its full text with GET /conversations/v3/conversations/threads/{threadId}/messages/{messageId}/original-content`,
      );
    const text = textOf(message.text) ?? textOf(message.richText);
    if (text === undefined) continue;
    timed.push({ turn: { role, text, timestamp: parseTimestamp(message.createdAt) }, order });
  }
  const id = idOf(threadId);
  if (id === null)
    return reject(
      source,
      'invalid-field:conversationsThreadId',
      `"conversationsThreadId" must be a string or number, got ${show(threadId)}`,
    );
  const unordered = unorderedPages(pages, timed, 'createdAt');
  if (unordered) return reject(source, 'invalid-field:createdAt', `thread ${id ?? '(no id)'}: ${unordered}`);
  return finish({
    source,
    id,
    idPrefix: 'hubspot',
    raw: inTimeOrder(timed),
    setAside: comments ? { 'internal-comment': comments } : undefined,
    needBothSides: `${id ? `thread ${id}` : 'the thread'}${pagesNamed(pages)}`,
  });
}
