import { parseInput } from '../ingest/parse';
import { applyFeedback } from '../ingest/feedback';
import type { ChatRole, Conversation, IngestItem } from '../ingest/types';
import { runStages, type ConversationStage } from './stages';
import { ExampleBuilder, type ExampleKind } from './examples';
import type { FeedbackStore, StoredFeedback } from './feedbackStore';
import type { CuratedRecord, QuarantineRecord } from './records';
import { splitFor, type Split, type SplitShares } from './split';
import { timedStages, type StepTimings } from './timings';

/** Where the pipeline's results go: a curated shard and a quarantine file (blobs or local files). */
export interface PreprocessSink {
  curated(record: CuratedRecord): Promise<void> | void;
  quarantine(record: QuarantineRecord): Promise<void> | void;
}

export interface PreprocessOptions {
  /** Blob name or path: every quarantine line and error names it. */
  fileName: string;
  model: string;
  /** System message of conversation and FAQ examples; empty = none. */
  systemPrompt: string;
  shares: SplitShares;
  /** Conversation stages (data quality) run before examples are built. */
  stages: readonly ConversationStage[];
  feedback: FeedbackStore;
  sink: PreprocessSink;
  speakerRoles?: Record<string, ChatRole>;
  tempDir?: string;
  /** Skip the intent-labelling examples (default: added). */
  intentExamples?: boolean;
  /** Called every `progressEvery` records with the count so far. */
  onProgress?: (recordsSoFar: number) => void;
  progressEvery?: number;
  /** Collects wall time per step when given (TUNELOOP_DEBUG_TIMINGS). */
  timings?: StepTimings;
  signal?: AbortSignal;
}

/** Counters of one run over one input; `PreprocessTotals` adds several up. */
export interface PreprocessStats {
  records_in: number;
  records_used: number;
  records_quarantined: number;
  quarantine_reasons: Record<string, number>;
  feedback_stored: number;
  /** Conversations whose stored feedback was joined on arrival. */
  feedback_joined: number;
  conversations_split: number;
  examples: Record<Split, number>;
  examples_by_kind: Record<ExampleKind, number>;
  /**
   * Examples per token count (a histogram: exact percentiles in memory bounded by the
   * per-example limit, however many examples stream through).
   */
  token_histogram: Map<number, number>;
  /** Tokens of the training split's examples. */
  train_tokens: number;
  /** Used conversations per issue type. */
  issue_types: Record<string, number>;
  /** Used conversations (and FAQ pairs, ready-made lines) per language, when the language stage ran. */
  languages: Record<string, number>;
  /** Notes from example building, counted (e.g. intent examples left out). */
  notes: Record<string, number>;
}

export function emptyStats(): PreprocessStats {
  return {
    records_in: 0,
    records_used: 0,
    records_quarantined: 0,
    quarantine_reasons: {},
    feedback_stored: 0,
    feedback_joined: 0,
    conversations_split: 0,
    examples: { train: 0, validation: 0, holdout: 0 },
    examples_by_kind: { conversation: 0, faq: 0, ready: 0, intent: 0 },
    token_histogram: new Map(),
    train_tokens: 0,
    issue_types: {},
    languages: {},
    notes: {},
  };
}

/**
 * The preprocessing pipeline over one input: parse → feedback stored / joined → quality stages →
 * examples (token-counted, validated, split into chunks that fit) → deterministic split →
 * curated records and quarantine. Every input record ends up used or quarantined, never both,
 * never neither (records_in = records_used + records_quarantined). Streams: one record at a time.
 */
export async function preprocessStream(
  input: AsyncIterable<Buffer> | NodeJS.ReadableStream,
  options: PreprocessOptions,
  stats: PreprocessStats = emptyStats(),
): Promise<PreprocessStats> {
  const builder = new ExampleBuilder({
    model: options.model,
    systemPrompt: options.systemPrompt,
    intentExamples: options.intentExamples,
  });
  const every = options.progressEvery ?? 1000;
  const timings = options.timings;
  const run: RunContext = {
    builder,
    options: timings ? { ...options, stages: timedStages(options.stages, timings) } : options,
    stats,
    time: timings ? (step, fn) => timings.time(step, fn) : async (_step, fn) => fn(),
  };
  const items = parseInput(input, {
    fileName: options.fileName,
    speakerRoles: options.speakerRoles,
    tempDir: options.tempDir,
    signal: options.signal,
  })[Symbol.asyncIterator]();
  // Feedback lookups are one table round trip per conversation; start them a few records ahead
  // so they overlap, while records are still handled strictly in input order (a file holds one
  // format, so no lookup can depend on a feedback record of the same file).
  const ahead: Pending[] = [];
  let exhausted = false;
  for (;;) {
    while (!exhausted && ahead.length < FEEDBACK_LOOKAHEAD) {
      const next = await run.time('parse', () => items.next());
      if (next.done) exhausted = true;
      else ahead.push(withLookup(next.value, options));
    }
    const pending = ahead.shift();
    if (!pending) break;
    options.signal?.throwIfAborted();
    stats.records_in++;
    await handleItem(pending, run);
    if (options.onProgress && stats.records_in % every === 0) options.onProgress(stats.records_in);
  }
  return stats;
}

