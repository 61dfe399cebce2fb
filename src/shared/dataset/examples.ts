import { chatSessions, heldByExample, turnSpanOf, type Conversation, type ToolCall, type Turn, type TurnSpan } from '../ingest/types';
import {
  INTENT_TASK_TRANSCRIPT_HEADER,
  intentTaskExample,
  intentTaskSpeaker,
  isTranscriptTurn,
  type IntentTaskMessage,
} from './intentTask';
import { modelInfo } from './modelLimits';
import { spacedLineTokens, tokenCounter, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, type TokenCounter } from './tokens';
import { validateExample } from './validate';
import { sessionNumbers } from './stages';

/** One message of a chat fine-tuning example as tuneloop writes it. */
export interface ExampleMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** Left out on an assistant message that only calls tools. */
  content?: string;
  weight?: 0 | 1;
  tool_calls?: ToolCall[];
  /** On `tool` messages: the call this is the result of. */
  tool_call_id?: string;
}

/** A line of a fine-tuning file. `ready` inputs keep whatever valid shape they came with. */
export interface FineTuneExample {
  messages: unknown[];
  tools?: unknown[];
  functions?: unknown[];
}

export type ExampleKind = 'conversation' | 'faq' | 'ready' | 'intent';

export interface BuiltExample {
  kind: ExampleKind;
  example: FineTuneExample;
  tokens: number;
  /** Which session of a whole chat the example is of: its number among the chat's sessions as read (1, 2, …; `chatSessions`). */
  session?: number;
  /** When that session's turns were written, when they had times. */
  sessionSpan?: TurnSpan;
}

export type BuildResult = { ok: true; examples: BuiltExample[]; notes: string[] } | { ok: false; reason: string; detail: string };

export interface ExampleBuilderOptions {
  /** Base model: decides tokenizer and per-example limit. */
  model: string;
  /** System message put first in every conversation/FAQ example; empty = none. */
  systemPrompt: string;
  /** Add an intent-labelling example for conversations with an issue_type (default true). */
  intentExamples?: boolean;
  /** Override the model's per-example limit (tests of splitting use small limits). */
  maxExampleTokens?: number;
}

/**
 * Turns normalised conversations into fine-tuning examples: the configured system prompt, the
 * turns up to the last assistant turn, `weight` carried over, long conversations split at turn
 * boundaries (never truncated), `ready` lines passed through after validation.
 */
export class ExampleBuilder {
  readonly counter: TokenCounter;
  readonly limit: number;
  private readonly systemMessage?: ExampleMessage;
  private readonly systemTokens: number;

  constructor(private readonly options: ExampleBuilderOptions) {
    this.counter = tokenCounter(options.model);
    this.limit = options.maxExampleTokens ?? modelInfo(options.model).maxExampleTokens;
    const prompt = options.systemPrompt.trim();
    this.systemMessage = prompt ? { role: 'system', content: prompt } : undefined;
    this.systemTokens = this.systemMessage ? this.messageTokens(this.systemMessage) : 0;
  }

  build(conversation: Conversation): BuildResult {
    if (conversation.kind === 'ready') return this.buildReady(conversation);
    const counted = new Map<Turn, number>();
    const result = this.buildTurns(conversation, counted);
    if (!result.ok) return result;
    if (conversation.kind === 'conversation' && conversation.issueType && (this.options.intentExamples ?? true)) {
      const messages = intentTaskExample(conversation.turns, conversation.issueType);
      const tokens = this.intentTokens(messages, conversation.turns, counted);
      if (tokens <= this.limit) result.examples.push({ kind: 'intent', example: { messages }, tokens });
      else result.notes.push(`intent example left out: ${tokens} tokens exceed the ${this.limit}-token limit`);
    }
    return result;
  }

  private buildReady(conversation: Conversation): BuildResult {
    const example: FineTuneExample = conversation.ready
      ? {
          messages: conversation.ready.messages,
          ...(conversation.ready.tools ? { tools: conversation.ready.tools } : {}),
          ...(conversation.ready.functions ? { functions: conversation.ready.functions } : {}),
        }
      : { messages: conversation.turns.map(toMessage) };
    const check = validateExample(example, {
      model: this.options.model,
      counter: this.counter,
      line: conversation.source.line,
      maxExampleTokens: this.limit,
    });
    const issues = check.issues;
    if (issues.length) {
      return { ok: false, reason: `invalid-example:${issues[0].code}`, detail: issues.map((i) => i.reason).join('; ') };
    }
    // Azure accepts a line whose every reply is weight 0; like such a conversation, it is noted.
    const notes = everyReplyWeight0(example.messages) ? ['all-replies-weight0'] : [];
    return { ok: true, examples: [{ kind: 'ready', example, tokens: check.tokens ?? this.counter.example(example) }], notes };
  }

