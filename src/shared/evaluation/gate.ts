import { itemsNeeded, type Interval } from './intervals';

/**
 * The promotion gate, with three outcomes. Every guarded metric is compared through its 95 %
 * interval, not its point estimate alone:
 *
 * - with a production model, the interval of the difference (candidate − production; for p95
 *   latency the ratio candidate / production) is set against the metric's non-inferiority margin
 *   (TUNELOOP_GATE_MAX_*): entirely on the acceptable side → pass; entirely beyond the margin →
 *   fail (significantly worse than the margin allows); straddling it → unsure. The latency ratio's
 *   limit is the looser of +growth and production's p95 + an absolute allowance in ms
 *   (TUNELOOP_GATE_LATENCY_ALLOWANCE_MS), so a difference nobody notices is neither a fail nor unsure;
 * - for the first model (no production), the interval of the candidate's own value is set against
 *   the floor (or ceiling for latency) the same way.
 *
 * Any fail → reject; otherwise any unsure → inconclusive (production stays, and the decision says
 * how many more holdout conversations would settle it); otherwise promote. A metric that could not
 * be measured fails; overfitting and a candidate whose replies the content filter blocked too often
 * fail outright. Without intervals (evidence not given) a check compares point estimates, which is
 * the degenerate interval [x, x].
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
  /** Share of replies (and prompts) Azure's content filter blocked or flagged as filtered, 0–1; undefined when the service reported no filter results. */
  contentFiltered?: number;
}

export interface GatePolicy {
  maxBleuDrop: number;
  maxF1Drop: number;
  /** Allowed relative growth of p95 latency (0.2 = +20 %). */
  maxLatencyGrowth: number;
  /**
   * Milliseconds of p95 growth that count as no regression whatever the ratio (TUNELOOP_GATE_LATENCY_ALLOWANCE_MS;
   * absent = 0, the ratio alone). The check's limit is the looser of the two, so it only matters where
   * production's p95 is below allowance / growth (250 ms with 50 ms and 20 %).
   */
  latencyAllowanceMs?: number;
  maxOosDrop: number;
  minBleu: number;
  minF1: number;
  minOosHandled: number;
  maxLatencyP95Ms: number;
  rejectOverfitting: boolean;
  /** Highest share of candidate answers the content filter may have filtered (0 = none). */
  maxContentFiltered: number;
  /**
   * Fewest items a measured interval needs before its check may pass or fail (TUNELOOP_GATE_MIN_ITEMS;
   * default 10): a bootstrap over a handful of items is narrow without being sure.
   */
  minItems?: number;
}

export type MetricName = 'bleu' | 'intentF1' | 'latencyP95Ms' | 'oosHandled' | 'overfitting' | 'contentFiltered';
export type IntervalMetric = 'bleu' | 'intentF1' | 'latencyP95Ms' | 'oosHandled';
export type CheckVerdict = 'pass' | 'fail' | 'unsure';

/** What more evidence a check would need, in the unit its items come in. */
export interface MoreNeeded {
  unit: 'holdout conversations' | 'out-of-scope probes' | 'requests';
  /** Items in total for the interval to clear the threshold at the current estimate. */
  total?: number;
  /** total − items used now. */
  more?: number;
}

export interface GateCheck {
  metric: MetricName;
  candidate?: number | boolean;
  production?: number | boolean;
  /** candidate − production (for latency also as a share of production in `relativeDelta`). */
  delta?: number;
  relativeDelta?: number;
  /** The limit the candidate was held to, in words, e.g. `≥ 41.2 (production 42.2 − 1)`. */
  rule: string;
  /** `pass` also when the decision was made without intervals; `unsure` only with an interval that straddles the limit. */
  verdict: CheckVerdict;
  passed: boolean;
  /**
   * The 95 % interval the rule was applied to: of the difference (relative mode; of the ratio for
   * latency) or of the candidate's own value (absolute mode).
   */
  interval?: Interval & { of: 'difference' | 'ratio' | 'value' };
  /** The limit on the interval's scale (e.g. −1 for a BLEU difference, 1.2 for a latency ratio). */
  threshold?: number;
  needed?: MoreNeeded;
  /** Set when the check is unsure because its interval has fewer items than this minimum (TUNELOOP_GATE_MIN_ITEMS). */
  minItems?: number;
}

