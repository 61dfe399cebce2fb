import type { TableClient } from '@azure/data-tables';
import { isStatus } from '../errors';
import { exactRowAddress, MemorySignatureStore, readExactRow, type SignatureRecord, type SignatureStore } from './dedup';

/** Kept conversations of one blob remembered for near-duplicate matching before the window starts over. */
const DEFAULT_WINDOW = 10_000;
/** Claims sent ahead and not answered yet, at most. */
const DEFAULT_IN_FLIGHT = 32;
/** Announced conversations waiting at most: far more than the pipeline's window of batches; beyond it claims are awaited. */
const MAX_EXPECTED = 4096;

export interface BlobSignatureStoreOptions {
  /** Conversations remembered for within-blob near-duplicate matching (memory bound for huge blobs). Default 10,000. */
  window?: number;
  /** Claims sent ahead and not answered yet, at most. Default 32. */
  inFlight?: number;
  /** False: `expect` is ignored and every claim is awaited in place, one at a time (benchmarks' "before"). Default true. */
  lookahead?: boolean;
}

/** Who holds an exact hash in the table, as the claim sent ahead found out. */
type ClaimResult = { claimed: true } | { claimed: false; holder: SignatureRecord | undefined };

/** One exact hash claimed ahead, shared by every announced conversation of the blob with that hash. */
interface Claim {
  hash: string;
  /** The conversation the create was sent for: the first announced with this hash. */
  owner: SignatureRecord;
  result: Promise<ClaimResult>;
  /** The owner's fate: undecided, kept, set aside by the table (another file holds the text), or dropped here and its claim released. */
  state: 'pending' | 'kept' | 'refused' | 'released';
  /** Once decided (kept or refused): the record the row holds. */
  row?: SignatureRecord;
  /** Announced conversations with this hash still to come (the owner included). */
  waiting: number;
}

interface Expected {
  claim: Claim;
  record: SignatureRecord;
}

