import { mayHoldFeedback, parseInput, parseInputDeferring, parseJsonLine, type DeferredLine, type ParseOptions } from '../ingest/parse';
import { createRoleMapper } from '../ingest/roles';
import { applyFeedback } from '../ingest/feedback';
import type { Mapping } from '../ingest/mapping';
import { turnSpanOf, type ChatRole, type Conversation, type DroppedSession, type IngestItem, type SourceRef } from '../ingest/types';
import type { ConversationStage } from './stages';
import { ExampleBuilder, unansweredTurns, type BuildResult, type ExampleBuilderOptions, type ExampleKind } from './examples';
import {
  mergeSummary,
  splitStages,
  type BatchResult,
  type LineBatch,
  type LineOutcome,
  type SerializedBuild,
  type WorkOutcome,
} from './conversationWork';
import { inlineExecutor, type ConversationExecutor } from './conversationPool';
import type { FeedbackStore, StoredFeedback } from './feedbackStore';
import type { OutgoingCuratedRecord, QuarantineRecord } from './records';
import { splitFor, type Split, type SplitShares } from './split';
import { timedStages, type StepTimings } from './timings';
import { required } from '../lookup';
import { READ_AS_WINDOWS_1252, FILE_NOTICE } from './preprocessReport';
import { describeEncoding, type DeclaredEncoding, type EncodingUsed } from '../ingest/encoding';
import { describeTimeZone, type DeclaredTimeZone } from '../ingest/timeZone';

/** Where the pipeline's results go: a curated shard and a quarantine file (blobs or local files). */
export interface PreprocessSink {
  curated(record: OutgoingCuratedRecord): Promise<void> | void;
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
  /**
   * The input's feedback records are already in `feedback` (`prepare` stores every file's before
   * its main pass): they are counted, not stored again.
   */
  feedbackStored?: boolean;
  sink: PreprocessSink;
  speakerRoles?: Record<string, ChatRole>;
  /** Declarative mappings for layouts tuneloop does not know (see ingest/mapping). */
  mappings?: readonly Mapping[];
  /** The input's declared encoding (`--encoding`, the blob's Content-Type charset); absent: UTF-8. */
  encoding?: DeclaredEncoding;
  /**
   * The zone the input's zone-less timestamps were written in (`--timezone`, the blob's metadata
   * `timezone`, TUNELOOP_INPUT_TIMEZONE); absent: UTC.
   */
  timeZone?: DeclaredTimeZone;
  tempDir?: string;
  /** What becomes of each file of a ZIP archive instead of being read in place (`ParseOptions.archiveEntry`). */
  archiveEntry?: ParseOptions['archiveEntry'];
  /** The input came out of this archive (`ParseOptions.archivedIn`). */
  archivedIn?: string;
  /** Skip the intent-labelling examples (default: added). */
  intentExamples?: boolean;
  /** Called every `progressEvery` records with the count so far. */
  onProgress?: (recordsSoFar: number) => void;
  progressEvery?: number;
  /** Collects wall time per step when given (TUNELOOP_DEBUG_TIMINGS); steps on workers are summed over workers. */
  timings?: StepTimings;
  /**
   * Where the per-conversation work runs (`createConversationExecutor`: a worker pool built from
   * the same settings as `stages`). Default: inline, with `stages` themselves.
   */
  executor?: ConversationExecutor;
  signal?: AbortSignal;
}

/** Counters of one run over one input; `PreprocessTotals` adds several up. */
export interface PreprocessStats {
  records_in: number;
  records_used: number;
  records_quarantined: number;
  quarantine_reasons: Record<string, number>;
  /**
   * Sessions of used whole chats that a quality stage dropped (`Conversation.droppedSessions`),
   * each a quarantine line of its own; not records: records_in = used + quarantined still holds.
   */
  sessions_quarantined: number;
  session_quarantine_reasons: Record<string, number>;
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
  /** Parts of records left out on purpose by the parser (internal notes, private comments), by reason. */
  set_aside: Record<string, number>;
  /** Counters of the quality stages that ran on a worker pool, merged (see `runQualitySummary`). */
  stage_summaries: Record<string, unknown>;
  /** How each input file was decoded, by file name (`describeEncoding`). */
  encodings: Record<string, string>;
  /** Declarations a file's byte-order mark overrode, as warnings. */
  encoding_warnings: string[];
  /** The zone each input file's zone-less timestamps were read in, by file name, for files not read as UTC (`describeTimeZone`). */
  time_zones: Record<string, string>;
}

