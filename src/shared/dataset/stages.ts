import { chatSessions, type Conversation, type DroppedSession, type Turn } from '../ingest/types';

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
  /**
   * On a whole chat cut into sessions (`Conversation.wholeChat`), the stage judges each session on
   * its own (`applyStage`): a session it drops is set aside while the chat's other sessions go on,
   * so one leaked password or one unanswerable request does not cost a year of a customer's chat.
   * For stages whose verdict is about the conversation's own turns (reply rules, safety screen).
   */
  readonly perSession?: boolean;
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
    const result = await applyStage(stage, current, signal);
    if (result.action === 'drop') return result;
    current = result.conversation;
  }
  return { action: 'keep', conversation: current };
}

/**
 * `stage.apply`, session by session when the stage is `perSession` and the conversation a whole
 * chat of several sessions. The kept sessions go on as one conversation (their turns in order, as
 * the stage left them); each dropped one is added to `droppedSessions` with its reason and its
 * turns. Only when no session is kept is the chat dropped: with the first session's reason, and a
 * detail that names every session's.
 */
export async function applyStage(stage: ConversationStage, conversation: Conversation, signal?: AbortSignal): Promise<StageResult> {
  if (!stage.perSession || !conversation.wholeChat) return stage.apply(conversation, signal);
  const sessions = chatSessions(conversation.turns);
  // Sessions dropped by an earlier stage keep their places: numbers are those of the chat as read.
  const earlier = conversation.droppedSessions ?? [];
  // The last session left after earlier drops is still judged as a session, so a drop names it and them.
  if (sessions.length < 2 && !earlier.length) return stage.apply(conversation, signal);
  const numbers = sessionNumbers(sessions.length, earlier);
  const dropped: DroppedSession[] = [];
  const turns: Turn[] = [];
  let kept: Conversation | undefined;
  for (const [i, session] of sessions.entries()) {
    signal?.throwIfAborted();
    const result = await stage.apply({ ...conversation, turns: session }, signal);
    if (result.action === 'drop') {
      dropped.push({
        session: numbers[i],
        reason: result.reason,
        detail: `session ${numbers[i]}: ${result.detail ?? result.reason}`,
        turns: session,
      });
      continue;
    }
    // The per-session stages change only turns (the language is the chat's, set before), so the
    // other fields of any kept session are the chat's.
    kept = result.conversation;
    turns.push(...result.conversation.turns);
  }
  if (!kept) {
    const all = [...earlier, ...dropped].sort((a, b) => a.session - b.session);
    return {
      action: 'drop',
      reason: all[0].reason,
      detail: `every session of the chat was dropped: ${all.map((d) => d.detail ?? `session ${d.session}: ${d.reason}`).join('; ')}`,
    };
  }
  if (!dropped.length) return { action: 'keep', conversation: { ...kept, turns } };
  const droppedSessions = [...earlier, ...dropped].sort((a, b) => a.session - b.session);
  return { action: 'keep', conversation: { ...kept, turns, droppedSessions } };
}

/** The numbers (as read) of the sessions still in a chat, given those dropped before. */
export function sessionNumbers(remaining: number, dropped: readonly DroppedSession[]): number[] {
  const gone = new Set(dropped.map((d) => d.session));
  const numbers: number[] = [];
  for (let n = 1; numbers.length < remaining; n++) if (!gone.has(n)) numbers.push(n);
  return numbers;
}
