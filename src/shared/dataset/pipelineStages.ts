import { configuredQualityStages, type QualityConfig } from '../quality/stages';
import type { SignatureStore } from '../quality/dedup';
import type { ConversationStage } from './stages';

export interface PipelineStageOptions {
  /** The data-quality part of the preprocessing config (`PreprocessConfig.quality`). */
  quality: QualityConfig;
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
  return configuredQualityStages(options.quality, {
    signatures: options.signatures,
    ...(options.now ? { now: options.now } : {}),
  });
}