export function emptyStats(): PreprocessStats {
  return {
    records_in: 0,
    records_used: 0,
    records_quarantined: 0,
    quarantine_reasons: {},
    sessions_quarantined: 0,
    session_quarantine_reasons: {},
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
    set_aside: {},
    stage_summaries: {},
    encodings: {},
    encoding_warnings: [],
    time_zones: {},
  };
}

/**
 * The preprocessing pipeline over one input: parse → feedback stored / joined → quality stages →
 * examples (token-counted, validated, split into chunks that fit) → deterministic split →
 * curated records and quarantine. Every input record ends up used or quarantined, never both,
 * never neither (records_in = records used + records_quarantined). Streams: a bounded window of
 * records at a time.
 *
 * The per-conversation work (the quality stages before the first ordered one, the duplicate
 * fingerprint, examples and token counts) runs on `options.executor` (a worker pool) in batches;
 * results are used strictly in input order, and everything order-dependent (feedback, duplicate
 * search, split, writes, counters) happens here, so the outputs are the same for any number of
 * workers.
 */
export async function preprocessStream(
  input: AsyncIterable<Buffer> | NodeJS.ReadableStream,
  options: PreprocessOptions,
  stats: PreprocessStats = emptyStats(),
): Promise<PreprocessStats> {
  const builderOptions = { model: options.model, systemPrompt: options.systemPrompt, intentExamples: options.intentExamples };
  const every = options.progressEvery ?? 1000;
  const timings = options.timings;
  const { ordered } = splitStages(options.stages);
  const executor = options.executor ?? inlineExecutor({ stages: options.stages, builder: builderOptions, timings: !!timings });
  const run: RunContext = {
    options,
    ordered: timings ? timedStages(ordered, timings) : ordered,
    builderOptions,
    stats,
    time: timings ? (step, fn) => timings.time(step, fn) : async (_step, fn) => fn(),
    write: timings ? (fn) => timings.time('write', fn) : (fn) => fn(),
  };
  // With a pool, raw JSON lines go to the workers to be parsed there (issue #10) while no rating
  // can be joined to them: as long as the feedback store is empty (`prepare` stores every file's
  // ratings first; tables shared with other runs never say so). A line that may be feedback is parsed
  // here, so feedback is stored in input order as always; once anything is stored, the rest of the
  // file is parsed here too, and each conversation looks up its rating before its work.
  const store = options.feedback;
  const defer = executor.pooled && store.isEmpty?.() === true;
  const roles = createRoleMapper(options.speakerRoles);
  if (options.timeZone && options.timeZone.name !== 'UTC') stats.time_zones[options.fileName] = describeTimeZone(options.timeZone);
  const parseOptions = {
    fileName: options.fileName,
    speakerRoles: options.speakerRoles,
    mappings: options.mappings,
    tempDir: options.tempDir,
    signal: options.signal,
    onWindows1252: () => {
      stats.notes[READ_AS_WINDOWS_1252] = (stats.notes[READ_AS_WINDOWS_1252] ?? 0) + 1;
    },
    encoding: options.encoding,
    timeZone: options.timeZone,
    ...(options.archiveEntry ? { archiveEntry: options.archiveEntry } : {}),
    ...(options.archivedIn !== undefined ? { archivedIn: options.archivedIn } : {}),
    // Named by the file read: a file of an archive is `<archive>/<entry>`.
    onEncoding: (used: EncodingUsed, fileName: string) => {
      stats.encodings[fileName] = describeEncoding(used);
      if (used.how === 'byte-order mark' && used.ignored)
        stats.encoding_warnings.push(
          `${fileName}: read as ${used.name} as its byte-order mark says; ${used.ignored.name} declared by ${used.ignored.by} was not used`,
        );
    },
    onNotice: (message: string) => {
      const key = `${FILE_NOTICE}${message}`;
      stats.notes[key] = (stats.notes[key] ?? 0) + 1;
    },
  };
  const items = (defer ? parseInputDeferring(input, parseOptions) : parseInput(input, parseOptions))[Symbol.asyncIterator]();
  // Set by nextBatch (a closure), so read as a property: a local would be narrowed to `false`.
  const reading: { exhausted: boolean; carry?: IngestItem | DeferredLine } = { exhausted: false };

  // Reads the next batch: feedback records are stored at once, in input order, so a conversation
  // after its rating in the same file finds it whatever the batch size or number of workers. A
  // batch sends the workers either parsed conversations or raw lines, never both.
  const nextBatch = async (): Promise<Batch | undefined> => {
    const entries: Entry[] = [];
    const lines: LineBatch['lines'] = [];
    let context: LineBatch['context'] | undefined;
    let conversations = 0;
    while (!reading.exhausted && conversations + lines.length < BATCH_CONVERSATIONS && entries.length < BATCH_ENTRIES) {
      let item = reading.carry;
      reading.carry = undefined;
      if (!item) {
        const next = await run.time('parse', () => items.next());
        if (next.done) {
          reading.exhausted = true;
          break;
        }
        item = next.value;
      }
      if (item.type === 'line' && (mayHoldFeedback(item.text) || store.isEmpty?.() !== true)) {
        const line = item;
        const parsed = await run.time('parse', () => parseJsonLine(line.line, line.text, line.context, roles));
        if (!parsed) continue;
        item = parsed;
      }
      if (item.type === 'line') {
        if (conversations) {
          reading.carry = item;
          break;
        }
        context = item.context;
        lines.push({ line: item.line, text: item.text });
        entries.push({ line: item });
        continue;
      }
      if (item.type === 'feedback' && !options.feedbackStored)
        await run.time('feedback', () => options.feedback.put(item.feedback, options.signal));
      if (item.type === 'conversation') {
        if (lines.length) {
          reading.carry = item;
          break;
        }
        conversations++;
        const { conversationId, model, source } = item.conversation;
        const store = options.feedback;
        // The answering model's row and the rating lookup of every conversation of a batch are
        // in flight together (one table round trip each in Azure); the row is awaited when its
        // conversation is handled, in input order, so a failed write still stops the run there.
        let answered: Promise<void> | undefined;
        if (model && store.answeredBy) {
          answered = store.answeredBy({ conversationId, answeringModel: model, file: source.file, line: source.line }, options.signal);
          answered.catch(() => undefined);
        }
        const lookup = options.feedback.latest(item.conversation.conversationId, options.signal);
        lookup.catch(() => undefined);
        entries.push({ item, lookup, ...(answered ? { answered } : {}) });
      } else entries.push({ item });
    }
    if (!entries.length) return undefined;
    if (context) {
      const batch: LineBatch = { context, lines };
      return { entries, lines: batch, result: executor.runLines(batch, options.signal) };
    }
    const work: Conversation[] = [];
    for (const entry of entries) {
      if (!('item' in entry) || entry.item.type !== 'conversation') continue;
      let conversation = entry.item.conversation;
      const stored = await run.time('feedback', () => required(entry.lookup, 'the feedback lookup of a conversation'));
      if (stored) {
        conversation = applyFeedback(conversation, stored.rating);
        entry.joined = true;
      }
      // The original text stays here for quarantine; the workers do not need a copy of it.
      work.push({ ...conversation, source: { ...conversation.source, record: '' } });
    }
    return { entries, result: work.length ? executor.run(work, options.signal) : undefined };
  };

  const window: Batch[] = [];
  // Inline, one batch at a time: work running ahead on the same thread would only interleave
  // with (and blur the timings of) the ordered steps.
  const capacity = executor.pooled ? executor.concurrency + 1 : 1;
  for (;;) {
    while (!reading.exhausted && window.length < capacity) {
      const batch = await nextBatch();
      if (!batch) break;
      // Handled when its turn comes; until then a failure must not count as unhandled.
      batch.result?.catch(() => undefined);
      window.push(batch);
    }
    const batch = window.shift();
    if (!batch) break;
    const result = batch.result ? await batch.result : undefined;
    if (result && executor.pooled) {
      for (const [name, delta] of Object.entries(result.summaryDeltas)) {
        const base = stats.stage_summaries[name] ?? options.stages.find((s) => s.name === name)?.summary?.();
        stats.stage_summaries[name] = mergeSummary(base, delta);
      }
    }
    if (result?.timings && timings) for (const [step, ms] of Object.entries(result.timings)) timings.add(step, ms);
    let k = 0;
    let l = 0;
    for (const entry of batch.entries) {
      options.signal?.throwIfAborted();
      stats.records_in++;
      if ('line' in entry) await handleLine(entry, result?.lines?.[l++], run);
      else await handleEntry(entry, entry.item.type === 'conversation' ? result?.outcomes[k++] : undefined, run);
      if (options.onProgress && stats.records_in % every === 0) options.onProgress(stats.records_in);
    }
  }
  return stats;
}

