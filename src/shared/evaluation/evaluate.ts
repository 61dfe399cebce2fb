import type { AzureOpenAI } from 'openai';
import type { Runtime } from '../composition/runtime';
import { intentTaskMessages, normaliseIntentLabel } from '../dataset/intentTask';
import { FineTuningClient } from '../finetune/client';
import { ResultFileError } from '../finetune/errors';
import { parseResultsCsv } from '../finetune/results';
import { CONTAINERS, TABLES } from '../storage/names';
import { EVENT_TYPES } from '../telemetry/events';
import { notify } from '../telemetry/notify';
import { bleuFromSummedRow, corpusBleu, segmentStatisticsTables, type SegmentStatisticsTable } from './bleu';
import { tallyContentFilter, type ContentFilterFinding } from './contentFilter';
import { chooseBleuTokenizer } from './bleuTokenizers';
import { deploymentChatModel, type ChatMessage, type ChatModel } from './chat';
import { loadCsatByModel } from './csat';
import { intentF1 } from './f1';
import { decidePromotion, type GateEvidence, type GatePolicy, type GateOutcome, type IntervalMetric } from './gate';
import {
  bootstrapInterval,
  clusterBootstrapInterval,
  clustersOf,
  independentRatioInterval,
  mcnemar,
  pairedClusterDifferenceInterval,
  pairedDifferenceInterval,
  sampleInterval,
  type Interval,
} from './intervals';
import { evaluationRecords, holdoutBlobName, loadHoldout, replyTask, type HoldoutRecord } from './holdout';
import { nearestRankPercentile, summarizeLatency } from './latency';
import {
  ensureProductionRecord,
  getDeploymentRecord,
  getProductionPointer,
  saveDeploymentRecord,
  switchProduction,
  type ModelVersion,
  type ProductionPointer,
} from '../deployments/registry';
import { isDeclineOrRedirect, OOS_PROBE_MAX_TOKENS, scoreOutOfScope } from './oos';
import { OOS_PROBES, OOS_PROBES_CREDIT, type OosProbe } from './oosProbes';
import {
  checkVerdict,
  loadReport,
  REPORT_SCHEMA,
  ReportNotFoundError,
  saveReport,
  type EvaluationReport,
  type ModelEvaluation,
  type ReplySample,
} from './evaluationReport';
import { detectOverfitting, lossCurve, perplexityFromSteps } from './training';
import { isStatus, TuneloopError } from '../errors';
import type { Candidate } from '../finetune/ports';

/** What evaluation takes from settings (filled by `evaluationConfig` in src/shared/composition/config.ts). */
export interface EvaluationConfig {
  /** TUNELOOP_EVAL_MAX_CONVERSATIONS: holdout conversations asked per model. */
  maxConversations: number;
  /** TUNELOOP_SYSTEM_PROMPT: the system turn every evaluation prompt starts with, as in training. */
  systemPrompt: string;
  /** TUNELOOP_GATE_BOOTSTRAP_RESAMPLES: resamples behind every interval the gate reads. */
  bootstrapResamples: number;
  /** The TUNELOOP_GATE_* margins and floors. */
  gate: GatePolicy;
  /** TUNELOOP_PROMOTION: `manual` makes a passing candidate wait for `tuneloop approve`. */
  promotion: 'auto' | 'manual';
  /** TUNELOOP_APPROVAL_TIMEOUT_HOURS: how long a candidate may wait for a person. */
  approvalTimeoutHours: number;
  /** TUNELOOP_OVERFIT_WINDOW / TUNELOOP_OVERFIT_MAX_GAP: the overfitting check on the job's loss curves. */
  overfitting: { window: number; maxGap: number };
}

export interface EvaluateOptions {
  signal?: AbortSignal;
  /** The AzureOpenAI client (default: the runtime's fine-tuning client, keyless). */
  openai?: AzureOpenAI;
  now?: () => Date;
  /** Out-of-scope probes to ask instead of the shipped CLINC150 subset (e.g. an organisation's own set). */
  oosProbes?: readonly OosProbe[];
}

export interface EvaluationOutcome {
  /** The gate's outcome; with TUNELOOP_PROMOTION=manual a `promote` has not happened yet while `awaitingApproval`. */
  decision: GateOutcome;
  /** True when the candidate passed and waits for a person to approve it (production unchanged so far). */
  awaitingApproval: boolean;
  /** `eval-reports/<jobKey>/report.json` (the HTML page is next to it). */
  reportBlob: string;
  metrics: EvaluationReport['candidate']['metrics'];
  report: EvaluationReport;
  /** True when this candidate had already been evaluated and the stored verdict was returned. */
  alreadyEvaluated: boolean;
}

