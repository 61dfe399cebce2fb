import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, firstOf, flagOf, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A Zoho Desk ticket's threads as its API v1 returns them (`GET /api/v1/tickets/{ticketId}/threads`:
 * `{"data": [...]}`), one ticket per line or document. `author.type` `END_USER` → user, `AGENT` →
 * assistant; without it, `direction` `in` → user, `out` → assistant. Private threads (`visibility`
 * other than `public`) are never training data: left out and counted. Text: `content` (HTML
 * cleaned), which only the single-thread endpoint (`GET .../threads/{threadId}`) returns; the list
 * gives a `summary` cut short, so a thread with only that rejects the ticket, naming the endpoint.
 * Comments, which the conversations endpoint lists among the threads (`type` `comment`), are set
 * aside and counted too. Thread objects do not name their ticket: the id is a thread's `ticketId`,
 * else the record's `ticketId`/`ticket_id`, which the exporter adds.
 */
export function isZohoDeskThreads(record: JsonObject): boolean {
  const data = record.data;
  if (!Array.isArray(data) || data.length === 0) return false;
  const first: unknown = data[0];
  if (!isObject(first)) return false;
  if (first.type === 'comment') return 'commenter' in first || 'commentedTime' in first;
  return 'direction' in first && ('isDescriptionThread' in first || 'visibility' in first);
}

const AUTHOR_ROLES: Record<string, ChatRole> = { END_USER: 'user', AGENT: 'assistant' };
const DIRECTION_ROLES: Record<string, ChatRole> = { in: 'user', out: 'assistant' };

export function parseZohoDeskThreads(source: SourceRef, record: JsonObject): IngestItem {
  const threads = record.data as unknown[];
  const timed: TimedTurn[] = [];
  const setAside: Record<string, number> = {};
  const count = (reason: string) => (setAside[reason] = (setAside[reason] ?? 0) + 1);
  let threadTicketId: unknown;
  let channel: unknown;
  for (let i = 0; i < threads.length; i++) {
    const thread = threads[i];
    const n = i + 1;
    if (!isObject(thread)) return reject(source, 'invalid-field:data', `thread ${n} must be an object, got ${show(thread)}`);
    threadTicketId ??= thread.ticketId;
    if (thread.isDescriptionThread === true || channel === undefined) channel = thread.channel ?? channel;
    // The conversations endpoint (GET /tickets/{id}/conversations) lists comments among the threads:
    // agents' notes on the ticket, public or not, and no reply the customer was sent.
    if (thread.type === 'comment') {
      count('comment');
      continue;
    }
    // Only a thread that says public is shown to the customer; a missing field is public, as the API always writes it.
    if (thread.visibility !== undefined && (typeof thread.visibility !== 'string' || thread.visibility.toLowerCase() !== 'public')) {
      count('private-thread');
      continue;
    }
    const role = roleOf(thread);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `thread ${n} (${show(thread.id)}) has "author.type" ${show(isObject(thread.author) ? thread.author.type : undefined)} and "direction" ${show(thread.direction)}; Zoho Desk's are END_USER and AGENT, in and out`,
      );
    const content = textOf(thread.content);
    // The list writes an empty `content` beside the summary, or none at all.
    const summary = textOf(thread.summary);
    if ((content === undefined || content.trim() === '') && summary !== undefined && summary.trim() !== '')
      return reject(
        source,
        'truncated-reply',
        `thread ${n} (${show(thread.id)}) has only its "summary", which the threads list cuts short: fetch each thread with GET /api/v1/tickets/{ticketId}/threads/{threadId} and upload the threads with their "content"`,
      );
    if (flagOf(thread.isContentTruncated) === true)
      return reject(
        source,
        'truncated-reply',
        `thread ${n} (${show(thread.id)}) has "isContentTruncated" true: its "content" is cut short; fetch the full text from its "fullContentURL" (${show(thread.fullContentURL)}) and put it in "content"`,
      );
    if (content === undefined) continue;
    timed.push({ turn: { role, text: content, timestamp: parseTimestamp(thread.createdTime) }, order: -i });
  }
  const given = threadTicketId ?? firstOf(record, ['ticketId', 'ticket_id']);
  const id = idOf(given);
  if (id === null) return reject(source, 'invalid-field:ticketId', `"ticketId" must be a string or number, got ${show(given)}`);
  if (id === undefined)
    return reject(
      source,
      'missing-field:ticketId',
      `the threads do not name their ticket (Zoho Desk's thread objects have no ticket id): add it to each response, e.g. jq -c '{ticketId: "<ticket id>"} + .' threads.json`,
    );
  return finish({
    source,
    id,
    idPrefix: 'zohodesk',
    // The list is newest first; `order` follows that so equal times stay oldest first.
    raw: inTimeOrder(timed, true),
    channel: typeof channel === 'string' ? channel.toLowerCase() : undefined,
    setAside: Object.keys(setAside).length ? setAside : undefined,
    needBothSides: `ticket ${id}`,
  });
}

function roleOf(thread: JsonObject): ChatRole | undefined {
  const type = isObject(thread.author) ? thread.author.type : undefined;
  if (typeof type === 'string') return ownValue(AUTHOR_ROLES, type.toUpperCase());
  return typeof thread.direction === 'string' ? ownValue(DIRECTION_ROLES, thread.direction.toLowerCase()) : undefined;
}
