import { recordPlace } from '../ingest/records';
import type { Conversation, SourceRef, Turn } from '../ingest/types';
import type { ConversationStage, StageResult } from '../dataset/stages';
import { contentText } from './safety';
import {
  OnePermutationHasher,
  bandKeys,
  decodeStoredSignature,
  encodeStoredSignature,
  estimateJaccard,
  exactHash,
  normaliseText,
  type Banding,
} from './minhash';

/** A conversation that was kept, remembered so later conversations of the run can be compared with it. */
export interface SignatureRecord {
  conversationId: string;
  file: string;
  line: number;
  /** Which record of its line it is, when the line held several (`SourceRef.part`). */
  part?: SourceRef['part'];
  exactHash: string;
  /**
   * MinHash signature as `encodeStoredSignature` writes it (`oph1:<base64>`; bare base64 in rows
   * written by the earlier `MinHasher`, never compared with new ones); empty when the text was too
   * short for near-duplicate matching.
   */
  signature: string;
  seenAt: string;
}

/**
 * Where the signatures of one run live: `WindowedSignatureStore` (the blob path, the blob's last
 * kept conversations in memory), `ScratchSignatureStore` on disk (`tuneloop prepare`), and
 * `MemorySignatureStore` (tests, small runs). None outlives its run: duplicates across files and
 * days are the nightly assembly's (`dataset/assemblyDedup.ts`).
 */
export interface SignatureStore {
  /** The record already holding this exact hash, if any. */
  findExact(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined>;
  /** Records sharing at least one band key. */
  findByBands(keys: string[], signal?: AbortSignal): Promise<SignatureRecord[]>;
  /**
   * Optional, for stores that can score a candidate without reading its whole record: of the
   * records `findByBands` would return that `exclude` does not reject, the one whose signature
   * scores highest at `threshold` or above (the earliest stored of equals), as the dedup stage
   * would pick it from `findByBands`.
   */
  findBest?(
    keys: string[],
    score: (signature: Uint32Array) => number,
    threshold: number,
    exclude: (record: SignatureRecord) => boolean,
    signal?: AbortSignal,
  ): Promise<{ record: SignatureRecord; similarity: number } | undefined>;
  /** Remembers a kept record. Returns the record that already holds the exact hash (another conversation), otherwise undefined. */
  add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined>;
  /** Writes anything `add` buffered; called before the run's outputs are committed. */
  flush?(signal?: AbortSignal): Promise<void>;
}

export class MemorySignatureStore implements SignatureStore {
  private readonly exact = new Map<string, SignatureRecord>();
  private readonly bands = new Map<string, SignatureRecord[]>();

  /** Records remembered. */
  get size(): number {
    return this.exact.size;
  }

  async findExact(hash: string): Promise<SignatureRecord | undefined> {
    return this.exact.get(hash);
  }

  async findByBands(keys: string[]): Promise<SignatureRecord[]> {
    const out = new Set<SignatureRecord>();
    for (const key of keys) for (const r of this.bands.get(key) ?? []) out.add(r);
    return [...out];
  }

