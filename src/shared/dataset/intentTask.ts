import type { Turn } from '../ingest/types';

/**
 * Intent labelling as a chat task. The dataset adds one such example per conversation that has an
 * issue_type (the assistant answers with the label), evaluation asks the candidate the same way,
 * and the local emulator recognises the task by this system prompt. Changing the wording changes
 * what every fine-tuned model has learned, so treat it as a versioned contract.
 */
export const INTENT_TASK_SYSTEM_PROMPT =
  'You label customer-service conversations. Read the conversation and answer with its issue type only: one label, lower case, nothing else.';

/** Prefix of the user message that carries the transcript. */
export const INTENT_TASK_TRANSCRIPT_HEADER = 'Conversation:';
/** Prefix of the (optional) line that lists the allowed labels. */
export const INTENT_TASK_LABELS_HEADER = 'Labels:';

/** How a transcript line names its speaker (`customer: …`, `agent: …`). */
export function intentTaskSpeaker(role: Turn['role']): string {
  return role === 'user' ? 'customer' : 'agent';
}

export interface IntentTaskMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * The prompt of the intent-labelling task: the system prompt and one user message with the
 * transcript (`customer:` / `agent:` lines; system turns and turns without text, which only call
 * tools, are left out). When `labels` is given
 * (the label set the caller knows), the allowed labels are listed, sorted, after the transcript.
 * The dataset calls it without labels so a training example does not depend on which other
 * conversations arrived in the same file.
 */
export function intentTaskMessages(turns: readonly Turn[], labels?: readonly string[]): IntentTaskMessage[] {
  const transcript = turns
    .filter(isTranscriptTurn)
    .map((t) => `${intentTaskSpeaker(t.role)}: ${t.content}`)
    .join('\n');
  let user = `${INTENT_TASK_TRANSCRIPT_HEADER}\n${transcript}`;
  const allowed = [...new Set((labels ?? []).map(normaliseIntentLabel).filter(Boolean))].sort();
  if (allowed.length) user += `\n\n${INTENT_TASK_LABELS_HEADER} ${allowed.join(', ')}`;
  return [
    { role: 'system', content: INTENT_TASK_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** A turn the transcript shows: not a system turn, and with text (a turn that only calls tools has none). */
export function isTranscriptTurn(turn: Turn): boolean {
  return turn.role !== 'system' && turn.content !== '';
}

/** The full training example: the prompt of `intentTaskMessages` plus the label as the assistant's answer. */
export function intentTaskExample(turns: readonly Turn[], issueType: string, labels?: readonly string[]): IntentTaskMessage[] {
  return [...intentTaskMessages(turns, labels), { role: 'assistant', content: normaliseIntentLabel(issueType) }];
}

/** Labels are compared trimmed and lower-cased, with inner whitespace collapsed (answers and truths alike). */
export function normaliseIntentLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** True when a chat request is the intent-labelling task (for the emulator and evaluation). */
export function isIntentTaskPrompt(messages: readonly { role: string; content?: unknown }[]): boolean {
  return messages.some((m) => m.role === 'system' && m.content === INTENT_TASK_SYSTEM_PROMPT);
}
