import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { bpeCounter } from '../tokenizer/counter';
import { modelInfo, type TokenizerEncoding } from './modelLimits';

/**
 * Token counting as OpenAI counts chat examples: the cookbook's `num_tokens_from_messages`
 * ("How to count tokens with tiktoken", also used by "Chat fine-tuning data prep") with
 * 3 tokens of framing per message, 1 more when a message has a `name`, and 3 for the reply
 * priming (<|start|>assistant<|message|>). Counts equal gpt-tokenizer's and js-tiktoken's
 * (test/shared/dataset/tokens.test.ts and test/shared/tokenizer/counter.test.ts compare them;
 * bench/tokens.ts measures all three).
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/**
 * Image parts are not text; the service counts them by size and detail. We charge the low-detail
 * cost of an image (85 tokens, OpenAI's vision pricing) so the count is a lower bound, not zero.
 */
export const IMAGE_PART_TOKENS = 85;

/**
 * Counts come from tuneloop's own counter (`src/shared/tokenizer`): exact, at least as fast as
 * gpt-tokenizer (bench/tokens.ts), and its tables (about 4 MB, built on first use from the encoding's `.tiktoken`
 * file) are shared with preprocessing's worker threads instead of each thread loading its own.
 * Special-token text such as "<|endoftext|>" inside a conversation is ordinary text to count,
 * not a control token (tiktoken would raise; the API counts it as text).
 */
export function countTextTokens(text: string, encoding: TokenizerEncoding): number {
  if (!text) return 0;
  return bpeCounter(encoding).count(text);
}

/** A token counter bound to a model's encoding. */
export interface TokenCounter {
  readonly encoding: TokenizerEncoding;
  text(text: string): number;
  /** Tokens of a chat example (messages with framing + reply priming), as the fine-tuning service counts them. */
  messages(messages: readonly unknown[]): number;
  /** Estimated tokens of tool / function definitions (`countToolDefinitionsTokens`); 0 for none. */
  tools(definitions: readonly unknown[] | undefined): number;
  /** Tokens of a fine-tuning line: its messages plus its `tools` and legacy `functions` definitions. */
  example(example: ExampleForCounting): number;
}

/** The parts of a fine-tuning line that are sent to the model as prompt text. */
export interface ExampleForCounting {
  messages: readonly unknown[];
  tools?: readonly unknown[];
  functions?: readonly unknown[];
}

export function tokenCounter(modelOrEncoding: string): TokenCounter {
  const encoding: TokenizerEncoding =
    modelOrEncoding === 'o200k_base' || modelOrEncoding === 'cl100k_base' ? modelOrEncoding : modelInfo(modelOrEncoding).encoding;
  const text = (t: string) => countTextTokens(t, encoding);
  return {
    encoding,
    text,
    messages: (messages) => countMessagesTokens(messages, encoding),
    tools: (definitions) => countToolDefinitionsTokens(definitions, encoding),
    example: (example) => countExampleTokens(example, encoding),
  };
}

/** Messages, then the definitions of `tools` and legacy `functions` as one list (the service renders them together). */
export function countExampleTokens(example: ExampleForCounting, encoding: TokenizerEncoding): number {
  const messages: readonly unknown[] = Array.isArray(example.messages) ? example.messages : [];
  return countMessagesTokens(messages, encoding) + countToolDefinitionsTokens(toolDefinitionsOf(example), encoding);
}

/** The definitions of a line's `tools` and legacy `functions` (whichever are arrays), as one list. */
export function toolDefinitionsOf(example: { tools?: unknown; functions?: unknown }): unknown[] {
  const definitions: unknown[] = [];
  for (const list of [example.tools, example.functions]) if (Array.isArray(list)) definitions.push(...(list as unknown[]));
  return definitions;
}

/**
 * Framing tokens around function definitions, from the cookbook's `num_tokens_for_tools` ("How to
 * count tokens with tiktoken", section 7): gpt-4o / gpt-4o-mini (o200k_base, and so the gpt-4.1
 * and o4-mini families that share the encoding and chat format) start each function at 7 tokens,
 * gpt-3.5-turbo / gpt-4 (cl100k_base) at 10; the rest is the same for both.
 */
export const TOOL_FRAMING: Readonly<
  Record<TokenizerEncoding, { funcInit: number; propInit: number; propKey: number; enumInit: number; enumItem: number; funcEnd: number }>
