import type { ChatRole } from '../ingest/types';
import type { DeclaredTimeZone } from '../ingest/timeZone';
import type { QualityConfig } from '../quality/stages';
import type { TrainingPrices } from './trainingPrices';

/**
 * What preprocessing (the blob function and `tuneloop prepare`) takes from settings, filled by
 * `preprocessConfig` in src/shared/composition/config.ts. Plain data: the quality part is sent to
 * worker threads.
 */
export interface PreprocessConfig {
  /** TUNELOOP_BASE_MODEL: token counts and limits are the model's. */
  model: string;
  /** TUNELOOP_SYSTEM_PROMPT: the system turn of every training example. */
  systemPrompt: string;
  /** TUNELOOP_SPEAKER_ROLES: speaker names of message CSVs and exports, mapped to chat roles. */
  speakerRoles?: Record<string, ChatRole>;
  /** TUNELOOP_SPLIT_VALIDATION / TUNELOOP_SPLIT_HOLDOUT: shares of the deterministic split. */
  shares: { validation: number; holdout: number };
  /**
   * TUNELOOP_INPUT_TIMEZONE: the zone zone-less input timestamps and workbook dates are read in
   * when a file declares none (`--timezone`, blob metadata `timezone`); UTC by default.
   */
  inputTimeZone?: DeclaredTimeZone;
  /** TUNELOOP_BALANCE_MAX_SHARE / TUNELOOP_BALANCE_MIN_SHARE: the issue-type balance of `prepare`. */
  balance: BalanceConfig;
  /** TUNELOOP_FINETUNE_EPOCHS: epochs of the cost estimate (else the service default). */
  epochs?: number;
  /** TUNELOOP_PREPROCESS_WORKERS: worker threads (else every core). */
  workers?: number;
  /** TUNELOOP_DEBUG_TIMINGS: per-step timings in the report (off: reports stay byte-identical). */
  debugTimings: boolean;
  /** TUNELOOP_MAX_BLOB_ATTEMPTS: deliveries of one blob version before it is quarantined whole. */
  maxBlobAttempts: number;
  /** TUNELOOP_BLOB_LEASE_SECONDS: how long one delivery holds a blob version. */
  blobLeaseSeconds: number;
  quality: QualityConfig;
}

export interface BalanceConfig {
  maxShare: number;
  minShare: number;
}

/** What the nightly assembly takes from settings, filled by `assemblyConfig` in src/shared/composition/config.ts. */
export interface AssemblyConfig {
  /** TUNELOOP_BASE_MODEL: the model a full retrain starts from; the single-flight lock is per base model. */
  baseModel: string;
  /** TUNELOOP_ASSEMBLY_LOCK_MINUTES: after this a crashed run's lock is stale. */
  lockMinutes: number;
  /** TUNELOOP_ASSEMBLY_TEMP_DIR: scratch partitions (else the system temp folder). */
  tempDir?: string;
  /** TUNELOOP_FINETUNE_EPOCHS: epochs of the cost estimate (else the service default). */
  epochs?: number;
  /** TUNELOOP_TRAINING_PRICES: USD per 1M training tokens by model, over tuneloop's table. */
  trainingPrices: TrainingPrices;
  /** TUNELOOP_MAX_TRAINING_COST_USD: a dataset over it is not trained. */
  maxTrainingCostUsd: number;
  /** TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES / TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS: change below both is "unchanged". */
  retrainMinNewExamples: number;
  retrainMinChangedTokens: number;
  /** TUNELOOP_RETRAIN_MAX_RESUBMISSIONS: new jobs on a version whose jobs all failed, before a person is asked to look. */
  retrainMaxResubmissions: number;
  /** TUNELOOP_CSAT_THRESHOLD: late ratings below it weigh replies down. */
  csatThreshold: number;
  /** TUNELOOP_BALANCE_MAX_SHARE / TUNELOOP_BALANCE_MIN_SHARE */
  balance: BalanceConfig;
  /** TUNELOOP_ASSEMBLY_DEDUP / TUNELOOP_DEDUP_THRESHOLD: the cross-file duplicate search. */
  duplicates: { enabled: boolean; threshold: number };
  /** TUNELOOP_TRAINING_MODE, TUNELOOP_CONTINUE_MAX, TUNELOOP_REPLAY_SHARE: continuous fine-tuning. */
  training: { mode: 'full' | 'continue'; continueMax: number; replayShare: number };
}
