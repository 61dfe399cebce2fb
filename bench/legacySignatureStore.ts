import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { SignatureRecord, SignatureStore } from '../src/shared/quality/dedup';

/**
 * The table layout `TableSignatureStore` had before band buckets (kept here only so the
 * preprocessBlob benchmark can measure before and after in the same run): one row per exact hash
 * and one row per band key and record in partition `b-<band key>`, read with one partition query
 * per band and written with one upsert per band.
 */
interface LegacyEntity extends Omit<SignatureRecord, 'line'> {
  /** Written as a number; read back through `Number` like the real store does. */
  line: number | string;
  partitionKey: string;
  rowKey: string;
}

export class LegacyTableSignatureStore implements SignatureStore {
  constructor(private readonly table: TableClient) {}

  async findExact(hash: string, signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      return toRecord(await this.table.getEntity<LegacyEntity>(`x-${hash}`, '-', { abortSignal: signal }));
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async findByBands(keys: string[], signal?: AbortSignal): Promise<SignatureRecord[]> {
    const found = new Map<string, SignatureRecord>();
    await Promise.all(
      keys.map(async (key) => {
        const rows = this.table.listEntities<LegacyEntity>({ queryOptions: { filter: `PartitionKey eq 'b-${key}'` }, abortSignal: signal });
        for await (const row of rows) found.set(row.rowKey, toRecord(row));
      }),
    );
    return [...found.values()];
  }

  async add(record: SignatureRecord, keys: string[], signal?: AbortSignal): Promise<SignatureRecord | undefined> {
    try {
      await this.table.createEntity<LegacyEntity>({ partitionKey: `x-${record.exactHash}`, rowKey: '-', ...record }, { abortSignal: signal });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      const existing = await this.findExact(record.exactHash, signal);
      if (existing && !(existing.conversationId === record.conversationId && existing.file === record.file)) return existing;
    }
    const rowKey = createHash('sha1').update(`${record.file}\n${record.conversationId}`).digest('hex');
    await Promise.all(
      keys.map((key) => this.table.upsertEntity<LegacyEntity>({ partitionKey: `b-${key}`, rowKey, ...record }, 'Replace', { abortSignal: signal })),
    );
    return undefined;
  }
}

function toRecord(e: LegacyEntity): SignatureRecord {
  return { conversationId: e.conversationId, file: e.file, line: Number(e.line), exactHash: e.exactHash, signature: e.signature, seenAt: e.seenAt };
}
