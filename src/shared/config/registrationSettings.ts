import type { Settings } from './settings';
import { TuneloopError } from '../errors';

/**
 * The few settings that decide how functions are registered (trigger source, job transport,
 * schedules), read without zod so the Azure entry loads as fast as a hello-world app; the full
 * settings are validated by `loadSettings` when a function first runs. `settings.ts` takes its
 * defaults and allowed values from here, so the two cannot disagree (a test compares them).
 */
export const BLOB_TRIGGER_SOURCES = ['EventGrid', 'LogsAndContainerScan'] as const;
export const JOB_TRANSPORTS = ['storage', 'servicebus'] as const;

export const REGISTRATION_DEFAULTS = {
  TUNELOOP_BLOB_TRIGGER_SOURCE: 'EventGrid',
  TUNELOOP_JOB_TRANSPORT: 'storage',
  TUNELOOP_DRIFT_SCHEDULE: '0 0 * * * *',
  TUNELOOP_LIFECYCLE_SCHEDULE: '0 15 * * * *',
} as const;

export type RegistrationSettings = Pick<Settings, keyof typeof REGISTRATION_DEFAULTS>;

/** A registration setting has a value the triggers cannot use. */
export class RegistrationSettingsError extends TuneloopError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(
      `tuneloop cannot register its functions: ${setting}: ${message}. Set it in local.settings.json, the environment, or the Function App settings.`,
    );
  }
}

function oneOf<T extends string>(
  env: Record<string, string | undefined>,
  name: keyof typeof REGISTRATION_DEFAULTS,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new RegistrationSettingsError(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function schedule(env: Record<string, string | undefined>, name: keyof typeof REGISTRATION_DEFAULTS, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function registrationSettings(env: Record<string, string | undefined> = process.env): RegistrationSettings {
  return {
    TUNELOOP_BLOB_TRIGGER_SOURCE: oneOf(
      env,
      'TUNELOOP_BLOB_TRIGGER_SOURCE',
      BLOB_TRIGGER_SOURCES,
      REGISTRATION_DEFAULTS.TUNELOOP_BLOB_TRIGGER_SOURCE,
    ),
    TUNELOOP_JOB_TRANSPORT: oneOf(env, 'TUNELOOP_JOB_TRANSPORT', JOB_TRANSPORTS, REGISTRATION_DEFAULTS.TUNELOOP_JOB_TRANSPORT),
    TUNELOOP_DRIFT_SCHEDULE: schedule(env, 'TUNELOOP_DRIFT_SCHEDULE', REGISTRATION_DEFAULTS.TUNELOOP_DRIFT_SCHEDULE),
    TUNELOOP_LIFECYCLE_SCHEDULE: schedule(env, 'TUNELOOP_LIFECYCLE_SCHEDULE', REGISTRATION_DEFAULTS.TUNELOOP_LIFECYCLE_SCHEDULE),
  };
}
