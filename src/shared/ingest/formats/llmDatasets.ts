import { ownValue } from '../../lookup';
import { show } from '../records';
import { functionTool, INVALID_TOOL_TURN, ToolMessages, type ForeignCall } from '../toolTurns';
import { has, isObject, type JsonObject } from './common';

/**
 * Training sets written for other fine-tuning services and trainers, read as the conversations
 * they hold:
 * - `openai-preference`: OpenAI's and Azure OpenAI's preference (DPO) lines, `input.messages` +
 *   `preferred_output` + `non_preferred_output`;
 * - `trl-preference`: Hugging Face TRL preference rows, `chosen` + `rejected` (message lists with
 *   the prompt inside them or in `prompt`, or texts answering a `prompt` text);
 * - `prompt-completion`: TRL's conversational prompt-completion rows, `prompt` and `completion` as
 *   message lists (texts are instruction pairs, read by ./instruction.ts);
 * - `unpaired-preference`: TRL's unpaired preference (KTO) rows, `prompt` + `completion` + a
 *   boolean `label`: a completion labelled false is an example of what not to answer, so it is
 *   quarantined rather than read as an instruction pair (which would train on it);
 * - `gemini`: Vertex AI / Gemini tuning lines, `contents` of `role` + `parts` with
 *   `systemInstruction`;
 * - `chat-log`: logged chat completion calls (`request.messages` + `response.choices`), what LLM
 *   gateways and observability tools export of a deployed assistant: the prompt and the answer
 *   given, with the model that gave it; a reply cut short (`finish_reason` `length`) or
 *   filtered is quarantined, never trained on;
 * - `input-output`: message lists in `input` and `output` (Responses API logs, eval sets), text
 *   parts (`input_text`, `output_text`) read as text.
 * tuneloop's jobs are supervised: a preference row trains its preferred reply, and the other
 * reply is set aside (counted in the report, never trained on).
 */
export type LlmDatasetFamily =
  'openai-preference' | 'trl-preference' | 'unpaired-preference' | 'prompt-completion' | 'gemini' | 'chat-log' | 'input-output';

export const LLM_DATASET_FAMILY_NAMES: Record<LlmDatasetFamily, string> = {
  'openai-preference': 'preference/DPO line ("input", "preferred_output")',
  'trl-preference': 'TRL preference row ("chosen", "rejected")',
  'unpaired-preference': 'TRL unpaired preference (KTO) row ("prompt", "completion", "label")',
  'prompt-completion': 'TRL prompt-completion row with message lists ("prompt", "completion")',
  gemini: 'Vertex AI / Gemini tuning line ("contents" of "role"+"parts")',
  'chat-log': 'logged chat completion ("request.messages", "response.choices")',
  'input-output': 'message lists in "input" and "output"',
};

export function llmDatasetFamily(record: JsonObject): LlmDatasetFamily | undefined {
  if (has(record, 'preferred_output') && has(record, 'input')) return 'openai-preference';
  if (has(record, 'chosen') && has(record, 'rejected')) return 'trl-preference';
  if (isObject(record.request) && Array.isArray(record.request.messages) && has(record, 'response')) return 'chat-log';
  if (Array.isArray(record.input) && Array.isArray(record.output)) return 'input-output';
  if (has(record, 'prompt') && has(record, 'completion') && preferenceLabel(record.label) !== undefined) return 'unpaired-preference';
  if (Array.isArray(record.prompt) && has(record, 'completion')) return 'prompt-completion';
  const contents = record.contents;
  if (Array.isArray(contents) && isObject(contents[0]) && has(contents[0], 'parts')) return 'gemini';
  return undefined;
}

