import type { StorageClients } from '../storage/clients';
import { listDriftRuns, latestRetrainDecision, type DriftRun } from '../drift/decisionStore';
import { SCORE_COMPONENTS } from '../drift/analyze';
import { ownValue } from '../lookup';
import { localTelemetryPath, type TelemetryRecord } from './localSink';
import { readTelemetryRecords, type SinkProblem } from './readSink';

/** Where `tuneloop status` finds metrics and what it compares them with (built from settings by src/shared/composition/config.ts). */
export interface MetricsStatusConfig {
  /** The local sink is read when it is on (TUNELOOP_TELEMETRY_LOCAL_SINK, and whether Application Insights is configured). */
  readonly localSink: 'auto' | 'always' | 'never';
  readonly applicationInsights: boolean;
  readonly localDir: string;
  /** The drift score's retrain threshold (TUNELOOP_DRIFT_THRESHOLD). */
  readonly driftThreshold: number;
}

export interface MetricsStatusContext {
  storage: StorageClients;
  /** Folder the relative local directory is resolved against. */
  cwd: string;
}

export type Trend = 'up' | 'down' | 'flat' | 'new';

export interface MetricStatus {
  name: string;
  value: number;
  time: string;
  previous?: number;
  trend: Trend;
  /** Dimensions of the last point (model, dataset version, …). */
  dimensions: Record<string, string>;
}

export interface MetricsStatus {
  /** Where the numbers came from. */
  source: { localSink?: string; applicationInsights: boolean };
  metrics: MetricStatus[];
  drift?: {
    run: DriftRun;
    /** Raw value, its sampling-noise floor and the excess the combined score uses. */
    components: { name: string; value: number; noiseFloor: number; excess: number; threshold: number; over: boolean }[];
  };
  lastRetrain?: { at: string; decision: DriftRun['decision'] };
  problems: SinkProblem[];
}

const ARROWS: Record<Trend, string> = { up: '↑', down: '↓', flat: '→', new: '·' };

function trendOf(previous: number | undefined, value: number): Trend {
  if (previous === undefined) return 'new';
  const scale = Math.max(Math.abs(previous), Math.abs(value), 1e-12);
  if (Math.abs(value - previous) / scale < 1e-9) return 'flat';
  return value > previous ? 'up' : 'down';
}

/**
 * Dimensions that tell different quantities of one metric apart (a candidate's BLEU is not the
 * production model's; a per-reason quarantine count is not the total; EMAIL redactions are not
 * PERSON redactions; exact duplicates are not near ones; a failed job's duration is not a
 * succeeded one's): the series is split by them.
 */
export const SERIES_DIMENSIONS = ['role', 'reason', 'type', 'kind', 'outcome'] as const;

/**
 * Dimensions that say what a value was measured against: the drift reference and window, the
 * dataset version (its holdout for evaluation metrics, the production model's training data for
 * drift). A trend arrow compares the last value only with an earlier value measured against the
 * same basis; a value after the basis changed is shown as new, not as a rise or a fall.
 */
export const BASIS_DIMENSIONS = ['reference', 'window_hours', 'dataset_version'] as const;

/** `name [value, …]` for the splitting dimensions present on a record. */
export function seriesKey(name: string, dimensions: Record<string, string>): string {
  const parts = SERIES_DIMENSIONS.flatMap((d) => {
    const value = ownValue(dimensions, d);
    return value !== undefined ? [value] : [];
  });
  return parts.length ? `${name} [${parts.join(', ')}]` : name;
}

function basisOf(dimensions: Record<string, string>): string {
  return BASIS_DIMENSIONS.map((d) => ownValue(dimensions, d) ?? '').join('\u0000');
}

/**
 * The last value of every metric series in the local sink and its trend against the latest
 * earlier value of the same series measured against the same basis (`BASIS_DIMENSIONS`).
 */
