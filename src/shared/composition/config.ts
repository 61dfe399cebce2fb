import { loadSettings, type Settings } from '../config/settings';
import type { StorageClientOptions } from '../storage/clients';
import { expandConnectionString } from '../storage/connectionString';
import type { TelemetryConfig } from '../telemetry/createTelemetry';
import type { EventTargetConfig } from '../telemetry/events';
import type { MetricsStatusConfig } from '../telemetry/metricsStatus';
import type { OpenAIConnection } from '../finetune/client';
import type { ArmDeploymentTarget } from '../deployments/armDeployments';
import type { FineTuneConfig } from '../finetune/ports';
import type { JobQueueConfig } from '../finetune/queue';
import type { JobLoopConfig } from '../finetune/loop';
import type { TrainingBudget } from '../finetune/budget';
import type { BackoffPolicy } from '../finetune/backoff';
import type { DeploymentLifecycleConfig } from '../deployments/lifecycle';
import type { DriftWatchConfig } from '../drift/watch';
import type { EvaluationConfig } from '../evaluation/evaluate';
import type { QualityConfig } from '../quality/stages';
import type { AssemblyConfig, PreprocessConfig } from '../dataset/datasetConfig';
import type { GatePolicy } from '../evaluation/gate';

/**
 * The one place that turns `Settings` into the typed config each domain takes. Domain modules
 * never read `settings.TUNELOOP_*`: they declare a `<Domain>Config` (what they need, named for
 * what it means) and this module fills it. The Azure entry, the local host, the CLI and tests all
 * build their runtime through `createRuntime`, which calls `domainConfig`; a test that needs a
 * different value passes its own settings or its own config.
 *
 * Only types are imported from the domains, so loading this module loads no domain code.
 */
export interface DomainConfig {
  readonly telemetry: TelemetryConfig;
  readonly events: EventTargetConfig;
  readonly fineTune: FineTuneConfig;
  readonly jobQueue: JobQueueConfig;
  readonly jobs: JobLoopConfig;
  readonly lifecycle: DeploymentLifecycleConfig;
  readonly drift: DriftWatchConfig;
  readonly evaluation: EvaluationConfig;
  readonly preprocess: PreprocessConfig;
  readonly assembly: AssemblyConfig;
}

export function domainConfig(settings: Settings): DomainConfig {
  return {
    telemetry: telemetryConfig(settings),
    events: eventTargetConfig(settings),
    fineTune: fineTuneConfig(settings),
    jobQueue: jobQueueConfig(settings),
    jobs: jobLoopConfig(settings),
    lifecycle: deploymentLifecycleConfig(settings),
    drift: driftWatchConfig(settings),
    evaluation: evaluationConfig(settings),
    preprocess: preprocessConfig(settings),
    assembly: assemblyConfig(settings),
  };
}

export function storageOptions(settings: Settings): StorageClientOptions {
  if (settings.TUNELOOP_STORAGE) return { connectionString: expandConnectionString(settings.TUNELOOP_STORAGE) };
  const blob = settings.TUNELOOP_STORAGE__blobServiceUri;
  if (!blob) throw new Error('TUNELOOP_STORAGE__blobServiceUri is required when TUNELOOP_STORAGE is not set');
  return {
    blobServiceUri: blob,
    queueServiceUri: settings.TUNELOOP_STORAGE__queueServiceUri ?? blob.replace('.blob.', '.queue.'),
    tableServiceUri: settings.TUNELOOP_STORAGE__tableServiceUri ?? blob.replace('.blob.', '.table.'),
    managedIdentityClientId: settings.TUNELOOP_STORAGE__clientId ?? settings.AZURE_CLIENT_ID,
  };
}

export function telemetryConfig(settings: Settings): TelemetryConfig {
  return {
    applicationInsightsConnectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING,
    applicationInsightsAuthenticationString: settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
    localSink: settings.TUNELOOP_TELEMETRY_LOCAL_SINK,
    localDir: settings.TUNELOOP_LOCAL_DIR,
  };
}

export function eventTargetConfig(settings: Settings): EventTargetConfig {
  return {
    eventGridTopicEndpoint: settings.TUNELOOP_EVENTGRID_TOPIC_ENDPOINT,
    webhookUrl: settings.TUNELOOP_EVENTS_WEBHOOK_URL,
    localDir: settings.TUNELOOP_LOCAL_DIR,
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
  };
}

export function metricsStatusConfig(settings: Settings): MetricsStatusConfig {
  return {
    localSink: settings.TUNELOOP_TELEMETRY_LOCAL_SINK,
    applicationInsights: Boolean(settings.APPLICATIONINSIGHTS_CONNECTION_STRING),
    localDir: settings.TUNELOOP_LOCAL_DIR,
    driftThreshold: settings.TUNELOOP_DRIFT_THRESHOLD,
  };
}