export type GateOutcome = 'promote' | 'reject' | 'inconclusive';

export interface GateDecision {
  decision: GateOutcome;
  /** `relative` against a production model, `absolute` floors for the first model. */
  mode: 'relative' | 'absolute';
  checks: GateCheck[];
  /** One line per failed (or, when inconclusive, unsure) check. */
  reasons: string[];
  /** The decision's reason in one sentence, for people. */
  summary: string;
  /** When inconclusive: how many more holdout conversations would settle it (undefined when more conversations would not). */
  moreHoldoutConversations?: number;
}

/** Intervals from evaluation: difference/ratio intervals in relative mode, value intervals in absolute mode. */
export interface GateEvidence {
  intervals: Partial<Record<IntervalMetric, Interval>>;
}

const fmt = (x: number): string => String(Math.round(x * 10000) / 10000);

const UNITS: Record<IntervalMetric, MoreNeeded['unit']> = {
  bleu: 'holdout conversations',
  intentF1: 'holdout conversations',
  oosHandled: 'out-of-scope probes',
  latencyP95Ms: 'requests',
};

const LABELS: Record<MetricName, string> = {
  bleu: 'BLEU',
  intentF1: 'intent macro-F1',
  latencyP95Ms: 'p95 latency',
  oosHandled: 'out-of-scope decline rate',
  overfitting: 'overfitting',
  contentFiltered: 'content-filtered share',
};

/** Where the interval stands against a limit: `atLeast` = values ≥ threshold are acceptable. */
function judge(interval: Interval, threshold: number, atLeast: boolean): CheckVerdict {
  const eps = 1e-12;
  if (atLeast) {
    if (interval.low >= threshold - eps) return 'pass';
    if (interval.high < threshold - eps) return 'fail';
    return 'unsure';
  }
  if (interval.high <= threshold + eps) return 'pass';
  if (interval.low > threshold + eps) return 'fail';
  return 'unsure';
}

function point(x: number, n = 0): Interval {
  return { estimate: x, low: x, high: x, n, level: 0.95 };
}

function needed(metric: IntervalMetric, interval: Interval, threshold: number, minItems = 0): MoreNeeded {
  const estimate = itemsNeeded(interval, threshold);
  // The 1/√n extrapolation from a handful of items means little: never ask for fewer than the minimum.
  const total = estimate === undefined ? (interval.n < minItems ? minItems : undefined) : Math.max(estimate, minItems);
  return { unit: UNITS[metric], total, more: total === undefined ? undefined : Math.max(0, total - interval.n) };
}

/**
 * The verdict of a measured interval: too few items to trust it (fewer than `minItems`) is unsure
 * whatever it says. Only measured intervals (`given`): point estimates without evidence keep their verdict.
 */
function verdictOf(
  metric: IntervalMetric,
  interval: Interval,
  threshold: number,
  atLeast: boolean,
  measured: boolean,
  minItems: number,
): { verdict: CheckVerdict; needed?: MoreNeeded; tooFew?: boolean } {
  const tooFew = measured && interval.n < minItems;
  const verdict = tooFew ? 'unsure' : judge(interval, threshold, atLeast);
  return verdict === 'unsure' ? { verdict, needed: needed(metric, interval, threshold, measured ? minItems : 0), tooFew } : { verdict };
}

