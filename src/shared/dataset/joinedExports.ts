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
 * up to 23:59, the day-2 file the rest, under the same conversation id. An incremental export
 * that starts a little before the last one ended repeats that one's last messages. Both are parts
 * of the conversation and are joined. A re-export says (some of) the same again, possibly edited:
 * the newer one supersedes it, as before.
 *
 * The newest export always counts. Going back in time, an older export is another part when its
 * turns were all written before, or all after, the turns of every part counted so far, or when
 * its messages and theirs line up where they overlap in time (`mergeParts`: the same messages,
 * placeholder numbers aside) and it has messages they lack; otherwise it is superseded. Exports
 * that cannot be told apart this way never join: without a span (no turn timestamps), or holding
 * anything but one unsplit conversation example and its intent example (a conversation split over
 * several examples cannot be taken back into its turns exactly). `parts` come in time order.
 */
export function partsOfConversation(exports: readonly ConversationExport[]): {
  parts: ConversationExport[];
  superseded: ConversationExport[];
  /** The parts' records are kept as they are, not joined (a whole chat's sessions: `sessionsOfChat`). */
  asTheyAre?: true;
} {
  const byAge = [...exports].sort((a, b) => a.shard - b.shard);
  const newest = byAge[byAge.length - 1];
  if (newest.records.some((r) => r.kind === 'conversation' && r.session !== undefined)) return sessionsOfChat(byAge);
  const newestSpan = joinableSpan(newest);
  if (!newestSpan) return { parts: [newest], superseded: byAge.slice(0, -1) };
  let parts: TimedPart[] = [{ part: newest, ...newestSpan }];
  const superseded: ConversationExport[] = [];
  for (let i = byAge.length - 2; i >= 0; i--) {
    const span = joinableSpan(byAge[i]);
    const candidate = span && { part: byAge[i], ...span };
    if (candidate && (parts.every((p) => candidate.to < p.from || candidate.from > p.to) || addsMessages(parts, candidate))) {
      parts = inTimeOrder([...parts, candidate]);
    } else superseded.unshift(byAge[i]);
  }
  return { parts: inTimeOrder(parts).map((p) => p.part), superseded };
}

/**
 * The exports of a whole chat (a messenger's or a channel's export, whose examples are built
 * session by session and need no joining: see ../ingest/turns.ts `chatSessionsOf`): every session
 * of the newest export counts; going back in time, an older export's session (or, from before
 * sessions, its whole conversation) counts too when it was written wholly before or after every
 * session counted so far (a daily export of a help channel, an export limited to a period), and is
 * superseded when it overlaps one (a re-export says it again). A session without a span, or any
 * when the newest has one without, cannot be placed and is superseded. Older exports' intent
 * examples are superseded by the newest's. `byAge`: oldest first.
 */
function sessionsOfChat(byAge: readonly ConversationExport[]): {
  parts: ConversationExport[];
  superseded: ConversationExport[];
  asTheyAre: true;
} {
  const parts: ConversationExport[] = [];
  const superseded: ConversationExport[] = [];
  const counted: { from: number; to: number }[] = [];
  let placeable = true;
  for (let i = byAge.length - 1; i >= 0; i--) {
    const exported = byAge[i];
    const newest = i === byAge.length - 1;
    const keep: CuratedRecord[] = [];
    const drop: CuratedRecord[] = [];
    const sessions = new Map<number | undefined, CuratedRecord[]>();
    for (const record of exported.records) {
      if (record.kind !== 'conversation') (newest ? keep : drop).push(record);
      else sessions.set(record.session, [...(sessions.get(record.session) ?? []), record]);
    }
    const added: { from: number; to: number }[] = [];
    for (const records of sessions.values()) {
      const span = spanOfRecords(records);
      if (newest) {
        keep.push(...records);
        if (span) added.push(span);
        else placeable = false;
      } else if (placeable && span && counted.every((c) => span.to < c.from || span.from > c.to)) {
        keep.push(...records);
        added.push(span);
      } else drop.push(...records);
    }
    counted.push(...added);
    if (keep.length) parts.unshift({ shard: exported.shard, records: keep });
    if (drop.length) superseded.unshift({ shard: exported.shard, records: drop });
  }
  return { parts, superseded, asTheyAre: true };
}