export function openAIConnection(settings: Settings): OpenAIConnection {
  return {
    endpoint: settings.TUNELOOP_OPENAI_ENDPOINT,
    apiVersion: settings.TUNELOOP_OPENAI_API_VERSION,
    auth: settings.TUNELOOP_OPENAI_AUTH,
    apiKey: settings.TUNELOOP_OPENAI_API_KEY,
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
  };
}

export function armDeploymentTarget(settings: Settings): ArmDeploymentTarget {
  return {
    armEndpoint: settings.TUNELOOP_ARM_ENDPOINT,
    subscriptionId: settings.TUNELOOP_OPENAI_SUBSCRIPTION_ID,
    resourceGroup: settings.TUNELOOP_OPENAI_RESOURCE_GROUP,
    account: settings.TUNELOOP_OPENAI_ACCOUNT,
    auth: settings.TUNELOOP_OPENAI_AUTH,
    sku: settings.TUNELOOP_DEPLOYMENT_SKU,
    capacity: settings.TUNELOOP_DEPLOYMENT_CAPACITY,
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
  };
}

export function fineTuneConfig(settings: Settings): FineTuneConfig {
  return { openai: openAIConnection(settings), arm: armDeploymentTarget(settings) };
}

export function jobQueueConfig(settings: Settings): JobQueueConfig {
  return {
    transport: settings.TUNELOOP_JOB_TRANSPORT,
    serviceBusNamespace: settings.TUNELOOP_SERVICEBUS__fullyQualifiedNamespace,
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
  };
}

export function trainingBudget(settings: Settings): TrainingBudget {
  return { prices: settings.TUNELOOP_TRAINING_PRICES, maxCostUsd: settings.TUNELOOP_MAX_TRAINING_COST_USD };
}

export function pollBackoff(settings: Settings): BackoffPolicy {
  return {
    startSeconds: settings.TUNELOOP_POLL_DELAY_START_SECONDS,
    factor: settings.TUNELOOP_POLL_DELAY_FACTOR,
    capSeconds: settings.TUNELOOP_POLL_DELAY_CAP_SECONDS,
  };
}

export function jobLoopConfig(settings: Settings): JobLoopConfig {
  return {
    defaults: {
      baseModel: settings.TUNELOOP_BASE_MODEL,
      epochs: settings.TUNELOOP_FINETUNE_EPOCHS,
      batchSize: settings.TUNELOOP_FINETUNE_BATCH_SIZE,
      learningRateMultiplier: settings.TUNELOOP_FINETUNE_LEARNING_RATE_MULTIPLIER,
      suffix: settings.TUNELOOP_FINETUNE_SUFFIX,
      seed: settings.TUNELOOP_FINETUNE_SEED,
    },
    pollBackoff: pollBackoff(settings),
    maxRetries: settings.TUNELOOP_JOB_MAX_RETRIES,
    approvalTimeoutHours: settings.TUNELOOP_APPROVAL_TIMEOUT_HOURS,
    approvalReminderHours: settings.TUNELOOP_APPROVAL_REMINDER_HOURS,
    budget: trainingBudget(settings),
  };
}

export function deploymentLifecycleConfig(settings: Settings): DeploymentLifecycleConfig {
  return {
    hourlyCostUsd: settings.TUNELOOP_DEPLOYMENT_HOURLY_COST,
    graceHours: settings.TUNELOOP_DEPLOYMENT_GRACE_HOURS,
    keepAliveDays: settings.TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS,
    jobMaxRetries: settings.TUNELOOP_JOB_MAX_RETRIES,
    pollDelayCapSeconds: settings.TUNELOOP_POLL_DELAY_CAP_SECONDS,
  };
}

export function driftWatchConfig(settings: Settings): DriftWatchConfig {
  return {
    windowHours: settings.TUNELOOP_DRIFT_WINDOW_HOURS,
    minSamples: settings.TUNELOOP_DRIFT_MIN_SAMPLES,
    threshold: settings.TUNELOOP_DRIFT_THRESHOLD,
    qualityMaxConversations: settings.TUNELOOP_DRIFT_QUALITY_MAX_CONVERSATIONS,
    retrainCooldownHours: settings.TUNELOOP_DRIFT_RETRAIN_COOLDOWN_HOURS,
    fullRetrainScore: settings.TUNELOOP_FULL_RETRAIN_DRIFT_SCORE,
  };
}

export function gatePolicy(settings: Settings): GatePolicy {
  return {
    maxBleuDrop: settings.TUNELOOP_GATE_MAX_BLEU_DROP,
    maxF1Drop: settings.TUNELOOP_GATE_MAX_F1_DROP,
    maxLatencyGrowth: settings.TUNELOOP_GATE_MAX_LATENCY_GROWTH,
    latencyAllowanceMs: settings.TUNELOOP_GATE_LATENCY_ALLOWANCE_MS,
    maxOosDrop: settings.TUNELOOP_GATE_MAX_OOS_DROP,
    minBleu: settings.TUNELOOP_GATE_MIN_BLEU,
    minF1: settings.TUNELOOP_GATE_MIN_F1,
    minOosHandled: settings.TUNELOOP_GATE_MIN_OOS_HANDLED,
    maxLatencyP95Ms: settings.TUNELOOP_GATE_MAX_LATENCY_P95_MS,
    rejectOverfitting: settings.TUNELOOP_GATE_REJECT_OVERFITTING,
    maxContentFiltered: settings.TUNELOOP_GATE_MAX_CONTENT_FILTERED,
    minItems: settings.TUNELOOP_GATE_MIN_ITEMS,
  };
}

