/**
 * The normalised shapes every input format is parsed into. Parsers (src/shared/ingest) produce
 * them; the dataset pipeline (src/shared/dataset) and data quality (src/shared/quality) consume them.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

/** A function call an assistant turn makes, as the fine-tuning format writes it (`tool_calls[]`). */
export interface ToolCall {
  id: string;
  type: 'function';
  /** `arguments` is JSON text, as the format wants it. */
  function: { name: string; arguments: string };
}

/** What one call returned (a `tool` message of the fine-tuning format). */
export interface ToolResult {
  toolCallId: string;
  content: string;
}

export interface Turn {
  role: ChatRole;
  /** The text; empty only on an assistant turn that calls tools without saying anything. */
  content: string;
  /** ISO 8601, when the input had one. */
  timestamp?: string;
  /** Fine-tuning weight of an assistant turn (0 = context only, not learned). */
  weight?: 0 | 1;
  /**
   * Assistant turns only: the tools the agent called here, and what they returned before the
   * conversation went on (in the order of the calls; none when the conversation ends at the call).
   * Written as an assistant message with `tool_calls` followed by one `tool` message per result.
   */
  toolCalls?: ToolCall[];
  toolResults?: ToolResult[];
  /**
   * On the customer's first turn of a whole chat's session after the first (a messenger's or a
   * channel's export, `chatSessionsOf` in ./turns.ts): examples start anew here and
   * carry nothing of the sessions before.
   */
  opensSession?: true;
}

/** Where a record came from, so every rejection can name file, line and the original text. */
export interface SourceRef {
  file: string;
  /** 1-based line of the record's first line in the (decompressed) file; in an Excel workbook, its sheet row. */
  line: number;
  /** The original text of the record (a JSONL line, or the CSV rows of the conversation; a workbook's rows as CSV). */
  record: string;
  /**
   * What `line` counts when it is not a line of a JSON file: `csv-row`, a CSV row named by the
   * line it starts on (a quoted cell's line breaks make rows and lines differ); a workbook's sheet
   * (`sheet` quoted as details write it), whose rows `line` numbers. Absent: a line. Set on
   * conversations, so a detail written later (a duplicate of it) names the place as the rejections
   * of its file do (`recordPlace`).
   */
  unit?: 'csv-row' | { sheet: string };
  /**
   * The record is one of several whole JSON objects on its line (files joined without a line
   * break between them, `{...}{...}`): the `index`-th of `of`. `record` is then its own text, not
   * the line's, so its content id and its erasure from the raw file are its own.
   */
  part?: { index: number; of: number };
  /**
   * A record grouped from several elements of a JSON document (the message pages of one
   * conversation, anywhere in the array): where each element starts and its text. `record` is
   * their texts joined; the erasure removes each element where it stands, as it removes one
   * pretty-printed record.
   */
  elements?: { line: number; text: string }[];
}

export type ConversationKind = 'conversation' | 'faq' | 'ready';

export interface Conversation {
  kind: ConversationKind;
  conversationId: string;
  issueType?: string;
  channel?: string;
  /** Customer satisfaction 1–5 from the conversation itself or joined feedback. */
  csat?: number;
  /**
   * ISO 639-1 code of the conversation's language (`und` when undetermined), set by the language
   * stage of data quality (src/shared/quality/language.ts) from the customer's turns.
   */
  language?: string;
  /** Normalised turns (roles mapped, consecutive same-role turns merged, whitespace/Unicode/HTML cleaned). */
  turns: Turn[];
  /**
   * A whole chat (a messenger's or a channel's export, ../ingest/turns.ts `chatSessionsOf`): its
   * examples are built session by session (`Turn.opensSession`), each carrying its session.
   */
  wholeChat?: true;
  /**
   * Tool definitions (`tools` of the fine-tuning format, `{type: "function", function: {name,
   * description, parameters}}`) the conversation's tool calls were made against; written on each
   * of its examples.
   */
  tools?: unknown[];
  /** For `ready` inputs: the original fine-tuning line, passed through after validation. */
  ready?: { messages: unknown[]; tools?: unknown[]; functions?: unknown[] };
  /**
   * The model or deployment that answered, when the log names it (`model`/`deployment` on the
   * conversation or its assistant messages; see ./answeringModel.ts). Metadata for CSAT per
   * answering model: never part of a training example.
   */
  model?: string;
  /** Parts of the record left out on purpose, counted by reason (e.g. `private-comment`: internal notes are never training data). */
  setAside?: Record<string, number>;
  /**
   * What the run's report should warn about how the record was read, each naming its file (a
   * transcript whose dates were read month first by assumption). Counted once per distinct text,
   * so one warning stands for every record of a file that needed it; never part of an example.
   */
  notices?: string[];
  /**
   * Sessions of a whole chat that a quality stage dropped while it kept others (`applyStage` in
   * src/shared/dataset/stages.ts): their turns are no longer in `turns`; each goes to quarantine
   * on its own line once the chat is used.
   */
  droppedSessions?: DroppedSession[];
  /**
   * First and last turn time, kept when the turns stay on a preprocessing worker (`withoutText`),
   * so the curated records can still carry it (see `turnSpanOf`).
   */
  turnSpan?: TurnSpan;
  /**
   * The customer's turns after the last reply (`unansweredTurns`), carried like `turnSpan` when
   * the turns stay on a worker.
   */
  unanswered?: string[];
  /**
   * The assistant turns before the first customer turn that the reply rules set to weight 0
   * (`unprompted-reply`), as positions among the assistant turns an example holds (0 = the first;
   * turns without text or tool calls not counted): a join that puts an earlier export's customer
   * turn before them learns them again (`joinedExports.ts`). Not on whole chats, never joined so.
   */
  unprompted?: number[];
  source: SourceRef;
}

