import { estimateTrainingCost } from './cost';
import { MAX_FILE_BYTES, MIN_TRAINING_EXAMPLES } from './modelLimits';
import type { PreprocessStats } from './preprocess';
import { CHAT_SESSIONS_NOTE } from './examples';
import { CHAT_SESSION_GAP_HOURS } from '../ingest/turns';

/** The report of a preprocessing run (per blob next to its shard, or `report.json` of `tuneloop prepare`). */
export interface PreprocessReport {
  model: string;
  records_in: number;
  records_used: number;
  records_quarantined: number;
  quarantine_reasons: Record<string, number>;
  /**
   * Sessions of used whole chats a quality stage left out, each quarantined on its own line (not
   * records: records_in = records_used + records_quarantined); absent when none.
   */
  sessions_quarantined?: number;
  session_quarantine_reasons?: Record<string, number>;
  examples: { train: number; validation: number; holdout: number };
  examples_by_kind: Record<string, number>;
  tokens: { total: number; p50: number; p95: number; max: number };
  issue_types: Record<string, number>;
  /** Used conversations per detected language (ISO 639-1, `und` when undetermined). */
  languages: Record<string, number>;
  feedback: { stored: number; joined: number };
  /** Parts of records left out on purpose (Zendesk private comments, Intercom notes), by reason; absent when none. */
  set_aside?: Record<string, number>;
  conversations_split: number;
  /** Billed training tokens: training-split tokens × epochs. */
  training_tokens: number;
  epochs: number;
  estimated_cost_usd: number | null;
  price_source: string;
  warnings: string[];
  /**
   * How each input file was decoded, by file name: "utf-8", "shift_jis (declared by --encoding)",
   * "utf-16le (byte-order mark)" (docs/input-formats.md, Encodings).
   */
  encodings: Record<string, string>;
  /**
   * The zone each file's zone-less timestamps were read in, by file name: "Europe/Berlin (declared
   * by --timezone)". Only files not read as UTC are listed, and the field is left out when none is
   * (docs/input-formats.md, Time zones).
   */
  time_zones?: Record<string, string>;
  /** Counters of the quality stages (redactions, duplicates, rule hits), by stage name. */
  quality?: Record<string, unknown>;
  /** Wall time per step, with TUNELOOP_DEBUG_TIMINGS=true. */
  timings_ms?: Record<string, number>;
  /** A shard's report after erasures rewrote its files: what each request took out (src/shared/erasure/shardReports.ts). */
  erasures?: ReportErasure[];
}

/** One erasure's entry in a shard's report; the counts beside it already follow the rewritten files. */
export interface ReportErasure {
  request_id: string;
  at: string;
  removed: {
    /** Input records: used (conversations and feedback) plus quarantined. */
    records: number;
    records_used: number;
    records_quarantined: number;
    /** Curated lines (examples) taken out of the shard. */
    examples: number;
    feedback: number;
    /** Quarantine lines of sessions left out of used chats (not records). */
    sessions_quarantined?: number;
  };
}

export interface ReportOptions {
  model: string;
  epochs?: number;
  quality?: Record<string, unknown>;
  /** Bytes of the training file, when one was written (CLI). */
  trainFileBytes?: number;
  /** Check the 10-example minimum (a whole dataset, not one shard of it). */
  datasetComplete?: boolean;
  timings?: Record<string, number>;
}

/** The note counting lines that were not UTF-8 and were read as Windows-1252 (ingest/encoding). */
export const READ_AS_WINDOWS_1252 = 'read-as-windows-1252';
/**
 * Notes whose key, after this prefix, is a whole warning about one input file (a workbook's
 * sheets not read, its error cells): shown as written, once, whatever the count.
 */
export const FILE_NOTICE = 'file-notice:';

