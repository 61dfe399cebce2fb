import type { Conversation } from '../ingest/types';

/**
 * A step that every normalised conversation passes through before examples are built
 * (redaction, duplicate removal, out-of-scope rules, safety screen). A stage may rewrite the
 * conversation (redact, set assistant weights) or drop it with a reason that goes to quarantine.
 */
export type StageResult = { action: 'keep'; conversation: Conversation } | { action: 'drop'; reason: string; detail?: string };

export interface ConversationStage {
  readonly name: string;
  /**
   * True when the outcome depends on the conversations before it (duplicate removal): such a
   * stage, and every stage after it, runs in input order on the coordinating thread. Stages
   * without it are pure per conversation and run on the preprocessing worker pool; their
   * `summary` must then be counters (numbers add up across workers, arrays are appended).
   */
  readonly ordered?: boolean;
  /**
   * The order-independent part of an ordered stage (e.g. hashing the text), computed on a worker
   * for the conversation as the earlier stages left it; its result is passed to `apply`. Must
   * return structured-cloneable data.
   */
  prepare?(conversation: Conversation): unknown;
  /**
   * True when `apply`, given `prepare`'s result, reads only the conversation's identity and
   * metadata (id, source, issue type…), never its turns, and keeps the very object it was given.
   * A worker then sends the coordinating thread the conversation without its text (issue #10:
   * less to copy between threads and to collect).
   */
  readonly preparedSuffices?: boolean;
  apply(conversation: Conversation, signal?: AbortSignal, prepared?: unknown): Promise<StageResult>;
  /** Counters for the report (e.g. redactions per type, down-weighted turns by reason). */
  summary?(): Record<string, unknown>;
}

/** Runs the stages in order; the first drop wins. */
export async function runStages(
  stages: readonly ConversationStage[],
  conversation: Conversation,
  signal?: AbortSignal,
): Promise<StageResult> {
  let current = conversation;
  for (const stage of stages) {
    const result = await stage.apply(current, signal);
    if (result.action === 'drop') return result;
    current = result.conversation;
  }
  return { action: 'keep', conversation: current };
}
