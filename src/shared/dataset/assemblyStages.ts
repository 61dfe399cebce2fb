import type { Runtime } from '../composition/runtime';
import type { ConversationIdentity } from './conversationIdentity';
import { identityLabel } from './conversationIdentity';
import type { CuratedRecord } from './assemblyRecords';

/** One conversation as the assembly sees it: the newest export of it, feedback joined. */
export interface AssemblyConversation {
  identity: ConversationIdentity;
  /** sha256 of the identity (see conversationIdentity.ts). */
  hash: string;
  /** Its curated records (conversation, intent … examples), from the newest shard that has it. */
  records: CuratedRecord[];
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
  decide(conversation: AssemblyConversation): StageDecision | Promise<StageDecision>;
}

/**
 * Leaves out the listed conversations (e.g. a customer's erasure request). Entries are
 * `source/id` labels (or bare ids for conversations uploaded at the container root) as
 * `identityLabel` prints them.
 */
export function exclusionStage(load: (signal?: AbortSignal) => Promise<Iterable<string>> | Iterable<string>, reason = 'excluded'): AssemblyStage {
  let excluded = new Set<string>();
  return {
    name: 'exclusions',
    async start(signal) {
      excluded = new Set(await load(signal));
    },
    decide(conversation) {
      return excluded.has(identityLabel(conversation.identity)) ? { reason, detail: `${identityLabel(conversation.identity)} is on the exclusion list` } : undefined;
    },
  };
}

/**
 * The stages every assembly runs, in order. Empty today; erasure (an exclusion list) and any
 * assembly-time duplicate search register here.
 */
export function defaultAssemblyStages(_runtime: Runtime): AssemblyStage[] {
  return [];
}
