import type { TableClient } from '@azure/data-tables';
import { isStatus, TuneloopError } from '../errors';
import { sleep } from '../finetune/backoff';
import { printableBlobName } from '../storage/blobNames';

/**
 * The part of a `blobreceipts` row the claim protocol reads and writes: which delivery holds a
 * blob version (`leaseUntil`) and how many attempts it has had.
 */
export interface ClaimableReceipt {
  partitionKey: string;
  rowKey: string;
  status: string;
  attempts: number;
  leaseUntil?: string;
  updatedAt: string;
}

/** Another delivery holds this blob version; thrown so that this delivery is retried later (then a no-op). */
export class BlobInProgressError extends TuneloopError {
  constructor(
    readonly blobName: string,
    readonly heldUntil: string,
  ) {
    super(
      `raw-logs/${printableBlobName(blobName)} is being preprocessed by another delivery (held until ${heldUntil}, and renewed while it works); ` +
        'this delivery will be retried and finds it done, or takes over if that delivery died',
    );
  }
}

/** This delivery's claim was taken over (its renewals stopped reaching storage for a whole lease); its work is abandoned. */
export class BlobClaimLostError extends TuneloopError {
  constructor(readonly blobName: string) {
    super(
      `raw-logs/${printableBlobName(blobName)}: this delivery lost its claim to another delivery (its renewals did not reach storage within ` +
        'TUNELOOP_BLOB_LEASE_SECONDS); it stops, and the other delivery processes the blob',
    );
  }
}

export interface ClaimOptions<T extends ClaimableReceipt> {
  table: TableClient;
  /** The receipt row's keys: the blob name's key and the hash of the version's ETag. */
  partitionKey: string;
  rowKey: string;
  blobName: string;
  /** Seconds a claim lasts without renewal (TUNELOOP_BLOB_LEASE_SECONDS). */
  leaseSeconds: number;
  /** The receipt to write when claiming, given the attempt number and the previous row (if any). */
  receiptFor: (attempt: number, leaseUntil: string, previous: T | undefined) => T;
  signal?: AbortSignal;
  /**
   * How long to wait for a claim that its holder keeps renewing before giving up with
   * BlobInProgressError (the holder is alive and finishes it); default one lease plus a poll. A
   * claim nobody renews is waited out however long it has left.
   */
  maxWaitMs?: number;
  /** Called once when this delivery starts waiting for another delivery's claim (a log line: it may wait minutes). */
  onWait?: (heldUntil: string) => void;
}

export type ClaimResult<T extends ClaimableReceipt> =
  /** This delivery holds the version: process it, renewing the claim meanwhile. */
  | { kind: 'claimed'; receipt: T; etag: string; attempt: number }
  /** Another delivery finished it (processed or quarantined) while this one looked or waited. */
  | { kind: 'done'; receipt: T };

/**
 * Claims one blob version for this delivery. A version held by another delivery is waited for
 * rather than refused at once: a redelivery after a crash meets the dead delivery's claim, and
 * failing right away would spend the platform's few quick retries (5 within seconds) before the
 * claim runs out, leaving the blob failed for good. So it polls until the holder finishes (then
 * `done`) or its claim runs out (then takes over); a live holder renews its claim, so only a dead
 * one's runs out.
 */