export function latestMetrics(records: readonly TelemetryRecord[]): MetricStatus[] {
  const series = new Map<string, Extract<TelemetryRecord, { kind: 'metric' }>[]>();
  for (const r of records) {
    if (r.kind !== 'metric') continue;
    const key = seriesKey(r.name, r.dimensions);
    const list = series.get(key) ?? [];
    list.push(r);
    series.set(key, list);
  }
  const out: MetricStatus[] = [];
  for (const [key, points] of series) {
    points.sort((a, b) => a.time.localeCompare(b.time));
    const last = points[points.length - 1];
    const basis = basisOf(last.dimensions);
    let previous: number | undefined;
    for (let i = points.length - 2; i >= 0; i--) {
      if (basisOf(points[i].dimensions) === basis) {
        previous = points[i].value;
        break;
      }
    }
    out.push({
      name: key,
      value: last.value,
      time: last.time,
      previous,
      trend: trendOf(previous, last.value),
      dimensions: last.dimensions,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs >= 100 ? v.toFixed(1) : abs >= 1 ? v.toFixed(3) : v.toFixed(4);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map(
      (r) =>
        '  ' +
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** The metrics and drift part of `tuneloop status` as text, from already-read inputs (pure). */
export function renderMetricsStatus(status: MetricsStatus, options: { now: Date }): string {
  const lines: string[] = [];
  const where = status.source.localSink
    ? `local sink ${status.source.localSink}`
    : 'Application Insights (no local sink: set TUNELOOP_TELEMETRY_LOCAL_SINK=always to also keep them locally)';
  lines.push(`Metrics (${status.metrics.length}, from ${where})`);
  if (status.metrics.length === 0) lines.push('  none recorded yet');
  else {
    lines.push(
      table([
        ['METRIC', 'LAST', 'TREND', 'PREVIOUS', 'WHEN', 'MODEL'],
        ...status.metrics.map((m) => [
          m.name,
          formatNumber(m.value),
          ARROWS[m.trend],
          m.previous === undefined ? '-' : formatNumber(m.previous),
          m.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          ownValue(m.dimensions, 'model') ?? '-',
        ]),
      ]),
    );
  }
  for (const p of status.problems.slice(0, 5)) lines.push(`  ! ${p.file}:${p.line}: ${p.reason} (line skipped)`);
  if (status.problems.length > 5) lines.push(`  ! … and ${status.problems.length - 5} more unreadable lines`);

  lines.push('');
  if (!status.drift) {
    lines.push('Drift\n  no driftWatch run yet (it runs on TUNELOOP_DRIFT_SCHEDULE, hourly by default)');
  } else {
    const { run, components } = status.drift;
    const ageHours = (options.now.getTime() - Date.parse(run.windowEnd)) / 3600_000;
    const score =
      run.score === undefined
        ? 'no score'
        : `${formatNumber(run.score)} ${run.score >= run.threshold ? '≥' : '<'} threshold ${run.threshold}${run.scoreDrivenBy ? ` (driven by ${run.scoreDrivenBy})` : ''}`;
    lines.push(`Drift (run at ${run.windowEnd}, ${ageHours.toFixed(1)} h ago; window from ${run.windowStart})`);
    lines.push(
      `  reference: ${run.reference.kind}${run.reference.datasetVersion ? ` ${run.reference.datasetVersion}` : ''}, ${run.reference.conversations} conversations; recent: ${run.recent.conversations} conversations`,
    );
    lines.push(`  combined score: ${score}; decision: ${describeDecision(run.decision)}`);
    if (components.length) {
      lines.push(
        table([
          ['COMPONENT', 'VALUE', 'NOISE FLOOR', 'EXCESS', 'THRESHOLD', ''],
          ...components.map((c) => [
            c.name,
            formatNumber(c.value),
            formatNumber(c.noiseFloor),
            formatNumber(c.excess),
            String(c.threshold),
            c.over ? 'OVER' : 'ok',
          ]),
        ]),
      );
    }
    const others = run.metrics.filter((m) => !SCORE_COMPONENTS.includes(m.name));
    if (others.length) lines.push('  also: ' + others.map((m) => `${m.name} ${formatNumber(m.value)}`).join(', '));
    for (const s of run.skipped) lines.push(`  skipped ${s.name}: ${s.reason}`);
  }
  if (status.lastRetrain)
    lines.push(`  last drift-triggered retrain: ${status.lastRetrain.at} (${describeDecision(status.lastRetrain.decision)})`);
  return lines.join('\n');
}

function describeDecision(d: DriftRun['decision']): string {
  switch (d.kind) {
    case 'retrain':
      if (d.error) return `retrain, but the assembly failed: ${d.error}`;
      if (d.assembly?.outcome === 'submitted') return `retrain → dataset ${d.assembly.datasetVersion}, job ${d.assembly.jobKey}`;
      if (d.assembly?.outcome === 'resubmitted')
        return `retrain → dataset ${d.assembly.datasetVersion} again (it never gave a model), job ${d.assembly.jobKey}`;
      if (d.assembly?.outcome === 'skipped') return `retrain → assembly skipped (${d.assembly.reason}: ${d.assembly.detail})`;
      return 'retrain';
    case 'cooldown':
      return `over threshold, no new retrain until ${d.until} (cooldown after ${d.lastRetrainAt})`;
    case 'insufficient-data':
      return `insufficient data (${d.reason})`;
    default:
      return 'no retrain (below threshold)';
  }
}

/** Reads the local sink and the drift table for `tuneloop status`. */
export async function collectMetricsStatus(context: MetricsStatusContext, config: MetricsStatusConfig): Promise<MetricsStatus> {
  const applicationInsights = config.applicationInsights;
  const localOn = config.localSink === 'always' || (config.localSink === 'auto' && !applicationInsights);
  const path = localTelemetryPath(config.localDir, context.cwd);
  const { records, problems } = localOn ? await readTelemetryRecords(path) : { records: [], problems: [] };
  const run = (await listDriftRuns(context.storage, { limit: 1 })).at(0);
  const retrain = await latestRetrainDecision(context.storage);
  const threshold = config.driftThreshold;
  return {
    source: { localSink: localOn ? path : undefined, applicationInsights },
    metrics: latestMetrics(records),
    drift: run
      ? {
          run,
          components: run.metrics
            .filter((m) => SCORE_COMPONENTS.includes(m.name))
            .map((m) => {
              const noiseFloor = typeof m.detail?.noise_floor === 'number' ? m.detail.noise_floor : 0;
              const excess = Math.max(0, m.value - noiseFloor);
              const limit = Number.isFinite(run.threshold) ? run.threshold : threshold;
              return { name: m.name, value: m.value, noiseFloor, excess, threshold: limit, over: excess >= limit };
            }),
        }
      : undefined,
    lastRetrain: retrain ? { at: retrain.windowEnd, decision: retrain.decision } : undefined,
    problems,
  };
}
