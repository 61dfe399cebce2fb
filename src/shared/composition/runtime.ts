import { loadSettings, type Settings } from '../config/settings';
import { createStorageClients, type StorageClients } from '../storage/clients';
import { createTelemetry } from '../telemetry/createTelemetry';
import type { Telemetry } from '../telemetry/telemetry';
import { createFineTunePorts, type FineTunePorts } from '../finetune/ports';
import { createEventPublisher, type EventPublisher } from '../telemetry/events';
import { domainConfig, storageOptions, type DomainConfig } from './config';

/**
 * The composition root: everything a handler needs (ports and each domain's config), built once
 * from settings. There is no global: the Azure entry builds one lazily on the first invocation
 * (src/functions/runtimeSource.ts), the local host, the CLI and tests build theirs and hand it to
 * the function definitions, so the same handlers run against Azurite and the emulator.
 */
export interface Runtime {
  /** Each domain's typed config, from `settings` (src/shared/composition/config.ts). */
  readonly config: DomainConfig;
  readonly storage: StorageClients;
  /** Metrics and events: Application Insights in Azure, the local JSONL sink without a connection string. */
  readonly telemetry: Telemetry;
  /** Azure OpenAI fine-tuning (files, jobs) and ARM deployments; SDK clients are built on first use. */
  readonly fineTune: FineTunePorts;
  /** CloudEvents to subscribers (Event Grid topic, webhook or local sink); use `notify()` from src/shared/telemetry/notify.ts. */
  readonly events: EventPublisher;
}

export function createRuntime(settings: Settings, overrides: Partial<Runtime> = {}): Runtime {
  const config = overrides.config ?? domainConfig(settings);
  return {
    config,
    storage: overrides.storage ?? createStorageClients(storageOptions(settings)),
    telemetry: overrides.telemetry ?? createTelemetry(config.telemetry),
    fineTune: overrides.fineTune ?? createFineTunePorts(config.fineTune),
    events: overrides.events ?? createEventPublisher(config.events),
    ...overrides,
  };
}

/** The runtime of a Function App: settings from its environment (app settings). */
export function runtimeFromEnvironment(env: Record<string, string | undefined> = process.env): Runtime {
  return createRuntime(loadSettings(env));
}
