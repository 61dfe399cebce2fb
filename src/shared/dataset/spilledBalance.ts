import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { capQuotas, rankKey, UNTYPED } from '../quality/balance';
import { exampleText, type OutgoingCuratedRecord, type QuarantineRecord } from './records';
import type { WriteBatcher } from './scratchStore';
import { getOrThrow } from '../lookup';

export interface SpilledBalanceOptions {
  maxShare: number;
  minShare?: number;
  seed: string | number;
  maxRepeats?: number;
}

export interface SpilledBalanceOutcome {
  before: Record<string, number>;
  after: Record<string, number>;
  effectiveMaxShare: number;
  conversationsDropped: number;
  examplesDropped: number;
  examplesAdded: number;
  tokensDelta: number;
  byKind: Record<string, number>;
}

const SPILL_CHUNK = 1 << 20;
/** Columns of table `train`. */
const TRAIN_COLUMNS = 9;
/** Training rows per INSERT statement (9 values each, far below SQLite's limit on parameters). */
const ROWS_PER_INSERT = 64;

/**
 * The training split of a `prepare` run, held on disk until every file is read: the example
 * lines in a spill file, their issue type, balance rank, size and place in the scratch database.
 * `finish` applies the same issue-type balance as `balanceTrainingSplit` (same quotas, the same
 * conversations kept, dropped and up-sampled, the same order) reading a bounded number of rows at
 * a time, so memory does not grow with the split.
 */
export class SpilledTrainingSplit {
  private readonly fd: number;
  /** Inserts `ROWS_PER_INSERT` rows in one statement (one call into SQLite for many examples). */
  private readonly insertMany: StatementSync;
  private readonly insertOne: StatementSync;
  private seq = 0;
  private written = 0;
  /** Lines not yet written to the spill file, encoded once into this buffer. */
  private readonly chunk = Buffer.allocUnsafe(SPILL_CHUNK);
  private chunkBytes = 0;
  /** Rows not yet inserted, flattened (`TRAIN_COLUMNS` values a row). */
  private rows: (string | number)[] = [];
  /** The rank of the last conversation seen: its examples arrive one after another. */
  private lastRank = { conversationId: '', rank: '' };
  private readBuffer = Buffer.alloc(0);
  private readStart = 0;

  constructor(
    private readonly db: DatabaseSync,
    private readonly batch: WriteBatcher,
    path: string,
    private readonly seed: string | number,
  ) {
    db.exec(
      'CREATE TABLE train (seq INTEGER PRIMARY KEY, type TEXT, rank TEXT, kind TEXT, tokens INTEGER, file TEXT, line INTEGER, offset INTEGER, length INTEGER)',
    );
    const row = `(${Array.from({ length: TRAIN_COLUMNS }, () => '?').join(', ')})`;
    this.insertOne = db.prepare(`INSERT INTO train VALUES ${row}`);
    this.insertMany = db.prepare(`INSERT INTO train VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => row).join(', ')}`);
    this.fd = openSync(path, 'w+');
  }

  add(record: OutgoingCuratedRecord): void {
    const text = exampleText(record);
    // At most 3 bytes per UTF-16 unit, and the newline: a line that surely fits is encoded once,
    // straight into the chunk (text and newline apart: joined, they would be flattened into a copy first).
    const most = text.length * 3 + 1;
    if (most > SPILL_CHUNK - this.chunkBytes) this.flushChunks();
    const offset = this.written + this.chunkBytes;
    let length: number;
    if (most <= SPILL_CHUNK) {
      length = this.chunk.write(text, this.chunkBytes, 'utf8') + 1;
      this.chunk[this.chunkBytes + length - 1] = 0x0a;
      this.chunkBytes += length;
    } else {
      const data = Buffer.from(text + '\n', 'utf8');
      length = data.length;
      this.writeAt(data);
    }
    if (this.lastRank.conversationId !== record.conversation_id || !this.lastRank.rank) {
      this.lastRank = { conversationId: record.conversation_id, rank: rankKey(this.seed, record.conversation_id) };
    }
    this.rows.push(
      this.seq++,
      record.issue_type || UNTYPED,
      this.lastRank.rank,
      record.kind,
      record.tokens,
      record.source.file,
      record.source.line,
      offset,
      length,
    );
    if (this.rows.length >= ROWS_PER_INSERT * TRAIN_COLUMNS) this.insertRows();
  }

