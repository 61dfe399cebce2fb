import { answeringModel, namedModel } from '../answeringModel';
import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import type { RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, firstOf, has, idOf, isObject, textOf, type JsonObject } from './common';

/** ShareGPT: `{"id", "conversations": [{"from": "human"|"gpt"|"system", "value"}]}`. */
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

export function isShareGpt(record: JsonObject): boolean {
  const turns = record.conversations;
  return Array.isArray(turns) && isObject(turns[0]) && has(turns[0], 'from') && has(turns[0], 'value');
}

export function parseShareGpt(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const turns = record.conversations as unknown[];
  const id = idOf(firstOf(record, ['id', 'conversation_id']));
  if (id === null) return reject(source, 'invalid-field:id', `"id" must be a string or number, got ${show(record.id)}`);
  const raw: RawTurn[] = [];
  const replyModels: (string | undefined)[] = [];
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    const n = i + 1;
    if (!isObject(turn))
      return reject(source, 'invalid-field:conversations', `turn ${n} must be an object with "from" and "value", got ${show(turn)}`);
    if (typeof turn.from !== 'string' || !turn.from.trim()) return reject(source, 'missing-field:from', `turn ${n} has no "from"`);
    const role = ownValue(FROM, turn.from.trim().toLowerCase()) ?? roles.roleOf(turn.from);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `"from" ${show(turn.from)} (turn ${n}) is not a known role; use human/user, gpt/assistant or system, or map the name with speakerRoles`,
      );
    const text = textOf(turn.value);
    if (text === undefined) return reject(source, 'missing-field:value', `turn ${n} has no text "value"`);
    raw.push({ role, text });
    if (role === 'assistant') replyModels.push(namedModel(turn));
  }
  // LMSYS-Chat-style exports name the model on the record; some name it per turn.
  const model = answeringModel(namedModel(record), replyModels);
  return finish({ source, id, idPrefix: 'sharegpt', raw, model, issueType: textOf(firstOf(record, ['issue_type', 'category', 'intent'])) });
}
