import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Conversation } from '../ingest/types';
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
import { isStatus, TuneloopError } from '../errors';

/** A conversation that was kept, remembered so later files (and later days) can be compared with it. */
export interface SignatureRecord {
  conversationId: string;
  file: string;
  line: number;
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
  /** Writes anything `add` buffered (the table store batches band rows); call before the invocation ends. */
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

interface SignatureEntity extends Omit<SignatureRecord, 'line'> {
  /** Written as a number; a row typed by hand or by another writer can hold it as a string (hence `Number` on read). */
  line: number | string;
  partitionKey: string;
  rowKey: string;
}

/** Row key of exact rows written before they were keyed by their hash (read as a fallback only). */
const LEGACY_EXACT_ROW_KEY = '-';

/** Exact hashes per band-bucket property: binary properties (limit 64 KiB) of 16-byte hashes. */
const HASHES_PER_PROPERTY = 4000;
/** Properties per bucket row (h0…h14): 15 × 64 KiB stays under the 1 MiB entity limit. */
const BUCKET_PROPERTIES = 15;
const BUCKET_CAPACITY = HASHES_PER_PROPERTY * BUCKET_PROPERTIES;
/** Operations per entity group transaction (the service's limit). */
const TRANSACTION_SIZE = 100;
/** Payload budget per transaction (the service allows 4 MiB). */
const TRANSACTION_BYTES = 3 * 1024 * 1024;
/** Records of exact rows kept per invocation before the cache starts over (memory bound for huge blobs). */
const RECORD_CACHE_SIZE = 20000;

interface Bucket {
  partitionKey: string;
  rowKey: string;
  /** ETag of the row as last read or written; undefined when the row did not exist. */
  etag?: string;
  hashes: Set<string>;
}

export interface TableSignatureStoreOptions {
  /**
   * Band-bucket additions are written in entity group transactions once a band partition holds
   * this many pending buckets (and on `flush`). Default 100, the transaction limit.
   */
  flushAfter?: number;
  /**
   * …or once the oldest pending addition is this old (checked when a record is added), so blobs
   * processed at the same time see each other's bands within about this delay. Default 250 ms.
   */
  maxPendingMs?: number;
  /** Attempts of one transaction when concurrent writers changed its buckets (412/409) meanwhile. Default 8. */
  maxConflictRetries?: number;
}

/** A band bucket could not be written after repeated conflicts with concurrent writers. */
export class SignatureStoreConflictError extends TuneloopError {
  constructor(partitionKey: string, attempts: number, cause: unknown) {
    super(
      `dedup signatures: band partition ${partitionKey} kept changing under ${attempts} attempts to write it ` +
        '(many concurrent preprocess invocations?); the blob will be retried',
      { cause, retryable: true },
    );
  }
}

/**
 * Table layout (since the preprocessBlob speed work; rows of the earlier layout, one row per band
 * key and record in partition `b-<band key>`, are not read and were never migrated, as no
 * deployment held any):
 * - one row per exact hash (partition `x-<hash>`, row `<hash>`; `exactRowAddress`) with the whole record, created with
 *   `createEntity` so two concurrent writers cannot both claim the same text; written at once;
 * - one bucket row per LSH band key (partition `b<band index>`, row = band hash) listing the exact
 *   hashes of the kept records in that band as 16-byte binary values. A lookup is 20 point reads
 *   (one per band) plus a cached point read of each candidate's exact row. Because a band
 *   partition holds the buckets of many records, additions are buffered and written as entity
 *   group transactions of up to 100 buckets, each conditional on the ETag last read (a
 *   concurrent writer's change makes the transaction fail; the buckets are re-read, merged and
 *   written again). Hashes are only ever added, so merging is a union.
 *
 * Call `flush` before the invocation ends: until then the bands of the last kept records (up to
 * 100, at most ~250 ms old) are visible to this store only, not to other invocations processing
 * blobs at the same time. The exact-hash claim is not buffered. A bucket holds at most 60,000 hashes; a record whose band bucket is full is kept out
 * of that bucket only (it stays findable through its other 19 bands).
 */
export class TableSignatureStore implements SignatureStore {
  private readonly flushAfter: number;
  private readonly maxConflictRetries: number;
  private readonly maxPendingMs: number;
  /** When the oldest unwritten addition was made (performance.now()), undefined when none is pending. */
  private pendingSince: number | undefined;
  /** Exact rows never change once created, so they are cached for the invocation. */
  private readonly records = new Map<string, SignatureRecord>();
  /** Buckets read by the latest `findByBands`, so `add` can write them without reading again. */
  private lastRead = new Map<string, Bucket>();
  /** Buckets with additions not yet written, by band key. */
  private readonly pending = new Map<string, Bucket>();

