import type { ExampleKind, FineTuneExample } from './examples';
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
  source: { file: string; line: number };
  example: FineTuneExample;
}

/** One line of a quarantine file: every record not used, with where it came from and why. */
export interface QuarantineRecord {
  file: string;
  /** 1-based line of the record; 0 when the whole file is quarantined. */
  line: number;
  reason: string;
  detail?: string;
  /** The original text of the record. */
  record: string;
}

export function curatedLine(r: CuratedRecord): string {
  const ordered: CuratedRecord = {
    conversation_id: r.conversation_id,
    kind: r.kind,
    ...(r.issue_type !== undefined ? { issue_type: r.issue_type } : {}),
    ...(r.csat !== undefined ? { csat: r.csat } : {}),
    ...(r.language !== undefined ? { language: r.language } : {}),
    ...(r.model !== undefined ? { model: r.model } : {}),
    split: r.split,
    tokens: r.tokens,
    source: { file: r.source.file, line: r.source.line },
    example: r.example,
  };
  return JSON.stringify(ordered) + '\n';
}

export function quarantineLine(r: QuarantineRecord): string {
  const ordered: QuarantineRecord = {
    file: r.file,
    line: r.line,
    reason: r.reason,
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    record: r.record,
  };
  return JSON.stringify(ordered) + '\n';
}

/** A fine-tuning file line: the example alone. */
export function exampleLine(example: FineTuneExample): string {
  return JSON.stringify(example) + '\n';
}
