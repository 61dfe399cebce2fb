import type { Settings } from '../config/settings';

/**
 * The promotion gate. Relative tolerances against production when there is a production model,
 * absolute floors otherwise; an overfitting flag rejects either way (when enabled). A metric that
 * could not be measured for the candidate fails its check: a model has to earn its deployment.
 */

/** The metrics the gate looks at, for one model on one holdout. */
export interface GateMetrics {
  /** Corpus BLEU 0–100 of last assistant replies. */
  bleu?: number;
  /** Intent macro-F1 0–1. */
  intentF1?: number;
  latencyP95Ms?: number;
  /** Share of out-of-scope probes declined or redirected, 0–1. */
  oosHandled?: number;
  overfitting?: boolean;
}

export interface GatePolicy {
  maxBleuDrop: number;
  maxF1Drop: number;
  /** Allowed relative growth of p95 latency (0.2 = +20 %). */
  maxLatencyGrowth: number;
  maxOosDrop: number;
  minBleu: number;
  minF1: number;
  minOosHandled: number;
  maxLatencyP95Ms: number;
  rejectOverfitting: boolean;
}

export function gatePolicyFromSettings(settings: Settings): GatePolicy {
  return {
    maxBleuDrop: settings.TUNELOOP_GATE_MAX_BLEU_DROP,
    maxF1Drop: settings.TUNELOOP_GATE_MAX_F1_DROP,
    maxLatencyGrowth: settings.TUNELOOP_GATE_MAX_LATENCY_GROWTH,
    maxOosDrop: settings.TUNELOOP_GATE_MAX_OOS_DROP,
    minBleu: settings.TUNELOOP_GATE_MIN_BLEU,
    minF1: settings.TUNELOOP_GATE_MIN_F1,
    minOosHandled: settings.TUNELOOP_GATE_MIN_OOS_HANDLED,
    maxLatencyP95Ms: settings.TUNELOOP_GATE_MAX_LATENCY_P95_MS,
    rejectOverfitting: settings.TUNELOOP_GATE_REJECT_OVERFITTING,
  };
}

export type MetricName = 'bleu' | 'intentF1' | 'latencyP95Ms' | 'oosHandled' | 'overfitting';

export interface GateCheck {
  metric: MetricName;
  candidate?: number | boolean;
  production?: number | boolean;
  /** candidate − production (for latency also as a share of production in `relativeDelta`). */
  delta?: number;
  relativeDelta?: number;
  /** The limit the candidate was held to, in words, e.g. `≥ 41.2 (production 42.2 − 1)`. */
  rule: string;
  passed: boolean;
}

export interface GateDecision {
  decision: 'promote' | 'reject';
  /** `relative` against a production model, `absolute` floors for the first model. */
  mode: 'relative' | 'absolute';
  checks: GateCheck[];
  /** One line per failed check. */
  reasons: string[];
}

const fmt = (x: number): string => String(Math.round(x * 10000) / 10000);

export function decidePromotion(candidate: GateMetrics, production: GateMetrics | undefined, policy: GatePolicy): GateDecision {
  const checks: GateCheck[] = [];
  const higherIsBetter = (metric: 'bleu' | 'intentF1' | 'oosHandled', maxDrop: number, floor: number): void => {
    const c = candidate[metric];
    const p = production?.[metric];
    if (production && p !== undefined) {
      const limit = p - maxDrop;
      checks.push({
        metric,
        candidate: c,
        production: p,
        delta: c === undefined ? undefined : c - p,
        rule: `>= ${fmt(limit)} (production ${fmt(p)} - ${fmt(maxDrop)})`,
        passed: c !== undefined && c >= limit - 1e-12,
      });
    } else {
      checks.push({ metric, candidate: c, production: p, rule: `>= ${fmt(floor)} (floor)`, passed: c !== undefined && c >= floor });
    }
  };
  higherIsBetter('bleu', policy.maxBleuDrop, policy.minBleu);
  higherIsBetter('intentF1', policy.maxF1Drop, policy.minF1);
  higherIsBetter('oosHandled', policy.maxOosDrop, policy.minOosHandled);

  const c = candidate.latencyP95Ms;
  const p = production?.latencyP95Ms;
  if (production && p !== undefined && p > 0) {
    const limit = p * (1 + policy.maxLatencyGrowth);
    checks.push({
      metric: 'latencyP95Ms',
      candidate: c,
      production: p,
      delta: c === undefined ? undefined : c - p,
      relativeDelta: c === undefined ? undefined : (c - p) / p,
      rule: `<= ${fmt(limit)} ms (production ${fmt(p)} ms + ${fmt(policy.maxLatencyGrowth * 100)} %)`,
      passed: c !== undefined && c <= limit,
    });
  } else {
    checks.push({
      metric: 'latencyP95Ms',
      candidate: c,
      production: p,
      rule: `<= ${fmt(policy.maxLatencyP95Ms)} ms (ceiling)`,
      passed: c !== undefined && c <= policy.maxLatencyP95Ms,
    });
  }
  if (policy.rejectOverfitting) {
    checks.push({
      metric: 'overfitting',
      candidate: candidate.overfitting,
      rule: 'no overfitting in results.csv',
      passed: candidate.overfitting !== true,
    });
  }
  const failed = checks.filter((k) => !k.passed);
  return {
    decision: failed.length ? 'reject' : 'promote',
    mode: production ? 'relative' : 'absolute',
    checks,
    reasons: failed.map((k) =>
      k.candidate === undefined ? `${k.metric}: not measured (required ${k.rule})` : `${k.metric} ${formatValue(k.candidate)} fails ${k.rule}`,
    ),
  };
}

function formatValue(v: number | boolean): string {
  return typeof v === 'number' ? fmt(v) : String(v);
}
