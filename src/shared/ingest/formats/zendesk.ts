import { namedModel } from '../answeringModel';
import { reject, show } from '../records';
import { parseRatingOrWord, parseTimestamp, type RawTurn } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, has, idOf, inTimeOrder, isObject, tagNames, textOf, type JsonObject, type TimedTurn } from './common';

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

/** A comment's text as the Ticket Comments API and the comment events write it: plain text first, HTML (cleaned later) last. */
function commentText(comment: JsonObject): string | undefined {
  return textOf(comment.plain_body) ?? textOf(comment.body) ?? textOf(comment.html_body);
}

/**
 * The channel of a `via`: the Ticketing API writes an object (`{"channel": "email"}`), the
 * incremental ticket event export a name on the event (`"Mail"`, `"Web form"`).
 */
function viaChannel(via: unknown): string | undefined {
  if (isObject(via)) return textOf(via.channel);
  return typeof via === 'string' && via.trim() !== '' ? via.trim() : undefined;
}

/** Read as the satisfaction ratings export is (good 5, bad 1, any case); offered/unoffered are no rating. */
function satisfactionScore(score: unknown): number | undefined {
  return parseRatingOrWord(score);
}

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
      `ticket ${id ?? '(no id)'} has no "comments": the Tickets API and the incremental ticket export return tickets without their conversation (only the first message, "description"), so there is no reply to learn from; add each ticket's comments (GET /api/v2/tickets/{id}/comments) to it as "comments" and upload it again, or upload the ticket events instead (GET /api/v2/incremental/ticket_events.json?start_time=…&include=comment_events)`,
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
    const text = commentText(comment);
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
  const via = isObject(record.via) ? viaChannel(record.via) : undefined;
  const csat = isObject(record.satisfaction_rating) ? satisfactionScore(record.satisfaction_rating.score) : undefined;
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

// ----- the incremental ticket event export -----

/**
 * One event of Zendesk's incremental ticket event export (`GET /api/v2/incremental/ticket_events.json`,
 * one per line or in its `{"ticket_events": [...]}` page): one update of a ticket (`ticket_id`,
 * `updater_id`, `via`, `created_at`/`timestamp`) whose `child_events` say what it did: the
 * ticket's first field values (`event_type: "Create"`, e.g. `{"requester_id": 1, "event_type":
 * "Create"}`), field changes ("Change"), and, exported with `include=comment_events`, its comments
 * ("Comment": `author_id`, `body`/`html_body`/`plain_body`, `public`, `created_at`). A ticket's
 * conversation is spread over many events, so a file of them is grouped by ticket (ingest/zendeskEvents).
 */
export function isZendeskTicketEvent(record: JsonObject): boolean {
  return 'ticket_id' in record && Array.isArray(record.child_events);
}

/** The ticket an event belongs to; undefined when it names none usable (the event is then a rejection of its own). */
export function ticketOfEvent(record: JsonObject): string | undefined {
  return idOf(record.ticket_id) ?? undefined;
}

/**
 * A ticket event read on its own: in a file of another format, or without a usable `ticket_id`.
 * It is one update, not a conversation, so it is rejected saying why.
 */
export function parseZendeskTicketEvent(source: SourceRef, record: JsonObject): IngestItem {
  const ticket = idOf(record.ticket_id);
  if (ticket === undefined)
    return reject(source, 'missing-field:ticket_id', 'the ticket event has no "ticket_id", so it belongs to no ticket');
  if (ticket === null)
    return reject(
      source,
      'invalid-field:ticket_id',
      `the ticket event's "ticket_id" must be a number or string, got ${show(record.ticket_id)}`,
    );
  return reject(
    source,
    'unknown-record',
    `a Zendesk ticket event (of ticket ${ticket}) among records of another format: ticket events are read from a file of them only, where each ticket's events are grouped into its conversation; upload them as a file of their own`,
  );
}

/** One event of a ticket as grouped: the line it starts on and its JSON text. */
export interface TicketEventText {
  line: number;
  raw: string;
}

/** Keys of a child event that name no ticket field (the field is the one key left, or `field_name`). */
const CHILD_EVENT_KEYS = new Set([
  'id',
  'via',
  'via_reference_id',
  'event_type',
  'type',
  'previous_value',
  'value',
  'field_name',
  'audit_id',
]);

function childType(child: JsonObject): string | undefined {
  return textOf(child.event_type ?? child.type)
    ?.trim()
    .toLowerCase();
}

/**
 * The value a Create (or Change) child event gives `field`: the export writes the field as a key of
 * its own (`{"requester_id": 1, "event_type": "Create"}`); the Ticket Audits API, which exporters
 * also copy, writes `field_name` and `value`.
 */
function fieldValue(child: JsonObject, field: string): unknown {
  if (has(child, field)) return child[field];
  return child.field_name === field ? child.value : undefined;
}

function changedField(child: JsonObject): string | undefined {
  return textOf(child.field_name) ?? Object.keys(child).find((key) => !CHILD_EVENT_KEYS.has(key));
}

/**
 * All events of one ticket in a file, in file order → the ticket's conversation, or the rejection
 * saying why not. Comments in time order; the requester's → user, other public ones → assistant;
 * private comments (internal notes) are counted, never read. The requester is the Create event's
 * `requester_id`; a Create event without one falls back to the author of the ticket's first
 * comment (the one the Create event carries, else the earliest). A ticket whose Create event is not
 * in the file was created before the export's start_time: its first messages are missing and its
 * customer unknown, so it is rejected rather than read with the roles guessed. An event repeated
 * (same `id`: overlapping pages joined into one file) is read once.
 */
