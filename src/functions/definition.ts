import type { InvocationContext } from '@azure/functions';

/**
 * One function, described once. Azure registration (`src/functions/index.ts`) and the local host
 * (`src/local/host.ts`) both read these descriptions, so they cannot drift apart.
 */
export type TriggerDefinition =
  | {
      type: 'blob';
      /** `<container>/{name}` */
      path: string;
      /** App-setting prefix of the storage connection (identity-based in Azure). */
      connection: string;
      /** Azure delivers blob events through Event Grid (Flex Consumption requires it). */
      source: 'EventGrid' | 'LogsAndContainerScan';
    }
  | { type: 'storageQueue'; queueName: string; connection: string }
  | { type: 'serviceBusQueue'; queueName: string; connection: string }
  | {
      type: 'timer';
      /** NCRONTAB (six fields, seconds first) or `%SETTING_NAME%`. */
      schedule: string;
      runOnStartup?: boolean;
    };

export type FunctionHandler = (trigger: unknown, context: InvocationContext) => Promise<unknown>;

export interface FunctionDefinition {
  name: string;
  trigger: TriggerDefinition;
  handler: FunctionHandler;
  /** One line for the local host's log: what the function does. */
  summary: string;
}

/** The container watched by a blob trigger path such as `raw-logs/{name}`. */
export function blobTriggerContainer(path: string): string {
  const container = path.split('/')[0];
  if (!container || !path.includes('{name}')) throw new Error(`blob trigger path "${path}" must look like <container>/{name}`);
  return container;
}

/** Resolves `%SETTING%` (how Azure lets a schedule come from an app setting). */
export function resolveSettingExpression(value: string, env: Record<string, string | undefined>): string {
  const m = /^%([A-Za-z0-9_]+)%$/.exec(value);
  if (!m) return value;
  const resolved = env[m[1]];
  if (!resolved) throw new Error(`setting ${m[1]} is referenced by a trigger (${value}) but not set`);
  return resolved;
}
