import { required } from '../../lookup';
import { reject, show } from '../records';
import type { RawTurn } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, firstOf, idOf, textOf } from './common';

/**
 * Single-turn pairs under other names than question/answer: Alpaca (`instruction` + optional
 * `input` → user, `output` → assistant), instruction/response rows (Bitext's customer-support
 * layout, with `intent` and `category`), prompt/completion, query/response, questions/answers.
 */
export const PROMPT_KEYS = ['instruction', 'prompt', 'query', 'questions', 'question', 'request'] as const;
export const REPLY_KEYS = ['output', 'response', 'completion', 'answers', 'answer', 'reply'] as const;

export function isInstructionPair(record: Record<string, unknown>): boolean {
  return PROMPT_KEYS.some((k) => k in record) && REPLY_KEYS.some((k) => k in record);
}

export function parseInstructionPair(source: SourceRef, record: Record<string, unknown>): IngestItem {
  // Called after isInstructionPair, which found both keys.
  const promptKey = required(
    PROMPT_KEYS.find((k) => k in record),
    'the prompt key',
  );
  const replyKey = required(
    REPLY_KEYS.find((k) => k in record),
    'the reply key',
  );
  const prompt = pairText(source, record, promptKey, 'required');
  if (typeof prompt !== 'string') return prompt;
  const reply = pairText(source, record, replyKey, 'required');
  if (typeof reply !== 'string') return reply;
  const input = pairText(source, record, 'input', 'optional');
  if (typeof input !== 'string') return input;
  const id = idOf(firstOf(record, ['conversation_id', 'id']));
  if (id === null) return reject(source, 'invalid-field:id', '"id" must be a string or number');
  const raw: RawTurn[] = [
    { role: 'user', text: input.trim() ? `${prompt}\n\n${input}` : prompt },
    { role: 'assistant', text: reply },
  ];
  // Bitext rows carry both: the category (ORDER, REFUND...) is the coarser, steadier issue type.
  const issueType = textOf(firstOf(record, ['issue_type', 'category', 'intent']));
  return finish({ source, kind: 'faq', id, idPrefix: 'faq', raw, issueType });
}

/**
 * The text of a prompt, reply or input field ('' for an absent optional one), or the rejection
 * saying why not. A number or list is the wrong type, not text: stringifying it would train on
 * "42" (conversation JSONL and ShareGPT reject non-string text the same way).
 */
function pairText(source: SourceRef, record: Record<string, unknown>, key: string, need: 'required' | 'optional'): string | IngestItem {
  const value = record[key];
  if (value === undefined || value === null) {
    return need === 'optional' ? '' : reject(source, `missing-field:${key}`, `"${key}" is missing or null`);
  }
  if (typeof value !== 'string') return reject(source, `invalid-field:${key}`, `"${key}" must be a string, got ${show(value)}`);
  if (need === 'required' && !value.trim()) return reject(source, `missing-field:${key}`, `"${key}" is empty`);
  return value;
}