/** What a record of these families holds, in the shapes tuneloop's own lines have. */
export type LlmDatasetRecord =
  /** OpenAI chat messages (plus `tools` / `parallel_tool_calls` where the line had them, and the model that answered). */
  | {
      messages: JsonObject[];
      extra: JsonObject;
      setAside?: Record<string, number>;
      model?: string;
      /** The messages hold tool calls read from the format's own call items: read as a conversation log's tool turns, with their checks. */
      toolTurns?: true;
    }
  /** One question and its answer (a preference row of texts). */
  | { pair: { prompt: string; reply: string }; setAside?: Record<string, number> }
  | { reason: string; detail: string };

export function readLlmDataset(record: JsonObject, family: LlmDatasetFamily): LlmDatasetRecord {
  switch (family) {
    case 'openai-preference':
      return openAiPreference(record);
    case 'trl-preference':
      return trlPreference(record);
    case 'unpaired-preference':
      return unpairedPreference(record);
    case 'prompt-completion':
      return promptCompletion(record);
    case 'gemini':
      return gemini(record);
    case 'chat-log':
      return chatLog(record);
    case 'input-output':
      return inputOutput(record);
  }
}

/** Keys of a logged reply that are part of the example; the rest (`annotations`, `audio`, nulls) is the API's bookkeeping. */
const REPLY_KEYS = ['role', 'content', 'tool_calls', 'function_call'] as const;

function chatLog(record: JsonObject): LlmDatasetRecord {
  const request = record.request as JsonObject;
  const prompt = messageList(request.messages, 'request.messages');
  if ('reason' in prompt) return prompt;
  const response = record.response;
  const choices = isObject(response) ? response.choices : undefined;
  if (!Array.isArray(choices) || choices.length === 0)
    return {
      reason: 'missing-field:response.choices',
      detail: `the logged call has no answer in "response.choices" (a failed or streamed call?), got ${show(response)}`,
    };
  const choice: unknown = choices[0];
  const message = isObject(choice) ? choice.message : undefined;
  if (!isObject(message) || message.role !== 'assistant')
    return {
      reason: 'invalid-field:response.choices',
      detail: `response.choices[0].message must be the assistant's message, got ${show(message)}`,
    };
  const finish = isObject(choice) ? choice.finish_reason : undefined;
  if (finish === 'length')
    return {
      reason: 'truncated-reply',
      detail: 'the answer was cut off at the token limit (finish_reason "length"): an unfinished reply is not one to learn',
    };
  if (finish === 'content_filter')
    return { reason: 'filtered-reply', detail: 'the answer was withheld by the content filter (finish_reason "content_filter")' };
  const reply: JsonObject = {};
  for (const key of REPLY_KEYS) if (message[key] !== undefined && message[key] !== null) reply[key] = message[key];
  if (reply.content === undefined && reply.tool_calls === undefined && reply.function_call === undefined) reply.content = null;
  const extra: JsonObject = {};
  if (Array.isArray(request.tools) && request.tools.length) extra.tools = request.tools;
  const model = [isObject(response) ? response.model : undefined, request.model].find(
    (m): m is string => typeof m === 'string' && !!m.trim(),
  );
  return {
    messages: [...prompt, reply],
    extra,
    ...(choices.length > 1 ? { setAside: setAsideOne('other-choices') } : {}),
    ...(model ? { model } : {}),
  };
}

/** Text-only content parts (`text`, and the Responses API's `input_text` / `output_text`) as one string. */
function textParts(content: unknown): unknown {
  if (!Array.isArray(content) || content.length === 0) return content;
  const texts: string[] = [];
  for (const part of content) {
    if (!isObject(part) || typeof part.text !== 'string' || !['text', 'input_text', 'output_text'].includes(String(part.type)))
      return content;
    texts.push(part.text);
  }
  return texts.join('\n');
}