  /**
   * Tokens of the intent example without counting its transcript again: a transcript line break
   * followed by a speaker name always ends a piece of the split pattern, so the transcript counts
   * as its header plus its lines, and each line as its speaker, a colon and the turn's text after a
   * space, from the text's own count (`spacedLineTokens`). The transcript is checked to be what
   * `intentTaskMessages` wrote (by length); otherwise, and for texts without a count, counted in full.
   */
  private intentTokens(messages: IntentTaskMessage[], turns: readonly Turn[], counted: ReadonlyMap<Turn, number>): number {
    const lines = turns.filter(isTranscriptTurn);
    const header = `${INTENT_TASK_TRANSCRIPT_HEADER}\n`;
    let length = header.length + lines.length - 1;
    for (const t of lines) length += intentTaskSpeaker(t.role).length + 2 + t.content.length;
    const user = messages[1];
    if (!lines.length || messages.length !== 3 || user.role !== 'user' || user.content.length !== length)
      return this.counter.messages(messages);
    let transcript = this.fixedTokens(header);
    lines.forEach((turn, i) => {
      const own = counted.get(turn) ?? this.counter.text(turn.content);
      transcript +=
        this.fixedTokens(`${intentTaskSpeaker(turn.role)}:`) +
        spacedLineTokens(turn.content, own, i < lines.length - 1, this.counter.encoding);
    });
    return this.counter.messages([messages[0], { role: user.role, content: '' }, messages[2]]) + transcript;
  }

  private buildTurns(conversation: Conversation, counted?: Map<Turn, number>): BuildResult {
    const kind: ExampleKind = conversation.kind === 'faq' ? 'faq' : 'conversation';
    const notes: string[] = [];
    // The configured system prompt stands in for any system turns of the log (join notices and
    // the like are not something to train on); the count goes to the report.
    const turns = conversation.turns.filter(heldByExample);
    const droppedSystem = conversation.turns.filter((t) => t.role === 'system').length;
    if (droppedSystem) notes.push(`system-turns-replaced:${droppedSystem}`);
    if (!conversation.wholeChat) return this.buildSession(kind, turns, notes, conversation, counted);
    // A whole chat: each session's examples on their own, so none carries an earlier, unrelated
    // question as its context; each names its session and when it was written, which the nightly
    // assembly needs to keep the sessions of several exports of the chat (joinedExports.ts).
    const sessions = chatSessions(turns);
    // Numbered as read, as the quarantine lines of sessions the quality stages left out are.
    const numbers = sessionNumbers(sessions.length, conversation.droppedSessions ?? []);
    const built: { number: number; examples: BuiltExample[]; notes: string[]; span?: TurnSpan }[] = [];
    for (const [index, session] of sessions.entries()) {
      // Only the last session may end without a reply (its customer is still waiting); a thread of
      // replies to what has no text (a screenshot alone) has no question and would teach posting unasked.
      if (!session.some((t) => t.role === 'assistant') || !session.some((t) => t.role === 'user')) continue;
      const one = this.buildSession(kind, session, [], conversation, counted);
      if (!one.ok) return one;
      const span = turnSpanOf({ turns: session });
      built.push({ number: numbers[index], examples: one.examples, notes: one.notes, ...(span ? { span } : {}) });
    }
    if (!built.length)
      return { ok: false, reason: 'no-assistant-turn', detail: 'the conversation has no agent/assistant turn to learn from' };
    // As within a split conversation, a session that trains nothing is left out when another trains.
    const training = built.filter((b) => !b.notes.includes('all-replies-weight0'));
    if (!training.length) notes.push('all-replies-weight0');
    const used = training.length ? training : built;
    const examples: BuiltExample[] = [];
    for (const b of used) {
      for (const example of b.examples) examples.push({ ...example, session: b.number, ...(b.span ? { sessionSpan: b.span } : {}) });
    }
    if (used.some((b) => b.notes.some((n) => n.startsWith('split:')))) notes.push(`split:${examples.length}`);
    if (sessions.length > 1) notes.push(`${CHAT_SESSIONS_NOTE}:${used.length}`);
    return { ok: true, examples, notes };
  }