/**
 * The blob path's signatures: exact duplicates across files and days through table
 * `dedupsignatures`, near duplicates within the blob in memory. The cross-file near-duplicate
 * search is the nightly assembly's (`assemblyDedup.ts`).
 *
 * Exact rows live one per partition (`x-<hash>`, `exactRowAddress`), so claims cannot share an
 * entity group transaction; instead they leave the pipeline's critical path. The blob path
 * announces each batch's kept conversations with `expect`, in input order, as soon as the
 * workers have fingerprinted them, and the store sends their claims (the create of the exact row,
 * up to `inFlight` at once) before the ordered dedup stage reaches them. A claim is the same
 * single request as before, only sent earlier, so the decisions are those of the claim awaited in
 * place:
 * - `add` of the conversation the claim was sent for: created → kept; refused → the holder's
 *   record (an exact duplicate of another file), unless the holder is this same conversation of
 *   this file (a retried blob).
 * - A conversation the dedup stage drops within the blob (an exact or near duplicate of one kept
 *   before it) never reaches `add`: a claim created for it is released (the row deleted) when the
 *   stage moves on (`findExact` of the next one, or `flush`), so the table holds kept
 *   conversations only, as before.
 * - Later conversations of the blob with the same text share the first one's claim: its holder
 *   when the first was kept or refused (so a copy after the near-duplicate window started over is
 *   still dropped), and a claim of their own, awaited, once it was released.
 * - Two blobs racing for the same text: the table lets one create through; the other blob drops
 *   its copy as an exact duplicate, as before. (One case differs: should the winner then drop its
 *   copy within its own blob as a near duplicate of another conversation, it releases the claim,
 *   and neither blob keeps that exact text, only the winner's near twin. Before, the winner never
 *   claimed it and the other blob kept its copy.)
 *
 * Without `expect` (or if the announced conversations ever disagreed with what the stage asks
 * about) every claim is awaited in place: create, and on 409 read the holder.
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
  /** Announced conversations, in input order (a queue: `head` is the next). */
  private expected: Expected[] = [];
  private head = 0;
  /** Claims with announced conversations still to come, by hash. */
  private readonly claims = new Map<string, Claim>();
  /** The conversation `findExact` was last asked about, until `add` or the next `findExact`. */
  private current: Expected | undefined;
  /** False when told so, or once the announcements and the stage's questions disagreed. */
  private lookahead: boolean;
  /** Every request this store sent without waiting (claims, reads, releases), until it settled. */
  private readonly outstanding = new Set<Promise<unknown>>();
  /** Creates sent ahead and not answered. */
  private creating = 0;
  private readonly slots: (() => void)[] = [];
  /** Releases under way, by hash: a later claim of the hash waits for them. */
  private readonly releasing = new Map<string, Promise<void>>();
  /** The first request sent ahead that failed; thrown by the next `add` or `flush`. */
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
   * The conversations the dedup stage will ask about next, in input order, as it would record
   * them if it kept them (`expectedSignatureRecord`): claims their hashes now.
   */
  expect(records: readonly SignatureRecord[], signal?: AbortSignal): void {
    if (!this.lookahead) return;
    if (this.expected.length - this.head + records.length > MAX_EXPECTED) {
      this.stopLookahead();
      return;
    }
    for (const record of records) {
      let claim = this.claims.get(record.exactHash);
      if (!claim) {
        claim = { hash: record.exactHash, owner: record, result: this.claimAhead(record, signal), state: 'pending', waiting: 0 };
        this.claims.set(record.exactHash, claim);
      }
      claim.waiting++;
      this.expected.push({ claim, record });
    }
  }

  /** Within this blob only: a copy in another file is found by `add`'s claim. */
  findExact(hash: string): Promise<SignatureRecord | undefined> {
    this.settleCurrent();
    if (this.lookahead) this.current = this.nextExpected(hash);
    return this.local.findExact(hash);
  }

  findByBands(keys: string[]): Promise<SignatureRecord[]> {
    return this.local.findByBands(keys);
  }

  async add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    if (this.failure) throw this.failure;
    const expected = this.current;
    this.current = undefined;
    const holder =
      expected && expected.record.exactHash === record.exactHash && sameRecord(expected.record, record)
        ? await this.decide(expected, record, signal)
        : await this.claimNow(record, signal);
    if (holder) return holder;
    if (this.local.size >= this.window) this.local = new MemorySignatureStore();
    // The table claim above is the cross-file check; within the blob `findExact` ran before `add`.
    await this.local.add(record, keys);
    return undefined;
  }

  /** Releases the claim of a last conversation dropped within the blob, waits for every request sent; throws the first that failed. */
  async flush(): Promise<void> {
    this.settleCurrent();
    await this.settle();
    if (this.failure) throw this.failure;
  }

  /** Waits for every request sent ahead, without throwing (an attempt that failed anyway). */
  async settle(): Promise<void> {
    while (this.outstanding.size) await Promise.allSettled([...this.outstanding]);
  }

  /** The decision for an announced conversation that the stage did not drop within the blob. */
  private async decide(expected: Expected, record: SignatureRecord, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    const { claim } = expected;
    if (expected.record === claim.owner) {
      const result = await claim.result;
      if (result.claimed || (result.holder && sameRecord(result.holder, record))) {
        claim.state = 'kept';
        claim.row = result.claimed ? claim.owner : result.holder;
        return undefined;
      }
      if (!result.holder) {
        // Refused, then gone before it could be read (erased meanwhile): claim it in place.
        claim.state = 'released';
        return this.claimNow(record, signal);
      }
      claim.state = 'refused';
      claim.row = result.holder;
      return result.holder;
    }
    // A later copy of the owner's text that the stage let through (the window started over, or
    // the same conversation listed twice): the row the owner's claim found, as its own create would.
    if ((claim.state === 'kept' || claim.state === 'refused') && claim.row) {
      return sameRecord(claim.row, record) ? undefined : claim.row;
    }
    // The owner was dropped here and its claim released: this copy claims for itself.
    return this.claimNow(record, signal);
  }

  /** The claim awaited in place: create, and on 409 the record that holds the hash. */
  private async claimNow(record: SignatureRecord, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    await this.releasing.get(record.exactHash);
    const result = await this.create(record, signal);
    if (result.claimed) return undefined;
    // A retried blob finds its own claim: not a duplicate of itself.
    return result.holder && !sameRecord(result.holder, record) ? result.holder : undefined;
  }

  private async create(record: SignatureRecord, signal?: AbortSignal): Promise<ClaimResult> {
    try {
      await this.table.createEntity({ ...exactRowAddress(record.exactHash), ...record }, { abortSignal: signal });
      return { claimed: true };
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      return { claimed: false, holder: await readExactRow(this.table, record.exactHash, signal) };
    }
  }

  /** Sends the create of an announced hash, at most `inFlight` at once; a failure surfaces at the next `add` or `flush`. */
  private claimAhead(record: SignatureRecord, signal?: AbortSignal): Promise<ClaimResult> {
    const result = (async () => {
      await this.releasing.get(record.exactHash);
      if (this.creating >= this.inFlight) await new Promise<void>((resolve) => this.slots.push(resolve));
      this.creating++;
      try {
        return await this.create(record, signal);
      } finally {
        this.creating--;
        this.slots.shift()?.();
      }
    })();
    this.track(result);
    return result;
  }

  /**
   * The conversation last asked about did not reach `add`: the stage dropped it within the blob.
   * If the claim was made for it, it is released.
   */
  private settleCurrent(): void {
    const dropped = this.current;
    this.current = undefined;
    if (dropped && dropped.record === dropped.claim.owner) this.release(dropped.claim);
  }

  /**
   * Deletes the row of a claim whose owner was not kept (created now, or found from an earlier
   * attempt of this blob), so the table never names a conversation that is not kept.
   */
  private release(claim: Claim): void {
    claim.state = 'released';
    const release = (async () => {
      const result = await claim.result;
      if (!result.claimed && !(result.holder && sameRecord(result.holder, claim.owner))) return;
      const { partitionKey, rowKey } = exactRowAddress(claim.hash);
      try {
        await this.table.deleteEntity(partitionKey, rowKey);
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    })();
    const settled = release.catch(() => undefined);
    this.releasing.set(claim.hash, settled);
    void settled.then(() => {
      if (this.releasing.get(claim.hash) === settled) this.releasing.delete(claim.hash);
    });
    this.track(release);
  }

  private track(request: Promise<unknown>): void {
    const tracked = request.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      },
    );
    this.outstanding.add(tracked);
    void tracked.then(() => this.outstanding.delete(tracked));
  }

  private nextExpected(hash: string): Expected | undefined {
    const next = this.head < this.expected.length ? this.expected[this.head] : undefined;
    if (next?.record.exactHash !== hash) {
      // Not the conversation announced next (or none announced): never guess, claim in place from here on.
      this.stopLookahead();
      return undefined;
    }
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.expected.length) {
      this.expected = this.expected.slice(this.head);
      this.head = 0;
    }
    if (--next.claim.waiting === 0) this.claims.delete(hash);
    return next;
  }

  /**
   * From here on every claim is awaited in place; claims sent ahead for conversations not yet
   * asked about are released (the one asked about last keeps its claim for its `add`).
   */
  private stopLookahead(): void {
    this.lookahead = false;
    for (const claim of new Set(this.expected.slice(this.head).map((e) => e.claim))) {
      if (claim.state === 'pending' && claim !== this.current?.claim) this.release(claim);
    }
    this.expected = [];
    this.head = 0;
    this.claims.clear();
  }

  /** A pass that failed: releases the claims of conversations not decided yet, and waits for every request sent. */
  async abandon(): Promise<void> {
    this.current = undefined;
    this.stopLookahead();
    await this.settle();
  }
}

/** The same conversation of the same file seen again (a retried blob): not a duplicate of itself. */
function sameRecord(a: SignatureRecord, b: SignatureRecord): boolean {
  return a.conversationId === b.conversationId && a.file === b.file;
}
