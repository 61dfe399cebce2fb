import type { TableClient } from '@azure/data-tables';
import { isStatus, TuneloopError } from '../errors';
import { exactRowAddress, MemorySignatureStore, readExactRow, type SignatureRecord, type SignatureStore } from './dedup';

/** Kept conversations of one blob remembered for near-duplicate matching before the window starts over. */
const DEFAULT_WINDOW = 10_000;
/** Table requests of each kind (look-ahead reads, claims) in flight at once. */
const DEFAULT_IN_FLIGHT = 32;
/** Look-ahead hashes waiting at most: far more than the pipeline's window of batches; beyond it look-ahead is off. */
const MAX_EXPECTED = 4096;

export interface BlobSignatureStoreOptions {
  /** Conversations remembered for within-blob near-duplicate matching (memory bound for huge blobs). Default 10,000. */
  window?: number;
  /** Look-ahead reads and claims each in flight at once. Default 32. */
  inFlight?: number;
  /**
   * False: `expect` is ignored and every claim is awaited in place (the blob path's second pass
   * after a lost race, when another blob with the same texts is running). Default true.
   */
  lookahead?: boolean;
}

/**
 * Another blob claimed the same text between this blob's look-ahead read (which found the hash
 * free) and its claim, and this blob had already kept the conversation. The shard of this pass is
 * never committed; the blob path starts the blob over with claims awaited one at a time
 * (`lookahead: false`), which drops the copy, so exactly one of the two is kept, as before.
 */
export class SignatureClaimRaceError extends TuneloopError {
  constructor(mine: SignatureRecord, theirs: SignatureRecord | undefined) {
    const holder = theirs
      ? `conversation ${theirs.conversationId} of ${theirs.file} (line ${theirs.line})`
      : 'a writer that has since removed it';
    super(
      `dedup signatures: conversation ${mine.conversationId} (${mine.file} line ${mine.line}) was kept, but ${holder} ` +
        `claimed the same text (hash ${mine.exactHash}) at the same moment; this pass over the blob is abandoned and the next drops the copy`,
      { retryable: true },
    );
  }
}

/** The table's answer for one exact hash, shared by every expected conversation with that hash. */
interface Lookup {
  hash: string;
  /** The row as read ahead; undefined when nobody had claimed the hash. */
  read: Promise<SignatureRecord | undefined>;
  /** Set when this store claimed the hash after the read was sent: the read may predate the claim. */
  claimedBy?: SignatureRecord;
  /** Expected conversations still to come with this hash. */
  waiting: number;
}

/**
 * The blob path's signatures: exact duplicates across files and days through table
 * `dedupsignatures`, near duplicates within the blob in memory. The cross-file near-duplicate
 * search is the nightly assembly's (`assemblyDedup.ts`).
 *
 * Exact rows live one per partition (`x-<hash>`, `exactRowAddress`), so claims cannot share an
 * entity group transaction; instead they leave the pipeline's critical path:
 * - `expect` is told each batch's exact hashes, in input order, as soon as the workers computed
 *   them (before the ordered dedup stage reaches them), and reads their rows ahead, concurrently;
 * - `add` decides from that read, as the awaited create did: the hash held by another
 *   conversation → that record (an exact duplicate); held by this conversation (a retried blob)
 *   or free → kept, and a free hash is claimed by a create sent without waiting (up to `inFlight`
 *   at once). Claims this store makes while reads are out override those reads, so a later
 *   conversation of the blob with the same text finds its earlier copy even after the
 *   near-duplicate window started over.
 * - A claim refused because another blob created the row after the read (two blobs racing for
 *   the same text) fails the pass with `SignatureClaimRaceError` at the next `add` or at
 *   `flush`, which the blob path awaits before it commits the shard; it then starts the blob over
 *   with `lookahead: false`, whose awaited claims drop the copy.
 *
 * Without `expect` (or if the hashes ever came in another order than `findExact` asks for them)
 * `add` awaits its claim as before: create, and on 409 read the holder.
 *
 * Within the blob, near duplicates are matched against the last `window` kept conversations;
 * when the window is full it starts over (a blob of millions of conversations keeps flat
 * memory), and copies further apart are left to the assembly.
 */
export class BlobSignatureStore implements SignatureStore {
  private readonly window: number;
  private readonly inFlight: number;
  /** This blob's kept conversations, for near duplicates within it (the last `window` of them). */
  private local = new MemorySignatureStore();
  /** Expected exact hashes, in input order (a queue: `head` is the next). */
  private expected: Lookup[] = [];
  private head = 0;
  /** Outstanding look-ups by hash, so copies within the blob share one read. */
  private readonly lookups = new Map<string, Lookup>();
  /** The look-up of the conversation `findExact` was last asked about, for its `add`. */
  private current: Lookup | undefined;
  /** False when told so, or once the hashes and the stage's questions disagreed: every claim is awaited from then on. */
  private lookahead: boolean;
  /** Creates sent and not answered, by hash. */
  private readonly claiming = new Map<string, SignatureRecord>();
  private readonly claims = new Set<Promise<void>>();
  /** Reads waiting for a free slot, and how many are out. */
  private readonly readQueue: (() => void)[] = [];
  private readsOut = 0;
  /** The first claim that failed; thrown by the next `add` or `flush`. */
  private failure: Error | undefined;

  constructor(
    private readonly table: TableClient,
    options: BlobSignatureStoreOptions = {},
  ) {
    this.window = Math.max(1, options.window ?? DEFAULT_WINDOW);
    this.inFlight = Math.max(1, options.inFlight ?? DEFAULT_IN_FLIGHT);
    this.lookahead = options.lookahead ?? true;
  }