/** A session of a whole chat left out by a quality stage, with why (`Conversation.droppedSessions`). */
export interface DroppedSession {
  /** Its place among the chat's sessions as read (1-based). */
  session: number;
  reason: string;
  detail?: string;
  /** Its turns as the stage saw them: before redaction, like a quarantined record's text. */
  turns: Turn[];
}

/** When a conversation's turns were written: the earliest and the latest turn timestamp (ISO 8601). */
export interface TurnSpan {
  first: string;
  last: string;
}

/**
 * The span of the turns that have a timestamp, undefined when none has (or when the turns left on
 * a worker and took none along). The nightly assembly joins parts of one conversation exported in
 * different files when their spans do not overlap (a chat running past midnight in a daily export).
 */
export function turnSpanOf(conversation: Pick<Conversation, 'turns' | 'turnSpan'>): TurnSpan | undefined {
  if (!conversation.turns.length) return conversation.turnSpan;
  let first: string | undefined;
  let last: string | undefined;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const turn of conversation.turns) {
    if (!turn.timestamp) continue;
    const ms = Date.parse(turn.timestamp);
    if (!Number.isFinite(ms)) continue;
    if (ms < firstMs) [firstMs, first] = [ms, turn.timestamp];
    if (ms > lastMs) [lastMs, last] = [ms, turn.timestamp];
  }
  return first !== undefined && last !== undefined ? { first, last } : undefined;
}

/**
 * Whether an example holds the turn: system turns are replaced by the system prompt, and a turn
 * with neither text nor tool calls says nothing (ExampleBuilder; the reply rules count replies so).
 */
export function heldByExample(turn: Turn): boolean {
  return turn.role !== 'system' && (turn.content.trim() !== '' || !!turn.toolCalls);
}

/**
 * A whole chat's turns cut where its reader saw a session open (`Turn.opensSession`: the
 * customer writing again after a quiet gap following a reply, ./turns.ts).
 */
export function chatSessions(turns: Turn[]): Turn[][] {
  const sessions: Turn[][] = [];
  let start = 0;
  for (let i = 1; i < turns.length; i++) {
    if (turns[i].opensSession) {
      sessions.push(turns.slice(start, i));
      start = i;
    }
  }
  sessions.push(start === 0 ? turns : turns.slice(start));
  return sessions;
}

export interface Feedback {
  conversationId: string;
  rating: number;
  comment?: string;
  /** The model or deployment that answered the rated conversation, when the log names it. */
  model?: string;
  source: SourceRef;
}

export interface Rejection {
  file: string;
  line: number;
  /** Short machine-friendly reason code, e.g. `invalid-json`, `missing-field:text`, `pii-unredactable`. */
  reason: string;
  /** Human explanation. */
  detail?: string;
  record: string;
}

export type InputFormat = 'conversation-jsonl' | 'message-csv' | 'faq' | 'feedback' | 'finetune-jsonl';

export type IngestItem =
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'feedback'; feedback: Feedback }
  | { type: 'rejected'; rejection: Rejection };