  /** The examples of a run of turns (a conversation, or one session of a whole chat). */
  private buildSession(
    kind: ExampleKind,
    turns: Turn[],
    notes: string[],
    conversation: Conversation,
    counted: Map<Turn, number> | undefined,
  ): BuildResult {
    let lastAssistant = -1;
    for (let i = turns.length - 1; i >= 0; i--) {
      if (turns[i].role === 'assistant') {
        lastAssistant = i;
        break;
      }
    }
    if (lastAssistant === -1) {
      return { ok: false, reason: 'no-assistant-turn', detail: 'the conversation has no agent/assistant turn to learn from' };
    }
    const kept = turns.slice(0, lastAssistant + 1);
    // Every reply at weight 0 (marked so in the input, a low rating, reply rules): kept as context, as quality intends and
    // as dataset assembly does when the rating arrives later, so arrival order does not matter.
    if (!kept.some((t) => t.role === 'assistant' && t.weight !== 0)) notes.push('all-replies-weight0');
    // One unit per turn: a turn that called tools is its assistant message and the results after it.
    const units = kept.map(toMessages);
    const costs: number[] = [];
    // An example that ends at a turn with tool results ends at its calls: the results would follow the last reply.
    const endCosts: number[] = [];
    units.forEach((unit, i) => {
      const turn = kept[i];
      const own = this.counter.text(turn.content);
      counted?.set(turn, own);
      if (unit.length === 1 && !turn.toolCalls) {
        costs.push(TOKENS_PER_MESSAGE + this.fixedTokens(turn.role) + own);
        endCosts.push(costs[i]);
        return;
      }
      // Tool calls and results are counted as the service counts the messages.
      costs.push(this.counter.messages(unit) - REPLY_PRIMING_TOKENS);
      endCosts.push(this.counter.messages(unit.slice(0, 1)) - REPLY_PRIMING_TOKENS);
    });
    // Every example of the conversation carries its tool definitions, so like the system prompt they
    // are part of each example's fixed cost (an estimate: see countToolDefinitionsTokens).
    const toolTokens = conversation.tools?.length ? this.counter.tools(conversation.tools) : 0;
    const fixed = this.systemTokens + toolTokens + REPLY_PRIMING_TOKENS;
    const last = units.length - 1;
    const total = fixed + costs.slice(0, last).reduce((a, b) => a + b, 0) + endCosts[last];
    if (total <= this.limit) {
      return { ok: true, examples: [{ kind, example: this.example(units, 0, last, 0, conversation), tokens: total }], notes };
    }
    return this.split(kind, units, costs, endCosts, fixed, toolTokens, notes, conversation);
  }

  /**
   * The example of units contextStart..end (assistant turns before `start` at weight 0: context, not
   * learned again), with the system prompt first and the conversation's tool definitions.
   */
  private example(
    units: ExampleMessage[][],
    contextStart: number,
    end: number,
    start: number,
    conversation: Conversation,
  ): FineTuneExample {
    const body: ExampleMessage[] = [];
    for (let i = contextStart; i <= end; i++) {
      const unit = i === end ? units[i].slice(0, 1) : units[i];
      const [first, ...rest] = unit;
      body.push(i < start && first.role === 'assistant' ? { ...first, weight: 0 } : first, ...rest);
    }
    const example: FineTuneExample = { messages: this.withSystem(body) };
    if (conversation.tools?.length) example.tools = conversation.tools;
    return example;
  }

  /**
   * Greedy split: each example trains the longest run of new turns that fits (ending at an
   * assistant turn), then takes as much earlier context as still fits; assistant turns in that
   * context get weight 0 so no reply is learned twice. A turn's tool results stay with it.
   */
  private split(
    kind: ExampleKind,
    units: ExampleMessage[][],
    costs: number[],
    endCosts: number[],
    fixed: number,
    toolTokens: number,
    notes: string[],
    conversation: Conversation,
  ): BuildResult {
    const examples: BuiltExample[] = [];
    const heads = units.map((unit) => unit[0]);
    const anyTrained = heads.some((m) => m.role === 'assistant' && m.weight !== 0);
    let prevEnd = -1;
    while (prevEnd < units.length - 1) {
      const start = prevEnd + 1;
      // After the first example, new turns get at most half the budget so the rest can carry
      // the conversation so far; a single exchange that needs more may still use all of it.
      const newBudget = start > 0 ? fixed + Math.floor((this.limit - fixed) / 2) : this.limit;
      let end = this.lastFittingAssistant(heads, costs, endCosts, start, fixed, newBudget);
      if (end === -1 && newBudget < this.limit) end = this.lastFittingAssistant(heads, costs, endCosts, start, fixed, this.limit, true);
      if (end === -1) {
        // Not even the next assistant turn fits with its own question: name the turn that is too big.
        let firstAssistant = start;
        while (heads[firstAssistant].role !== 'assistant') firstAssistant++;
        let worst = start;
        for (let i = start; i <= firstAssistant; i++) if (costs[i] > costs[worst]) worst = i;
        const turnNo = conversation.turns.indexOf(findTurn(conversation.turns, heads[worst])) + 1;
        return {
          ok: false,
          reason: 'turn-too-long',
          detail:
            `turn ${turnNo > 0 ? turnNo : worst + 1} (${heads[worst].role}, ${costs[worst]} tokens) cannot fit in one example: ` +
            `${this.options.model} allows ${this.limit} tokens per example including the system prompt (${this.systemTokens} tokens)` +
            (toolTokens ? ` and the tool definitions (${toolTokens} tokens, estimated)` : ''),
        };
      }
      let tokens = fixed + endCosts[end];
      for (let i = start; i < end; i++) tokens += costs[i];
      let contextStart = start;
      while (contextStart > 0 && tokens + costs[contextStart - 1] <= this.limit) {
        contextStart--;
        tokens += costs[contextStart];
      }
      const trainsNew = heads.slice(start, end + 1).some((m) => m.role === 'assistant' && m.weight !== 0);
      if (!anyTrained || trainsNew) examples.push({ kind, example: this.example(units, contextStart, end, start, conversation), tokens });
      prevEnd = end;
      if (!heads.slice(end + 1).some((m) => m.role === 'assistant')) break;
    }
    notes.push(`split:${examples.length}`);
    return { ok: true, examples, notes };
  }

