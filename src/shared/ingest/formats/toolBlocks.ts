import { show } from '../records';
import { functionTool, INVALID_TOOL_TURN, ToolMessages, type ForeignCall } from '../toolTurns';
import { has, isObject, type JsonObject } from './common';

/**
 * Tool calls in Amazon Bedrock's conversation format and Anthropic's messages: content blocks
 * `{"toolUse": {toolUseId, name, input}}` / `{"type": "tool_use", id, name, input}` in assistant
 * messages, their results `{"toolResult": {toolUseId, content}}` / `{"type": "tool_result",
 * tool_use_id, content}` in the *user* message after them, and the definitions in Bedrock's
 * `toolConfig.tools[].toolSpec` or Anthropic's `tools[]` (`input_schema`). Rewritten as
 * OpenAI-style messages, which the conversation-log path reads into tool turns.
 */

/** Asked of every conversation line: cheap when contents are strings, as nearly all are. */
export function hasToolBlocks(record: JsonObject): boolean {
  if (record.toolConfig !== undefined) return true;
  const tools = record.tools;
  if (Array.isArray(tools) && tools.some((t) => isObject(t) && (has(t, 'input_schema') || has(t, 'toolSpec')))) return true;
  const messages = record.messages;
  if (!Array.isArray(messages)) return false;
  for (const message of messages) {
    const content: unknown = isObject(message) ? message.content : undefined;
    if (!Array.isArray(content)) continue;
    for (const block of content) if (isObject(block) && toolBlockKind(block)) return true;
  }
  return false;
}

function toolBlockKind(block: JsonObject): 'call' | 'result' | undefined {
  if (block.type === 'tool_use' || isObject(block.toolUse)) return 'call';
  if (block.type === 'tool_result' || isObject(block.toolResult)) return 'result';
  return undefined;
}

export type ToolBlockRecord = { record: JsonObject; setAside?: Record<string, number> } | { reason: string; detail: string };

/** The record with its tool blocks as `tool_calls` and `tool` messages and its definitions as `tools`. */
export function readToolBlocks(record: JsonObject): ToolBlockRecord {
  const tools = blockTools(record);
  if ('reason' in tools) return tools;
  const messages = record.messages;
  // Not a list: the conversation-log path rejects it, saying so.
  if (!Array.isArray(messages)) return { record };
  const out = new ToolMessages();
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const content = isObject(message) ? message.content : undefined;
    if (!isObject(message) || !Array.isArray(content) || !content.some((b) => isObject(b) && toolBlockKind(b))) {
      out.text(message as JsonObject);
      continue;
    }
    const problem = toolMessage(out, message, content, `messages[${i}]`);
    if (problem) return { reason: INVALID_TOOL_TURN, detail: problem };
  }
  const converted: JsonObject = { ...record, messages: out.messages };
  delete converted.toolConfig;
  if (tools.tools.length) converted.tools = tools.tools;
  else delete converted.tools;
  return { record: converted, ...(tools.other ? { setAside: { 'non-function-tool': tools.other } } : {}) };
}

/**
 * One message holding tool blocks: an assistant's calls (with its text) as one message with
 * `tool_calls`; a user's results as `tool` messages, then the rest of that user message, if any,
 * as a user message after them. Returns why not, or undefined.
 */
function toolMessage(out: ToolMessages, message: JsonObject, content: unknown[], at: string): string | undefined {
  const calls: ForeignCall[] = [];
  const results: { at: string; content: unknown; id: unknown }[] = [];
  const rest: unknown[] = [];
  for (let j = 0; j < content.length; j++) {
    const block: unknown = content[j];
    const where = `${at}.content[${j}]`;
    if (!isObject(block)) {
      rest.push(block);
      continue;
    }
    if (isObject(block.toolUse)) {
      const use = block.toolUse;
      calls.push({ at: `${where} (toolUse)`, name: use.name, arguments: use.input, id: use.toolUseId });
    } else if (block.type === 'tool_use') {
      calls.push({ at: `${where} (tool_use)`, name: block.name, arguments: block.input, id: block.id });
    } else if (isObject(block.toolResult)) {
      const result = block.toolResult;
      results.push({ at: `${where} (toolResult)`, content: result.content, id: result.toolUseId });
    } else if (block.type === 'tool_result') {
      results.push({ at: `${where} (tool_result)`, content: block.content, id: block.tool_use_id });
    } else rest.push(block);
  }
  const role = typeof message.role === 'string' ? message.role.trim().toLowerCase() : message.role;
  if (calls.length && role !== 'assistant')
    return `${calls[0].at} is a tool call in a ${show(message.role)} message; only the assistant's messages call tools`;
  if (results.length && role !== 'user')
    return `${results[0].at} is a tool result in a ${show(message.role)} message; results come in the user message after the call`;
  for (const result of results) {
    const text = resultText(result.content);
    if (typeof text === 'object') return `${result.at} ${text.problem}`;
    const problem = out.result(result.at, text, { id: result.id });
    if (problem) return problem;
  }
  const hasText = rest.some((b) => isObject(b) && typeof b.text === 'string' && b.text.trim());
  if (calls.length) return out.calls(calls, hasText ? rest : null, message.weight);
  if (rest.length) out.text({ ...message, content: rest });
  return undefined;
}