/** Label for intent answers that are none of the known labels (kept as one class so junk cannot inflate the label set). */
export const UNRECOGNISED_LABEL = '(unrecognised)';

const EVALUATION_ROW = 'summary';

/** Share of failed requests per model above which evaluation stops instead of judging. */
export const MAX_FAILED_SHARE = 0.1;

/**
 * Evaluates a candidate against production on the frozen holdout of its dataset version, decides
 * with the gate, writes the report, stores the verdict (table `evaluations`), emits metrics and
 * events, and on promotion switches the production pointer atomically.
 *
 * Idempotent per jobKey: a redelivered `evaluate` message gets the stored verdict back.
 * @throws ProductionPointerConflictError when another candidate was promoted meanwhile (retry re-evaluates).
 */
export async function evaluateCandidate(runtime: Runtime, candidate: Candidate, options: EvaluateOptions = {}): Promise<EvaluationOutcome> {
  const { storage } = runtime;
  const config = runtime.config.evaluation;
  const signal = options.signal;
  const now = options.now ?? (() => new Date());

  const stored = await storedOutcome(runtime, candidate.jobKey, signal);
  if (stored) return stored;

  const openai = options.openai ?? runtime.fineTune.client.openai;
  const startedAt = now();
  const existing = await getDeploymentRecord(storage, candidate.deploymentName);
  await saveDeploymentRecord(storage, {
    deploymentName: candidate.deploymentName,
    fineTunedModel: candidate.fineTunedModel,
    jobKey: candidate.jobKey,
    role: existing?.role === 'production' ? 'production' : 'candidate',
    deployedAt: existing?.deployedAt ?? startedAt.toISOString(),
  });

  const holdout = evaluationRecords(await loadHoldout(storage, candidate.datasetVersion, { signal }), config.maxConversations);
  const production = await getProductionPointer(storage);
  if (production) await ensureProductionRecord(storage, production);
  if (production?.jobKey === candidate.jobKey) {
    // Promoted by an earlier delivery that stopped before recording its verdict: finish that one.
    const finished = await finishInterruptedPromotion(runtime, candidate.jobKey, signal);
    if (finished) return finished;
  }
  const tasks = buildTasks(holdout, config.systemPrompt, options.oosProbes ?? OOS_PROBES);

  const models: { role: 'candidate' | 'production'; version: ModelVersion; model: ChatModel }[] = [
    { role: 'candidate', version: candidate, model: deploymentChatModel(openai, candidate.deploymentName) },
  ];
  if (production && production.deploymentName !== candidate.deploymentName) {
    models.push({ role: 'production', version: production, model: deploymentChatModel(openai, production.deploymentName) });
  }
  const results = await askAll(models, tasks, signal);
  // Requests count as use: Azure deletes fine-tuned deployments after 15 days without any.
  for (const m of models) {
    await saveDeploymentRecord(storage, { deploymentName: m.model.deploymentName, lastUsedAt: now().toISOString() });
  }

  const training = await readTraining(openai, candidate, config.overfitting, signal);
  const evaluations = models.map((m, i) => summarise(m.version, m.model.deploymentName, results[i]));
  // The candidate is always asked; production only when there is one that is another deployment.
  const [candidateEval] = evaluations;
  const productionEval = evaluations.at(1);
  // Per-segment BLEU statistics of both models over the same references, for every BLEU interval.
  const bleuTables = results[0].replies.length
    ? segmentStatisticsTables(
        results.map((r) => r.replies.map((x) => x.hypothesis)),
        [results[0].replies.map((x) => x.reference)],
        // The same tokenizer as the point estimate (chosen by the references' language).
        { tokenize: chooseBleuTokenizer(results[0].replies.map((x) => x.reference)).tokenize },
      )
    : [];
  const items = results.map((r, i) => itemStatistics(r, bleuTables[i]));
  const resamples = config.bootstrapResamples;
  evaluations.forEach((e, i) => {
    e.intervals = valueIntervals(items[i], resamples);
  });
  candidateEval.metrics.overfitting = training.overfitting?.overfitting;
  candidateEval.metrics.perplexity = training.perplexity?.perplexity;
  if (productionEval && production) productionEval.metrics.perplexity = await storedPerplexity(runtime, production.jobKey);

  const evidence: GateEvidence = {
    intervals: productionEval ? differenceIntervals(items[0], items[1], resamples) : (candidateEval.intervals ?? {}),
  };
  const gate = decidePromotion(candidateEval.metrics, productionEval?.metrics, config.gate, evidence);
  const evaluatedAt = now().toISOString();
  const manual = config.promotion === 'manual' && gate.decision === 'promote';
  const paired = productionEval && results[0].intents.length === results[1].intents.length && results[0].intents.length > 0;
  const report: EvaluationReport = {
    schema: REPORT_SCHEMA,
    jobKey: candidate.jobKey,
    datasetVersion: candidate.datasetVersion,
    evaluatedAt,
    decision: gate.decision,
    mode: gate.mode,
    reasons: gate.reasons,
    summary: gate.summary,
    moreHoldoutConversations: gate.moreHoldoutConversations,
    checks: gate.checks,
    intentAccuracyTest: paired
      ? mcnemar(
          results[0].intents.map((x) => x.predicted === x.gold),
          results[1].intents.map((x) => x.predicted === x.gold),
        )
      : undefined,
    sample: replySample(results[0], results[1]),
    approval: manual
      ? {
          status: 'awaiting',
          requestedAt: evaluatedAt,
          deadline: new Date(Date.parse(evaluatedAt) + config.approvalTimeoutHours * 3600_000).toISOString(),
        }
      : undefined,
    candidate: candidateEval,
    production: productionEval,
    training,
    holdout: {
      blob: holdoutBlobName(candidate.datasetVersion),
      records: holdout.length,
      replyTasks: tasks.replies.length,
      intentTasks: tasks.intents.length,
      labels: tasks.labels,
    },
    oosProbeCredit: options.oosProbes ? 'Out-of-scope probes: supplied by the caller.' : OOS_PROBES_CREDIT,
    csat: await loadCsatByModel(storage, { signal }),
  };
  const reportBlob = await saveReport(storage, report, { signal });

  if (gate.decision === 'promote' && !manual) {
    await promote(runtime, candidate, production, reportBlob, now());
  } else if (manual) {
    // Waits for a person: production and the candidate's role stay as they are until approve/reject.
  } else {
    await saveDeploymentRecord(storage, {
      deploymentName: candidate.deploymentName,
      role: existing?.role === 'production' ? 'production' : 'rejected',
      releasedAt: existing?.role === 'production' ? undefined : evaluatedAt,
    });
  }
  await storeVerdict(runtime, report, reportBlob);
  await emit(runtime, report, signal);
  return { decision: gate.decision, awaitingApproval: manual, reportBlob, metrics: candidateEval.metrics, report, alreadyEvaluated: false };
}

