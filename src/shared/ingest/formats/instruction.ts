import { required } from '../../lookup';
import { reject, show } from '../records';
import type { RawTurn } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, firstOf, idOf, textOf } from './common';

/**
 * Single-turn pairs under other names than question/answer: Alpaca (`instruction` + optional
 * `input` → user, `output` → assistant; LLaMA-Factory's optional `system` and `history` of earlier
 * pairs), instruction/response rows (Bitext's customer-support
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
  const system = pairText(source, record, 'system', 'optional');
  if (typeof system !== 'string') return system;
  const history = historyTurns(source, record.history);
  if (!Array.isArray(history)) return history;
  const id = idOf(firstOf(record, ['conversation_id', 'id']));
  if (id === null) return reject(source, 'invalid-field:id', '"id" must be a string or number');
  const raw: RawTurn[] = [
    // Like a log's system turn: the configured system prompt stands in for it when examples are built.
    ...(system.trim() ? [{ role: 'system' as const, text: system }] : []),
    ...history,
    { role: 'user', text: input.trim() ? `${prompt}\n\n${input}` : prompt },
    { role: 'assistant', text: reply },
  ];
  // Bitext rows carry both: the category (ORDER, REFUND...) is the coarser, steadier issue type.
  const issueType = textOf(firstOf(record, ['issue_type', 'category', 'intent']));
  // With earlier pairs it is a conversation, no longer one question and one answer.
  const kind = history.length ? 'conversation' : 'faq';
  return finish({ source, kind, id, idPrefix: 'faq', raw, issueType });
}

/**
 * LLaMA-Factory's Alpaca layout puts the earlier exchanges of a conversation in `history`, as
 * [instruction, output] pairs: they are the context of this pair, so they become the turns before
 * it (leaving them out would train the reply without what it answers).
 */
function historyTurns(source: SourceRef, history: unknown): RawTurn[] | IngestItem {
  if (history === undefined || history === null) return [];
  if (!Array.isArray(history))
    return reject(source, 'invalid-field:history', `"history" must be a list of [instruction, output] pairs, got ${show(history)}`);
  const turns: RawTurn[] = [];
  for (let i = 0; i < history.length; i++) {
    const pair: unknown = history[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string')
      return reject(
        source,
        'invalid-field:history',
        `"history" pair ${i + 1} must be two strings [instruction, output], got ${show(pair)}`,
      );
    turns.push({ role: 'user', text: pair[0] }, { role: 'assistant', text: pair[1] });
  }
  return turns;
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
