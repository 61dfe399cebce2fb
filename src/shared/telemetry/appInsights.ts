import type { TokenCredential } from '@azure/identity';
import { dirname, join } from 'node:path';
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
  async shutdown(): Promise<void> {
    await this.client.shutdown();
    stopSettingsPolling();
  }
}

/**
 * The exporter polls its remote configuration (OneSettings, settings.sdk.monitor.azure.com) from
 * 5–15 s after its first export, and the client's shutdown() leaves that poller running. Its
 * request, or the 10 s timeout timer that @typespec/ts-http-runtime 0.3.6 leaves behind when the
 * request fails (no network), keeps a process that has shut telemetry down alive for up to 10 s:
 * a CLI command at its end, or a Jest worker, which is then force-exited ("A worker process has
 * failed to exit gracefully"). The poller is a singleton of the exporter's own module, which it
 * does not export; resolved from applicationinsights so the copy is the one its exporters use, and
 * with plain require so that under Jest it is the test file's instance. A later SDK without it
 * leaves nothing to stop here.
 */
function stopSettingsPolling(): void {
  try {
    const exporter = dirname(
      require.resolve('@azure/monitor-opentelemetry-exporter/package.json', { paths: [dirname(require.resolve('applicationinsights'))] }),
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ConfigurationManager } = require(join(exporter, 'dist', 'commonjs', '_configuration', 'configurationManager.js')) as {
      ConfigurationManager?: { getInstance(): { shutdown(): void } };
    };
    ConfigurationManager?.getInstance().shutdown();
  } catch {
    // Not there in this SDK version: nothing to stop.
  }
}
