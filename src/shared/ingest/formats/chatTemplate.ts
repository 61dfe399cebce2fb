import { ownValue } from '../../lookup';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { addToolResult, INVALID_TOOL_TURN, ToolCallReader, toolDefinitions } from '../toolTurns';
import type { RawTurn } from '../turns';
import type { ChatRole, IngestItem, SourceRef, ToolCall } from '../types';
import { finish, firstOf, has, idOf, textOf, type JsonObject } from './common';

/**
 * A conversation rendered with a model's chat template into one text, as Hugging Face SFT
 * datasets ship it (`{"text": "<|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n…"}`): the
 * turns are read back out of the template's markers. A template is recognised only by markers no
 * ordinary text holds (`<|im_start|>role`, `<|start_header_id|>role<|end_header_id|>`,
 * `<start_of_turn>role`, `[INST] … [/INST]`), so a plain `text` record is never taken for one.
 *
 * End markers are optional: a turn also ends where the next one starts, and the last turn at the
 * end of the text (datasets often leave the final end-of-sequence token to the tokenizer, so a
 * missing one does not mean the reply was cut off). Between turns only whitespace and the
 * template's own tokens (BOS/EOS) may stand; any other text there is a rejection naming it, since
 * it belongs to no speaker.
 */
export type ChatTemplate = 'chatml' | 'llama3' | 'gemma' | 'llama2' | PlainTemplate;

/**
 * Prompt formats of plain text, read only after the token templates: Alpaca's `### Instruction:` /
 * `### Input:` / `### Response:` sections, OpenAssistant Guanaco's `### Human:` / `### Assistant:`
 * and Vicuna's `USER:` / `ASSISTANT:`. Their text before the first marker is the template's system
 * prompt ("Below is an instruction that describes a task…", "A chat between a curious user…").
 */
type PlainTemplate = 'alpaca' | 'guanaco' | 'vicuna';

const TEMPLATE_NAMES: Record<ChatTemplate, string> = {
  chatml: 'ChatML',
  llama3: 'Llama 3',
  gemma: 'Gemma',
  llama2: 'Llama 2 / Mistral',
  alpaca: 'Alpaca',
  guanaco: 'Guanaco',
  vicuna: 'Vicuna',
};

interface PlainMarkers {
  /** A turn's marker; group 1 is its name (a key of `roles`). Global. */
  marker: RegExp;
  roles: Record<string, 'system' | 'user' | 'assistant'>;
}