  constructor(
    private readonly table: TableClient,
    options: TableSignatureStoreOptions = {},
  ) {
    this.flushAfter = Math.max(1, Math.min(TRANSACTION_SIZE, options.flushAfter ?? TRANSACTION_SIZE));
    this.maxConflictRetries = Math.max(1, options.maxConflictRetries ?? 8);
    this.maxPendingMs = Math.max(0, options.maxPendingMs ?? 250);
  }

  async findExact(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    const cached = this.records.get(hash);
    if (cached) return cached;
    const record = await readExactRow(this.table, hash, signal);
    if (record) this.remember(record);
    return record;
  }

  async findByBands(keys: string[], signal?: AbortSignal): Promise<SignatureRecord[]> {
    const buckets = await Promise.all(keys.map((key) => this.readBucket(key, signal)));
    this.lastRead = new Map(keys.map((key, i) => [key, buckets[i]]));
    const hashes = new Set<string>();
    for (const bucket of buckets) for (const h of bucket.hashes) hashes.add(h);
    const records = await Promise.all(
      [...hashes].map(async (h) => (await this.findExact(h, signal)) ?? (await this.findLegacyRecord(h, signal))),
    );
    return records.filter((r): r is SignatureRecord => r !== undefined);
  }

  /**
   * A record stored under the earlier exact row key `-` (before rows were keyed by their hash).
   * Read only for a band candidate whose row is missing, so conversations stored before the
   * change are still found as near (or, at similarity 1, exact) duplicates, at no cost otherwise.
   */
  private async findLegacyRecord(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      const record = toRecord(await this.table.getEntity<SignatureEntity>(`x-${hash}`, LEGACY_EXACT_ROW_KEY, { abortSignal: signal }));
      this.remember(record);
      return record;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      await this.table.createEntity<SignatureEntity>({ ...exactRowAddress(record.exactHash), ...record }, { abortSignal: signal });
      this.remember(record);
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const existing = await this.findExact(record.exactHash, signal);
      if (existing && !sameRecord(existing, record)) return existing;
    }
    for (const key of keys) {
      const bucket = this.pending.get(key) ?? this.lastRead.get(key) ?? (await this.readBucket(key, signal));
      // A retried blob finds its own hashes already there: nothing to write.
      if (bucket.hashes.has(record.exactHash) || bucket.hashes.size >= BUCKET_CAPACITY) continue;
      bucket.hashes.add(record.exactHash);
      this.pending.set(key, bucket);
      this.pendingSince ??= performance.now();
    }
    if (this.pendingSince !== undefined && performance.now() - this.pendingSince >= this.maxPendingMs) {
      await this.flush(signal);
      return undefined;
    }
    const full = new Set<string>();
    const perPartition = new Map<string, number>();
    for (const bucket of this.pending.values()) {
      const n = (perPartition.get(bucket.partitionKey) ?? 0) + 1;
      perPartition.set(bucket.partitionKey, n);
      if (n >= this.flushAfter) full.add(bucket.partitionKey);
    }
    if (full.size) await this.flushPartitions(full, signal);
    return undefined;
  }

