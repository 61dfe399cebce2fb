import type { Settings } from '../config/settings';
import { qualityStages } from '../quality/stages';
import type { SignatureStore } from '../quality/dedup';
import type { ConversationStage } from './stages';

export interface PipelineStageOptions {
  settings: Settings;
  /** Duplicate signatures: the table in Azure / on the local stack, memory for `tuneloop prepare`. */
  signatures: SignatureStore;
  /** Clock for signature records; `prepare` pins it so its report is byte-identical across runs. */
  now?: () => Date;
}

/**
 * The quality stages preprocessing runs, the same for the blob function and `tuneloop prepare`.
 * Data quality owns the list and its options (src/shared/quality/stages.ts).
 */
export function preprocessStages(options: PipelineStageOptions): ConversationStage[] {
  // TODO(quality): settings-driven options (rule actions, PII redaction, dedup threshold) belong to
  // quality; replace this call with quality's settings-aware factory once it exists.
  void options.settings;
  return qualityStages({ dedup: { store: options.signatures, ...(options.now ? { now: options.now } : {}) } });
}