  async add(record: SignatureRecord, keys: string[]): Promise<SignatureRecord | undefined> {
    const existing = this.exact.get(record.exactHash);
    if (existing && !sameRecord(existing, record)) return existing;
    this.exact.set(record.exactHash, record);
    for (const key of keys) {
      const list = this.bands.get(key) ?? [];
      list.push(record);
      this.bands.set(key, list);
    }
    return undefined;
  }
}

/**
 * The same record of the same file seen again (a retried blob): not a duplicate of itself. The line
 * counts too: a conversation exported twice into one file (overlapping pages of an export) is a
 * copy on another line, and a copy is what duplicate search is for.
 */
export function sameRecord(a: RecordPlace, b: RecordPlace): boolean {
  return a.conversationId === b.conversationId && a.file === b.file && a.line === b.line;
}

type RecordPlace = Pick<SignatureRecord, 'conversationId' | 'file' | 'line'>;

/**
 * Signature length and LSH bands are fixed, not derived from the threshold: signatures persist for
 * months, and band keys written under one setting must still be found after the threshold
 * changes. 20 bands × 6 rows make a pair a candidate with probability 0.92 at Jaccard 0.7, 0.998 at
 * 0.8 and 0.61 at 0.6; candidates are then checked against the configured threshold. Thresholds
 * below ~0.65 therefore lose recall (documented in docs/data-quality.md).
 */
export const SIGNATURE_BANDING: Banding = { bands: 20, rows: 6 };

export interface DedupOptions {
  store: SignatureStore;
  /** Jaccard similarity (over 7-character shingles) at or above which two conversations are near-duplicates. Default 0.8. */
  threshold?: number;
  /** Conversations with fewer shingles than this are matched exactly only. Default 3. */
  minShingles?: number;
  /**
   * Clock for `seenAt` (tests). `UNDATED` for a run whose output must not depend on the clock
   * (`tuneloop prepare`): its duplicates then name the earlier record without a time.
   */
  now?: () => Date;
}

/** The `seenAt` of a run that dates nothing (`DedupOptions.now`). */
export const UNDATED = (): Date => new Date(0);
const UNDATED_ISO = new Date(0).toISOString();

export interface DuplicateFinding {
  conversationId: string;
  file: string;
  line: number;
  kind: 'exact' | 'near';
  similarity: number;
  duplicateOf: { conversationId: string; file: string; line: number; seenAt: string };
}

/** What duplicate search needs of a conversation's text: exact hash, MinHash signature, LSH band keys. */
interface DedupFingerprint {
  hash: string;
  /** Undefined when the text has too few shingles for near-duplicate matching. */
  signature?: Uint32Array;
  keys: string[];
}

/** The record a kept conversation is remembered by. */
function signatureRecord(
  conversation: Conversation,
  { hash, signature }: Pick<DedupFingerprint, 'hash' | 'signature'>,
  seenAt: Date,
): SignatureRecord {
  return {
    conversationId: conversation.conversationId,
    file: conversation.source.file,
    line: conversation.source.line,
    ...(conversation.source.part ? { part: conversation.source.part } : {}),
    exactHash: hash,
    signature: signature ? encodeStoredSignature(signature) : '',
    seenAt: seenAt.toISOString(),
  };
}

export type DedupSummary = {
  checked: number;
  exact: number;
  near: number;
  threshold: number;
  banding: Banding;
  /** The first 200 findings, for the report. */
  duplicates: DuplicateFinding[];
};

/**
 * The text a conversation is compared on: every turn, in order (ready examples: their messages),
 * with what a tool-calling turn passed and got back: two conversations that differ only in the
 * order number a tool was called with are not copies of each other. A turn without tool calls adds
 * its text alone, so a conversation without tools has the text (and exact hash and signature) it
 * always had.
 */
export function conversationText(conversation: Conversation): string {
  if (conversation.turns.length)
    return conversation.turns.map((t) => (t.toolCalls || t.toolResults ? turnWithTools(t) : t.content)).join('\n');
  return (conversation.ready?.messages ?? []).map(messageText).join('\n');
}

/** A turn's text, then each call's function name and arguments, then each result, in the order a fine-tuning line holds them. */
function turnWithTools(turn: Turn): string {
  const parts = [turn.content];
  for (const call of turn.toolCalls ?? []) parts.push(`${call.function.name} ${call.function.arguments}`);
  for (const result of turn.toolResults ?? []) parts.push(result.content);
  return parts.join('\n');
}

type ToolCallMessage = { content?: unknown; tool_calls?: unknown; function_call?: unknown };

/**
 * The text of a chat message as duplicates are compared on it: its content, then the function name
 * and arguments of each tool call it makes (`tool_calls`, or a legacy `function_call`). A `tool`
 * message's result is its content. A message without calls is its content alone.
 */
export function messageText(message: unknown): string {
  const m = message as ToolCallMessage;
  const content = contentText(m.content);
  if (m.tool_calls === undefined && m.function_call === undefined) return content;
  const calls: unknown[] = Array.isArray(m.tool_calls)
    ? m.tool_calls.map((c) => (c as { function?: unknown } | null)?.function)
    : [m.function_call];
  const parts = [content];
  for (const call of calls) {
    if (!call || typeof call !== 'object') continue;
    const { name, arguments: args } = call as { name?: unknown; arguments?: unknown };
    parts.push(`${typeof name === 'string' ? name : ''} ${typeof args === 'string' ? args : JSON.stringify(args ?? '')}`);
  }
  return parts.join('\n');
}

export function createDedupStage(options: DedupOptions): ConversationStage {
  const threshold = options.threshold ?? 0.8;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`dedup threshold must be in (0, 1], got ${threshold}`);
  const hasher = new OnePermutationHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);
  const banding = SIGNATURE_BANDING;
  const minShingles = options.minShingles ?? 3;
  const now = options.now ?? (() => new Date());
  const summary: DedupSummary = { checked: 0, exact: 0, near: 0, threshold, banding, duplicates: [] };
  // What each file's lines count (CSV rows, sheet rows), for naming an earlier copy. Kept per file,
  // not in the signature records: every record a store holds was kept by this stage in this run,
  // and a file's unit is the same for all its records.
  const units = new Map<string, SourceRef['unit']>();

  const found = (conversation: Conversation, kind: 'exact' | 'near', similarity: number, of: SignatureRecord): StageResult => {
    // A store shared with another stage (a retried file) holds records this one did not keep: a
    // copy in the same file is still named as that file names its records.
    const unit = of.file === conversation.source.file ? conversation.source.unit : units.get(of.file);
    summary[kind]++;
    if (summary.duplicates.length < 200) {
      summary.duplicates.push({
        conversationId: conversation.conversationId,
        file: conversation.source.file,
        line: conversation.source.line,
        kind,
        similarity,
        duplicateOf: { conversationId: of.conversationId, file: of.file, line: of.line, seenAt: of.seenAt },
      });
    }
    const what = kind === 'exact' ? 'exact duplicate' : `near duplicate (estimated Jaccard ${similarity.toFixed(2)})`;
    return {
      action: 'drop',
      reason: kind === 'exact' ? 'duplicate-exact' : 'duplicate-near',
      detail: `${what} of conversation ${of.conversationId} (${recordPlace({ ...of, unit })}${of.seenAt === UNDATED_ISO ? '' : `, seen ${of.seenAt}`})`,
    };
  };

  // The pure part (normalise, hash, MinHash): runs on a preprocessing worker when there is a pool.
  const fingerprint = (conversation: Conversation): DedupFingerprint => {
    const normalised = normaliseText(conversationText(conversation));
    const signature = hasher.signatureOfText(normalised, minShingles);
    return { hash: exactHash(normalised), signature, keys: signature ? bandKeys(signature, banding) : [] };
  };

  return {
    name: 'dedup',
    // Whether a conversation is a duplicate depends on every conversation kept before it.
    ordered: true,
    prepare: fingerprint,
    // With the fingerprint, apply reads the conversation's id and source only.
    preparedSuffices: true,
    async apply(conversation: Conversation, signal?: AbortSignal, prepared?: unknown): Promise<StageResult> {
      summary.checked++;
      const { hash, signature, keys } = (prepared as DedupFingerprint | undefined) ?? fingerprint(conversation);
      const self = { conversationId: conversation.conversationId, file: conversation.source.file, line: conversation.source.line };
      // Exact first: one point read settles a repeated text (re-exported logs, re-uploaded files)
      // without the 20 band lookups.
      const exact = await options.store.findExact(hash, signal);
      if (exact && !sameRecord(exact, self)) return found(conversation, 'exact', 1, exact);

      if (signature && options.store.findBest) {
        const best = await options.store.findBest(
          keys,
          (other) => estimateJaccard(signature, other),
          threshold,
          (candidate) => sameRecord(candidate, self),
          signal,
        );
        if (best) return found(conversation, 'near', best.similarity, best.record);
      } else if (signature) {
        let best: { record: SignatureRecord; similarity: number } | undefined;
        for (const candidate of await options.store.findByBands(keys, signal)) {
          if (!candidate.signature || sameRecord(candidate, self)) continue;
          // A signature of another algorithm (a row written before `oph1`) is not comparable.
          const other = decodeStoredSignature(candidate.signature);
          if (!other) continue;
          const similarity = estimateJaccard(signature, other);
          if (similarity >= threshold && (!best || similarity > best.similarity)) best = { record: candidate, similarity };
        }
        if (best) return found(conversation, 'near', best.similarity, best.record);
      }

      const { file, unit } = conversation.source;
      if (unit !== undefined && !units.has(file)) units.set(file, unit);
      const record = signatureRecord(conversation, { hash, signature }, now());
      const raced = await options.store.add(record, keys, signal);
      if (raced) return found(conversation, 'exact', 1, raced);
      return { action: 'keep', conversation };
    },
    summary(): DedupSummary {
      return { ...summary, duplicates: [...summary.duplicates] };
    },
  };
}
