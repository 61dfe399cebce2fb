import { intentF1 } from '../../../src/shared/evaluation/f1';
import { decidePromotion, type GatePolicy } from '../../../src/shared/evaluation/gate';
import { REPORT_SCHEMA, type EvaluationReport } from '../../../src/shared/evaluation/evaluationReport';
import { OOS_PROBES_CREDIT } from '../../../src/shared/evaluation/oosProbes';

/** Gate tolerances for tests, fixed here so that changing the setting defaults does not move test expectations. */
export const TEST_GATE_POLICY: GatePolicy = {
  maxBleuDrop: 1,
  maxF1Drop: 0.02,
  maxLatencyGrowth: 0.2,
  maxOosDrop: 0.05,
  minBleu: 5,
  minF1: 0.3,
  minOosHandled: 0.5,
  maxLatencyP95Ms: 1000,
  rejectOverfitting: true,
  maxContentFiltered: 0.02,
};

/** A complete report, as evaluateCandidate writes it, built from real metric computations on small data. */
export function sampleReport(jobKey: string): EvaluationReport {
  const gold = ['billing', 'billing', 'shipping', 'returns', 'shipping', 'returns', 'billing'];
  const cand = ['billing', 'billing', 'shipping', 'returns', 'returns', 'returns', 'shipping'];
  const prod = ['billing', 'shipping', 'shipping', 'billing', 'shipping', 'returns', 'billing'];
  const c = intentF1(gold, cand);
  const p = intentF1(gold, prod);
  const candidateMetrics = { bleu: 31.2, intentF1: c.macroF1, latencyP95Ms: 40, oosHandled: 0.9, overfitting: false, perplexity: 3.2 };
  const productionMetrics = { bleu: 30.1, intentF1: p.macroF1, latencyP95Ms: 38, oosHandled: 0.85 };
  const gate = decidePromotion(candidateMetrics, productionMetrics, { ...TEST_GATE_POLICY, maxLatencyP95Ms: 10000 });
  const intent = (r: ReturnType<typeof intentF1>) => ({
    labels: r.labels,
    perClass: r.perClass,
    confusion: r.confusion,
    macroF1: r.macroF1,
    accuracy: r.accuracy,
    count: r.count,
  });
  return {
    schema: REPORT_SCHEMA,
    jobKey,
    datasetVersion: 'v20260101',
    evaluatedAt: '2026-01-02T03:04:05.000Z',
    decision: gate.decision,
    mode: gate.mode,
    reasons: gate.reasons,
    checks: gate.checks,
    candidate: {
      deploymentName: `dep-${jobKey}`,
      fineTunedModel: `gpt-4o-mini-2024-07-18.ft-${jobKey}`,
      jobKey,
      metrics: candidateMetrics,
      intent: intent(c),
      latency: { count: 10, p50Ms: 20, p95Ms: 40, meanMs: 22 },
      oos: { probes: 10, handled: 9, share: 0.9, answered: [{ question: 'when was the gold rush', reply: 'In 1848 <b>really</b>' }] },
      errors: [],
    },
    production: {
      deploymentName: 'dep-prod',
      fineTunedModel: 'gpt-4o-mini-2024-07-18.ft-prod',
      jobKey: 'prod',
      metrics: productionMetrics,
      intent: intent(p),
      errors: [],
    },
    training: {
      resultFileId: 'file-1',
      lossCurve: Array.from({ length: 20 }, (_, i) => ({
        step: i + 1,
        trainLoss: 3 / (i + 1) + 0.5,
        validLoss: i % 5 === 4 ? 3 / (i + 1) + 0.7 : undefined,
        fullValidLoss: i === 19 ? 0.85 : undefined,
      })),
    },
    holdout: { blob: 'v20260101/holdout.records.jsonl', records: 7, replyTasks: 7, intentTasks: 7, labels: c.labels },
    oosProbeCredit: OOS_PROBES_CREDIT,
    csat: [
      {
        jobKey: 'prod',
        deploymentName: 'dep-prod',
        from: '2025-12-01T00:00:00.000Z',
        ratings: 3,
        meanCsat: 4.33,
        attributedByConversation: 1,
        attributedByFeedback: 0,
        attributedByTime: 2,
        interval: { low: 3.67, high: 5 },
      },
    ],
  };
}