  async finish(
    options: SpilledBalanceOptions,
    out: { train(line: Uint8Array): Promise<void> | undefined; quarantine(record: QuarantineRecord): Promise<void> | undefined },
  ): Promise<SpilledBalanceOutcome> {
    const { maxShare } = options;
    if (!(maxShare > 0 && maxShare <= 1)) throw new Error(`balance maxShare must be in (0, 1], got ${maxShare}`);
    const minShare = options.minShare ?? 0;
    if (minShare < 0 || minShare > maxShare) throw new Error(`balance minShare must be in [0, maxShare], got ${minShare}`);
    const maxRepeats = options.maxRepeats ?? 5;
    this.flushChunks();
    this.insertRows();
    this.batch.commit();
    const db = this.db;
    db.exec('CREATE INDEX train_by_rank ON train (type, rank, seq)');

    // Issue types in the order they first appear, as balanceTrainingSplit groups them.
    const counts = new Map<string, number>();
    for (const row of db.prepare('SELECT type, COUNT(*) AS n, MIN(seq) AS first FROM train GROUP BY type ORDER BY first').iterate()) {
      counts.set(String(row.type), Number(row.n));
    }
    const before = distribution(counts);
    const typed = new Map([...counts].filter(([t]) => t !== UNTYPED));
    const effectiveMaxShare = counts.size ? Math.max(maxShare, 1 / counts.size) : maxShare;
    const quota = capQuotas(typed, effectiveMaxShare, counts.get(UNTYPED) ?? 0);

    // Per type: whole conversations in rank order while they fit; the first that does not, and
    // every one after it, is dropped. So one rank per type says what is kept.
    const cutoff = new Map<string, string>();
    const keptCount = new Map<string, number>();
    const byRank = db.prepare('SELECT rank, COUNT(*) AS m FROM train WHERE type = ? GROUP BY rank ORDER BY rank');
    for (const [type, n] of counts) {
      const limit = quota.get(type) ?? n;
      let kept = n;
      if (limit < n) {
        kept = 0;
        for (const row of byRank.iterate(type)) {
          const members = Number(row.m);
          if (kept + members <= limit) kept += members;
          else {
            cutoff.set(type, String(row.rank));
            break;
          }
        }
      }
      keptCount.set(type, kept);
    }

    const copies = new Map<string, number>();
    if (minShare > 0) {
      const total = [...keptCount.values()].reduce((a, b) => a + b, 0);
      for (const [type, kept] of keptCount) {
        if (!kept || type === UNTYPED) continue;
        const needed = Math.ceil((minShare * total - kept) / (1 - minShare));
        copies.set(type, Math.min(Math.max(needed, 0), kept * (maxRepeats - 1)));
      }
    }
    // Hex ranks sort below "g": no cutoff keeps every rank.
    const keptBelow = (type: string) => cutoff.get(type) ?? 'g';

    const byKind: Record<string, number> = {};
    let tokensDelta = 0;
    // Kept records in input order, then the up-sampled copies type by type, in rank order.
    for (const row of db.prepare('SELECT type, rank, offset, length FROM train ORDER BY seq').iterate()) {
      if (String(row.rank) >= keptBelow(String(row.type))) continue;
      // Most lines are only buffered: no promise to wait for.
      const written = out.train(this.readBytes(Number(row.offset), Number(row.length)));
      if (written) await written;
    }
    let examplesAdded = 0;
    const keptOfType = db.prepare('SELECT kind, tokens, offset, length FROM train WHERE type = ? AND rank < ? ORDER BY rank, seq');
    for (const [type, add] of copies) {
      let emitted = 0;
      while (emitted < add) {
        for (const row of keptOfType.iterate(type, keptBelow(type))) {
          if (emitted >= add) break;
          await out.train(this.readBytes(Number(row.offset), Number(row.length)));
          const kind = String(row.kind);
          byKind[kind] = (byKind[kind] ?? 0) + 1;
          tokensDelta += Number(row.tokens);
          emitted++;
        }
      }
      examplesAdded += emitted;
    }

    // One quarantine record per dropped conversation (all of its training examples).
    const totalBefore = [...counts.values()].reduce((a, b) => a + b, 0);
    const droppedOfType = db.prepare(
      'SELECT rank, kind, tokens, file, line, offset, length FROM train WHERE type = ? AND rank >= ? ORDER BY rank, seq',
    );
    let conversationsDropped = 0;
    let examplesDropped = 0;
    for (const [type, from] of cutoff) {
      const share = totalBefore ? getOrThrow(counts, type, 'the training count of issue type') / totalBefore : 0;
      const detail = `issue type "${type}" had ${(share * 100).toFixed(1)}% of the training split, above TUNELOOP_BALANCE_MAX_SHARE=${maxShare} (applied cap ${(effectiveMaxShare * 100).toFixed(1)}%)`;
      let current: { rank: string; file: string; line: number; examples: string[] } | undefined;
      const flush = async () => {
        if (!current) return;
        conversationsDropped++;
        await out.quarantine({
          file: current.file,
          line: current.line,
          reason: 'balance-cap',
          detail,
          record: current.examples.join('\n'),
        });
      };
      for (const row of droppedOfType.iterate(type, from)) {
        const rank = String(row.rank);
        if (current?.rank !== rank) {
          await flush();
          current = { rank, file: String(row.file), line: Number(row.line), examples: [] };
        }
        current.examples.push(this.read(Number(row.offset), Number(row.length)).replace(/\n$/, ''));
        const kind = String(row.kind);
        byKind[kind] = (byKind[kind] ?? 0) - 1;
        tokensDelta -= Number(row.tokens);
        examplesDropped++;
      }
      await flush();
    }
    const after = new Map(
      [...counts.keys()].map((type) => [type, getOrThrow(keptCount, type, 'the kept count of issue type') + (copies.get(type) ?? 0)]),
    );
    return {
      before,
      after: distribution(after),
      effectiveMaxShare,
      conversationsDropped,
      examplesDropped,
      examplesAdded,
      tokensDelta,
      byKind,
    };
  }

