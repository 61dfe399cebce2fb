import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StorageClients } from '../storage/clients';
import { CONTAINERS } from '../storage/names';
import type { CheckVerdict, GateCheck, GateMetrics, GateOutcome, IntervalMetric } from './gate';
import type { ContentFilterTally } from './contentFilter';
import type { Interval, McNemarResult } from './intervals';
import type { ClassScore } from './f1';
import type { LatencySummary } from './latency';
import type { OverfittingResult, PerplexityResult } from './training';
import type { CsatByModel, StoredCsatRow } from './csat';
import { isStatus, TuneloopError } from '../errors';
import { ownValue } from '../lookup';

export const REPORT_SCHEMA = 'tuneloop.eval-report/1';

export interface ModelEvaluation {
  deploymentName: string;
  fineTunedModel: string;
  jobKey: string;
  metrics: GateMetrics & { perplexity?: number };
  bleu?: { score: number; formatted: string; signature: string; segments: number };
  intent?: { labels: string[]; perClass: ClassScore[]; confusion: number[][]; macroF1: number; accuracy: number; count: number };
  latency?: LatencySummary;
  oos?: { probes: number; handled: number; share: number; answered: { question: string; reply: string }[] };
  /** Calls that failed (the metric they feed is computed without them, and the count shows here). */
  errors: { task: string; conversationId?: string; message: string }[];
  /** 95 % bootstrap intervals of this model's own values (the report's error bars). */
  intervals?: Partial<Record<IntervalMetric, Interval>>;
  /** Azure's content filter on this model's evaluation requests, counted per category. */
  contentFilter?: ContentFilterTally;
}

/** One holdout reply side by side, for a person to judge. */
export interface ReplySample {
  conversationId: string;
  /** The customer's last message before the reply. */
  customer: string;
  /** What the human agent answered (the reference). */
  human: string;
  production?: string;
  candidate: string;
}

/** Manual promotion (TUNELOOP_PROMOTION=manual): who decided what, when. */
export interface ApprovalRecord {
  status: 'awaiting' | 'approved' | 'rejected' | 'expired';
  requestedAt: string;
  /** After this the candidate is rejected as expired. */
  deadline: string;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
  /** Reminder events sent so far. */
  reminders?: number;
}

export interface EvaluationReport {
  schema: typeof REPORT_SCHEMA;
  jobKey: string;
  datasetVersion: string;
  evaluatedAt: string;
  decision: GateOutcome;
  mode: 'relative' | 'absolute';
  reasons: string[];
  /** The decision's reason in one sentence. */
  summary?: string;
  /** When inconclusive: how many more holdout conversations would settle the question. */
  moreHoldoutConversations?: number;
  checks: GateCheck[];
  /** McNemar's test on paired intent accuracy (candidate vs production, same conversations). */
  intentAccuracyTest?: McNemarResult;
  /** Replies side by side (customer, human, production, candidate). */
  sample?: ReplySample[];
  /** Present in manual promotion mode for a candidate that passed the gate. */
  approval?: ApprovalRecord;
  /** Erasure requests that took conversations out of this report (`tuneloop forget`); counts only. */
  erasures?: { requestId: string; at: string; samplesRemoved: number; errorsRemoved: number }[];
  candidate: ModelEvaluation;
  production?: ModelEvaluation;
  training: {
    resultFileId?: string;
    perplexity?: PerplexityResult;
    overfitting?: OverfittingResult;
    lossCurve: { step: number; trainLoss?: number; validLoss?: number; fullValidLoss?: number }[];
    note?: string;
  };
  holdout: { blob: string; records: number; replyTasks: number; intentTasks: number; labels: string[] };
  oosProbeCredit: string;
  csat: CsatByModel[];
}

export function reportBlobNames(jobKey: string): { json: string; html: string } {
  return { json: `${jobKey}/report.json`, html: `${jobKey}/report.html` };
}