/**
 * Conversations per batch handed to a worker (enough to pay for the copy, few enough to keep memory
 * flat). A worker takes each step over the whole batch; 64 rather than 32 took 4 % less CPU on
 * 30 MB with 2 workers (4 of 4 alternating pairs), 128 no less than 64 (issue #10, eleventh round).
 */
const BATCH_CONVERSATIONS = 64;
/** Records per batch at most (rejections and feedback need no worker but keep their place). */
const BATCH_ENTRIES = 256;

type Entry = ItemEntry | LineEntry;

/** A record parsed on this thread. */
interface ItemEntry {
  item: IngestItem;
  lookup?: Promise<StoredFeedback | undefined>;
  /** The write of the conversation's answered-by row, when its log names the answering model. */
  answered?: Promise<void>;
  joined?: boolean;
}

/** A raw JSON line, parsed by the worker that works on it. */
interface LineEntry {
  line: DeferredLine;
}

interface Batch {
  entries: Entry[];
  /** The raw lines sent, when the batch is one of lines. */
  lines?: LineBatch;
  result?: Promise<BatchResult>;
}

interface RunContext {
  options: PreprocessOptions;
  /** The ordered stages (duplicate search and after), run here in input order. */
  ordered: readonly ConversationStage[];
  builderOptions: ExampleBuilderOptions;
  /** Rebuilds examples when an ordered stage rewrote a conversation (none of tuneloop's does). */
  builder?: ExampleBuilder;
  stats: PreprocessStats;
  time: <T>(step: string, fn: () => Promise<T> | T) => Promise<T>;
  /** Runs a sink call (timed as `write` when timing): a promise only when there is something to wait for. */
  write: (fn: () => Promise<void> | void) => Promise<void> | void;
}