interface Tasks {
  replies: { conversationId: string; prompt: ChatMessage[]; reference: string }[];
  intents: { conversationId: string; prompt: ChatMessage[]; gold: string }[];
  probes: { question: string; prompt: ChatMessage[] }[];
  labels: string[];
}

function buildTasks(holdout: readonly HoldoutRecord[], systemPrompt: string, oosProbes: readonly OosProbe[]): Tasks {
  // The label set of the F1 score comes from the holdout's own labels.
  const labels = [...new Set(holdout.flatMap((r) => (r.issueType ? [normaliseIntentLabel(r.issueType)] : [])))].sort();
  const replies: Tasks['replies'] = [];
  const intents: Tasks['intents'] = [];
  const labelled = new Set<string>();
  for (const r of holdout) {
    const task = replyTask(r);
    if (task) replies.push({ conversationId: r.conversationId, ...task });
    // A long conversation may be split into several examples: label each conversation once.
    if (r.issueType && !labelled.has(r.conversationId)) {
      labelled.add(r.conversationId);
      const turns = r.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content }));
      // Asked exactly as the training examples ask (no label list), so the model sees the prompt it learned.
      intents.push({ conversationId: r.conversationId, prompt: intentTaskMessages(turns), gold: normaliseIntentLabel(r.issueType) });
    }
  }
  const system: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  const probes = oosProbes.map((p) => ({ question: p.text, prompt: [...system, { role: 'user' as const, content: p.text }] }));
  return { replies, intents, probes, labels };
}

/** What one model answered during evaluation, in task order. */
export interface ModelAnswers {
  requests: number;
  firstError?: unknown;
  replies: { conversationId: string; customer: string; reference: string; hypothesis: string }[];
  intents: { conversationId: string; gold: string; predicted: string }[];
  probes: { question: string; reply: string }[];
  latenciesMs: number[];
  /**
   * What each latency was measured on, parallel to `latenciesMs`: the holdout conversation of a
   * reply or intent request, a probe's own key for an out-of-scope probe. A conversation's requests
   * share its prompt length and the service's load of that moment, so latency intervals resample
   * conversations, as BLEU's do.
   */
  latencyGroups: string[];
  /** Content filter per answered request (undefined: no results reported). */
  filters: (ContentFilterFinding | undefined)[];
  errors: ModelEvaluation['errors'];
}

/**
 * Asks every model every task, one request at a time, alternating models per task so both see the
 * same load (latency comparability matters more than evaluation speed).
 */
