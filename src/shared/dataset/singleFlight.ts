import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { tableKey } from './keys';
import { required } from '../lookup';

/**
 * One holder at a time per key, across hosts: an ETag-guarded row in a table. A holder that
 * crashes never releases it, so the row carries an expiry; a later caller takes a stale row
 * over (again with its ETag, so two callers cannot both take it). A long holder renews it.
 */
export interface HeldLock {
  readonly key: string;
  readonly owner: string;
  /** Aborted when the lock was lost (a renewal failed): stop the work, someone else may hold it now. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export interface LockHolder {
  owner: string;
  purpose: string;
  acquiredAt: string;
  expiresAt: string;
}

export type LockAttempt = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockHolder };

interface LockEntity extends LockHolder {
  partitionKey: string;
  rowKey: string;
}

export const LOCK_PARTITION = 'single-flight';

/** Waits between attempts to release a lock whose delete failed with anything but 412/404 (about 30 s in all). */
const RELEASE_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];

export interface AcquireOptions {
  /** How long the lock lasts without renewal; a crashed holder's lock expires after this. */
  ttlMs: number;
  /** What the holder does (shown to whoever finds it busy). */
  purpose: string;
  now?: () => Date;
  /** Renew every this many ms (default ttl / 3). */
  renewEveryMs?: number;
}

export async function tryAcquireLock(table: TableClient, key: string, options: AcquireOptions): Promise<LockAttempt> {
  const now = options.now ?? (() => new Date());
  const owner = randomUUID();
  const rowKey = tableKey(key);
  const entity = (): LockEntity => {
    const at = now();
    return {
      partitionKey: LOCK_PARTITION,
      rowKey,
      owner,
      purpose: options.purpose.slice(0, 500),
      acquiredAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + options.ttlMs).toISOString(),
    };
  };
  let etag: string;
  try {
    etag = required((await table.createEntity(entity())).etag, 'the ETag of the created lock');
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    let current: LockEntity & { etag: string };
    try {
      current = await table.getEntity<LockEntity>(LOCK_PARTITION, rowKey);
    } catch (e) {
      // Released between our create and our read: try once more from the start.
      if (statusOf(e) === 404) return tryAcquireLock(table, key, options);
      throw e;
    }
    if (current.owner === owner) {
      // Our own create, whose reply was lost (a storage outage; the SDK retried it into a 409):
      // the lock is ours, not another run's to wait 30 minutes for.
      etag = current.etag;
    } else if (Date.parse(current.expiresAt) > now().getTime()) {
      return { acquired: false, holder: holderOf(current) };
    } else {
      try {
        etag = required((await table.updateEntity(entity(), 'Replace', { etag: current.etag })).etag, 'the ETag of the taken-over lock');
      } catch (e) {
        if (statusOf(e) !== 412 && statusOf(e) !== 404) throw e;
        const winner = await table.getEntity<LockEntity>(LOCK_PARTITION, rowKey).catch(() => undefined);
        return {
          acquired: false,
          holder: winner ? holderOf(winner) : { owner: '?', purpose: 'taken over concurrently', acquiredAt: '', expiresAt: '' },
        };
      }
    }
  }

  const lost = new AbortController();
  let released = false;
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewal = (async () => {
        try {
          etag = required((await table.updateEntity(entity(), 'Replace', { etag })).etag, 'the ETag of the renewed lock');
        } catch (err) {
          if (!released) lost.abort(new Error(`lost the "${key}" lock: ${(err as Error).message}`));
        }
      })();
    },
    options.renewEveryMs ?? Math.max(1000, Math.floor(options.ttlMs / 3)),
  );
  timer.unref();
  return {
    acquired: true,
    lock: {
      key,
      owner,
      signal: lost.signal,
      async release() {
        released = true;
        clearInterval(timer);
        await renewal;
        // A release that fails for a moment (storage restarting) is tried again for about half a
        // minute: a lock left behind would make every run skip as busy until it expires.
        for (let attempt = 0; ; attempt++) {
          try {
            await table.deleteEntity(LOCK_PARTITION, rowKey, { etag });
            return;
          } catch (err) {
            // 412/404: it expired and was taken over (or removed) already; nothing of ours to release.
            if (statusOf(err) === 412 || statusOf(err) === 404) return;
            const delay = RELEASE_RETRY_DELAYS_MS.at(attempt);
            if (delay === undefined) throw err;
            await new Promise((resolve) => setTimeout(resolve, delay));
          }
        }
      },
    },
  };
}

function holderOf(e: LockHolder): LockHolder {
  return { owner: e.owner, purpose: e.purpose, acquiredAt: e.acquiredAt, expiresAt: e.expiresAt };
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number } | null | undefined)?.statusCode;
}
