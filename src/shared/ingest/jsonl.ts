import {
  FOREIGN_FAMILY_NAMES,
  foreignFamily,
  isFreshchatMessages,
  isTelegramChat,
  isDiscordExport,
  isSunshineMessages,
  isTwilioMessages,
  isMessengerThread,
  isGorgiasTicket,
  parseForeign,
  turnListFamily,
  type ForeignFamily,
} from './formats';
import { hasTranscriptKey } from './formats/transcript';
import { finish, firstOf, idOf, textOf } from './formats/common';
import { parseChatTemplateRecord, templateOf } from './formats/chatTemplate';
import { hasToolBlocks, readToolBlocks } from './formats/toolBlocks';
import { canonicalColumn } from './columns';
import { isMessageRowRecord } from './jsonMessageRows';
import { slackProblemOf } from './slackExport';
import { LLM_DATASET_FAMILY_NAMES, llmDatasetFamily, readLlmDataset, type LlmDatasetFamily } from './formats/llmDatasets';
import { cleanedContentId, contentId } from './ids';
import { conversationItem, feedbackItem, reject, show } from './records';
import { inferMissingRoles, type RoleMapper } from './roles';
import { answeringModel, namedModel } from './answeringModel';
import { normalizeText } from './text';
import { addToolResult, INVALID_TOOL_TURN, ToolCallReader, toolDefinitions, unansweredToolCall } from './toolTurns';
import { buildTurns, isBlank, parseRating, parseRatingOrWord, parseTimestamp, turnWeight, type RawTurn } from './turns';
import type { ChatRole, Conversation, Feedback, IngestItem, SourceRef, ToolCall, Turn } from './types';

/** What a JSON line is, by its keys. `messages` covers both conversation and ready-made lines. */
export type JsonFamily = 'messages' | 'faq' | 'feedback' | 'message-rows' | 'envelope' | LlmDatasetFamily | ForeignFamily;

type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonFamily(record: JsonObject): JsonFamily | undefined {
  return ownFamily(record) ?? (envelopedRecord(record) ? 'envelope' : undefined);
}

/**
 * Members an API wraps its one record in: Zendesk's and Freshservice's `{"ticket": {...}}` (a
 * ticket with its conversations), `{"conversation": {...}}`, `{"data": {...}}`, `{"result": {...}}`.
 */
const ENVELOPE_KEYS = ['ticket', 'conversation', 'chat', 'thread', 'data', 'result', 'record', 'item'];

/** The record an API response holds as one member (see `ENVELOPE_KEYS`), when it is of a known family. */
export function envelopedRecord(record: JsonObject): JsonObject | undefined {
  for (const key of ENVELOPE_KEYS) {
    const inner = record[key];
    if (isJsonObject(inner) && ownFamily(inner) !== undefined) return inner;
  }
  return undefined;
}

function ownFamily(record: JsonObject): Exclude<JsonFamily, 'envelope'> | undefined {
  if ('messages' in record)
    return isGorgiasTicket(record)
      ? 'gorgias'
      : isFreshchatMessages(record)
        ? 'freshchat'
        : isTelegramChat(record)
          ? 'telegram'
          : isMessengerThread(record)
            ? 'messenger'
            : isDiscordExport(record)
              ? 'discord'
              : isSunshineMessages(record)
                ? 'sunshine'
                : isTwilioMessages(record)
                  ? 'twilio'
                  : 'messages';
  if (has(record, 'question') && has(record, 'answer')) return 'faq';
  // Before feedback: a message row may carry the conversation's rating.
  if (isMessageRowRecord(record)) return 'message-rows';
  // A rated chat export (`conversation_id`, `transcript`, `rating`) is the chat, not a rating of one.
  if (isFeedbackRecord(record)) return hasTranscriptKey(record) ? 'transcript' : 'feedback';
  return llmDatasetFamily(record) ?? foreignFamily(record);
}

