import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TelemetryRecord } from './localSink';
import { seriesKey } from './metricsStatus';
import { ownValue } from '../lookup';

export interface DashboardSeries {
  label: string;
  /** [epoch ms, value], sorted by time. */
  points: [number, number][];
  /** Drawn dashed (thresholds). */
  dashed?: boolean;
}

export interface DashboardChart {
  id: string;
  title: string;
  yLabel: string;
  series: DashboardSeries[];
  /**
   * The time axis, epoch ms: the span of the chart's points plus a small margin. Set explicitly
   * because Chart.js pads a zero-width linear range by 5% of the value, which for a single
   * point at an epoch-ms time is about three years either side.
   */
  x?: { min: number; max: number };
}

export interface DashboardData {
  generatedAt: string;
  /** First and last record time shown. */
  range?: { from: string; to: string };
  charts: DashboardChart[];
  latest: { name: string; value: number; time: string; model?: string }[];
  events: { time: string; name: string; summary: string }[];
}

export interface DashboardOptions {
  /** Records before this instant are left out. */
  since?: Date;
  /** TUNELOOP_DRIFT_THRESHOLD, drawn on the drift chart. */
  driftThreshold: number;
  now?: Date;
}

type MetricRecord = Extract<TelemetryRecord, { kind: 'metric' }>;

function seriesOf(
  records: readonly MetricRecord[],
  name: string,
  label: string,
  filter: (r: MetricRecord) => boolean = () => true,
): DashboardSeries | undefined {
  const points = records
    .filter((r) => r.name === name && filter(r))
    .map((r): [number, number] => [Date.parse(r.time), r.value])
    .sort((a, b) => a[0] - b[0]);
  return points.length ? { label, points } : undefined;
}

/**
 * Share of records quarantined per UTC day, from preprocessing's per-blob totals
 * (`records_quarantined` / `records_in`; the per-reason split is `quarantined_by_reason`).
 */
function dailyQuarantineShare(records: readonly MetricRecord[]): DashboardSeries | undefined {
  const days = new Map<string, { quarantined: number; records: number }>();
  for (const r of records) {
    if (r.name !== 'tuneloop.preprocess.records_quarantined' && r.name !== 'tuneloop.preprocess.records_in') continue;
    const day = r.time.slice(0, 10);
    const d = days.get(day) ?? { quarantined: 0, records: 0 };
    if (r.name === 'tuneloop.preprocess.records_in') d.records += r.value;
    else d.quarantined += r.value;
    days.set(day, d);
  }
  const points = [...days.entries()]
    .filter(([, d]) => d.records > 0)
    .map(([day, d]): [number, number] => [Date.parse(`${day}T12:00:00Z`), d.quarantined / d.records])
    .sort((a, b) => a[0] - b[0]);
  return points.length ? { label: 'preprocessing, per day (records quarantined / records in)', points } : undefined;
}

/** Margin around a single instant (or several at the same instant) on a time axis. */
const SINGLE_INSTANT_MARGIN_MS = 60 * 60 * 1000;

/** The span of the data, 2% of it added on each side (an hour when the data is one instant). */
export function timeAxis(series: readonly DashboardSeries[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const [x] of s.points) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  if (min > max) return undefined;
  const margin = max > min ? (max - min) * 0.02 : SINGLE_INSTANT_MARGIN_MS;
  return { min: min - margin, max: max + margin };
}

function present(series: (DashboardSeries | undefined)[]): DashboardSeries[] {
  return series.filter((s): s is DashboardSeries => s !== undefined);
}

/**
 * The dashboard's charts from the local sink: drift score and its components (with the threshold),
 * BLEU and intent F1 (evaluation of candidates and production, and production on recent data),
 * CSAT, and the quarantine share. Pure: records in, chart data out.
 */
