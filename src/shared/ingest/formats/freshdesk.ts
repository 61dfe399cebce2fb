import { namedModel } from '../answeringModel';
import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, flagOf, idOf, inTimeOrder, isObject, tagNames, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A Freshdesk ticket as the REST API v2 returns it with `GET /api/v2/tickets/{id}?include=conversations`:
 * the ticket's `description_text` (HTML in `description`) is the customer's first message, and its
 * `conversations` are the replies and notes after it. `incoming: true` (or the requester's
 * `user_id`) is the customer; everything else the support side. Private notes (`private: true`)
 * are never training data: left out and counted. `type` (else the first tag) is the issue type.
 */
export function isFreshdeskTicket(record: JsonObject): boolean {
  return 'requester_id' in record && (Array.isArray(record.conversations) || 'description_text' in record);
}

/**
 * One element of `GET /api/v2/tickets/{id}/conversations`: a reply or note of a ticket, without
 * the ticket. Read alone it would lose the customer's first message (the ticket's description)
 * and the ticket it belongs to, so it is rejected, naming the export that works.
 */
export function isFreshdeskConversation(record: JsonObject): boolean {
  return 'ticket_id' in record && 'incoming' in record && 'private' in record;
}

/** Freshdesk's ticket `source` codes (API v2 reference, "Ticket properties"). */
const TICKET_SOURCES: Record<number, string> = {
  1: 'email',
  2: 'portal',
  3: 'phone',
  7: 'chat',
  9: 'feedback-widget',
  10: 'outbound-email',
};
const OUTBOUND_EMAIL = 10;

/**
 * A Freshdesk `private` flag as the API writes it (a boolean) or as a converter rewrites it. Only a
 * value that says "not private" makes a note public: "true", null or "internal" read as public
 * would teach the model what agents tell each other. A conversation without the field is public,
 * as every reply is (the API always writes it; exports that drop it drop it everywhere).
 */
function isPrivateNote(value: unknown): boolean {
  return value !== undefined && flagOf(value) !== false;
}

export function parseFreshdeskTicket(source: SourceRef, record: JsonObject): IngestItem {
  const id = idOf(record.id);
  if (id === null) return reject(source, 'invalid-field:id', `the ticket "id" must be a number or string, got ${show(record.id)}`);
  const ticket = id ? `ticket ${id}` : 'the ticket';
  if (!Array.isArray(record.conversations))
    return reject(
      source,
      'missing-field:conversations',
      `${ticket} has no "conversations" (a ticket list holds only the first message); export each ticket with GET /api/v2/tickets/{id}?include=conversations`,
    );
  const requester = idOf(record.requester_id);
  const timed: TimedTurn[] = [];
  const description = textOf(record.description_text) ?? textOf(record.description);
  // An outbound email ticket is opened by an agent: its description is the support side's.
  const openedBy: ChatRole = record.source === OUTBOUND_EMAIL ? 'assistant' : 'user';
  if (description !== undefined)
    timed.push({ turn: { role: openedBy, text: description, timestamp: parseTimestamp(record.created_at) }, order: -1 });
  let privateNotes = 0;
  const conversations = record.conversations as unknown[];
  for (let i = 0; i < conversations.length; i++) {
    const conversation = conversations[i];
    const n = i + 1;
    if (!isObject(conversation))
      return reject(source, 'invalid-field:conversations', `conversation ${n} must be an object, got ${show(conversation)}`);
    if (isPrivateNote(conversation.private)) {
      privateNotes++;
      continue;
    }
    const text = textOf(conversation.body_text) ?? textOf(conversation.body);
    if (text === undefined) return reject(source, 'missing-field:body_text', `conversation ${n} has no "body_text" or "body"`);
    const author = idOf(conversation.user_id);
    const fromCustomer = flagOf(conversation.incoming) === true || (requester !== undefined && requester !== null && author === requester);
    timed.push({ turn: { role: fromCustomer ? 'user' : 'assistant', text, timestamp: parseTimestamp(conversation.created_at) }, order: i });
  }
  const ticketSource = typeof record.source === 'number' ? TICKET_SOURCES[record.source] : textOf(record.source);
  return finish({
    source,
    id,
    idPrefix: 'freshdesk',
    raw: inTimeOrder(timed),
    channel: ticketSource,
    // Freshdesk has no issue-type field beyond the ticket `type` ("Question", "Refund"...); teams without one tag tickets.
    issueType: textOf(record.type) ?? tagNames(record.tags)[0],
    model: namedModel(record),
    setAside: privateNotes ? { 'private-note': privateNotes } : undefined,
    needBothSides: ticket,
  });
}

export function parseFreshdeskConversation(source: SourceRef, record: JsonObject): IngestItem {
  const ticket = idOf(record.ticket_id);
  return reject(
    source,
    'conversation-without-ticket',
    `a Freshdesk conversation (a reply or note${ticket ? ` of ticket ${ticket}` : ''}) without its ticket: the ticket's description, the customer's first message, is not in it; export each ticket with GET /api/v2/tickets/{id}?include=conversations instead`,
  );
}