async function quarantineRecord(record: QuarantineRecord, run: RunContext): Promise<void> {
  const { options, stats, write } = run;
  stats.records_quarantined++;
  stats.quarantine_reasons[record.reason] = (stats.quarantine_reasons[record.reason] ?? 0) + 1;
  const written = write(() => options.sink.quarantine(record));
  if (written) await written;
}

/** A raw line's result, handled exactly as `handleEntry` handles the item it was parsed into. */
async function handleLine({ line: deferred }: LineEntry, outcome: LineOutcome | undefined, run: RunContext): Promise<void> {
  const source: SourceRef = { file: deferred.context.file, line: deferred.line, record: deferred.text };
  if (!outcome) throw new Error(`preprocessing lost the result of ${source.file} line ${source.line}`);
  switch (outcome.kind) {
    case 'rejected':
      return quarantineRecord(
        {
          file: source.file,
          line: source.line,
          reason: outcome.reason,
          ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
          record: outcome.record ?? source.record,
        },
        run,
      );
    case 'feedback':
      // `mayHoldFeedback` keeps feedback lines on this thread, where they are stored in input order.
      throw new Error(
        `preprocessing sent ${source.file} line ${source.line} to a worker, but it is feedback; it must be stored in input order (a bug in mayHoldFeedback)`,
      );
    case 'conversation': {
      // No rating could be joined (the store was empty when the line was read); the answering
      // model is still recorded, in input order.
      const store = run.options.feedback;
      if (outcome.model && store.answeredBy) {
        const row = { conversationId: outcome.conversationId, answeringModel: outcome.model, file: source.file, line: source.line };
        await run.time('feedback', () => store.answeredBy?.(row, run.options.signal));
      }
      return handleConversation(source, outcome, false, outcome.outcome, run);
    }
  }
}