export function buildDashboardData(all: readonly TelemetryRecord[], options: DashboardOptions): DashboardData {
  const since = options.since?.getTime() ?? -Infinity;
  const records = all.filter((r) => Date.parse(r.time) >= since);
  const metrics = records.filter((r): r is MetricRecord => r.kind === 'metric');
  const role = (value: string) => (r: MetricRecord) => r.dimensions.role === value;
  // A model-quality metric as the gate measures it (candidate and production on the holdout) and
  // as driftWatch measures it (production on recent data).
  const modelQuality = (evalMetric: string, driftMetric: string) =>
    present([
      seriesOf(metrics, evalMetric, 'candidate on holdout', role('candidate')),
      seriesOf(metrics, evalMetric, 'production on holdout', role('production')),
      seriesOf(metrics, driftMetric, 'production on recent data'),
    ]);

  const drift = present([
    seriesOf(metrics, 'tuneloop.drift.score', 'combined drift score'),
    seriesOf(metrics, 'tuneloop.drift.issue_type_psi', 'issue type PSI'),
    seriesOf(metrics, 'tuneloop.drift.issue_type_jsd', 'issue type JSD (bits)'),
    seriesOf(metrics, 'tuneloop.drift.length_psi', 'length (tokens) PSI'),
    seriesOf(metrics, 'tuneloop.drift.turns_psi', 'turns PSI'),
    seriesOf(metrics, 'tuneloop.drift.token_jsd', 'token unigram JSD (bits)'),
    seriesOf(metrics, 'tuneloop.drift.oov_rate', 'out-of-vocabulary rate'),
  ]);
  if (drift.length) {
    const xs = drift.flatMap((s) => s.points.map((p) => p[0]));
    drift.push({
      label: `threshold (${options.driftThreshold})`,
      points: [
        [Math.min(...xs), options.driftThreshold],
        [Math.max(...xs), options.driftThreshold],
      ],
      dashed: true,
    });
  }
  const charts: DashboardChart[] = [
    { id: 'drift', title: 'Drift', yLabel: 'score', series: drift },
    { id: 'bleu', title: 'BLEU', yLabel: 'BLEU (0–100)', series: modelQuality('tuneloop.eval.bleu', 'tuneloop.drift.model_bleu') },
    {
      id: 'f1',
      title: 'Intent F1',
      yLabel: 'macro F1 (0–1)',
      series: modelQuality('tuneloop.eval.intent_f1', 'tuneloop.drift.model_intent_f1'),
    },
    {
      id: 'csat',
      title: 'CSAT',
      yLabel: 'rating (1–5) / change',
      series: present([
        seriesOf(metrics, 'tuneloop.drift.csat_mean', 'mean CSAT, recent window'),
        seriesOf(metrics, 'tuneloop.drift.csat_mean_change', 'change vs reference'),
      ]),
    },
    {
      id: 'quarantine',
      title: 'Quarantine share',
      yLabel: 'share of records (0–1)',
      series: present([seriesOf(metrics, 'tuneloop.drift.quarantine_share', 'recent window (driftWatch)'), dailyQuarantineShare(metrics)]),
    },
  ];

  for (const chart of charts) chart.x = timeAxis(chart.series);

  const latestByName = new Map<string, MetricRecord>();
  for (const r of metrics) {
    const key = seriesKey(r.name, r.dimensions);
    const prev = latestByName.get(key);
    if (!prev || prev.time <= r.time) latestByName.set(key, r);
  }
  const times = records.map((r) => r.time).sort();
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    range: times.length ? { from: times[0], to: times[times.length - 1] } : undefined,
    charts,
    latest: [...latestByName.entries()]
      .map(([name, r]) => ({ name, value: r.value, time: r.time, model: r.dimensions.model }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    events: records
      .filter((r): r is Extract<TelemetryRecord, { kind: 'event' }> => r.kind === 'event')
      .sort((a, b) => b.time.localeCompare(a.time))
      .slice(0, 50)
      .map((e) => ({
        time: e.time,
        name: e.name,
        summary: Object.entries(e.properties)
          .filter(([k]) => k !== 'event_id')
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
          .slice(0, 300),
      })),
  };
}

/** Chart.js's UMD build, inlined so the page needs no network. */
export async function readChartJs(): Promise<string> {
  // The package's exports map hides dist/; resolve its main entry and take the UMD file beside it.
  const main = require.resolve('chart.js');
  return readFile(join(dirname(main), 'chart.umd.js'), 'utf8');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ownValue(HTML_ESCAPES, c) ?? c);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CLIENT_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('tuneloop-data').textContent);
  var colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  function when(ms) { return new Date(ms).toISOString().slice(0, 16).replace('T', ' '); }
  data.charts.forEach(function (chart) {
    var canvas = document.getElementById('chart-' + chart.id);
    if (!canvas) return;
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: chart.series.map(function (s, i) {
          var color = s.dashed ? '#555555' : colors[i % colors.length];
          return {
            label: s.label,
            data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }),
            borderColor: color,
            backgroundColor: color,
            borderDash: s.dashed ? [6, 4] : [],
            pointRadius: s.dashed ? 0 : 3,
            tension: 0,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', min: chart.x ? chart.x.min : undefined, max: chart.x ? chart.x.max : undefined, ticks: { callback: function (v) { return when(v); }, maxRotation: 0, autoSkip: true, maxTicksLimit: 6 } },
          y: { title: { display: true, text: chart.yLabel } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { title: function (items) { return items.length ? when(items[0].parsed.x) : ''; } } },
        },
      },
    });
  });
  window.tuneloopDashboardReady = true;
})();
`;

/** A self-contained HTML page (Chart.js and the data inlined; no network, no external files). */
export function renderDashboardHtml(data: DashboardData, chartJs: string): string {
  const chartBlocks = data.charts
    .map((c) =>
      c.series.length
        ? `<section class="chart"><h2>${escapeHtml(c.title)}</h2><div class="canvas"><canvas id="chart-${c.id}" aria-label="${escapeHtml(c.title)}"></canvas></div></section>`
        : `<section class="chart empty" id="empty-${c.id}"><h2>${escapeHtml(c.title)}</h2><p>No data yet.</p></section>`,
    )
    .join('\n');
  const latestRows = data.latest
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.name)}</td><td class="num">${escapeHtml(formatValue(m.value))}</td><td>${escapeHtml(m.time)}</td><td>${escapeHtml(m.model ?? '')}</td></tr>`,
    )
    .join('\n');
  const eventRows = data.events
    .map((e) => `<tr><td>${escapeHtml(e.time)}</td><td>${escapeHtml(e.name)}</td><td>${escapeHtml(e.summary)}</td></tr>`)
    .join('\n');
  const range = data.range ? `${escapeHtml(data.range.from)} – ${escapeHtml(data.range.to)}` : 'no records yet';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tuneloop dashboard</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  header p { color: #555; margin: 0.2rem 0; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: 1.5rem; }
  .chart { border: 1px solid #ddd; border-radius: 6px; padding: 0.8rem; }
  .chart h2 { font-size: 1.05rem; margin: 0 0 0.5rem; }
  .canvas { position: relative; height: 18rem; }
  table { border-collapse: collapse; margin-top: 0.5rem; font-size: 0.9rem; }
  td, th { border-bottom: 1px solid #eee; padding: 0.25rem 0.6rem; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<header>
<h1>tuneloop</h1>
<p>Metric trends from the local telemetry sink. Generated ${escapeHtml(data.generatedAt)}; records ${range}.</p>
</header>
<div class="grid">
${chartBlocks}
</div>
<h2>Latest values</h2>
<table id="latest"><thead><tr><th>metric</th><th>value</th><th>time</th><th>model</th></tr></thead><tbody>
${latestRows}
</tbody></table>
<h2>Recent events</h2>
<table id="events"><thead><tr><th>time</th><th>event</th><th>details</th></tr></thead><tbody>
${eventRows}
</tbody></table>
<script type="application/json" id="tuneloop-data">${scriptJson(data)}</script>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}