  /** Index of the last assistant turn such that turns start..it fit in `budget` (or only the first one, when `firstOnly`). */
  private lastFittingAssistant(
    heads: ExampleMessage[],
    costs: number[],
    endCosts: number[],
    start: number,
    fixed: number,
    budget: number,
    firstOnly = false,
  ): number {
    let end = -1;
    let sum = fixed;
    for (let i = start; i < heads.length; i++) {
      // Ending here costs the turn without its tool results; going on costs it with them (never less).
      if (sum + endCosts[i] > budget) break;
      if (heads[i].role === 'assistant') {
        end = i;
        if (firstOnly) break;
      }
      sum += costs[i];
    }
    return end;
  }

  private withSystem(messages: ExampleMessage[]): ExampleMessage[] {
    return this.systemMessage ? [this.systemMessage, ...messages] : messages;
  }

  /** Tokens of a role name, speaker label or header: a handful of strings, each counted once. */
  private fixedTokens(text: string): number {
    let tokens = this.fixed.get(text);
    if (tokens === undefined) {
      tokens = this.counter.text(text);
      this.fixed.set(text, tokens);
    }
    return tokens;
  }
  private readonly fixed = new Map<string, number>();

  private messageTokens(m: ExampleMessage): number {
    return TOKENS_PER_MESSAGE + this.counter.text(m.role) + this.counter.text(m.content ?? '');
  }
}

/** The note (`<note>:<sessions>`) of a whole chat whose examples were built session by session. */
export const CHAT_SESSIONS_NOTE = 'chat-sessions';

/**
 * The customer's turns after the last reply, which no example holds (an example ends at a reply).
 * A curated record carries them (`CuratedRecord.unanswered`) so the nightly assembly can put them
 * back when it joins the conversation with its next export, where the reply to them is
 * (`joinedExports.ts`); system turns are left out as the examples leave them out.
 */
export function unansweredTurns(turns: readonly Turn[]): string[] {
  const unanswered: string[] = [];
  for (let i = turns.length - 1; i >= 0 && turns[i].role !== 'assistant'; i--) {
    if (turns[i].role === 'user' && turns[i].content.trim() !== '') unanswered.push(turns[i].content);
  }
  return unanswered.reverse();
}

function toMessage(turn: Turn): ExampleMessage {
  const message: ExampleMessage = { role: turn.role, content: turn.content };
  if (turn.role === 'assistant' && (turn.weight === 0 || turn.weight === 1)) message.weight = turn.weight;
  return message;
}

/** A turn's messages: the turn, and for one that called tools its calls and then one `tool` message per result. */
function toMessages(turn: Turn): ExampleMessage[] {
  if (!turn.toolCalls) return [toMessage(turn)];
  const call: ExampleMessage = { role: 'assistant' };
  if (turn.content) call.content = turn.content;
  call.tool_calls = turn.toolCalls;
  if (turn.weight === 0 || turn.weight === 1) call.weight = turn.weight;
  return [call, ...(turn.toolResults ?? []).map((r): ExampleMessage => ({ role: 'tool', tool_call_id: r.toolCallId, content: r.content }))];
}

function everyReplyWeight0(messages: unknown[]): boolean {
  const replies = messages.filter((m) => (m as { role?: unknown }).role === 'assistant') as { weight?: unknown }[];
  return replies.length > 0 && replies.every((m) => m.weight === 0);
}

function findTurn(turns: readonly Turn[], message: ExampleMessage): Turn {
  return turns.find((t) => t.role === message.role && t.content === (message.content ?? '')) ?? turns[0];
}
