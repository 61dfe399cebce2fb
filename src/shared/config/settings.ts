import { z } from 'zod';

/**
 * Every setting tuneloop reads, in one place. Environment variables (Azure app settings,
 * `local.settings.json` values, or the shell) are validated here once; nothing else reads
 * `process.env` for configuration.
 *
 * `where` tells the infra test and the README which settings Azure must set:
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

function setting<T extends z.ZodTypeAny>(name: string, schema: T, meta: SettingMeta): T {
  metaRegistry.set(name, meta);
  return schema;
}

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();
const share = z.coerce.number().min(0).max(1);

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
    TUNELOOP_SYSTEM_PROMPT: setting(
      'TUNELOOP_SYSTEM_PROMPT',
      z.string().default('You are a helpful customer service assistant.'),
      {
        description: 'System message put first in every training example (empty: no system message).',
        where: 'optional',
        sample: 'You are a helpful customer service assistant.',
      },
    ),
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
    TUNELOOP_LOCAL_DIR: setting('TUNELOOP_LOCAL_DIR', z.string().default('.tuneloop'), {
      description: 'Local working folder (Azurite data, local telemetry sink). Git-ignored.',
      where: 'local',
      sample: '.tuneloop',
    }),
    TUNELOOP_LOCAL_PORT_BASE: setting('TUNELOOP_LOCAL_PORT_BASE', positiveInt.default(10000), {
      description: 'npm start: Azurite listens on this port (blob), +1 (queue), +2 (table); the emulator on +10.',
      where: 'local',
      sample: '10000',
    }),
    TUNELOOP_LOG_LEVEL: setting('TUNELOOP_LOG_LEVEL', z.enum(['debug', 'info', 'warn', 'error']).default('info'), {
      description: 'Least severe log level printed by the local host and CLI.',
      where: 'optional',
      sample: 'info',
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
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: setting('APPLICATIONINSIGHTS_AUTHENTICATION_STRING', z.string().optional(), {
      description:
        'Keyless ingestion: "Authorization=AAD;ClientId=<managed identity client id>" (or "Authorization=AAD" for DefaultAzureCredential). The Functions host reads the same setting for its own telemetry.',
      where: 'azure',
      sample: '',
    }),
    TUNELOOP_TELEMETRY_LOCAL_SINK: setting(
      'TUNELOOP_TELEMETRY_LOCAL_SINK',
      z.enum(['auto', 'always', 'never']).default('auto'),
      {
        description:
          'Local JSONL telemetry sink: auto = only without APPLICATIONINSIGHTS_CONNECTION_STRING, always = also next to Application Insights, never = off.',
        where: 'optional',
        sample: 'auto',
      },
    ),
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
    TUNELOOP_DRIFT_SCHEDULE: setting('TUNELOOP_DRIFT_SCHEDULE', z.string().min(1).default('0 0 * * * *'), {
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
      description: 'Minimum conversations on each side (reference, recent) before a drift metric is emitted; below it the metric is skipped with the reason recorded.',
      where: 'optional',
      sample: '30',
    }),
    TUNELOOP_DRIFT_THRESHOLD: setting('TUNELOOP_DRIFT_THRESHOLD', z.coerce.number().positive().default(0.25), {
      description: 'Combined drift score at or above which driftWatch records a retrain decision and publishes a drift alert.',
      where: 'optional',
      sample: '0.25',
    }),
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
    if (s.TUNELOOP_SPLIT_VALIDATION + s.TUNELOOP_SPLIT_HOLDOUT >= 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['TUNELOOP_SPLIT_VALIDATION'],
        message: 'TUNELOOP_SPLIT_VALIDATION + TUNELOOP_SPLIT_HOLDOUT must leave a share for training (sum < 1)',
      });
    }
  });

export type Settings = z.output<typeof settingsSchema>;

/** Thrown when settings are missing or invalid; the message names every bad setting and says how to fix it. */
export class SettingsError extends Error {
  readonly problems: { setting: string; message: string }[];
  constructor(problems: { setting: string; message: string }[]) {
    super(
      'tuneloop cannot start, its settings are invalid:\n' +
        problems.map((p) => `  - ${p.setting}: ${p.message}`).join('\n') +
        '\nSet them in local.settings.json (see local.settings.sample.json), the environment, or the Function App settings.',
    );
    this.name = 'SettingsError';
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
        const name = String(issue.path[0] ?? 'settings');
        const got = raw[name];
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
