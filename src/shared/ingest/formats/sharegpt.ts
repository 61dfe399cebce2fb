import { answeringModel, namedModel } from '../answeringModel';
import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { addToolResult, INVALID_TOOL_TURN, ToolCallReader, toolDefinitions } from '../toolTurns';
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

/**
 * Tool turns (LLaMA-Factory's `function_call` / `observation`, and the names other converters
 * use): a call is the agent's, as JSON text `{"name", "arguments"}` (or a list of them); a result
 * belongs to the call before it.
 */
const CALL_FROM = new Set(['function_call', 'tool_call', 'tool_calls']);
const RESULT_FROM = new Set(['observation', 'tool', 'function', 'tool_response', 'function_response']);

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
  const tools = toolDefinitions(record.tools);
  if (typeof tools === 'string') return reject(source, 'invalid-field:tools', `"tools" ${tools}`);
  const raw: RawTurn[] = [];
  const replyModels: (string | undefined)[] = [];
  const calls = new ToolCallReader();
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    const n = i + 1;
    if (!isObject(turn))
      return reject(source, 'invalid-field:conversations', `turn ${n} must be an object with "from" and "value", got ${show(turn)}`);
    const from = firstOf(turn, SPEAKER_KEYS);
    if (typeof from !== 'string' || !from.trim()) return reject(source, 'missing-field:from', `turn ${n} has no "from" (or "role")`);
    const tag = from.trim().toLowerCase();
    const toolTurn = readToolTurn(turn, tag, calls, raw);
    if (typeof toolTurn === 'object') return reject(source, INVALID_TOOL_TURN, `turn ${n} (${show(from)}) ${toolTurn.problem}`);
    if (toolTurn === 'call') {
      const weight = turnWeight(turn.weight, 'assistant');
      if (typeof weight === 'string') return reject(source, 'invalid-field:weight', `turn ${n} ${weight}`);
      if (weight !== undefined) raw[raw.length - 1].weight = weight;
      replyModels.push(namedModel(turn));
      continue;
    }
    if (toolTurn === 'result') continue;
    const role = ownValue(FROM, tag) ?? roles.roleOf(from);
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
  return finish({
    source,
    id,
    idPrefix: 'sharegpt',
    raw,
    model,
    issueType: textOf(firstOf(record, ['issue_type', 'category', 'intent'])),
    ...(tools ? { tools } : {}),
  });
}

/**
 * A tool turn read into `raw`: `call` (a new assistant turn with its calls), `result` (filed under
 * the call before it), undefined for any other turn, or why the turn cannot be read.
 */
function readToolTurn(
  turn: JsonObject,
  tag: string,
  calls: ToolCallReader,
  raw: RawTurn[],
): 'call' | 'result' | { problem: string } | undefined {
  // Turns written with OpenAI's keys: an assistant turn with `tool_calls`, a `tool` turn with `tool_call_id`.
  const openAiCalls = tag === 'assistant' || tag === 'gpt' ? calls.fromMessage(turn) : undefined;
  if (CALL_FROM.has(tag) || openAiCalls !== undefined) {
    let found = openAiCalls;
    let text = '';
    if (found === undefined) {
      const value = firstOf(turn, TEXT_KEYS);
      if (typeof value !== 'string') return { problem: 'has no call: its "value" must be JSON text {"name": "…", "arguments": {…}}' };
      found = calls.fromText(value);
    } else {
      const content = firstOf(turn, TEXT_KEYS);
      if (typeof content === 'string') text = content;
    }
    if (typeof found === 'string') return { problem: found };
    raw.push({ role: 'assistant', text, toolCalls: found });
    return 'call';
  }
  if (!RESULT_FROM.has(tag)) return undefined;
  const value = firstOf(turn, TEXT_KEYS);
  if (typeof value !== 'string' || !value.trim()) return { problem: 'is a tool result without text' };
  const id = typeof turn.tool_call_id === 'string' ? turn.tool_call_id : undefined;
  // One observation for parallel calls: a JSON list with one result per call, in their order.
  const open = raw.at(-1)?.toolCalls?.filter((c) => !raw.at(-1)?.toolResults?.some((r) => r.toolCallId === c.id)) ?? [];
  if (id === undefined && open.length > 1) {
    const parts = parseList(value);
    if (parts?.length === open.length) {
      for (const part of parts) {
        const problem = addToolResult(raw, typeof part === 'string' ? part : JSON.stringify(part));
        if (problem) return { problem };
      }
      return 'result';
    }
  }
  const problem = addToolResult(raw, value, id);
  return problem ? { problem } : 'result';
}

function parseList(text: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
