import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TelemetryRecord } from './localSink';

export interface SinkProblem {
  file: string;
  line: number;
  reason: string;
}

export interface ReadTelemetryOptions {
  /** Only records at or after this time. */
  since?: Date;
  signal?: AbortSignal;
}

function parseRecord(text: string): TelemetryRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const r = value as Partial<TelemetryRecord> & Record<string, unknown>;
  if (typeof r.time !== 'string' || Number.isNaN(Date.parse(r.time))) return 'missing or invalid "time"';
  if (typeof r.name !== 'string' || !r.name) return 'missing "name"';
  if (r.kind === 'metric') {
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) return 'metric without a finite "value"';
    return { time: r.time, kind: 'metric', name: r.name, value: r.value, dimensions: r.dimensions ?? {} };
  }
  if (r.kind === 'event') {
    return { time: r.time, kind: 'event', name: r.name, properties: r.properties ?? {} };
  }
  return `unknown "kind" ${JSON.stringify(r.kind)} (expected "metric" or "event")`;
}

/**
 * Reads the local telemetry sink. A missing file is an empty history; a line that cannot be read
 * (e.g. hand-edited) is reported with file, line and reason, and every other record is kept.
 */
export async function readTelemetryRecords(
  path: string,
  options: ReadTelemetryOptions = {},
): Promise<{ records: TelemetryRecord[]; problems: SinkProblem[] }> {
  const records: TelemetryRecord[] = [];
  const problems: SinkProblem[] = [];
  const stream = createReadStream(path, { encoding: 'utf8', signal: options.signal });
  const since = options.since?.getTime();
  try {
    let lineNumber = 0;
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      lineNumber++;
      if (!line.trim()) continue;
      const parsed = parseRecord(line);
      if (typeof parsed === 'string') {
        problems.push({ file: path, line: lineNumber, reason: parsed });
        continue;
      }
      if (since !== undefined && Date.parse(parsed.time) < since) continue;
      records.push(parsed);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    throw err;
  }
  return { records, problems };
}

/** A metric's history: points sorted by time, optionally only those whose dimensions match. */
export function metricSeries(
  records: readonly TelemetryRecord[],
  name: string,
  match: Record<string, string> = {},
): { time: string; value: number; dimensions: Record<string, string> }[] {
  return records
    .filter((r): r is Extract<TelemetryRecord, { kind: 'metric' }> => r.kind === 'metric' && r.name === name)
    .filter((r) => Object.entries(match).every(([k, v]) => r.dimensions[k] === v))
    .map((r) => ({ time: r.time, value: r.value, dimensions: r.dimensions }))
    .sort((a, b) => a.time.localeCompare(b.time));
}