export function decidePromotion(
  candidate: GateMetrics,
  production: GateMetrics | undefined,
  policy: GatePolicy,
  evidence: GateEvidence = { intervals: {} },
): GateDecision {
  const checks: GateCheck[] = [];
  const relative = production !== undefined;
  const minItems = policy.minItems ?? 0;
  const apply = (check: GateCheck, metric: IntervalMetric, interval: Interval, atLeast: boolean, measured: boolean): void => {
    const { verdict, needed: more, tooFew } = verdictOf(metric, interval, check.threshold ?? 0, atLeast, measured, minItems);
    check.verdict = verdict;
    if (more) check.needed = more;
    if (tooFew) check.minItems = minItems;
  };
  const higherIsBetter = (metric: 'bleu' | 'intentF1' | 'oosHandled', maxDrop: number, floor: number): void => {
    const c = candidate[metric];
    const p = production?.[metric];
    const given = evidence.intervals[metric];
    if (production && p !== undefined) {
      const base: GateCheck = {
        metric,
        candidate: c,
        production: p,
        delta: c === undefined ? undefined : c - p,
        rule: `difference ≥ -${fmt(maxDrop)} (candidate ≥ production ${fmt(p)} - ${fmt(maxDrop)})`,
        threshold: -maxDrop,
        verdict: 'fail',
        passed: false,
      };
      if (c !== undefined) {
        const interval = given ?? point(c - p);
        base.interval = { ...interval, of: 'difference' };
        apply(base, metric, interval, true, given !== undefined);
      }
      checks.push(base);
    } else {
      const base: GateCheck = {
        metric,
        candidate: c,
        production: p,
        rule: `≥ ${fmt(floor)} (floor)`,
        threshold: floor,
        verdict: 'fail',
        passed: false,
      };
      if (c !== undefined) {
        const interval = given ?? point(c);
        base.interval = { ...interval, of: 'value' };
        apply(base, metric, interval, true, given !== undefined);
      }
      checks.push(base);
    }
  };
  higherIsBetter('bleu', policy.maxBleuDrop, policy.minBleu);
  higherIsBetter('intentF1', policy.maxF1Drop, policy.minF1);
  higherIsBetter('oosHandled', policy.maxOosDrop, policy.minOosHandled);

  const c = candidate.latencyP95Ms;
  const p = production?.latencyP95Ms;
  const givenLatency = evidence.intervals.latencyP95Ms;
  if (production && p !== undefined && p > 0) {
    const growthLimit = 1 + policy.maxLatencyGrowth;
    // At a few ms (the emulator, a fast deployment) the ratio's interval is wide although no user could
    // notice the difference: growth within the allowance is no regression and no reason for doubt.
    const allowance = policy.latencyAllowanceMs ?? 0;
    const allowanceLimit = 1 + allowance / p;
    const limit = Math.max(growthLimit, allowanceLimit);
    const check: GateCheck = {
      metric: 'latencyP95Ms',
      candidate: c,
      production: p,
      delta: c === undefined ? undefined : c - p,
      relativeDelta: c === undefined ? undefined : (c - p) / p,
      rule:
        allowanceLimit > growthLimit
          ? `ratio ≤ ${fmt(limit)} (candidate ≤ production ${fmt(p)} ms + ${fmt(allowance)} ms allowance, looser here than + ${fmt(policy.maxLatencyGrowth * 100)} %)`
          : `ratio ≤ ${fmt(limit)} (candidate ≤ production ${fmt(p)} ms + ${fmt(policy.maxLatencyGrowth * 100)} %)`,
      threshold: limit,
      verdict: 'fail',
      passed: false,
    };
    if (c !== undefined) {
      const interval = givenLatency ?? point(c / p);
      check.interval = { ...interval, of: 'ratio' };
      apply(check, 'latencyP95Ms', interval, false, givenLatency !== undefined);
    }
    checks.push(check);
  } else {
    const check: GateCheck = {
      metric: 'latencyP95Ms',
      candidate: c,
      production: p,
      rule: `≤ ${fmt(policy.maxLatencyP95Ms)} ms (ceiling)`,
      threshold: policy.maxLatencyP95Ms,
      verdict: 'fail',
      passed: false,
    };
    if (c !== undefined) {
      const interval = givenLatency ?? point(c);
      check.interval = { ...interval, of: 'value' };
      apply(check, 'latencyP95Ms', interval, false, givenLatency !== undefined);
    }
    checks.push(check);
  }
  if (policy.rejectOverfitting) {
    const ok = candidate.overfitting !== true;
    checks.push({
      metric: 'overfitting',
      candidate: candidate.overfitting,
      rule: 'no overfitting in results.csv',
      verdict: ok ? 'pass' : 'fail',
      passed: ok,
    });
  }
  {
    const share = candidate.contentFiltered;
    // A service that reports no filter results (filtering off, or not Azure) cannot fail this check.
    const ok = share === undefined || share <= policy.maxContentFiltered + 1e-12;
    checks.push({
      metric: 'contentFiltered',
      candidate: share,
      production: production?.contentFiltered,
      rule: share === undefined ? 'no content filter results reported' : `≤ ${fmt(policy.maxContentFiltered)} of answers filtered`,
      verdict: ok ? 'pass' : 'fail',
      passed: ok,
    });
  }
  for (const check of checks) check.passed = check.verdict === 'pass';

  const failed = checks.filter((k) => k.verdict === 'fail');
  const unsure = checks.filter((k) => k.verdict === 'unsure');
  const decision: GateOutcome = failed.length ? 'reject' : unsure.length ? 'inconclusive' : 'promote';
  const conversations = unsure.filter((k) => k.needed?.unit === 'holdout conversations').map((k) => k.needed?.more);
  // 0 when only checks counted in other items (probes, requests) are unsure: the holdout is not what is short.
  const moreHoldoutConversations =
    decision !== 'inconclusive'
      ? undefined
      : conversations.length === 0
        ? 0
        : conversations.every((m) => m !== undefined)
          ? Math.max(...conversations)
          : undefined;
  const reasons = (failed.length ? failed : unsure).map(describeCheck);
  return {
    decision,
    mode: relative ? 'relative' : 'absolute',
    checks,
    reasons,
    summary: summarise(decision, relative, failed, unsure, moreHoldoutConversations),
    moreHoldoutConversations,
  };
}