export async function claimBlobVersion<T extends ClaimableReceipt>(options: ClaimOptions<T>): Promise<ClaimResult<T>> {
  const { table, blobName, leaseSeconds, receiptFor, signal } = options;
  const pollMs = claimPollMs(leaseSeconds);
  const deadline = Date.now() + (options.maxWaitMs ?? leaseSeconds * 1000 + pollMs);
  let firstSeen: string | undefined;
  for (;;) {
    const row = await getRow(table, options.partitionKey, options.rowKey, signal);
    const existing = row && { entity: row.entity as unknown as T, etag: row.etag };
    if (existing && existing.entity.status !== 'processing') return { kind: 'done', receipt: existing.entity };
    const heldUntil = existing?.entity.leaseUntil;
    const heldFor = heldUntil ? Date.parse(heldUntil) - Date.now() : 0;
    if (heldUntil && heldFor > 0) {
      if (firstSeen === undefined) {
        firstSeen = heldUntil;
        options.onWait?.(heldUntil);
      }
      // Only a claim renewed while this delivery waited is known to be alive; one that is not is waited out.
      const renewed = heldUntil !== firstSeen;
      if (renewed && Date.now() >= deadline) throw new BlobInProgressError(blobName, heldUntil);
      // Jitter keeps many waiting deliveries from reading the row in step.
      const pause = Math.min(pollMs * (0.75 + Math.random() * 0.5), heldFor + 50);
      await sleep(renewed ? Math.min(pause, Math.max(0, deadline - Date.now())) : pause, signal);
      continue;
    }
    const attempt = (existing?.entity.attempts ?? 0) + 1;
    const receipt = receiptFor(attempt, leaseEnd(leaseSeconds), existing?.entity);
    try {
      // Optimistic concurrency: of deliveries claiming at once exactly one wins; the others read again and wait.
      const response = existing
        ? await table.updateEntity(receipt, 'Replace', { etag: existing.etag, abortSignal: signal })
        : await table.createEntity(receipt, { abortSignal: signal });
      return { kind: 'claimed', receipt, etag: response.etag ?? '', attempt };
    } catch (err) {
      if (isStatus(err, 409) || isStatus(err, 412)) continue;
      throw err;
    }
  }
}

/**
 * Keeps a claim alive while its delivery works, so a blob that takes longer than one lease (a 1 GB
 * export takes half an hour) is not taken over by a redelivery. Renews every quarter lease; a
 * renewal that finds the row changed (another delivery took over) aborts `signal`.
 */
export class ClaimRenewal<T extends ClaimableReceipt> {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly table: TableClient,
    private readonly blobName: string,
    private receipt: T,
    private etag: string,
    private readonly leaseSeconds: number,
    private readonly warn?: (message: string) => void,
  ) {
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(() => this.renew());
    }, claimRenewMs(leaseSeconds));
    // The renewal must not keep a process alive whose work has ended another way.
    this.timer.unref();
  }

  /** Aborted when the claim was lost: the delivery must stop and leave the row to its new holder. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops renewing (before the delivery writes its final status) and returns the row's current ETag. */
  async stop(): Promise<string> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.inFlight;
    return this.etag;
  }

  private async renew(): Promise<void> {
    if (this.stopped || this.controller.signal.aborted) return;
    const renewed = { ...this.receipt, leaseUntil: leaseEnd(this.leaseSeconds), updatedAt: new Date().toISOString() };
    try {
      const response = await this.table.updateEntity(renewed, 'Replace', { etag: this.etag });
      this.receipt = renewed;
      this.etag = response.etag ?? this.etag;
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) {
        this.controller.abort(new BlobClaimLostError(this.blobName));
        return;
      }
      // A storage hiccup: the claim still has three quarters of a lease; the next renewal tries again.
      this.warn?.(`raw-logs/${printableBlobName(this.blobName)}: renewing the claim failed (${(err as Error).message}); retrying`);
    }
  }
}

/** How often a waiting delivery reads the receipt again: a quarter lease, at most 2 s. */
export function claimPollMs(leaseSeconds: number): number {
  return Math.min(2000, Math.max(50, (leaseSeconds * 1000) / 4));
}

/** How often a working delivery renews its claim: a quarter lease, so two renewals can fail before it runs out. */
export function claimRenewMs(leaseSeconds: number): number {
  return Math.max(50, (leaseSeconds * 1000) / 4);
}

function leaseEnd(leaseSeconds: number): string {
  return new Date(Date.now() + leaseSeconds * 1000).toISOString();
}

async function getRow(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
  signal?: AbortSignal,
): Promise<{ entity: Record<string, unknown>; etag: string } | undefined> {
  try {
    const e = await table.getEntity(partitionKey, rowKey, { abortSignal: signal });
    return { entity: e, etag: e.etag };
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
}
