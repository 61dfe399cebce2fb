import { ownValue } from '../../lookup';
import { namedModel } from '../answeringModel';
import { reject, show } from '../records';
import { parseRatingOrWord, parseTimestamp } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, tagNames, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A Help Scout conversation as the Mailbox API 2.0 returns it with its threads
 * (`GET /v2/conversations/{id}?embed=threads`: the threads in `_embedded.threads`). Thread types:
 * `customer` → user; `message` and `reply` → assistant; `chat`, `beaconchat` → by `createdBy.type`
 * (customer, else the support side). Never training data, left out and counted: `note`
 * (internal notes), `phone` (an agent's summary of a call, which the customer never read) and
 * `forwardparent`/`forwardchild` (the conversation forwarded to someone else). `lineitem` threads
 * are events (assigned, status changed) without a message. A thread not `published` (a draft,
 * one held by collision detection, one hidden from the customer) was never sent: counted too.
 */
export function isHelpScoutConversation(record: JsonObject): boolean {
  if (isObject(record._embedded)) return Array.isArray(record._embedded.threads);
  // Fetched without `embed=threads`: `threads` is only their number. Read as a conversation so that
  // each is rejected saying how to fetch its threads, not the file called none of the formats.
  return typeof record.threads === 'number' && 'mailboxId' in record && 'primaryCustomer' in record;
}

/**
 * A page of the List Conversations endpoint saved whole (`{"_embedded": {"conversations": [...]},
 * "page": ...}`): its conversations sit two levels down, where the JSON document reader does not
 * look for records, so the page is one record, rejected with the command that unwraps it.
 */
export function isHelpScoutPage(record: JsonObject): boolean {
  return isObject(record._embedded) && Array.isArray(record._embedded.conversations);
}

type ThreadKind = ChatRole | 'by-author' | 'event' | { setAside: string };

const THREAD_TYPES: Record<string, ThreadKind> = {
  customer: 'user',
  message: 'assistant',
  reply: 'assistant',
  chat: 'by-author',
  beaconchat: 'by-author',
  note: { setAside: 'internal-note' },
  phone: { setAside: 'phone-note' },
  forwardparent: { setAside: 'forwarded' },
  forwardchild: { setAside: 'forwarded' },
  lineitem: 'event',
};

export function parseHelpScoutConversation(source: SourceRef, record: JsonObject): IngestItem {
  const id = idOf(record.id);
  if (id === null) return reject(source, 'invalid-field:id', `the conversation "id" must be a number or string, got ${show(record.id)}`);
  if (!isObject(record._embedded) || !Array.isArray(record._embedded.threads))
    return reject(
      source,
      'missing-field:_embedded.threads',
      `conversation ${id ?? '(no id)'} has no threads, only their number: Help Scout returns them with ?embed=threads (GET /v2/conversations/{id}?embed=threads); fetch each so and upload that`,
    );
  const threads = record._embedded.threads as unknown[];
  const timed: TimedTurn[] = [];
  const setAside: Record<string, number> = {};
  let rating: { csat: number; at: number } | undefined;
  for (let i = 0; i < threads.length; i++) {
    const thread = threads[i];
    const n = i + 1;
    if (!isObject(thread)) return reject(source, 'invalid-field:threads', `thread ${n} must be an object, got ${show(thread)}`);
    const type = typeof thread.type === 'string' ? thread.type.toLowerCase() : undefined;
    if (!type) return reject(source, 'missing-field:type', `thread ${n} has no "type"`);
    const kind = ownValue(THREAD_TYPES, type);
    if (!kind)
      return reject(
        source,
        'unknown-speaker',
        `thread ${n} has type ${show(thread.type)}; expected customer, message, reply, chat, beaconchat, note, phone, forwardparent, forwardchild or lineitem`,
      );
    if (kind === 'event') continue;
    if (typeof kind === 'object') {
      setAside[kind.setAside] = (setAside[kind.setAside] ?? 0) + 1;
      continue;
    }
    const state = typeof thread.state === 'string' ? thread.state.toLowerCase() : 'published';
    if (state !== 'published') {
      setAside['unpublished-thread'] = (setAside['unpublished-thread'] ?? 0) + 1;
      continue;
    }
    let role: ChatRole;
    if (kind === 'by-author') {
      const author =
        isObject(thread.createdBy) && typeof thread.createdBy.type === 'string' ? thread.createdBy.type.toLowerCase() : undefined;
      if (!author) return reject(source, 'missing-field:createdBy.type', `${type} thread ${n} has no "createdBy.type"`);
      role = author === 'customer' ? 'user' : 'assistant';
    } else role = kind;
    const body = textOf(thread.body);
    if (body === undefined || body.trim() === '') continue;
    const timestamp = parseTimestamp(thread.createdAt);
    timed.push({ turn: { role, text: body, timestamp }, order: -i });
    // Great/Okay/Not Good are 5/3/1 in the one list of rating words, which feedback files and transcripts share.
    const score = isObject(thread.rating) ? parseRatingOrWord(thread.rating.rating) : undefined;
    // The rating of the latest rated reply is the conversation's, as the customer's last word on it.
    const at = timestamp ? Date.parse(timestamp) : -i;
    if (score !== undefined && (!rating || at > rating.at)) rating = { csat: score, at };
  }
  return finish({
    source,
    id,
    idPrefix: 'helpscout',
    // The API lists threads newest first; `order` follows that so equal times stay oldest first.
    raw: inTimeOrder(timed, true),
    channel: textOf(record.type),
    csat: rating?.csat,
    issueType: tagNames(record.tags)[0],
    model: namedModel(record),
    setAside: Object.keys(setAside).length ? setAside : undefined,
    needBothSides: id ? `conversation ${id}` : 'the conversation',
  });
}

export function parseHelpScoutPage(source: SourceRef, record: JsonObject): IngestItem {
  const count = ((record._embedded as JsonObject).conversations as unknown[]).length;
  return reject(
    source,
    'unknown-record',
    `a Help Scout page of ${count} conversation(s) saved whole ("_embedded.conversations"): tuneloop reads one conversation per record; write them out one per line, e.g. jq -c '._embedded.conversations[]' page.json > conversations.jsonl (each fetched with ?embed=threads)`,
  );
}
