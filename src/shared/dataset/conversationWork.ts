import { turnSpanOf, type Conversation, type TurnSpan } from '../ingest/types';
import { parseJsonLine, type JsonLineContext } from '../ingest/jsonLine';
import { createRoleMapper, type RoleMapper } from '../ingest/roles';
import { ExampleBuilder, unansweredTurns, type BuildResult, type ExampleBuilderOptions, type ExampleKind } from './examples';
import { applyStage, type ConversationStage } from './stages';
import { StepTimings, timedStages } from './timings';

/**
 * The per-conversation work of preprocessing that does not depend on other conversations: the
 * quality stages before the first ordered one (rules, safety screen, PII redaction), the pure
 * part of the first ordered stage (the duplicate fingerprint) and the examples with their token
 * counts. It runs on the worker pool (or inline with one worker); everything order-dependent
 * (duplicate search, split, writing) stays on the coordinating thread, so the outputs are the same
 * for any number of workers.
 */
export type WorkOutcome =
  | { action: 'drop'; reason: string; detail?: string }
  | { action: 'keep'; conversation: Conversation; prepared?: unknown; built: BuildResult }
  | TransferredOutcome;

/**
 * A kept conversation as a worker thread sends it back (`ConversationWorkOptions.transfer`). A
 * structured clone copies, and the receiving thread then collects, every object of a result: an
 * example is an object per message. So each example crosses as its JSON text (the line the sink
 * writes, one string), and when the ordered stages need only the fingerprint
 * (`ConversationStage.preparedSuffices`) the conversation crosses without its turns (`textless`),
 * as the identity and metadata the coordinating thread counts and writes. Issue #10: on 30 MB with
 * 2 workers, GC pauses 4.1 → 3.3 s and the coordinating thread's scavenges 1.5 → 0.9 s
 * (docs/preprocessing.md, eighth round).
 */
export interface TransferredOutcome {
  action: 'keep';
  conversation: Conversation;
  /** The conversation's turns (and ready messages) stayed on the worker. */
  textless: boolean;
  prepared?: unknown;
  built: SerializedBuild;
}

/** An example serialised where it was built: `json` is the fine-tuning line without its newline. */
export interface SerializedExample {
  kind: ExampleKind;
  tokens: number;
  json: string;
  session?: number;
  sessionSpan?: TurnSpan;
}

export type SerializedBuild = { ok: true; examples: SerializedExample[]; notes: string[] } | { ok: false; reason: string; detail: string };

/** The build with each example as its JSON text. */
export function serializeBuild(built: BuildResult): SerializedBuild {
  if (!built.ok) return built;
  return {
    ok: true,
    notes: built.notes,
    examples: built.examples.map(({ kind, tokens, example, session, sessionSpan }) => ({
      kind,
      tokens,
      json: JSON.stringify(example),
      ...(session !== undefined ? { session } : {}),
      ...(sessionSpan !== undefined ? { sessionSpan } : {}),
    })),
  };
}

/** A conversation's identity and metadata without its text: what a `textless` outcome carries. */
export function withoutText(conversation: Conversation): Conversation {
  const { ready: _ready, turns: _turns, tools: _tools, ...rest } = conversation;
  const turnSpan = turnSpanOf(conversation);
  // Only a conversation with a span can be joined with another export, which is what they are for.
  const unanswered = turnSpan ? unansweredTurns(conversation.turns) : [];
  return { ...rest, turns: [], ...(turnSpan ? { turnSpan } : {}), ...(unanswered.length ? { unanswered } : {}) };
}

/**
 * What became of one raw JSON line (`LineBatch`): what the coordinating thread needs to store
 * feedback, count, quarantine and write in input order; the line's text stays there (it is the
 * quarantine record), so it is not sent back.
 */
export type LineOutcome =
  | { kind: 'rejected'; reason: string; detail?: string; /** Only when not the line's text (a preview). */ record?: string }
  | { kind: 'feedback'; conversationId: string; rating: number; comment?: string; model?: string }
  | {
      kind: 'conversation';
      conversationId: string;
      model?: string;
      setAside?: Record<string, number>;
      notices?: string[];
      outcome: WorkOutcome;
    };

/**
 * Raw lines of one JSON lines file for a worker to parse and work on (issue #10: parsing off the
 * coordinating thread). Sent only while no rating can be joined to them (see `preprocessStream`).
 */
export interface LineBatch {
  context: JsonLineContext;
  lines: { line: number; text: string }[];
}

/** What one batch sends back: outcomes in input order, plus counters to merge on the coordinating thread. */
export interface BatchResult {
  /** One per conversation of a conversation batch (`run`). */
  outcomes: WorkOutcome[];
  /** One per line of a line batch (`runLines`); blank lines are never sent. */
  lines?: (LineOutcome | undefined)[];
  /** Changes of each stage's `summary()` during this batch, by stage name. */
  summaryDeltas: Record<string, unknown>;
  /** Milliseconds per step during this batch (TUNELOOP_DEBUG_TIMINGS only). */
  timings?: Record<string, number>;
}