export async function saveReport(
  storage: StorageClients,
  report: EvaluationReport,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const names = reportBlobNames(report.jobKey);
  const container = storage.container(CONTAINERS.evalReports);
  const json = JSON.stringify(report, null, 2);
  await container.getBlockBlobClient(names.json).upload(json, Buffer.byteLength(json), {
    blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
    abortSignal: options.signal,
  });
  const html = renderReportHtml(report);
  await container.getBlockBlobClient(names.html).upload(html, Buffer.byteLength(html), {
    blobHTTPHeaders: { blobContentType: 'text/html; charset=utf-8' },
    abortSignal: options.signal,
  });
  return `${CONTAINERS.evalReports}/${names.json}`;
}

export class ReportNotFoundError extends TuneloopError {
  constructor(jobKey: string) {
    super(
      `no evaluation report for job "${jobKey}" in container ${CONTAINERS.evalReports} (expected ${reportBlobNames(jobKey).json}); is the job key right and has the candidate been evaluated?`,
    );
  }
}

export async function loadReport(
  storage: StorageClients,
  jobKey: string,
  options: { signal?: AbortSignal } = {},
): Promise<EvaluationReport> {
  const blob = storage.container(CONTAINERS.evalReports).getBlobClient(reportBlobNames(jobKey).json);
  try {
    const buffer = await blob.downloadToBuffer(undefined, undefined, { abortSignal: options.signal });
    return JSON.parse(buffer.toString('utf8')) as EvaluationReport;
  } catch (err) {
    if (isStatus(err, 404)) throw new ReportNotFoundError(jobKey);
    throw err;
  }
}

let chartJsSource: string | undefined;

/** Chart.js's UMD build, read from node_modules (the package's exports hide dist/, so resolve its main file). */
function chartJs(): string {
  if (!chartJsSource) {
    const dist = dirname(require.resolve('chart.js'));
    chartJsSource = readFileSync(join(dist, 'chart.umd.js'), 'utf8')
      .replace(/\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/script/gi, '<\\/script');
  }
  return chartJsSource;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ownValue(HTML_ESCAPES, c) ?? c);
}

/** A check's verdict; reports stored before checks carried one have only `passed`. */
export function checkVerdict(check: GateCheck): CheckVerdict {
  const stored = check.verdict as CheckVerdict | undefined;
  return stored ?? (check.passed ? 'pass' : 'fail');
}