function inputOutput(record: JsonObject): LlmDatasetRecord {
  const out = new ToolMessages();
  const tools = responsesTools(record.tools);
  if ('reason' in tools) return tools;
  let reasoning = 0;
  // Consecutive function_call items are the parallel calls of one assistant turn.
  let calls: ForeignCall[] = [];
  const flush = (): string | undefined => {
    if (!calls.length) return undefined;
    const problem = out.calls(calls, null);
    calls = [];
    return problem;
  };
  for (const at of ['input', 'output'] as const) {
    const list = record[at] as unknown[];
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      const where = `${at}[${i}]`;
      // Responses API output items: a reasoning summary is no message.
      if (isObject(item) && item.type === 'reasoning') {
        reasoning++;
        continue;
      }
      if (isObject(item) && item.type === 'function_call') {
        calls.push({ at: `${where} (function_call)`, name: item.name, arguments: item.arguments, id: item.call_id });
        continue;
      }
      const unanswered = flush();
      if (unanswered) return { reason: INVALID_TOOL_TURN, detail: unanswered };
      if (isObject(item) && item.type === 'function_call_output') {
        const output = typeof item.output === 'string' ? item.output : textParts(item.output);
        if (item.output !== undefined && item.output !== null && typeof output !== 'string')
          return {
            reason: INVALID_TOOL_TURN,
            detail: `${where} (function_call_output) has an "output" that is not text: ${show(item.output)}`,
          };
        const problem = out.result(`${where} (function_call_output)`, output, { id: item.call_id });
        if (problem) return { reason: INVALID_TOOL_TURN, detail: problem };
        continue;
      }
      if (!isObject(item) || typeof item.role !== 'string')
        return {
          reason: `invalid-field:${at}`,
          detail: `${where} must be a message with a "role", got ${show(item)}${isObject(item) && typeof item.type === 'string' ? ` (a "${item.type}" item is not read)` : ''}`,
        };
      const message: JsonObject = { role: item.role, content: textParts(item.content) };
      for (const key of ['tool_calls', 'tool_call_id', 'name', 'weight'])
        if (item[key] !== undefined && item[key] !== null) message[key] = item[key];
      out.text(message);
    }
  }
  const unanswered = flush();
  if (unanswered) return { reason: INVALID_TOOL_TURN, detail: unanswered };
  const messages = out.messages;
  if (!messages.some((m) => m.role === 'assistant'))
    return { reason: 'one-sided-conversation', detail: '"output" holds no assistant message, so there is no reply to learn' };
  const setAside: Record<string, number> = {};
  if (reasoning) setAside.reasoning = 1;
  if (tools.other) setAside['non-function-tool'] = tools.other;
  return {
    messages,
    extra: tools.tools.length ? { tools: tools.tools } : {},
    ...(out.hasToolTurns ? { toolTurns: true } : {}),
    ...(Object.keys(setAside).length ? { setAside } : {}),
  };
}

/**
 * The Responses API's `tools`: function definitions written flat (`{type: "function", name,
 * description, parameters}`) → the fine-tuning format's `{type, function: {…}}`. Tools the
 * service runs itself (web and file search, MCP, …) have no form there: counted, to be set aside.
 */
function responsesTools(value: unknown): { tools: JsonObject[]; other: number } | { reason: string; detail: string } {
  const read = { tools: [] as JsonObject[], other: 0 };
  if (value === undefined || value === null) return read;
  const wrong = (what: string) => ({
    reason: 'invalid-field:tools',
    detail: `${what}; Responses API logs write "tools": [{"type": "function", "name", "description", "parameters"}]`,
  });
  if (!Array.isArray(value)) return wrong(`"tools" must be a list, got ${show(value)}`);
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    if (!isObject(tool)) return wrong(`tools[${i}] is ${show(tool)}`);
    if (tool.type !== undefined && tool.type !== 'function') read.other++;
    else if (isObject(tool.function)) read.tools.push(tool);
    else if (typeof tool.name === 'string' && tool.name.trim()) read.tools.push(functionTool(tool.name, tool.description, tool.parameters));
    else return wrong(`tools[${i}] is a function without a "name"`);
  }
  return read;
}

const setAsideOne = (reason: string): Record<string, number> => ({ [reason]: 1 });

