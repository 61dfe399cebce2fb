import { gzipSync } from 'node:zlib';
import { parseInput, type ParseOptions } from '../../../src/shared/ingest/parse';
import type { Conversation, Feedback, IngestItem, Rejection } from '../../../src/shared/ingest/types';

/** Feeds `text` in small chunks so that every parser sees chunk boundaries mid-line and mid-character. */
export async function* chunked(data: string | Buffer, size = 7): AsyncIterable<Buffer> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function parseAll(data: string | Buffer, options: Partial<ParseOptions> = {}, chunkSize = 7): Promise<IngestItem[]> {
  const items: IngestItem[] = [];
  for await (const item of parseInput(chunked(data, chunkSize), { fileName: 'input.file', ...options })) items.push(item);
  return items;
}

export function conversations(items: IngestItem[]): Conversation[] {
  return items.flatMap((i) => (i.type === 'conversation' ? [i.conversation] : []));
}
export function feedbacks(items: IngestItem[]): Feedback[] {
  return items.flatMap((i) => (i.type === 'feedback' ? [i.feedback] : []));
}
export function rejections(items: IngestItem[]): Rejection[] {
  return items.flatMap((i) => (i.type === 'rejected' ? [i.rejection] : []));
}

/** What each record became, named by its file: the same for an archive's files as for the files themselves. */
export const outline = (items: IngestItem[]) =>
  items.map((i) =>
    i.type === 'conversation'
      ? `${i.conversation.source.file}: ${i.conversation.conversationId}`
      : i.type === 'rejected'
        ? `${i.rejection.file}: ${i.rejection.reason}`
        : i.type,
  );

/** A short customer/agent conversation record with `extra` fields. */
export const chat = (id: string, extra: Record<string, unknown> = {}) => ({
  conversation_id: id,
  messages: [
    { role: 'customer', text: 'Where is my order?' },
    { role: 'agent', text: 'Let me check that for you.' },
  ],
  ...extra,
});

/** One conversation JSONL line: a customer question and the agent's reply. */
export function conversationLine(id: string, question: string, reply: string): string {
  return JSON.stringify({
    conversation_id: id,
    messages: [
      { role: 'customer', text: question },
      { role: 'agent', text: reply },
    ],
  });
}

export function jsonl(...records: unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}

export function gzip(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'));
}

/** A Freshchat message as `GET /v2/conversations/{id}/messages` lists it (message pages and their erasure). */
export const freshchatMessage = (
  id: string,
  conversation: string,
  actor: string,
  at: string,
  text: string,
  extra: Record<string, unknown> = {},
) => ({
  message_parts: [{ text: { content: text } }],
  id,
  conversation_id: conversation,
  message_type: 'normal',
  actor_type: actor,
  created_time: at,
  ...extra,
});

/** A Freshchat page: the messages newest first, as the API lists them. */
export const freshchatPage = (...messages: object[]) => ({ messages, link: { first_page: '/v2/conversations/x/messages?page=1' } });

/**
 * Pages of two Freshchat conversations: fc-1's four messages over two pages (`newer`, `older`),
 * fc-2's two on one (`other`).
 */
export const FRESHCHAT_PAGES = {
  newer: freshchatPage(
    freshchatMessage('m-4', 'fc-1', 'agent', '2026-03-02T09:04:00Z', 'Done: the duplicate charge is voided.'),
    freshchatMessage('m-3', 'fc-1', 'user', '2026-03-02T09:03:00Z', 'It is order 5521.'),
  ),
  older: freshchatPage(
    freshchatMessage('m-2', 'fc-1', 'agent', '2026-03-02T09:01:00Z', 'Sorry to hear that! Which order?'),
    freshchatMessage('m-1', 'fc-1', 'user', '2026-03-02T09:00:00Z', 'I was charged twice.'),
  ),
  other: freshchatPage(
    freshchatMessage('n-2', 'fc-2', 'agent', '2026-03-03T10:01:00Z', 'It ships tomorrow.'),
    freshchatMessage('n-1', 'fc-2', 'user', '2026-03-03T10:00:00Z', 'When does my parcel ship?'),
  ),
};
