import type { StorageClients } from '../storage/clients';
import { CONTAINERS } from '../storage/names';
import type { ChatMessage } from './chat';

/** One line of `datasets/<version>/holdout.records.jsonl` (curated records frozen for evaluation). */
export interface HoldoutRecord {
  conversationId: string;
  issueType?: string;
  kind?: string;
  messages: ChatMessage[];
  /** 1-based line in the holdout file, for error messages and the report. */
  line: number;
}

/** A holdout line that cannot be used; the message names the file, line and reason. */
export class HoldoutFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'HoldoutFormatError';
  }
}

export class HoldoutNotFoundError extends Error {
  constructor(readonly blobName: string) {
    super(
      `holdout ${CONTAINERS.datasets}/${blobName} does not exist: the dataset version must be assembled (nightly retrain) before its candidate is evaluated`,
    );
    this.name = 'HoldoutNotFoundError';
  }
}

export function holdoutBlobName(datasetVersion: string): string {
  return `${datasetVersion}/holdout.records.jsonl`;
}

const ROLES = new Set(['system', 'user', 'assistant']);

/** Parses holdout JSONL. Every bad line is an error (the holdout is frozen; silently skipping would change it). */
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
    if (!value || typeof value !== 'object') throw new HoldoutFormatError(file, line, 'expected a JSON object');
    const v = value as Record<string, unknown>;
    const id = v.conversation_id;
    if (typeof id !== 'string' || !id) throw new HoldoutFormatError(file, line, 'missing conversation_id');
    const example = v.example as { messages?: unknown } | undefined;
    if (!example || !Array.isArray(example.messages)) throw new HoldoutFormatError(file, line, 'missing example.messages');
    const messages: ChatMessage[] = example.messages.map((m, k) => {
      const msg = m as { role?: unknown; content?: unknown };
      if (typeof msg?.role !== 'string' || !ROLES.has(msg.role)) {
        throw new HoldoutFormatError(file, line, `example.messages[${k}].role must be system, user or assistant`);
      }
      if (typeof msg.content !== 'string') throw new HoldoutFormatError(file, line, `example.messages[${k}].content must be a string`);
      return { role: msg.role as ChatMessage['role'], content: msg.content };
    });
    records.push({
      conversationId: id,
      issueType: typeof v.issue_type === 'string' && v.issue_type ? v.issue_type : undefined,
      kind: typeof v.kind === 'string' ? v.kind : undefined,
      messages,
      line,
    });
  });
  return records;
}

export async function loadHoldout(storage: StorageClients, datasetVersion: string, options: { signal?: AbortSignal } = {}): Promise<HoldoutRecord[]> {
  const blobName = holdoutBlobName(datasetVersion);
  const blob = storage.container(CONTAINERS.datasets).getBlobClient(blobName);
  let buffer: Buffer;
  try {
    buffer = await blob.downloadToBuffer(undefined, undefined, { abortSignal: options.signal });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) throw new HoldoutNotFoundError(blobName);
    throw err;
  }
  return parseHoldout(buffer.toString('utf8'), `${CONTAINERS.datasets}/${blobName}`);
}

/** The reply task of a conversation: everything before its last assistant turn, and that turn as reference. */
export function replyTask(record: HoldoutRecord): { prompt: ChatMessage[]; reference: string } | undefined {
  for (let i = record.messages.length - 1; i > 0; i--) {
    if (record.messages[i].role === 'assistant') {
      const prompt = record.messages.slice(0, i);
      if (!prompt.some((m) => m.role === 'user')) return undefined;
      return { prompt, reference: record.messages[i].content };
    }
  }
  return undefined;
}