const PLAIN_TEMPLATES: Record<PlainTemplate, PlainMarkers> = {
  // Headings at a line start only: a reply may use Markdown headings of its own.
  alpaca: {
    marker: /^### (Instruction|Input|Response|System):[ \t]*\n?/gm,
    roles: { Instruction: 'user', Input: 'user', Response: 'assistant', System: 'system' },
  },
  guanaco: { marker: /### (Human|Assistant):[ \t]*/g, roles: { Human: 'user', Assistant: 'assistant' } },
  vicuna: { marker: /(?<=^|\s|<\/s>)(USER|ASSISTANT):[ \t]*/g, roles: { USER: 'user', ASSISTANT: 'assistant' } },
};

/** Templates whose turns open with a header naming the role. */
interface HeaderTemplate {
  /** The turn header; group 1 is the role. Global, so every header is found in one pass. */
  header: RegExp;
  /** What closes a turn (the end-of-turn token, and end-of-sequence tokens written in its place). */
  ends: readonly string[];
  /** Tokens that may stand between turns (beginning/end of sequence, padding). */
  filler: readonly string[];
}

const HEADER_TEMPLATES: Record<'chatml' | 'llama3' | 'gemma', HeaderTemplate> = {
  chatml: {
    header: /<\|im_start\|>([^\s<]*)[ \t]*\n?/g,
    ends: ['<|im_end|>', '<|endoftext|>'],
    filler: ['<|endoftext|>', '<s>', '</s>'],
  },
  llama3: {
    header: /<\|start_header_id\|>([^<]*)<\|end_header_id\|>/g,
    ends: ['<|eot_id|>', '<|end_of_text|>'],
    filler: ['<|begin_of_text|>', '<|end_of_text|>'],
  },
  gemma: {
    header: /<start_of_turn>([^\s<]*)[ \t]*\n?/g,
    ends: ['<end_of_turn>', '<eos>'],
    filler: ['<bos>', '<eos>', '<pad>'],
  },
};

/** Llama 2's (and Mistral's) markers: the user's turn in `[INST] … [/INST]`, the reply after it up to `</s>`. */
const INST = '[INST]';
const END_INST = '[/INST]';
const SYS = '<<SYS>>';
const END_SYS = '<</SYS>>';
const LLAMA2_FILLER = ['<s>', '</s>'] as const;

/** Role names of the templates (lower-case); others go through the configured `speakerRoles`. */
const ROLES: Record<string, ChatRole> = {
  system: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  model: 'assistant',
  gpt: 'assistant',
};

/** The keys that hold the text: `text` (SFT datasets), or a template prompt with its `completion`. */
const TEXT_KEY = 'text';
const PAIR_KEYS = ['prompt', 'completion'] as const;
const ID_KEYS = ['conversation_id', 'id'] as const;

/** The template a text is written in, by its markers; undefined for any other text. */
export function templateOf(text: string): ChatTemplate | undefined {
  if (text.includes('<|im_start|>') && /<\|im_start\|>[^\s<]*[ \t]*\n/.test(text)) return 'chatml';
  if (text.includes('<|start_header_id|>') && /<\|start_header_id\|>[^<]*<\|end_header_id\|>/.test(text)) return 'llama3';
  if (text.includes('<start_of_turn>') && /<start_of_turn>[^\s<]*[ \t]*\n/.test(text)) return 'gemma';
  const inst = text.indexOf(INST);
  if (inst >= 0 && text.indexOf(END_INST, inst) > inst) return 'llama2';
  if (/^### Instruction:[^]*^### Response:/m.test(text)) return 'alpaca';
  if (/### Human:[^]*### Assistant:/.test(text)) return 'guanaco';
  if (/(?:^|\s|<\/s>)USER:[^]*\sASSISTANT:/.test(text)) return 'vicuna';
  return undefined;
}

/** A `text` in a chat template (and no instruction pair beside it: that record is read as the pair). */
export function isChatTemplateText(record: JsonObject): boolean {
  const text = record[TEXT_KEY];
  return typeof text === 'string' && templateOf(text) !== undefined;
}

/**
 * A `prompt` + `completion` pair whose prompt is a chat template text (the completion its reply,
 * with or without the end marker). Asked before instruction pairs, which would otherwise train on
 * the template's tokens as words of the question.
 */
export function isChatTemplatePair(record: JsonObject): boolean {
  const prompt = record.prompt;
  return typeof prompt === 'string' && typeof record.completion === 'string' && templateOf(prompt) !== undefined;
}

/** Whether a record of a chat template file holds a text to read (so its rejection can say what is wrong with it). */
export function mayHoldChatTemplate(record: JsonObject): boolean {
  return has(record, TEXT_KEY) || PAIR_KEYS.every((k) => has(record, k));
}

export function parseChatTemplateRecord(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const pair = !has(record, TEXT_KEY) && PAIR_KEYS.every((k) => has(record, k));
  const key = pair ? 'prompt' : TEXT_KEY;
  const value = pair ? record.prompt : record[TEXT_KEY];
  if (value === undefined || value === null) return reject(source, `missing-field:${key}`, `the record has no "${key}"`);
  if (typeof value !== 'string') return reject(source, `invalid-field:${key}`, `"${key}" must be text, got ${show(value)}`);
  if (pair && typeof record.completion !== 'string')
    return reject(source, 'invalid-field:completion', `"completion" must be text, got ${show(record.completion)}`);
  const text = pair ? value + (record.completion as string) : value;
  const template = templateOf(text);
  if (!template)
    return reject(
      source,
      `invalid-field:${key}`,
      `"${key}" is not a chat rendered with a known template (ChatML, Llama 3, Llama 2 / Mistral, Gemma, or Alpaca, Guanaco, Vicuna prompts): ${show(text)}`,
    );
  const id = idOf(firstOf(record, ID_KEYS));
  if (id === null) return reject(source, 'invalid-field:id', `"id" must be a string or number, got ${show(firstOf(record, ID_KEYS))}`);
  const read = turnsOf(text, template);
  const name = TEMPLATE_NAMES[template];
  if ('stray' in read)
    return reject(
      source,
      `invalid-field:${key}`,
      `the ${name} text has ${show(read.stray)} ${read.where}, outside any turn; only whitespace and the template's tokens may stand there`,
    );
  if ('problem' in read) return reject(source, `invalid-field:${key}`, `the ${name} text ${read.problem}`);
  const raw: RawTurn[] = [];
  const calls = new ToolCallReader();
  let tools: unknown[] | undefined;
  for (let i = 0; i < read.turns.length; i++) {
    const turn = read.turns[i];
    if (template === 'chatml') {
      const hermes = hermesTurn(turn, raw, calls);
      if (hermes && 'problem' in hermes)
        return reject(source, INVALID_TOOL_TURN, `the ${name} text's turn ${i + 1} (${show(turn.role)}) ${hermes.problem}`);
      if (hermes && 'read' in hermes) continue;
      if (hermes) {
        if (typeof hermes.tools === 'string')
          return reject(source, `invalid-field:${key}`, `the ${name} text's system turn has a <tools> block that ${hermes.tools}`);
        tools = hermes.tools;
      }
    }
    const role = ownValue(ROLES, turn.role.toLowerCase()) ?? (turn.role ? roles.roleOf(turn.role) : undefined);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `the ${name} role ${show(turn.role)} (turn ${i + 1}) is not a known role; use system, user or assistant (model, gpt), or map the name with speakerRoles (tool turns are read in ChatML text only, Hermes style)`,
      );
    raw.push({ role, text: turn.text });
  }
  // An Alpaca text of one instruction and its response is the pair the Alpaca keys hold: an FAQ, as they are.
  const kind = template === 'alpaca' && raw.filter((t) => t.role !== 'system').length === 2 ? 'faq' : 'conversation';
  return finish({
    source,
    kind,
    id,
    idPrefix: 'template',
    raw,
    issueType: textOf(firstOf(record, ['issue_type', 'category', 'intent'])),
    ...(tools ? { tools } : {}),
  });
}

/**
 * Function calling in ChatML as Hermes (NousResearch) and Qwen render it: an assistant turn's
 * `<tool_call>{"name", "arguments"}</tool_call>` blocks are its calls (parallel when several);
 * `<tool_response>…</tool_response>` blocks in a `tool` turn (Qwen: in a `user` turn) are their
 * results, in the order of the calls (the template writes no ids); a `tool` turn without such tags
 * is one result. The definitions are the JSON in the system turn's `<tools>…</tools>`.
 * Returns `read` when the turn is read into `raw`, `tools` for a system turn (still read as the
 * system turn), undefined for any other turn, or the problem why it cannot be read.
 */
function hermesTurn(
  turn: TemplateTurn,
  raw: RawTurn[],
  calls: ToolCallReader,
): { read: true } | { problem: string } | { tools: unknown[] | undefined | string } | undefined {
  const role = turn.role.toLowerCase();
  if (role === 'system' && turn.text.includes('<tools>')) return { tools: hermesTools(turn.text) };
  if (role === 'assistant' && turn.text.includes('<tool_call>')) {
    const blocks = tagged(turn.text, 'tool_call');
    if (typeof blocks === 'string') return { problem: blocks };
    const found: ToolCall[] = [];
    for (const body of blocks.bodies) {
      const read = calls.fromText(body.trim());
      if (typeof read === 'string') return { problem: `has a <tool_call> that ${read}` };
      found.push(...read);
    }
    raw.push({ role: 'assistant', text: blocks.rest, toolCalls: found });
    return { read: true };
  }
  const tool = role === 'tool';
  if (!tool && !(role === 'user' && turn.text.includes('<tool_response>'))) return undefined;
  const blocks = turn.text.includes('<tool_response>') ? tagged(turn.text, 'tool_response') : { bodies: [turn.text], rest: '' };
  if (typeof blocks === 'string') return { problem: blocks };
  if (tool && blocks.rest.trim()) return { problem: `has text outside its <tool_response> blocks: ${show(blocks.rest.trim())}` };
  for (const body of blocks.bodies) {
    if (!body.trim()) return { problem: 'is a tool result without text' };
    const problem = addToolResult(raw, body.trim());
    if (problem) return { problem };
  }
  // The user's own words after the results (Qwen puts results in a user turn) stay a user turn.
  if (blocks.rest.trim()) raw.push({ role: 'user', text: blocks.rest });
  return { read: true };
}

/** The bodies of `<tag>…</tag>` blocks in `text`, and the text outside them; or why not (a block never closed). */
function tagged(text: string, tag: string): { bodies: string[]; rest: string } | string {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const bodies: string[] = [];
  let rest = '';
  let at = 0;
  for (let start = text.indexOf(open); start >= 0; start = text.indexOf(open, at)) {
    const end = text.indexOf(close, start + open.length);
    if (end < 0) return `has a ${open} that is never closed by ${close}`;
    rest += text.slice(at, start);
    bodies.push(text.slice(start + open.length, end));
    at = end + close.length;
  }
  return { bodies, rest: rest + text.slice(at) };
}

/**
 * The definitions in a Hermes / Qwen system turn: the `<tools>` block's JSON, one list or one
 * definition per line. Empty `<tools></tools>` (the prompt's prose names the tags so) is no block.
 */
function hermesTools(text: string): unknown[] | undefined | string {
  const blocks = tagged(text, 'tools');
  if (typeof blocks === 'string') return blocks.replace(/^has a <tools> that /, '');
  const list: unknown[] = [];
  for (const body of blocks.bodies) {
    if (!body.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(body);
      if (Array.isArray(parsed)) list.push(...(parsed as unknown[]));
      else list.push(parsed);
    } catch {
      for (const line of body.split('\n')) {
        if (!line.trim()) continue;
        try {
          list.push(JSON.parse(line));
        } catch {
          return `is not JSON (a list of function definitions, or one per line): ${show(line.trim())}`;
        }
      }
    }
  }
  return list.length ? toolDefinitions(list) : undefined;
}

function turnsOf(text: string, template: ChatTemplate): TemplateRead {
  switch (template) {
    case 'llama2':
      return llama2Turns(text);
    case 'alpaca':
    case 'guanaco':
    case 'vicuna':
      return plainTurns(text, PLAIN_TEMPLATES[template]);
    default:
      return headerTurns(text, HEADER_TEMPLATES[template]);
  }
}

interface TemplateTurn {
  role: string;
  text: string;
}

type TemplateRead = { turns: TemplateTurn[] } | { stray: string; where: string } | { problem: string };

/** What `text` holds besides whitespace and the given tokens ('' when nothing). */
function strayIn(text: string, tokens: readonly string[]): string {
  let rest = text;
  for (const token of tokens) rest = rest.split(token).join(' ');
  return rest.trim();
}

function headerTurns(text: string, template: HeaderTemplate): TemplateRead {
  const headers = [...text.matchAll(template.header)];
  const between = [...template.filler, ...template.ends];
  const turns: TemplateTurn[] = [];
  const before = strayIn(text.slice(0, headers[0].index), between);
  if (before) return { stray: before, where: 'before the first turn' };
  for (let i = 0; i < headers.length; i++) {
    const start = headers[i].index + headers[i][0].length;
    const stop = i + 1 < headers.length ? headers[i + 1].index : text.length;
    const body = text.slice(start, stop);
    let end = body.length;
    for (const token of template.ends) {
      const at = body.indexOf(token);
      if (at >= 0 && at < end) end = at;
    }
    const after = strayIn(body.slice(end), between);
    if (after) return { stray: after, where: i + 1 < headers.length ? `after turn ${i + 1}` : 'after the last turn' };
    turns.push({ role: headers[i][1].trim(), text: body.slice(0, end) });
  }
  return { turns };
}

function llama2Turns(text: string): TemplateRead {
  const turns: TemplateTurn[] = [];
  let at = 0;
  for (let n = 1; ; n++) {
    const open = text.indexOf(INST, at);
    const before = strayIn(text.slice(at, open < 0 ? text.length : open), LLAMA2_FILLER);
    if (before)
      return { stray: before, where: n === 1 ? 'before the first [INST]' : open < 0 ? 'after the last reply' : `before [INST] ${n}` };
    if (open < 0) return { turns };
    const close = text.indexOf(END_INST, open + INST.length);
    if (close < 0) return { problem: `has an [INST] (number ${n}) that is never closed by [/INST]` };
    let user = text.slice(open + INST.length, close);
    if (n === 1 && user.trimStart().startsWith(SYS)) {
      const sysEnd = user.indexOf(END_SYS);
      if (sysEnd < 0) return { problem: 'opens a <<SYS>> block that is never closed by <</SYS>>' };
      turns.push({ role: 'system', text: user.slice(user.indexOf(SYS) + SYS.length, sysEnd) });
      user = user.slice(sysEnd + END_SYS.length);
    }
    turns.push({ role: 'user', text: user });
    // The reply runs to `</s>`, or to the next [INST] or the end of the text when it is left out.
    const replyStart = close + END_INST.length;
    const nextInst = text.indexOf(INST, replyStart);
    const eos = text.indexOf('</s>', replyStart);
    const replyEnd = eos >= 0 && (nextInst < 0 || eos < nextInst) ? eos : nextInst < 0 ? text.length : nextInst;
    turns.push({ role: 'assistant', text: text.slice(replyStart, replyEnd) });
    at = replyEnd;
  }
}

/** Plain-text sections; Alpaca's input joins its instruction, as for the Alpaca keys. */
function plainTurns(text: string, template: PlainMarkers): TemplateRead {
  const markers = [...text.matchAll(template.marker)];
  const turns: TemplateTurn[] = [];
  const preamble = strayIn(text.slice(0, markers[0].index), LLAMA2_FILLER);
  if (preamble) turns.push({ role: 'system', text: preamble });
  for (let i = 0; i < markers.length; i++) {
    const start = markers[i].index + markers[i][0].length;
    const body = text.slice(start, i + 1 < markers.length ? markers[i + 1].index : text.length);
    const content = body.replace(/^(\s*<\/?s>)+|(<\/?s>\s*)+$/g, '');
    const role = template.roles[markers[i][1]];
    const last = turns.at(-1);
    if (markers[i][1] === 'Input' && last?.role === 'user') last.text = content.trim() ? `${last.text.trimEnd()}\n\n${content}` : last.text;
    else turns.push({ role, text: content });
  }
  return { turns };
}
