import type { ConversationStage } from '../dataset/stages';
import { createDedupStage, type DedupOptions } from './dedup';
import { createReplyRulesStage, type ReplyRulesOptions } from './rules';
import { createSafetyStage, type SafetyOptions } from './safety';

/**
 * Everything data quality does to a conversation, as stages for `runStages`. `false` turns a
 * stage off. Order matters:
 * 1. reply rules — cheap, and drop conversations nothing else needs to look at;
 * 2. safety screen — before redaction, which would hide secret-shaped URLs and keys from it;
 * 3. PII redaction — everything after this (and everything written) sees redacted text only;
 * 4. dedup — on redacted text, so conversations differing only in personal data count as
 *    duplicates; last, so only conversations that are kept register their signatures.
 */
export interface QualityOptions {
  rules?: ReplyRulesOptions | false;
  safety?: SafetyOptions | false;
  /** Duplicate removal needs a signature store; without one (undefined or false) it is off. */
  dedup?: DedupOptions | false;
  /** Extra stages run after redaction and before dedup (e.g. PII redaction, see `qualityStagesFromSettings`). */
  redaction?: ConversationStage | false;
}

export function qualityStages(options: QualityOptions = {}): ConversationStage[] {
  const stages: ConversationStage[] = [];
  if (options.rules !== false) stages.push(createReplyRulesStage(options.rules ?? {}));
  if (options.safety !== false) stages.push(createSafetyStage(options.safety ?? {}));
  if (options.redaction) stages.push(options.redaction);
  if (options.dedup) stages.push(createDedupStage(options.dedup));
  return stages;
}

/** Collects every stage's counters for the per-blob report, keyed by stage name. */
export function qualitySummary(stages: readonly ConversationStage[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const stage of stages) if (stage.summary) out[stage.name] = stage.summary();
  return out;
}