const FEEDBACK_LOOKAHEAD = 16;

interface Pending {
  item: IngestItem;
  feedback?: Promise<StoredFeedback | undefined>;
}

function withLookup(item: IngestItem, options: PreprocessOptions): Pending {
  if (item.type !== 'conversation') return { item };
  const feedback = options.feedback.latest(item.conversation.conversationId, options.signal);
  // Handled when its record's turn comes; until then a failure must not count as unhandled.
  feedback.catch(() => undefined);
  return { item, feedback };
}

interface RunContext {
  builder: ExampleBuilder;
  options: PreprocessOptions;
  stats: PreprocessStats;
  time: <T>(step: string, fn: () => Promise<T> | T) => Promise<T>;
}

async function handleItem({ item, feedback }: Pending, run: RunContext): Promise<void> {
  const { builder, options, stats, time } = run;
  const quarantine = async (record: QuarantineRecord) => {
    stats.records_quarantined++;
    stats.quarantine_reasons[record.reason] = (stats.quarantine_reasons[record.reason] ?? 0) + 1;
    await time('write', () => options.sink.quarantine(record));
  };
  if (item.type === 'rejected') {
    const r = item.rejection;
    return quarantine({ file: r.file, line: r.line, reason: r.reason, ...(r.detail !== undefined ? { detail: r.detail } : {}), record: r.record });
  }
  if (item.type === 'feedback') {
    await time('feedback', () => options.feedback.put(item.feedback, options.signal));
    stats.feedback_stored++;
    stats.records_used++;
    return;
  }
  let conversation: Conversation = item.conversation;
  const source = conversation.source;
  const stored = await time('feedback', () => feedback ?? options.feedback.latest(conversation.conversationId, options.signal));
  if (stored) {
    conversation = applyFeedback(conversation, stored.rating);
    stats.feedback_joined++;
  }
  const staged = await runStages(options.stages, conversation, options.signal);
  if (staged.action === 'drop') {
    return quarantine({ file: source.file, line: source.line, reason: staged.reason, ...(staged.detail !== undefined ? { detail: staged.detail } : {}), record: source.record });
  }
  conversation = staged.conversation;
  const built = await time('examples', () => builder.build(conversation));
  if (!built.ok) {
    return quarantine({ file: source.file, line: source.line, reason: built.reason, detail: built.detail, record: source.record });
  }
  const split = splitFor(conversation.conversationId, options.shares);
  for (const note of built.notes) {
    const key = note.startsWith('split:') ? 'split' : note.replace(/:.*$/, '');
    if (key === 'split') stats.conversations_split++;
    else stats.notes[key] = (stats.notes[key] ?? 0) + 1;
  }
  for (const ex of built.examples) {
    const record: CuratedRecord = {
      conversation_id: conversation.conversationId,
      kind: ex.kind,
      ...(conversation.issueType !== undefined ? { issue_type: conversation.issueType } : {}),
      ...(conversation.csat !== undefined ? { csat: conversation.csat } : {}),
      ...(conversation.language !== undefined ? { language: conversation.language } : {}),
      split,
      tokens: ex.tokens,
      source: { file: source.file, line: source.line },
      example: ex.example,
    };
    await time('write', () => options.sink.curated(record));
    stats.examples[split]++;
    stats.examples_by_kind[ex.kind]++;
    stats.token_histogram.set(ex.tokens, (stats.token_histogram.get(ex.tokens) ?? 0) + 1);
    if (split === 'train') stats.train_tokens += ex.tokens;
  }
  if (conversation.issueType) stats.issue_types[conversation.issueType] = (stats.issue_types[conversation.issueType] ?? 0) + 1;
  if (conversation.language) stats.languages[conversation.language] = (stats.languages[conversation.language] ?? 0) + 1;
  stats.records_used++;
}
