import type { RawTurn } from './turns';
import type { ToolCall } from './types';

/**
 * Tool calls and their results in conversation logs (OpenAI-style `tool_calls` / `tool`
 * messages, ShareGPT's `function_call` / `observation` turns): read into the assistant turn that
 * made the calls, so the example builder writes them as the fine-tuning format's tool messages.
 * Every problem is a string saying what is wrong; the parsers reject the record with it
 * (`invalid-tool-turn`).
 */
export const INVALID_TOOL_TURN = 'invalid-tool-turn';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the calls of one record, numbering the ids the input does not give (ShareGPT has none). */
export class ToolCallReader {
  private generated = 0;

  /** ShareGPT's `function_call` value: JSON text of `{"name", "arguments"}`, or of a list of them (parallel calls). */
  fromText(value: string): ToolCall[] | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return 'is not JSON: a function call is written {"name": "…", "arguments": {…}}';
    }
    const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    if (list.length === 0) return 'is an empty list of calls';
    return this.all(list.map((item) => [item, undefined]));
  }

  /** An OpenAI-style message's `tool_calls` (`[{id, type, function: {name, arguments}}]`) or legacy `function_call`. */
  fromMessage(message: JsonObject): ToolCall[] | string | undefined {
    const calls = message.tool_calls;
    if (calls !== undefined && calls !== null) {
      if (!Array.isArray(calls) || calls.length === 0) return '"tool_calls" must be a non-empty list of calls';
      return this.all(calls.map((call: unknown) => (isObject(call) ? [call.function, call.id] : [undefined, undefined])));
    }
    const legacy = message.function_call;
    if (legacy !== undefined && legacy !== null) return this.all([[legacy, undefined]]);
    return undefined;
  }

  private all(items: [unknown, unknown][]): ToolCall[] | string {
    const calls: ToolCall[] = [];
    for (const [fn, id] of items) {
      const call = this.call(fn, id);
      if (typeof call === 'string') return call;
      calls.push(call);
    }
    return calls;
  }

  private call(fn: unknown, id: unknown): ToolCall | string {
    if (!isObject(fn) || typeof fn.name !== 'string' || !fn.name.trim()) return 'has a call without a function "name"';
    const name = fn.name.trim();
    const args = fn.arguments ?? fn.parameters;
    let text: string;
    if (args === undefined || args === null || (typeof args === 'string' && !args.trim())) text = '{}';
    else if (typeof args === 'string') {
      try {
        JSON.parse(args);
      } catch {
        return `has arguments for "${name}" that are not JSON`;
      }
      text = args;
    } else if (typeof args === 'object') text = JSON.stringify(args);
    else return `has arguments for "${name}" that are neither a JSON object nor JSON text`;
    const callId = typeof id === 'string' && id.trim() ? id : `call_${++this.generated}`;
    return { id: callId, type: 'function', function: { name, arguments: text } };
  }
}

/**
 * Files a tool's result with the assistant turn just before it: under the call its
 * `tool_call_id` names, or, without one (ShareGPT, legacy `function` messages), under the first
 * call still without a result. Returns why it cannot, or undefined.
 */
export function addToolResult(raw: RawTurn[], content: string, toolCallId?: string): string | undefined {
  const last = raw.at(-1);
  if (!last?.toolCalls) return 'is a tool result that follows no tool call';
  const results = (last.toolResults ??= []);
  const open = last.toolCalls.filter((call) => !results.some((r) => r.toolCallId === call.id));
  if (open.length === 0) return 'is a tool result for a call that already has one';
  const call = toolCallId === undefined ? open[0] : open.find((c) => c.id === toolCallId);
  if (!call)
    return `is a tool result for "${toolCallId ?? ''}", which is none of the calls before it (${open.map((c) => c.id).join(', ')})`;
  results.push({ toolCallId: call.id, content });
  return undefined;
}

/** The calls still without a result when the conversation goes on after them (the service needs each answered). */
export function unansweredToolCall(raw: readonly RawTurn[]): string | undefined {
  for (let i = 0; i < raw.length - 1; i++) {
    const calls = raw[i].toolCalls;
    if (!calls) continue;
    const missing = calls.filter((call) => !raw[i].toolResults?.some((r) => r.toolCallId === call.id));
    if (missing.length)
      return `the call to "${missing[0].function.name}" (${missing[0].id}) has no result, but the conversation goes on after it`;
  }
  return undefined;
}

/**
 * Tool definitions of a record (`tools`, or legacy `functions`), in the fine-tuning format's
 * `tools` shape. LLaMA-Factory writes them as JSON text of `[{name, description, parameters}]`;
 * OpenAI logs as a list of `{type: "function", function: {…}}`. `[]` is none.
 */
