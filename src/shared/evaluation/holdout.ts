import type { StorageClients } from '../storage/clients';
import { CONTAINERS } from '../storage/names';
import type { ChatMessage } from './chat';
import { isStatus, TuneloopError } from '../errors';

/** One line of `datasets/<version>/holdout.records.jsonl` (curated records frozen for evaluation). */
export interface HoldoutRecord {
  conversationId: string;
  issueType?: string;
  kind?: string;
  /** The system/user/assistant messages (tool and function messages are left out, see `replayable`). */
  messages: ChatMessage[];
  /** False when the example has tool or function messages: evaluation cannot ask it the same way (absent = true). */
  replayable?: boolean;
  /** 1-based line in the holdout file, for error messages and the report. */
  line: number;
}

/** A holdout line that cannot be used; the message names the file, line and reason. */
export class HoldoutFormatError extends TuneloopError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

export class HoldoutNotFoundError extends TuneloopError {
  constructor(readonly blobName: string) {
    super(
      `holdout ${CONTAINERS.datasets}/${blobName} does not exist: the dataset version must be assembled (nightly retrain) before its candidate is evaluated`,
    );
  }
}

export function holdoutBlobName(datasetVersion: string): string {
  return `${datasetVersion}/holdout.records.jsonl`;
}

const CHAT_ROLES = new Set(['system', 'user', 'assistant']);

/** Message text: a string, or the text parts of a content array; null (an assistant tool call) is empty. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join('');
  }
  return undefined;
}

/**
 * Parses holdout JSONL. A line that is not a record is an error naming file, line and reason (the
 * holdout is frozen; silently skipping would change it). Records whose messages use roles evaluation
 * cannot replay (tool, function) are kept with `replayable: false`.
 */
export function parseHoldout(text: string, file: string): HoldoutRecord[] {
  const records: HoldoutRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new HoldoutFormatError(file, line, `invalid JSON (${(err as Error).message})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HoldoutFormatError(file, line, 'expected a JSON object');
    const v = value as Record<string, unknown>;
    const id = v.conversation_id;
    if (typeof id !== 'string' || !id) throw new HoldoutFormatError(file, line, 'missing conversation_id');
    const example = v.example as { messages?: unknown } | undefined;
    if (!example || !Array.isArray(example.messages)) throw new HoldoutFormatError(file, line, 'missing example.messages');
    let replayable = true;
    const messages: ChatMessage[] = [];
    example.messages.forEach((m, k) => {
      const msg = m as { role?: unknown; content?: unknown } | null | undefined;
      if (!msg || typeof msg !== 'object' || typeof msg.role !== 'string' || !msg.role) {
        throw new HoldoutFormatError(file, line, `example.messages[${k}] has no role`);
      }
      const content = contentText(msg.content);
      if (content === undefined)
        throw new HoldoutFormatError(file, line, `example.messages[${k}].content must be a string, an array of parts or null`);
      if (!CHAT_ROLES.has(msg.role)) {
        replayable = false;
        return;
      }
      messages.push({ role: msg.role as ChatMessage['role'], content });
    });
    records.push({
      conversationId: id,
      issueType: typeof v.issue_type === 'string' && v.issue_type ? v.issue_type : undefined,
      kind: typeof v.kind === 'string' ? v.kind : undefined,
      messages,
      replayable,
      line,
    });
  });
  return records;
}

export async function loadHoldout(
  storage: StorageClients,
  datasetVersion: string,
  options: { signal?: AbortSignal } = {},
): Promise<HoldoutRecord[]> {
  const blobName = holdoutBlobName(datasetVersion);
  const blob = storage.container(CONTAINERS.datasets).getBlobClient(blobName);
  let buffer: Buffer;
  try {
    buffer = await blob.downloadToBuffer(undefined, undefined, { abortSignal: options.signal });
  } catch (err) {
    if (isStatus(err, 404)) throw new HoldoutNotFoundError(blobName);
    throw err;
  }
  return parseHoldout(buffer.toString('utf8'), `${CONTAINERS.datasets}/${blobName}`);
}

/** The reply task of a conversation: everything before its last assistant turn, and that turn as reference. */
export function replyTask(record: HoldoutRecord): { prompt: ChatMessage[]; reference: string } | undefined {
  if (record.replayable === false) return undefined;
  for (let i = record.messages.length - 1; i > 0; i--) {
    if (record.messages[i].role === 'assistant') {
      const prompt = record.messages.slice(0, i);
      if (!prompt.some((m) => m.role === 'user')) return undefined;
      return { prompt, reference: record.messages[i].content };
    }
  }
  return undefined;
}

/**
 * The holdout records evaluation asks about: intent-labelling examples left out (they are the
 * dataset's own rendering of a conversation; evaluation asks from the conversation itself), and
 * every record of the first `maxConversations` conversations (TUNELOOP_EVAL_MAX_CONVERSATIONS).
 * Counting records instead asked fewer conversations than the setting says and cut the last one's
 * records short whenever a long conversation had been split into several examples.
 */
export function evaluationRecords(records: readonly HoldoutRecord[], maxConversations: number): HoldoutRecord[] {
  const chosen = new Set<string>();
  return records.filter((r) => {
    if (r.kind === 'intent') return false;
    if (chosen.has(r.conversationId)) return true;
    if (chosen.size >= maxConversations) return false;
    chosen.add(r.conversationId);
    return true;
  });
}