/** The time the records' spans cover, in milliseconds; undefined when one has none. */
function spanOfRecords(records: readonly CuratedRecord[]): { from: number; to: number } | undefined {
  let from = Infinity;
  let to = -Infinity;
  for (const record of records) {
    const first = Date.parse(record.span?.first ?? '');
    const last = Date.parse(record.span?.last ?? '');
    if (!Number.isFinite(first) || !Number.isFinite(last)) return undefined;
    from = Math.min(from, first);
    to = Math.max(to, last);
  }
  return { from, to };
}

interface TimedPart {
  part: ConversationExport;
  from: number;
  to: number;
}

function inTimeOrder(parts: TimedPart[]): TimedPart[] {
  return [...parts].sort((a, b) => a.from - b.from || a.part.shard - b.part.shard);
}

/** Whether an export overlapping the parts in time lines up with them message by message and adds messages. */
function addsMessages(parts: readonly TimedPart[], candidate: TimedPart): boolean {
  const without = mergeParts(inTimeOrder([...parts]));
  const within = mergeParts(inTimeOrder([...parts, candidate]));
  return without !== undefined && within !== undefined && within.messages.length > without.messages.length;
}

/** The export's turn span in milliseconds when it may be joined (see partsOfConversation). */
function joinableSpan(part: ConversationExport): { from: number; to: number } | undefined {
  if (part.records.some((r) => r.kind !== 'conversation' && r.kind !== 'intent')) return undefined;
  if (part.records.filter((r) => r.kind === 'conversation').length !== 1) return undefined;
  return spanOfRecords(part.records);
}

export interface JoinOptions {
  /** The base model: token counts and the per-example limit are its own. */
  model: string;
}

/**
 * One conversation from its parts (in time order): the turns of each part's conversation example
 * one after the other, weights kept (a reply the rules or a low rating put at weight 0 stays so),
 * the customer's unanswered turns at the end of a part put back before the next part's reply,
 * messages two parts both hold (overlapping exports) once, the system prompt once, and examples
 * built again as preprocessing builds them (token counts, splitting over the limit, the intent
 * example from the whole transcript).
 *
 * Placeholders of redacted personal data are numbered per part, so `[PERSON_1]` of one part and
 * `[PERSON_1]` of the next may be two people: a later part's numbers go on after the earlier
 * parts' highest of each type. (The same person named in two parts then has two numbers, which
 * says less than it could but never merges two people.)
 *
 * Undefined when the parts' examples cannot be read back into turns, parts that overlap in time do
 * not line up, or the joined conversation yields no example: the caller lets the newest part
 * supersede the others instead.
 */
export function joinConversationParts(parts: readonly ConversationExport[], options: JoinOptions): CuratedRecord[] | undefined {
  const newest = parts.reduce((a, b) => (b.shard > a.shard ? b : a));
  const newestConversation = conversationRecord(newest);
  const spans = parts.map(joinableSpan);
  // Parts without a span (not from partsOfConversation) are taken as they come, one after another.
  const timed = parts.map((part, i): TimedPart => ({ part, ...((spans.every(Boolean) ? spans[i] : undefined) ?? { from: i, to: i }) }));
  const merged = mergeParts(timed, { renumber: true });
  if (!merged) return undefined;
  learnAnswered(merged.messages);
  const conversation: Conversation = {
    kind: 'conversation',
    conversationId: newestConversation.conversation_id,
    ...(newestConversation.issue_type !== undefined ? { issueType: newestConversation.issue_type } : {}),
    turns: turnsOf(merged.messages),
    ...(merged.tools ? { tools: merged.tools } : {}),
    source: { file: newestConversation.source.file, line: newestConversation.source.line, record: '' },
  };
  const intentExamples = parts.some((p) => p.records.some((r) => r.kind === 'intent'));
  const built = new ExampleBuilder({ model: options.model, systemPrompt: merged.systemPrompt, intentExamples }).build(conversation);
  if (!built.ok || !built.examples.length) return undefined;
  const span = joinedSpan(parts);
  const joinedFrom = parts.filter((p) => p !== newest).map((p) => ({ ...conversationRecord(p).source }));
  return built.examples.map((example) => ({
    ...withoutUnanswered(newestConversation),
    kind: example.kind,
    tokens: example.tokens,
    source: { ...newestConversation.source, joinedFrom },
    span,
    example: example.example as CuratedRecord['example'],
  }));
}

