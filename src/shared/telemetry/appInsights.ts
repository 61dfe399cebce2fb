import type { TokenCredential } from '@azure/identity';
import { TelemetryClient } from 'applicationinsights';
import { normaliseDimensions } from './localSink';
import type { Dimensions, Telemetry } from './telemetry';

export interface AppInsightsTelemetryOptions {
  connectionString: string;
  /** Entra ID credential for keyless ingestion (the Function App's managed identity); unset: no Authorization header. */
  credential?: TokenCredential;
}

/**
 * Telemetry through the `applicationinsights` v3 SDK (Azure Monitor OpenTelemetry exporters).
 *
 * The client is isolated (`useGlobalProviders: false`): tuneloop sends only what it tracks, and
 * the Functions host keeps its own request/dependency telemetry. `trackMetric` goes through the
 * SDK's OpenTelemetry histogram, exported as `MetricData` envelopes that land in `customMetrics`
 * with `value` = sum and `valueCount` = count of the recordings in one export (tuneloop flushes at
 * the end of each invocation, so a drift or evaluation number is one recording: value is exact).
 * Events are `EventData` envelopes in `customEvents`. Dimensions become `customDimensions`.
 */
export class AppInsightsTelemetry implements Telemetry {
  private readonly client: TelemetryClient;

  constructor(options: AppInsightsTelemetryOptions) {
    this.client = new TelemetryClient(options.connectionString, { useGlobalProviders: false });
    if (options.credential) this.client.config.aadTokenCredential = options.credential;
  }

  trackMetric(name: string, value: number, dimensions?: Dimensions): void {
    if (!Number.isFinite(value)) {
      throw new TypeError(`telemetry metric ${name}: value must be a finite number, got ${String(value)}`);
    }
    this.client.trackMetric({ name, value, properties: normaliseDimensions(dimensions) });
  }

  trackEvent(name: string, properties?: Dimensions): void {
    this.client.trackEvent({ name, properties: normaliseDimensions(properties) });
  }

  flush(): Promise<void> {
    return this.client.flush();
  }

  /** Flushes and stops the exporters' timers (CLI commands and tests call it before exiting). */
  shutdown(): Promise<void> {
    return this.client.shutdown();
  }
}
