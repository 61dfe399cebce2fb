import { MemorySignatureStore, type SignatureRecord, type SignatureStore } from './dedup';

/** Kept conversations of one blob remembered for duplicate matching before the window starts over. */
export const DEFAULT_SIGNATURE_WINDOW = 2_000;

export interface WindowedSignatureStoreOptions {
  /** Kept conversations remembered (the memory bound for blobs of millions of conversations). Default 2,000. */
  window?: number;
}

/**
 * The blob path's signatures: exact and near duplicates within the blob, in memory, against the
 * last `window` kept conversations; when the window is full it starts over, so a blob of millions
 * of conversations keeps flat memory.
 *
 * Duplicates across files and days, and copies within a blob further apart than the window, are
 * the nightly assembly's (`assemblyDedup.ts`), which reads every curated shard anyway and keeps
 * the first seen. The blob path writes no row per conversation: at a year's volume such a table
 * grows by millions of rows a day, and on the local stack Azurite saves its whole table database
 * as one JSON document every few seconds, which cannot hold the rows of one 1 GB blob.
 */
export class WindowedSignatureStore implements SignatureStore {
  private readonly window: number;
  private local = new MemorySignatureStore();

  constructor(options: WindowedSignatureStoreOptions = {}) {
    this.window = Math.max(1, options.window ?? DEFAULT_SIGNATURE_WINDOW);
  }

  findExact(hash: string): Promise<SignatureRecord | undefined> {
    return this.local.findExact(hash);
  }

  findByBands(keys: string[]): Promise<SignatureRecord[]> {
    return this.local.findByBands(keys);
  }

  async add(record: SignatureRecord, keys: string[]): Promise<SignatureRecord | undefined> {
    if (this.local.size >= this.window) this.local = new MemorySignatureStore();
    return this.local.add(record, keys);
  }
}