export function parseZendeskTicketEvents(file: string, events: readonly TicketEventText[], place: (line: number) => string): IngestItem {
  const source: SourceRef = { file, line: events[0].line, record: events.map((e) => e.raw).join('\n') };
  const shown = events.slice(0, 5).map((e) => place(e.line));
  const where = `${events.length === 1 ? 'its event' : `its ${events.length} events`} in this file (${shown.join(', ')}${events.length > shown.length ? ', …' : ''})`;
  let ticket: string | undefined;
  const seen = new Set<string>();
  let created = false;
  let requester: string | undefined | null;
  let openingAuthor: unknown;
  let channel: string | undefined;
  let tags: string[] = [];
  let csat: number | undefined;
  let withoutComment = 0;
  const changed = new Set<string>();
  const comments: { comment: JsonObject; event: JsonObject; line: number; order: number }[] = [];
  for (const { line, raw } of events) {
    // Parsed once already (it was grouped by its ticket_id), so it is a JSON object.
    const event = JSON.parse(raw) as JsonObject;
    ticket ??= ticketOfEvent(event);
    const eventId = idOf(event.id);
    if (eventId) {
      if (seen.has(eventId)) continue;
      seen.add(eventId);
    }
    const children = (Array.isArray(event.child_events) ? (event.child_events as unknown[]) : []).filter(isObject);
    const creates = children.some((child) => childType(child) === 'create') || textOf(event.event_type)?.toLowerCase() === 'create';
    for (const child of children) {
      const type = childType(child);
      if (type === 'comment') {
        // Without the comment_events sideload a comment is only `comment_present`/`comment_public`.
        if (commentText(child) === undefined && child.author_id === undefined) withoutComment++;
        else {
          if (creates && !created && openingAuthor === undefined && isPublicComment(child.public)) openingAuthor = child.author_id;
          comments.push({ comment: child, event, line, order: comments.length });
        }
      } else if (type === 'create') {
        const requesterValue = fieldValue(child, 'requester_id');
        if (requesterValue !== undefined) requester = idOf(requesterValue);
        const tagValue = fieldValue(child, 'tags');
        if (tagValue !== undefined) tags = typeof tagValue === 'string' ? tagValue.split(/\s+/).filter(Boolean) : tagNames(tagValue);
      } else if (type === 'satisfactionrating') {
        csat = satisfactionScore(child.score) ?? csat;
      } else {
        const field = changedField(child);
        if (field) changed.add(field);
      }
    }
    if (creates && !created) {
      created = true;
      // As the ticket reader's `via.channel` (the opening comment's via), else the event's own ("Mail").
      const opening = children.find((child) => childType(child) === 'comment' && isObject(child.via));
      channel = (opening ? viaChannel(opening.via) : undefined) ?? viaChannel(event.via);
    }
  }
  const name = `ticket ${ticket ?? '(no id)'}`;
  if (withoutComment)
    return reject(
      source,
      'missing-field:comment_events',
      `${name}: a comment is only flagged ("comment_present"), not included, in ${where}: the export was made without the comment_events sideload; export GET /api/v2/incremental/ticket_events.json?start_time=…&include=comment_events`,
    );
  if (!comments.length) {
    const fields = [...changed].slice(0, 6);
    return reject(
      source,
      'missing-field:comments',
      `${name} has no comment in this file, only field changes${fields.length ? ` (${fields.join(', ')})` : ''} in ${where}: there is no conversation to learn from`,
    );
  }
  if (!created)
    return reject(
      source,
      'incomplete-ticket',
      `${name} was created before this export's start_time: its Create event (the requester, the first message) is not in this file, only ${where}, so its earlier comments are missing and the customer's cannot be told apart; export from a start_time before the ticket was created (a ticket's events in two files are not merged)`,
    );
  if (requester === null)
    return reject(source, 'invalid-field:requester_id', `${name}'s Create event has a "requester_id" that is not a number or string`);
  const timed: TimedTurn[] = [];
  let privateComments = 0;
  for (const { comment, event, line, order } of comments) {
    if (!isPublicComment(comment.public)) {
      privateComments++;
      continue;
    }
    const author = idOf(comment.author_id);
    if (!author) return reject(source, 'missing-field:author_id', `a comment of ${name} (the event at ${place(line)}) has no "author_id"`);
    const text = commentText(comment);
    if (text === undefined)
      return reject(
        source,
        'missing-field:body',
        `a comment of ${name} (the event at ${place(line)}) has no "plain_body", "body" or "html_body"`,
      );
    timed.push({
      turn: { role: 'user', text, timestamp: parseTimestamp(comment.created_at ?? event.created_at ?? event.timestamp) },
      order,
    });
  }
  const raw = inTimeOrder(timed);
  // The requester as the Create event names it, else the author of the ticket's first comment
  // (inTimeOrder hands back the same turn objects, so the first turn finds its comment).
  const authors = new Map(comments.map((c) => [c.order, idOf(c.comment.author_id)]));
  const first = timed.find((t) => t.turn === raw[0]);
  const customer = requester ?? idOf(openingAuthor) ?? (first ? authors.get(first.order) : undefined);
  for (const t of timed) t.turn.role = authors.get(t.order) === customer ? 'user' : 'assistant';
  return finish({
    source,
    id: ticket,
    idPrefix: 'zendesk',
    raw,
    channel,
    csat,
    issueType: tags[0],
    setAside: privateComments ? { 'private-comment': privateComments } : undefined,
    needBothSides: name,
  });
}
