import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestError } from './errors';
import { required } from '../lookup';
import { conversationItem, linePlace, reject, show } from './records';
import { inferMissingRoles, type RoleMapper } from './roles';
import { answeringModel } from './answeringModel';
import { conversationIdAt, conversationIdOf, decodeRowAt, lineAt, readRecords, recordStarts, RowBlock } from './spilledRows';
import { buildTurns, sessionTurns, dateOrderOf, isBlank, parseRating, parseTimestamp, type DateOrder, type RawTurn } from './turns';
import type { ChatRole, Conversation, IngestItem, SourceRef } from './types';

/** One row of a message-per-row CSV, as spilled to disk while conversations are grouped. */
export interface MessageRow {
  conversationId: string;
  line: number;
  raw: string;
  speaker: string;
  text: string;
  timestamp?: string;
  issueType?: string;
  channel?: string;
  csat?: string;
  /** `model` (or `deployment`) column: the model that wrote this row's reply. */
  model?: string;
  /** `message_id` column (`msg_id`, `comment_id`, `part_id`): the message's own id, when the export has one. */
  messageId?: string;
  /** A row that is no message (DiscordChatExporter's notices): part of the conversation's record (the erasure removes it with the rest), never a turn. */
  notice?: boolean;
  /** A row with no text but an attachment (an `attachments` or `media` column): set aside as `media-omitted`, counted. */
  media?: boolean;
  /** Set when the row itself is malformed; the whole conversation is rejected with it. */
  error?: { reason: string; detail: string };
}

export interface GroupOptions {
  file: string;
  roles: RoleMapper;
  /** What to add when a speaker's role is unknown, for a format that says how to tell (DiscordChatExporter's CSV). */
  speakerHint?: string;
  /** The rows are one whole chat (a file without an id column): cut into sessions (`chatSessionsOf`). */
  wholeChat?: boolean;
  tempDir?: string;
  signal?: AbortSignal;
  /** Buckets per level; rows of one conversation always land in the same bucket. */
  buckets?: number;
  /** A bucket larger than this is split again (by another hash) instead of read into memory. */
  maxBucketBytes?: number;
  /** Bytes a bucket buffers before they are written (tests; default 32 KB). */
  blockBytes?: number;
  /** Bucket files one writer keeps open at once (tests; default 128). */
  maxOpenFiles?: number;
  /**
   * Rows are kept in memory, in the same buckets, until their text passes this many characters;
   * only then are they spilled to disk. A file under it is grouped without writing or re-reading
   * a byte (the same conversations in the same order). 0 spills from the first row.
   */
  memoryBudgetChars?: number;
  /**
   * How numeric dates both readings allow (04/12/2026) are read; `groupMessageRows` sets it from
   * the file's own dates that allow one reading only (13/12/2026 says day first).
   */
  dateOrder?: DateOrder;
  /** The IANA zone zone-less timestamps were written in (a declared time zone); absent: UTC. */
  timeZone?: string;
  /** How a rejection names a row ("line 17" in CSV, "row 17 of sheet 'Chats'" in a workbook). */
  place?: (line: number) => string;
  /** Called once, after the last conversation, with what the report should say about the file (repeated rows). */
  onNotice?: (message: string) => void;
  /** Observer (tests): called with the number of spilled rows decoded, each time some are. */
  onDecode?: (rows: number) => void;
  /**
   * Builds the item of one group's rows (in file order) instead of `conversationFromRows`: other
   * layouts whose records of one conversation are spread over a file (Zendesk's ticket events,
   * ingest/zendeskEvents) group with the same buckets and spill and read their rows' `raw` themselves.
   */
  conversationOf?: (rows: MessageRow[]) => IngestItem;
  /**
   * A file grouped in memory (under `memoryBudgetChars`) gives its conversations in the order of
   * their first row, not bucket by bucket: a file of message pages (ingest/messagePages), most of
   * them whole conversations on one line, then comes out in the order it was read before pages
   * were grouped. A spilled file still comes out bucket by bucket.
   */
  inFileOrder?: boolean;
}

/**
 * The drain reads one bucket whole into a buffer (`drainBuckets`), so the buckets' size is what
 * the coordinating thread holds on top of its work. Spilled rows take about twice the CSV's bytes
 * (each row's line kept for quarantine beside its fields): with 64 buckets a 342 MB file gave
 * buckets of 12 MB; with 256 they are about 3 MB, and a bucket over 8 MB (a CSV over about
 * 700 MB) is split again before it is read. 342 MB of STAR message rows with 2 workers peaked at
 * 256-262 MB with 64 buckets of up to 32 MB and 249-255 MB with these (docs/preprocessing.md,
 * thirty-first round).
 */
