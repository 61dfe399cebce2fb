import type { TableClient } from '@azure/data-tables';
import { isStatus } from '../errors';
import { exactRowAddress, MemorySignatureStore, readExactRow, type SignatureRecord, type SignatureStore } from './dedup';

/** Kept conversations of one blob remembered for near-duplicate matching before the window starts over. */
const DEFAULT_WINDOW = 10_000;

export interface BlobSignatureStoreOptions {
  /** Conversations remembered for within-blob near-duplicate matching (memory bound for huge blobs). Default 10,000. */
  window?: number;
}

/**
 * The blob path's signatures: exact duplicates across files and days through table
 * `dedupsignatures`, near duplicates within the blob in memory. The cross-file near-duplicate
 * search is the nightly assembly's (`assemblyDedup.ts`), so a kept conversation costs one table
 * request (the create that claims its exact hash) and a cross-file exact duplicate two (the
 * refused create and the read of the record that holds the text), instead of ~24 requests for
 * an LSH index in the table.
 *
 * Within the blob, near duplicates are matched against the last `window` kept conversations;
 * when the window is full it starts over (a blob of millions of conversations keeps flat
 * memory), and copies further apart are left to the assembly.
 */
export class BlobSignatureStore implements SignatureStore {
  private readonly window: number;
  /** This blob's kept conversations, for near duplicates within it (the last `window` of them). */
  private local = new MemorySignatureStore();

  constructor(
    private readonly table: TableClient,
    options: BlobSignatureStoreOptions = {},
  ) {
    this.window = Math.max(1, options.window ?? DEFAULT_WINDOW);
  }

  /** Within this blob only: a copy in another file is found by `add`'s claim. */
  findExact(hash: string): Promise<SignatureRecord | undefined> {
    return this.local.findExact(hash);
  }

  findByBands(keys: string[]): Promise<SignatureRecord[]> {
    return this.local.findByBands(keys);
  }

  async add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      await this.table.createEntity({ ...exactRowAddress(record.exactHash), ...record }, { abortSignal: signal });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const existing = await readExactRow(this.table, record.exactHash, signal);
      // A retried blob finds its own claim: not a duplicate of itself.
      if (existing && !(existing.conversationId === record.conversationId && existing.file === record.file)) return existing;
    }
    if (this.local.size >= this.window) this.local = new MemorySignatureStore();
    // The table claim above is the cross-file check; within the blob `findExact` ran before `add`.
    await this.local.add(record, keys);
    return undefined;
  }
}
