/**
 * Column names as the formats define them, from the spellings exports use: CSV headers, and the
 * keys of JSON message rows (one message per JSON line, ./jsonMessageRows.ts).
 */

/** The columns a message row is read from, in message CSV and as JSON lines. */
export const MESSAGE_ROW_COLUMNS = ['conversation_id', 'speaker', 'text', 'timestamp', 'issue_type', 'channel', 'csat'] as const;
/**
 * Columns (and JSON keys) that list a message's attachments (DiscordChatExporter's `Attachments`,
 * chat exports' `media_url`): a message row with one and no text is no turn, but is counted
 * (`media-omitted`). Not a bare `media`, which some exports use for the channel (voice, chat).
 */
export const ATTACHMENT_COLUMNS: readonly string[] = [
  'attachments',
  'attachment',
  'attachment_url',
  'attachment_urls',
  'media_url',
  'media_urls',
];

/** Whether an attachment column's value names something: a non-blank text, or a non-empty list. */
export function namesAttachment(value: unknown): boolean {
  return typeof value === 'string' ? value.trim() !== '' : Array.isArray(value) && value.length > 0;
}

/** The columns that name a row's answering model, the first present winning. */
export const ANSWERING_MODEL_COLUMNS = ['model', 'deployment', 'deployment_name'] as const;

/** Header spellings seen in exports, reduced to the names the formats are defined with. */
const ALIASES: Record<string, string> = {
  conversationid: 'conversation_id',
  conversation: 'conversation_id',
  conv_id: 'conversation_id',
  chat_id: 'conversation_id',
  dialogue_id: 'conversation_id',
  dialog_id: 'conversation_id',
  session_id: 'conversation_id',
  ticket_id: 'conversation_id',
  role: 'speaker',
  sender: 'speaker',
  author: 'speaker',
  participant: 'speaker',
  content: 'text',
  message: 'text',
  body: 'text',
  utterance: 'text',
  // A message's own id: with it, an edited message repeated by an overlapping export is known.
  msg_id: 'message_id',
  messageid: 'message_id',
  comment_id: 'message_id',
  part_id: 'message_id',
  time: 'timestamp',
  ts: 'timestamp',
  created_at: 'timestamp',
  datetime: 'timestamp',
  sent_at: 'timestamp',
  // Zendesk's satisfaction export: "Ticket ID" (above), "Score" (good/bad).
  score: 'rating',
  category: 'issue_type',
  intent: 'issue_type',
  // Single-turn pairs under other names: FAQ exports (plural), prompt/completion, query/response,
  // Alpaca (instruction/input/output), Bitext's customer-support layout (instruction/response).
  questions: 'question',
  answers: 'answer',
  prompt: 'question',
  completion: 'answer',
  query: 'question',
  response: 'answer',
  instruction: 'question',
  output: 'answer',
  // ShareGPT-style speaker/text columns.
  from: 'speaker',
  value: 'text',
};

export function canonicalColumn(header: string): string {
  // JSON records ask for every key of every line (is it a message row?): the same few keys each time.
  let name = canonicalNames.get(header);
  if (name === undefined) {
    const plain = plainColumn(header);
    name = ALIASES[plain] ?? plain;
    if (canonicalNames.size >= CANONICAL_NAMES) canonicalNames.clear();
    canonicalNames.set(header, name);
  }
  return name;
}

/** Distinct keys remembered (bounds memory on records with generated keys). */
const CANONICAL_NAMES = 4096;
const canonicalNames = new Map<string, string>();

/** A header as snake_case, before aliases (a transcript export's `conversation` is its text, not its id). */
export function plainColumn(header: string): string {
  return header
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
