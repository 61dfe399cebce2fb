import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';

/**
 * Conversations of Google's contact-centre analytics (Contact Center AI Insights, now Customer
 * Experience Insights), in the two JSON layouts teams on Google Cloud have:
 * - **the upload format** of a chat transcript (one conversation per file): `conversation_info`
 *   (`categories` with `display_name`) and `entries` of `text`, `role` (AGENT, AUTOMATED_AGENT,
 *   CUSTOMER, END_USER), `user_id` and `start_timestamp_usec`;
 * - **a `Conversation` of the Insights API** (`conversations.get`, or a line of an export): `name`
 *   (".../conversations/<id>"), `medium` (CHAT, PHONE_CALL) and `transcript.transcriptSegments` of
 *   `text`, `messageTime` and `segmentParticipant.role` (HUMAN_AGENT, AUTOMATED_AGENT, END_USER,
 *   ANY_AGENT).
 *
 * The end user (CUSTOMER, END_USER) is the user; a human agent answers (AGENT, HUMAN_AGENT,
 * ANY_AGENT). The virtual agent's messages (AUTOMATED_AGENT: a Dialogflow bot) are set aside
 * (`bot-message`), as a bot's are in every format here. The first category is the issue type.
 */
export function isCcaiConversation(record: JsonObject): boolean {
  if (Array.isArray(record.entries)) {
    const first = (record.entries as unknown[]).find(isObject);
    return first !== undefined && 'role' in first && 'text' in first && ('user_id' in first || 'start_timestamp_usec' in first);
  }
  return isObject(record.transcript) && Array.isArray(record.transcript.transcriptSegments);
}

const ROLES: Record<string, 'user' | 'assistant' | 'bot'> = {
  CUSTOMER: 'user',
  END_USER: 'user',
  AGENT: 'assistant',
  HUMAN_AGENT: 'assistant',
  ANY_AGENT: 'assistant',
  AUTOMATED_AGENT: 'bot',
};

export function parseCcaiConversation(source: SourceRef, record: JsonObject): IngestItem {
  const api = !Array.isArray(record.entries);
  const items = (api ? (record.transcript as JsonObject).transcriptSegments : record.entries) as unknown[];
  const what = api ? 'transcript segment' : 'entry';
  const timed: TimedTurn[] = [];
  let bots = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const n = `${what} ${i + 1}`;
    if (!isObject(item))
      return reject(source, `invalid-field:${api ? 'transcriptSegments' : 'entries'}`, `${n} must be an object, got ${show(item)}`);
    const named = api ? (isObject(item.segmentParticipant) ? item.segmentParticipant.role : undefined) : item.role;
    const role = typeof named === 'string' ? ROLES[named.toUpperCase()] : undefined;
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${n} has role ${show(named)}; expected ${api ? 'END_USER, HUMAN_AGENT, ANY_AGENT or AUTOMATED_AGENT (segmentParticipant.role)' : 'CUSTOMER, END_USER, AGENT or AUTOMATED_AGENT'}`,
      );
    if (role === 'bot') {
      bots++;
      continue;
    }
    if (typeof item.text !== 'string') continue;
    timed.push({
      turn: { role, text: item.text, timestamp: api ? parseTimestamp(item.messageTime) : microseconds(item.start_timestamp_usec) },
      order: i,
    });
  }
  const info = isObject(record.conversation_info) ? record.conversation_info : {};
  const category = Array.isArray(info.categories) ? (info.categories as unknown[]).find(isObject) : undefined;
  const issueType = typeof category?.display_name === 'string' ? category.display_name : undefined;
  // `name` is the resource's path; its last part is the conversation's id.
  const id = typeof record.name === 'string' && record.name.includes('/conversations/') ? record.name.split('/').pop() : undefined;
  const medium = typeof record.medium === 'string' ? record.medium.toUpperCase() : undefined;
  return finish({
    source,
    id: id ? `ccai-${id}` : undefined,
    idPrefix: 'ccai',
    raw: inTimeOrder(timed),
    channel: medium === 'PHONE_CALL' ? 'voice' : 'chat',
    ...(issueType ? { issueType } : {}),
    setAside: setAsideCounts({ 'bot-message': bots }),
    needBothSides: id ? `the conversation ${show(id)}` : 'the conversation',
  });
}

/** Microseconds since the epoch (a number, or a string as protobuf's JSON writes 64-bit integers). */
function microseconds(value: unknown): string | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? new Date(Math.floor(n / 1000)).toISOString() : undefined;
}