  close(): void {
    closeSync(this.fd);
  }

  private flushChunks(): void {
    if (!this.chunkBytes) return;
    this.writeAt(this.chunk.subarray(0, this.chunkBytes));
    this.chunkBytes = 0;
  }

  /** Appends bytes to the spill file (after anything in the chunk was flushed). */
  private writeAt(data: Buffer): void {
    let at = 0;
    while (at < data.length) at += writeSync(this.fd, data, at, data.length - at, this.written + at);
    this.written += data.length;
  }

  private insertRows(): void {
    const rows = this.rows;
    if (!rows.length) return;
    this.rows = [];
    const full = ROWS_PER_INSERT * TRAIN_COLUMNS;
    let at = 0;
    for (; at + full <= rows.length; at += full) {
      const values = rows.slice(at, at + full);
      this.batch.write(() => this.insertMany.run(...values));
    }
    for (; at < rows.length; at += TRAIN_COLUMNS) {
      const values = rows.slice(at, at + TRAIN_COLUMNS);
      this.batch.write(() => this.insertOne.run(...values));
    }
  }

  /** A line of the spill file, as text. */
  private read(offset: number, length: number): string {
    return this.readBytes(offset, length).toString('utf8');
  }

  /**
   * A line of the spill file through a read-ahead buffer (reads are mostly sequential), as a view
   * of that buffer (a refill reads into a new one, so the view stays valid).
   */
  private readBytes(offset: number, length: number): Buffer {
    if (offset < this.readStart || offset + length > this.readStart + this.readBuffer.length) {
      const size = Math.max(SPILL_CHUNK, length);
      const buffer = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const n = readSync(this.fd, buffer, got, size - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      this.readBuffer = buffer.subarray(0, got);
      this.readStart = offset;
    }
    return this.readBuffer.subarray(offset - this.readStart, offset - this.readStart + length);
  }
}

/** Counts per issue type as balanceTrainingSplit reports them (entries sorted the same way). */
function distribution(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].map(([t, n]) => [t, n] as [string, number]).sort());
}
