import type { Conversation, ToolCall, ToolResult, Turn, TurnSpan } from '../ingest/types';
import { PII_TYPES } from '../quality/pii/types';
import type { CuratedRecord } from './assemblyRecords';
import { ExampleBuilder } from './examples';

/** The records one curated shard holds of one conversation. */
export interface ConversationExport {
  shard: number;
  records: CuratedRecord[];
}

/**
 * Which exports of one conversation make it up, and which a newer one supersedes.
 *
 * A message export by day splits a chat that runs past midnight: the day-1 file holds its turns
 * up to 23:59, the day-2 file the rest, under the same conversation id. Those exports are parts of
 * the conversation and are joined. A re-export, or an incremental export that overlaps the last one,
 * says (some of) the same again, possibly edited: the newer one supersedes it, as before.
 *
 * The newest export always counts. Going back in time, an older export is another part when its
 * turns were all written before, or all after, the turns of every part counted so far; otherwise it
 * is superseded. Exports that cannot be told apart this way never join: without a span (no turn
 * timestamps), or holding anything but one unsplit conversation example and its intent example
 * (a conversation split over several examples cannot be taken back into its turns exactly).
 * `parts` come in time order.
 */
export function partsOfConversation(exports: readonly ConversationExport[]): {
  parts: ConversationExport[];
  superseded: ConversationExport[];
} {
  const byAge = [...exports].sort((a, b) => a.shard - b.shard);
  const newest = byAge[byAge.length - 1];
  const newestSpan = joinableSpan(newest);
  if (!newestSpan) return { parts: [newest], superseded: byAge.slice(0, -1) };
  const parts: { part: ConversationExport; from: number; to: number }[] = [{ part: newest, ...newestSpan }];
  const superseded: ConversationExport[] = [];
  for (let i = byAge.length - 2; i >= 0; i--) {
    const span = joinableSpan(byAge[i]);
    if (span && parts.every((p) => span.to < p.from || span.from > p.to)) parts.push({ part: byAge[i], ...span });
    else superseded.unshift(byAge[i]);
  }
  parts.sort((a, b) => a.from - b.from);
  return { parts: parts.map((p) => p.part), superseded };
}

/** The export's turn span in milliseconds when it may be joined (see partsOfConversation). */
function joinableSpan(part: ConversationExport): { from: number; to: number } | undefined {
  let conversations = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const record of part.records) {
    if (record.kind === 'conversation') conversations++;
    else if (record.kind !== 'intent') return undefined;
    const first = Date.parse(record.span?.first ?? '');
    const last = Date.parse(record.span?.last ?? '');
    if (!Number.isFinite(first) || !Number.isFinite(last)) return undefined;
    from = Math.min(from, first);
    to = Math.max(to, last);
  }
  return conversations === 1 ? { from, to } : undefined;
}

export interface JoinOptions {
  /** The base model: token counts and the per-example limit are its own. */
  model: string;
}

/**
 * One conversation from its parts (in time order): the turns of each part's conversation example
 * one after the other, weights kept (a reply the rules or a low rating put at weight 0 stays so),
 * the system prompt once, and examples built again as preprocessing builds them (token counts,
 * splitting over the limit, the intent example from the whole transcript).
 *
 * Placeholders of redacted personal data are numbered per part, so `[PERSON_1]` of one part and
 * `[PERSON_1]` of the next may be two people: a later part's numbers go on after the earlier
 * parts' highest of each type. (The same person named in two parts then has two numbers, which
 * says less than it could but never merges two people.)
 *
 * Undefined when the parts' examples cannot be read back into turns or the joined conversation
 * yields no example: the caller lets the newest part supersede the others instead.
 */
export function joinConversationParts(parts: readonly ConversationExport[], options: JoinOptions): CuratedRecord[] | undefined {
  const newest = parts.reduce((a, b) => (b.shard > a.shard ? b : a));
  const newestConversation = conversationRecord(newest);
  let systemPrompt = '';
  const turns: Turn[] = [];
  const highest = new Map<string, number>();
  let tools: unknown[] | undefined;
  for (const part of parts) {
    const record = conversationRecord(part);
    const messages = record.example.messages;
    const offsets = new Map(highest);
    const renumber = (text: string) =>
      text.replace(PLACEHOLDER, (whole: string, type: string, n: string) => {
        const number = Number(n) + (offsets.get(type) ?? 0);
        highest.set(type, Math.max(highest.get(type) ?? 0, number));
        return `[${type}_${number}]`;
      });
    let i = 0;
    if (messages[0]?.role === 'system') {
      systemPrompt ||= typeof messages[0].content === 'string' ? messages[0].content : '';
      i = 1;
    }
    for (; i < messages.length; i++) {
      const message = messages[i];
      const content = typeof message.content === 'string' ? renumber(message.content) : '';
      if (message.role === 'user') turns.push({ role: 'user', content });
      else if (message.role === 'assistant') {
        const turn: Turn = { role: 'assistant', content };
        if (message.weight === 0 || message.weight === 1) turn.weight = message.weight;
        if (Array.isArray(message.tool_calls)) turn.toolCalls = message.tool_calls as ToolCall[];
        turns.push(turn);
      } else if (message.role === 'tool') {
        const last = turns.at(-1);
        if (!last?.toolCalls || typeof message.tool_call_id !== 'string') return undefined;
        const result: ToolResult = { toolCallId: message.tool_call_id, content };
        (last.toolResults ??= []).push(result);
      } else return undefined;
    }
    if (Array.isArray(record.example.tools)) tools = record.example.tools as unknown[];
  }
  const conversation: Conversation = {
    kind: 'conversation',
    conversationId: newestConversation.conversation_id,
    ...(newestConversation.issue_type !== undefined ? { issueType: newestConversation.issue_type } : {}),
    turns,
    ...(tools ? { tools } : {}),
    source: { file: newestConversation.source.file, line: newestConversation.source.line, record: '' },
  };
  const intentExamples = parts.some((p) => p.records.some((r) => r.kind === 'intent'));
  const built = new ExampleBuilder({ model: options.model, systemPrompt, intentExamples }).build(conversation);
  if (!built.ok || !built.examples.length) return undefined;
  const span = joinedSpan(parts);
  const joinedFrom = parts.filter((p) => p !== newest).map((p) => ({ ...conversationRecord(p).source }));
  return built.examples.map((example) => ({
    ...newestConversation,
    kind: example.kind,
    tokens: example.tokens,
    source: { ...newestConversation.source, joinedFrom },
    span,
    example: example.example as CuratedRecord['example'],
  }));
}

const PLACEHOLDER = new RegExp(`\\[(${PII_TYPES.join('|')})_(\\d+)\\]`, 'g');

function conversationRecord(part: ConversationExport): CuratedRecord {
  const record = part.records.find((r) => r.kind === 'conversation');
  if (!record) throw new Error(`shard ${part.shard} holds no conversation example of conversation ${part.records[0]?.conversation_id}`);
  return record;
}

function joinedSpan(parts: readonly ConversationExport[]): TurnSpan {
  const spans = parts.map((p) => conversationRecord(p).span as TurnSpan);
  const first = spans.reduce((a, b) => (Date.parse(b.first) < Date.parse(a.first) ? b : a)).first;
  const last = spans.reduce((a, b) => (Date.parse(b.last) > Date.parse(a.last) ? b : a)).last;
  return { first, last };
}
