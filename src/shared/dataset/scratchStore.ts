import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Feedback } from '../ingest/types';
import type { SignatureRecord, SignatureStore } from '../quality/dedup';
import type { FeedbackStore, StoredFeedback } from './feedbackStore';

/**
 * A scratch database on disk for `tuneloop prepare` (node:sqlite, built into Node 22): duplicate
 * signatures, feedback and the training split's balance keys live there instead of in memory, so
 * memory stays flat from megabytes to gigabytes of input. Durability is not wanted (the file is
 * deleted at the end), so journaling and syncing are off; the page cache is bounded.
 */
export function openScratchDatabase(path: string): DatabaseSync {
  const { DatabaseSync: Database } = loadSqlite();
  const db = new Database(path);
  db.exec(`
    PRAGMA journal_mode = OFF;
    PRAGMA synchronous = OFF;
    PRAGMA temp_store = FILE;
    PRAGMA cache_size = -16000;
  `);
  return db;
}

/** node:sqlite without its one-time "experimental" warning on stderr (the CLI's output is for the user). */
function loadSqlite(): typeof import('node:sqlite') {
  // Kept to be put back unchanged below, and only ever called with `process` as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = process.emitWarning;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    if (((warning as { message?: string } | null | undefined)?.message ?? String(warning)).includes('SQLite')) return;
    return (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * Groups writes into transactions of `size` (one transaction per statement would write the
 * page again each time).
 */
export class WriteBatcher {
  private pending = 0;
  constructor(
    private readonly db: DatabaseSync,
    private readonly size = 2000,
  ) {}
  write(fn: () => void): void {
    if (this.pending === 0) this.db.exec('BEGIN');
    fn();
    if (++this.pending >= this.size) this.commit();
  }
  commit(): void {
    if (this.pending === 0) return;
    this.db.exec('COMMIT');
    this.pending = 0;
  }
}

/**
 * A fixed-size Bloom filter over strings: "certainly absent" or "maybe present". Duplicate search
 * asks about every conversation's exact hash and 20 band keys, and almost every answer is "not
 * there"; the filter gives that answer without a SQLite statement. Its size is fixed (so memory
 * stays flat); as it fills, more answers are "maybe" and go to the database as before, so a false
 * positive costs a query, never a wrong result.
 */
export class StringBloomFilter {
  private readonly bits: Uint32Array;
  /** Blocks of 16 words (512 bits), less one. */
  private readonly blockMask: number;

  /** `log2Bits`: 26 = 64 Mi bits (8 MB): a few % false positives per key at 10 million keys. */
  constructor(log2Bits = 26) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.blockMask = 2 ** (log2Bits - 9) - 1;
  }

  /** `domain` (a small number) keeps equal strings of different kinds apart. */
  add(key: string, domain = 0): void {
    this.hash(key, domain);
    // Every probe of a key falls in one 64-byte block: one cache miss per key, not one per probe.
    const block = (this.h1 & this.blockMask) << 4;
    let h = this.h2;
    for (let i = 0; i < BLOOM_PROBES; i++, h >>>= 9) this.bits[block | ((h >>> 5) & 15)] |= 1 << (h & 31);
  }

  mayContain(key: string, domain = 0): boolean {
    this.hash(key, domain);
    const block = (this.h1 & this.blockMask) << 4;
    let h = this.h2;
    for (let i = 0; i < BLOOM_PROBES; i++, h >>>= 9) {
      if ((this.bits[block | ((h >>> 5) & 15)] & (1 << (h & 31))) === 0) return false;
    }
    return true;
  }

  private h1 = 0;
  private h2 = 0;

  /** Two 32-bit hashes of a string (FNV-1a and a multiplicative one): the block, and 9 bits per probe in it. */
  private hash(key: string, domain: number): void {
    let a = Math.imul(0x811c9dc5 ^ domain, 0x01000193);
    let b = Math.imul(0x9e3779b1 ^ domain, 0x5bd1e995);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.h1 = a >>> 0;
    this.h2 = b >>> 0;
  }
}

const BLOOM_PROBES = 3;
const EXACT = 1;
const BAND = 2;

/** Duplicate signatures of one `prepare` run, on disk (the blob path keeps a window of them in memory, `WindowedSignatureStore`). */
export class ScratchSignatureStore implements SignatureStore {
  private readonly getExact: StatementSync;
  private readonly insertExact: StatementSync;
  /** One statement per number of band keys: a conversation's band rows go in with one call. */
  private readonly bandInserts = new Map<number, StatementSync>();
  private readonly bandQueries = new Map<number, StatementSync>();
  /** Exact hashes and band keys stored so far, to skip lookups that must miss. */
  private readonly stored: StringBloomFilter;

  constructor(
    private readonly db: DatabaseSync,
    private readonly batch: WriteBatcher,
    options: { bloomLog2Bits?: number } = {},
  ) {
    // Band keys as integers (band and high 32 bits of the band hash, low 32 bits), the exact hash
    // found through an integer of its first 52 bits and checked in full: integer B-trees are
    // smaller and cheaper to search than ones of hex strings.
    db.exec(`
      CREATE TABLE signatures (seq INTEGER PRIMARY KEY, hash_key INTEGER, hash TEXT, conversation_id TEXT, file TEXT, line INTEGER, signature TEXT, seen_at TEXT);
      CREATE INDEX signatures_hash ON signatures (hash_key);
      CREATE TABLE bands (band_high INTEGER, band_low INTEGER, seq INTEGER, PRIMARY KEY (band_high, band_low, seq)) WITHOUT ROWID;
    `);
    this.getExact = db.prepare('SELECT * FROM signatures WHERE hash_key = ? AND hash = ?');
    this.insertExact = db.prepare(
      'INSERT INTO signatures (hash_key, hash, conversation_id, file, line, signature, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.stored = new StringBloomFilter(options.bloomLog2Bits);
  }

  async findExact(hash: string): Promise<SignatureRecord | undefined> {
    return this.exactRecord(hash);
  }

  async findByBands(keys: string[]): Promise<SignatureRecord[]> {
    // Keys the filter has never seen cannot match; the query asks only about the rest.
    const maybe = keys.filter((key) => this.stored.mayContain(key, BAND));
    if (!maybe.length) return [];
    let query = this.bandQueries.get(maybe.length);
    if (!query) {
      const terms = maybe.map(() => '(band_high = ? AND band_low = ?)').join(' OR ');
      query = this.db.prepare(`SELECT s.* FROM signatures s WHERE s.seq IN (SELECT seq FROM bands WHERE ${terms}) ORDER BY s.seq`);
      this.bandQueries.set(maybe.length, query);
    }
    const values: number[] = [];
    for (const key of maybe) pushBandKey(values, key);
    return (query.all(...values) as Record<string, string | number>[]).map(toRecord);
  }

  async add(record: SignatureRecord, keys: string[]): Promise<SignatureRecord | undefined> {
    const existing = this.exactRecord(record.exactHash);
    if (existing) {
      if (existing.conversationId !== record.conversationId || existing.file !== record.file) return existing;
      return undefined;
    }
    // Checked before anything is written: a key that cannot be filed leaves no half-stored record.
    const bands: (number | bigint)[] = [];
    for (const key of keys) {
      pushBandKey(bands, key);
      bands.push(0);
    }
    this.batch.write(() => {
      const { lastInsertRowid } = this.insertExact.run(
        hashKey(record.exactHash),
        record.exactHash,
        record.conversationId,
        record.file,
        record.line,
        record.signature,
        record.seenAt,
      );
      if (keys.length) {
        for (let i = 2; i < bands.length; i += 3) bands[i] = lastInsertRowid;
        this.bandInsert(keys.length).run(...bands);
      }
    });
    this.stored.add(record.exactHash, EXACT);
    for (const key of keys) this.stored.add(key, BAND);
    return undefined;
  }

  private bandInsert(count: number): StatementSync {
    let statement = this.bandInserts.get(count);
    if (!statement) {
      statement = this.db.prepare(`INSERT OR IGNORE INTO bands VALUES ${Array.from({ length: count }, () => '(?, ?, ?)').join(', ')}`);
      this.bandInserts.set(count, statement);
    }
    return statement;
  }

  private exactRecord(hash: string): SignatureRecord | undefined {
    if (!this.stored.mayContain(hash, EXACT)) return undefined;
    const row = this.getExact.get(hashKey(hash), hash) as Record<string, string | number> | undefined;
    return row ? toRecord(row) : undefined;
  }
}

/**
 * A band key (`<band>-<16 hex digits>`, `bandKeys` in quality/minhash.ts) as two exact integers:
 * band × 2³² + the first 32 bits, and the last 32 bits.
 */
function pushBandKey(values: (number | bigint)[], key: string): void {
  const dash = key.indexOf('-');
  const band = Number(key.slice(0, dash));
  const high = parseInt(key.slice(dash + 1, dash + 9), 16);
  const low = parseInt(key.slice(dash + 9, dash + 17), 16);
  if (dash < 1 || key.length !== dash + 17 || !Number.isInteger(band) || Number.isNaN(high) || Number.isNaN(low))
    throw new Error(`the scratch signature store cannot file band key ${JSON.stringify(key)} (expected <band>-<16 hex digits>)`);
  values.push(band * 2 ** 32 + high, low);
}

/** The first 52 bits of an exact hash (hex) as an integer: its row is found by it, then checked by the whole hash. */
function hashKey(hash: string): number {
  const key = parseInt(hash.slice(0, 13), 16);
  return Number.isNaN(key) ? 0 : key;
}

function toRecord(row: Record<string, string | number>): SignatureRecord {
  return {
    conversationId: String(row.conversation_id),
    file: String(row.file),
    line: Number(row.line),
    exactHash: String(row.hash),
    signature: String(row.signature),
    seenAt: String(row.seen_at),
  };
}

/** Feedback of one `prepare` run, on disk: the last record stored for a conversation wins. */
export class ScratchFeedbackStore implements FeedbackStore {
  private readonly upsert: StatementSync;
  private readonly get: StatementSync;
  private sequence = 0;

  constructor(db: DatabaseSync) {
    db.exec(
      'CREATE TABLE feedback (conversation_id TEXT PRIMARY KEY, rating REAL, comment TEXT, file TEXT, line INTEGER, received_at TEXT) WITHOUT ROWID',
    );
    this.upsert = db.prepare('INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?)');
    this.get = db.prepare('SELECT * FROM feedback WHERE conversation_id = ?');
  }

  async put(feedback: Feedback): Promise<void> {
    // A sequence instead of the clock: local output must be byte-identical run after run.
    const receivedAt = String(this.sequence++).padStart(12, '0');
    this.upsert.run(
      feedback.conversationId,
      feedback.rating,
      feedback.comment ?? null,
      feedback.source.file,
      feedback.source.line,
      receivedAt,
    );
  }

  isEmpty(): boolean {
    return this.sequence === 0;
  }

  async latest(conversationId: string): Promise<StoredFeedback | undefined> {
    // Nothing stored (the usual `prepare` of conversations alone): no statement per conversation.
    if (this.sequence === 0) return undefined;
    const row = this.get.get(conversationId) as Record<string, string | number | null> | undefined;
    if (!row) return undefined;
    return {
      conversationId: String(row.conversation_id),
      rating: Number(row.rating),
      ...(row.comment !== null ? { comment: String(row.comment) } : {}),
      file: String(row.file),
      line: Number(row.line),
      receivedAt: String(row.received_at),
    };
  }
}
