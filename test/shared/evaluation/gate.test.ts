import { decidePromotion } from '../../../src/shared/evaluation/gate';
import { gatePolicy } from '../../../src/shared/composition/config';
import { isDeclineOrRedirect, scoreOutOfScope } from '../../../src/shared/evaluation/oos';
import { loadSettings } from '../../../src/shared/config/settings';
import { TEST_GATE_POLICY as policy } from './fixtures';
import { independentRatioInterval } from '../../../src/shared/evaluation/intervals';
import { nearestRankPercentile } from '../../../src/shared/evaluation/latency';
import { SeededRandom } from '../../../src/shared/evaluation/random';

const production = { bleu: 30, intentF1: 0.8, latencyP95Ms: 100, oosHandled: 0.9 };

describe('promotion gate', () => {
  it('reads its tolerances from settings (defaults from the brief)', () => {
    const p = gatePolicy(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' }));
    expect(p).toMatchObject({ maxBleuDrop: 1, maxF1Drop: 0.02, maxLatencyGrowth: 0.2, rejectOverfitting: true });
  });

  it('promotes within tolerance and records deltas', () => {
    const d = decidePromotion({ bleu: 29.2, intentF1: 0.79, latencyP95Ms: 119, oosHandled: 0.86, overfitting: false }, production, policy);
    expect(d.decision).toBe('promote');
    expect(d.mode).toBe('relative');
    expect(d.checks.find((c) => c.metric === 'bleu')!.delta).toBeCloseTo(-0.8, 10);
    expect(d.checks.find((c) => c.metric === 'latencyP95Ms')!.relativeDelta).toBeCloseTo(0.19, 10);
  });

  it.each([
    ['bleu', { bleu: 28.9 }],
    ['intentF1', { intentF1: 0.77 }],
    ['latencyP95Ms', { latencyP95Ms: 121 }],
    ['oosHandled', { oosHandled: 0.84 }],
    ['overfitting', { overfitting: true }],
  ])('rejects a regression in %s', (metric, change) => {
    const d = decidePromotion({ ...production, overfitting: false, ...change }, production, policy);
    expect(d.decision).toBe('reject');
    expect(d.checks.filter((c) => !c.passed).map((c) => c.metric)).toEqual([metric]);
    expect(d.reasons[0]).toContain(metric);
  });

  it('holds the first model to absolute floors', () => {
    expect(decidePromotion({ bleu: 6, intentF1: 0.4, latencyP95Ms: 900, oosHandled: 0.6 }, undefined, policy)).toMatchObject({
      decision: 'promote',
      mode: 'absolute',
    });
    const d = decidePromotion({ bleu: 4, intentF1: 0.4, latencyP95Ms: 900, oosHandled: 0.6 }, undefined, policy);
    expect(d.decision).toBe('reject');
    expect(d.reasons).toEqual(['bleu 4 fails ≥ 5 (floor)']);
  });

  it('rejects a metric that could not be measured', () => {
    const d = decidePromotion({ bleu: 31, latencyP95Ms: 90, oosHandled: 0.9 }, production, policy);
    expect(d.decision).toBe('reject');
    expect(d.reasons[0]).toMatch(/^intentF1: not measured/);
  });
});

describe('promotion gate with intervals', () => {
  const candidate = { bleu: 29.5, intentF1: 0.8, latencyP95Ms: 100, oosHandled: 0.9, overfitting: false };
  const iv = (estimate: number, low: number, high: number, n = 25) => ({ estimate, low, high, n, level: 0.95 as const });

  it('promotes when every difference interval clears its margin', () => {
    const d = decidePromotion(candidate, production, policy, {
      intervals: {
        bleu: iv(-0.5, -0.9, -0.1),
        intentF1: iv(0, -0.01, 0.01),
        oosHandled: iv(0, -0.02, 0.02),
        latencyP95Ms: iv(1, 0.9, 1.1),
      },
    });
    expect(d.decision).toBe('promote');
    expect(d.checks.find((c) => c.metric === 'bleu')!.interval).toMatchObject({ of: 'difference', low: -0.9 });
    expect(d.summary).toMatch(/^Promoted: /);
  });

  it('is inconclusive when an interval straddles the margin, and says how many more conversations would tell', () => {
    // BLEU difference −0.5 with half-width 1 against a margin of −1: the distance is 0.5, so n must grow 4×.
    const d = decidePromotion(candidate, production, policy, { intervals: { bleu: iv(-0.5, -1.5, 0.5, 100) } });
    expect(d.decision).toBe('inconclusive');
    const bleu = d.checks.find((c) => c.metric === 'bleu')!;
    expect(bleu.verdict).toBe('unsure');
    expect(bleu.needed).toEqual({ unit: 'holdout conversations', total: 400, more: 300 });
    expect(d.moreHoldoutConversations).toBe(300);
    expect(d.summary).toBe(
      'Inconclusive: the holdout is too small to tell whether BLEU is within the margin, so production stays; about 300 more holdout conversations would tell.',
    );
    expect(d.reasons[0]).toContain('cannot be told apart');
  });

  it('says "not sure" on too few items: one conversation cannot reject, three cannot promote (QA, 4 December)', () => {
    const strict = { ...policy, minItems: 10 };
    const ok = { intentF1: iv(0, -0.01, 0.01), oosHandled: iv(0, -0.02, 0.02), latencyP95Ms: iv(1, 0.9, 1.1) };
    // One holdout conversation answered wrongly: a zero-width interval far beyond the margin.
    const one = decidePromotion(candidate, production, strict, { intervals: { ...ok, intentF1: iv(-1, -1, -1, 1) } });
    expect(one.decision).toBe('inconclusive');
    const f1 = one.checks.find((c) => c.metric === 'intentF1')!;
    expect(f1).toMatchObject({ verdict: 'unsure', minItems: 10, needed: { unit: 'holdout conversations', total: 10, more: 9 } });
    expect(one.reasons).toEqual([
      'intentF1 0.8: only 1 holdout conversations measured, fewer than the 10 a verdict needs (TUNELOOP_GATE_MIN_ITEMS)',
    ]);
    expect(one.moreHoldoutConversations).toBe(9);
    // Three conversations with better replies: no promotion either.
    const three = decidePromotion(candidate, production, strict, { intervals: { ...ok, bleu: iv(5, 3, 7, 3) } });
    expect(three.decision).toBe('inconclusive');
    // From the minimum on, the intervals decide as before.
    expect(decidePromotion(candidate, production, strict, { intervals: { ...ok, bleu: iv(5, 3, 7, 10) } }).decision).toBe('promote');
    expect(decidePromotion(candidate, production, strict, { intervals: { ...ok, bleu: iv(-5, -7, -3, 10) } }).decision).toBe('reject');
    // A clear failure elsewhere still rejects.
    expect(
      decidePromotion({ ...candidate, overfitting: true }, production, strict, { intervals: { ...ok, bleu: iv(5, 3, 7, 3) } }).decision,
    ).toBe('reject');
  });

  it('when only out-of-scope probes or requests are short, says so and asks for no more holdout conversations', () => {
    const d = decidePromotion(candidate, production, policy, {
      intervals: {
        bleu: iv(0, -0.5, 0.5),
        intentF1: iv(0, -0.01, 0.01),
        oosHandled: iv(-0.03, -0.14, 0.06, 36),
        latencyP95Ms: iv(1, 0.9, 1.1),
      },
    });
    expect(d.decision).toBe('inconclusive');
    expect(d.moreHoldoutConversations).toBe(0);
    expect(d.summary).toMatch(
      /^Inconclusive: too few out-of-scope probes were measured to tell whether out-of-scope decline rate is within the margin/,
    );
    expect(d.summary).toMatch(/about \d+ more out-of-scope probes would tell\.$/);
  });

  it('rejects when the whole interval is beyond the margin, even if another metric is unsure', () => {
    const d = decidePromotion(candidate, production, policy, {
      intervals: { bleu: iv(-0.5, -1.5, 0.5), intentF1: iv(-0.1, -0.15, -0.05) },
    });
    expect(d.decision).toBe('reject');
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatch(/^intentF1 0\.8 fails difference ≥ -0\.02/);
  });

  it('judges latency on the ratio interval', () => {
    const unsure = decidePromotion(candidate, production, policy, { intervals: { latencyP95Ms: iv(1, 0.8, 1.5) } });
    expect(unsure.checks.find((c) => c.metric === 'latencyP95Ms')!.verdict).toBe('unsure');
    expect(unsure.checks.find((c) => c.metric === 'latencyP95Ms')!.needed!.unit).toBe('requests');
    expect(decidePromotion(candidate, production, policy, { intervals: { latencyP95Ms: iv(1.5, 1.3, 1.7) } }).decision).toBe('reject');
  });

  it('judges the first model on its floors with intervals', () => {
    const first = { bleu: 8, intentF1: 0.5, latencyP95Ms: 900, oosHandled: 0.6 };
    expect(decidePromotion(first, undefined, policy, { intervals: { bleu: iv(8, 6, 10) } }).decision).toBe('promote');
    const d = decidePromotion(first, undefined, policy, { intervals: { bleu: iv(8, 4, 12), oosHandled: iv(0.6, 0.45, 0.75, 36) } });
    expect(d.decision).toBe('inconclusive');
    expect(d.checks.find((c) => c.metric === 'oosHandled')!.needed!.unit).toBe('out-of-scope probes');
    expect(d.summary).toContain('within the floor');
  });

  it('rejects a candidate the content filter blocked too often, and ignores a service without filter results', () => {
    const d = decidePromotion({ ...candidate, contentFiltered: 0.05 }, production, policy);
    expect(d.decision).toBe('reject');
    expect(d.reasons).toEqual(['contentFiltered 0.05 fails ≤ 0.02 of answers filtered']);
    expect(decidePromotion({ ...candidate, contentFiltered: 0 }, production, policy).decision).toBe('promote');
    expect(decidePromotion(candidate, production, policy).checks.find((c) => c.metric === 'contentFiltered')).toMatchObject({
      verdict: 'pass',
      rule: 'no content filter results reported',
    });
  });
});

describe('out-of-scope decline detection', () => {
  it.each([
    "I'm sorry, I can only help with questions about your account and orders.",
    'Sorry, that is outside what I can help with. Please contact our support team for anything else.',
    'Unfortunately I cannot help with that; I can assist with billing, shipping and returns.',
    "That's outside my scope, but I'm happy to help with your subscription.",
    "I don't have information about that.",
    // Redirects: a refusal, then what the assistant does help with.
    'I am not able to give investment advice. If you have a question about a Shoply order, I am happy to help.',
    "I can't recommend a landscaper. If you have any questions about your delivery, just ask.",
    // …in other languages (the out-of-scope phrases of the reply rules).
    'Das liegt leider außerhalb meines Bereichs. Bei Fragen zu Ihrer Bestellung helfe ich gerne.',
    'Je ne peux pas vous donner de conseils financiers, mais je peux vous aider avec votre commande.',
  ])('counts %j as declined', (reply) => {
    expect(isDeclineOrRedirect(reply)).toBe(true);
  });

  it.each([
    'There are 25 prime numbers between 0 and 100.',
    'The gold rush started in 1848 in California.',
    'Sorry for the wait! Your order has shipped.',
    '',
  ])('counts %j as answered', (reply) => {
    expect(isDeclineOrRedirect(reply)).toBe(false);
  });

  it('scores the share of handled probes', () => {
    const r = scoreOutOfScope([
      { question: 'q1', reply: 'Sorry, I can only help with your account.' },
      { question: 'q2', reply: 'It is 42.' },
    ]);
    expect(r).toMatchObject({ probes: 2, handled: 1, share: 0.5, answered: [{ question: 'q2', reply: 'It is 42.' }] });
  });
});

describe('p95 latency: a difference nobody notices is no regression (TUNELOOP_GATE_LATENCY_ALLOWANCE_MS)', () => {
  const quality = { bleu: 30, intentF1: 0.8, oosHandled: 0.9 };
  const withAllowance = (ms: number) => ({ ...policy, latencyAllowanceMs: ms });
  const p95 = (values: readonly number[]) => nearestRankPercentile(values, 95);

  /**
   * Request latencies as a deployment shows them: a typical time with ±30 % jitter and, one request in
   * `stallEvery`, a stall of 2–4× (a busy host, a GC pause). At a few ms such stalls are frequent
   * (timers, scheduling), so the p95 lands among them; at hundreds of ms they are rare and the p95 is
   * the jitter's top (about 1.27× the typical time). Seeded, so every run sees the same numbers.
   */
  function latencies(typicalMs: number, count: number, seed: number, stallEvery = 50): number[] {
    const rng = new SeededRandom(seed);
    return Array.from({ length: count }, () => {
      const jitter = typicalMs * (0.7 + 0.6 * rng.float());
      return rng.below(stallEvery) === 0 ? jitter * (2 + 2 * rng.float()) : jitter;
    });
  }

  /** Gate decision on latency alone (quality equal), with the ratio interval as evaluation measures it. */
  function latencyCheck(
    candidateMs: number[],
    productionMs: number[],
    allowanceMs: number | undefined,
    interval = independentRatioInterval(candidateMs, productionMs, p95),
  ) {
    const gatePolicy = allowanceMs === undefined ? policy : withAllowance(allowanceMs);
    const d = decidePromotion(
      { ...quality, latencyP95Ms: p95(candidateMs), overfitting: false },
      { ...quality, latencyP95Ms: p95(productionMs) },
      gatePolicy,
      { intervals: { latencyP95Ms: interval } },
    );
    return { decision: d.decision, check: d.checks.find((c) => c.metric === 'latencyP95Ms')!, interval };
  }

  it('reads the allowance from settings: 50 ms by default', () => {
    expect(gatePolicy(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' })).latencyAllowanceMs).toBe(50);
    expect(
      gatePolicy(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_GATE_LATENCY_ALLOWANCE_MS: '0' }))
        .latencyAllowanceMs,
    ).toBe(0);
  });

  it('passes equal-ish millisecond latencies instead of being unsure (the demo on the emulator)', () => {
    // Both models answer in about 2 ms; 108 requests each, as the demo's second evaluation.
    const candidate = latencies(2, 108, 7, 12);
    const production = latencies(2, 108, 8, 12);
    // The ratio alone cannot tell: its interval straddles 1.2 although the p95s differ by a millisecond or two.
    const ratioOnly = latencyCheck(candidate, production, 0);
    expect(ratioOnly.interval.low).toBeLessThan(1.2);
    expect(ratioOnly.interval.high).toBeGreaterThan(1.2);
    expect([ratioOnly.decision, ratioOnly.check.verdict]).toEqual(['inconclusive', 'unsure']);
    const judged = latencyCheck(candidate, production, 50);
    expect([judged.decision, judged.check.verdict]).toEqual(['promote', 'pass']);
    expect(judged.check.threshold).toBeCloseTo(1 + 50 / p95(production), 10);
    expect(judged.check.rule).toMatch(/\+ 50 ms allowance, looser here than \+ 20 %\)$/);
  });

  it('passes the demo second evaluation: p95 3.09 ms against 4.77 ms, ratio interval 0.44 … 1.62', () => {
    const iv = { estimate: 0.6467, low: 0.4412, high: 1.6169, n: 108, level: 0.95 as const };
    const at = (allowance: number) =>
      decidePromotion(
        { ...quality, latencyP95Ms: 3.087, overfitting: false },
        { ...quality, latencyP95Ms: 4.7732 },
        withAllowance(allowance),
        {
          intervals: { latencyP95Ms: iv },
        },
      );
    expect(at(0).decision).toBe('inconclusive');
    expect(at(50).decision).toBe('promote');
    // A candidate 7 ms slower than a 5 ms production (ratio 2.4) is still nothing anyone notices.
    const slower = decidePromotion(
      { ...quality, latencyP95Ms: 12, overfitting: false },
      { ...quality, latencyP95Ms: 5 },
      withAllowance(50),
      {
        intervals: { latencyP95Ms: { estimate: 2.4, low: 1.6, high: 4, n: 108, level: 0.95 } },
      },
    );
    expect(slower.decision).toBe('promote');
  });

  it.each([50, 100])('still rejects a candidate 200 ms slower than production at 300 ms (allowance %i ms)', (allowance) => {
    const candidate = latencies(500 / 1.27, 108, 11);
    const production = latencies(300 / 1.27, 108, 12);
    expect(p95(candidate) / 500).toBeCloseTo(1, 1);
    expect(p95(production) / 300).toBeCloseTo(1, 1);
    const judged = latencyCheck(candidate, production, allowance);
    expect(judged.interval.low).toBeGreaterThan(1.2);
    expect([judged.decision, judged.check.verdict]).toEqual(['reject', 'fail']);
    // Without intervals too (point estimates).
    const point = decidePromotion(
      { ...quality, latencyP95Ms: 500, overfitting: false },
      { ...quality, latencyP95Ms: 300 },
      withAllowance(allowance),
    );
    expect(point.decision).toBe('reject');
    // Beyond the allowance but within +20 % of a slow production is a pass, as before.
    expect(
      decidePromotion({ ...quality, latencyP95Ms: 2300, overfitting: false }, { ...quality, latencyP95Ms: 2000 }, withAllowance(allowance))
        .decision,
    ).toBe('promote');
  });

  it('rejects at tens of ms only beyond both limits: 160 ms against 100 ms fails (+60 ms, +60 %), 140 ms passes (+40 ms)', () => {
    const at = (c: number) =>
      decidePromotion({ ...quality, latencyP95Ms: c, overfitting: false }, { ...quality, latencyP95Ms: 100 }, withAllowance(50));
    expect(at(160).decision).toBe('reject');
    expect(at(140).decision).toBe('promote');
    // The ratio alone rejected 140 ms (+40 %).
    expect(decidePromotion({ ...quality, latencyP95Ms: 140, overfitting: false }, { ...quality, latencyP95Ms: 100 }, policy).decision).toBe(
      'reject',
    );
  });

  it('judges latencies of hundreds of ms exactly as the ratio rule did (pass, unsure and fail alike)', () => {
    const verdicts = new Set<string>();
    // Production's p95 is about 1.27× its typical time: 380 ms and up, above 50 ms / 20 % = 250 ms.
    for (const typicalMs of [300, 800, 2000]) {
      for (const growth of [0.9, 1.1, 1.2, 1.25, 1.35, 1.6]) {
        for (const count of [30, 108]) {
          const seed = Math.round(typicalMs * growth) + count;
          const candidate = latencies(typicalMs * growth, count, seed);
          const production = latencies(typicalMs, count, seed + 1);
          const before = latencyCheck(candidate, production, undefined);
          const after = latencyCheck(candidate, production, 50, before.interval);
          expect([after.decision, after.check.verdict, after.check.threshold, after.check.rule]).toEqual([
            before.decision,
            before.check.verdict,
            before.check.threshold,
            before.check.rule,
          ]);
          verdicts.add(before.check.verdict);
        }
      }
    }
    // The scenarios cover every verdict, so "unchanged" is not vacuous.
    expect([...verdicts].sort()).toEqual(['fail', 'pass', 'unsure']);
  });
});
