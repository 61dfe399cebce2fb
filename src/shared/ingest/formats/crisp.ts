import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, textOf, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A Crisp conversation's messages as its REST API v1 returns them (`GET
 * /v1/website/{website_id}/conversation/{session_id}/messages`: `{"error": false, "reason":
 * "resolved", "data": [...]}`), one response per line or document. `from` `user` → user,
 * `operator` → assistant (an operator, or a bot or plugin when `origin` is a `urn:`). Private notes
 * (`type` `note`, between operators) are never training data: left out and counted. Only `text`
 * messages are turns; `event` messages (state changes) are none; files, animations, audio,
 * pickers, fields and carousels are no written reply: passed over and counted.
 */
export function isCrispMessages(record: JsonObject): boolean {
  const data = record.data;
  if (!Array.isArray(data) || data.length === 0) return false;
  return isCrispMessage(data[0]);
}

/**
 * One element of a Crisp messages response. Its keys (`session_id`, `from`, `content`) also spell a
 * message row's, but read as one its notes would be turns and its pickers text: message-row
 * detection asks this first, so that the response stays one record and the element alone none.
 */
export function isCrispMessage(value: unknown): boolean {
  return isObject(value) && 'session_id' in value && 'from' in value && ('fingerprint' in value || 'website_id' in value);
}

const ROLES: Record<string, 'user' | 'assistant'> = { user: 'user', operator: 'assistant' };

/**
 * The conversation a response belongs to: its first message's `session_id`; undefined when it has
 * none usable (the response is then read alone).
 */
export function crispConversationOf(record: JsonObject): string | undefined {
  const first: unknown = Array.isArray(record.data) ? (record.data as unknown[])[0] : undefined;
  const id = isObject(first) ? idOf(first.session_id) : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function parseCrispMessages(source: SourceRef, record: JsonObject): IngestItem {
  return parseCrispPages(source, [{ record, line: source.line }]);
}

/**
 * The responses of one conversation (in file order, ./pages.ts) → one conversation: Crisp pages a
 * conversation's messages (`/messages?timestamp_before=…`), so a long chat is saved as several
 * responses. A message whose `fingerprint` an earlier response held is read once.
 */
export function parseCrispPages(source: SourceRef, pages: readonly MessagePage[]): IngestItem {
  const timed: TimedTurn[] = [];
  const setAside: Record<string, number> = {};
  let sessionId: unknown;
  let channel: string | undefined;
  const count = (reason: string) => (setAside[reason] = (setAside[reason] ?? 0) + 1);
  for (const { message, n, order } of pageMessages(pages, 'data', 'fingerprint')) {
    if (!isObject(message)) return reject(source, 'invalid-field:data', `${n} must be an object, got ${show(message)}`);
    sessionId ??= message.session_id;
    const type = typeof message.type === 'string' ? message.type.toLowerCase() : undefined;
    if (type === 'note') {
      count('private-note');
      continue;
    }
    if (type === 'event') continue;
    const role = typeof message.from === 'string' ? ownValue(ROLES, message.from.toLowerCase()) : undefined;
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${n} (fingerprint ${show(message.fingerprint)}) has "from" ${show(message.from)}; Crisp's are user and operator`,
      );
    const text = type === 'text' ? textOf(message.content) : undefined;
    if (text === undefined) {
      count('non-text-message');
      continue;
    }
    if (channel === undefined && typeof message.origin === 'string' && !message.origin.startsWith('urn:')) channel = message.origin;
    timed.push({ turn: { role, text, timestamp: parseTimestamp(message.timestamp) }, order });
  }
  const id = idOf(sessionId);
  if (id === null) return reject(source, 'invalid-field:session_id', `"session_id" must be a string, got ${show(sessionId)}`);
  const unordered = unorderedPages(pages, timed, 'timestamp');
  if (unordered) return reject(source, 'invalid-field:timestamp', `conversation ${id ?? '(no id)'}: ${unordered}`);
  return finish({
    source,
    id,
    idPrefix: 'crisp',
    raw: inTimeOrder(timed),
    channel,
    setAside: Object.keys(setAside).length ? setAside : undefined,
    needBothSides: `${id ? `conversation ${id}` : 'the conversation'}${pagesNamed(pages)}`,
  });
}
