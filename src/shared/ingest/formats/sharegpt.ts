import { answeringModel, namedModel } from '../answeringModel';
import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { turnWeight, type RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, firstOf, has, idOf, isObject, textOf, type JsonObject } from './common';

/**
 * ShareGPT: `{"id", "conversations": [{"from": "human"|"gpt"|"system", "value"}]}`. Converters
 * also write the turns with OpenAI's keys (`role`/`content`), so those are read as well.
 */
const FROM: Record<string, ChatRole> = {
  human: 'user',
  user: 'user',
  customer: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  bing: 'assistant',
  model: 'assistant',
  bot: 'assistant',
  system: 'system',
};

const SPEAKER_KEYS = ['from', 'role'] as const;
const TEXT_KEYS = ['value', 'content'] as const;

export function isShareGpt(record: JsonObject): boolean {
  const turns = record.conversations;
  if (!Array.isArray(turns) || !isObject(turns[0])) return false;
  const first = turns[0];
  return SPEAKER_KEYS.some((k) => has(first, k)) && TEXT_KEYS.some((k) => has(first, k));
}

export function parseShareGpt(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const turns = record.conversations as unknown[];
  const id = idOf(firstOf(record, ['id', 'conversation_id']));
  if (id === null) return reject(source, 'invalid-field:id', `"id" must be a string or number, got ${show(record.id)}`);
  // The format is known; an empty list is an empty conversation, not an unknown record.
  if (turns.length === 0) return reject(source, 'empty-conversation', '"conversations" is an empty list: the record has no turns');
  const raw: RawTurn[] = [];
  const replyModels: (string | undefined)[] = [];
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    const n = i + 1;
    if (!isObject(turn))
      return reject(source, 'invalid-field:conversations', `turn ${n} must be an object with "from" and "value", got ${show(turn)}`);
    const from = firstOf(turn, SPEAKER_KEYS);
    if (typeof from !== 'string' || !from.trim()) return reject(source, 'missing-field:from', `turn ${n} has no "from" (or "role")`);
    const role = ownValue(FROM, from.trim().toLowerCase()) ?? roles.roleOf(from);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `"from" ${show(from)} (turn ${n}) is not a known role; use human/user, gpt/assistant or system, or map the name with speakerRoles`,
      );
    const text = firstOf(turn, TEXT_KEYS);
    if (text === undefined) return reject(source, 'missing-field:value', `turn ${n} has no "value" (or "content")`);
    // A number is the wrong type, not text to stringify (as for conversation JSONL and Alpaca).
    if (typeof text !== 'string')
      return reject(source, 'invalid-field:value', `turn ${n} has a "value" that is not a string: ${show(text)}`);
    const weight = turnWeight(turn.weight, role);
    if (typeof weight === 'string') return reject(source, 'invalid-field:weight', `turn ${n} ${weight}`);
    raw.push({ role, text, weight });
    if (role === 'assistant') replyModels.push(namedModel(turn));
  }
  // LMSYS-Chat-style exports name the model on the record; some name it per turn.
  const model = answeringModel(namedModel(record), replyModels);
  return finish({ source, id, idPrefix: 'sharegpt', raw, model, issueType: textOf(firstOf(record, ['issue_type', 'category', 'intent'])) });
}
