import { z } from 'zod';
import { TuneloopError } from '../errors';
import { ownValue } from '../lookup';
import { canonicalTimeZone } from '../ingest/timeZone';
import { BLOB_TRIGGER_SOURCES, JOB_TRANSPORTS, REGISTRATION_DEFAULTS } from './registrationSettings';

/**
 * Every setting tuneloop reads, in one place. Environment variables (Azure app settings,
 * `local.settings.json` values, or the shell) are validated here once; nothing else reads
 * `process.env` for configuration.
 *
 * `where` tells the infra test and docs/configuration.md which settings Azure must set:
 * - `azure`: the Bicep app settings must set it;
 * - `optional`: has a default or is an explicit alternative; Bicep may set it;
 * - `local`: only meaningful on one machine (Azurite, emulator); Bicep must not set it.
 */
export type SettingPlacement = 'azure' | 'optional' | 'local';

export interface SettingMeta {
  description: string;
  where: SettingPlacement;
  /** Value written to local.settings.sample.json. */
  sample?: string;
}

const metaRegistry = new Map<string, SettingMeta>();

function setting<T extends z.ZodType>(name: string, schema: T, meta: SettingMeta): T {
  metaRegistry.set(name, meta);
  return schema;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();
const share = z.coerce.number().min(0).max(1);
const speakerRolesSchema = z.record(z.string().min(1), z.enum(['user', 'assistant', 'system']));

export const settingsSchema = z
  .object({
    TUNELOOP_STORAGE: setting('TUNELOOP_STORAGE', z.string().min(1).optional(), {
      description:
        'Storage connection string (local: Azurite). In Azure leave unset and use the identity-based TUNELOOP_STORAGE__*ServiceUri settings.',
      where: 'local',
      sample: 'UseDevelopmentStorage=true',
    }),
    TUNELOOP_STORAGE__blobServiceUri: setting('TUNELOOP_STORAGE__blobServiceUri', z.url().optional(), {
      description: 'Blob endpoint for keyless (managed identity) access, e.g. https://<account>.blob.core.windows.net.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_STORAGE__queueServiceUri: setting('TUNELOOP_STORAGE__queueServiceUri', z.url().optional(), {
      description: 'Queue endpoint for keyless access.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_STORAGE__tableServiceUri: setting('TUNELOOP_STORAGE__tableServiceUri', z.url().optional(), {
      description: 'Table endpoint for keyless access.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_STORAGE__credential: setting('TUNELOOP_STORAGE__credential', z.literal('managedidentity').optional(), {
      description: 'Tells the Functions host to use a managed identity for the storage bindings.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_STORAGE__clientId: setting('TUNELOOP_STORAGE__clientId', z.string().optional(), {
      description: 'Client id of the user-assigned managed identity used for storage (bindings and SDK).',
      where: 'azure',
      sample: '',
    }),
    AZURE_CLIENT_ID: setting('AZURE_CLIENT_ID', z.string().optional(), {
      description: 'Client id of the user-assigned managed identity that DefaultAzureCredential uses.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_BASE_MODEL: setting('TUNELOOP_BASE_MODEL', z.string().min(1).default('gpt-4o-mini-2024-07-18'), {
      description: 'Base model to fine-tune; decides tokenizer, per-example token limit and price.',
      where: 'optional',
      sample: 'gpt-4o-mini-2024-07-18',
    }),
    TUNELOOP_OPENAI_ENDPOINT: setting('TUNELOOP_OPENAI_ENDPOINT', z.url().optional(), {
      description:
        'Azure OpenAI endpoint for files and fine-tuning jobs, e.g. https://<resource>.openai.azure.com (local: the emulator URL, set by npm start).',
      where: 'azure',
      sample: 'http://127.0.0.1:10010',
    }),
    TUNELOOP_OPENAI_API_VERSION: setting('TUNELOOP_OPENAI_API_VERSION', z.string().min(1).default('2024-10-21'), {
      description: 'Azure OpenAI data-plane api-version sent with every call.',
      where: 'optional',
      sample: '2024-10-21',
    }),
    TUNELOOP_OPENAI_AUTH: setting('TUNELOOP_OPENAI_AUTH', z.enum(['default', 'apikey', 'local']).default('default'), {
      description:
        'How tuneloop authenticates to Azure OpenAI and ARM: default = keyless DefaultAzureCredential (managed identity), apikey = TUNELOOP_OPENAI_API_KEY (data plane only), local = the emulator (no Azure login; never use against Azure).',
      where: 'optional',
      sample: 'local',
    }),
    TUNELOOP_OPENAI_API_KEY: setting('TUNELOOP_OPENAI_API_KEY', z.string().min(1).optional(), {
      description:
        'Explicit alternative to keyless access, read only when TUNELOOP_OPENAI_AUTH=apikey. Keep it in Key Vault, never in files.',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_ARM_ENDPOINT: setting('TUNELOOP_ARM_ENDPOINT', z.url().default('https://management.azure.com'), {
      description: 'Azure Resource Manager endpoint used to deploy fine-tuned models (local: the emulator URL, set by npm start).',
      where: 'optional',
      sample: 'http://127.0.0.1:10010',
    }),
    TUNELOOP_OPENAI_SUBSCRIPTION_ID: setting('TUNELOOP_OPENAI_SUBSCRIPTION_ID', z.string().min(1).optional(), {
      description: 'Subscription of the Azure OpenAI account that receives deployments.',
      where: 'azure',
      sample: '00000000-0000-0000-0000-000000000000',
    }),
    TUNELOOP_OPENAI_RESOURCE_GROUP: setting('TUNELOOP_OPENAI_RESOURCE_GROUP', z.string().min(1).optional(), {
      description: 'Resource group of the Azure OpenAI account.',
      where: 'azure',
      sample: 'tuneloop-local',
    }),
    TUNELOOP_OPENAI_ACCOUNT: setting('TUNELOOP_OPENAI_ACCOUNT', z.string().min(1).optional(), {
      description: 'Name of the Azure OpenAI (Cognitive Services) account that receives deployments.',
      where: 'azure',
      sample: 'tuneloop-local',
    }),
    TUNELOOP_FINETUNE_EPOCHS: setting('TUNELOOP_FINETUNE_EPOCHS', positiveInt.optional(), {
      description: 'n_epochs of every fine-tuning job unless the submit message says otherwise (unset: service default).',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_FINETUNE_BATCH_SIZE: setting('TUNELOOP_FINETUNE_BATCH_SIZE', positiveInt.optional(), {
      description: 'batch_size of fine-tuning jobs (unset: service default).',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_FINETUNE_LEARNING_RATE_MULTIPLIER: setting(
      'TUNELOOP_FINETUNE_LEARNING_RATE_MULTIPLIER',
      z.coerce.number().positive().optional(),
      {
        description: 'learning_rate_multiplier of fine-tuning jobs (unset: service default).',
        where: 'optional',
        sample: '',
      },
    ),
    TUNELOOP_FINETUNE_SEED: setting('TUNELOOP_FINETUNE_SEED', z.coerce.number().int().min(0).max(2147483647).optional(), {
      description: 'seed of fine-tuning jobs, for reproducible runs (unset: service picks one).',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_FINETUNE_SUFFIX: setting(
      'TUNELOOP_FINETUNE_SUFFIX',
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,40}$/, 'up to 40 letters, digits, - or _')
        .default('tuneloop'),
      {
        description: 'suffix added to fine-tuned model names (up to 40 of A-Z a-z 0-9 - _).',
        where: 'optional',
        sample: 'tuneloop',
      },
    ),
    TUNELOOP_DEPLOYMENT_SKU: setting('TUNELOOP_DEPLOYMENT_SKU', z.string().min(1).default('Standard'), {
      description: 'SKU of fine-tuned model deployments: Standard, GlobalStandard or DeveloperTier.',
      where: 'optional',
      sample: 'Standard',
    }),
    TUNELOOP_DEPLOYMENT_CAPACITY: setting('TUNELOOP_DEPLOYMENT_CAPACITY', positiveInt.default(10), {
      description:
        'Capacity (quota units, about 1K tokens per minute each) of fine-tuned model deployments. 10 lets an evaluation (holdout tasks and out-of-scope probes, over a thousand requests) finish in minutes; at 1 it takes over an hour of rate limiting.',
      where: 'optional',
      sample: '10',
    }),
    TUNELOOP_GATE_MAX_BLEU_DROP: setting('TUNELOOP_GATE_MAX_BLEU_DROP', z.coerce.number().min(0).default(1), {
      description: 'Promotion gate: holdout BLEU (0-100) of the candidate may be at most this many points below production.',
      where: 'optional',
      sample: '1',
    }),
    TUNELOOP_GATE_MAX_F1_DROP: setting('TUNELOOP_GATE_MAX_F1_DROP', share.default(0.02), {
      description: 'Promotion gate: intent macro-F1 (0-1) of the candidate may be at most this much below production.',
      where: 'optional',
      sample: '0.02',
    }),
    TUNELOOP_GATE_MAX_LATENCY_GROWTH: setting('TUNELOOP_GATE_MAX_LATENCY_GROWTH', z.coerce.number().min(0).default(0.2), {
      description: 'Promotion gate: p95 chat latency of the candidate may be at most this share above production (0.2 = +20 %).',
      where: 'optional',
      sample: '0.2',
    }),
    TUNELOOP_GATE_LATENCY_ALLOWANCE_MS: setting('TUNELOOP_GATE_LATENCY_ALLOWANCE_MS', z.coerce.number().min(0).default(50), {
      description:
        "Promotion gate: p95 chat latency of the candidate may also be up to this many milliseconds above production's, whatever the ratio (the looser of this and TUNELOOP_GATE_MAX_LATENCY_GROWTH applies). A difference of a few ms is noise nobody notices; 0 = the ratio alone.",
      where: 'optional',
      sample: '50',
    }),
    TUNELOOP_GATE_MAX_OOS_DROP: setting('TUNELOOP_GATE_MAX_OOS_DROP', share.default(0.05), {
      description: 'Promotion gate: share of out-of-scope probes declined (0-1) may be at most this much below production.',
      where: 'optional',
      sample: '0.05',
    }),
    TUNELOOP_GATE_MIN_BLEU: setting('TUNELOOP_GATE_MIN_BLEU', z.coerce.number().min(0).max(100).default(5), {
      description: 'Absolute floor for the first candidate (no production model yet): minimum holdout BLEU (0-100).',
      where: 'optional',
      sample: '5',
    }),
    TUNELOOP_GATE_MIN_F1: setting('TUNELOOP_GATE_MIN_F1', share.default(0.3), {
      description: 'Absolute floor for the first candidate: minimum intent macro-F1 (0-1).',
      where: 'optional',
      sample: '0.3',
    }),
    TUNELOOP_GATE_MIN_OOS_HANDLED: setting('TUNELOOP_GATE_MIN_OOS_HANDLED', share.default(0.5), {
      description: 'Absolute floor for the first candidate: minimum share of out-of-scope probes declined or redirected.',
      where: 'optional',
      sample: '0.5',
    }),
    TUNELOOP_GATE_MAX_LATENCY_P95_MS: setting('TUNELOOP_GATE_MAX_LATENCY_P95_MS', z.coerce.number().positive().default(10000), {
      description: 'Absolute ceiling for the first candidate: p95 chat latency in milliseconds.',
      where: 'optional',
      sample: '10000',
    }),
    TUNELOOP_GATE_REJECT_OVERFITTING: setting('TUNELOOP_GATE_REJECT_OVERFITTING', bool.default(true), {
      description:
        'Promotion gate: reject a candidate whose results.csv shows overfitting (see TUNELOOP_OVERFIT_WINDOW, TUNELOOP_OVERFIT_MAX_GAP).',
      where: 'optional',
      sample: 'true',
    }),
    TUNELOOP_GATE_MAX_CONTENT_FILTERED: setting('TUNELOOP_GATE_MAX_CONTENT_FILTERED', share.default(0.02), {
      description:
        "Promotion gate: highest share of the candidate's evaluation answers that Azure's content filter may have filtered (prompt or completion; 0 = none at all).",
      where: 'optional',
      sample: '0.02',
    }),
    TUNELOOP_GATE_MIN_ITEMS: setting('TUNELOOP_GATE_MIN_ITEMS', z.coerce.number().int().min(1).default(10), {
      description:
        'Promotion gate: fewest items (holdout conversations, out-of-scope probes, latency requests) a measured check needs before it may pass or fail; with fewer it is unsure, and the decision inconclusive. A bootstrap over a handful of items gives narrow intervals that claim a confidence they do not have (one conversation gives a zero-width one).',
      where: 'optional',
      sample: '10',
    }),
    TUNELOOP_GATE_BOOTSTRAP_RESAMPLES: setting(
      'TUNELOOP_GATE_BOOTSTRAP_RESAMPLES',
      z.coerce.number().int().min(100).max(100000).default(1000),
      {
        description:
          'Promotion gate: bootstrap resamples behind the 95 % intervals of BLEU, macro-F1, out-of-scope decline rate, latency p95 and CSAT.',
        where: 'optional',
        sample: '1000',
      },
    ),
    TUNELOOP_PROMOTION: setting('TUNELOOP_PROMOTION', z.enum(['auto', 'manual']).default('auto'), {
      description:
        'auto: a candidate that passes the gate is promoted at once. manual: it waits in state awaiting-approval for `tuneloop approve <job>` / `tuneloop reject <job> --reason ...` (or an approve/reject queue message).',
      where: 'optional',
      sample: 'auto',
    }),
    TUNELOOP_APPROVAL_TIMEOUT_HOURS: setting(
      'TUNELOOP_APPROVAL_TIMEOUT_HOURS',
      z.coerce
        .number()
        .positive()
        .max(24 * 60)
        .default(72),
      {
        description: 'Manual promotion: hours a candidate may wait for approval; then it is rejected as expired and production stays.',
        where: 'optional',
        sample: '72',
      },
    ),
    TUNELOOP_APPROVAL_REMINDER_HOURS: setting('TUNELOOP_APPROVAL_REMINDER_HOURS', z.coerce.number().positive().default(24), {
      description: 'Manual promotion: a tuneloop.model.approval_reminder event is sent every this many hours while a candidate waits.',
      where: 'optional',
      sample: '24',
    }),
    TUNELOOP_OVERFIT_WINDOW: setting('TUNELOOP_OVERFIT_WINDOW', z.coerce.number().int().min(2).default(3), {
      description:
        'Overfitting check: number of most recent results.csv steps (with both losses) whose trends are compared; at least the last tenth of the run is read (single-batch losses are noisy).',
      where: 'optional',
      sample: '3',
    }),
    TUNELOOP_OVERFIT_MAX_GAP: setting('TUNELOOP_OVERFIT_MAX_GAP', z.coerce.number().positive().default(0.5), {
      description: 'Overfitting check: flag when validation loss exceeds training loss by more than this (nats, mean over the window).',
      where: 'optional',
      sample: '0.5',
    }),
    TUNELOOP_EVAL_MAX_CONVERSATIONS: setting('TUNELOOP_EVAL_MAX_CONVERSATIONS', positiveInt.default(200), {
      description: 'Evaluation asks each model about at most this many holdout conversations (the first ones in holdout order).',
      where: 'optional',
      sample: '200',
    }),
    TUNELOOP_DEPLOYMENT_GRACE_HOURS: setting('TUNELOOP_DEPLOYMENT_GRACE_HOURS', z.coerce.number().min(0).default(24), {
      description: 'Hours a superseded or rejected fine-tuned deployment is kept (for rollback or inspection) before it is deleted.',
      where: 'optional',
      sample: '24',
    }),
    TUNELOOP_DEPLOYMENT_HOURLY_COST: setting('TUNELOOP_DEPLOYMENT_HOURLY_COST', z.coerce.number().min(0).default(1.7), {
      description:
        'Hosting price of one fine-tuned deployment per hour (USD; check the Azure OpenAI price list for your model and region). Used for the hosting cost per day.',
      where: 'optional',
      sample: '1.7',
    }),
    TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS: setting('TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS', z.coerce.number().positive().max(14).default(7), {
      description:
        'Send the production deployment a one-token request when it has had none for this many days (Azure deletes fine-tuned deployments idle for 15 days).',
      where: 'optional',
      sample: '7',
    }),
    TUNELOOP_LIFECYCLE_SCHEDULE: setting(
      'TUNELOOP_LIFECYCLE_SCHEDULE',
      z.string().min(1).default(REGISTRATION_DEFAULTS.TUNELOOP_LIFECYCLE_SCHEDULE),
      {
        description:
          'NCRONTAB schedule of deploymentLifecycle (retire superseded deployments, keep production alive, record hosting cost).',
        where: 'optional',
        sample: '0 15 * * * *',
      },
    ),
    TUNELOOP_POLL_DELAY_START_SECONDS: setting('TUNELOOP_POLL_DELAY_START_SECONDS', z.coerce.number().min(0).default(30), {
      description: 'First delay before a fine-tuning job is polled again; each later delay grows by TUNELOOP_POLL_DELAY_FACTOR.',
      where: 'optional',
      sample: '1',
    }),
    TUNELOOP_POLL_DELAY_FACTOR: setting('TUNELOOP_POLL_DELAY_FACTOR', z.coerce.number().min(1).default(2), {
      description: 'Growth factor of the polling delay.',
      where: 'optional',
      sample: '1.5',
    }),
    TUNELOOP_POLL_DELAY_CAP_SECONDS: setting('TUNELOOP_POLL_DELAY_CAP_SECONDS', z.coerce.number().min(0).default(600), {
      description: 'Longest delay between two polls of a job (also used while waiting for fine-tuning quota).',
      where: 'optional',
      sample: '5',
    }),
    TUNELOOP_JOB_MAX_RETRIES: setting('TUNELOOP_JOB_MAX_RETRIES', positiveInt.default(20), {
      description: 'Transient failures (429, 5xx, timeouts) of one job step retried with backoff before the job is marked failed.',
      where: 'optional',
      sample: '20',
    }),
    TUNELOOP_JOB_TRANSPORT: setting(
      'TUNELOOP_JOB_TRANSPORT',
      z.enum(JOB_TRANSPORTS).default(REGISTRATION_DEFAULTS.TUNELOOP_JOB_TRANSPORT),
      {
        description:
          'Queue carrying fine-tuning job messages: storage = Storage queue finetune-jobs (visibility delay, poison queue), servicebus = Service Bus queue finetune-jobs (scheduled messages, dead-letter queue).',
        where: 'azure',
        sample: 'storage',
      },
    ),
    TUNELOOP_SERVICEBUS__fullyQualifiedNamespace: setting('TUNELOOP_SERVICEBUS__fullyQualifiedNamespace', z.string().min(1).optional(), {
      description:
        'Service Bus namespace (<name>.servicebus.windows.net) for TUNELOOP_JOB_TRANSPORT=servicebus; identity-based connection.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_SERVICEBUS__credential: setting('TUNELOOP_SERVICEBUS__credential', z.literal('managedidentity').optional(), {
      description: 'Tells the Functions host to use a managed identity for the Service Bus trigger connection.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_SERVICEBUS__clientId: setting('TUNELOOP_SERVICEBUS__clientId', z.string().optional(), {
      description: 'Client id of the user-assigned managed identity the Service Bus trigger connects with.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_SYSTEM_PROMPT: setting('TUNELOOP_SYSTEM_PROMPT', z.string().default('You are a helpful customer service assistant.'), {
      description: 'System message put first in every training example (empty: no system message).',
      where: 'optional',
      sample: 'You are a helpful customer service assistant.',
    }),
    TUNELOOP_SPLIT_VALIDATION: setting('TUNELOOP_SPLIT_VALIDATION', share.default(0.1), {
      description: 'Share of conversations (by hash of conversation_id) in the validation split.',
      where: 'optional',
      sample: '0.1',
    }),
    TUNELOOP_SPLIT_HOLDOUT: setting('TUNELOOP_SPLIT_HOLDOUT', share.default(0.1), {
      description: 'Share of conversations in the frozen holdout split used for evaluation.',
      where: 'optional',
      sample: '0.1',
    }),
    TUNELOOP_MAX_BLOB_ATTEMPTS: setting('TUNELOOP_MAX_BLOB_ATTEMPTS', positiveInt.default(3), {
      description: 'Attempts to preprocess one blob before it is quarantined with its error.',
      where: 'optional',
      sample: '3',
    }),
    TUNELOOP_BLOB_LEASE_SECONDS: setting('TUNELOOP_BLOB_LEASE_SECONDS', positiveInt.default(120), {
      description:
        'How long one delivery’s claim on a raw blob version lasts without renewal. The delivery processing it renews the claim every quarter of this, so a version is processed once however long it takes; another delivery of the same version waits (up to this long) for it to finish and then finds it done. After a crash the claim runs out within this time and a waiting or later delivery takes over.',
      where: 'optional',
      sample: '120',
    }),
    TUNELOOP_SPEAKER_ROLES: setting(
      'TUNELOOP_SPEAKER_ROLES',
      z
        .string()
        .transform((text, ctx) => {
          try {
            return speakerRolesSchema.parse(JSON.parse(text));
          } catch (err) {
            ctx.addIssue({
              code: 'custom',
              message: `must be a JSON object of speaker name -> "user" | "assistant" | "system" (${(err as Error).message.split('\n')[0]})`,
            });
            return z.NEVER;
          }
        })
        .optional(),
      {
        description:
          'Extra speaker-name-to-role mapping for chat logs whose speakers are named, as JSON, e.g. {"Maria (Shoply)":"assistant","Visitor":"user"}; checked before the built-in names.',
        where: 'optional',
        sample: '',
      },
    ),
    TUNELOOP_INPUT_TIMEZONE: setting(
      'TUNELOOP_INPUT_TIMEZONE',
      z
        .string()
        .default('UTC')
        .transform((name, ctx) => {
          const canonical = canonicalTimeZone(name);
          if (canonical) return canonical;
          ctx.addIssue({
            code: 'custom',
            message: `unknown time zone ${JSON.stringify(name)}; give an IANA time zone name such as Europe/Berlin, America/New_York or UTC`,
          });
          return z.NEVER;
        }),
      {
        description:
          'IANA time zone (e.g. Europe/Berlin) in which zone-less input timestamps and Excel workbook dates are read, daylight saving included, when a file declares none (tuneloop prepare --timezone, blob metadata timezone). Values with a zone or offset are unaffected.',
        where: 'optional',
        sample: 'UTC',
      },
    ),
    TUNELOOP_BLOB_TRIGGER_SOURCE: setting(
      'TUNELOOP_BLOB_TRIGGER_SOURCE',
      z.enum(BLOB_TRIGGER_SOURCES).default(REGISTRATION_DEFAULTS.TUNELOOP_BLOB_TRIGGER_SOURCE),
      {
        description:
          'How the Functions host learns of new blobs in raw-logs: EventGrid (Azure; Flex Consumption needs it) or LogsAndContainerScan (`func start` against Azurite, which has no Event Grid). The local host (`npm start`) scans the container either way.',
        where: 'optional',
        sample: 'LogsAndContainerScan',
      },
    ),
    TUNELOOP_RETRAIN_SCHEDULE: setting('TUNELOOP_RETRAIN_SCHEDULE', z.string().min(1).default('0 0 2 * * *'), {
      description:
        'NCRONTAB schedule (seconds first) of the nightly dataset assembly and retrain. Azure resolves %TUNELOOP_RETRAIN_SCHEDULE% from app settings, so Bicep sets it.',
      where: 'azure',
      sample: '0 0 2 * * *',
    }),
    TUNELOOP_MAX_TRAINING_COST_USD: setting('TUNELOOP_MAX_TRAINING_COST_USD', z.coerce.number().nonnegative().default(100), {
      description:
        'Budget per fine-tuning job: a dataset whose estimated training cost is higher is refused (event tuneloop.budget.refused).',
      where: 'optional',
      sample: '100',
    }),
    TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES: setting('TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES', z.coerce.number().int().nonnegative().default(1), {
      description:
        'A new dataset version is trained only when at least this many training examples changed since the last version: added, removed, or changed (a newer export, a late rating that changes weights). Both this and TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS must be reached.',
      where: 'optional',
      sample: '1',
    }),
    TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS: setting('TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS', z.coerce.number().int().nonnegative().default(0), {
      description:
        'A new dataset version is trained only when at least this many training tokens changed since the last version (counted like TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES); 0: no token threshold.',
      where: 'optional',
      sample: '0',
    }),
    TUNELOOP_RETRAIN_MAX_RESUBMISSIONS: setting('TUNELOOP_RETRAIN_MAX_RESUBMISSIONS', z.coerce.number().int().nonnegative().default(2), {
      description:
        'When the newest dataset version never gave a model (every job on it ended failed or cancelled: a failed fine-tuning job, a deployment that failed) and no new version is due, the nightly run submits a new job on the same version, at most this many times; after that it reports resubmissions-exhausted (event tuneloop.dataset.skipped, metric tuneloop.dataset.untrained) for a person to look at. 0: never resubmit. A version whose model was evaluated (promoted, rejected or inconclusive) is never trained again unchanged.',
      where: 'optional',
      sample: '2',
    }),
    TUNELOOP_ASSEMBLY_LOCK_MINUTES: setting('TUNELOOP_ASSEMBLY_LOCK_MINUTES', z.coerce.number().positive().default(30), {
      description:
        "Single flight: one dataset assembly + submit per base model at a time (nightly and drift share it). The lock row is renewed while the assembly runs; a crashed holder's lock expires after this many minutes.",
      where: 'optional',
      sample: '30',
    }),
    TUNELOOP_ASSEMBLY_TEMP_DIR: setting('TUNELOOP_ASSEMBLY_TEMP_DIR', z.string().min(1).optional(), {
      description:
        'Local scratch folder of the nightly assembly (spill files; about twice the curated data while it runs). Default: the OS temp folder.',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_TRAINING_PRICES: setting(
      'TUNELOOP_TRAINING_PRICES',
      z
        .string()
        .default('{}')
        .transform((text, ctx) => {
          try {
            const parsed = JSON.parse(text) as unknown;
            const result = z.record(z.string().min(1), z.number().nonnegative()).safeParse(parsed);
            if (result.success) return result.data;
            ctx.addIssue({
              code: 'custom',
              message: `TUNELOOP_TRAINING_PRICES must map model names to USD per 1M training tokens: ${result.error.issues[0]?.message}`,
            });
          } catch (err) {
            ctx.addIssue({ code: 'custom', message: `TUNELOOP_TRAINING_PRICES is not JSON: ${(err as Error).message}` });
          }
          return z.NEVER;
        }),
      {
        description:
          'Training prices in USD per 1M training tokens by model name or name prefix, JSON (e.g. {"gpt-4o-mini": 3.3, "my-model": 2}); overrides the built-in table. A job for a model with no price is refused.',
        where: 'optional',
        sample: '{}',
      },
    ),
    TUNELOOP_TRAINING_MODE: setting('TUNELOOP_TRAINING_MODE', z.enum(['full', 'continue']).default('full'), {
      description:
        'full: every retrain starts from the base model on all data. continue: fine-tune the production model on new and changed conversations plus a replay sample of earlier ones; a full retrain after TUNELOOP_CONTINUE_MAX continuations or on large drift.',
      where: 'optional',
      sample: 'full',
    }),
    TUNELOOP_REPLAY_SHARE: setting('TUNELOOP_REPLAY_SHARE', z.coerce.number().min(0).lt(1).default(0.3), {
      description:
        'Continue mode: share of the continuation training file made of replayed earlier conversations (stratified by issue type), against forgetting.',
      where: 'optional',
      sample: '0.3',
    }),
    TUNELOOP_CONTINUE_MAX: setting('TUNELOOP_CONTINUE_MAX', z.coerce.number().int().min(0).default(5), {
      description: 'Continue mode: after this many continuations in a row the next retrain is a full one from the base model.',
      where: 'optional',
      sample: '5',
    }),
    TUNELOOP_FULL_RETRAIN_DRIFT_SCORE: setting('TUNELOOP_FULL_RETRAIN_DRIFT_SCORE', z.coerce.number().positive().default(0.5), {
      description: 'Continue mode: a drift-triggered retrain at or above this drift score is a full retrain from the base model.',
      where: 'optional',
      sample: '0.5',
    }),
    TUNELOOP_PII_MODE: setting('TUNELOOP_PII_MODE', z.enum(['local', 'azure', 'off']).default('local'), {
      description:
        'PII redaction: local (validated patterns + local name/address recogniser), azure (patterns + Azure AI Language PII detection, keyless; needs TUNELOOP_PII_LANGUAGE_ENDPOINT) or off.',
      where: 'optional',
      sample: 'local',
    }),
    TUNELOOP_PII_LANGUAGE_ENDPOINT: setting('TUNELOOP_PII_LANGUAGE_ENDPOINT', z.url().optional(), {
      description: 'Azure AI Language endpoint for TUNELOOP_PII_MODE=azure, e.g. https://<resource>.cognitiveservices.azure.com.',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_PII_ID_PATTERNS: setting(
      'TUNELOOP_PII_ID_PATTERNS',
      z
        .string()
        .default('[]')
        .transform((text, ctx) => {
          try {
            const list = JSON.parse(text) as unknown;
            if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) throw new Error('expected a JSON array of strings');
            return list.map((p: string) => new RegExp(p, 'g'));
          } catch (err) {
            ctx.addIssue({ code: 'custom', message: `must be a JSON array of regular expressions: ${(err as Error).message}` });
            return z.NEVER;
          }
        }),
      {
        description:
          'Account/order number patterns redacted as [ID], a JSON array of regular expressions, e.g. ["\\\\bACC-\\\\d{6}\\\\b"].',
        where: 'optional',
        sample: '[]',
      },
    ),
    TUNELOOP_PII_KEEP_WORDS: setting(
      'TUNELOOP_PII_KEEP_WORDS',
      z
        .string()
        .default('')
        .transform((text) =>
          text
            .split(',')
            .map((w) => w.trim())
            .filter(Boolean),
        ),
      {
        description:
          'The organisation’s own brand and product names, comma-separated (e.g. "Shoply,ShoplyPay"): a name the detector finds that consists only of these words is kept, not redacted as [PERSON_n]. Matched case-insensitively, word by word.',
        where: 'optional',
        sample: '',
      },
    ),
    TUNELOOP_DEDUP_THRESHOLD: setting('TUNELOOP_DEDUP_THRESHOLD', z.coerce.number().gt(0).max(1).default(0.8), {
      description:
        'Jaccard similarity (estimated from one-permutation MinHash signatures over 5-character shingles) at or above which a conversation is a near-duplicate of one seen before.',
      where: 'optional',
      sample: '0.8',
    }),
    TUNELOOP_ASSEMBLY_DEDUP: setting('TUNELOOP_ASSEMBLY_DEDUP', bool.default(true), {
      description:
        'The nightly assembly removes near and exact duplicates across files and days, and copies within a file further apart than the blob path remembers (keeping the first seen, at TUNELOOP_DEDUP_THRESHOLD); the blob path removes duplicates within a file only. false: no duplicate search across files (a file uploaded twice is trained on twice).',
      where: 'optional',
      sample: 'true',
    }),
    TUNELOOP_CSAT_THRESHOLD: setting('TUNELOOP_CSAT_THRESHOLD', z.coerce.number().min(0).max(5).default(3), {
      description: 'Assistant turns of conversations rated (CSAT 1–5) below this get weight 0 (kept as context). 0 turns it off.',
      where: 'optional',
      sample: '3',
    }),
    TUNELOOP_QUALITY_RULES: setting(
      'TUNELOOP_QUALITY_RULES',
      z
        .string()
        .default('')
        .refine(
          (v) =>
            v
              .split(',')
              .map((p) => p.trim())
              .filter(Boolean)
              .every((p) =>
                /^(?:(?:handoff|short-reply|apology-only|out-of-scope|ambiguous)=(?:weight0|drop|off)|no-customer-question=(?:drop|off))$/.test(
                  p,
                ),
              ),
          'use rule=action pairs separated by commas: handoff, short-reply, apology-only, out-of-scope, ambiguous = weight0|drop|off; no-customer-question = drop|off',
        ),
      {
        description:
          'Reply-rule actions, e.g. "handoff=drop,short-reply=weight0,apology-only=off,out-of-scope=off,ambiguous=weight0,no-customer-question=off". Defaults: reply rules weight0, no-customer-question drop, unprompted-reply weight0 (assistant turns before the first customer turn are context, not learned; off learns them). Phrase rules apply to en, de, fr, es, it, pt, nl, ru, pl, tr, zh, ja, ko, th; other languages are counted as not screened.',
        where: 'optional',
        sample: '',
      },
    ),
    TUNELOOP_SAFETY_SCREEN: setting(
      'TUNELOOP_SAFETY_SCREEN',
      z
        .string()
        .default('injection,secret,abuse,request')
        .refine(
          (v) => /^\s*(?:off|(?:injection|secret|abuse|request)(?:\s*,\s*(?:injection|secret|abuse|request))*)\s*$/.test(v),
          'use "off" or a comma list of injection, secret, abuse, request',
        ),
      {
        description:
          'Safety screen categories that quarantine a conversation (comma list of injection, secret, abuse (assistant turns, per language), request (an unsafe customer request the agent followed); "off" for none).',
        where: 'optional',
        sample: 'injection,secret,abuse,request',
      },
    ),
    TUNELOOP_BALANCE_MAX_SHARE: setting('TUNELOOP_BALANCE_MAX_SHARE', z.coerce.number().gt(0).max(1).default(0.4), {
      description: 'Largest share any issue type may have of the training split (deterministic down-sampling); 1 turns the cap off.',
      where: 'optional',
      sample: '0.4',
    }),
    TUNELOOP_BALANCE_MIN_SHARE: setting('TUNELOOP_BALANCE_MIN_SHARE', share.default(0), {
      description: 'Issue types below this share of the training split are up-sampled to it (0: off).',
      where: 'optional',
      sample: '0',
    }),
    TUNELOOP_LOCAL_DIR: setting('TUNELOOP_LOCAL_DIR', z.string().default('.tuneloop'), {
      description: 'Local working folder (Azurite data, local telemetry sink). Git-ignored.',
      where: 'local',
      sample: '.tuneloop',
    }),
    TUNELOOP_LOCAL_AZURITE_DEBUG_LOG: setting('TUNELOOP_LOCAL_AZURITE_DEBUG_LOG', bool.default(false), {
      description:
        'npm start: Azurite writes its debug log (every request, in full) to <TUNELOOP_LOCAL_DIR>/azurite/debug.log. Off by default: it grows by gigabytes while a large blob is preprocessed.',
      where: 'local',
      sample: 'false',
    }),
    TUNELOOP_LOCAL_PORT_BASE: setting('TUNELOOP_LOCAL_PORT_BASE', positiveInt.default(10000), {
      description: 'npm start: Azurite listens on this port (blob), +1 (queue), +2 (table); the emulator on +10.',
      where: 'local',
      sample: '10000',
    }),
    TUNELOOP_EMULATOR_SPEED: setting('TUNELOOP_EMULATOR_SPEED', z.coerce.number().positive().default(1), {
      description:
        'Time scale of the local Azure OpenAI emulator: its durations (file processing 1 s, queued job 2 s, 1.5 s per epoch, deployment 1.5 s) are divided by it.',
      where: 'local',
      sample: '1',
    }),
    TUNELOOP_EMULATOR_OUT_OF_SCOPE_THRESHOLD: setting(
      'TUNELOOP_EMULATOR_OUT_OF_SCOPE_THRESHOLD',
      z.coerce.number().min(0).max(1).default(0.2),
      {
        description:
          'Local emulator: retrieval similarity (cosine, 0–1) under which a fine-tuned model declines a question as out of scope.',
        where: 'local',
        sample: '0.2',
      },
    ),
    TUNELOOP_LOG_LEVEL: setting('TUNELOOP_LOG_LEVEL', z.enum(['debug', 'info', 'warn', 'error']).default('info'), {
      description: 'Least severe log level printed by the local host and CLI.',
      where: 'optional',
      sample: 'info',
    }),
    TUNELOOP_PREPROCESS_WORKERS: setting('TUNELOOP_PREPROCESS_WORKERS', positiveInt.optional(), {
      description:
        'Worker threads for the per-conversation work of preprocessing (rules, safety, PII redaction, examples, token counts), for `tuneloop prepare` (overridden by --workers) and the preprocess function. Unset: every core the process may use (1 = no worker threads). Outputs are the same for any number.',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_DEBUG_TIMINGS: setting('TUNELOOP_DEBUG_TIMINGS', bool.default(false), {
      description: 'Log per-stage timings of preprocessing.',
      where: 'optional',
      sample: 'false',
    }),
    APPLICATIONINSIGHTS_CONNECTION_STRING: setting('APPLICATIONINSIGHTS_CONNECTION_STRING', z.string().optional(), {
      description:
        'Application Insights connection string (contains no secret; ingestion is authenticated with Entra ID). Unset: metrics and events go to the local sink <TUNELOOP_LOCAL_DIR>/telemetry.jsonl.',
      where: 'azure',
      sample: '',
    }),
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: setting(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      z
        .string()
        .regex(
          /^\s*Authorization\s*=\s*AAD\s*(;\s*ClientId\s*=\s*[^;\s]+\s*)?;?\s*$/i,
          'expected "Authorization=AAD" or "Authorization=AAD;ClientId=<client id>" (keyless ingestion with Entra ID)',
        )
        .optional(),
      {
        description:
          'Keyless ingestion: "Authorization=AAD;ClientId=<managed identity client id>" (or "Authorization=AAD" for DefaultAzureCredential). The Functions host reads the same setting for its own telemetry.',
        where: 'azure',
        sample: '',
      },
    ),
    TUNELOOP_TELEMETRY_LOCAL_SINK: setting('TUNELOOP_TELEMETRY_LOCAL_SINK', z.enum(['auto', 'always', 'never']).default('auto'), {
      description:
        'Local JSONL telemetry sink: auto = only without APPLICATIONINSIGHTS_CONNECTION_STRING, always = also next to Application Insights, never = off.',
      where: 'optional',
      sample: 'auto',
    }),
    TUNELOOP_EVENTGRID_TOPIC_ENDPOINT: setting('TUNELOOP_EVENTGRID_TOPIC_ENDPOINT', z.url().optional(), {
      description:
        'Event Grid topic endpoint that receives tuneloop CloudEvents (job succeeded/failed, model promoted/rejected, drift alert), keyless. Unset: TUNELOOP_EVENTS_WEBHOOK_URL or the local sink <TUNELOOP_LOCAL_DIR>/events.jsonl.',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_EVENTS_WEBHOOK_URL: setting('TUNELOOP_EVENTS_WEBHOOK_URL', z.url().optional(), {
      description: 'Webhook URL that receives tuneloop CloudEvents as HTTP POSTs (structured JSON mode), when no Event Grid topic is set.',
      where: 'optional',
      sample: '',
    }),
    TUNELOOP_DRIFT_SCHEDULE: setting('TUNELOOP_DRIFT_SCHEDULE', z.string().min(1).default(REGISTRATION_DEFAULTS.TUNELOOP_DRIFT_SCHEDULE), {
      description: 'NCRONTAB schedule (six fields, seconds first) of the driftWatch timer; default hourly.',
      where: 'optional',
      sample: '0 0 * * * *',
    }),
    TUNELOOP_DRIFT_WINDOW_HOURS: setting('TUNELOOP_DRIFT_WINDOW_HOURS', positiveInt.default(24), {
      description: 'driftWatch compares curated shards written in this many recent hours against the production training data.',
      where: 'optional',
      sample: '24',
    }),
    TUNELOOP_DRIFT_MIN_SAMPLES: setting('TUNELOOP_DRIFT_MIN_SAMPLES', positiveInt.default(30), {
      description:
        'Minimum conversations on each side (reference, recent) before a drift metric is emitted; below it the metric is skipped with the reason recorded.',
      where: 'optional',
      sample: '30',
    }),
    TUNELOOP_DRIFT_THRESHOLD: setting('TUNELOOP_DRIFT_THRESHOLD', z.coerce.number().positive().default(0.25), {
      description: 'Combined drift score at or above which driftWatch records a retrain decision and publishes a drift alert.',
      where: 'optional',
      sample: '0.25',
    }),
    TUNELOOP_DRIFT_RETRAIN_COOLDOWN_HOURS: setting('TUNELOOP_DRIFT_RETRAIN_COOLDOWN_HOURS', z.coerce.number().int().min(0).default(24), {
      description:
        'After a drift-triggered retrain, driftWatch does not trigger another one for this many hours (drift stays high until the retrained model is in production).',
      where: 'optional',
      sample: '24',
    }),
    TUNELOOP_DRIFT_QUALITY_MAX_CONVERSATIONS: setting(
      'TUNELOOP_DRIFT_QUALITY_MAX_CONVERSATIONS',
      z.coerce.number().int().min(0).default(50),
      {
        description:
          'Most recent labelled conversations the production model is asked about per driftWatch run (intent F1, BLEU); 0 turns the check off.',
        where: 'optional',
        sample: '50',
      },
    ),
  })
  .superRefine((s, ctx) => {
    if (!s.TUNELOOP_STORAGE && !s.TUNELOOP_STORAGE__blobServiceUri) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_STORAGE'],
        message:
          'no storage configured: set TUNELOOP_STORAGE (a connection string, e.g. UseDevelopmentStorage=true) or TUNELOOP_STORAGE__blobServiceUri / __queueServiceUri / __tableServiceUri for keyless access',
      });
    }
    if (s.TUNELOOP_OPENAI_AUTH === 'apikey' && !s.TUNELOOP_OPENAI_API_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_OPENAI_API_KEY'],
        message: 'TUNELOOP_OPENAI_AUTH=apikey needs TUNELOOP_OPENAI_API_KEY; or use TUNELOOP_OPENAI_AUTH=default for keyless access',
      });
    }
    if (s.TUNELOOP_OPENAI_AUTH === 'local' && s.TUNELOOP_OPENAI_ENDPOINT && !isLoopbackUrl(s.TUNELOOP_OPENAI_ENDPOINT)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_OPENAI_AUTH'],
        message: `TUNELOOP_OPENAI_AUTH=local is only for the emulator on this machine, but TUNELOOP_OPENAI_ENDPOINT is ${s.TUNELOOP_OPENAI_ENDPOINT}; use TUNELOOP_OPENAI_AUTH=default (keyless) for Azure`,
      });
    }
    if (
      s.TUNELOOP_EVENTS_WEBHOOK_URL &&
      !s.TUNELOOP_EVENTS_WEBHOOK_URL.startsWith('https://') &&
      !isLoopbackUrl(s.TUNELOOP_EVENTS_WEBHOOK_URL)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_EVENTS_WEBHOOK_URL'],
        message: 'the webhook must be https (plain http only to a loopback address on this machine, e.g. http://127.0.0.1:<port>/…)',
      });
    }
    if (s.TUNELOOP_JOB_TRANSPORT === 'servicebus' && !s.TUNELOOP_SERVICEBUS__fullyQualifiedNamespace) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_SERVICEBUS__fullyQualifiedNamespace'],
        message: 'TUNELOOP_JOB_TRANSPORT=servicebus needs the Service Bus namespace, e.g. <name>.servicebus.windows.net',
      });
    }
    if (s.TUNELOOP_PII_MODE === 'azure' && !s.TUNELOOP_PII_LANGUAGE_ENDPOINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_PII_LANGUAGE_ENDPOINT'],
        message:
          'TUNELOOP_PII_MODE=azure needs the Azure AI Language endpoint, e.g. https://<resource>.cognitiveservices.azure.com; or use TUNELOOP_PII_MODE=local',
      });
    }
    if (s.TUNELOOP_BALANCE_MIN_SHARE > s.TUNELOOP_BALANCE_MAX_SHARE) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_BALANCE_MIN_SHARE'],
        message: 'TUNELOOP_BALANCE_MIN_SHARE must not exceed TUNELOOP_BALANCE_MAX_SHARE',
      });
    }
    if (s.TUNELOOP_SPLIT_VALIDATION + s.TUNELOOP_SPLIT_HOLDOUT >= 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_SPLIT_VALIDATION'],
        message: 'TUNELOOP_SPLIT_VALIDATION + TUNELOOP_SPLIT_HOLDOUT must leave a share for training (sum < 1)',
      });
    }
  });

