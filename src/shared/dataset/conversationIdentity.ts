import { hash } from 'node:crypto';

/**
 * Who a conversation is: its source plus its id. Two systems that both number from 1 are two
 * sources, so their conversations never overwrite each other; a newer export of the same
 * conversation from the same source supersedes the older one.
 *
 * The source is the record's own `source` name when the input gave one (curated
 * `source.system`), else the top folder of the blob it was uploaded as (`crm/2026-01-02.jsonl` →
 * `crm`; a blob at the container root has the empty source). The top folder, not the whole
 * directory, so that daily sub-folders of one system (`crm/2026/01/…`) stay one source.
 */
export interface ConversationIdentity {
  source: string;
  conversationId: string;
}

export function sourceOfFile(file: string): string {
  const at = file.indexOf('/');
  return at > 0 ? file.slice(0, at) : '';
}

export function conversationSource(ref: { file: string; system?: unknown }): string {
  return typeof ref.system === 'string' && ref.system.trim() ? ref.system.trim() : sourceOfFile(ref.file);
}

/** The printable form used in reports and exclusion lists: `source/id`, or the id alone at the root. */
export function identityLabel(identity: ConversationIdentity): string {
  return identity.source ? `${identity.source}/${identity.conversationId}` : identity.conversationId;
}

/**
 * sha256 of the identity, hex. It orders every dataset file (so the output does not depend on
 * which shard came first or how the work was partitioned), partitions the assembly's spill files,
 * and ranks conversations for the balance cap (the same conversation keeps its rank run after run).
 */
export function identityHash(identity: ConversationIdentity): string {
  return hash('sha256', `tuneloop\u0000${identity.source}\u0000${identity.conversationId}`, 'hex');
}