export function evaluationConfig(settings: Settings): EvaluationConfig {
  return {
    maxConversations: settings.TUNELOOP_EVAL_MAX_CONVERSATIONS,
    systemPrompt: settings.TUNELOOP_SYSTEM_PROMPT,
    bootstrapResamples: settings.TUNELOOP_GATE_BOOTSTRAP_RESAMPLES,
    gate: gatePolicy(settings),
    promotion: settings.TUNELOOP_PROMOTION,
    approvalTimeoutHours: settings.TUNELOOP_APPROVAL_TIMEOUT_HOURS,
    overfitting: { window: settings.TUNELOOP_OVERFIT_WINDOW, maxGap: settings.TUNELOOP_OVERFIT_MAX_GAP },
  };
}

/**
 * Settings for work that touches no storage (`prepare`, `validate`, benches): the storage rule is
 * satisfied with the development connection string, which nothing then uses.
 */
export function offlineSettings(env: Record<string, string | undefined>): Settings {
  return loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', ...env });
}

export function qualityConfig(settings: Settings): QualityConfig {
  return {
    rules: settings.TUNELOOP_QUALITY_RULES,
    csatThreshold: settings.TUNELOOP_CSAT_THRESHOLD,
    safetyScreen: settings.TUNELOOP_SAFETY_SCREEN,
    dedupThreshold: settings.TUNELOOP_DEDUP_THRESHOLD,
    pii: {
      mode: settings.TUNELOOP_PII_MODE,
      idPatterns: settings.TUNELOOP_PII_ID_PATTERNS,
      keepWords: settings.TUNELOOP_PII_KEEP_WORDS,
      languageEndpoint: settings.TUNELOOP_PII_LANGUAGE_ENDPOINT,
      managedIdentityClientId: settings.AZURE_CLIENT_ID,
    },
  };
}

export function preprocessConfig(settings: Settings): PreprocessConfig {
  return {
    model: settings.TUNELOOP_BASE_MODEL,
    systemPrompt: settings.TUNELOOP_SYSTEM_PROMPT,
    speakerRoles: settings.TUNELOOP_SPEAKER_ROLES,
    shares: { validation: settings.TUNELOOP_SPLIT_VALIDATION, holdout: settings.TUNELOOP_SPLIT_HOLDOUT },
    inputTimeZone: { name: settings.TUNELOOP_INPUT_TIMEZONE, by: 'TUNELOOP_INPUT_TIMEZONE' },
    balance: { maxShare: settings.TUNELOOP_BALANCE_MAX_SHARE, minShare: settings.TUNELOOP_BALANCE_MIN_SHARE },
    epochs: settings.TUNELOOP_FINETUNE_EPOCHS,
    workers: settings.TUNELOOP_PREPROCESS_WORKERS,
    debugTimings: settings.TUNELOOP_DEBUG_TIMINGS,
    maxBlobAttempts: settings.TUNELOOP_MAX_BLOB_ATTEMPTS,
    blobLeaseSeconds: settings.TUNELOOP_BLOB_LEASE_SECONDS,
    quality: qualityConfig(settings),
  };
}

export function assemblyConfig(settings: Settings): AssemblyConfig {
  return {
    baseModel: settings.TUNELOOP_BASE_MODEL,
    lockMinutes: settings.TUNELOOP_ASSEMBLY_LOCK_MINUTES,
    tempDir: settings.TUNELOOP_ASSEMBLY_TEMP_DIR,
    epochs: settings.TUNELOOP_FINETUNE_EPOCHS,
    trainingPrices: settings.TUNELOOP_TRAINING_PRICES,
    maxTrainingCostUsd: settings.TUNELOOP_MAX_TRAINING_COST_USD,
    retrainMinNewExamples: settings.TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES,
    retrainMinChangedTokens: settings.TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS,
    retrainMaxResubmissions: settings.TUNELOOP_RETRAIN_MAX_RESUBMISSIONS,
    csatThreshold: settings.TUNELOOP_CSAT_THRESHOLD,
    balance: { maxShare: settings.TUNELOOP_BALANCE_MAX_SHARE, minShare: settings.TUNELOOP_BALANCE_MIN_SHARE },
    duplicates: { enabled: settings.TUNELOOP_ASSEMBLY_DEDUP, threshold: settings.TUNELOOP_DEDUP_THRESHOLD },
    training: {
      mode: settings.TUNELOOP_TRAINING_MODE,
      continueMax: settings.TUNELOOP_CONTINUE_MAX,
      replayShare: settings.TUNELOOP_REPLAY_SHARE,
    },
  };
}