export type Settings = z.output<typeof settingsSchema>;

/** True for http(s) URLs whose host is this machine's loopback (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '[::1]' || host === '::1';
}

/** Thrown when settings are missing or invalid; the message names every bad setting and says how to fix it. */
export class SettingsError extends TuneloopError {
  readonly problems: { setting: string; message: string }[];
  constructor(problems: { setting: string; message: string }[]) {
    super(
      'tuneloop cannot start, its settings are invalid:\n' +
        problems.map((p) => `  - ${p.setting}: ${p.message}`).join('\n') +
        '\nSet them in local.settings.json (see local.settings.sample.json), the environment, or the Function App settings.',
    );
    this.problems = problems;
  }
}

/** Reads and validates settings from an environment map. Empty strings count as unset. */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const raw: Record<string, string> = {};
  for (const name of settingNames()) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path.at(0) ?? 'settings');
        const got = ownValue(raw, name);
        const message =
          got === undefined && issue.code !== 'custom'
            ? `is required but not set (${issue.message})`
            : issue.code === 'custom'
              ? issue.message
              : `invalid value ${JSON.stringify(got)}: ${issue.message}`;
        return { setting: name, message };
      }),
    );
  }
  return parsed.data;
}

export function settingNames(): string[] {
  return Object.keys(settingsSchema.shape);
}

export function settingMeta(name: string): SettingMeta {
  const meta = metaRegistry.get(name);
  if (!meta) throw new Error(`setting ${name} has no metadata`);
  return meta;
}

/** Defaults as they would be loaded with nothing set (plus local storage), for docs and tests. */
export function describeSettings(): { name: string; meta: SettingMeta }[] {
  return settingNames().map((name) => ({ name, meta: settingMeta(name) }));
}