function describeInterval(check: GateCheck): string {
  const i = check.interval;
  if (!i || i.low === i.high) return '';
  return ` (95 % interval of the ${i.of} ${fmt(i.low)} … ${fmt(i.high)}, n = ${i.n})`;
}

function describeCheck(k: GateCheck): string {
  if (k.candidate === undefined) return `${k.metric}: not measured (required ${k.rule})`;
  const value = typeof k.candidate === 'number' ? fmt(k.candidate) : String(k.candidate);
  if (k.verdict === 'unsure' && k.minItems !== undefined && k.interval) {
    return `${k.metric} ${value}: only ${k.interval.n} ${k.needed?.unit ?? 'items'} measured, fewer than the ${k.minItems} a verdict needs (TUNELOOP_GATE_MIN_ITEMS)${describeInterval(k)}`;
  }
  if (k.verdict === 'unsure') {
    const more =
      k.needed?.more !== undefined ? `; about ${k.needed.more} more ${k.needed.unit} would tell` : `; the estimate sits on the limit`;
    return `${k.metric} ${value} cannot be told apart from the limit ${k.rule}${describeInterval(k)}${more}`;
  }
  return `${k.metric} ${value} fails ${k.rule}${describeInterval(k)}`;
}

function summarise(decision: GateOutcome, relative: boolean, failed: GateCheck[], unsure: GateCheck[], more: number | undefined): string {
  const names = (checks: GateCheck[]) => checks.map((k) => LABELS[k.metric]).join(', ');
  if (decision === 'reject') {
    return relative
      ? `Rejected: the candidate is worse than production beyond the allowed margin on ${names(failed)}.`
      : `Rejected: the first candidate misses its floor on ${names(failed)}.`;
  }
  if (decision === 'inconclusive') {
    // Name what is short: holdout conversations, out-of-scope probes or latency requests.
    const wants = [...new Set(unsure.map((k) => k.needed?.unit ?? 'holdout conversations'))];
    const evidence =
      wants.length === 1 && wants[0] === 'holdout conversations' ? 'the holdout is too small' : `too few ${wants.join(', ')} were measured`;
    // Per kind of item, the most any unsure check asks for.
    const most = new Map<string, number>();
    for (const k of unsure)
      if (k.needed?.more !== undefined && k.needed.more > 0) most.set(k.needed.unit, Math.max(most.get(k.needed.unit) ?? 0, k.needed.more));
    const tells = [...most].map(([unit, n]) => `${n} more ${unit}`);
    const tell = tells.length ? `; about ${tells.join(', ')} would tell` : more === undefined ? '; an estimate sits on its limit' : '';
    return `Inconclusive: ${evidence} to tell whether ${names(unsure)} ${unsure.length > 1 ? 'are' : 'is'} within ${relative ? 'the margin' : 'the floor'}, so production stays${tell}.`;
  }
  return relative
    ? 'Promoted: the candidate is not worse than production beyond any margin, with 95 % confidence where intervals were measured.'
    : 'Promoted: the first candidate clears every floor, with 95 % confidence where intervals were measured.';
}
