import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Dimensions, Telemetry } from './telemetry';

/** One line of the local sink (`<TUNELOOP_LOCAL_DIR>/telemetry.jsonl`). */
export type TelemetryRecord =
  | { time: string; kind: 'metric'; name: string; value: number; dimensions: Record<string, string> }
  | { time: string; kind: 'event'; name: string; properties: Record<string, string> };

export const LOCAL_TELEMETRY_FILE = 'telemetry.jsonl';

export function localTelemetryPath(localDir: string, cwd: string = process.cwd()): string {
  return resolve(cwd, join(localDir, LOCAL_TELEMETRY_FILE));
}

export interface LocalSinkOptions {
  /** The JSONL file to append to; created (with its folder) on first flush. */
  path: string;
  /** Clock for record times; simulations and tests pass their own. */
  now?: () => Date;
}

/**
 * Dimension values become strings, as they do in Application Insights `customDimensions`, so
 * what `status` and `dashboard` read locally looks like what a workbook queries in Azure.
 */
export function normaliseDimensions(dimensions: Dimensions | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(dimensions ?? {})) {
    if (value !== undefined) out[key] = String(value);
  }
  return out;
}

/**
 * Telemetry written to a local JSONL file. Records are buffered and appended on `flush()` with
 * one `appendFile` call (O_APPEND), so the local host, the CLI and tests can share the file.
 */
export class LocalJsonlTelemetry implements Telemetry {
  readonly path: string;
  private readonly now: () => Date;
  private buffer: TelemetryRecord[] = [];
  private pending: Promise<void> = Promise.resolve();

  constructor(options: LocalSinkOptions) {
    this.path = options.path;
    this.now = options.now ?? (() => new Date());
  }

  trackMetric(name: string, value: number, dimensions?: Dimensions): void {
    if (!Number.isFinite(value)) {
      throw new TypeError(`telemetry metric ${name}: value must be a finite number, got ${String(value)}`);
    }
    this.buffer.push({ time: this.now().toISOString(), kind: 'metric', name, value, dimensions: normaliseDimensions(dimensions) });
  }

  trackEvent(name: string, properties?: Dimensions): void {
    this.buffer.push({ time: this.now().toISOString(), kind: 'event', name, properties: normaliseDimensions(properties) });
  }

  flush(): Promise<void> {
    const records = this.buffer;
    this.buffer = [];
    // Chained so that concurrent flushes keep the order in which records were tracked.
    this.pending = this.pending.then(async () => {
      if (records.length === 0) return;
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, records.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');
    });
    return this.pending;
  }
}