async function askAll(models: { model: ChatModel }[], tasks: Tasks, signal?: AbortSignal): Promise<ModelAnswers[]> {
  const answers: ModelAnswers[] = models.map(() => ({
    requests: 0,
    replies: [],
    intents: [],
    probes: [],
    latenciesMs: [],
    latencyGroups: [],
    filters: [],
    errors: [],
  }));
  const ask = async (
    i: number,
    task: string,
    conversationId: string | undefined,
    prompt: ChatMessage[],
    maxTokens?: number,
    latencyGroup = `conversation:${conversationId ?? ''}`,
  ) => {
    signal?.throwIfAborted();
    answers[i].requests++;
    try {
      const reply = await models[i].model.complete(prompt, { signal, maxTokens });
      answers[i].latenciesMs.push(reply.latencyMs);
      answers[i].latencyGroups.push(latencyGroup);
      answers[i].filters.push(reply.contentFilter);
      return reply.text;
    } catch (err) {
      if (signal?.aborted) throw err;
      answers[i].errors.push({ task, conversationId, message: (err as Error).message.slice(0, 300) });
      answers[i].firstError ??= err;
      return undefined;
    }
  };
  for (const t of tasks.replies) {
    for (let i = 0; i < models.length; i++) {
      const text = await ask(i, 'reply', t.conversationId, t.prompt);
      // A failed call scores as an empty reply: BLEU stays comparable over the same holdout.
      answers[i].replies.push({
        conversationId: t.conversationId,
        customer: lastCustomerTurn(t.prompt),
        reference: t.reference,
        hypothesis: text ?? '',
      });
    }
  }
  for (const t of tasks.intents) {
    for (let i = 0; i < models.length; i++) {
      const text = await ask(i, 'intent', t.conversationId, t.prompt, 20);
      const answer = text === undefined ? '' : normaliseIntentLabel(text);
      const predicted = tasks.labels.includes(answer) ? answer : UNRECOGNISED_LABEL;
      answers[i].intents.push({ conversationId: t.conversationId, gold: t.gold, predicted });
    }
  }
  for (const [p, t] of tasks.probes.entries()) {
    for (let i = 0; i < models.length; i++) {
      // Probes are independent questions: each is a group of its own.
      const text = await ask(i, 'oos', undefined, t.prompt, OOS_PROBE_MAX_TOKENS, `probe:${p}`);
      answers[i].probes.push({ question: t.question, reply: text ?? '' });
    }
  }
  answers.forEach((a, i) => {
    // A few failed requests (after the client's own retries) are scored as empty answers and listed
    // in the report; more mean the deployment or service is unwell, and a verdict would be about
    // that, not the model: fail with the service's own error so the job loop retries or fails it.
    if (a.errors.length > MAX_FAILED_SHARE * a.requests) {
      const cause = a.firstError as Error;
      cause.message = `${a.errors.length} of ${a.requests} requests to ${models[i].model.deploymentName} failed during evaluation; first: ${cause.message}`;
      throw cause;
    }
  });
  return answers;
}

/** The customer's last message before the reply being asked for (for the side-by-side sample). */
function lastCustomerTurn(prompt: readonly ChatMessage[]): string {
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === 'user') return prompt[i].content;
  return '';
}

/** Per-item statistics behind every interval, one set per model, in task order (the same items for both models). */
export interface ItemStatistics {
  bleu?: (idx: Int32Array) => number;
  /**
   * Reply indices by holdout conversation: BLEU resamples conversations, not records (a long
   * conversation split into several records gives correlated replies). Intent tasks are one per
   * conversation already, and out-of-scope probes are independent questions.
   */
  replyConversations: Int32Array[];
  intentF1?: (idx: Int32Array) => number;
  oosHandled?: (idx: Int32Array) => number;
  latencies: number[];
  /** Latency indices by what they were measured on (`ModelAnswers.latencyGroups`): resampled as wholes. */
  latencyClusters: Int32Array[];
  replies: number;
  intents: number;
  probes: number;
}

/**
 * Macro-F1 over the holdout's (gold) labels: an answer that is no holdout label is a miss of its
 * conversation's class, not a class of its own (which would cost 1/(k+1) of macro-F1 for the first
 * such answer and make a more accurate candidate look worse than production).
 */
export const GATE_F1 = { average: 'gold' } as const;