export function buildReport(stats: PreprocessStats, options: ReportOptions): PreprocessReport {
  const cost = estimateTrainingCost({ model: options.model, fileTokens: stats.train_tokens, epochs: options.epochs });
  const histogram = [...stats.token_histogram.entries()].sort(([a], [b]) => a - b);
  const warnings: string[] = [];
  if (stats.records_in !== stats.records_used + stats.records_quarantined) {
    // Cannot happen unless the pipeline has a bug; say so loudly rather than publish wrong numbers.
    warnings.push(
      `records_in (${stats.records_in}) != records_used + records_quarantined (${stats.records_used + stats.records_quarantined})`,
    );
  }
  if (options.datasetComplete && stats.examples.train < MIN_TRAINING_EXAMPLES) {
    warnings.push(`only ${stats.examples.train} training examples: Azure OpenAI needs at least ${MIN_TRAINING_EXAMPLES} to start a job`);
  }
  if (options.trainFileBytes !== undefined && options.trainFileBytes >= MAX_FILE_BYTES) {
    warnings.push(
      `train.jsonl has ${options.trainFileBytes} bytes; Azure OpenAI accepts files under 512 MB — split it into several datasets`,
    );
  }
  if (stats.records_in > 0 && stats.records_quarantined / stats.records_in > 0.5) {
    warnings.push(`${stats.records_quarantined} of ${stats.records_in} records were quarantined; see quarantine for reasons`);
  }
  if (stats.sessions_quarantined) {
    warnings.push(
      `${stats.sessions_quarantined} session(s) of whole chats were left out by the quality stages (${reasonList(stats.session_quarantine_reasons)}) and quarantined on their own; the other sessions of those chats were used`,
    );
  }
  if (stats.conversations_split) {
    warnings.push(`${stats.conversations_split} conversation(s) exceeded the per-example token limit and were split at turn boundaries`);
  }
  for (const [note, count] of Object.entries(stats.notes).sort()) {
    if (note === 'intent example left out')
      warnings.push(`${count} intent-labelling example(s) left out: the transcript exceeds the per-example limit`);
    else if (note === 'all-replies-weight0')
      warnings.push(
        `${count} conversation(s) have every reply at weight 0 (marked so in the input, low rating or reply rules): kept as context, they add training tokens but teach nothing`,
      );
    else if (note === READ_AS_WINDOWS_1252)
      warnings.push(
        `${count} line(s) were not UTF-8 and were read as Windows-1252 (Excel's CSV on Western Windows); check their accents, or save the file as UTF-8`,
      );
    else if (note.startsWith(FILE_NOTICE)) warnings.push(note.slice(FILE_NOTICE.length));
    else if (note === CHAT_SESSIONS_NOTE)
      warnings.push(
        `${count} whole chat(s) (a messenger's or a channel's export) were cut into sessions where the customer wrote again ${CHAT_SESSION_GAP_HOURS} hours or more after a reply; each session's examples stand alone`,
      );
    else if (note === 'system-turns-replaced')
      warnings.push(`${count} conversation(s) had system turns; they were replaced by the configured system prompt`);
    else warnings.push(`${note}: ${count}`);
  }
  warnings.push(...stats.encoding_warnings);
  if (cost.estimated_cost_usd === null) warnings.push(`${options.model} is not billed per training token; no cost estimate`);
  return {
    model: options.model,
    records_in: stats.records_in,
    records_used: stats.records_used,
    records_quarantined: stats.records_quarantined,
    quarantine_reasons: sortKeys(stats.quarantine_reasons),
    ...(stats.sessions_quarantined
      ? { sessions_quarantined: stats.sessions_quarantined, session_quarantine_reasons: sortKeys(stats.session_quarantine_reasons) }
      : {}),
    examples: { ...stats.examples },
    examples_by_kind: { ...stats.examples_by_kind },
    tokens: {
      total: histogram.reduce((sum, [tokens, count]) => sum + tokens * count, 0),
      p50: percentile(histogram, 0.5),
      p95: percentile(histogram, 0.95),
      max: histogram.length ? histogram[histogram.length - 1][0] : 0,
    },
    issue_types: sortKeys(stats.issue_types),
    languages: sortKeys(stats.languages),
    feedback: { stored: stats.feedback_stored, joined: stats.feedback_joined },
    ...(Object.keys(stats.set_aside).length ? { set_aside: sortKeys(stats.set_aside) } : {}),
    conversations_split: stats.conversations_split,
    training_tokens: cost.training_tokens,
    epochs: cost.epochs,
    estimated_cost_usd: cost.estimated_cost_usd,
    price_source: cost.price_source,
    warnings,
    encodings: { ...stats.encodings },
    ...(Object.keys(stats.time_zones).length ? { time_zones: { ...stats.time_zones } } : {}),
    ...(options.quality && Object.keys(options.quality).length ? { quality: options.quality } : {}),
    ...(options.timings ? { timings_ms: options.timings } : {}),
  };
}

/** Nearest-rank percentile of a histogram sorted by value, as [value, count] pairs (0 for none). */
export function percentile(histogram: readonly (readonly [number, number])[], q: number): number {
  const n = histogram.reduce((sum, [, count]) => sum + count, 0);
  if (!n) return 0;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= rank) return value;
  }
  return histogram[histogram.length - 1][0];
}

function reasonList(reasons: Record<string, number>): string {
  return Object.entries(sortKeys(reasons))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