function num(v: number | boolean | undefined, digits = 2): string {
  if (v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v.toFixed(digits);
}

const METRIC_LABELS: Record<string, { label: string; digits: number }> = {
  bleu: { label: 'BLEU (0–100)', digits: 2 },
  intentF1: { label: 'Intent macro-F1', digits: 3 },
  latencyP95Ms: { label: 'Latency p95 (ms)', digits: 0 },
  oosHandled: { label: 'Out-of-scope declined (share)', digits: 3 },
  overfitting: { label: 'Overfitting', digits: 0 },
  contentFiltered: { label: 'Content-filtered answers (share)', digits: 3 },
};

/**
 * An error bar as inline SVG: the 95 % interval with whiskers, the estimate as a dot and the limit
 * it was held to as a dashed line, on a scale that fits all three.
 */
export function errorBarSvg(
  interval: { low: number; high: number; estimate: number },
  threshold: number | undefined,
  verdict: string,
): string {
  const values = [interval.low, interval.high, interval.estimate, ...(threshold === undefined ? [] : [threshold])];
  let min = Math.min(...values);
  let max = Math.max(...values);
  const pad = (max - min || Math.abs(max) || 1) * 0.15;
  min -= pad;
  max += pad;
  const x = (v: number) => (10 + ((v - min) / (max - min)) * 180).toFixed(1);
  const colour = verdict === 'pass' ? '#17692c' : verdict === 'fail' ? '#a11' : '#b26b00';
  const limit =
    threshold === undefined
      ? ''
      : `<line x1="${x(threshold)}" x2="${x(threshold)}" y1="2" y2="22" stroke="#555" stroke-dasharray="3,2"><title>limit ${threshold}</title></line>`;
  return (
    `<svg class="errorbar" width="200" height="24" viewBox="0 0 200 24" role="img" aria-label="95 % interval ${interval.low} to ${interval.high}">` +
    `${limit}<line x1="${x(interval.low)}" x2="${x(interval.high)}" y1="12" y2="12" stroke="${colour}" stroke-width="2"/>` +
    `<line x1="${x(interval.low)}" x2="${x(interval.low)}" y1="6" y2="18" stroke="${colour}" stroke-width="2"/>` +
    `<line x1="${x(interval.high)}" x2="${x(interval.high)}" y1="6" y2="18" stroke="${colour}" stroke-width="2"/>` +
    `<circle cx="${x(interval.estimate)}" cy="12" r="3.5" fill="${colour}"/></svg>`
  );
}

function intervalCell(c: GateCheck, digits: number): string {
  const i = c.interval;
  if (!i) return '<td>—</td>';
  const d = Math.max(digits, i.of === 'ratio' ? 3 : digits);
  const text = i.low === i.high ? 'point estimate only' : `${i.of} ${i.low.toFixed(d)} … ${i.high.toFixed(d)}`;
  return `<td class="interval" data-testid="interval-${esc(c.metric)}">${errorBarSvg(i, c.threshold, c.verdict)}<br><span class="note">${esc(text)}</span></td>`;
}

function metricRows(report: EvaluationReport): string {
  const rows = report.checks.map((c) => {
    const meta = METRIC_LABELS[c.metric] ?? { label: c.metric, digits: 3 };
    const delta =
      c.delta === undefined
        ? '—'
        : `${c.delta >= 0 ? '+' : ''}${c.delta.toFixed(meta.digits)}` +
          (c.relativeDelta !== undefined ? ` (${c.relativeDelta >= 0 ? '+' : ''}${(c.relativeDelta * 100).toFixed(1)} %)` : '');
    const verdict = checkVerdict(c);
    const more = c.needed?.more !== undefined ? ` (about ${c.needed.more} more ${c.needed.unit})` : '';
    return `<tr class="${verdict === 'pass' ? 'pass' : verdict === 'fail' ? 'fail' : 'unsure'}"><td>${esc(meta.label)}</td><td>${num(c.candidate, meta.digits)}</td><td>${num(c.production, meta.digits)}</td><td>${esc(delta)}</td>${intervalCell(c, meta.digits)}<td>${esc(c.rule)}</td><td>${verdict === 'pass' ? 'pass' : verdict === 'fail' ? 'FAIL' : `unsure${esc(more)}`}</td></tr>`;
  });
  const ppl = report.candidate.metrics.perplexity;
  rows.push(
    `<tr><td>Perplexity (validation)</td><td>${num(ppl, 3)}</td><td>${num(report.production?.metrics.perplexity, 3)}</td><td>—</td><td>—</td><td>informational${report.training.perplexity ? ` (exp of ${esc(report.training.perplexity.source)})` : ''}</td><td></td></tr>`,
  );
  return rows.join('\n');
}

function confusionTable(model: ModelEvaluation | undefined): string {
  const intent = model?.intent;
  if (!intent || !intent.labels.length) return '<p>No intent labels in this holdout.</p>';
  const max = Math.max(1, ...intent.confusion.flat());
  const head = `<tr><th>gold \\ predicted</th>${intent.labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>`;
  const body = intent.confusion
    .map(
      (row, i) =>
        `<tr><th>${esc(intent.labels[i])}</th>${row
          .map((v) => `<td style="background: rgba(54, 162, 235, ${(0.08 + (0.8 * v) / max).toFixed(2)})">${v}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table class="confusion" data-testid="confusion-${esc(model.deploymentName)}">${head}\n${body}</table>`;
}

/** The probes the candidate answered instead of declining (at most 10), so a reader can judge the detector too. */
function answeredProbes(model: ModelEvaluation): string {
  const answered = model.oos?.answered ?? [];
  if (!answered.length) return '';
  const rows = answered
    .slice(0, 10)
    .map((a) => `<tr><td>${esc(a.question)}</td><td>${esc(a.reply.length > 200 ? `${a.reply.slice(0, 200)}…` : a.reply)}</td></tr>`)
    .join('');
  return `<details><summary>Probes the candidate answered (${answered.length})</summary><table data-testid="oos-answered"><tr><th>question</th><th>reply</th></tr>${rows}</table></details>`;
}

const DECISION_TITLES: Record<GateOutcome, string> = {
  promote: 'Promoted',
  reject: 'Rejected',
  inconclusive: 'Inconclusive — production stays',
};

function decisionTitle(report: EvaluationReport): string {
  if (report.approval?.status === 'awaiting') return `Passed the gate — awaiting approval until ${report.approval.deadline}`;
  // A stored report's decision is read from JSON: an unknown one prints as it is.
  return ownValue(DECISION_TITLES, report.decision) ?? report.decision;
}

/** Each model's own values with their 95 % intervals, as error bars side by side. */
function modelIntervals(report: EvaluationReport): string {
  const models = [report.candidate, ...(report.production ? [report.production] : [])];
  if (!models.some((m) => m.intervals && Object.keys(m.intervals).length)) return '';
  const metrics: IntervalMetric[] = ['bleu', 'intentF1', 'oosHandled', 'latencyP95Ms'];
  const rows = metrics
    .filter((k) => models.some((m) => m.intervals?.[k]))
    .map((k) => {
      const meta = METRIC_LABELS[k];
      const cells = models
        .map((m) => {
          const i = m.intervals?.[k];
          if (!i) return '<td>—</td>';
          const bar = errorBarSvg(i, undefined, m === report.candidate ? 'pass' : 'unsure');
          return `<td data-testid="model-interval-${esc(k)}">${bar}<br><span class="note">${i.estimate.toFixed(meta.digits)} (${i.low.toFixed(meta.digits)} … ${i.high.toFixed(meta.digits)}, n = ${i.n})</span></td>`;
        })
        .join('');
      return `<tr><td>${esc(meta.label)}</td>${cells}</tr>`;
    })
    .join('');
  return `<h2>Each model with its 95 % interval</h2><table data-testid="model-intervals"><tr><th>metric</th><th>candidate</th>${report.production ? '<th>production</th>' : ''}</tr>${rows}</table>`;
}

function replySampleTable(report: EvaluationReport): string {
  if (!report.sample?.length) return '';
  const cut = (t: string | undefined) => (t === undefined ? '—' : esc(t.length > 400 ? `${t.slice(0, 400)}…` : t));
  const rows = report.sample
    .map(
      (r) =>
        `<tr><td>${cut(r.customer)}</td><td>${cut(r.human)}</td>${report.production ? `<td>${cut(r.production)}</td>` : ''}<td>${cut(r.candidate)}</td></tr>`,
    )
    .join('');
  const erased = (report.erasures ?? []).reduce((n, e) => n + e.samplesRemoved, 0);
  const note = erased ? ` ${erased} taken out later by erasure requests.` : '';
  return `<h2>Replies side by side</h2><p class="note">${report.sample.length} holdout conversations spread over the holdout, for a person to judge.${note}</p><table class="sample" data-testid="reply-sample"><tr><th>customer</th><th>human agent</th>${report.production ? '<th>production</th>' : ''}<th>candidate</th></tr>${rows}</table>`;
}

function contentFilterTable(report: EvaluationReport): string {
  const models = [report.candidate, ...(report.production ? [report.production] : [])].flatMap((m) =>
    m.contentFilter ? [{ m, f: m.contentFilter }] : [],
  );
  if (!models.length) return '';
  const categories = [...new Set(models.flatMap(({ f }) => Object.keys(f.byCategory)))].sort();
  const rows = models
    .map(({ m, f }) => {
      const per = categories.map((c) => {
        const v = f.byCategory[c as keyof typeof f.byCategory];
        return `<td>${v ? `${v.filtered} / ${v.annotated}` : '0 / 0'}</td>`;
      });
      return `<tr><td>${esc(m === report.candidate ? 'candidate' : 'production')}</td><td>${f.withResults}</td><td>${f.annotated}</td><td>${f.filtered}</td>${per.join('')}</tr>`;
    })
    .join('');
  return `<h2>Azure content filter</h2><table data-testid="content-filter"><tr><th>model</th><th>requests with results</th><th>annotated</th><th>filtered</th>${categories.map((c) => `<th>${esc(c)} (filtered / annotated)</th>`).join('')}</tr>${rows}</table>`;
}

function approvalSection(report: EvaluationReport): string {
  const a = report.approval;
  if (!a) return '';
  const decided = a.decidedBy
    ? `; ${esc(a.status)} by ${esc(a.decidedBy)} at ${esc(a.decidedAt ?? '')}${a.reason ? `: ${esc(a.reason)}` : ''}`
    : '';
  return `<p data-testid="approval">Manual promotion: requested ${esc(a.requestedAt)}, deadline ${esc(a.deadline)}${decided}${a.status === 'awaiting' ? ` — decide with <code>tuneloop approve ${esc(report.jobKey)}</code> or <code>tuneloop reject ${esc(report.jobKey)} --reason …</code>` : ''}.</p>`;
}

/** A self-contained page (Chart.js inlined, no network): metric table, loss curve, per-class F1, confusion matrices. */
export function renderReportHtml(report: EvaluationReport): string {
  // The data travels as JSON inside a non-executed script tag; `<` escaped so it cannot close the tag.
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  const title = `tuneloop evaluation — ${report.jobKey}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1100px; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
table[data-testid=oos-answered] td { text-align: left; max-width: 40rem; }
tr.fail td { background: #fde2e2; }
tr.unsure td { background: #fff3d6; }
td.interval { text-align: center; }
table.sample td { text-align: left; vertical-align: top; max-width: 22rem; }
.decision.inconclusive { color: #b26b00; }
.decision { font-size: 1.4rem; font-weight: bold; }
.decision.promote { color: #17692c; }
.decision.reject { color: #a11; }
.chart { position: relative; height: 320px; margin: 1rem 0 2rem; }
.note { color: #555; font-size: 0.9rem; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="decision ${esc(report.decision)}" data-testid="decision">${esc(decisionTitle(report))} (${esc(report.mode === 'relative' ? 'against production' : 'absolute floors, no production model yet')})</p>
${report.summary ? `<p data-testid="decision-reason">${esc(report.summary)}</p>` : ''}
${approvalSection(report)}
${report.reasons.length ? `<ul>${report.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}
<p class="note">Dataset version ${esc(report.datasetVersion)} · evaluated ${esc(report.evaluatedAt)} · candidate ${esc(report.candidate.deploymentName)} (${esc(report.candidate.fineTunedModel)})${report.production ? ` · production ${esc(report.production.deploymentName)}` : ''} · holdout ${report.holdout.replyTasks} replies, ${report.holdout.intentTasks} labelled conversations</p>

<h2>Candidate vs production</h2>
<table data-testid="metrics">
<tr><th>metric</th><th>candidate</th><th>production</th><th>delta</th><th>95 % interval (dashed: limit)</th><th>rule</th><th></th></tr>
${metricRows(report)}
</table>
${report.intentAccuracyTest ? `<p class="note" data-testid="mcnemar">Intent accuracy, McNemar's test (${esc(report.intentAccuracyTest.method)}): only the candidate right on ${report.intentAccuracyTest.candidateOnly}, only production right on ${report.intentAccuracyTest.productionOnly}, p = ${report.intentAccuracyTest.pValue.toFixed(4)}.</p>` : ''}
${modelIntervals(report)}
${replySampleTable(report)}
${report.candidate.bleu ? `<p class="note">BLEU signature: ${esc(report.candidate.bleu.signature)}</p>` : ''}

${contentFilterTable(report)}

<h2>Loss curve</h2>
${report.training.lossCurve.length ? '<div class="chart"><canvas id="loss-chart"></canvas></div>' : `<p>No results.csv for this job${report.training.note ? `: ${esc(report.training.note)}` : ''}.</p>`}
${report.training.overfitting?.overfitting ? `<p><strong>Overfitting:</strong> ${esc(report.training.overfitting.reasons.join('; '))}</p>` : ''}

<h2>Per-class F1</h2>
${report.candidate.intent?.labels.length ? '<div class="chart"><canvas id="f1-chart"></canvas></div>' : '<p>No intent labels in this holdout.</p>'}

<h2>Confusion matrix — candidate</h2>
${confusionTable(report.candidate)}
${report.production ? `<h2>Confusion matrix — production</h2>\n${confusionTable(report.production)}` : ''}

<h2>Out-of-scope probes</h2>
<p>Candidate declined ${report.candidate.oos?.handled ?? 0} of ${report.candidate.oos?.probes ?? 0}${report.production?.oos ? `; production ${report.production.oos.handled} of ${report.production.oos.probes}` : ''}.</p>
${answeredProbes(report.candidate)}
<p class="note">${esc(report.oosProbeCredit)}</p>

${
  report.csat.length
    ? `<h2>Customer satisfaction by model version</h2><table data-testid="csat"><tr><th>model</th><th>in production from</th><th>ratings</th><th>mean CSAT</th><th>95 % interval</th><th>credited: the conversation named it</th><th>credited: the feedback row named it</th><th>credited: in production at the time</th></tr>${report.csat
        .map(
          (c: StoredCsatRow) =>
            `<tr><td>${esc(c.jobKey)}</td><td>${esc(c.from)}</td><td>${c.ratings}</td><td>${num(c.meanCsat, 2)}</td><td>${c.interval && c.meanCsat !== undefined ? `${errorBarSvg({ ...c.interval, estimate: c.meanCsat }, undefined, 'pass')}<br><span class="note">${c.interval.low.toFixed(2)} … ${c.interval.high.toFixed(2)}</span>` : '—'}</td><td>${c.attributedByConversation ?? 0}</td><td>${c.attributedByFeedback ?? c.attributedByLog ?? 0}</td><td>${c.attributedByTime ?? c.ratings}</td></tr>`,
        )
        .join(
          '',
        )}</table><p class="note">A rating is credited to the model its conversation log names (a model/deployment field on the conversation or its assistant messages), else to the model its feedback row names, and only otherwise to the model in production at the time. Reports written before this split count feedback-row and conversation names together.</p>`
    : ''
}

<script id="report-data" type="application/json">${data}</script>
<script>${chartJs()}</script>
<script>
(function () {
  var report = JSON.parse(document.getElementById('report-data').textContent);
  window.tuneloopCharts = [];
  var loss = document.getElementById('loss-chart');
  if (loss) {
    var curve = report.training.lossCurve;
    var series = function (key) { return curve.filter(function (p) { return typeof p[key] === 'number'; }).map(function (p) { return { x: p.step, y: p[key] }; }); };
    window.tuneloopCharts.push(new Chart(loss, {
      type: 'line',
      data: { datasets: [
        { label: 'training loss', data: series('trainLoss'), borderColor: '#36a2eb', pointRadius: 0 },
        { label: 'validation loss', data: series('validLoss'), borderColor: '#ff6384', pointRadius: 2 },
        { label: 'full validation loss', data: series('fullValidLoss'), borderColor: '#4bc0c0', pointRadius: 4, showLine: false }
      ] },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'loss (nats/token)' } } } }
    }));
  }
  var f1 = document.getElementById('f1-chart');
  if (f1) {
    var labels = report.candidate.intent.labels;
    var f1Of = function (model) {
      if (!model || !model.intent) return null;
      var byLabel = {};
      model.intent.perClass.forEach(function (c) { byLabel[c.label] = c.f1; });
      return labels.map(function (l) { return byLabel[l] === undefined ? 0 : byLabel[l]; });
    };
    var datasets = [{ label: 'candidate', data: f1Of(report.candidate), backgroundColor: '#36a2eb' }];
    var prod = f1Of(report.production);
    if (prod) datasets.push({ label: 'production', data: prod, backgroundColor: '#ff9f40' });
    window.tuneloopCharts.push(new Chart(f1, {
      type: 'bar',
      data: { labels: labels, datasets: datasets },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 1, title: { display: true, text: 'F1' } } } }
    }));
  }
})();
</script>
</body>
</html>
`;
}