export function itemStatistics(
  a: Pick<ModelAnswers, 'replies' | 'intents' | 'probes' | 'latenciesMs'> & Partial<Pick<ModelAnswers, 'latencyGroups'>>,
  table: SegmentStatisticsTable | undefined,
): ItemStatistics {
  const out: ItemStatistics = {
    latencies: a.latenciesMs,
    // Without groups (answers recorded before they were kept) every request stands alone.
    latencyClusters: clustersOf(a.latencyGroups ?? a.latenciesMs.map((_, i) => String(i))),
    replies: a.replies.length,
    replyConversations: clustersOf(a.replies.map((r) => r.conversationId)),
    intents: a.intents.length,
    probes: a.probes.length,
  };
  if (table && table.segments) {
    const sums = new Float64Array(table.width);
    out.bleu = (idx) => {
      sums.fill(0);
      for (let j = 0; j < idx.length; j++) {
        const o = idx[j] * table.width;
        for (let k = 0; k < table.width; k++) sums[k] += table.rows[o + k];
      }
      return bleuFromSummedRow(sums, table);
    };
  }
  if (a.intents.length) {
    const gold = a.intents.map((x) => x.gold);
    const predicted = a.intents.map((x) => x.predicted);
    out.intentF1 = (idx) =>
      intentF1(
        Array.from(idx, (i) => gold[i]),
        Array.from(idx, (i) => predicted[i]),
        GATE_F1,
      ).macroF1;
  }
  if (a.probes.length) {
    const handled = a.probes.map((p) => (isDeclineOrRedirect(p.reply) ? 1 : 0));
    out.oosHandled = (idx) => {
      let sum = 0;
      for (let j = 0; j < idx.length; j++) sum += handled[idx[j]];
      return sum / idx.length;
    };
  }
  return out;
}

const p95 = (values: readonly number[]) => nearestRankPercentile(values, 95);

/** 95 % intervals of a model's own values (error bars; the floors of the first model). */
export function valueIntervals(items: ItemStatistics, resamples: number): Partial<Record<IntervalMetric, Interval>> {
  const o = { resamples };
  const out: Partial<Record<IntervalMetric, Interval>> = {};
  if (items.bleu) out.bleu = clusterBootstrapInterval(items.replyConversations, items.bleu, o);
  if (items.intentF1) out.intentF1 = bootstrapInterval(items.intents, items.intentF1, o);
  if (items.oosHandled) out.oosHandled = bootstrapInterval(items.probes, items.oosHandled, o);
  if (items.latencies.length) out.latencyP95Ms = sampleInterval(items.latencies, p95, { ...o, clusters: items.latencyClusters });
  return out;
}

/** 95 % intervals of candidate − production (paired over the same items), and of the p95 latency ratio. */
export function differenceIntervals(c: ItemStatistics, p: ItemStatistics, resamples: number): Partial<Record<IntervalMetric, Interval>> {
  const o = { resamples };
  const out: Partial<Record<IntervalMetric, Interval>> = {};
  // Both models answered the same reply tasks in the same order, so the conversations are the same.
  if (c.bleu && p.bleu && c.replies === p.replies) out.bleu = pairedClusterDifferenceInterval(c.replyConversations, c.bleu, p.bleu, o);
  if (c.intentF1 && p.intentF1 && c.intents === p.intents) out.intentF1 = pairedDifferenceInterval(c.intents, c.intentF1, p.intentF1, o);
  if (c.oosHandled && p.oosHandled && c.probes === p.probes)
    out.oosHandled = pairedDifferenceInterval(c.probes, c.oosHandled, p.oosHandled, o);
  if (c.latencies.length && p.latencies.length) {
    const clusters = { a: c.latencyClusters, b: p.latencyClusters };
    out.latencyP95Ms = independentRatioInterval(c.latencies, p.latencies, p95, { ...o, clusters });
  }
  return out;
}

function summarise(version: ModelVersion, deploymentName: string, a: ModelAnswers): ModelEvaluation {
  const metrics: ModelEvaluation['metrics'] = {};
  const evaluation: ModelEvaluation = {
    deploymentName,
    fineTunedModel: version.fineTunedModel,
    jobKey: version.jobKey,
    metrics,
    errors: a.errors,
  };
  if (a.replies.length) {
    // The references' language picks the tokenizer (char for Japanese, zh for Chinese, …; see
    // bleuTokenizers.ts); both models answer the same references, so both get the same one.
    const references = a.replies.map((r) => r.reference);
    const bleu = corpusBleu(
      a.replies.map((r) => r.hypothesis),
      [references],
      { tokenize: chooseBleuTokenizer(references).tokenize },
    );
    metrics.bleu = bleu.score;
    evaluation.bleu = { score: bleu.score, formatted: bleu.formatted, signature: bleu.signature, segments: a.replies.length };
  }
  if (a.intents.length) {
    const f1 = intentF1(
      a.intents.map((x) => x.gold),
      a.intents.map((x) => x.predicted),
      GATE_F1,
    );
    metrics.intentF1 = f1.macroF1;
    evaluation.intent = {
      labels: f1.labels,
      perClass: f1.perClass,
      confusion: f1.confusion,
      macroF1: f1.macroF1,
      accuracy: f1.accuracy,
      count: f1.count,
    };
  }
  const latency = summarizeLatency(a.latenciesMs);
  if (latency) {
    metrics.latencyP95Ms = latency.p95Ms;
    evaluation.latency = latency;
  }
  if (a.probes.length) {
    const oos = scoreOutOfScope(a.probes);
    metrics.oosHandled = oos.share;
    evaluation.oos = oos;
  }
  const filter = tallyContentFilter(a.filters);
  evaluation.contentFilter = filter;
  if (filter.filteredShare !== undefined) metrics.contentFiltered = filter.filteredShare;
  return evaluation;
}