function openAiPreference(record: JsonObject): LlmDatasetRecord {
  const input = record.input;
  if (!isObject(input)) return { reason: 'invalid-field:input', detail: `"input" must be an object with "messages", got ${show(input)}` };
  const prompt = messageList(input.messages, 'input.messages');
  if ('reason' in prompt) return prompt;
  const preferred = messageList(record.preferred_output, 'preferred_output');
  if ('reason' in preferred) return preferred;
  const notReply = preferred.findIndex((m) => m.role !== 'assistant' && m.role !== 'tool');
  if (notReply !== -1)
    return {
      reason: 'invalid-field:preferred_output',
      detail: `preferred_output[${notReply}] has role ${show(preferred[notReply].role)}; the outputs of a preference line are assistant (or tool) messages`,
    };
  const extra: JsonObject = {};
  // Preference lines carry `"tools": []` when there are none; a supervised line leaves the key out.
  const noTools = Array.isArray(input.tools) && input.tools.length === 0;
  if (!noTools) for (const key of ['tools', 'parallel_tool_calls']) if (input[key] !== undefined) extra[key] = input[key];
  return {
    messages: [...prompt, ...preferred],
    extra,
    ...(has(record, 'non_preferred_output') ? { setAside: setAsideOne('non-preferred-output') } : {}),
  };
}

function trlPreference(record: JsonObject): LlmDatasetRecord {
  const chosen = record.chosen;
  const setAside = setAsideOne('rejected-reply');
  if (typeof chosen === 'string') {
    const prompt = record.prompt;
    if (typeof prompt !== 'string' || !prompt.trim())
      return {
        reason: prompt === undefined || prompt === null ? 'missing-field:prompt' : 'invalid-field:prompt',
        detail: `"chosen" is a text, so "prompt" must be the text it answers, got ${show(prompt)}`,
      };
    return { pair: { prompt, reply: chosen }, setAside };
  }
  const reply = messageList(chosen, 'chosen');
  if ('reason' in reply) return reply;
  // Without a prompt, the conversation is in `chosen` (TRL's implicit prompt).
  const prompt = record.prompt === undefined || record.prompt === null ? [] : promptMessages(record.prompt);
  if ('reason' in prompt) return prompt;
  return { messages: [...prompt, ...reply], extra: {}, setAside };
}

/** A KTO label: a boolean, or the text true/false (CSV and pandas write `True`/`False`); anything else (a class name) is none. */
export function preferenceLabel(label: unknown): boolean | undefined {
  if (typeof label === 'boolean') return label;
  if (typeof label !== 'string') return undefined;
  const word = label.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : undefined;
}

function unpairedPreference(record: JsonObject): LlmDatasetRecord {
  if (preferenceLabel(record.label) === false)
    return {
      reason: 'undesirable-completion',
      detail: '"label" is false: the row marks its completion as a reply not to give, so it is not training data',
    };
  const { prompt, completion } = record;
  if (typeof prompt === 'string' && typeof completion === 'string') {
    if (!prompt.trim()) return { reason: 'missing-field:prompt', detail: '"prompt" is empty' };
    return { pair: { prompt, reply: completion } };
  }
  return promptCompletion(record);
}

function promptCompletion(record: JsonObject): LlmDatasetRecord {
  const prompt = promptMessages(record.prompt);
  if ('reason' in prompt) return prompt;
  const completion =
    typeof record.completion === 'string'
      ? [{ role: 'assistant', content: record.completion }]
      : messageList(record.completion, 'completion');
  if ('reason' in completion) return completion;
  return { messages: [...prompt, ...completion], extra: {} };
}

function promptMessages(prompt: unknown): JsonObject[] | { reason: string; detail: string } {
  if (typeof prompt === 'string') return [{ role: 'user', content: prompt }];
  return messageList(prompt, 'prompt');
}

