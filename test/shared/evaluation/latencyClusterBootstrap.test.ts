import { differenceIntervals, itemStatistics, valueIntervals, type ModelAnswers } from '../../../src/shared/evaluation/evaluate';
import { decidePromotion } from '../../../src/shared/evaluation/gate';
import { clustersOf, independentRatioInterval, sampleInterval } from '../../../src/shared/evaluation/intervals';
import { nearestRankPercentile } from '../../../src/shared/evaluation/latency';
import { SeededRandom } from '../../../src/shared/evaluation/random';
import { TEST_GATE_POLICY as policy } from './fixtures';

/**
 * The gate's latency intervals resample holdout conversations, not requests. A conversation's
 * reply and intent requests share its prompt length (a long conversation is a long prompt every
 * time) and the load of the moment they were sent; drawing them independently counts one
 * conversation's slowness several times and makes the interval too narrow.
 */

type Answers = Pick<ModelAnswers, 'replies' | 'intents' | 'probes' | 'latenciesMs' | 'latencyGroups'>;
const p95 = (values: readonly number[]) => nearestRankPercentile(values, 95);
const quality = { bleu: 30, intentF1: 0.8, oosHandled: 0.9 };

/**
 * One model's latencies on `conversations` holdout conversations of `requests` requests each (replies
 * and the intent): each conversation has a speed of its own (0.5–2.5× the typical time, drawn once;
 * prompt length and load) and each request ±10 % jitter around it.
 */
function answers(typicalMs: number, conversations: number, requests: number, seed: number): Answers {
  const rng = new SeededRandom(seed);
  const out: Answers = { replies: [], intents: [], probes: [], latenciesMs: [], latencyGroups: [] };
  for (let c = 0; c < conversations; c++) {
    const speed = 0.5 + 2 * rng.float() ** 3;
    for (let r = 0; r < requests; r++) {
      out.latenciesMs.push(typicalMs * speed * (0.9 + 0.2 * rng.float()));
      out.latencyGroups.push(`conversation:conv-${c}`);
    }
  }
  return out;
}

function latencyVerdict(
  candidate: Answers,
  production: Answers,
  interval = differenceIntervals(itemStatistics(candidate, undefined), itemStatistics(production, undefined), 1000).latencyP95Ms!,
) {
  const d = decidePromotion(
    { ...quality, latencyP95Ms: p95(candidate.latenciesMs), overfitting: false },
    { ...quality, latencyP95Ms: p95(production.latenciesMs) },
    { ...policy, latencyAllowanceMs: 50 },
    { intervals: { latencyP95Ms: interval } },
  );
  return { interval, verdict: d.checks.find((c) => c.metric === 'latencyP95Ms')!.verdict };
}

describe('latency intervals resample holdout conversations', () => {
  it("widens the interval when a conversation's requests are correlated, and stops a sure pass on 40 conversations", () => {
    // Two equally fast models (600 ms typical, production p95 well above the 250 ms where the
    // allowance stops mattering), 40 conversations of 4 requests each.
    const candidate = answers(600, 40, 4, 31);
    const production = answers(600, 40, 4, 32);
    const perRequest = independentRatioInterval(candidate.latenciesMs, production.latenciesMs, p95);
    const clustered = latencyVerdict(candidate, production);
    const width = (i: { low: number; high: number }) => i.high - i.low;
    expect(clustered.interval.estimate).toBe(perRequest.estimate);
    expect(clustered.interval.n).toBe(160);
    expect(width(clustered.interval) / width(perRequest)).toBeGreaterThan(1.4);
    // Per request the evidence looked like 160 independent measurements: a pass; it is 40 conversations.
    expect(latencyVerdict(candidate, production, perRequest).verdict).toBe('pass');
    expect(clustered.verdict).toBe('unsure');

    const value = valueIntervals(itemStatistics(candidate, undefined), 1000).latencyP95Ms!;
    const valuePerRequest = sampleInterval(candidate.latenciesMs, p95, { resamples: 1000 });
    expect(value.n).toBe(160);
    expect(width(value) / width(valuePerRequest)).toBeGreaterThan(1.4);
  });

  it('gives exactly the per-request intervals when every request is its own group (probes; answers without groups)', () => {
    const rng = new SeededRandom(5);
    const ms = (n: number) => Array.from({ length: n }, () => 300 * (0.7 + 0.6 * rng.float()));
    const c = { replies: [], intents: [], probes: [], latenciesMs: ms(108) };
    const p = { replies: [], intents: [], probes: [], latenciesMs: ms(100) };
    const probes = (a: typeof c) => ({ ...a, latencyGroups: a.latenciesMs.map((_, i) => `probe:${i}`) });
    const expected = independentRatioInterval(c.latenciesMs, p.latenciesMs, p95, { resamples: 1000 });
    for (const [x, y] of [
      [c, p],
      [probes(c), probes(p)],
    ]) {
      expect(differenceIntervals(itemStatistics(x, undefined), itemStatistics(y, undefined), 1000).latencyP95Ms).toEqual(expected);
      expect(valueIntervals(itemStatistics(x, undefined), 1000).latencyP95Ms).toEqual(
        sampleInterval(x.latenciesMs, p95, { resamples: 1000 }),
      );
    }
    const singletons = { a: clustersOf(c.latenciesMs.map((_, i) => String(i))), b: clustersOf(p.latenciesMs.map((_, i) => String(i))) };
    expect(independentRatioInterval(c.latenciesMs, p.latenciesMs, p95, { resamples: 1000, clusters: singletons })).toEqual(expected);
  });

  /** gate.test.ts's seeded request latencies: ±30 % jitter, one request in 50 a stall of 2–4×. */
  function latencies(typicalMs: number, count: number, seed: number): number[] {
    const rng = new SeededRandom(seed);
    return Array.from({ length: count }, () => {
      const jitter = typicalMs * (0.7 + 0.6 * rng.float());
      return rng.below(50) === 0 ? jitter * (2 + 2 * rng.float()) : jitter;
    });
  }

  it("keeps the verdicts of gate.test.ts's 36 seeded latency scenarios when their requests come three to a conversation", () => {
    const verdicts = new Set<string>();
    const grouped = (latenciesMs: number[]): Answers => ({
      replies: [],
      intents: [],
      probes: [],
      latenciesMs,
      latencyGroups: latenciesMs.map((_, i) => `conversation:conv-${Math.floor(i / 3)}`),
    });
    for (const typicalMs of [300, 800, 2000]) {
      for (const growth of [0.9, 1.1, 1.2, 1.25, 1.35, 1.6]) {
        for (const count of [30, 108]) {
          const seed = Math.round(typicalMs * growth) + count;
          const candidate = grouped(latencies(typicalMs * growth, count, seed));
          const production = grouped(latencies(typicalMs, count, seed + 1));
          const perRequest = latencyVerdict(
            candidate,
            production,
            independentRatioInterval(candidate.latenciesMs, production.latenciesMs, p95),
          );
          const byConversation = latencyVerdict(candidate, production);
          expect({ typicalMs, growth, count, verdict: byConversation.verdict }).toEqual({
            typicalMs,
            growth,
            count,
            verdict: perRequest.verdict,
          });
          verdicts.add(perRequest.verdict);
        }
      }
    }
    expect([...verdicts].sort()).toEqual(['fail', 'pass', 'unsure']);
  });
});
