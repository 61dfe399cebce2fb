import { loadSettings, type Settings } from '../config/settings';
import { createStorageClients, storageOptionsFromSettings, type StorageClients } from '../storage/clients';
import { createTelemetry } from '../telemetry/createTelemetry';
import type { Telemetry } from '../telemetry/telemetry';
import { createFineTunePorts, type FineTunePorts } from '../finetune/ports';
import { createEventPublisher, type EventPublisher } from '../telemetry/events';

/**
 * The composition root: everything a handler needs (ports), built once from settings.
 * Azure builds it lazily from app settings; the local host and tests install their own with
 * `setRuntime` so the same handlers run against Azurite and the emulator.
 */
export interface Runtime {
  readonly settings: Settings;
  readonly storage: StorageClients;
  /** Metrics and events: Application Insights in Azure, the local JSONL sink without a connection string. */
  readonly telemetry: Telemetry;
  /** Azure OpenAI fine-tuning (files, jobs) and ARM deployments; SDK clients are built on first use. */
  readonly fineTune: FineTunePorts;
  /** CloudEvents to subscribers (Event Grid topic, webhook or local sink); use `notify()` from src/shared/telemetry/notify.ts. */
  readonly events: EventPublisher;
}

let current: Runtime | undefined;

export function createRuntime(settings: Settings, overrides: Partial<Runtime> = {}): Runtime {
  return {
    settings,
    storage: overrides.storage ?? createStorageClients(storageOptionsFromSettings(settings)),
    telemetry: overrides.telemetry ?? createTelemetry(settings),
    fineTune: overrides.fineTune ?? createFineTunePorts(settings),
    events: overrides.events ?? createEventPublisher(settings),
    ...overrides,
  };
}

export function getRuntime(): Runtime {
  if (!current) current = createRuntime(loadSettings());
  return current;
}

export function setRuntime(runtime: Runtime | undefined): void {
  current = runtime;
}
