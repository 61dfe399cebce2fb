import { MAX_FILE_BYTES, MIN_TRAINING_EXAMPLES, modelInfo } from './modelLimits';
import { tokenCounter, toolDefinitionsOf, type TokenCounter } from './tokens';

/**
 * Azure OpenAI's rules for a supervised chat fine-tuning file (CONTRACT.md §9), checked before
 * upload so a bad line is reported with its line number instead of failing a job hours later.
 */
export interface ValidationIssue {
  /** 1-based line in the file; 0 for a problem of the whole file (size, example count). */
  line: number;
  /** Short stable code, e.g. `bad-role`, `too-many-tokens` (used as quarantine reason). */
  code: string;
  /** What is wrong and where, for people. */
  reason: string;
}

export interface ExampleValidation {
  issues: ValidationIssue[];
  /** Tokens of the example when it had a messages array (counted even when other rules fail). */
  tokens?: number;
}

export interface ValidateExampleOptions {
  model: string;
  line?: number;
  /** Reuse one counter across many examples. */
  counter?: TokenCounter;
  /** Override the model's per-example token limit. */
  maxExampleTokens?: number;
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'function']);
const MESSAGE_KEYS = new Set(['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'tool_call_id']);
const EXAMPLE_KEYS = new Set(['messages', 'tools', 'functions', 'parallel_tool_calls']);

/** Checks one parsed example (`{"messages":[...]}`) against the service's rules. */
export function validateExample(example: unknown, options: ValidateExampleOptions): ExampleValidation {
  const line = options.line ?? 1;
  const issues: ValidationIssue[] = [];
  const add = (code: string, reason: string) => issues.push({ line, code, reason });
  if (!isObject(example)) {
    add('not-an-object', 'the line must be a JSON object like {"messages":[...]}');
    return { issues };
  }
  if ('input' in example && 'preferred_output' in example) {
    add('unsupported-format', 'this is a DPO (preference) example; tuneloop trains supervised chat examples with "messages"');
    return { issues };
  }
  for (const key of Object.keys(example)) {
    if (!EXAMPLE_KEYS.has(key))
      add('unknown-key', `unknown top-level key "${key}" (allowed: messages, tools, functions, parallel_tool_calls)`);
  }
  for (const key of ['tools', 'functions'] as const) {
    if (key in example && !Array.isArray(example[key])) add(`bad-${key}`, `"${key}" must be an array`);
  }
  const messages = example.messages;
  if (!Array.isArray(messages)) {
    add('missing-messages', '"messages" must be an array of chat messages');
    return { issues };
  }
  if (messages.length === 0) {
    add('missing-messages', '"messages" is empty');
    return { issues };
  }
  let assistants = 0;
  messages.forEach((m, i) => {
    const at = `messages[${i}]`;
    if (!isObject(m)) {
      add('bad-message', `${at} must be an object with "role" and "content"`);
      return;
    }
    for (const key of Object.keys(m)) {
      if (!MESSAGE_KEYS.has(key)) add('unknown-key', `${at} has unknown key "${key}"`);
    }
    const role = m.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      add(
        'bad-role',
        `${at}.role must be one of system, user, assistant, tool, function (got ${JSON.stringify(role)})` +
          // The chat API's newer name for the system message; fine-tuning files still say system.
          (role === 'developer'
            ? ': "developer" is the chat API\'s name for a system message; write it as "system" in a training line'
            : ''),
      );
      return;
    }
    if (role === 'assistant') assistants++;
    if ('weight' in m) {
      if (role !== 'assistant') add('bad-weight', `${at}.weight is only allowed on assistant messages`);
      else if (m.weight !== 0 && m.weight !== 1) add('bad-weight', `${at}.weight must be 0 or 1 (got ${JSON.stringify(m.weight)})`);
    }
    if ('name' in m && typeof m.name !== 'string') add('bad-name', `${at}.name must be a string`);
    checkContent(m, role, at, add);
  });
  if (assistants === 0) add('no-assistant-message', 'an example needs at least one assistant message');
  const last: unknown = messages[messages.length - 1];
  if (isObject(last) && last.role !== 'assistant') {
    add('last-not-assistant', `the last message must be from the assistant (it is ${JSON.stringify(last.role)})`);
  }
  const counter = options.counter ?? tokenCounter(options.model);
  // The definitions are prompt text too: the service counts them against the limit and bills them.
  const definitionTokens = counter.tools(toolDefinitionsOf(example));
  const tokens = counter.messages(messages) + definitionTokens;
  const limit = options.maxExampleTokens ?? modelInfo(options.model).maxExampleTokens;
  if (tokens > limit) {
    add(
      'too-many-tokens',
      `the example has ${tokens} tokens` +
        (definitionTokens ? ` (${definitionTokens} of them its tool definitions, estimated)` : '') +
        `; ${options.model} allows at most ${limit} per example`,
    );
  }
  return { issues, tokens };
}

function checkContent(m: Record<string, unknown>, role: string, at: string, add: (code: string, reason: string) => void): void {
  const content = m.content;
  const hasToolCalls = 'tool_calls' in m && m.tool_calls !== null && m.tool_calls !== undefined;
  const hasFunctionCall = 'function_call' in m && m.function_call !== null && m.function_call !== undefined;
  if ((hasToolCalls || hasFunctionCall) && role !== 'assistant') {
    add('bad-tool-calls', `${at}: only assistant messages may carry tool_calls or function_call`);
  }
  if (hasToolCalls) checkToolCalls(m.tool_calls, at, add);
  if (hasFunctionCall) checkFunctionCall(m.function_call, `${at}.function_call`, add);
  if (role === 'tool' && typeof m.tool_call_id !== 'string') add('bad-tool-message', `${at}: a tool message needs "tool_call_id"`);
  if (role !== 'tool' && 'tool_call_id' in m) add('unknown-key', `${at}: "tool_call_id" belongs on tool messages only`);
  if (role === 'function' && typeof m.name !== 'string') add('bad-function-message', `${at}: a function message needs "name"`);

  if (role === 'assistant' && (hasToolCalls || hasFunctionCall) && (content === undefined || content === null)) return;
  if (typeof content === 'string') {
    if (!content.trim()) add('empty-content', `${at}.content is empty`);
    return;
  }
  if (Array.isArray(content) && role === 'user') {
    if (!content.length) add('empty-content', `${at}.content is an empty array`);
    content.forEach((part, j) => checkPart(part, `${at}.content[${j}]`, add));
    return;
  }
  if (content === undefined || content === null) {
    add(
      'missing-content',
      `${at}.content is missing${role === 'assistant' ? ' (an assistant message needs content, tool_calls or function_call)' : ''}`,
    );
    return;
  }
  add(
    'bad-content',
    role === 'user'
      ? `${at}.content must be a string or an array of text/image_url parts`
      : `${at}.content must be a string for role ${role}`,
  );
}

function checkPart(part: unknown, at: string, add: (code: string, reason: string) => void): void {
  if (!isObject(part)) return add('bad-content', `${at} must be an object {type, ...}`);
  if (part.type === 'text') {
    if (typeof part.text !== 'string' || !part.text.trim()) add('bad-content', `${at}: a text part needs a non-empty "text" string`);
  } else if (part.type === 'image_url') {
    const image = part.image_url;
    if (!isObject(image) || typeof image.url !== 'string' || !image.url) add('bad-content', `${at}: an image_url part needs image_url.url`);
  } else {
    add('bad-content', `${at}.type must be "text" or "image_url" (got ${JSON.stringify(part.type)})`);
  }
}

function checkToolCalls(value: unknown, at: string, add: (code: string, reason: string) => void): void {
  if (!Array.isArray(value) || value.length === 0) return add('bad-tool-calls', `${at}.tool_calls must be a non-empty array`);
  value.forEach((call, k) => {
    const where = `${at}.tool_calls[${k}]`;
    if (!isObject(call)) return add('bad-tool-calls', `${where} must be an object {id, type, function}`);
    if (typeof call.id !== 'string' || !call.id) add('bad-tool-calls', `${where}.id must be a non-empty string`);
    if (call.type !== 'function') add('bad-tool-calls', `${where}.type must be "function"`);
    checkFunctionCall(call.function, `${where}.function`, add);
  });
}

function checkFunctionCall(value: unknown, at: string, add: (code: string, reason: string) => void): void {
  if (!isObject(value)) return add('bad-tool-calls', `${at} must be an object {name, arguments}`);
  if (typeof value.name !== 'string' || !value.name) add('bad-tool-calls', `${at}.name must be a non-empty string`);
  if (typeof value.arguments !== 'string') return add('bad-tool-calls', `${at}.arguments must be a JSON string`);
  try {
    JSON.parse(value.arguments);
  } catch {
    add('bad-tool-calls', `${at}.arguments is not valid JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface FileValidation {
  issues: ValidationIssue[];
  examples: number;
  bytes: number;
  /** Tokens per example, in file order (for statistics). */
  tokens: number[];
}

export interface ValidateFileOptions {
  model: string;
  /** Check the minimum example count (a training file); off for validation files that may be small. */
  requireMinExamples?: boolean;
  signal?: AbortSignal;
}

/**
 * Streams a JSONL fine-tuning file (with or without a UTF-8 BOM) and checks every line and the
 * file as a whole: size below 512 MB and at least 10 examples. Memory stays flat: one line at a time.
 */
export async function validateFile(input: AsyncIterable<Buffer | string>, options: ValidateFileOptions): Promise<FileValidation> {
  const counter = tokenCounter(options.model);
  const issues: ValidationIssue[] = [];
  const tokens: number[] = [];
  let bytes = 0;
  let lineNo = 0;
  let examples = 0;
  let pendingBlank: number[] = [];
  for await (const { line, size } of readLines(input, options.signal)) {
    bytes += size;
    lineNo++;
    const text = lineNo === 1 ? line.replace(/^\uFEFF/, '') : line;
    if (!text.trim()) {
      // Blank lines are only an error when something follows them (a trailing newline is fine).
      pendingBlank.push(lineNo);
      continue;
    }
    for (const blank of pendingBlank)
      issues.push({ line: blank, code: 'empty-line', reason: 'empty line (every line must be one JSON example)' });
    pendingBlank = [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      issues.push({ line: lineNo, code: 'invalid-json', reason: `not valid JSON: ${(err as Error).message}` });
      continue;
    }
    examples++;
    const result = validateExample(parsed, { model: options.model, line: lineNo, counter });
    issues.push(...result.issues);
    if (result.tokens !== undefined) tokens.push(result.tokens);
  }
  if (bytes >= MAX_FILE_BYTES) {
    issues.push({ line: 0, code: 'file-too-large', reason: `the file has ${bytes} bytes; the limit is 512 MB (${MAX_FILE_BYTES} bytes)` });
  }
  if ((options.requireMinExamples ?? true) && examples < MIN_TRAINING_EXAMPLES) {
    issues.push({
      line: 0,
      code: 'too-few-examples',
      reason: `the file has ${examples} example${examples === 1 ? '' : 's'}; fine-tuning needs at least ${MIN_TRAINING_EXAMPLES}`,
    });
  }
  return { issues, examples, bytes, tokens };
}

/** Splits a byte stream into UTF-8 lines (LF or CRLF); `size` is the line's bytes including its newline. */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  signal?: AbortSignal,
): AsyncGenerator<{ line: string; size: number }> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    signal?.throwIfAborted();
    const buf: Buffer = rest.length
      ? Buffer.concat([rest, typeof chunk === 'string' ? Buffer.from(chunk) : chunk])
      : typeof chunk === 'string'
        ? Buffer.from(chunk)
        : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield { line: buf.toString('utf8', start, end), size: nl + 1 - start };
      start = nl + 1;
    }
    rest = buf.subarray(start);
  }
  if (rest.length) yield { line: rest.toString('utf8'), size: rest.length };
}
