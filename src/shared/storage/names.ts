/** Fixed resource names; Bicep (infra/modules/storage.bicep) creates the same ones. */
export const CONTAINERS = {
  raw: 'raw-logs',
  curated: 'curated',
  quarantine: 'quarantine',
  datasets: 'datasets',
  evalReports: 'eval-reports',
  /** Operator configuration read by the functions, e.g. `mapping.json` (input mappings for other layouts). */
  config: 'config',
} as const;

export const QUEUES = {
  jobs: 'finetune-jobs',
  jobsPoison: 'finetune-jobs-poison',
  /** Erasure requests (`{"conversation": "<source>/<id>"}` or `{"match": "<e-mail|phone|customer id>"}`). */
  erasure: 'erasure-requests',
  erasurePoison: 'erasure-requests-poison',
} as const;

export const TABLES = {
  /** Preprocessing receipts: one row per (blob name, ETag) with its attempts and outcome. */
  blobReceipts: 'blobreceipts',
  /** Feedback ratings waiting for, or joined to, their conversations. */
  feedback: 'feedback',
  /**
   * Which model answered a conversation, when its log names one (CSAT per answering model): one
   * row per such conversation, kept apart from `feedback` so the per-conversation rating lookup
   * and the nightly assembly's read of `feedback` do not grow with every conversation preprocessed.
   */
  answeredBy: 'answeredby',
  /**
   * Conversations with a stored rating, one row each (PartitionKey = RowKey = the conversation's
   * key): the blob path's rating lookup of an unrated conversation is one point read instead of a
   * query of `feedback`, which Azurite answers by scanning every rating stored.
   */
  rated: 'rated',
  /** Near-duplicate signatures, kept across days. */
  dedupSignatures: 'dedupsignatures',
  /** Dataset versions assembled for training. */
  datasets: 'datasets',
  /** Fine-tuning job state machine. */
  jobs: 'finetunejobs',
  /** Models: production pointer, candidates, deployments. */
  models: 'models',
  /** Evaluation results per candidate. */
  evaluations: 'evaluations',
  /** driftWatch runs: drift metrics per window, skipped metrics with reasons, retrain decisions. */
  driftRuns: 'driftruns',
  /** Hashes of erased conversations; the nightly assembly leaves them out. */
  forgotten: 'forgotten',
  /** Erasure audit: one row per request (no personal data) and marks on models trained on erased data. */
  erasures: 'erasures',
} as const;

export const ALL_CONTAINERS: string[] = Object.values(CONTAINERS);
export const ALL_QUEUES: string[] = Object.values(QUEUES);
export const ALL_TABLES: string[] = Object.values(TABLES);