/**
 * One message of a part, the unit parts are lined up by: a line of a turn's text (a turn is the
 * messages of one speaker in a row, joined by line breaks, so an export that starts or ends
 * inside such a run holds only some of its lines), or a whole turn that calls tools.
 */
interface PartMessage {
  role: 'user' | 'assistant';
  text: string;
  /** Role and text with placeholder numbers left out (they are numbered per part): equal for the same message. */
  key: string;
  weight?: 0 | 1;
  /** A reply at weight 0 only because its part held no customer turn before it (`CuratedRecord.unprompted`). */
  unprompted?: true;
  toolCalls?: ToolCall[];
  toolResults?: ToolResult[];
  /** The turn it came from: lines of one turn stay one turn. */
  turn: object;
  part: ConversationExport;
}

/**
 * The messages of parts in time order. A part that starts after every earlier one ended goes after
 * them; one that overlaps them in time must line up with what came before: its first messages are
 * the last ones so far (an incremental export that repeats the end of the one before), or all its
 * messages are a run of them (an export of a stretch of the conversation). The overlapping
 * messages are taken from the later part. Undefined when a part cannot be read back into messages
 * or does not line up.
 */
function mergeParts(
  parts: readonly TimedPart[],
  options: { renumber?: boolean } = {},
): { systemPrompt: string; messages: PartMessage[]; tools?: unknown[] } | undefined {
  let systemPrompt = '';
  let tools: unknown[] | undefined;
  let messages: PartMessage[] = [];
  let end = -Infinity;
  const highest = new Map<string, number>();
  for (const { part, from, to } of parts) {
    const offsets = new Map(highest);
    const renumber = options.renumber
      ? (text: string) =>
          text.replace(PLACEHOLDER, (_whole: string, type: string, n: string) => {
            const number = Number(n) + (offsets.get(type) ?? 0);
            highest.set(type, Math.max(highest.get(type) ?? 0, number));
            return `[${type}_${number}]`;
          })
      : (text: string) => text;
    const read = readPart(part, renumber);
    if (!read) return undefined;
    systemPrompt ||= read.systemPrompt;
    if (read.tools) tools = read.tools;
    if (from > end) messages = messages.concat(read.messages);
    else {
      const lined = linedUp(messages, read.messages);
      if (!lined) return undefined;
      messages = lined;
    }
    end = Math.max(end, to);
  }
  return { systemPrompt, messages, ...(tools ? { tools } : {}) };
}

/** `later` placed on `earlier` where they overlap (see mergeParts), or undefined when they do not line up. */
function linedUp(earlier: readonly PartMessage[], later: readonly PartMessage[]): PartMessage[] | undefined {
  for (let at = 0; at < earlier.length; at++) {
    let same = 0;
    while (at + same < earlier.length && same < later.length && earlier[at + same].key === later[same].key) same++;
    if (same === 0) continue;
    if (at + same === earlier.length) return [...earlier.slice(0, at), ...later];
    if (same === later.length) return [...earlier.slice(0, at), ...later, ...earlier.slice(at + same)];
  }
  return undefined;
}