/** Up to `size` replies spread evenly over the holdout: customer turn, human reply, production reply, candidate reply. */
function replySample(candidate: ModelAnswers, production: ModelAnswers | undefined, size = 8): ReplySample[] {
  const n = candidate.replies.length;
  const picks = n <= size ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: size }, (_, k) => Math.floor((k * n) / size));
  return picks.map((i) => {
    const c = candidate.replies[i];
    return {
      conversationId: c.conversationId,
      customer: c.customer,
      human: c.reference,
      production: production?.replies[i]?.hypothesis,
      candidate: c.hypothesis,
    };
  });
}

async function readTraining(
  openai: AzureOpenAI,
  candidate: Candidate,
  overfitting: EvaluationConfig['overfitting'],
  signal?: AbortSignal,
): Promise<EvaluationReport['training']> {
  if (!candidate.resultFileId) return { lossCurve: [], note: 'the job reported no result file' };
  const bytes = await new FineTuningClient(openai).downloadFile(candidate.resultFileId, { signal });
  let results: ReturnType<typeof parseResultsCsv>;
  try {
    results = parseResultsCsv(bytes.toString('utf8'), `results.csv of ${candidate.jobKey} (${candidate.resultFileId})`);
  } catch (err) {
    // An unreadable results.csv does not make the model worse: no perplexity, no overfitting check, said in the report.
    if (err instanceof ResultFileError) return { resultFileId: candidate.resultFileId, lossCurve: [], note: err.message };
    throw err;
  }
  return {
    resultFileId: candidate.resultFileId,
    perplexity: perplexityFromSteps(results.steps),
    overfitting: detectOverfitting(results.steps, overfitting),
    lossCurve: lossCurve(results.steps),
  };
}

async function promote(
  runtime: Runtime,
  candidate: Candidate,
  production: ProductionPointer | undefined,
  reportBlob: string,
  at: Date,
): Promise<void> {
  await switchProduction(runtime.storage, candidate, { expected: production, reportBlob, now: at });
  await saveDeploymentRecord(runtime.storage, { deploymentName: candidate.deploymentName, role: 'production', releasedAt: '' });
  if (production && production.deploymentName !== candidate.deploymentName) {
    await saveDeploymentRecord(runtime.storage, {
      deploymentName: production.deploymentName,
      fineTunedModel: production.fineTunedModel,
      jobKey: production.jobKey,
      role: 'superseded',
      releasedAt: at.toISOString(),
    });
  }
}

/** One row per candidate in table `evaluations`: the decision and each metric with its delta. */
async function storeVerdict(runtime: Runtime, report: EvaluationReport, reportBlob: string): Promise<void> {
  const entity: Record<string, string | number | boolean> = {
    partitionKey: report.jobKey,
    rowKey: EVALUATION_ROW,
    decision: report.decision,
    mode: report.mode,
    datasetVersion: report.datasetVersion,
    evaluatedAt: report.evaluatedAt,
    candidateDeployment: report.candidate.deploymentName,
    productionDeployment: report.production?.deploymentName ?? '',
    reportBlob,
    reasons: JSON.stringify(report.reasons),
    summary: report.summary ?? '',
  };
  if (report.moreHoldoutConversations !== undefined) entity.moreHoldoutConversations = report.moreHoldoutConversations;
  if (report.approval) {
    entity.approvalStatus = report.approval.status;
    entity.approvalDeadline = report.approval.deadline;
    if (report.approval.decidedBy) entity.decidedBy = report.approval.decidedBy;
    if (report.approval.decidedAt) entity.decidedAt = report.approval.decidedAt;
    if (report.approval.reason) entity.decisionReason = report.approval.reason;
  }
  for (const check of report.checks) {
    entity[`${check.metric}Verdict`] = checkVerdict(check);
    if (check.interval && check.interval.low !== check.interval.high) {
      entity[`${check.metric}IntervalOf`] = check.interval.of;
      entity[`${check.metric}Low`] = check.interval.low;
      entity[`${check.metric}High`] = check.interval.high;
    }
    if (check.candidate !== undefined) entity[check.metric] = check.candidate;
    if (check.production !== undefined) entity[`${check.metric}Production`] = check.production;
    if (check.delta !== undefined) entity[`${check.metric}Delta`] = check.delta;
    entity[`${check.metric}Passed`] = check.passed;
  }
  if (report.candidate.metrics.perplexity !== undefined) entity.perplexity = report.candidate.metrics.perplexity;
  await runtime.storage.table(TABLES.evaluations).upsertEntity(entity as { partitionKey: string; rowKey: string }, 'Replace');
}