/**
 * A rating of one conversation: tuneloop's `conversation_id` + `rating`, or a Zendesk satisfaction
 * rating (`ticket_id` + `score`, as the satisfaction_ratings API and its exports write it).
 */
function isFeedbackRecord(record: JsonObject): boolean {
  return (has(record, 'conversation_id') && has(record, 'rating')) || (has(record, 'ticket_id') && has(record, 'score'));
}

function has(record: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

const FAMILY_NAMES: Record<JsonFamily, string> = {
  messages: 'conversation JSONL ("messages")',
  faq: 'FAQ ("question", "answer")',
  feedback: 'feedback ("conversation_id", "rating")',
  'message-rows': 'message row ("conversation_id", "speaker", "text": one message per line)',
  envelope: 'API response holding one record ("ticket", "conversation", "data", "result": {...})',
  ...LLM_DATASET_FAMILY_NAMES,
  ...FOREIGN_FAMILY_NAMES,
};

/**
 * The item for a JSON object whose keys name none of the formats: read as the file's format when it
 * holds that format's turn list (so the rejection says what is wrong with it), else the rejection
 * worded for the file's format.
 */
export function unrecognisedRecord(source: SourceRef, record: JsonObject, fileFamily: JsonFamily, roles: RoleMapper): IngestItem {
  // A day file of a Slack export that could not be joined (ingest/slackExport): its own reason.
  const slackProblem = fileFamily === 'message-rows' ? slackProblemOf(record) : undefined;
  if (slackProblem) return reject(source, slackProblem.reason, slackProblem.detail);
  const family = turnListFamily(record, fileFamily);
  if (family) return parseForeign(source, record, family, roles);
  const keys = Object.keys(record);
  const shown = keys.length ? keys.slice(0, 8).join(', ') : 'none';
  const missing =
    fileFamily === 'messages'
      ? ['messages']
      : fileFamily === 'faq'
        ? ['question', 'answer'].filter((k) => !has(record, k))
        : fileFamily === 'feedback'
          ? ['conversation_id', 'rating'].filter((k) => !has(record, k))
          : fileFamily === 'message-rows'
            ? ['conversation_id', 'speaker', 'text'].filter((k) => !Object.keys(record).some((key) => canonicalColumn(key) === k))
            : fileFamily === 'zendesk-events'
              ? ['ticket_id', 'child_events'].filter((k) => !has(record, k))
              : [];
  if (!missing.length) {
    return reject(
      source,
      'unknown-record',
      `this file holds ${FAMILY_NAMES[fileFamily]} records, but this record is none of the formats (its keys: ${shown})`,
    );
  }
  return reject(
    source,
    `missing-field:${missing[0]}`,
    `this file holds ${FAMILY_NAMES[fileFamily]} records, but this line has no ${missing.map((k) => `"${k}"`).join(' or ')} (its keys: ${shown})`,
  );
}

export interface JsonParseContext {
  roles: RoleMapper;
  /** The IANA zone zone-less message timestamps were written in (a declared time zone); absent: UTC. */
  timeZone?: string;
}

/** One JSON line of a known family → exactly one item. */
export function parseJsonRecord(source: SourceRef, record: JsonObject, family: JsonFamily, context: JsonParseContext): IngestItem {
  switch (family) {
    case 'envelope': {
      // The response's other members (links, metadata) are no part of the record.
      const inner = envelopedRecord(record);
      const innerFamily = inner && jsonFamily(inner);
      if (!inner || !innerFamily) return reject(source, 'unknown-record', 'the API response holds no record of a known format');
      return parseJsonRecord(source, inner, innerFamily, context);
    }
    case 'messages':
      if (hasToolBlocks(record)) return parseToolBlocks(source, record, context);
      return isReadyMade(record) ? parseReadyMade(source, record) : parseConversation(source, record, context);
    case 'faq':
      return parseFaq(source, record);
    case 'feedback':
      return parseFeedback(source, record);
    case 'message-rows':
      // Rows are grouped per file (parseInput); one alone among other records belongs to no conversation read here.
      return reject(
        source,
        'unknown-record',
        'a single message row (conversation id, speaker, text) among records of another format; message rows are read from a file of them',
      );
    case 'openai-preference':
    case 'trl-preference':
    case 'unpaired-preference':
    case 'prompt-completion':
    case 'gemini':
    case 'chat-log':
    case 'input-output':
      return parseLlmDataset(source, record, family, context);
    default:
      return parseForeign(source, record, family, context.roles, context.timeZone);
  }
}

/**
 * A line of another service's or trainer's training set (./formats/llmDatasets.ts): its messages
 * are read as tuneloop's own lines are (as written when they are in OpenAI's format, else as a
 * conversation log), a question and answer as an FAQ pair; the reply not to give is counted as set aside.
 */
function parseLlmDataset(source: SourceRef, record: JsonObject, family: LlmDatasetFamily, context: JsonParseContext): IngestItem {
  const read = readLlmDataset(record, family);
  if ('reason' in read) return reject(source, read.reason, read.detail);
  let item: IngestItem;
  if ('pair' in read && templateOf(read.pair.prompt)) {
    // A prompt rendered with a chat template: read as its turns, not as a question of template tokens.
    item = parseChatTemplateRecord(source, { prompt: read.pair.prompt, completion: read.pair.reply, id: record.id }, context.roles);
  } else if ('pair' in read) {
    const id = idOf(firstOf(record, ['conversation_id', 'id']));
    if (id === null) return reject(source, 'invalid-field:id', `"id" must be a string or number, got ${show(record.id)}`);
    item = finish({
      source,
      kind: 'faq',
      id,
      idPrefix: 'faq',
      raw: [
        { role: 'user', text: read.pair.prompt },
        { role: 'assistant', text: read.pair.reply },
      ],
      issueType: textOf(firstOf(record, ['issue_type', 'category', 'intent'])),
    });
  } else {
    const lines: JsonObject = { messages: read.messages, ...read.extra };
    // Calls read from the format's own items are checked as a log's tool turns are, not kept as written.
    if (!read.toolTurns && isReadyMade(lines)) item = parseReadyMade(source, lines);
    else {
      for (const key of ['conversation_id', 'id', 'issue_type', 'category', 'channel', 'csat'])
        if (record[key] !== undefined) lines[key] = record[key];
      item = parseConversation(source, lines, context);
    }
  }
  if (read.setAside && item.type === 'conversation') item.conversation.setAside = { ...item.conversation.setAside, ...read.setAside };
  if ('model' in read && read.model && item.type === 'conversation') item.conversation.model ??= read.model;
  return item;
}

/**
 * A conversation line with Bedrock's or Anthropic's tool blocks (./formats/toolBlocks.ts): its
 * calls and results rewritten as OpenAI-style messages, then read as a conversation log, so the
 * tool turns get the log's checks (never kept as written: Azure takes no such blocks).
 */
function parseToolBlocks(source: SourceRef, record: JsonObject, context: JsonParseContext): IngestItem {
  const read = readToolBlocks(record);
  if ('reason' in read) return reject(source, read.reason, read.detail);
  const item = parseConversation(source, read.record, context);
  if (read.setAside && item.type === 'conversation') item.conversation.setAside = { ...item.conversation.setAside, ...read.setAside };
  return item;
}

/** Zendesk's scores of a survey sent (or not) but never answered. */
const UNANSWERED_SURVEY = new Set(['offered', 'unoffered']);

// ----- ready-made fine-tuning lines -----

const READY_TOP_KEYS = new Set(['messages', 'tools', 'functions', 'parallel_tool_calls']);
const READY_MESSAGE_KEYS = new Set(['role', 'content', 'weight', 'name', 'tool_calls', 'function_call', 'tool_call_id', 'refusal']);
const OPENAI_ROLES = new Set(['system', 'user', 'assistant', 'tool', 'function', 'developer']);

/**
 * A line already in the fine-tuning format: nothing but OpenAI keys, OpenAI roles, no
 * conversation_id. Anything else with `messages` is a conversation log to normalise.
 */
function isReadyMade(record: JsonObject): boolean {
  if (!Object.keys(record).every((k) => READY_TOP_KEYS.has(k))) return false;
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  return messages.every(
    (m) =>
      isJsonObject(m) &&
      typeof m.role === 'string' &&
      OPENAI_ROLES.has(m.role) &&
      has(m, 'content') &&
      Object.keys(m).every((k) => READY_MESSAGE_KEYS.has(k)),
  );
}

function parseReadyMade(source: SourceRef, record: JsonObject): IngestItem {
  const written = record.messages as JsonObject[];
  // Nearly every line has string contents: no copy of its messages then.
  const messages = written.some((m) => Array.isArray(m.content) && m.role !== 'user') ? written.map(withTextContent) : written;
  // Turns mirror the messages as written (no merging or clean-up), so what the quality stages
  // look at is exactly what would be trained on.
  const turns: Turn[] = [];
  for (const message of messages) {
    const role = message.role as string;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') continue;
    const content = contentText(message.content);
    if (content === undefined) continue;
    const turn: Turn = { role, content };
    if (message.weight === 0 || message.weight === 1) turn.weight = message.weight;
    turns.push(turn);
  }
  const ready: NonNullable<Conversation['ready']> = { messages };
  if (record.tools !== undefined) ready.tools = record.tools as unknown[];
  if (record.functions !== undefined) ready.functions = record.functions as unknown[];
  return conversationItem({
    kind: 'ready',
    conversationId: contentId('ready', source.record.trim()),
    turns,
    ready,
    source,
  });
}

/**
 * Azure takes content parts from the user only (text and images); a system, assistant or tool
 * message whose content is text parts alone (OpenAI's API and converters write them) is the same
 * text as one string, which is how it is trained on. Other parts stay, and validation names them.
 */
function withTextContent(message: JsonObject): JsonObject {
  const content = message.content;
  if (message.role === 'user' || !Array.isArray(content) || !content.length) return message;
  if (!content.every((p) => isJsonObject(p) && p.type === 'text' && typeof p.text === 'string')) return message;
  return { ...message, content: contentText(content) };
}

/**
 * Text of a message content: a string, or the text parts of a content array — OpenAI's and
 * Anthropic's `{type: "text", text}`, the Responses API's `input_text`/`output_text`, and Amazon
 * Bedrock's conversation format, whose parts are `{text}` without a type.
 */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.filter(
      (p): p is JsonObject =>
        isJsonObject(p) &&
        typeof p.text === 'string' &&
        (p.type === undefined || (typeof p.type === 'string' && TEXT_PART_TYPES.has(p.type))),
    );
    return parts.length ? parts.map((p) => p.text as string).join('\n') : undefined;
  }
  return undefined;
}