export function toolDefinitions(value: unknown): unknown[] | undefined | string {
  if (value === undefined || value === null) return undefined;
  let list: unknown = value;
  if (typeof list === 'string') {
    if (!list.trim()) return undefined;
    try {
      list = JSON.parse(list) as unknown;
    } catch {
      return 'is text that is not JSON (a list of tool definitions)';
    }
  }
  if (!Array.isArray(list)) return 'must be a list of tool definitions';
  const tools: unknown[] = [];
  for (const item of list) {
    if (isObject(item) && item.type === 'function' && isObject(item.function)) tools.push(item);
    else if (isObject(item) && typeof item.name === 'string') tools.push({ type: 'function', function: item });
    else return 'holds an entry that is not a function definition ({"name", "description", "parameters"})';
  }
  return tools.length ? tools : undefined;
}

/** A call as another format writes it: where it is (for problems), its function name, arguments (object or JSON text) and id, if any. */
export interface ForeignCall {
  at: string;
  name: unknown;
  arguments: unknown;
  id?: unknown;
}

/**
 * OpenAI-style messages (`tool_calls`, `tool` messages) built from a format whose calls and
 * results are items of their own: Gemini's functionCall / functionResponse parts, the Responses
 * API's function_call / function_call_output items, Bedrock's toolUse / toolResult and
 * Anthropic's tool_use / tool_result blocks. Each item is checked as it comes, so a problem names
 * the item where the input has it; the messages then take the conversation-log path, which reads
 * them into tool turns with the same checks as an OpenAI-style log's.
 */
export class ToolMessages {
  readonly messages: JsonObject[] = [];
  /** Whether any call or result was written (the record then needs the conversation-log path). */
  hasToolTurns = false;
  private readonly reader = new ToolCallReader();
  private generated = 0;
  /** The calls of the last call message still without a result. */
  private open: ToolCall[] = [];

  /** A message that is no tool turn: calls before it can no longer get results. */
  text(message: JsonObject): void {
    this.messages.push(message);
    this.open = [];
  }

  /**
   * One assistant message making `items` (parallel when several), with `content` (text, or null)
   * and the message's `weight`, if it had one. Returns why not, or undefined.
   */
  calls(items: readonly ForeignCall[], content: unknown, weight?: unknown): string | undefined {
    const calls: ToolCall[] = [];
    for (const item of items) {
      // Formats without call ids (Gemini) get call_1, call_2… in the record, as ShareGPT's calls do.
      const id = typeof item.id === 'string' && item.id.trim() ? item.id : `call_${++this.generated}`;
      const read = this.reader.fromMessage({ tool_calls: [{ id, function: { name: item.name, arguments: item.arguments } }] });
      if (typeof read === 'string') return `${item.at} ${read}`;
      if (read) calls.push(...read);
    }
    this.messages.push({ role: 'assistant', content, tool_calls: calls, ...(weight !== undefined ? { weight } : {}) });
    this.open = calls;
    this.hasToolTurns = true;
    return undefined;
  }

  /**
   * A result as a `tool` message: for the call its id names, else the first open call of its
   * function name (Gemini files results by name), else the first open call. Returns why not, or undefined.
   */
  result(at: string, content: unknown, match: { id?: unknown; name?: unknown }): string | undefined {
    if (typeof content !== 'string' || !content.trim()) return `${at} is a tool result without text`;
    if (!this.messages.at(-1)?.tool_calls && !this.messages.at(-1)?.tool_call_id) return `${at} is a tool result that follows no tool call`;
    const id = typeof match.id === 'string' && match.id.trim() ? match.id : undefined;
    const name = typeof match.name === 'string' && match.name.trim() ? match.name.trim() : undefined;
    const call =
      id !== undefined
        ? this.open.find((c) => c.id === id)
        : name !== undefined
          ? this.open.find((c) => c.function.name === name)
          : this.open[0];
    if (!call) {
      const waiting = this.open.map((c) => `${c.id} "${c.function.name}"`).join(', ') || 'none';
      return `${at} is a tool result for ${id !== undefined ? `"${id}"` : `"${name ?? ''}"`}, which is none of the calls before it still without a result (${waiting})`;
    }
    this.open = this.open.filter((c) => c !== call);
    this.messages.push({ role: 'tool', tool_call_id: call.id, content });
    this.hasToolTurns = true;
    return undefined;
  }
}

/** A function definition in the fine-tuning format's `tools` shape. */
export function functionTool(name: string, description: unknown, parameters: unknown): JsonObject {
  const fn: JsonObject = { name };
  if (typeof description === 'string') fn.description = description;
  if (parameters !== undefined && parameters !== null) fn.parameters = parameters;
  return { type: 'function', function: fn };
}