/** A result's content as text: a string, or its text (and, Bedrock's, JSON) blocks joined by line breaks. */
function resultText(content: unknown): string | undefined | { problem: string } {
  if (content === undefined || content === null || typeof content === 'string') return content ?? undefined;
  if (!Array.isArray(content)) return { problem: `has a "content" that is neither text nor a list of blocks: ${show(content)}` };
  const texts: string[] = [];
  for (const block of content) {
    if (isObject(block) && typeof block.text === 'string' && (block.type === undefined || block.type === 'text')) texts.push(block.text);
    else if (isObject(block) && block.json !== undefined) texts.push(JSON.stringify(block.json));
    else
      return {
        problem: `has a block of type ${show(isObject(block) ? (block.type ?? Object.keys(block)[0]) : block)} in its content; only text and JSON results are read (the fine-tuning format's tool messages are text)`,
      };
  }
  return texts.join('\n');
}

/**
 * Bedrock's `toolConfig.tools[].toolSpec {name, description, inputSchema: {json}}` and Anthropic's
 * `tools[] {name, description, input_schema}` as the fine-tuning format's function definitions.
 * Tools the service runs itself (Anthropic's web search, Bedrock's system tools) have no form
 * there: counted, to be set aside. Entries already in OpenAI's shape are kept.
 */
function blockTools(record: JsonObject): { tools: unknown[]; other: number } | { reason: string; detail: string } {
  const read = { tools: [] as unknown[], other: 0 };
  const config = record.toolConfig;
  if (config !== undefined && config !== null) {
    const list = isObject(config) ? config.tools : undefined;
    if (!Array.isArray(list))
      return { reason: 'invalid-field:toolConfig', detail: `"toolConfig" must be {"tools": [{"toolSpec": {…}}]}, got ${show(config)}` };
    for (let i = 0; i < list.length; i++) {
      const tool: unknown = list[i];
      const spec = isObject(tool) ? tool.toolSpec : undefined;
      if (isObject(tool) && has(tool, 'cachePoint') && spec === undefined) continue; // a prompt-cache marker, not a tool
      if (isObject(tool) && spec === undefined) {
        read.other++;
        continue;
      }
      if (!isObject(spec) || typeof spec.name !== 'string' || !spec.name.trim())
        return {
          reason: 'invalid-field:toolConfig',
          detail: `toolConfig.tools[${i}] is no tool specification with a "name": ${show(tool)}`,
        };
      const schema = spec.inputSchema;
      read.tools.push(functionTool(spec.name, spec.description, isObject(schema) ? schema.json : undefined));
    }
  }
  const tools = record.tools;
  if (Array.isArray(tools)) {
    for (const tool of tools) {
      if (isObject(tool) && typeof tool.name === 'string' && has(tool, 'input_schema'))
        read.tools.push(functionTool(tool.name, tool.description, tool.input_schema));
      // Anthropic's server tools name a versioned type (web_search_20250305) and have no schema.
      else if (isObject(tool) && typeof tool.type === 'string' && tool.type !== 'function' && tool.type !== 'custom') read.other++;
      else read.tools.push(tool);
    }
  } else if (tools !== undefined && tools !== null)
    return { reason: 'invalid-field:tools', detail: `"tools" must be a list of tool definitions, got ${show(tools)}` };
  return read;
}