/** The stages of a run split at the first ordered stage. */
export function splitStages(stages: readonly ConversationStage[]): { parallel: ConversationStage[]; ordered: ConversationStage[] } {
  const at = stages.findIndex((s) => s.ordered);
  return at === -1 ? { parallel: [...stages], ordered: [] } : { parallel: stages.slice(0, at), ordered: stages.slice(at) };
}

export interface ConversationWorkOptions {
  /** Every quality stage of the run; only those before the first ordered one run here. */
  stages: readonly ConversationStage[];
  builder: ExampleBuilderOptions;
  /** Collect per-step wall times. */
  timings?: boolean;
  /**
   * Results leave this thread (a worker of the pool): kept conversations come back as
   * `TransferredOutcome`s. Inline, results stay objects (nothing to copy).
   */
  transfer?: boolean;
}

/** One worker's state: its stages (with their counters), its example builder, its last summaries. */
export class ConversationWork {
  private readonly parallel: ConversationStage[];
  private readonly firstOrdered?: ConversationStage;
  private readonly transfer: boolean;
  /** Whether the ordered stages can do without a kept conversation's text (given the fingerprint). */
  private readonly textNotNeeded: boolean;
  private readonly builder: ExampleBuilder;
  private readonly timings?: StepTimings;
  private last: Record<string, unknown>;

  constructor(options: ConversationWorkOptions) {
    const { parallel, ordered } = splitStages(options.stages);
    this.timings = options.timings ? new StepTimings() : undefined;
    this.parallel = this.timings ? timedStages(parallel, this.timings) : parallel;
    this.firstOrdered = ordered[0];
    this.transfer = options.transfer ?? false;
    // Only the first ordered stage gets the fingerprint; any stage after it would need the text.
    this.textNotNeeded = ordered.length === 1 && ordered[0].preparedSuffices === true && !!ordered[0].prepare;
    this.builder = new ExampleBuilder(options.builder);
    // Deltas are taken against the stages' state when the worker started, which equals the state
    // of the coordinating thread's own (never applied) copies the deltas are merged into.
    this.last = this.summaries();
  }

  async run(conversations: Conversation[], signal?: AbortSignal): Promise<BatchResult> {
    const outcomes = await this.many(conversations, signal);
    return { outcomes, ...this.batchCounters() };
  }

  /** Parses raw JSON lines (as `parseInput` would) and works on the conversations among them. */
  async runLines(batch: LineBatch, signal?: AbortSignal): Promise<BatchResult> {
    const roles = this.rolesFor(batch.context);
    const lines: (LineOutcome | undefined)[] = [];
    // Conversations are worked on together once the batch is parsed (`many`); their outcomes
    // then go to their lines.
    const conversations: Conversation[] = [];
    const waiting: { conversationId: string; model?: string; setAside?: Record<string, number>; notices?: string[] }[] = [];
    const at: number[] = [];
    for (const { line, text } of batch.lines) {
      signal?.throwIfAborted();
      const item = this.timings
        ? await this.timings.time('parse', () => parseJsonLine(line, text, batch.context, roles))
        : parseJsonLine(line, text, batch.context, roles);
      if (!item) {
        lines.push(undefined);
        continue;
      }
      switch (item.type) {
        case 'rejected': {
          const { reason, detail, record } = item.rejection;
          lines.push({ kind: 'rejected', reason, ...(detail !== undefined ? { detail } : {}), ...(record !== text ? { record } : {}) });
          break;
        }
        case 'feedback': {
          const { conversationId, rating: given, comment, model } = item.feedback;
          lines.push({
            kind: 'feedback',
            conversationId,
            rating: given,
            ...(comment !== undefined ? { comment } : {}),
            ...(model !== undefined ? { model } : {}),
          });
          break;
        }
        case 'conversation': {
          const parsed = item.conversation;
          const { conversationId, model, setAside, notices } = parsed;
          // The text stays with the coordinating thread (it is the quarantine record); none of the work reads it.
          conversations.push({ ...parsed, source: { file: parsed.source.file, line, record: '' } });
          waiting.push({
            conversationId,
            ...(model !== undefined ? { model } : {}),
            ...(setAside !== undefined ? { setAside } : {}),
            ...(notices !== undefined ? { notices } : {}),
          });
          at.push(lines.length);
          lines.push(undefined);
          break;
        }
      }
    }
    const outcomes = await this.many(conversations, signal);
    for (let k = 0; k < outcomes.length; k++) lines[at[k]] = { kind: 'conversation', ...waiting[k], outcome: outcomes[k] };
    return { outcomes: [], lines, ...this.batchCounters() };
  }

  private roles?: { key: string; mapper: RoleMapper };