/** A non-empty list of `{role, content}` objects (a message's own checks come when it is read). */
function messageList(value: unknown, at: string): JsonObject[] | { reason: string; detail: string } {
  if (value === undefined || value === null) return { reason: `missing-field:${at}`, detail: `the record has no "${at}"` };
  if (!Array.isArray(value) || value.length === 0)
    return { reason: `invalid-field:${at}`, detail: `"${at}" must be a non-empty list of {role, content} messages, got ${show(value)}` };
  for (let i = 0; i < value.length; i++) {
    const message: unknown = value[i];
    if (!isObject(message) || typeof message.role !== 'string')
      return { reason: `invalid-field:${at}`, detail: `${at}[${i}] must be a message object with a "role", got ${show(message)}` };
  }
  return value as JsonObject[];
}

/** Gemini's roles: the model speaks as `model`; results of function calls come in `user` (or `function`/`tool`) contents. */
const GEMINI_ROLES: Record<string, string> = {
  user: 'user',
  model: 'assistant',
  assistant: 'assistant',
  system: 'system',
  function: 'function',
  tool: 'function',
};

function gemini(record: JsonObject): LlmDatasetRecord {
  const out = new ToolMessages();
  const system = record.systemInstruction ?? record.system_instruction;
  if (system !== undefined && system !== null) {
    const text = geminiText(system, 'systemInstruction');
    if (typeof text !== 'string') return text;
    if (text.trim()) out.text({ role: 'system', content: text });
  }
  const tools = geminiTools(record.tools);
  if ('reason' in tools) return tools;
  const contents = record.contents as unknown[];
  for (let i = 0; i < contents.length; i++) {
    const content: unknown = contents[i];
    const at = `contents[${i}]`;
    if (!isObject(content))
      return { reason: 'invalid-field:contents', detail: `${at} must be an object with "role" and "parts", got ${show(content)}` };
    const role = typeof content.role === 'string' ? ownValue(GEMINI_ROLES, content.role.toLowerCase()) : undefined;
    if (!role)
      return {
        reason: 'unknown-speaker',
        detail: `${at} has role ${show(content.role)}; Gemini tuning lines use "user" and "model"`,
      };
    const parts = geminiParts(content, at);
    if ('reason' in parts) return parts;
    const problem = geminiContent(out, role, content.role as string, at, parts);
    if (problem) return { reason: INVALID_TOOL_TURN, detail: problem };
  }
  return {
    messages: out.messages,
    extra: tools.tools.length ? { tools: tools.tools } : {},
    ...(out.hasToolTurns ? { toolTurns: true } : {}),
    ...(tools.other ? { setAside: { 'non-function-tool': tools.other } } : {}),
  };
}

interface GeminiParts {
  text: string;
  calls: ForeignCall[];
  results: { at: string; response: unknown; id: unknown; name: unknown }[];
}

/** A content's parts: its text parts as one text (the API reads them so), its function calls and function responses. */
function geminiParts(content: JsonObject, at: string): GeminiParts | { reason: string; detail: string } {
  const parts = content.parts;
  if (!Array.isArray(parts) || parts.length === 0)
    return { reason: 'invalid-field:contents', detail: `${at} must have a non-empty "parts" list, got ${show(parts)}` };
  const read: GeminiParts = { text: '', calls: [], results: [] };
  for (let j = 0; j < parts.length; j++) {
    const part: unknown = parts[j];
    const where = `${at}.parts[${j}]`;
    if (isObject(part) && typeof part.text === 'string') read.text += part.text;
    else if (isObject(part) && isObject(part.functionCall)) {
      const call = part.functionCall;
      read.calls.push({ at: where, name: call.name, arguments: call.args, id: call.id });
    } else if (isObject(part) && isObject(part.functionResponse)) {
      const result = part.functionResponse;
      read.results.push({ at: where, response: result.response, id: result.id, name: result.name });
    } else {
      const kind = isObject(part) ? Object.keys(part).find((k) => k !== 'thought' && k !== 'thoughtSignature') : undefined;
      return {
        reason: 'invalid-field:contents',
        detail: `${where} is ${kind ? `a "${kind}" part` : show(part)}; only text, functionCall and functionResponse parts are read (files and inline data of Gemini lines are not)`,
      };
    }
  }
  return read;
}

