import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { Conversation } from '../ingest/types';
import type { ConversationStage, StageResult } from '../dataset/stages';
import { contentText } from './safety';
import {
  MinHasher,
  bandKeys,
  decodeSignature,
  encodeSignature,
  estimateJaccard,
  exactHash,
  normaliseText,
  shingles,
  type Banding,
} from './minhash';

/** A conversation that was kept, remembered so later files (and later days) can be compared with it. */
export interface SignatureRecord {
  conversationId: string;
  file: string;
  line: number;
  exactHash: string;
  /** Base64 MinHash signature (empty when the text was too short for near-duplicate matching). */
  signature: string;
  seenAt: string;
}

/**
 * Where signatures live. `TableSignatureStore` persists them in table `dedupsignatures` (so the
 * blob trigger compares today's file with last month's); `MemorySignatureStore` serves `tuneloop
 * prepare`, which looks at local files only.
 */
export interface SignatureStore {
  /** The record already holding this exact hash, if any. */
  findExact(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined>;
  /** Records sharing at least one band key. */
  findByBands(keys: string[], signal?: AbortSignal): Promise<SignatureRecord[]>;
  /**
   * Remembers a kept record. Returns the record that already holds the exact hash when another
   * writer got there first (a concurrent preprocess of another blob), otherwise undefined.
   */
  add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined>;
}

export class MemorySignatureStore implements SignatureStore {
  private readonly exact = new Map<string, SignatureRecord>();
  private readonly bands = new Map<string, SignatureRecord[]>();

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

interface SignatureEntity {
  partitionKey: string;
  rowKey: string;
  conversationId: string;
  file: string;
  line: number;
  exactHash: string;
  signature: string;
  seenAt: string;
}

/**
 * Table layout: one row per exact hash (partition `x-<hash>`, row `-`), created with
 * `createEntity` so two concurrent writers cannot both claim the same text; and one row per band
 * key (partition `b-<band>-<hash>`, row = hash of file + conversation id), read with a
 * single-partition query.
 */
export class TableSignatureStore implements SignatureStore {
  constructor(private readonly table: TableClient) {}