  /** One role mapper per distinct `speakerRoles` (a batch arrives as a fresh copy of its context). */
  private rolesFor(context: JsonLineContext): RoleMapper {
    const key = JSON.stringify(context.speakerRoles ?? {});
    if (this.roles?.key !== key) this.roles = { key, mapper: createRoleMapper(context.speakerRoles) };
    return this.roles.mapper;
  }

  private batchCounters(): Pick<BatchResult, 'summaryDeltas' | 'timings'> {
    const now = this.summaries();
    const summaryDeltas: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(now)) summaryDeltas[name] = summaryDelta(value, this.last[name]);
    this.last = now;
    let timings: Record<string, number> | undefined;
    if (this.timings) {
      timings = this.timings.toJSON();
      this.timings.reset();
    }
    return { summaryDeltas, ...(timings ? { timings } : {}) };
  }

  /**
   * The work on a batch, one step at a time over all its conversations (each stage, then the
   * fingerprint, then the examples) rather than every step per conversation: a step's code and
   * tables stay in the processor's caches for the whole batch (issue #10, eleventh round). Each
   * stage still sees the conversations in input order and only those the stages before it kept,
   * so outcomes and counters are the same as conversation by conversation.
   */
  private async many(conversations: readonly Conversation[], signal?: AbortSignal): Promise<WorkOutcome[]> {
    const outcomes = new Array<WorkOutcome>(conversations.length);
    let live = conversations.map((conversation, index) => ({ index, conversation }));
    for (const stage of this.parallel) {
      const kept: typeof live = [];
      for (const entry of live) {
        signal?.throwIfAborted();
        const result = await applyStage(stage, entry.conversation, signal);
        if (result.action === 'drop') outcomes[entry.index] = result;
        else kept.push({ index: entry.index, conversation: result.conversation });
      }
      live = kept;
    }
    const prepare = this.firstOrdered?.prepare?.bind(this.firstOrdered);
    const prepared = prepare ? live.map(({ conversation }) => prepare(conversation)) : [];
    for (let k = 0; k < live.length; k++) {
      const kept = live[k].conversation;
      const built = this.timings ? await this.timings.time('examples', () => this.builder.build(kept)) : this.builder.build(kept);
      outcomes[live[k].index] = this.outcome(kept, prepared[k], built);
    }
    return outcomes;
  }

  private outcome(kept: Conversation, prepared: unknown, built: BuildResult): WorkOutcome {
    if (this.transfer) {
      const textless = this.textNotNeeded && prepared !== undefined;
      return {
        action: 'keep',
        conversation: textless ? withoutText(kept) : kept,
        textless,
        ...(prepared !== undefined ? { prepared } : {}),
        built: serializeBuild(built),
      };
    }
    return { action: 'keep', conversation: kept, ...(prepared !== undefined ? { prepared } : {}), built };
  }

  private summaries(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const stage of this.parallel) if (stage.summary) out[stage.name] = stage.summary();
    return out;
  }
}

/**
 * What changed from `before` to `after` in a counters object: numbers as differences, new or
 * changed strings and booleans as they are, array elements appended since, objects recursively.
 * Keys keep `after`'s order, which is the order this worker met them in, not necessarily the
 * input's (a worker may work on a later batch before an earlier one): the report sorts them
 * (`runQualitySummary`).
 */
export function summaryDelta(after: unknown, before: unknown): unknown {
  if (typeof after === 'number') return after - (typeof before === 'number' ? before : 0);
  if (Array.isArray(after)) return after.slice(Array.isArray(before) ? before.length : 0);
  if (after && typeof after === 'object') {
    const prior = before && typeof before === 'object' && !Array.isArray(before) ? (before as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(after)) {
      if (!(key in prior)) out[key] = summaryDelta(value, undefined);
      else if (!isUnchanged(value, prior[key])) out[key] = summaryDelta(value, prior[key]);
    }
    return out;
  }
  return after;
}

function isUnchanged(after: unknown, before: unknown): boolean {
  if (after === before) return true;
  if (Array.isArray(after)) return Array.isArray(before) && after.length === before.length;
  if (after && typeof after === 'object' && before && typeof before === 'object') {
    return Object.entries(after).every(([k, v]) => k in before && isUnchanged(v, (before as Record<string, unknown>)[k]));
  }
  return false;
}

/** Adds a delta (from `summaryDelta`) into a counters object in place; returns it. */
export function mergeSummary(target: unknown, delta: unknown): unknown {
  if (typeof delta === 'number') return (typeof target === 'number' ? target : 0) + delta;
  if (Array.isArray(delta)) return [...(Array.isArray(target) ? (target as unknown[]) : []), ...(delta as unknown[])];
  if (delta && typeof delta === 'object') {
    const out = target && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(delta)) out[key] = mergeSummary(out[key], value);
    return out;
  }
  return delta;
}
