import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Feedback } from '../ingest/types';
import { SIGNATURE_BANDING, sameRecord, type SignatureRecord, type SignatureStore } from '../quality/dedup';
import { decodeStoredSignature, encodeStoredSignature } from '../quality/minhash';
import type { FeedbackStore, StoredFeedback } from './feedbackStore';

/**
 * A scratch database on disk for `tuneloop prepare` (node:sqlite, built into Node 22): duplicate
 * signatures, feedback and the training split's balance keys live there instead of in memory, so
 * memory stays flat from megabytes to gigabytes of input. Durability is not wanted (the file is
 * deleted at the end), so journaling and syncing are off; the page cache is bounded (8 MB: since
 * band keys and signatures are read from memory and a file, 16 MB bought no speed on 300 MB of
 * input and cost 14 MB of peak RSS). The database is private to the run: locked once, not per
 * statement.
 */
export function openScratchDatabase(path: string): DatabaseSync {
  const { DatabaseSync: Database } = loadSqlite();
  const db = new Database(path);
  db.exec(`
    PRAGMA journal_mode = OFF;
    PRAGMA synchronous = OFF;
    PRAGMA temp_store = FILE;
    PRAGMA cache_size = -8000;
    PRAGMA locking_mode = EXCLUSIVE;
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
    this.set();
  }

  mayContain(key: string, domain = 0): boolean {
    this.hash(key, domain);
    return this.probe();
  }

  /** `add` for a key that is two 32-bit numbers (a band key's hash halves), without making a string of it. */
  addPair(x: number, y: number, domain = 0): void {
    this.hashPair(x, y, domain);
    this.set();
  }

  mayContainPair(x: number, y: number, domain = 0): boolean {
    this.hashPair(x, y, domain);
    return this.probe();
  }

  /** Sets the bits of the last key hashed. Every probe of a key falls in one 64-byte block: one cache miss per key, not one per probe. */
  private set(): void {
    const block = (this.h1 & this.blockMask) << 4;
    let h = this.h2;
    for (let i = 0; i < BLOOM_PROBES; i++, h >>>= 9) this.bits[block | ((h >>> 5) & 15)] |= 1 << (h & 31);
  }

  /** Whether every bit of the last key hashed is set. */
  private probe(): boolean {
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

  private hashPair(x: number, y: number, domain: number): void {
    this.h1 = fmix32(x ^ Math.imul(y, 0x9e3779b1) ^ Math.imul(domain + 1, 0x85ebca6b));
    this.h2 = fmix32(y ^ Math.imul(x, 0xc2b2ae35) ^ domain);
  }
}

/** MurmurHash3's finaliser: every input bit moves every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const BLOOM_PROBES = 3;
const EXACT = 1;
/** Plus the band number: a band key's domain in the filter. */
const BAND = 2;

/**
 * The band keys of the conversations stored most recently, in memory: an open-addressing table
 * of fixed size (band, both 32-bit halves of the band hash, and the row's sequence number; 13
 * bytes a slot). It answers lookups and takes inserts without SQLite, whose B-tree of band keys
 * costs a random page per row once it outgrows the page cache (at 100 MB of input, half the main
 * thread's time went to it). When the table is 70 % full, its entries go to the `bands` table in
 * key order (one pass over the tree, not one random page per row) and it starts empty again, so
 * memory stays fixed however large the input.
 */
export class RecentBandIndex {
  private readonly high: Uint32Array;
  private readonly low: Uint32Array;
  /** Sequence number + 1 (0: empty slot). */
  private readonly seqs: Uint32Array;
  private readonly bands: Uint8Array;
  private readonly mask: number;
  private readonly limit: number;
  private count = 0;

  /** `log2Slots`: 19 = 512 Ki slots (6.5 MB), about 18,000 conversations of 20 bands between moves to the database. */
  constructor(log2Slots = 19) {
    const slots = 2 ** log2Slots;
    this.high = new Uint32Array(slots);
    this.low = new Uint32Array(slots);
    this.seqs = new Uint32Array(slots);
    this.bands = new Uint8Array(slots);
    this.mask = slots - 1;
    this.limit = Math.floor(slots * 0.7);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.limit;
  }

  /** Files row `seq` under a band key: its band and the two 32-bit halves of its hash. */
  add(band: number, high: number, low: number, seq: number): void {
    if (seq + 1 > 0xffffffff) throw new Error(`the band index cannot hold sequence number ${seq}`);
    let slot = this.slotOf(band, high, low);
    while (this.seqs[slot] !== 0) slot = (slot + 1) & this.mask;
    this.high[slot] = high;
    this.low[slot] = low;
    this.bands[slot] = band;
    this.seqs[slot] = seq + 1;
    this.count++;
  }

  /** Adds to `out` the sequence numbers stored under a band key. */
  collect(band: number, high: number, low: number, out: number[]): void {
    for (let slot = this.slotOf(band, high, low); this.seqs[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.low[slot] === low && this.high[slot] === high && this.bands[slot] === band) out.push(this.seqs[slot] - 1);
    }
  }

  /** Every entry in key order (band, high, low, seq), then the table is empty. */
  drain(visit: (band: number, high: number, low: number, seq: number) => void): void {
    const order: number[] = [];
    for (let slot = 0; slot <= this.mask; slot++) if (this.seqs[slot] !== 0) order.push(slot);
    const { high, low, seqs, bands } = this;
    order.sort((a, b) => bands[a] - bands[b] || high[a] - high[b] || low[a] - low[b] || seqs[a] - seqs[b]);
    for (const slot of order) visit(bands[slot], high[slot], low[slot], seqs[slot] - 1);
    this.seqs.fill(0);
    this.count = 0;
  }

  private slotOf(band: number, high: number, low: number): number {
    // The halves are already well mixed (murmur finalised); the band keeps equal hashes of different bands apart.
    return (low ^ Math.imul(high, 0x9e3779b1) ^ Math.imul(band + 1, 0x85ebca6b)) & this.mask;
  }
}

/**
 * MinHash signatures side by side in a file of fixed-size entries, entry `seq - 1` for row `seq`:
 * checking a candidate reads its 480 bytes with one `pread` instead of a SQLite row (at 300 MB of
 * input every conversation has about a dozen candidates to check, and a row costs ~15 µs once the
 * table outgrows the page cache). The operating system's file cache keeps what is read often.
 */
export class SignatureFile {
  private readonly fd: number;
  private readonly entryBytes: number;
  /** Entries appended but not yet written, and how many are on disk. */
  private readonly pending: Buffer;
  private pendingCount = 0;
  private written = 0;
  /**
   * Entries read lately, one slot per index modulo the slot count (written entries never change).
   * A candidate that resembles many conversations is checked again and again, and on this machine
   * a `pread` of 480 bytes cost about 13 µs. On 30 MB of STAR turns (16,956 reads of 5,306
   * entries), 4,096 slots would serve 57 % of the reads and 16,384 slots 69 %; 8,192 slots take
   * 3.9 MB, allocated once (issue #10, eleventh round).
   */
  private readonly cache: Buffer;
  private readonly cachedIndex: Int32Array;

  constructor(
    path: string,
    private readonly words: number,
    private readonly pendingEntries = 512,
    cacheSlots = 8192,
  ) {
    if (!Number.isInteger(Math.log2(cacheSlots))) throw new RangeError(`cacheSlots must be a power of two, got ${cacheSlots}`);
    this.fd = openSync(path, 'w+');
    this.entryBytes = words * 4;
    this.pending = Buffer.alloc(this.entryBytes * pendingEntries);
    this.cache = Buffer.alloc(this.entryBytes * cacheSlots);
    this.cachedIndex = new Int32Array(cacheSlots).fill(-1);
  }

  get size(): number {
    return this.written + this.pendingCount;
  }

  /** Appends a signature of `words` values (or an empty entry); returns its index. */
  append(signature: Uint32Array | undefined): number {
    if (this.pendingCount === this.pendingEntries) this.flush();
    const at = this.pendingCount * this.entryBytes;
    if (signature) Buffer.from(signature.buffer, signature.byteOffset, this.entryBytes).copy(this.pending, at);
    else this.pending.fill(0, at, at + this.entryBytes);
    this.pendingCount++;
    return this.size - 1;
  }

  /** Entry `index` into `into` (a signature of `words` values). */
  read(index: number, into: Uint32Array): Uint32Array {
    const bytes = Buffer.from(into.buffer, into.byteOffset, this.entryBytes);
    if (index >= this.written) {
      const at = (index - this.written) * this.entryBytes;
      this.pending.copy(bytes, 0, at, at + this.entryBytes);
      return into;
    }
    const slot = index & (this.cachedIndex.length - 1);
    const cached = slot * this.entryBytes;
    if (this.cachedIndex[slot] === index) {
      this.cache.copy(bytes, 0, cached, cached + this.entryBytes);
      return into;
    }
    if (readSync(this.fd, bytes, 0, this.entryBytes, index * this.entryBytes) !== this.entryBytes) {
      throw new Error(`the scratch signature file ended before entry ${index}`);
    }
    bytes.copy(this.cache, cached);
    this.cachedIndex[slot] = index;
    return into;
  }

  close(): void {
    closeSync(this.fd);
  }

  private flush(): void {
    const bytes = this.pendingCount * this.entryBytes;
    if (writeSync(this.fd, this.pending, 0, bytes, this.written * this.entryBytes) !== bytes)
      throw new Error('the scratch signature file could not be written in full');
    this.written += this.pendingCount;
    this.pendingCount = 0;
  }
}

/** Values in a signature (`SIGNATURE_BANDING`: 20 bands × 6 rows). */
const SIGNATURE_WORDS = SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows;

/** Duplicate signatures of one `prepare` run, on disk (the blob path keeps a window of them in memory, `WindowedSignatureStore`). */
export class ScratchSignatureStore implements SignatureStore {
  private readonly getExact: StatementSync;
  private readonly getBySeq: StatementSync;
  private readonly insertExact: StatementSync;
  private readonly insertBand: StatementSync;
  /** One statement per number of band keys asked about the `bands` table. */
  private readonly bandQueries = new Map<number, StatementSync>();
  /** Exact hashes stored so far and band keys moved to the `bands` table, to skip lookups that must miss. */
  private readonly stored: StringBloomFilter;
  private readonly recent: RecentBandIndex;
  /** Whether any band key is in the `bands` table yet. */
  private spilled = false;
  /** Current-algorithm signatures (`oph1`, 120 values); any other stays in its row's `signature` column. */
  private readonly signatures: SignatureFile;
  private readonly candidate = new Uint32Array(SIGNATURE_WORDS);

  constructor(
    private readonly db: DatabaseSync,
    private readonly batch: WriteBatcher,
    options: { signatureFile: string; bloomLog2Bits?: number; bandIndexLog2Slots?: number },
  ) {
    // Band keys as integers (band and high 32 bits of the band hash, low 32 bits), the exact hash
    // found through an integer of its first 52 bits and checked in full: integer B-trees are
    // smaller and cheaper to search than ones of hex strings. `signature` is NULL when the
    // signature is in the signature file.
    db.exec(`
      CREATE TABLE signatures (seq INTEGER PRIMARY KEY, hash_key INTEGER, hash TEXT, conversation_id TEXT, file TEXT, line INTEGER, part_index INTEGER, part_of INTEGER, signature TEXT, seen_at TEXT);
      CREATE INDEX signatures_hash ON signatures (hash_key);
      CREATE TABLE bands (band_high INTEGER, band_low INTEGER, seq INTEGER, PRIMARY KEY (band_high, band_low, seq)) WITHOUT ROWID;
    `);
    this.getExact = db.prepare('SELECT * FROM signatures WHERE hash_key = ? AND hash = ?');
    this.getBySeq = db.prepare('SELECT * FROM signatures WHERE seq = ?');
    this.insertExact = db.prepare(
      'INSERT INTO signatures (seq, hash_key, hash, conversation_id, file, line, part_index, part_of, signature, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertBand = db.prepare('INSERT OR IGNORE INTO bands VALUES (?, ?, ?)');
    this.stored = new StringBloomFilter(options.bloomLog2Bits);
    this.recent = new RecentBandIndex(options.bandIndexLog2Slots);
    this.signatures = new SignatureFile(options.signatureFile, SIGNATURE_WORDS);
  }

  async findExact(hash: string): Promise<SignatureRecord | undefined> {
    return this.exactRecord(hash);
  }

  async findByBands(keys: string[]): Promise<SignatureRecord[]> {
    const records: SignatureRecord[] = [];
    for (const seq of this.candidateSeqs(keys)) {
      const record = this.recordBySeq(seq);
      if (record) records.push(record);
    }
    return records;
  }

  /**
   * Reads each candidate's signature from the signature file and its row only when it scores at
   * least `threshold` and better than the best so far, so the answer is `findByBands` filtered
   * as the dedup stage filters it.
   */
  async findBest(
    keys: string[],
    score: (signature: Uint32Array) => number,
    threshold: number,
    exclude: (record: SignatureRecord) => boolean,
  ): Promise<{ record: SignatureRecord; similarity: number } | undefined> {
    let best: { record: SignatureRecord; similarity: number } | undefined;
    for (const seq of this.candidateSeqs(keys)) {
      let record: SignatureRecord | undefined;
      let signature: Uint32Array | undefined;
      const row = this.signatures.read(seq - 1, this.candidate);
      if (row.every((v) => v === 0)) {
        // Not in the file: an empty signature or one of another algorithm, in the row.
        record = this.recordBySeq(seq);
        if (!record?.signature || exclude(record)) continue;
        signature = decodeStoredSignature(record.signature);
        if (!signature) continue;
      } else signature = row;
      const similarity = score(signature);
      if (similarity < threshold || (best && similarity <= best.similarity)) continue;
      record ??= this.recordBySeq(seq);
      if (!record || exclude(record)) continue;
      best = { record, similarity };
    }
    return best;
  }

  async add(record: SignatureRecord, keys: string[]): Promise<SignatureRecord | undefined> {
    const existing = this.exactRecord(record.exactHash);
    if (existing) {
      if (!sameRecord(existing, record)) return existing;
      return undefined;
    }
    // Checked before anything is written: a key that cannot be filed leaves no half-stored record.
    const parsed = this.parsedKeys(keys);
    const current = record.signature ? decodeStoredSignature(record.signature) : undefined;
    const inFile = current?.length === SIGNATURE_WORDS && current.some((v) => v !== 0) ? current : undefined;
    const seq = this.signatures.size + 1;
    this.batch.write(() => {
      this.insertExact.run(
        seq,
        hashKey(record.exactHash),
        record.exactHash,
        record.conversationId,
        record.file,
        record.line,
        record.part?.index ?? null,
        record.part?.of ?? null,
        inFile ? null : record.signature,
        record.seenAt,
      );
    });
    this.signatures.append(inFile);
    this.stored.add(record.exactHash, EXACT);
    if (parsed.length && this.recent.full) this.spill();
    for (let i = 0; i < parsed.length; i += 3) this.recent.add(parsed[i], parsed[i + 1], parsed[i + 2], seq);
    return undefined;
  }

  /** Closes the signature file (the scratch folder is deleted as a whole by its owner). */
  close(): void {
    this.signatures.close();
  }

  /** `keys` as numbers. The dedup stage asks about a conversation's keys, then files the same keys: the last answer is kept. */
  private parsedKeys(keys: string[]): Uint32Array {
    const last = this.lastKeys;
    if (keys.length !== last.length || keys.some((key, i) => key !== last[i])) {
      this.lastParsed = parseBandKeys(keys);
      this.lastKeys = keys.slice();
    }
    return this.lastParsed;
  }
  private lastKeys: readonly string[] = [];
  private lastParsed: Uint32Array = new Uint32Array(0);

  /** Rows sharing a band key with `keys`, each once, in the order they were stored. */
  private candidateSeqs(keys: string[]): number[] {
    if (!keys.length) return [];
    const seqs: number[] = [];
    const parsed = this.parsedKeys(keys);
    for (let i = 0; i < parsed.length; i += 3) this.recent.collect(parsed[i], parsed[i + 1], parsed[i + 2], seqs);
    if (this.spilled) {
      // Keys the filter has never seen cannot be in the table; the query asks only about the rest.
      const values: number[] = [];
      for (let i = 0; i < parsed.length; i += 3) {
        if (this.stored.mayContainPair(parsed[i + 1], parsed[i + 2], BAND + parsed[i]))
          values.push(parsed[i] * 2 ** 32 + parsed[i + 1], parsed[i + 2]);
      }
      if (values.length) {
        for (const row of this.bandQuery(values.length / 2).all(...values) as { seq: number }[]) seqs.push(row.seq);
      }
    }
    if (seqs.length < 2) return seqs;
    seqs.sort((a, b) => a - b);
    let kept = 1;
    for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[kept - 1]) seqs[kept++] = seqs[i];
    seqs.length = kept;
    return seqs;
  }

  private recordBySeq(seq: number): SignatureRecord | undefined {
    const row = this.getBySeq.get(seq) as Record<string, string | number | null> | undefined;
    return row ? this.toRecord(row) : undefined;
  }

  private toRecord(row: Record<string, string | number | null>): SignatureRecord {
    const signature =
      row.signature === null
        ? encodeStoredSignature(this.signatures.read(Number(row.seq) - 1, new Uint32Array(SIGNATURE_WORDS)))
        : String(row.signature);
    return {
      conversationId: String(row.conversation_id),
      file: String(row.file),
      line: Number(row.line),
      ...(row.part_index === null ? {} : { part: { index: Number(row.part_index), of: Number(row.part_of) } }),
      exactHash: String(row.hash),
      signature,
      seenAt: String(row.seen_at),
    };
  }

  /** Moves the in-memory band keys to the `bands` table, in key order, in one transaction. */
  private spill(): void {
    this.batch.commit();
    this.db.exec('BEGIN');
    try {
      this.recent.drain((band, high, low, seq) => {
        this.insertBand.run(band * 2 ** 32 + high, low, seq);
        this.stored.addPair(high, low, BAND + band);
      });
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    this.spilled = true;
  }

  private bandQuery(count: number): StatementSync {
    let query = this.bandQueries.get(count);
    if (!query) {
      const terms = Array.from({ length: count }, () => '(band_high = ? AND band_low = ?)').join(' OR ');
      query = this.db.prepare(`SELECT seq FROM bands WHERE ${terms}`);
      this.bandQueries.set(count, query);
    }
    return query;
  }

  private exactRecord(hash: string): SignatureRecord | undefined {
    if (!this.stored.mayContain(hash, EXACT)) return undefined;
    const row = this.getExact.get(hashKey(hash), hash) as Record<string, string | number | null> | undefined;
    return row ? this.toRecord(row) : undefined;
  }
}

/**
 * Band keys (`<band>-<16 hex digits>`, `bandKeys` in quality/minhash.ts) as numbers, three per key:
 * band, high and low 32 bits of the hash. Read in place: no substrings per key.
 */
function parseBandKeys(keys: readonly string[]): Uint32Array {
  const out = new Uint32Array(keys.length * 3);
  keys.forEach((key, k) => {
    const dash = key.indexOf('-');
    let band = 0;
    for (let i = 0; i < dash; i++) {
      const digit = key.charCodeAt(i) - 0x30;
      band = digit >= 0 && digit <= 9 ? band * 10 + digit : NaN;
    }
    const high = hex32(key, dash + 1);
    const low = hex32(key, dash + 9);
    if (dash < 1 || key.length !== dash + 17 || !(band <= 255) || high < 0 || low < 0)
      throw new Error(`the scratch signature store cannot file band key ${JSON.stringify(key)} (expected <band>-<16 hex digits>)`);
    out[k * 3] = band;
    out[k * 3 + 1] = high;
    out[k * 3 + 2] = low;
  });
  return out;
}

/** Eight hex digits of `text` from `at` as a number, or -1 when one is not a hex digit. */
function hex32(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** The first 52 bits of an exact hash (hex) as an integer: its row is found by it, then checked by the whole hash. */
function hashKey(hash: string): number {
  const key = parseInt(hash.slice(0, 13), 16);
  return Number.isNaN(key) ? 0 : key;
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