async function handleEntry({ item, joined, answered }: ItemEntry, outcome: WorkOutcome | undefined, run: RunContext): Promise<void> {
  const { stats } = run;
  if (answered) await run.time('feedback', () => answered);
  const quarantine = (record: QuarantineRecord) => quarantineRecord(record, run);
  if (item.type === 'rejected') {
    const r = item.rejection;
    return quarantine({
      file: r.file,
      line: r.line,
      reason: r.reason,
      ...(r.detail !== undefined ? { detail: r.detail } : {}),
      record: r.record,
    });
  }
  if (item.type === 'feedback') {
    stats.feedback_stored++;
    stats.records_used++;
    return;
  }
  return handleConversation(item.conversation.source, item.conversation, joined, outcome, run);
}

async function handleConversation(
  source: SourceRef,
  { setAside, notices }: Pick<Conversation, 'setAside' | 'notices'>,
  joined: boolean | undefined,
  outcome: WorkOutcome | undefined,
  run: RunContext,
): Promise<void> {
  const { options, stats, time, write } = run;
  const quarantine = (record: QuarantineRecord) => quarantineRecord(record, run);
  for (const [reason, n] of Object.entries(setAside ?? {})) stats.set_aside[reason] = (stats.set_aside[reason] ?? 0) + n;
  for (const notice of notices ?? []) stats.notes[`${FILE_NOTICE}${notice}`] = (stats.notes[`${FILE_NOTICE}${notice}`] ?? 0) + 1;
  if (joined) stats.feedback_joined++;
  if (!outcome) throw new Error(`preprocessing lost the result of ${source.file} line ${source.line}`);
  if (outcome.action === 'drop') {
    return quarantine({
      file: source.file,
      line: source.line,
      reason: outcome.reason,
      ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
      record: source.record,
    });
  }
  let conversation: Conversation = { ...outcome.conversation, source };
  let built: BuildResult | SerializedBuild = outcome.built;
  const textless = 'textless' in outcome && outcome.textless;
  if (run.ordered.length) {
    const before = conversation;
    let prepared = outcome.prepared;
    for (const stage of run.ordered) {
      const result = await stage.apply(conversation, options.signal, prepared);
      prepared = undefined;
      if (result.action === 'drop') {
        return quarantine({
          file: source.file,
          line: source.line,
          reason: result.reason,
          ...(result.detail !== undefined ? { detail: result.detail } : {}),
          record: source.record,
        });
      }
      conversation = result.conversation;
    }
    if (conversation !== before) {
      if (textless) {
        throw new Error(
          `an ordered quality stage rewrote conversation ${conversation.conversationId} (${source.file} line ${source.line}), whose text stayed on the preprocessing worker: a stage that declares preparedSuffices must keep the conversation it is given`,
        );
      }
      const builder = (run.builder ??= new ExampleBuilder(run.builderOptions));
      const rebuilt = conversation;
      built = await time('examples', () => builder.build(rebuilt));
    }
  }
  if (!built.ok) {
    // What the stages left of a chat teaches nothing: the chat goes whole, for what they took out first.
    const taken = conversation.droppedSessions ?? [];
    if (taken.length) {
      const [first] = taken;
      const dropped = taken.map((d) => d.detail ?? `session ${d.session}: ${d.reason}`).join('; ');
      return quarantine({
        file: source.file,
        line: source.line,
        reason: first.reason,
        detail: `no session left to learn from: ${dropped}; the other sessions: ${built.detail}`,
        record: source.record,
      });
    }
    return quarantine({ file: source.file, line: source.line, reason: built.reason, detail: built.detail, record: source.record });
  }
  const split = splitFor(conversation.conversationId, options.shares);
  for (const note of built.notes) {
    const key = note.startsWith('split:') ? 'split' : note.replace(/:.*$/, '');
    if (key === 'split') stats.conversations_split++;
    else stats.notes[key] = (stats.notes[key] ?? 0) + 1;
  }
  const span = turnSpanOf(conversation);
  // Carried only where a join can use them: with a span, on the one conversation example.
  // One conversation example that holds the whole conversation: a split one may be a single example
  // too (parts that train nothing are left out) but begins inside the conversation.
  const joinable =
    span !== undefined &&
    built.examples.filter((e) => e.kind === 'conversation').length === 1 &&
    !built.notes.some((n) => n.startsWith('split:'));
  const unanswered = joinable ? unansweredOf(conversation) : [];
  const unprompted = joinable ? (conversation.unprompted ?? []) : [];
  for (const ex of built.examples) {
    const record: OutgoingCuratedRecord = {
      conversation_id: conversation.conversationId,
      kind: ex.kind,
      ...(conversation.issueType !== undefined ? { issue_type: conversation.issueType } : {}),
      ...(conversation.csat !== undefined ? { csat: conversation.csat } : {}),
      ...(conversation.language !== undefined ? { language: conversation.language } : {}),
      ...(conversation.model !== undefined ? { model: conversation.model } : {}),
      split,
      tokens: ex.tokens,
      // The unit goes along, so the nightly assembly's duplicate details name a CSV or sheet row as such;
      // the part, so two records joined on one line stay two records of it.
      source: {
        file: source.file,
        line: source.line,
        ...(source.unit !== undefined ? { unit: source.unit } : {}),
        ...(source.part !== undefined ? { part: source.part } : {}),
      },
      // A whole chat's session record: when its session was written (the assembly keeps sessions apart by it).
      ...(ex.sessionSpan ? { span: ex.sessionSpan } : span ? { span } : {}),
      ...(unanswered.length && ex.kind === 'conversation' ? { unanswered } : {}),
      ...(unprompted.length && ex.kind === 'conversation' ? { unprompted } : {}),
      ...(ex.session !== undefined ? { session: ex.session } : {}),
      ...('json' in ex ? { exampleJson: ex.json } : { example: ex.example }),
    };
    const written = write(() => options.sink.curated(record));
    if (written) await written;
    stats.examples[split]++;
    stats.examples_by_kind[ex.kind]++;
    stats.token_histogram.set(ex.tokens, (stats.token_histogram.get(ex.tokens) ?? 0) + 1);
    if (split === 'train') stats.train_tokens += ex.tokens;
  }
  if (conversation.issueType) stats.issue_types[conversation.issueType] = (stats.issue_types[conversation.issueType] ?? 0) + 1;
  if (conversation.language) stats.languages[conversation.language] = (stats.languages[conversation.language] ?? 0) + 1;
  stats.records_used++;
  // The chat is used, so what its stages left out of it goes to quarantine now, session by session
  // (a chat quarantined whole already holds them in its record).
  for (const dropped of conversation.droppedSessions ?? []) {
    stats.sessions_quarantined++;
    stats.session_quarantine_reasons[dropped.reason] = (stats.session_quarantine_reasons[dropped.reason] ?? 0) + 1;
    const written = write(() => options.sink.quarantine(droppedSessionRecord(source, conversation.conversationId, dropped)));
    if (written) await written;
  }
}

