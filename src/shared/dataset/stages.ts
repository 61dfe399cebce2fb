import type { Conversation } from '../ingest/types';

/**
 * A step that every normalised conversation passes through before examples are built
 * (redaction, duplicate removal, out-of-scope rules, safety screen). A stage may rewrite the
 * conversation (redact, set assistant weights) or drop it with a reason that goes to quarantine.
 */
export type StageResult =
  | { action: 'keep'; conversation: Conversation }
  | { action: 'drop'; reason: string; detail?: string };

export interface ConversationStage {
  readonly name: string;
  apply(conversation: Conversation, signal?: AbortSignal): Promise<StageResult>;
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
