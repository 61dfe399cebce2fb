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

/** Duplicate signatures of one `prepare` run, on disk (the blob path keeps them in table `dedupsignatures`). */
export class ScratchSignatureStore implements SignatureStore {
  private readonly getExact: StatementSync;
  private readonly insertExact: StatementSync;
  private readonly insertBand: StatementSync;
  private readonly bandQueries = new Map<number, StatementSync>();

  constructor(
    private readonly db: DatabaseSync,
    private readonly batch: WriteBatcher,
  ) {
    db.exec(`
      CREATE TABLE signatures (seq INTEGER PRIMARY KEY, hash TEXT UNIQUE, conversation_id TEXT, file TEXT, line INTEGER, signature TEXT, seen_at TEXT);
      CREATE TABLE bands (band_key TEXT, hash TEXT, PRIMARY KEY (band_key, hash)) WITHOUT ROWID;
    `);
    this.getExact = db.prepare('SELECT * FROM signatures WHERE hash = ?');
    this.insertExact = db.prepare(
      'INSERT INTO signatures (hash, conversation_id, file, line, signature, seen_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertBand = db.prepare('INSERT OR IGNORE INTO bands VALUES (?, ?)');
  }

  async findExact(hash: string): Promise<SignatureRecord | undefined> {
    const row = this.getExact.get(hash) as Record<string, string | number> | undefined;
    return row ? toRecord(row) : undefined;
  }

  async findByBands(keys: string[]): Promise<SignatureRecord[]> {
    if (!keys.length) return [];
    let query = this.bandQueries.get(keys.length);
    if (!query) {
      query = this.db.prepare(
        `SELECT s.* FROM signatures s WHERE s.hash IN (SELECT DISTINCT hash FROM bands WHERE band_key IN (${keys.map(() => '?').join(',')})) ORDER BY s.seq`,
      );
      this.bandQueries.set(keys.length, query);
    }
    return (query.all(...keys) as Record<string, string | number>[]).map(toRecord);
  }

  async add(record: SignatureRecord, keys: string[]): Promise<SignatureRecord | undefined> {
    const existing = await this.findExact(record.exactHash);
    if (existing) {
      if (existing.conversationId !== record.conversationId || existing.file !== record.file) return existing;
      return undefined;
    }
    this.batch.write(() => {
      this.insertExact.run(record.exactHash, record.conversationId, record.file, record.line, record.signature, record.seenAt);
      for (const key of keys) this.insertBand.run(key, record.exactHash);
    });
    return undefined;
  }
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

  async latest(conversationId: string): Promise<StoredFeedback | undefined> {
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
