import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
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

/** Where telemetry goes (built from settings by src/shared/composition/config.ts). */
export interface TelemetryConfig {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING; unset: no Application Insights. */
  readonly applicationInsightsConnectionString?: string;
  /** APPLICATIONINSIGHTS_AUTHENTICATION_STRING (`Authorization=AAD[;ClientId=...]`) for keyless ingestion. */
  readonly applicationInsightsAuthenticationString?: string;
  readonly managedIdentityClientId?: string;
  /** The local JSONL sink: auto = only without Application Insights (TUNELOOP_TELEMETRY_LOCAL_SINK). */
  readonly localSink: 'auto' | 'always' | 'never';
  /** TUNELOOP_LOCAL_DIR: the local sink writes telemetry.jsonl there. */
  readonly localDir: string;
}

/**
 * The telemetry port: Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set (keyless with APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD[;ClientId=...]),
 * the local JSONL sink under TUNELOOP_LOCAL_DIR when it is not (or both, with
 * TUNELOOP_TELEMETRY_LOCAL_SINK=always).
 */
export function createTelemetry(config: TelemetryConfig, options: CreateTelemetryOptions = {}): Telemetry {
  const sinks: Telemetry[] = [];
  const connectionString = config.applicationInsightsConnectionString;
  if (connectionString) {
    const auth = parseAuthenticationString(config.applicationInsightsAuthenticationString);
    const credential =
      options.credential ??
      (auth ? new DefaultAzureCredential({ managedIdentityClientId: auth.clientId ?? config.managedIdentityClientId }) : undefined);
    // Loaded only when used: the SDK brings OpenTelemetry with it, which the CLI rarely needs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load keeps the factory synchronous
    const { AppInsightsTelemetry } = require('./appInsights') as typeof import('./appInsights');
    sinks.push(new AppInsightsTelemetry({ connectionString, credential }));
  }
  const mode = config.localSink;
  const hasAppInsights = Boolean(config.applicationInsightsConnectionString);
  if (mode === 'always' || (mode === 'auto' && !hasAppInsights)) {
    sinks.push(new LocalJsonlTelemetry({ path: localTelemetryPath(config.localDir, options.cwd), now: options.now }));
  }
  return sinks.length === 1 ? sinks[0] : new FanOutTelemetry(sinks);
}