const DEFAULT_BUCKETS = 256;
const DEFAULT_MAX_BUCKET_BYTES = 8 * 1024 * 1024;
/**
 * A CSV file of up to about 3 MB is grouped in memory: a few MB more peak RSS (measured on
 * STAR message rows), so a run with two workers stays under the 256 MB a run may use.
 */
const DEFAULT_MEMORY_BUDGET_CHARS = 4 * 1024 * 1024;
const MAX_LEVELS = 4;

/**
 * Rows of one conversation may be anywhere in the file. They are spilled into bucket files by a
 * hash of conversation_id, then each bucket is read back on its own and grouped in memory, so
 * memory is bounded by the largest bucket (buckets that grow too big are split again), not by
 * the file. Conversations come out bucket by bucket, ordered by their first row within a bucket:
 * the same file always gives the same order. Temp files are removed also on error and abort.
 */
export async function* groupMessageRows(
  rows: AsyncIterable<MessageRow | IngestItem | (MessageRow | IngestItem)[]>,
  options: GroupOptions,
): AsyncIterable<IngestItem> {
  const { file, signal } = options;
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  const maxBucketBytes = options.maxBucketBytes ?? DEFAULT_MAX_BUCKET_BYTES;
  let dir: string;
  try {
    dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'tuneloop-ingest-'));
  } catch (err) {
    throw tempError(file, err);
  }
  try {
    const spill = new BucketWriter(join(dir, 'b'), buckets, 0, file, writerLimits(options));
    // Rows stay in memory, bucketed as on disk, until the budget is spent; then they go to disk
    // in the same order and every later row follows them there.
    let inMemory: MessageRow[][] | undefined = Array.from({ length: buckets }, () => []);
    let memoryChars = 0;
    const budget = options.memoryBudgetChars ?? DEFAULT_MEMORY_BUDGET_CHARS;
    // Every row is read before the first conversation is grouped, so the whole file's dates say
    // which order its ambiguous ones are in.
    const evidence = { dmy: 0, mdy: 0 };
    try {
      for await (const batch of rows) {
        signal?.throwIfAborted();
        for (const row of Array.isArray(batch) ? batch : [batch]) {
          if ('type' in row) {
            yield row;
            continue;
          }
          const order = dateOrderOf(row.timestamp);
          if (order) evidence[order]++;
          if (inMemory) {
            inMemory[bucketOf(row.conversationId, 0, buckets)].push(row);
            memoryChars += rowChars(row);
            if (memoryChars <= budget) continue;
            for (const held of inMemory) for (const heldRow of held) if (spill.add(heldRow)) await spill.flushFull();
            inMemory = undefined;
            continue;
          }
          if (spill.add(row)) await spill.flushFull();
        }
      }
    } finally {
      await spill.close();
    }
    const dateOrder = options.dateOrder ?? (evidence.dmy && !evidence.mdy ? 'dmy' : evidence.mdy && !evidence.dmy ? 'mdy' : undefined);
    const repeats = { rows: 0, conversations: 0 };
    const drainOptions = { ...options, buckets, maxBucketBytes, dir, repeats, ...(dateOrder ? { dateOrder } : {}) };
    if (inMemory && options.inFileOrder) {
      const held = inMemory.flat();
      inMemory = undefined;
      yield* conversationsOfBucket(held, drainOptions);
    } else if (inMemory) {
      for (let b = 0; b < inMemory.length; b++) {
        const held = inMemory[b];
        inMemory[b] = [];
        yield* conversationsOfBucket(held, drainOptions);
      }
    } else yield* drainBuckets(spill.paths(), 0, drainOptions);
    if (repeats.rows)
      options.onNotice?.(
        `${file}: ${repeats.rows} message row(s) of ${repeats.conversations} conversation(s) repeated an earlier row of the same conversation (same speaker, time and text: overlapping or joined exports) and were read once`,
      );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The buffer every bucket is read into, one for the whole drain, sized once to the largest bucket
 * read whole. A fresh one per bucket (about 3.7 MB each on a 100 MB file) was 64 large
 * allocations and frees, and glibc raises its mmap threshold to the size of a freed block: the
 * later blocks below it then come from the heap arena, which keeps freed memory resident (with the
 * threshold pinned by MALLOC_MMAP_THRESHOLD_ the run peaked about 10 MB lower; docs/benchmarks.md).
 */
interface BucketBuffer {
  bytes?: Buffer<ArrayBuffer>;
}

async function* drainBuckets(
  paths: readonly (string | undefined)[],
  level: number,
  options: GroupOptions & { buckets: number; maxBucketBytes: number; dir: string; repeats: RepeatedRows },
  reused: BucketBuffer = {},
): AsyncIterable<IngestItem> {
  const sizes = await Promise.all(paths.map(async (path) => (path ? (await stat(path)).size : 0)));
  const splits = (size: number) => size > options.maxBucketBytes && level + 1 < MAX_LEVELS;
  const largest = Math.max(0, ...sizes.filter((size) => !splits(size)));
  if (largest > (reused.bytes?.length ?? 0)) {
    // Dropped before the larger one is allocated; nothing refers to its contents any more.
    reused.bytes = undefined;
    reused.bytes = Buffer.allocUnsafe(largest);
  }
  for (let b = 0; b < paths.length; b++) {
    const path = paths[b];
    if (!path) continue;
    options.signal?.throwIfAborted();
    const size = sizes[b];
    if (splits(size)) {
      const split = new BucketWriter(`${path}.`, splitCount(size, options), level + 1, options.file, writerLimits(options));
      try {
        for await (const record of readBucket(path, options.file)) if (split.addEncoded(record)) await split.flushFull();
      } finally {
        await split.close();
      }
      await rm(path, { force: true });
      yield* drainBuckets(split.paths(), level + 1, options, reused);
      continue;
    }
    const bytes = required(reused.bytes, 'the buffer buckets are read into').subarray(0, size);
    try {
      await readWhole(path, bytes);
    } catch (err) {
      throw tempError(options.file, err);
    }
    await rm(path, { force: true });
    yield* conversationsOfSpilledBucket(bytes, path, options);
  }
}

/**
 * Into how many buckets a bucket of `size` bytes is split: enough for pieces of about half the
 * limit, at most the first level's count (a bucket just over the limit becomes a few files, not
 * hundreds of tiny ones).
 */
function splitCount(size: number, options: { buckets: number; maxBucketBytes: number }): number {
  let count = 2;
  while (count < options.buckets && size / count > options.maxBucketBytes / 2) count *= 2;
  return Math.min(count, options.buckets);
}

/** Fills `into` with the file's first `into.length` bytes (its size, as `stat` said). */
async function readWhole(path: string, into: Buffer): Promise<void> {
  const handle = await open(path, 'r');
  try {
    for (let at = 0; at < into.length;) {
      const { bytesRead } = await handle.read(into, at, into.length - at, at);
      if (!bytesRead) throw new Error(`${path} ended after ${at} of ${into.length} bytes`);
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The conversations of a bucket file read whole, ordered by their first row. Only the
 * conversation ids are decoded to group the records; a conversation's rows are decoded when it
 * is built, so what stays in memory for the bucket is its bytes (one block outside the JS heap)
 * and their offsets. Decoding the whole bucket first held about 12k rows (some 70k strings) per
 * bucket of a 100 MB file for as long as its conversations took, long enough to be promoted: the
 * coordinating thread's heap peaked at 48 MB against 32 MB for the same conversations as JSONL
 * (38-44 MB decoded per conversation; issue #10 item 3).
 */
function* conversationsOfSpilledBucket(
  bytes: Buffer,
  path: string,
  options: GroupOptions & { repeats: RepeatedRows },
): Iterable<IngestItem> {
  const ordered = byConversation(
    recordStarts(bytes, path),
    (start) => conversationIdAt(bytes, start),
    (start) => lineAt(bytes, start),
  );
  for (const starts of ordered) {
    options.signal?.throwIfAborted();
    options.onDecode?.(starts.length);
    const rows = starts.map((start) => decodeRowAt(bytes, start));
    yield options.conversationOf ? options.conversationOf(rows) : conversationFromRows(rows, options, options.repeats);
  }
}

/** The rows of one bucket (in file order) → its conversations, ordered by their first row. */
function* conversationsOfBucket(rows: readonly MessageRow[], options: GroupOptions & { repeats: RepeatedRows }): Iterable<IngestItem> {
  for (const group of byConversation(
    rows,
    (row) => row.conversationId,
    (row) => row.line,
  )) {
    options.signal?.throwIfAborted();
    yield options.conversationOf ? options.conversationOf(group) : conversationFromRows(group, options, options.repeats);
  }
}

/** A bucket's rows (or their offsets) grouped by conversation id, the groups ordered by their first row's line. */
function byConversation<T>(rows: Iterable<T>, idOf: (row: T) => string, lineOf: (row: T) => number): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const id = idOf(row);
    const group = groups.get(id);
    if (group) group.push(row);
    else groups.set(id, [row]);
  }
  return [...groups.values()].sort((a, b) => lineOf(a[0]) - lineOf(b[0]));
}

/**
 * What a row held in memory counts against the budget: its raw text and the object around it.
 * Its fields are mostly slices of the raw text (V8 shares the characters), so they are not
 * counted again.
 */
function rowChars(row: MessageRow): number {
  return row.raw.length + 96;
}

/** Rows read once because they repeated an earlier row of their conversation, and how many conversations had any. */
export interface RepeatedRows {
  rows: number;
  conversations: number;
}

/**
 * The rows of a conversation without the ones that repeat an earlier row of it. Overlapping
 * exports (Zendesk's and Intercom's incremental exports overlap by design) and files joined into
 * one repeat whole rows; read twice, every message of the conversation was written twice in its
 * turn ("Hi\nHi"), which teaches a model to repeat itself. A repeat is the same speaker, text and
 * timestamp with a time of day (a customer may well send the same text twice in a day). Without
 * any timestamp, only a conversation whose rows are its first rows over again, as a whole, is
 * read once: two "ok"s in a row may be what was typed.
 */
export function withoutRepeatedRows(rows: readonly MessageRow[]): MessageRow[] {
  if (rows.length < 2) return [...rows];
  // With message ids, a message is its id: an overlapping export that repeats it, edited or not
  // (an agent fixed a typo, redacted a card number), is the same message, and the later row (the
  // later export, in file order) is what it says now. Rows without an id are judged as below.
  if (rows.some((r) => r.messageId?.trim())) {
    const latest = new Map<string, MessageRow>();
    for (const row of rows) {
      const id = row.messageId?.trim();
      if (id) latest.set(id, row);
    }
    rows = rows.filter((row) => {
      const id = row.messageId?.trim();
      return !id || latest.get(id) === row;
    });
  }
  if (rows.every((r) => isBlank(r.timestamp))) return rows.slice(0, periodOf(rows));
  const seen = new Set<string>();
  return rows.filter((row) => {
    const timestamp = row.timestamp?.trim();
    if (!timestamp || !TIME_OF_DAY.test(timestamp)) return true;
    const key = `${row.speaker.trim()}\u0000${timestamp}\u0000${row.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A clock time (`10:15`, `T10:15:20Z`) or an epoch number: a timestamp precise enough to tell two messages apart. */
const TIME_OF_DAY = /\d:\d\d|^\d{9,}(?:\.\d+)?$/;

/** The shortest p such that the rows are their first p rows repeated (speaker and text); the length if none. */
function periodOf(rows: readonly MessageRow[]): number {
  const same = (a: MessageRow, b: MessageRow) => a.text === b.text && a.speaker.trim() === b.speaker.trim();
  for (let p = 1; p <= rows.length / 2; p++) {
    if (rows.length % p !== 0) continue;
    let repeats = true;
    for (let i = p; i < rows.length && repeats; i++) repeats = same(rows[i], rows[i - p]);
    if (repeats) return p;
  }
  return rows.length;
}

/** Rows of one conversation (in file order) → one conversation or one rejection. */
export function conversationFromRows(
  allRows: MessageRow[],
  options: Pick<GroupOptions, 'file' | 'roles' | 'dateOrder' | 'timeZone' | 'place' | 'speakerHint' | 'wholeChat'>,
  repeats?: RepeatedRows,
): IngestItem {
  const place = options.place ?? linePlace;
  // The record keeps every row, repeats too: it is what the erasure finds and removes in the raw file.
  const source: SourceRef = { file: options.file, line: allRows[0].line, record: allRows.map((r) => r.raw).join('\n') };
  const distinct = withoutRepeatedRows(allRows);
  if (repeats && distinct.length < allRows.length) {
    repeats.rows += allRows.length - distinct.length;
    repeats.conversations++;
  }
  const rows = distinct.some((r) => r.notice) ? distinct.filter((r) => !r.notice) : distinct;
  if (!rows.length) return reject(source, 'empty-conversation', 'no row is a message (only notices)');
  const bad = rows.find((r) => r.error);
  if (bad?.error) return reject(source, bad.error.reason, bad.error.detail);
  const blank = rows.find((r) => isBlank(r.speaker));
  if (blank) return reject(source, 'missing-field:speaker', `${place(blank.line)} has no speaker`);

  const speakers = [...new Set(rows.map((r) => r.speaker.trim()))];
  const roles = inferMissingRoles(speakers, options.roles);
  if ('unknown' in roles) {
    const speaker = roles.unknown[0];
    const row = required(
      rows.find((r) => r.speaker.trim() === speaker),
      `the row of speaker ${speaker}`,
    );
    return reject(
      source,
      'unknown-speaker',
      `speaker ${show(speaker)} (${place(row.line)}) is not a known role; ${options.speakerHint ?? 'use customer/user, agent/assistant/bot or system, or map the name with speakerRoles'}`,
    );
  }

  // Rows without a timestamp stay right after the row before them in the file.
  const keyed: { row: MessageRow; key: number; iso?: string }[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    if (isBlank(row.timestamp)) {
      keyed.push({ row, key: previous });
      continue;
    }
    const iso = parseTimestamp(row.timestamp, { order: options.dateOrder, timeZone: options.timeZone });
    if (!iso)
      return reject(
        source,
        'invalid-field:timestamp',
        `${place(row.line)} has timestamp ${show(row.timestamp)}, which is not a date/time (use ISO 8601)`,
      );
    previous = Date.parse(iso);
    keyed.push({ row, key: previous, iso });
  }
  keyed.sort((a, b) => a.key - b.key);

  const raw: RawTurn[] = keyed.map(({ row, iso }) => ({ role: roles.get(row.speaker.trim()) as ChatRole, text: row.text, timestamp: iso }));
  const turns = options.wholeChat ? sessionTurns(raw) : buildTurns(raw);
  if (turns.length === 0) return reject(source, 'empty-conversation', 'no row has any text after clean-up');

  const conversation: Conversation = { kind: 'conversation', conversationId: rows[0].conversationId, turns, source };
  if (options.wholeChat) conversation.wholeChat = true;
  const media = rows.filter((r) => r.media && isBlank(r.text)).length;
  if (media) conversation.setAside = { 'media-omitted': media };
  // A repeated row may carry what its first copy lacked (a later export has the rating).
  const issueType = firstText(allRows.map((r) => r.issueType));
  if (issueType) conversation.issueType = issueType;
  const channel = firstText(allRows.map((r) => r.channel));
  if (channel) conversation.channel = channel;
  // The column names the model of each assistant row; on other rows it names the conversation's.
  const rowModel = (row: MessageRow) => row.model?.normalize('NFKC').replace(/\s+/g, ' ').trim() || undefined;
  const model = answeringModel(
    firstText(keyed.filter(({ row }) => roles.get(row.speaker.trim()) !== 'assistant').map(({ row }) => row.model)),
    keyed.filter(({ row }) => roles.get(row.speaker.trim()) === 'assistant').map(({ row }) => rowModel(row)),
  );
  if (model) conversation.model = model;
  for (const row of allRows) {
    const csat = parseRating(row.csat);
    if (csat !== undefined) {
      conversation.csat = csat;
      break;
    }
  }
  return conversationItem(conversation);
}

function firstText(values: (string | undefined)[]): string | undefined {
  for (const value of values) {
    const text = value?.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (text) return text;
  }
  return undefined;
}

/**
 * Rows are buffered per bucket and written in blocks: one write per row would cost a syscall each.
 * A block is written once it holds 32 KB, in a buffer of at most 64 KB: 256 buckets buffer at most
 * 16 MB while the file is read, before the workers are busy (the drain's peak is the run's).
 */
const BUCKET_BLOCK_BYTES = 32 * 1024;
/**
 * Bucket files kept open at once by one writer; the others are opened to append and closed again.
 * The blob function preprocesses up to four blobs at once (host.json): 4 × 256 open files could
 * reach a host's limit of 1,024 descriptors, 4 × 128 stay well under it. Each reopening costs the
 * reading thread awaited calls: 342 MB of message rows took 59.5-63.5 s with 64 open against
 * 55.3-60.2 s with all 256, and 55.8-56.4 s with 128 against 53.7-56.3 s (synchronous calls were
 * faster but kept freed blocks resident: 270-280 MB peak RSS).
 */
const MAX_OPEN_BUCKET_FILES = 128;

interface WriterLimits {
  blockBytes: number;
  maxOpenFiles: number;
}

function writerLimits(options: Pick<GroupOptions, 'blockBytes' | 'maxOpenFiles'>): WriterLimits {
  return { blockBytes: options.blockBytes ?? BUCKET_BLOCK_BYTES, maxOpenFiles: Math.max(1, options.maxOpenFiles ?? MAX_OPEN_BUCKET_FILES) };
}

class BucketWriter {
  private readonly handles: (FileHandle | undefined)[];
  private readonly files: (string | undefined)[];
  private pending: RowBlock[];
  /** Buckets whose file is open, oldest first (at most `maxOpenFiles`). */
  private readonly opened: number[] = [];

  constructor(
    private readonly prefix: string,
    private readonly count: number,
    private readonly level: number,
    private readonly file: string,
    private readonly limits: WriterLimits,
  ) {
    this.handles = Array.from({ length: count }, () => undefined);
    this.files = Array.from({ length: count }, () => undefined);
    this.pending = Array.from({ length: count }, () => new RowBlock());
  }

  /** Buffers a row; true when a bucket's block is full and `flushFull()` should be awaited. */
  add(row: MessageRow): boolean {
    const block = this.pending[bucketOf(row.conversationId, this.level, this.count)];
    block.add(row);
    return block.length >= this.limits.blockBytes;
  }

  /** Buffers a row as read back from a bucket file, without decoding it. */
  addEncoded(record: Buffer): boolean {
    const block = this.pending[bucketOf(conversationIdOf(record), this.level, this.count)];
    block.addEncoded(record);
    return block.length >= this.limits.blockBytes;
  }

  async flushFull(): Promise<void> {
    for (let b = 0; b < this.count; b++) if (this.pending[b].length >= this.limits.blockBytes) await this.flush(b);
  }

  private async flush(b: number): Promise<void> {
    if (!this.pending[b].length) return;
    const block = this.pending[b].take();
    try {
      let handle = this.handles[b];
      if (!handle) {
        const path = `${this.prefix}${b}`;
        const opened = this.opened;
        if (opened.length >= this.limits.maxOpenFiles) {
          const oldest = required(opened.shift(), 'an open bucket file');
          const closing = this.handles[oldest];
          this.handles[oldest] = undefined;
          await closing?.close();
        }
        handle = await open(path, this.files[b] ? 'a' : 'w');
        this.handles[b] = handle;
        opened.push(b);
        this.files[b] = path;
      }
      await handle.write(block);
    } catch (err) {
      throw tempError(this.file, err);
    }
  }

  /** Writes what is buffered and closes every bucket file (also after an error, so nothing leaks). */
  async close(): Promise<void> {
    // The first failure, thrown once every bucket had its chance to close.
    let failure: { thrown: unknown } | undefined;
    for (let b = 0; b < this.count; b++) {
      try {
        await this.flush(b);
      } catch (err) {
        failure ??= { thrown: err };
      }
      try {
        await this.handles[b]?.close();
      } catch (err) {
        failure ??= { thrown: tempError(this.file, err) };
      }
      this.handles[b] = undefined;
    }
    // The drain reads the buckets back while this writer is still in scope: its blocks (a fresh
    // one per bucket after the last flush) would stay allocated the whole time.
    this.pending = [];
    if (failure) throw failure.thrown;
  }

  paths(): readonly (string | undefined)[] {
    return this.files;
  }
}

/** FNV-1a over the UTF-16 code units, seeded per level so a bucket that is split again really spreads out. */
function bucketOf(conversationId: string, level: number, count: number): number {
  let hash = (0x811c9dc5 ^ Math.imul(level + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < conversationId.length; i++) {
    hash ^= conversationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche, so that ids differing only in their last character spread over buckets.
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return (hash >>> 0) % count;
}

/** The rows of a bucket file, as encoded records (`spilledRows`). */
async function* readBucket(path: string, file: string): AsyncIterable<Buffer> {
  try {
    yield* readRecords(path);
  } catch (err) {
    throw tempError(file, err);
  }
}

function tempError(file: string, err: unknown): IngestError {
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError(
    'temp-storage-failed',
    file,
    `grouping CSV rows (or Zendesk ticket events) needs temp disk space and it failed: ${message}; free space or set tempDir`,
    {
      cause: err,
      retriable: true,
    },
  );
}