const TEXT_PART_TYPES = new Set(['text', 'input_text', 'output_text']);

// ----- conversation lines -----

function parseConversation(source: SourceRef, record: JsonObject, context: JsonParseContext): IngestItem {
  const messages = record.messages;
  if (!Array.isArray(messages)) {
    return reject(source, 'invalid-field:messages', `"messages" must be an array of {role, text} objects, got ${show(messages)}`);
  }
  const id = optionalId(record.conversation_id ?? record.id);
  if (id === null)
    return reject(
      source,
      'invalid-field:conversation_id',
      `"conversation_id" must be a string or number, got ${show(record.conversation_id ?? record.id)}`,
    );

  const tools = toolDefinitions(record.tools ?? record.functions);
  if (typeof tools === 'string') return reject(source, 'invalid-field:tools', `"${has(record, 'tools') ? 'tools' : 'functions'}" ${tools}`);

  const speakers: string[] = [];
  const texts: string[] = [];
  const timestamps: (string | undefined)[] = [];
  const models: (string | undefined)[] = [];
  const weights: unknown[] = [];
  const toolCalls: (ToolCall[] | undefined)[] = [];
  /** Tool results, by the index of the text message they follow. */
  const results: { after: number; n: number; content: string; toolCallId?: string }[] = [];
  const reader = new ToolCallReader();
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const n = i + 1;
    if (!isJsonObject(message))
      return reject(source, 'invalid-field:messages', `message ${n} must be an object with "role" and "text", got ${show(message)}`);
    const speaker = message.role ?? message.speaker;
    if (isBlank(speaker)) return reject(source, 'missing-field:role', `message ${n} has no "role" (or "speaker")`);
    if (typeof speaker !== 'string') return reject(source, 'invalid-field:role', `message ${n} has a non-text role ${show(speaker)}`);
    const rawText = has(message, 'text') ? message.text : message.content;
    if (isToolResultRole(speaker)) {
      // OpenAI's `tool` message (and the legacy `function` one): what a call returned.
      const content = contentText(rawText);
      if (content === undefined || !content.trim()) return reject(source, INVALID_TOOL_TURN, `message ${n} is a tool result without text`);
      const toolCallId = typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined;
      results.push({ after: speakers.length - 1, n, content, toolCallId });
      continue;
    }
    const calls = reader.fromMessage(message);
    if (typeof calls === 'string') return reject(source, INVALID_TOOL_TURN, `message ${n} ${calls}`);
    let text: string | undefined;
    if ((rawText === undefined || rawText === null) && calls) text = '';
    else if (rawText === undefined || rawText === null)
      return reject(source, 'missing-field:text', `message ${n} has no "text" (or "content")`);
    else text = contentText(rawText);
    if (text === undefined) return reject(source, 'invalid-field:text', `message ${n} has a "text" that is not a string: ${show(rawText)}`);
    speakers.push(speaker);
    texts.push(text);
    timestamps.push(parseTimestamp(message.timestamp ?? message.time, { timeZone: context.timeZone }));
    models.push(namedModel(message));
    weights.push(message.weight);
    toolCalls.push(calls);
  }

  const roles = inferMissingRoles([...new Set(speakers)], context.roles);
  if ('unknown' in roles) {
    const speaker = roles.unknown[0];
    return reject(
      source,
      'unknown-speaker',
      `speaker ${show(speaker)} (message ${speakers.indexOf(speaker) + 1}) is not a known role; use customer/user, agent/assistant/bot or system, or map the name with speakerRoles`,
    );
  }
  const raw: RawTurn[] = [];
  let nextResult = 0;
  const fileResults = (after: number): IngestItem | undefined => {
    for (; nextResult < results.length && results[nextResult].after === after; nextResult++) {
      const result = results[nextResult];
      const problem = addToolResult(raw, result.content, result.toolCallId);
      if (problem) return reject(source, INVALID_TOOL_TURN, `message ${result.n} ${problem}`);
    }
    return undefined;
  };
  const leading = fileResults(-1);
  if (leading) return leading;
  for (let i = 0; i < texts.length; i++) {
    const role = roles.get(speakers[i]) as ChatRole;
    // Checked once roles are known: a weight is allowed on assistant turns only.
    const weight = turnWeight(weights[i], role);
    if (typeof weight === 'string') return reject(source, 'invalid-field:weight', `message ${i + 1} ${weight}`);
    const calls = toolCalls[i];
    if (calls && role !== 'assistant')
      return reject(source, INVALID_TOOL_TURN, `speaker ${show(speakers[i])} calls tools, but only the agent's (assistant) turns may`);
    raw.push({ role, text: texts[i], timestamp: timestamps[i], weight, ...(calls ? { toolCalls: calls } : {}) });
    const misfiled = fileResults(i);
    if (misfiled) return misfiled;
  }
  const unanswered = unansweredToolCall(raw);
  if (unanswered) return reject(source, INVALID_TOOL_TURN, unanswered);
  const turns = buildTurns(raw);
  if (turns.length === 0) return reject(source, 'empty-conversation', 'no message has any text after clean-up');

  const conversation: Conversation = {
    kind: 'conversation',
    conversationId: id ?? cleanedContentId('conv', ...turns.map((t) => `${t.role}:${t.content}`)),
    turns,
    source,
  };
  assignMeta(conversation, record);
  if (tools) conversation.tools = tools;
  const model = answeringModel(
    namedModel(record),
    models.filter((_, i) => roles.get(speakers[i]) === 'assistant'),
  );
  if (model) conversation.model = model;
  return conversationItem(conversation);
}