  async findExact(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      const entity = await this.table.getEntity<SignatureEntity>(`x-${hash}`, '-', { abortSignal: signal });
      return toRecord(entity);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async findByBands(keys: string[], signal?: AbortSignal): Promise<SignatureRecord[]> {
    const found = new Map<string, SignatureRecord>();
    await Promise.all(
      keys.map(async (key) => {
        const rows = this.table.listEntities<SignatureEntity>({
          queryOptions: { filter: `PartitionKey eq '${`b-${key}`}'` },
          abortSignal: signal,
        });
        for await (const row of rows) found.set(row.rowKey, toRecord(row));
      }),
    );
    return [...found.values()];
  }

  async add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      await this.table.createEntity<SignatureEntity>(
        { partitionKey: `x-${record.exactHash}`, rowKey: '-', ...record },
        { abortSignal: signal },
      );
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const existing = await this.findExact(record.exactHash, signal);
      if (existing && !sameRecord(existing, record)) return existing;
    }
    const rowKey = createHash('sha1').update(`${record.file}\n${record.conversationId}`).digest('hex');
    await Promise.all(
      keys.map((key) =>
        this.table.upsertEntity<SignatureEntity>(
          { partitionKey: `b-${key}`, rowKey, ...record },
          'Replace',
          { abortSignal: signal },
        ),
      ),
    );
    return undefined;
  }
}

function toRecord(e: SignatureEntity): SignatureRecord {
  return {
    conversationId: e.conversationId,
    file: e.file,
    line: Number(e.line),
    exactHash: e.exactHash,
    signature: e.signature,
    seenAt: e.seenAt,
  };
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** The same conversation of the same file seen again (a retried blob): not a duplicate of itself. */
function sameRecord(a: { conversationId: string; file: string }, b: { conversationId: string; file: string }): boolean {
  return a.conversationId === b.conversationId && a.file === b.file;
}

/**
 * Signature length and LSH bands are fixed, not derived from the threshold: signatures persist for
 * months, and band keys written under one setting must still be found after the threshold
 * changes. 20 bands × 6 rows make a pair a candidate with probability 0.92 at Jaccard 0.7, 0.998 at
 * 0.8 and 0.61 at 0.6; candidates are then checked against the configured threshold. Thresholds
 * below ~0.65 therefore lose recall (documented in the README).
 */
export const SIGNATURE_BANDING: Banding = { bands: 20, rows: 6 };

export interface DedupOptions {
  store: SignatureStore;
  /** Jaccard similarity (over 3-word shingles) at or above which two conversations are near-duplicates. Default 0.8. */
  threshold?: number;
  /** Conversations with fewer shingles than this are matched exactly only. Default 3. */
  minShingles?: number;
  /** Clock for `seenAt` (tests). */
  now?: () => Date;
}

export interface DuplicateFinding {
  conversationId: string;
  file: string;
  line: number;
  kind: 'exact' | 'near';
  similarity: number;
  duplicateOf: { conversationId: string; file: string; line: number; seenAt: string };
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

/** The text a conversation is compared on: every turn, in order (ready examples: their messages). */
export function conversationText(conversation: Conversation): string {
  if (conversation.turns.length) return conversation.turns.map((t) => t.content).join('\n');
  return (conversation.ready?.messages ?? [])
    .map((m) => contentText((m as { content?: unknown }).content))
    .join('\n');
}

export function createDedupStage(options: DedupOptions): ConversationStage {
  const threshold = options.threshold ?? 0.8;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`dedup threshold must be in (0, 1], got ${threshold}`);
  const hasher = new MinHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);
  const banding = SIGNATURE_BANDING;
  const minShingles = options.minShingles ?? 3;
  const now = options.now ?? (() => new Date());
  const summary: DedupSummary = { checked: 0, exact: 0, near: 0, threshold, banding, duplicates: [] };

  const found = (conversation: Conversation, kind: 'exact' | 'near', similarity: number, of: SignatureRecord): StageResult => {
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
      detail: `${what} of conversation ${of.conversationId} (${of.file} line ${of.line}, seen ${of.seenAt})`,
    };
  };

  return {
    name: 'dedup',
    async apply(conversation: Conversation, signal?: AbortSignal): Promise<StageResult> {
      summary.checked++;
      const normalised = normaliseText(conversationText(conversation));
      const hash = exactHash(normalised);
      const self = { conversationId: conversation.conversationId, file: conversation.source.file };
      const exact = await options.store.findExact(hash, signal);
      if (exact && !sameRecord(exact, self)) return found(conversation, 'exact', 1, exact);

      const shingleSet = shingles(normalised);
      let signature: Uint32Array | undefined;
      let keys: string[] = [];
      if (shingleSet.size >= minShingles) {
        signature = hasher.signature(shingleSet);
        keys = bandKeys(signature, banding);
        let best: { record: SignatureRecord; similarity: number } | undefined;
        for (const candidate of await options.store.findByBands(keys, signal)) {
          if (!candidate.signature || sameRecord(candidate, self)) continue;
          const similarity = estimateJaccard(signature, decodeSignature(candidate.signature));
          if (similarity >= threshold && (!best || similarity > best.similarity)) best = { record: candidate, similarity };
        }
        if (best) return found(conversation, 'near', best.similarity, best.record);
      }

      const record: SignatureRecord = {
        ...self,
        line: conversation.source.line,
        exactHash: hash,
        signature: signature ? encodeSignature(signature) : '',
        seenAt: now().toISOString(),
      };
      const raced = await options.store.add(record, keys, signal);
      if (raced) return found(conversation, 'exact', 1, raced);
      return { action: 'keep', conversation };
    },
    summary(): DedupSummary {
      return { ...summary, duplicates: [...summary.duplicates] };
    },
  };
}