> = {
  o200k_base: { funcInit: 7, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
  cl100k_base: { funcInit: 10, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
};

/**
 * Tokens of tool definitions (`tools` entries `{type: "function", function: {...}}`, or legacy
 * `functions` entries `{name, description, parameters}`). This is the cookbook's ESTIMATE, not an
 * exact count: OpenAI documents no rule for how definitions become prompt tokens (the service
 * renders them as a TypeScript-like namespace), and the cookbook fitted these constants to the
 * API's usage counts for its example. Exactness is claimed for messages only.
 *
 * As the cookbook counts: per function its framing, then "name:description" (one final "." of the
 * description dropped); if it has properties, their framing, then per property its framing,
 * "key:type:description" (one final "." dropped) and, for an `enum`, its framing and each item;
 * one closing framing after the last function. Nested schemas (`items`, properties of object
 * properties), `required` and other keywords are not counted, as in the cookbook. Where the cookbook
 * assumes a field that a definition leaves out (no description, no type), that part and its colon
 * are left out rather than failing; a non-string type or enum item is counted as its JSON text.
 */
export function countToolDefinitionsTokens(definitions: readonly unknown[] | undefined, encoding: TokenizerEncoding): number {
  if (!definitions?.length) return 0;
  const framing = TOOL_FRAMING[encoding];
  let total = 0;
  let counted = 0;
  for (const definition of definitions) {
    const fn = functionOf(definition);
    if (!fn) continue;
    counted++;
    total += framing.funcInit + countTextTokens(colonJoined([stringOf(fn.name), withoutFinalPeriod(stringOf(fn.description))]), encoding);
    const properties = isRecord(fn.parameters) && isRecord(fn.parameters.properties) ? fn.parameters.properties : undefined;
    const keys = properties ? Object.keys(properties) : [];
    if (!properties || !keys.length) continue;
    total += framing.propInit;
    for (const key of keys) {
      total += framing.propKey;
      const property = isRecord(properties[key]) ? properties[key] : {};
      if ('enum' in property) {
        total += framing.enumInit;
        for (const item of Array.isArray(property.enum) ? property.enum : []) {
          total += framing.enumItem + countTextTokens(typeof item === 'string' ? item : JSON.stringify(item), encoding);
        }
      }
      const type = property.type === undefined ? '' : typeof property.type === 'string' ? property.type : JSON.stringify(property.type);
      total += countTextTokens(colonJoined([key, type, withoutFinalPeriod(stringOf(property.description))]), encoding);
    }
  }
  return counted ? total + framing.funcEnd : 0;
}

/** The function of a `tools` entry (type function) or a legacy `functions` entry (the function itself). */
function functionOf(definition: unknown): Record<string, unknown> | undefined {
  if (!isRecord(definition)) return undefined;
  if ('function' in definition || 'type' in definition) {
    return definition.type === 'function' && isRecord(definition.function) ? definition.function : undefined;
  }
  return typeof definition.name === 'string' ? definition : undefined;
}

function colonJoined(parts: string[]): string {
  return parts.filter((p, i) => i === 0 || p !== '').join(':');
}

function withoutFinalPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The cookbook count over every string field of every message (role, content, name, …).
 * Non-string fields the cookbook does not cover are counted by their text: content parts by
 * their `text` (images at IMAGE_PART_TOKENS), `tool_calls` / `function_call` by function name
 * and arguments; `weight` is a training control, not text, and is not counted.
 */
export function countMessagesTokens(messages: readonly unknown[], encoding: TokenizerEncoding): number {
  let total = 0;
  for (const raw of messages) {
    total += TOKENS_PER_MESSAGE;
    if (!raw || typeof raw !== 'object') continue;
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (key === 'weight') continue;
      total += countValueTokens(value, encoding);
      if (key === 'name') total += TOKENS_PER_NAME;
    }
  }
  return total + REPLY_PRIMING_TOKENS;
}

function countValueTokens(value: unknown, encoding: TokenizerEncoding): number {
  if (typeof value === 'string') return countTextTokens(value, encoding);
  if (Array.isArray(value)) return value.reduce<number>((sum, part) => sum + countPartTokens(part, encoding), 0);
  if (value && typeof value === 'object') {
    // function_call {name, arguments} and similar objects: their string leaves.
    return Object.values(value as Record<string, unknown>).reduce<number>((sum, v) => sum + countValueTokens(v, encoding), 0);
  }
  return 0;
}

function countPartTokens(part: unknown, encoding: TokenizerEncoding): number {
  if (typeof part === 'string') return countTextTokens(part, encoding);
  if (!part || typeof part !== 'object') return 0;
  const p = part as Record<string, unknown>;
  if (p.type === 'image_url') return IMAGE_PART_TOKENS;
  if (p.type === 'text' && typeof p.text === 'string') return countTextTokens(p.text, encoding);
  if (p.type === 'function' && p.function && typeof p.function === 'object') {
    // A tool call: id and type are framing the service adds anyway; name and arguments are text.
    const f = p.function as Record<string, unknown>;
    return countValueTokens(f.name, encoding) + countValueTokens(f.arguments, encoding);
  }
  return countValueTokens(p, encoding);
}

/**
 * Tokens of `" " + text` (then `"\n"` when `newline`), from `textTokens`, the tokens of `text`
 * alone: how a transcript line `role: text` continues after its colon. The encodings' split
 * patterns have no look-behind and only look ahead inside runs of spaces, so prefixing a space
 * or appending a newline can change only the first and the last piece of `text`:
 * - an ASCII letter first: the space joins the first piece (a run of letters), so that piece is
 *   counted again with the space; an ASCII digit first: the space is a piece of its own;
 * - an ASCII letter or digit last: the newline is a piece of its own; a run of ASCII punctuation
 *   last, after a letter or digit: the newline joins that run, which is counted again with it.
 * Anything else (other first or last characters, empty text) is counted in full. Exactness is
 * tested against full counts on real chats and random text (test/shared/dataset/tokens.test.ts).
 */
export function spacedLineTokens(text: string, textTokens: number, newline: boolean, encoding: TokenizerEncoding): number {
  const full = () => countTextTokens(newline ? ` ${text}\n` : ` ${text}`, encoding);
  if (!text) return full();
  let total = textTokens;
  const first = text.charCodeAt(0);
  if (isAsciiLetter(first)) {
    const piece = firstPiece(text, encoding);
    if (piece === undefined) return full();
    total += remembered(spacedPieces, encoding, piece, () => countTextTokens(` ${piece}`, encoding) - countTextTokens(piece, encoding));
  } else if (isAsciiDigit(first)) total += countTextTokens(' ', encoding);
  else return full();
  if (!newline) return total;
  const last = text.charCodeAt(text.length - 1);
  if (isAsciiLetter(last) || isAsciiDigit(last)) return total + countTextTokens('\n', encoding);
  if (!isAsciiPunctuation(last)) return full();
  let start = text.length - 1;
  while (start > 0 && isAsciiPunctuation(text.charCodeAt(start - 1))) start--;
  const before = start > 0 ? text.charCodeAt(start - 1) : 0;
  if (!isAsciiLetter(before) && !isAsciiDigit(before)) return full();
  const run = text.slice(start);
  return total + remembered(brokenRuns, encoding, run, () => countTextTokens(`${run}\n`, encoding) - countTextTokens(run, encoding));
}

/**
 * What a space before a first piece, or a line break after a last run of punctuation, adds: the
 * same few thousand words and runs ("I", "Thank", "." …) open and close most lines, so each is
 * counted twice once, not for every line (bounded: started over when full).
 */
const spacedPieces = new Map<TokenizerEncoding, Map<string, number>>();
const brokenRuns = new Map<TokenizerEncoding, Map<string, number>>();
const REMEMBERED_PIECES = 20_000;

function remembered(
  memo: Map<TokenizerEncoding, Map<string, number>>,
  encoding: TokenizerEncoding,
  key: string,
  count: () => number,
): number {
  let known = memo.get(encoding);
  if (!known) {
    known = new Map();
    memo.set(encoding, known);
  }
  let tokens = known.get(key);
  if (tokens === undefined) {
    tokens = count();
    if (known.size >= REMEMBERED_PIECES) known.clear();
    known.set(key, tokens);
  }
  return tokens;
}

const splitters = new Map<TokenizerEncoding, RegExp>();

/** The first piece of `text` under the encoding's split pattern (undefined when none starts at 0). */
function firstPiece(text: string, encoding: TokenizerEncoding): string | undefined {
  let split = splitters.get(encoding);
  if (!split) {
    const pattern = encoding === 'o200k_base' ? O200K_TOKEN_SPLIT_REGEX : CL100K_TOKEN_SPLIT_REGEX;
    split = new RegExp(pattern.source, pattern.flags.replace('g', '') + 'y');
    splitters.set(encoding, split);
  }
  split.lastIndex = 0;
  const match = split.exec(text);
  return match && match[0].length ? match[0] : undefined;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Printable ASCII that is neither letter, digit nor space: the patterns' `[^\s\p{L}\p{N}]` within ASCII. */
function isAsciiPunctuation(code: number): boolean {
  return (
    (code >= 0x21 && code <= 0x2f) || (code >= 0x3a && code <= 0x40) || (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0x7e)
  );
}