/** Roles of OpenAI-style messages that carry what a tool call returned (`function`: the legacy name). */
const TOOL_RESULT_ROLES = new Set(['tool', 'function']);

/** Asked of every message: the length decides for nearly all speakers without a lower-cased copy. */
function isToolResultRole(speaker: string): boolean {
  return (speaker.length === 4 || speaker.length === 8) && TOOL_RESULT_ROLES.has(speaker.toLowerCase());
}

/** issue_type / channel / csat, all optional. A csat outside 1–5 is ignored (the conversation is still good data). */
export function assignMeta(conversation: Conversation, record: Record<string, unknown>): void {
  const issueType = optionalText(record.issue_type ?? record.category);
  if (issueType) conversation.issueType = issueType;
  const channel = optionalText(record.channel);
  if (channel) conversation.channel = channel;
  const csat = parseRating(record.csat);
  if (csat !== undefined) conversation.csat = csat;
}

/** A string or number id, undefined when absent, null when present but unusable. */
export function optionalId(value: unknown): string | undefined | null {
  if (isBlank(value)) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value.trim();
  return null;
}

function optionalText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const text = normalizeText(value);
  return text || undefined;
}

// ----- FAQ and feedback (shared with CSV, where values are strings) -----

export function parseFaq(source: SourceRef, record: Record<string, unknown>): IngestItem {
  const question = typeof record.question === 'string' ? normalizeText(record.question) : '';
  const answer = typeof record.answer === 'string' ? normalizeText(record.answer) : '';
  if (!question) return reject(source, 'missing-field:question', '"question" is empty or not text');
  if (!answer) return reject(source, 'missing-field:answer', '"answer" is empty or not text');
  const id = optionalId(record.conversation_id ?? record.id);
  if (id === null) return reject(source, 'invalid-field:id', `"id" must be a string or number, got ${show(record.id)}`);
  const conversation: Conversation = {
    kind: 'faq',
    conversationId: id ?? cleanedContentId('faq', question, answer),
    turns: [
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ],
    source,
  };
  assignMeta(conversation, record);
  return conversationItem(conversation);
}

