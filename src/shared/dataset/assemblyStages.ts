import { conversationSource } from './conversationIdentity';
import type { Runtime } from '../composition/runtime';
import type { ConversationIdentity } from './conversationIdentity';
import { identityLabel } from './conversationIdentity';
import type { CuratedRecord } from './assemblyRecords';
import { ForgottenStore, type ForgottenConversations } from '../erasure/exclusions';
import type { ScratchDir } from './spill';
import { nearDuplicateAssemblyStage } from './assemblyDedup';

/** One conversation as the assembly sees it: the newest export of it, feedback joined. */
export interface AssemblyConversation {
  identity: ConversationIdentity;
  /** sha256 of the identity (see conversationIdentity.ts). */
  hash: string;
  /** Its curated records (conversation, intent … examples), from the newest shard that has it. */
  records: CuratedRecord[];
}

/** A conversation as a scanning stage sees it, with when it was first seen. */
export interface ScannedConversation extends AssemblyConversation {
  /**
   * Sortable first-sight key: the index of the oldest shard holding the conversation (shards in
   * the assembly's order, oldest written first) and its line there, zero-padded.
   */
  firstSeen: string;
}

export interface ScanContext {
  /** The assembly's scratch folder (local disk), removed when the assembly ends. */
  scratch: ScratchDir;
  /** An upper bound of the conversations the scan will see (for sizing partitions). */
  expectedConversations: number;
  signal?: AbortSignal;
}

export type StageDecision = undefined | { reason: string; detail?: string };

/**
 * A step of the nightly assembly that may leave a conversation out of this dataset version
 * (erasure, a cross-day near-duplicate search …). It sees one conversation at a time, in a fixed
 * order (identity hash), so it must not need the whole dataset in memory. A conversation left
 * out is counted under `reason` in the manifest and listed in `<version>/dropped.jsonl`.
 */
export interface AssemblyStage {
  readonly name: string;
  /** Called once before the first conversation: load what the stage needs. */
  start?(signal?: AbortSignal): Promise<void>;
  /**
   * A stage that compares conversations with each other (the duplicate search) scans first:
   * every conversation the per-conversation stages kept, in identity-hash order, streamed from
   * disk. `decide` is then asked about the same conversations in the same order. Stages with a
   * scan run after those without.
   */
  scan?(conversations: AsyncIterable<ScannedConversation>, context: ScanContext): Promise<void>;
  decide(conversation: AssemblyConversation): StageDecision | Promise<StageDecision>;
}

/**
 * Leaves out the listed conversations (e.g. a customer's erasure request). Entries are
 * `source/id` labels (or bare ids for conversations uploaded at the container root) as
 * `identityLabel` prints them.
 */
export function exclusionStage(
  load: (signal?: AbortSignal) => Promise<Iterable<string>> | Iterable<string>,
  reason = 'excluded',
): AssemblyStage {
  let excluded = new Set<string>();
  return {
    name: 'exclusions',
    async start(signal) {
      excluded = new Set(await load(signal));
    },
    decide(conversation) {
      return excluded.has(identityLabel(conversation.identity))
        ? { reason, detail: `${identityLabel(conversation.identity)} is on the exclusion list` }
        : undefined;
    },
  };
}

/**
 * Leaves out conversations erased with `tuneloop forget` (table `forgotten`), even when their
 * export is dropped into raw-logs again or a shard was written while the erasure ran.
 */
export function forgottenStage(runtime: Runtime): AssemblyStage {
  let forgotten: ForgottenConversations | undefined;
  return {
    name: 'forgotten',
    async start(signal) {
      forgotten = await new ForgottenStore(runtime.storage).load(signal);
    },
    decide(conversation) {
      // By its raw-logs blob and id, and by the identity the assembly gives it (source + id), so the
      // same export dropped again under another blob name stays out.
      const erased = conversation.records.some((r) => forgotten?.has(r.conversation_id, r.source.file, conversationSource(r.source)));
      return erased ? { reason: 'forgotten', detail: 'erased on request (tuneloop forget)' } : undefined;
    },
  };
}

/**
 * The stages every assembly runs, in order: erasure first (an erased conversation is never the
 * original that keeps a copy out), then the cross-file, cross-day duplicate search.
 */
export function defaultAssemblyStages(runtime: Runtime): AssemblyStage[] {
  const stages = [forgottenStage(runtime)];
  const duplicates = runtime.config.assembly.duplicates;
  if (duplicates.enabled) stages.push(nearDuplicateAssemblyStage({ threshold: duplicates.threshold }));
  return stages;
}