/** A part's conversation example (and the customer's turns after its last reply) as messages. */
function readPart(
  part: ConversationExport,
  renumber: (text: string) => string,
): { systemPrompt: string; messages: PartMessage[]; tools?: unknown[] } | undefined {
  const record = conversationRecord(part);
  const example = record.example.messages;
  let systemPrompt = '';
  let i = 0;
  if (example[0]?.role === 'system') {
    systemPrompt = typeof example[0].content === 'string' ? example[0].content : '';
    i = 1;
  }
  const turns: Turn[] = [];
  const unprompted = new Set<Turn>();
  let reply = -1;
  for (; i < example.length; i++) {
    const message = example[i];
    const content = typeof message.content === 'string' ? renumber(message.content) : '';
    if (message.role === 'user') turns.push({ role: 'user', content });
    else if (message.role === 'assistant') {
      const turn: Turn = { role: 'assistant', content };
      if (record.unprompted?.includes(++reply) && message.weight === 0) unprompted.add(turn);
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
  for (const text of record.unanswered ?? []) turns.push({ role: 'user', content: renumber(text) });
  const messages: PartMessage[] = [];
  for (const turn of turns) {
    const role = turn.role === 'assistant' ? 'assistant' : 'user';
    const marks = {
      ...(turn.weight !== undefined ? { weight: turn.weight } : {}),
      ...(unprompted.has(turn) ? { unprompted: true as const } : {}),
    };
    if (turn.toolCalls) {
      const key = `${role}\u0000${withoutNumbers(turn.content)}\u0000${withoutNumbers(JSON.stringify([turn.toolCalls, turn.toolResults ?? []]))}`;
      messages.push({ role, text: turn.content, key, ...marks, toolCalls: turn.toolCalls, toolResults: turn.toolResults, turn, part });
      continue;
    }
    for (const text of turn.content.split('\n'))
      messages.push({ role, text, key: `${role}\u0000${withoutNumbers(text)}`, ...marks, turn, part });
  }
  return { systemPrompt, messages, ...(Array.isArray(record.example.tools) ? { tools: record.example.tools as unknown[] } : {}) };
}

/**
 * A part's replies that were at weight 0 only for want of a customer turn before them (the answer
 * of a chat an export by day cut after the customer's question) are learned once an earlier
 * part's customer turn comes before them.
 */
function learnAnswered(messages: PartMessage[]): void {
  let customerWrote = false;
  for (const message of messages) {
    if (message.role === 'user') customerWrote = true;
    else if (message.unprompted && customerWrote) {
      delete message.weight;
      delete message.unprompted;
    }
  }
}

/**
 * Messages back into turns: the lines of one turn together again, and where two parts meet inside
 * a speaker's run (an export that ended or began there), their lines one turn, as preprocessing
 * puts one speaker's messages in a row into one turn (unless one is trained on and the other not).
 */
function turnsOf(messages: readonly PartMessage[]): Turn[] {
  const turns: Turn[] = [];
  let previous: PartMessage | undefined;
  for (const message of messages) {
    const last = turns.at(-1);
    const sameTurn = previous !== undefined && previous.turn === message.turn;
    const meeting =
      previous !== undefined &&
      previous.part !== message.part &&
      last !== undefined &&
      !last.toolCalls &&
      !message.toolCalls &&
      last.role === message.role &&
      (last.weight !== 0) === (message.weight !== 0);
    if (last && !message.toolCalls && (sameTurn || meeting)) {
      last.content = `${last.content}\n${message.text}`;
      if (last.weight === undefined && message.weight !== undefined) last.weight = message.weight;
    } else {
      const turn: Turn = { role: message.role, content: message.text };
      if (message.weight !== undefined) turn.weight = message.weight;
      if (message.toolCalls) turn.toolCalls = message.toolCalls;
      if (message.toolResults) turn.toolResults = message.toolResults;
      turns.push(turn);
    }
    previous = message;
  }
  return turns;
}

function withoutNumbers(text: string): string {
  return text.replace(PLACEHOLDER, '[$1]');
}

function withoutUnanswered(record: CuratedRecord): CuratedRecord {
  const { unanswered: _unanswered, unprompted: _unprompted, ...rest } = record;
  return rest;
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