export function parseFeedback(source: SourceRef, record: Record<string, unknown>): IngestItem {
  const zendesk = !has(record, 'conversation_id') && has(record, 'ticket_id');
  const [idKey, ratingKey] = zendesk ? ['ticket_id', 'score'] : ['conversation_id', 'rating'];
  const id = optionalId(record[idKey]);
  if (!id) return reject(source, `missing-field:${idKey}`, `"${idKey}" is empty or not a string/number`);
  const given = record[ratingKey];
  if (isBlank(given)) return reject(source, `missing-field:${ratingKey}`, `"${ratingKey}" is empty`);
  const word = typeof given === 'string' ? given.trim().toLowerCase() : undefined;
  if (word !== undefined && UNANSWERED_SURVEY.has(word))
    return reject(source, 'unrated-survey', `"${ratingKey}" is ${show(given)}: the survey was not answered, so there is no rating to use`);
  const rating = parseRatingOrWord(given);
  if (rating === undefined)
    return reject(source, `invalid-field:${ratingKey}`, `"${ratingKey}" must be a number from 1 to 5 or good/bad, got ${show(given)}`);
  const feedback: Feedback = { conversationId: id, rating, source };
  const comment = optionalText(record.comment);
  if (comment) feedback.comment = comment;
  // The model that answered the rated conversation, when the export says so (CSAT per answering model).
  const model = optionalText(record.model) ?? optionalText(record.deployment);
  if (model) feedback.model = model;
  return feedbackItem(feedback);
}