  /** Writes every buffered band-bucket addition; call before the invocation ends. */
  async flush(signal?: AbortSignal): Promise<void> {
    await this.flushPartitions(new Set([...this.pending.values()].map((b) => b.partitionKey)), signal);
    this.pendingSince = undefined;
  }

  private async flushPartitions(partitions: Set<string>, signal?: AbortSignal): Promise<void> {
    const groups = new Map<string, [string, Bucket][]>();
    for (const [key, bucket] of this.pending) {
      if (!partitions.has(bucket.partitionKey)) continue;
      const group = groups.get(bucket.partitionKey) ?? [];
      group.push([key, bucket]);
      groups.set(bucket.partitionKey, group);
    }
    await Promise.all(
      [...groups].map(async ([partitionKey, entries]) => {
        for (const chunk of transactionChunks(entries)) {
          await this.writeBuckets(
            partitionKey,
            chunk.map(([, b]) => b),
            signal,
          );
          for (const [key] of chunk) this.pending.delete(key);
        }
      }),
    );
    if (!this.pending.size) this.pendingSince = undefined;
  }

  private async writeBuckets(partitionKey: string, buckets: Bucket[], signal?: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const actions: TransactionAction[] = buckets.map((b) => {
        const entity = { partitionKey: b.partitionKey, rowKey: b.rowKey, ...encodeBucketHashes(b.hashes) };
        return b.etag ? ['update', entity, 'Replace', { etag: b.etag }] : ['create', entity];
      });
      try {
        const response = await this.table.submitTransaction(actions, { abortSignal: signal });
        for (const b of buckets) b.etag = response.getResponseForEntity(b.rowKey)?.etag ?? b.etag;
        return;
      } catch (err) {
        if (!isStatus(err, 409) && !isStatus(err, 412)) throw err;
        if (attempt >= this.maxConflictRetries) throw new SignatureStoreConflictError(partitionKey, attempt, err);
        // Somebody else wrote one of these buckets since we read it: take theirs and add ours again.
        await Promise.all(
          buckets.map(async (b) => {
            const fresh = await this.fetchBucket(b.partitionKey, b.rowKey, signal);
            b.etag = fresh.etag;
            for (const h of fresh.hashes) b.hashes.add(h);
            if (b.hashes.size > BUCKET_CAPACITY) b.hashes = new Set([...b.hashes].slice(0, BUCKET_CAPACITY));
          }),
        );
      }
    }
  }

  /** The bucket of a band key as stored, merged with this invocation's unwritten additions. */
  private async readBucket(key: string, signal?: AbortSignal): Promise<Bucket> {
    const { partitionKey, rowKey } = bucketAddress(key);
    const fresh = await this.fetchBucket(partitionKey, rowKey, signal);
    const pending = this.pending.get(key);
    if (!pending) return fresh;
    pending.etag = fresh.etag;
    for (const h of fresh.hashes) if (pending.hashes.size < BUCKET_CAPACITY) pending.hashes.add(h);
    return pending;
  }

  private async fetchBucket(partitionKey: string, rowKey: string, signal?: AbortSignal): Promise<Bucket> {
    try {
      const entity = await this.table.getEntity(partitionKey, rowKey, { abortSignal: signal });
      return { partitionKey, rowKey, etag: entity.etag, hashes: decodeBucketHashes(entity) };
    } catch (err) {
      if (isStatus(err, 404)) return { partitionKey, rowKey, hashes: new Set() };
      throw err;
    }
  }

  private remember(record: SignatureRecord): void {
    if (this.records.size >= RECORD_CACHE_SIZE) this.records.clear();
    this.records.set(record.exactHash, record);
  }
}

/**
 * Transactions of at most 100 buckets and about 3 MiB of hashes (base64 on the wire), under the
 * service's 4 MiB payload limit even when a few buckets are large.
 */
