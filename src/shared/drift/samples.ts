import type { ContainerClient } from '@azure/storage-blob';
import type { StorageClients } from '../storage/clients';
import { CONTAINERS } from '../storage/names';
import { readLines } from '../dataset/blobLines';
import { curatedRecordSchema, type CuratedRecord } from '../dataset/assembly';
import { normaliseIntentLabel } from '../dataset/intentTask';
import { unigramTokens } from './metrics';
import { isStatus } from '../errors';
import { detectConversationLanguage } from '../language/detect';

/** What drift needs from one curated conversation. */
export interface ConversationSample {
  conversationId: string;
  /** Normalised like intent labels (trimmed, lower case). */
  issueType?: string;
  csat?: number;
  /** The example's token count as preprocessing measured it (the `tokens` field of the shard line). */
  tokens: number;
  /** User and assistant messages (system messages are tuneloop's own and left out). */
  turns: number;
  /** The customer's words: unigram tokens of the user messages. */
  userTokens: string[];
  /**
   * The conversation's language as preprocessing detected it (the shard line's `language`), or
   * detected here from the customer's messages for shards written before languages were recorded.
   */
  language?: string;
  /** The curated record (for the model-quality check: reply and intent tasks). */
  record: CuratedRecord;
}

/** A blob line drift could not read: file, line and reason (the rest of the blob is still used). */
export interface SampleProblem {
  file: string;
  line: number;
  reason: string;
}

export interface DriftSample {
  conversations: ConversationSample[];
  /** Curated records used for training of any kind except derived intent examples (records in = used + quarantined). */
  recordsUsed: number;
  recordsQuarantined: number;
  shards: string[];
  problems: SampleProblem[];
}

export interface BlobTimeFilter {
  /** Only blobs last modified at or after this instant (inclusive). */
  from?: Date;
  /** Only blobs last modified before this instant (exclusive). */
  before?: Date;
  /** Only blobs last modified at or before this instant (inclusive). */
  notAfter?: Date;
}

export interface ReadSampleOptions extends BlobTimeFilter {
  /** Only records of these splits (default: all). */
  splits?: readonly CuratedRecord['split'][];
  signal?: AbortSignal;
}

function inWindow(modified: Date | undefined, filter: BlobTimeFilter): boolean {
  const t = modified?.getTime() ?? 0;
  if (filter.from && t < filter.from.getTime()) return false;
  if (filter.before && t >= filter.before.getTime()) return false;
  if (filter.notAfter && t > filter.notAfter.getTime()) return false;
  return true;
}

async function listShards(
  container: ContainerClient,
  filter: BlobTimeFilter,
  signal?: AbortSignal,
): Promise<{ name: string; modified: number }[]> {
  const shards: { name: string; modified: number }[] = [];
  try {
    for await (const blob of container.listBlobsFlat({ abortSignal: signal })) {
      if (!blob.name.endsWith('.jsonl')) continue;
      if (!inWindow(blob.properties.lastModified, filter)) continue;
      shards.push({ name: blob.name, modified: blob.properties.lastModified.getTime() });
    }
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
  // Oldest first: for a conversation found in several shards (a re-uploaded file), the newest wins, as in assembly.
  return shards.sort((a, b) => a.modified - b.modified || a.name.localeCompare(b.name));
}

/** Last-modified time of the oldest curated shard, or undefined when there is none. */
export async function oldestCuratedShardTime(storage: StorageClients, signal?: AbortSignal): Promise<Date | undefined> {
  const shards = await listShards(storage.container(CONTAINERS.curated), {}, signal);
  return shards.length ? new Date(shards[0].modified) : undefined;
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join(' ');
  }
  return '';
}

export function conversationSample(record: CuratedRecord, storedLanguage?: string): ConversationSample {
  const messages = record.example.messages as { role?: unknown; content?: unknown }[];
  const dialogue = messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  const issue = typeof record.issue_type === 'string' ? normaliseIntentLabel(record.issue_type) : '';
  const userTexts = dialogue.filter((m) => m.role === 'user').map((m) => messageText(m.content));
  const allTexts = dialogue.map((m) => messageText(m.content));
  return {
    conversationId: record.conversation_id,
    issueType: issue || undefined,
    csat: typeof record.csat === 'number' && Number.isFinite(record.csat) ? record.csat : undefined,
    tokens: record.tokens,
    turns: dialogue.length,
    userTokens: userTexts.flatMap((text) => unigramTokens(text)),
    language: storedLanguage ?? storedLanguageOf(record) ?? detectConversationLanguage(userTexts, allTexts).code,
    record,
  };
}

function storedLanguageOf(record: CuratedRecord): string | undefined {
  const language = (record as { language?: unknown }).language;
  return typeof language === 'string' && language ? language : undefined;
}

/**
 * Reads the curated shards (and quarantine files) whose blobs were last modified inside the time
 * filter. Drift looks at customer conversations only: `kind: "conversation"` records; FAQ entries,
 * ready-made examples and the derived intent-labelling examples are not customer traffic.
 */
export async function readDriftSample(storage: StorageClients, options: ReadSampleOptions = {}): Promise<DriftSample> {
  const curated = storage.container(CONTAINERS.curated);
  const shards = await listShards(curated, options, options.signal);
  const problems: SampleProblem[] = [];
  const byConversation = new Map<string, ConversationSample>();
  let recordsUsed = 0;
  for (const shard of shards) {
    let lineNumber = 0;
    for await (const line of readLines(curated.getBlobClient(shard.name), options.signal)) {
      lineNumber++;
      if (!line.trim()) continue;
      let record: CuratedRecord;
      let language: string | undefined;
      try {
        const raw = JSON.parse(line) as { language?: unknown };
        record = curatedRecordSchema.parse(raw);
        if (typeof raw.language === 'string' && raw.language) language = raw.language;
      } catch (err) {
        const reason =
          err instanceof SyntaxError
            ? `not JSON (${err.message})`
            : `not a curated record (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 200)})`;
        problems.push({ file: `${CONTAINERS.curated}/${shard.name}`, line: lineNumber, reason });
        continue;
      }
      if (record.kind !== 'intent') recordsUsed++;
      if (record.kind !== 'conversation') continue;
      if (options.splits && !options.splits.includes(record.split)) continue;
      byConversation.set(record.conversation_id, conversationSample(record, language));
    }
  }
  let recordsQuarantined = 0;
  const quarantine = storage.container(CONTAINERS.quarantine);
  for (const blob of await listShards(quarantine, options, options.signal)) {
    for await (const line of readLines(quarantine.getBlobClient(blob.name), options.signal)) {
      if (line.trim() && !isSessionLine(line)) recordsQuarantined++;
    }
  }
  return { conversations: [...byConversation.values()], recordsUsed, recordsQuarantined, shards: shards.map((s) => s.name), problems };
}

/**
 * A quarantine line of a session left out of a used chat (`QuarantineRecord.session`): the chat
 * itself counts as used, so the line is no record of the quarantine share.
 */
function isSessionLine(line: string): boolean {
  // `session` is written before `record`, so only the head needs a look, not the record's text.
  const head = line.slice(0, Math.max(0, line.indexOf('"record":')));
  if (!head.includes('"session":')) return false;
  try {
    return typeof (JSON.parse(line) as { session?: unknown }).session === 'number';
  } catch {
    return false;
  }
}
