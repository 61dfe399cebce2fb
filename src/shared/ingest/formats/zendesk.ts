import { namedModel } from '../answeringModel';
import { reject, show } from '../records';
import { parseRatingOrWord, parseTimestamp, type RawTurn } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, isObject, textOf, type JsonObject } from './common';

/**
 * A Zendesk ticket with its comments, as the Ticketing API returns them (a ticket object plus
 * `comments` from `GET /api/v2/tickets/{id}/comments`, or a ticket export with comments inside).
 * The requester's comments are the customer; public comments by anyone else are the support side;
 * private comments (`public: false`, internal notes) are never training data: they are set aside
 * and counted. `satisfaction_rating.score` good/bad becomes CSAT 5/1; the first of `tags` is the
 * issue type.
 */
export function isZendeskTicket(record: JsonObject): boolean {
  if (!('requester_id' in record)) return false;
  return Array.isArray(record.comments) || isTicketWithoutComments(record);
}

/**
 * A ticket as the Tickets API and the incremental ticket export return it: without its comments
 * (only the first message, `description`). It is read as a ticket, so that each is rejected saying
 * what to export, rather than the file being none of the formats. Told apart from a Freshdesk
 * ticket (also `requester_id`) by fields only Zendesk writes.
 */
function isTicketWithoutComments(record: JsonObject): boolean {
  return (
    !('comments' in record) &&
    !('description_text' in record) &&
    (isObject(record.via) || 'submitter_id' in record || 'raw_subject' in record)
  );
}

/**
 * Whether a comment may be training data. The API writes a boolean; exports that went through a
 * spreadsheet or a CSV converter write "false", 0 or "no", and an internal note read as public
 * would teach the model what agents tell each other. So only a value that says public is public;
 * a comment without the field is public, as every comment is in Zendesk unless made an internal
 * note (exports that drop the field drop it for every comment).
 */
function isPublicComment(value: unknown): boolean {
  if (value === undefined || value === true || value === 1) return true;
  return typeof value === 'string' && PUBLIC_VALUES.has(value.trim().toLowerCase());
}

const PUBLIC_VALUES = new Set(['true', '1', 'yes', 'public']);

export function parseZendeskTicket(source: SourceRef, record: JsonObject): IngestItem {
  const id = idOf(record.id);
  if (id === null) return reject(source, 'invalid-field:id', `the ticket "id" must be a number or string, got ${show(record.id)}`);
  const requester = idOf(record.requester_id);
  if (!requester)
    return reject(
      source,
      'missing-field:requester_id',
      'the ticket has no "requester_id", so the customer\'s comments cannot be told apart',
    );
  if (!Array.isArray(record.comments))
    return reject(
      source,
      'missing-field:comments',
      `ticket ${id ?? '(no id)'} has no "comments": the Tickets API and the incremental ticket export return tickets without their conversation (only the first message, "description"), so there is no reply to learn from; add each ticket's comments (GET /api/v2/tickets/{id}/comments) to it as "comments" and upload it again`,
    );
  const comments = record.comments as unknown[];
  const keyed: { turn: RawTurn; at: number; order: number }[] = [];
  let privateComments = 0;
  for (let i = 0; i < comments.length; i++) {
    const comment = comments[i];
    const n = i + 1;
    if (!isObject(comment)) return reject(source, 'invalid-field:comments', `comment ${n} must be an object, got ${show(comment)}`);
    if (!isPublicComment(comment.public)) {
      privateComments++;
      continue;
    }
    const author = idOf(comment.author_id);
    if (!author) return reject(source, 'missing-field:author_id', `comment ${n} has no "author_id"`);
    const text = textOf(comment.plain_body) ?? textOf(comment.body) ?? textOf(comment.html_body);
    if (text === undefined) return reject(source, 'missing-field:body', `comment ${n} has no "plain_body", "body" or "html_body"`);
    const timestamp = parseTimestamp(comment.created_at);
    keyed.push({
      turn: { role: author === requester ? 'user' : 'assistant', text, timestamp },
      at: timestamp ? Date.parse(timestamp) : Number.NaN,
      order: i,
    });
  }
  // The API lists comments oldest first; sort anyway (stable) for exports that do not.
  if (keyed.every((k) => !Number.isNaN(k.at))) keyed.sort((a, b) => a.at - b.at || a.order - b.order);
  const via = isObject(record.via) ? textOf(record.via.channel) : undefined;
  // Read as the satisfaction ratings export is (good 5, bad 1, any case); offered/unoffered are no rating.
  const csat = isObject(record.satisfaction_rating) ? parseRatingOrWord(record.satisfaction_rating.score) : undefined;
  // Zendesk has no topic field of its own; teams tag tickets by topic (triggers do it), so the first tag is the issue type.
  const tags = Array.isArray(record.tags) ? record.tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '') : [];
  const issueType = textOf(record.issue_type) ?? tags[0];
  return finish({
    source,
    id,
    idPrefix: 'zendesk',
    raw: keyed.map((k) => k.turn),
    channel: via,
    csat,
    // Zendesk has no field for it; an exporter that knows which model answered adds it to the ticket.
    model: namedModel(record),
    issueType,
    setAside: privateComments ? { 'private-comment': privateComments } : undefined,
    needBothSides: `ticket ${id ?? ''}`.trim(),
  });
}