function transactionChunks<T extends [string, Bucket]>(entries: T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Math.ceil((entry[1].hashes.size * 16 * 4) / 3) + 512;
    if (current.length && (current.length >= TRANSACTION_SIZE || bytes + size > TRANSACTION_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * The row holding the record of an exact hash: partition `x-<hash>`, row `<hash>`. The row key
 * repeats the hash rather than being a constant: Azurite (LokiJS) resolves a point read through
 * its RowKey index first, so a constant row key made every exact lookup scan all exact rows and
 * the per-conversation cost grow with the table; Azure itself serves either in constant time.
 * Exported for benchmarks that seed the table.
 */
export function exactRowAddress(hash: string): { partitionKey: string; rowKey: string } {
  return { partitionKey: `x-${hash}`, rowKey: hash };
}

/** Band key `<band index>-<band hash>` (from `bandKeys`) → bucket row address (exported for benchmarks that seed the table). */
export function bucketAddress(key: string): { partitionKey: string; rowKey: string } {
  const dash = key.indexOf('-');
  if (dash <= 0) throw new Error(`dedup signatures: malformed band key "${key}" (expected <band index>-<band hash>)`);
  return { partitionKey: `b${key.slice(0, dash)}`, rowKey: key.slice(dash + 1) };
}

/** Bucket properties `h0`, `h1`, … for a set of 32-hex-digit exact hashes (exported for tests). */
export function encodeBucketHashes(hashes: Set<string>): Record<string, Uint8Array> {
  const all = [...hashes];
  const out: Record<string, Uint8Array> = {};
  for (let p = 0; p * HASHES_PER_PROPERTY < all.length && p < BUCKET_PROPERTIES; p++) {
    const slice = all.slice(p * HASHES_PER_PROPERTY, (p + 1) * HASHES_PER_PROPERTY);
    out[`h${p}`] = new Uint8Array(Buffer.from(slice.join(''), 'hex'));
  }
  return out;
}

/** The exact hashes of a bucket row as read from the table (exported for tests). */
export function decodeBucketHashes(entity: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < BUCKET_PROPERTIES; p++) {
    const value = entity[`h${p}`];
    if (!(value instanceof Uint8Array)) break;
    const hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    for (let i = 0; i < hex.length; i += 32) out.add(hex.slice(i, i + 32));
  }
  return out;
}

/** The exact row of a text hash (table `dedupsignatures`), or undefined when no conversation claimed it. */
export async function readExactRow(table: TableClient, hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
  try {
    const { partitionKey, rowKey } = exactRowAddress(hash);
    return toRecord(await table.getEntity<SignatureEntity>(partitionKey, rowKey, { abortSignal: signal }));
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
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

/** The same conversation of the same file seen again (a retried blob): not a duplicate of itself. */
function sameRecord(a: { conversationId: string; file: string }, b: { conversationId: string; file: string }): boolean {
  return a.conversationId === b.conversationId && a.file === b.file;
}

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

/** The text a conversation is compared on: every turn, in order (ready examples: their messages). */
export function conversationText(conversation: Conversation): string {
  if (conversation.turns.length) return conversation.turns.map((t) => t.content).join('\n');
  return (conversation.ready?.messages ?? []).map((m) => contentText((m as { content?: unknown }).content)).join('\n');
}

export function createDedupStage(options: DedupOptions): ConversationStage {
  const threshold = options.threshold ?? 0.8;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`dedup threshold must be in (0, 1], got ${threshold}`);
  const hasher = new OnePermutationHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);
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
    async apply(conversation: Conversation, signal?: AbortSignal, prepared?: unknown): Promise<StageResult> {
      summary.checked++;
      const { hash, signature, keys } = (prepared as DedupFingerprint | undefined) ?? fingerprint(conversation);
      const self = { conversationId: conversation.conversationId, file: conversation.source.file };
      // Exact first: one point read settles a repeated text (re-exported logs, re-uploaded files)
      // without the 20 band lookups.
      const exact = await options.store.findExact(hash, signal);
      if (exact && !sameRecord(exact, self)) return found(conversation, 'exact', 1, exact);

      if (signature) {
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