/**
 * The quarantine line of a session left out of a used chat: file and line of the chat's record,
 * the session's number, and as `record` the session's turns as read (JSON, with the chat's id,
 * so an erasure of the conversation finds it as it finds the chat's other lines).
 */
export function droppedSessionRecord(source: SourceRef, conversationId: string, dropped: DroppedSession): QuarantineRecord {
  const turns = dropped.turns.map((t) => ({
    role: t.role,
    content: t.content,
    ...(t.timestamp !== undefined ? { timestamp: t.timestamp } : {}),
  }));
  return {
    file: source.file,
    line: source.line,
    reason: dropped.reason,
    ...(dropped.detail !== undefined ? { detail: dropped.detail } : {}),
    session: dropped.session,
    record: JSON.stringify({ conversation_id: conversationId, session: dropped.session, turns }),
  };
}

/**
 * Each quality stage's counters for the report, in stage order: merged from the workers for the
 * stages that ran on a pool, the stage's own otherwise. Keys within a stage's counters are sorted:
 * a worker that happens to work on a later batch before an earlier one meets its keys (languages,
 * reasons) in another order than one thread would, and the report must not depend on that.
 */
export function runQualitySummary(stages: readonly ConversationStage[], stats: PreprocessStats): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const stage of stages) {
    if (stage.name in stats.stage_summaries) out[stage.name] = withSortedKeys(stats.stage_summaries[stage.name]);
    else if (stage.summary) out[stage.name] = withSortedKeys(stage.summary());
  }
  return out;
}

/** A copy of `value` whose objects list their keys in sorted order; arrays keep theirs. */
function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = withSortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The customer's turns after the last reply, from the turns or, when they stayed on a worker, as it sent them. */
function unansweredOf(conversation: Conversation): string[] {
  return conversation.turns.length ? unansweredTurns(conversation.turns) : (conversation.unanswered ?? []);
}
