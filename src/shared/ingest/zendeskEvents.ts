import { isJsonObject, jsonFamily } from './jsonl';
import { groupMessageRows, type MessageRow } from './messageCsv';
import { parseZendeskTicketEvents, ticketOfEvent } from './formats/zendesk';
import { linePlace } from './records';
import type { RoleMapper } from './roles';
import type { IngestItem } from './types';

export interface TicketEventOptions {
  file: string;
  roles: RoleMapper;
  tempDir?: string;
  signal?: AbortSignal;
  /** Characters of events held in memory before they are spilled (default: the message CSV's budget; 0 spills at once). */
  memoryBudgetChars?: number;
}

/** The row an event is grouped as, or undefined when the value is no ticket event with a usable ticket id. */
export function ticketEventRow(value: unknown, line: number, raw: string): MessageRow | undefined {
  if (!isJsonObject(value) || jsonFamily(value) !== 'zendesk-events') return undefined;
  const ticket = ticketOfEvent(value);
  return ticket === undefined ? undefined : { conversationId: ticket, line, raw, speaker: '', text: '' };
}

/**
 * A file of Zendesk ticket events (`GET /api/v2/incremental/ticket_events.json?include=comment_events`,
 * as JSON lines or its `{"ticket_events": [...]}` pages) → one item per ticket. A ticket's events
 * are spread over the file in time order, interleaved with other tickets', so they are grouped by
 * `ticket_id` with the message-per-row CSV's grouping (ingest/messageCsv): held in memory up to its
 * budget, then spilled to temp files by a hash of the ticket id, so memory stays flat. Each event is
 * one row whose `raw` is its JSON text; the ticket is read from its events' texts when its group is
 * complete. Events of one ticket in two files are not merged: each file gives its own item (the
 * nightly assembly lets the newer file's ticket supersede the older one's).
 * Items of records that are no groupable event are passed through.
 */
export function groupTicketEvents(entries: AsyncIterable<MessageRow | IngestItem>, options: TicketEventOptions): AsyncIterable<IngestItem> {
  return groupMessageRows(entries, {
    file: options.file,
    roles: options.roles,
    tempDir: options.tempDir,
    signal: options.signal,
    ...(options.memoryBudgetChars !== undefined ? { memoryBudgetChars: options.memoryBudgetChars } : {}),
    conversationOf: (rows) =>
      parseZendeskTicketEvents(
        options.file,
        rows.map((row) => ({ line: row.line, raw: row.raw })),
        linePlace,
      ),
  });
}
