import { gatePolicy } from '../../../src/shared/composition/config';
import { loadSettings } from '../../../src/shared/config/settings';
import { differenceIntervals, itemStatistics } from '../../../src/shared/evaluation/evaluate';
import { decidePromotion } from '../../../src/shared/evaluation/gate';
import { isDeclineOrRedirect } from '../../../src/shared/evaluation/oos';
import { OOS_PROBES } from '../../../src/shared/evaluation/oosProbes';

/**
 * The out-of-scope check on the shipped probe set, with scripted replies: the paired difference
 * interval over OOS_PROBES.length probes, as evaluation computes it, judged at the default margin
 * (TUNELOOP_GATE_MAX_OOS_DROP 0.05). With 36 probes two disagreements already left the check unsure
 * (interval about ±0.1), so it could only ever end a comparison inconclusive.
 */
describe('gate out-of-scope check on the shipped probe set', () => {
  const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
  const policy = gatePolicy(settings);
  const resamples = settings.TUNELOOP_GATE_BOOTSTRAP_RESAMPLES;
  const n = OOS_PROBES.length;
  const DECLINE = 'I am sorry, I can only help with questions about your orders, returns and account.';
  const ANSWER = 'Sure: it is about 42.';
  // Production answers one probe in ten and declines the rest, as the demo's production does.
  const productionAnswers = new Set(OOS_PROBES.map((_, i) => i).filter((i) => i % 10 === 5));
  const productionDeclines = OOS_PROBES.map((_, i) => i).filter((i) => !productionAnswers.has(i));

  /** `count` of `from`, evenly spaced (so the differing probes are not bunched at one end). */
  const spread = (from: readonly number[], count: number) =>
    Array.from({ length: count }, (_, j) => from[Math.floor((j * from.length) / count)]);

  function oosCheck(candidateAnswers: ReadonlySet<number>) {
    const answers = (answered: ReadonlySet<number>) => ({
      replies: [],
      intents: [],
      latenciesMs: [],
      probes: OOS_PROBES.map((p, i) => ({ question: p.text, reply: answered.has(i) ? ANSWER : DECLINE })),
    });
    const candidate = itemStatistics(answers(candidateAnswers), undefined);
    const production = itemStatistics(answers(productionAnswers), undefined);
    const interval = differenceIntervals(candidate, production, resamples).oosHandled!;
    const same = { bleu: 30, intentF1: 0.8, latencyP95Ms: 100 };
    const share = (answered: ReadonlySet<number>) => 1 - answered.size / n;
    const decision = decidePromotion(
      { ...same, oosHandled: share(candidateAnswers), overfitting: false },
      { ...same, oosHandled: share(productionAnswers) },
      policy,
      { intervals: { oosHandled: interval } },
    );
    return { decision: decision.decision, check: decision.checks.find((c) => c.metric === 'oosHandled')!, interval };
  }

  it('scripts replies the decline detector reads as meant', () => {
    expect(isDeclineOrRedirect(DECLINE)).toBe(true);
    expect(isDeclineOrRedirect(ANSWER)).toBe(false);
    expect(policy.maxOosDrop).toBe(0.05);
  });

  it('measures the same decline rate on both models without a doubt', () => {
    const { decision, check, interval } = oosCheck(productionAnswers);
    expect([interval.low, interval.high]).toEqual([0, 0]);
    expect([check.verdict, decision]).toEqual(['pass', 'promote']);
  });

  it.each([
    ['answers 2 probes production declines', spread(productionDeclines, 2), []],
    [
      'answers 1 probe production declines and declines 1 production answers',
      spread(productionDeclines, 1),
      [...productionAnswers].slice(0, 1),
    ],
    ['declines 2 probes production answers', [], [...productionAnswers].slice(0, 2)],
  ])('promotes a candidate that %s', (_, moreAnswered, moreDeclined) => {
    const answered = new Set([...productionAnswers, ...moreAnswered].filter((i) => !moreDeclined.includes(i)));
    const { decision, check, interval } = oosCheck(answered);
    expect(interval.n).toBe(n);
    expect(interval.low).toBeGreaterThan(-policy.maxOosDrop);
    expect([check.verdict, decision]).toEqual(['pass', 'promote']);
  });

  it('rejects a candidate that answers 20 % of the probes production declines', () => {
    const answered = new Set([...productionAnswers, ...spread(productionDeclines, Math.round(0.2 * productionDeclines.length))]);
    const { decision, check, interval } = oosCheck(answered);
    expect(interval.estimate).toBeCloseTo(-0.2 * (productionDeclines.length / n), 2);
    expect(interval.high).toBeLessThan(-policy.maxOosDrop);
    expect([check.verdict, decision]).toEqual(['fail', 'reject']);
  });

  it('never passes a candidate whose measured drop reaches the margin', () => {
    const atMargin = Math.ceil(policy.maxOosDrop * n);
    const { check } = oosCheck(new Set([...productionAnswers, ...spread(productionDeclines, atMargin)]));
    expect(check.delta!).toBeLessThanOrEqual(-policy.maxOosDrop);
    expect(check.verdict).not.toBe('pass');
  });
});
