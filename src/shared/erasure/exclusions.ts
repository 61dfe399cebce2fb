import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import { sha256Hex } from '../dataset/keys';
import { conversationSource } from '../dataset/conversationIdentity';

/**
 * Conversations that were erased and must never be trained on again, even if the same export is
 * dropped into raw-logs once more. Table `forgotten`: PartitionKey `conversation`, RowKey the
 * sha256 of source + conversation id (source `*` = every source), so the table itself holds no
 * personal data.
 */
const PARTITION = 'conversation';
const ANY_SOURCE = '*';

export function forgottenKey(conversationId: string, source?: string): string {
  return sha256Hex(`${source ?? ANY_SOURCE}\u0000${conversationId}`);
}

/**
 * The key of a conversation by the identity the assembly gives it (its `source` field, else the
 * top folder of its blob: docs/fine-tuning-jobs.md). Keyed apart from blob names, because the same
 * export dropped again under another name (`crm/export-2026-01-13/…`) is the same conversation.
 */
export function forgottenIdentityKey(conversationId: string, identitySource: string): string {
  return sha256Hex(`identity\u0000${identitySource}\u0000${conversationId}`);
}

export interface ForgottenConversations {
  readonly size: number;
  /**
   * True when the conversation was erased: from that raw-logs blob, from any blob, or (given its
   * identity source) from any blob of that source.
   */
  has(conversationId: string, file: string, identitySource?: string): boolean;
}

export class ForgottenStore {
  private readonly table: TableClient;

  constructor(storage: StorageClients) {
    this.table = storage.table(TABLES.forgotten);
  }

  async add(entries: { conversationId: string; source?: string; identitySource?: string }[], requestId: string, at: Date): Promise<void> {
    await this.table.createTable().catch(() => undefined);
    for (const entry of entries) {
      const keys = [forgottenKey(entry.conversationId, entry.source)];
      if (entry.identitySource !== undefined) keys.push(forgottenIdentityKey(entry.conversationId, entry.identitySource));
      for (const rowKey of keys)
        await this.table.upsertEntity({ partitionKey: PARTITION, rowKey, requestId, forgottenAt: at.toISOString() }, 'Replace');
    }
  }

  async load(signal?: AbortSignal): Promise<ForgottenConversations> {
    const keys = new Set<string>();
    try {
      for await (const row of this.table.listEntities({
        queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
        abortSignal: signal,
      })) {
        keys.add(String(row.rowKey));
      }
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    return {
      size: keys.size,
      has: (conversationId, file, identitySource) =>
        keys.size > 0 &&
        (keys.has(forgottenKey(conversationId, file)) ||
          keys.has(forgottenKey(conversationId)) ||
          (identitySource !== undefined && keys.has(forgottenIdentityKey(conversationId, identitySource)))),
    };
  }
}

/**
 * What the nightly assembly calls: drops curated records of erased conversations (a second
 * delivery of the same raw export, or a shard written while the erasure ran). Returns the kept
 * records and how many were left out.
 */
export async function excludeForgotten<R extends { conversation_id: string; source: { file: string; system?: unknown } }>(
  storage: StorageClients,
  records: R[],
  signal?: AbortSignal,
): Promise<{ kept: R[]; excluded: number }> {
  const forgotten = await new ForgottenStore(storage).load(signal);
  if (forgotten.size === 0) return { kept: records, excluded: 0 };
  const kept = records.filter((r) => !forgotten.has(r.conversation_id, r.source.file, conversationSource(r.source)));
  return { kept, excluded: records.length - kept.length };
}