/**
 * One content as messages: a model's text and function calls as one assistant message with
 * `tool_calls`; function responses as `tool` messages, then the user's text, if any, as a user
 * message after them. Returns why not, or undefined.
 */
function geminiContent(out: ToolMessages, role: string, written: string, at: string, parts: GeminiParts): string | undefined {
  if (parts.calls.length && role !== 'assistant')
    return `${parts.calls[0].at} is a functionCall in a ${show(written)} content; only the model's contents call functions`;
  if (parts.results.length && role !== 'user' && role !== 'function')
    return `${parts.results[0].at} is a functionResponse in a ${show(written)} content; results come in the "user" content after the call`;
  for (const result of parts.results) {
    const response = result.response;
    const text =
      typeof response === 'string' ? response : response === undefined || response === null ? undefined : JSON.stringify(response);
    const problem = out.result(result.at, text, { id: result.id, name: result.name });
    if (problem) return problem;
  }
  if (role === 'function') {
    if (parts.text.trim()) return `${at} is a ${show(written)} content with text; it holds the functionResponse parts of calls only`;
    return undefined;
  }
  if (parts.calls.length) return out.calls(parts.calls, parts.text.trim() ? parts.text : null);
  if (!parts.results.length || parts.text.trim()) out.text({ role, content: parts.text });
  return undefined;
}

/** The type names of Gemini's schemas (OpenAPI's, upper case) in JSON Schema's spelling, which the fine-tuning format's `parameters` use. */
const GEMINI_TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema))
    out[key] = key === 'type' && typeof value === 'string' && GEMINI_TYPES.has(value) ? value.toLowerCase() : jsonSchema(value);
  return out;
}

/**
 * Gemini's `tools`: `[{"functionDeclarations": [{name, description, parameters}]}]` → the
 * fine-tuning format's function definitions. Tools the service runs itself (Google Search, code
 * execution) have no form there: counted, to be set aside.
 */
function geminiTools(value: unknown): { tools: JsonObject[]; other: number } | { reason: string; detail: string } {
  const read = { tools: [] as JsonObject[], other: 0 };
  if (value === undefined || value === null) return read;
  const wrong = (what: string) => ({
    reason: 'invalid-field:tools',
    detail: `${what}; Gemini lines write "tools": [{"functionDeclarations": [{"name", "description", "parameters"}]}]`,
  });
  if (!Array.isArray(value)) return wrong(`"tools" must be a list, got ${show(value)}`);
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    if (!isObject(tool)) return wrong(`tools[${i}] is ${show(tool)}`);
    for (const [key, declarations] of Object.entries(tool)) {
      if (key !== 'functionDeclarations' && key !== 'function_declarations') {
        read.other++;
        continue;
      }
      if (!Array.isArray(declarations)) return wrong(`tools[${i}].${key} must be a list, got ${show(declarations)}`);
      for (let j = 0; j < declarations.length; j++) {
        const declaration: unknown = declarations[j];
        if (!isObject(declaration) || typeof declaration.name !== 'string' || !declaration.name.trim())
          return wrong(`tools[${i}].${key}[${j}] is no function declaration with a "name": ${show(declaration)}`);
        const parameters = declaration.parameters ?? declaration.parametersJsonSchema ?? declaration.parameters_json_schema;
        read.tools.push(functionTool(declaration.name, declaration.description, jsonSchema(parameters)));
      }
    }
  }
  return read;
}

/** The text of the system instruction: its text parts in order (it calls no functions). */
function geminiText(content: unknown, at: string): string | { reason: string; detail: string } {
  const parts = geminiParts(isObject(content) ? content : {}, at);
  if ('reason' in parts) return parts;
  const tool = parts.calls[0]?.at ?? parts.results[0]?.at;
  if (tool) return { reason: 'invalid-field:contents', detail: `${tool} is a function call or response in the system instruction` };
  return parts.text;
}
