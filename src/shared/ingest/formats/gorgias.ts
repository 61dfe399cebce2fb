import { namedModel } from '../answeringModel';
import { reject, show } from '../records';
import { parseRating, parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, flagOf, idOf, inTimeOrder, isObject, tagNames, textOf, type JsonObject, type TimedTurn } from './common';

/**
 * A Gorgias ticket as its REST API returns it (`GET /api/tickets/{id}` with `messages`, or the
 * ticket with the messages of `GET /api/tickets/{id}/messages`). `from_agent` false → user, true →
 * assistant (agents and rules). Internal notes (`public: false`, or the `internal-note` channel)
 * are never training data: left out and counted. Text: `stripped_text` (the message without the
 * quoted earlier emails and signature), else `body_text`, else the HTML. `satisfaction_survey.score`
 * 1–5 is the CSAT when the export carries it; the first tag's `name` is the issue type.
 */
export function isGorgiasTicket(record: JsonObject): boolean {
  // Only the first message is looked at: conversation JSONL lines also hold `messages`, and this
  // runs for every one of them.
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const first: unknown = messages[0];
  return isObject(first) && 'from_agent' in first;
}

/**
 * Only a `public` that says public makes a message training data: a converter's "false", 0 or null
 * is an internal note. A message without the field is public, as every Gorgias message is unless
 * it is a note (the API always writes it).
 */
function isInternalNote(message: JsonObject): boolean {
  if (message.channel === 'internal-note') return true;
  return message.public !== undefined && flagOf(message.public) !== true;
}

export function parseGorgiasTicket(source: SourceRef, record: JsonObject): IngestItem {
  const id = idOf(record.id);
  if (id === null) return reject(source, 'invalid-field:id', `the ticket "id" must be a number or string, got ${show(record.id)}`);
  const messages = record.messages as unknown[];
  const timed: TimedTurn[] = [];
  let notes = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const n = i + 1;
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `message ${n} must be an object, got ${show(message)}`);
    if (isInternalNote(message)) {
      notes++;
      continue;
    }
    const fromAgent = flagOf(message.from_agent);
    if (fromAgent === undefined)
      return reject(
        source,
        message.from_agent === undefined ? 'missing-field:from_agent' : 'invalid-field:from_agent',
        `message ${n} has "from_agent" ${show(message.from_agent)}; expected true (the support side) or false (the customer)`,
      );
    const text = textOf(message.stripped_text) ?? textOf(message.body_text) ?? textOf(message.stripped_html) ?? textOf(message.body_html);
    if (text === undefined) continue;
    timed.push({
      turn: { role: fromAgent ? 'assistant' : 'user', text, timestamp: parseTimestamp(message.created_datetime ?? message.sent_datetime) },
      order: i,
    });
  }
  const survey = isObject(record.satisfaction_survey) ? record.satisfaction_survey : undefined;
  return finish({
    source,
    id,
    idPrefix: 'gorgias',
    raw: inTimeOrder(timed),
    channel: textOf(record.channel),
    csat: survey ? parseRating(survey.score) : undefined,
    issueType: tagNames(record.tags)[0],
    model: namedModel(record),
    setAside: notes ? { 'internal-note': notes } : undefined,
    needBothSides: id ? `ticket ${id}` : 'the ticket',
  });
}
