import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { Settings } from '../config/settings';
import { parseAuthenticationString } from './authenticationString';
import { LocalJsonlTelemetry, localTelemetryPath } from './localSink';
import type { Dimensions, Telemetry } from './telemetry';

export interface CreateTelemetryOptions {
  /** Folder the relative TUNELOOP_LOCAL_DIR is resolved against (default: process.cwd()). */
  cwd?: string;
  /** Clock for local record times (simulations and tests). */
  now?: () => Date;
  /** Credential for keyless ingestion; default DefaultAzureCredential when the authentication string asks for Entra ID. */
  credential?: TokenCredential;
}

/** Sends every record to each of several sinks (Application Insights and the local file). */
export class FanOutTelemetry implements Telemetry {
  constructor(readonly sinks: readonly Telemetry[]) {}
  trackMetric(name: string, value: number, dimensions?: Dimensions): void {
    for (const sink of this.sinks) sink.trackMetric(name, value, dimensions);
  }
  trackEvent(name: string, properties?: Dimensions): void {
    for (const sink of this.sinks) sink.trackEvent(name, properties);
  }
  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }
}

/**
 * The telemetry port from settings: Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set (keyless with APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD[;ClientId=...]),
 * the local JSONL sink under TUNELOOP_LOCAL_DIR when it is not (or both, with
 * TUNELOOP_TELEMETRY_LOCAL_SINK=always).
 */
export function createTelemetry(settings: Settings, options: CreateTelemetryOptions = {}): Telemetry {
  const sinks: Telemetry[] = [];
  const connectionString = settings.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (connectionString) {
    const auth = parseAuthenticationString(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
    const credential =
      options.credential ??
      (auth ? new DefaultAzureCredential({ managedIdentityClientId: auth.clientId ?? settings.AZURE_CLIENT_ID }) : undefined);
    // Loaded only when used: the SDK brings OpenTelemetry with it, which the CLI rarely needs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load keeps the factory synchronous
    const { AppInsightsTelemetry } = require('./appInsights') as typeof import('./appInsights');
    sinks.push(new AppInsightsTelemetry({ connectionString, credential }));
  }
  const mode = settings.TUNELOOP_TELEMETRY_LOCAL_SINK;
  const hasAppInsights = Boolean(settings.APPLICATIONINSIGHTS_CONNECTION_STRING);
  if (mode === 'always' || (mode === 'auto' && !hasAppInsights)) {
    sinks.push(new LocalJsonlTelemetry({ path: localTelemetryPath(settings.TUNELOOP_LOCAL_DIR, options.cwd), now: options.now }));
  }
  return sinks.length === 1 ? sinks[0] : new FanOutTelemetry(sinks);
}
