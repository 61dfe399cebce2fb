import { show } from '../records';
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
  | { messages: JsonObject[]; extra: JsonObject; setAside?: Record<string, number>; model?: string }
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
  const messages: JsonObject[] = [];
  let reasoning = 0;
  for (const at of ['input', 'output'] as const) {
    const list = record[at] as unknown[];
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      // Responses API output items: a reasoning summary is no message; a tool call is not read yet.
      if (isObject(item) && item.type === 'reasoning') {
        reasoning++;
        continue;
      }
      if (!isObject(item) || typeof item.role !== 'string')
        return {
          reason: `invalid-field:${at}`,
          detail: `${at}[${i}] must be a message with a "role", got ${show(item)}${isObject(item) && typeof item.type === 'string' ? ` (a "${item.type}" item is not read)` : ''}`,
        };
      const message: JsonObject = { role: item.role, content: textParts(item.content) };
      for (const key of ['tool_calls', 'tool_call_id', 'name', 'weight'])
        if (item[key] !== undefined && item[key] !== null) message[key] = item[key];
      messages.push(message);
    }
  }
  if (!messages.some((m) => m.role === 'assistant'))
    return { reason: 'one-sided-conversation', detail: '"output" holds no assistant message, so there is no reply to learn' };
  return { messages, extra: {}, ...(reasoning ? { setAside: setAsideOne('reasoning') } : {}) };
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

/** Gemini's roles: the model speaks as `model`. */
const GEMINI_ROLES: Record<string, string> = { user: 'user', model: 'assistant', assistant: 'assistant', system: 'system' };

function gemini(record: JsonObject): LlmDatasetRecord {
  const messages: JsonObject[] = [];
  const system = record.systemInstruction ?? record.system_instruction;
  if (system !== undefined && system !== null) {
    const text = geminiText(system, 'systemInstruction');
    if (typeof text !== 'string') return text;
    if (text.trim()) messages.push({ role: 'system', content: text });
  }
  const contents = record.contents as unknown[];
  for (let i = 0; i < contents.length; i++) {
    const content: unknown = contents[i];
    const at = `contents[${i}]`;
    if (!isObject(content))
      return { reason: 'invalid-field:contents', detail: `${at} must be an object with "role" and "parts", got ${show(content)}` };
    const role = typeof content.role === 'string' ? GEMINI_ROLES[content.role.toLowerCase()] : undefined;
    if (!role)
      return {
        reason: 'unknown-speaker',
        detail: `${at} has role ${show(content.role)}; Gemini tuning lines use "user" and "model"`,
      };
    const text = geminiText(content, at);
    if (typeof text !== 'string') return text;
    messages.push({ role, content: text });
  }
  return { messages, extra: {} };
}

/** The text of a Gemini content: its text parts in order (the API reads them as one text). */
function geminiText(content: unknown, at: string): string | { reason: string; detail: string } {
  const parts = isObject(content) ? content.parts : undefined;
  if (!Array.isArray(parts) || parts.length === 0)
    return { reason: 'invalid-field:contents', detail: `${at} must have a non-empty "parts" list, got ${show(parts)}` };
  let text = '';
  for (let j = 0; j < parts.length; j++) {
    const part: unknown = parts[j];
    if (isObject(part) && typeof part.text === 'string') {
      text += part.text;
      continue;
    }
    const kind = isObject(part) ? Object.keys(part).find((k) => k !== 'thought') : undefined;
    return {
      reason: 'invalid-field:contents',
      detail: `${at}.parts[${j}] is ${kind ? `a "${kind}" part` : show(part)}; only text parts are read (function calls, files and inline data of Gemini lines are not)`,
    };
  }
  return text;
}
