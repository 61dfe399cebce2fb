import type { ExampleKind, FineTuneExample } from './examples';
import type { SourceRef, TurnSpan } from '../ingest/types';
import type { Split } from './split';

/**
 * One line of a curated shard (`curated/<raw blob name>/<etag hash>.jsonl`). Dataset assembly
 * reads these; the key order is fixed so shards are byte-stable.
 */
export interface CuratedRecord {
  conversation_id: string;
  kind: ExampleKind;
  issue_type?: string;
  csat?: number;
  /** ISO 639-1 language of the conversation (`und` when undetermined), from the language stage. */
  language?: string;
  /** The model that answered, when the log named it (CSAT per answering model); never in `example`. */
  model?: string;
  split: Split;
  tokens: number;
  /** `unit`: what `line` counts when not a line of the file (a CSV row, a workbook's sheet row). */
  source: { file: string; line: number; unit?: SourceRef['unit']; part?: SourceRef['part'] };
  /** When the conversation's turns were written, when they had timestamps (`turnSpanOf`). */
  span?: TurnSpan;
  /**
   * The customer's turns after the last reply, which the example leaves out (an example ends at a
   * reply): on the conversation example of a conversation with a span, so the nightly assembly can
   * put them back when it joins the conversation with its next export (`joinedExports.ts`).
   */
  unanswered?: string[];
  /**
   * Which of the example's assistant turns (0 = the first) are at weight 0 only because no customer
   * turn came before them (`Conversation.unprompted`), carried like `unanswered`.
   */
  unprompted?: number[];
  /** Which session of a whole chat cut into sessions the example is of (1, 2, …): each stands alone. */
  session?: number;
  example: FineTuneExample;
}

/**
 * A curated record as preprocessing hands it to its sink: the example as an object, or as its
 * JSON text when a preprocessing worker built and serialised it (`TransferredOutcome` in
 * ./conversationWork.ts); sinks write that text as it is.
 */
export type OutgoingCuratedRecord = CuratedRecord | (Omit<CuratedRecord, 'example'> & { exampleJson: string });

/** The example's JSON text (no newline). */
export function exampleText(record: OutgoingCuratedRecord): string {
  return 'exampleJson' in record ? record.exampleJson : JSON.stringify(record.example);
}

/** The record with its example as an object (parsed when it came as text). */
export function curatedRecordOf(record: OutgoingCuratedRecord): CuratedRecord {
  if (!('exampleJson' in record)) return record;
  const { exampleJson, ...rest } = record;
  return { ...rest, example: JSON.parse(exampleJson) as FineTuneExample };
}

/** One line of a quarantine file: every record not used, with where it came from and why. */
export interface QuarantineRecord {
  file: string;
  /** 1-based line of the record; 0 when the whole file is quarantined. */
  line: number;
  reason: string;
  detail?: string;
  /**
   * A session of a whole chat left out while the chat was used (`Conversation.droppedSessions`):
   * its number among the chat's sessions; `record` is then the session's turns as JSON, not the
   * whole record. Such a line counts as a session, not as a quarantined record.
   */
  session?: number;
  /** The original text of the record. */
  record: string;
}

export function curatedLine(r: OutgoingCuratedRecord): string {
  const ordered: Omit<CuratedRecord, 'example'> = {
    conversation_id: r.conversation_id,
    kind: r.kind,
    ...(r.issue_type !== undefined ? { issue_type: r.issue_type } : {}),
    ...(r.csat !== undefined ? { csat: r.csat } : {}),
    ...(r.language !== undefined ? { language: r.language } : {}),
    ...(r.model !== undefined ? { model: r.model } : {}),
    split: r.split,
    tokens: r.tokens,
    source: {
      file: r.source.file,
      line: r.source.line,
      ...(r.source.unit !== undefined ? { unit: r.source.unit } : {}),
      ...(r.source.part !== undefined ? { part: r.source.part } : {}),
    },
    ...(r.span !== undefined ? { span: { first: r.span.first, last: r.span.last } } : {}),
    ...(r.unanswered !== undefined ? { unanswered: r.unanswered } : {}),
    ...(r.unprompted !== undefined ? { unprompted: r.unprompted } : {}),
    ...(r.session !== undefined ? { session: r.session } : {}),
  };
  // `example` comes last, so the line is the rest's JSON with the example's text spliced in (as
  // JSON.stringify of the whole record would write it).
  const head = JSON.stringify(ordered);
  return `${head.slice(0, -1)},"example":${exampleText(r)}}\n`;
}

export function quarantineLine(r: QuarantineRecord): string {
  const ordered: QuarantineRecord = {
    file: r.file,
    line: r.line,
    reason: r.reason,
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    ...(r.session !== undefined ? { session: r.session } : {}),
    record: r.record,
  };
  return JSON.stringify(ordered) + '\n';
}

/** A fine-tuning file line: the example alone. */
export function exampleLine(example: FineTuneExample): string {
  return JSON.stringify(example) + '\n';
}