/** The outcome of an evaluation that was already done: its stored report, not a new run. */
function alreadyEvaluatedOutcome(report: EvaluationReport, reportBlob: string, awaitingApproval: boolean): EvaluationOutcome {
  return { decision: report.decision, awaitingApproval, reportBlob, metrics: report.candidate.metrics, report, alreadyEvaluated: true };
}

async function storedOutcome(runtime: Runtime, jobKey: string, signal?: AbortSignal): Promise<EvaluationOutcome | undefined> {
  let row: Record<string, unknown>;
  try {
    row = await runtime.storage.table(TABLES.evaluations).getEntity(jobKey, EVALUATION_ROW, { abortSignal: signal });
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
  const report = await loadReport(runtime.storage, jobKey, { signal });
  return alreadyEvaluatedOutcome(report, String(row.reportBlob), report.approval?.status === 'awaiting');
}

async function finishInterruptedPromotion(runtime: Runtime, jobKey: string, signal?: AbortSignal): Promise<EvaluationOutcome | undefined> {
  try {
    const report = await loadReport(runtime.storage, jobKey, { signal });
    if (report.decision !== 'promote') return undefined;
    const reportBlob = `eval-reports/${jobKey}/report.json`;
    // The earlier delivery may also have stopped before updating the deployments' roles.
    await saveDeploymentRecord(runtime.storage, { deploymentName: report.candidate.deploymentName, role: 'production', releasedAt: '' });
    const previous = report.production?.deploymentName;
    if (previous && previous !== report.candidate.deploymentName) {
      const record = await getDeploymentRecord(runtime.storage, previous);
      if (record?.role === 'production') {
        await saveDeploymentRecord(runtime.storage, { deploymentName: previous, role: 'superseded', releasedAt: report.evaluatedAt });
      }
    }
    await storeVerdict(runtime, report, reportBlob);
    return alreadyEvaluatedOutcome(report, reportBlob, false);
  } catch (err) {
    if (err instanceof ReportNotFoundError) return undefined;
    throw err;
  }
}

async function storedPerplexity(runtime: Runtime, jobKey: string): Promise<number | undefined> {
  try {
    const row = await runtime.storage.table(TABLES.evaluations).getEntity(jobKey, EVALUATION_ROW);
    return typeof row.perplexity === 'number' ? row.perplexity : undefined;
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
}

const METRIC_NAMES: Record<string, string> = {
  bleu: 'tuneloop.eval.bleu',
  intentF1: 'tuneloop.eval.intent_f1',
  perplexity: 'tuneloop.eval.perplexity',
  latencyP95Ms: 'tuneloop.eval.latency_p95_ms',
  oosHandled: 'tuneloop.eval.oos_handled',
};

async function emit(runtime: Runtime, report: EvaluationReport, signal?: AbortSignal): Promise<void> {
  for (const [role, model] of [
    ['candidate', report.candidate],
    ['production', report.production],
  ] as const) {
    if (!model) continue;
    for (const [key, name] of Object.entries(METRIC_NAMES)) {
      const value = (model.metrics as Record<string, unknown>)[key];
      if (typeof value === 'number' && Number.isFinite(value)) {
        runtime.telemetry.trackMetric(name, value, {
          role,
          model: model.deploymentName,
          job: report.jobKey,
          dataset_version: report.datasetVersion,
        });
      }
    }
  }
  const data: Record<string, unknown> = {
    jobKey: report.jobKey,
    datasetVersion: report.datasetVersion,
    deploymentName: report.candidate.deploymentName,
    fineTunedModel: report.candidate.fineTunedModel,
    mode: report.mode,
    productionDeployment: report.production?.deploymentName ?? '',
    reasons: report.reasons.join('; '),
    summary: report.summary ?? '',
    report: `eval-reports/${report.jobKey}/report.json`,
  };
  if (report.moreHoldoutConversations !== undefined) data.moreHoldoutConversations = report.moreHoldoutConversations;
  if (report.approval)
    Object.assign(data, {
      approval: report.approval.status,
      deadline: report.approval.deadline,
      decidedBy: report.approval.decidedBy ?? '',
    });
  if (report.decision === 'inconclusive') {
    // -1: more conversations alone would not settle it (an estimate sits on its limit).
    runtime.telemetry.trackMetric('tuneloop.eval.more_holdout_needed', report.moreHoldoutConversations ?? -1, {
      job: report.jobKey,
      dataset_version: report.datasetVersion,
    });
  }
  for (const check of report.checks) {
    if (typeof check.candidate === 'number') data[check.metric] = check.candidate;
    if (check.delta !== undefined) data[`${check.metric}_delta`] = check.delta;
  }
  await notify(
    { telemetry: runtime.telemetry, events: runtime.events },
    {
      type:
        report.approval?.status === 'awaiting'
          ? EVENT_TYPES.modelAwaitingApproval
          : report.decision === 'promote'
            ? EVENT_TYPES.modelPromoted
            : report.decision === 'inconclusive'
              ? EVENT_TYPES.modelInconclusive
              : EVENT_TYPES.modelRejected,
      subject: `models/${report.candidate.deploymentName}`,
      data,
      id: `${report.approval?.status === 'awaiting' ? 'awaiting-approval' : report.decision}-${report.jobKey}`,
    },
    { signal },
  );
  await runtime.telemetry.flush();
}

// ---- manual promotion -------------------------------------------------------------------

/** Production changed after the candidate was compared with it: its verdict is about another model. */
export class ApprovalConflictError extends TuneloopError {}

/** The job has no report waiting for approval. */
export class NotAwaitingApprovalError extends TuneloopError {}

export interface ApprovalDecision {
  status: 'approved' | 'rejected' | 'expired';
  by: string;
  reason?: string;
  at?: Date;
}

/**
 * Closes the wait of a candidate that passed the gate in manual mode: approved → promoted (the same
 * ETag-conditional switch as automatic promotion), rejected or expired → production stays. Records
 * who, when and why in the report and the verdict row, and emits the promoted/rejected event.
 * Called by the job loop only (single writer of job states). Repeating a decision is a no-op.
 * @throws ApprovalConflictError when production changed since the evaluation (evaluate again instead).
 */
export async function decideApproval(
  runtime: Runtime,
  jobKey: string,
  decision: ApprovalDecision,
  options: { signal?: AbortSignal } = {},
): Promise<EvaluationOutcome> {
  const { storage } = runtime;
  const signal = options.signal;
  const report = await loadReport(storage, jobKey, { signal });
  const reportBlob = `${CONTAINERS.evalReports}/${jobKey}/report.json`;
  if (!report.approval)
    throw new NotAwaitingApprovalError(
      `job ${jobKey} was not waiting for approval (its report has decision ${report.decision} without an approval request)`,
    );
  if (report.approval.status !== 'awaiting') {
    return alreadyEvaluatedOutcome(report, reportBlob, false);
  }
  const at = decision.at ?? new Date();
  const candidate: ModelVersion = {
    jobKey,
    deploymentName: report.candidate.deploymentName,
    fineTunedModel: report.candidate.fineTunedModel,
    datasetVersion: report.datasetVersion,
  };
  if (decision.status === 'approved') {
    const production = await getProductionPointer(storage);
    if (production?.jobKey !== jobKey) {
      if ((production?.jobKey ?? undefined) !== (report.production?.jobKey ?? undefined)) {
        throw new ApprovalConflictError(
          `production is now ${production?.jobKey ?? 'none'}, but candidate ${jobKey} was compared with ${report.production?.jobKey ?? 'no production model'}; reject it and evaluate a new candidate instead`,
        );
      }
      await promote(runtime, candidate, production, reportBlob, at);
    }
    report.decision = 'promote';
    report.summary = `Promoted: approved by ${decision.by}${decision.reason ? ` (${decision.reason})` : ''} after the gate found it ${report.mode === 'relative' ? 'not worse than production beyond any margin' : 'above every floor'}.`;
  } else {
    await saveDeploymentRecord(storage, { deploymentName: candidate.deploymentName, role: 'rejected', releasedAt: at.toISOString() });
    report.decision = 'reject';
    report.summary =
      decision.status === 'expired'
        ? `Rejected: nobody approved it before ${report.approval.deadline}, so production stays.`
        : `Rejected by ${decision.by}: ${decision.reason ?? 'no reason given'}.`;
    report.reasons = [
      ...report.reasons,
      decision.status === 'expired' ? 'approval expired' : `rejected by ${decision.by}: ${decision.reason ?? ''}`,
    ];
  }
  report.approval = {
    ...report.approval,
    status: decision.status,
    decidedBy: decision.by,
    decidedAt: at.toISOString(),
    reason: decision.reason,
  };
  await saveReport(storage, report, { signal });
  await storeVerdict(runtime, report, reportBlob);
  await emit(runtime, report, signal);
  return {
    decision: report.decision,
    awaitingApproval: false,
    reportBlob,
    metrics: report.candidate.metrics,
    report,
    alreadyEvaluated: false,
  };
}
