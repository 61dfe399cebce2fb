import { intentF1 } from '../../../src/shared/evaluation/f1';
import { GATE_F1 } from '../../../src/shared/evaluation/evaluate';
import { pairedDifferenceInterval } from '../../../src/shared/evaluation/intervals';
import { decidePromotion } from '../../../src/shared/evaluation/gate';
import { TEST_GATE_POLICY as policy } from './fixtures';

/**
 * The gate's intent check averages F1 over the holdout's labels. An answer that is no holdout label
 * ("(unrecognised)", or an intent the holdout lacks) is a miss of its conversation's class; counted
 * as a class of its own it cost 1/(k+1) of macro-F1 and a more accurate candidate was rejected.
 */
describe('gate intent F1 with answers outside the holdout labels', () => {
  const labels = ['account', 'billing', 'returns', 'shipping', 'order_change'];
  const n = 200;
  const gold = Array.from({ length: n }, (_, i) => labels[i % labels.length]);
  // Production: 10 conversations labelled with another holdout label (95 % accurate).
  const production = gold.map((g, i) => (i % 20 === 0 ? labels[(labels.indexOf(g) + 1) % labels.length] : g));
  // Candidate: 5 answers that are no holdout label (97.5 % accurate).
  const candidate = gold.map((g, i) => ([5, 56, 107, 158, 199].includes(i) ? '(unrecognised)' : g));
  const statistic = (predicted: string[]) => (idx: Int32Array) =>
    intentF1(
      Array.from(idx, (i) => gold[i]),
      Array.from(idx, (i) => predicted[i]),
      GATE_F1,
    ).macroF1;
  const all = Int32Array.from({ length: n }, (_, i) => i);

  it('averages over the gold labels only (sklearn f1_score(labels=sorted(set(y_true)), average="macro"))', () => {
    // Each class: 40 gold; candidate misses 1 of 40 in 5 classes → recall 39/40, precision 1 → F1 78/79.
    expect(statistic(candidate)(all)).toBeCloseTo(78 / 79, 12);
    // The per-class table still shows the unrecognised answers.
    expect(intentF1(gold, candidate, GATE_F1).labels).toContain('(unrecognised)');
    // The default stays sklearn's unique_labels average (the `tuneloop f1` command).
    expect(intentF1(gold, candidate).macroF1).toBeCloseTo((5 * 78) / 79 / 6, 12);
  });

  it('does not reject a candidate more accurate than production', () => {
    const interval = pairedDifferenceInterval(n, statistic(candidate), statistic(production));
    expect(interval.estimate).toBeGreaterThan(0);
    const d = decidePromotion(
      { bleu: 30, intentF1: statistic(candidate)(all), latencyP95Ms: 100, oosHandled: 0.9, overfitting: false },
      { bleu: 30, intentF1: statistic(production)(all), latencyP95Ms: 100, oosHandled: 0.9 },
      policy,
      { intervals: { intentF1: interval } },
    );
    expect(d.checks.find((c) => c.metric === 'intentF1')?.verdict).toBe('pass');
    expect(d.decision).toBe('promote');
  });
});
