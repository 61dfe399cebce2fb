import { required } from '../../lookup';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { parseTimestamp, type RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, firstOf, has, idOf, isObject, textOf, type JsonObject } from './common';

/**
 * Dialogue datasets: Schema-Guided Dialogue and MultiWOZ 2.2 (`turns` of `speaker` USER/SYSTEM +
 * `utterance`), Taskmaster (`utterances` of `speaker` USER/ASSISTANT + `text`). In these,
 * SYSTEM is the agent that answers, not a system prompt.
 */
const TURN_KEYS = ['turns', 'utterances'] as const;
const TEXT_KEYS = ['utterance', 'text'] as const;

export function isDialogueTurns(record: JsonObject): boolean {
  for (const key of TURN_KEYS) {
    const turns = record[key];
    if (Array.isArray(turns) && isObject(turns[0]) && has(turns[0], 'speaker') && TEXT_KEYS.some((k) => has(turns[0] as JsonObject, k)))
      return true;
  }
  return false;
}

export function parseDialogueTurns(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  // Called after isDialogueTurns, which found one of these keys holding an array.
  const key = required(
    TURN_KEYS.find((k) => Array.isArray(record[k])),
    'the turn list key',
  );
  const turns = record[key] as unknown[];
  const id = idOf(firstOf(record, ['dialogue_id', 'conversation_id', 'dialog_id', 'id']));
  if (id === null) return reject(source, 'invalid-field:dialogue_id', `"dialogue_id" must be a string or number`);
  const raw: RawTurn[] = [];
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    const n = i + 1;
    if (!isObject(turn))
      return reject(source, `invalid-field:${key}`, `turn ${n} must be an object with "speaker" and "utterance", got ${show(turn)}`);
    const speaker = turn.speaker;
    if (typeof speaker !== 'string' || !speaker.trim()) return reject(source, 'missing-field:speaker', `turn ${n} has no "speaker"`);
    const role = dialogueRole(speaker, roles);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `speaker ${show(speaker)} (turn ${n}) is not a known role; use USER or SYSTEM/ASSISTANT, or map the name with speakerRoles`,
      );
    const text = textOf(firstOf(turn, TEXT_KEYS));
    if (text === undefined) return reject(source, 'missing-field:utterance', `turn ${n} has no "utterance" (or "text")`);
    raw.push({ role, text, timestamp: parseTimestamp(turn.timestamp) });
  }
  const services = Array.isArray(record.services) ? record.services.filter((s) => typeof s === 'string') : [];
  const issueType =
    textOf(firstOf(record, ['issue_type', 'intent', 'category', 'scenario'])) ?? (services.length === 1 ? services[0] : undefined);
  return finish({ source, id, idPrefix: 'dlg', raw, issueType, channel: textOf(record.channel) });
}

function dialogueRole(speaker: string, roles: RoleMapper): ChatRole | undefined {
  const key = speaker.trim().toLowerCase();
  if (key === 'system' || key === 'sys') return 'assistant';
  return roles.roleOf(speaker);
}