  /**
   * The exact hashes the dedup stage will ask about next, in input order (the kept conversations
   * of a batch, as the workers fingerprinted them). Starts reading their rows.
   */
  expect(hashes: readonly string[], signal?: AbortSignal): void {
    if (!this.lookahead) return;
    if (this.expected.length - this.head + hashes.length > MAX_EXPECTED) return this.stopLookahead();
    for (const hash of hashes) {
      let lookup = this.lookups.get(hash);
      if (!lookup) {
        const claimedBy = this.claiming.get(hash);
        const read = claimedBy ? Promise.resolve(undefined) : this.readAhead(hash, signal);
        // Awaited by `add` when the conversation gets there; one dropped before (a copy within
        // the blob) never asks, and its failed read must not count as unhandled.
        read.catch(() => undefined);
        lookup = { hash, read, waiting: 0, ...(claimedBy ? { claimedBy } : {}) };
        this.lookups.set(hash, lookup);
      }
      lookup.waiting++;
      this.expected.push(lookup);
    }
  }

  /** Within this blob only: a copy in another file is found by `add`'s claim. */
  findExact(hash: string): Promise<SignatureRecord | undefined> {
    this.current = this.lookahead ? this.nextExpected(hash) : undefined;
    return this.local.findExact(hash);
  }

  findByBands(keys: string[]): Promise<SignatureRecord[]> {
    return this.local.findByBands(keys);
  }

  async add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    if (this.failure !== undefined) throw this.failure;
    const lookup = this.current?.hash === record.exactHash ? this.current : undefined;
    this.current = undefined;
    const holder = lookup ? await this.decideAhead(lookup, record, signal) : await this.claimNow(record, signal);
    if (holder) return holder;
    if (this.local.size >= this.window) this.local = new MemorySignatureStore();
    // The table claim above is the cross-file check; within the blob `findExact` ran before `add`.
    await this.local.add(record, keys);
    return undefined;
  }

  /** Waits for every claim sent; throws the first that failed (a race lost, a storage error). */
  async flush(): Promise<void> {
    await this.settle();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits for every claim sent, without throwing (an attempt that failed anyway). */
  async settle(): Promise<void> {
    while (this.claims.size) await Promise.allSettled([...this.claims]);
  }

  /** The holder of the hash from the read ahead (or this store's own later claim); a free hash is claimed without waiting. */
  private async decideAhead(lookup: Lookup, record: SignatureRecord, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    const holder = lookup.claimedBy ?? this.claiming.get(record.exactHash) ?? (await lookup.read);
    // A retried blob finds its own claim: not a duplicate of itself.
    if (holder) return sameRecord(holder, record) ? undefined : holder;
    while (this.claims.size >= this.inFlight) await Promise.race(this.claims);
    if (this.failure !== undefined) throw this.failure;
    this.claiming.set(record.exactHash, record);
    const pending = this.lookups.get(record.exactHash);
    if (pending) pending.claimedBy = record;
    const claim = this.claimAhead(record, signal).finally(() => {
      this.claiming.delete(record.exactHash);
      this.claims.delete(claim);
    });
    this.claims.add(claim);
    return undefined;
  }

  private async claimAhead(record: SignatureRecord, signal?: AbortSignal): Promise<void> {
    try {
      await this.table.createEntity({ ...exactRowAddress(record.exactHash), ...record }, { abortSignal: signal });
    } catch (err) {
      if (!isStatus(err, 409)) {
        this.failure ??= asError(err);
        return;
      }
      try {
        const existing = await readExactRow(this.table, record.exactHash, signal);
        if (!existing || !sameRecord(existing, record)) this.failure ??= new SignatureClaimRaceError(record, existing);
      } catch (readErr) {
        this.failure ??= asError(readErr);
      }
    }
  }

  /** The claim awaited in place: create, and on 409 the record that holds the hash. */
  private async claimNow(record: SignatureRecord, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    const claimed = this.claiming.get(record.exactHash);
    if (claimed) return sameRecord(claimed, record) ? undefined : claimed;
    try {
      await this.table.createEntity({ ...exactRowAddress(record.exactHash), ...record }, { abortSignal: signal });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const existing = await readExactRow(this.table, record.exactHash, signal);
      // A retried blob finds its own claim: not a duplicate of itself.
      if (existing && !sameRecord(existing, record)) return existing;
    }
    return undefined;
  }

  private nextExpected(hash: string): Lookup | undefined {
    const next = this.head < this.expected.length ? this.expected[this.head] : undefined;
    if (next?.hash !== hash) {
      // Not the conversation announced next (or none announced): never guess, claim in place from here on.
      this.stopLookahead();
      return undefined;
    }
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.expected.length) {
      this.expected = this.expected.slice(this.head);
      this.head = 0;
    }
    if (--next.waiting === 0) this.lookups.delete(hash);
    return next;
  }

  private stopLookahead(): void {
    this.lookahead = false;
    this.expected = [];
    this.head = 0;
    this.lookups.clear();
  }

  /** Reads the row of a hash, at most `inFlight` reads at once. */
  private async readAhead(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    if (this.readsOut >= this.inFlight) await new Promise<void>((resolve) => this.readQueue.push(resolve));
    this.readsOut++;
    try {
      return await readExactRow(this.table, hash, signal);
    } finally {
      this.readsOut--;
      this.readQueue.shift()?.();
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** The same conversation of the same file seen again (a retried blob): not a duplicate of itself. */
function sameRecord(a: SignatureRecord, b: SignatureRecord): boolean {
  return a.conversationId === b.conversationId && a.file === b.file;
}
