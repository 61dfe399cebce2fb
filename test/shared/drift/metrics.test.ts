import {
  binCounts,
  categoricalCounts,
  jensenShannonDistance,
  jensenShannonDivergence,
  outOfVocabularyRate,
  populationStabilityIndex,
  quantileBinEdges,
  quantilePsi,
  unigramTokens,
  DriftInputError,
} from '../../../src/shared/drift/metrics';

/**
 * Expected values come from two places:
 * 1. scipy 1.10.1 / numpy, run once (Debian python3-scipy) and pasted here with the code that made
 *    them, so CI needs no Python:
 *      from scipy.spatial.distance import jensenshannon; from scipy.special import rel_entr
 *      jensenshannon(p, q, base=2)**2, np.sum(rel_entr(q_s, p_s) + rel_entr(p_s, q_s)),
 *      np.unique(np.quantile(ref, [k/10 for k in range(1, 10)])), np.searchsorted(edges, v, side='left')
 * 2. the reference formulas written out again below, independently of src/shared/drift.
 */
const TOLERANCE = 1e-6;

/** scipy.special.rel_entr */
const relEntr = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(x / y));

/** scipy.spatial.distance.jensenshannon, written out from scipy's source formula. */
function scipyJensenShannon(p: number[], q: number[], base?: number): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  const pn = p.map((v) => v / sp);
  const qn = q.map((v) => v / sq);
  const m = pn.map((v, i) => (v + qn[i]) / 2);
  let js = pn.reduce((s, v, i) => s + relEntr(v, m[i]), 0) + qn.reduce((s, v, i) => s + relEntr(v, m[i]), 0);
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js / 2);
}

describe('Jensen–Shannon divergence = scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2', () => {
  const p = [10, 20, 30, 0];
  const q = [5, 25, 10, 15];
  it('matches scipy', () => {
    expect(Math.abs(jensenShannonDivergence(p, q) - 0.20696340345203196)).toBeLessThan(TOLERANCE);
    expect(Math.abs(jensenShannonDivergence(p, q, Math.E) - 0.1434560995818664)).toBeLessThan(TOLERANCE);
    expect(Math.abs(jensenShannonDistance(p, q) - 0.45493230645012667)).toBeLessThan(TOLERANCE);
  });
  it('matches the written-out reference formula on other inputs', () => {
    const cases: [number[], number[]][] = [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [3, 3, 3],
        [3, 3, 3],
      ],
      [
        [0.1, 0.4, 0.5],
        [0.8, 0.15, 0.05],
      ],
      [
        [50, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 45],
      ],
    ];
    for (const [a, b] of cases) {
      expect(Math.abs(jensenShannonDivergence(a, b) - scipyJensenShannon(a, b, 2) ** 2)).toBeLessThan(TOLERANCE);
      expect(Math.abs(jensenShannonDivergence(b, a) - jensenShannonDivergence(a, b))).toBeLessThan(1e-12);
    }
    expect(jensenShannonDivergence([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannonDivergence([3, 3, 3], [3, 3, 3])).toBe(0);
  });
  it('refuses mismatched or empty inputs with a clear error', () => {
    expect(() => jensenShannonDivergence([1, 2], [1])).toThrow(DriftInputError);
    expect(() => jensenShannonDivergence([0, 0], [1, 1])).toThrow(/no observations/);
    expect(() => jensenShannonDivergence([-1, 2], [1, 1])).toThrow(/≥ 0/);
  });
});

describe('population stability index = Σ rel_entr(q,p) + rel_entr(p,q) on (c + 0.5)-smoothed proportions', () => {
  it('matches scipy', () => {
    const reference = [120, 80, 50, 0, 10];
    const recent = [60, 90, 70, 25, 5];
    expect(Math.abs(populationStabilityIndex(reference, recent) - 0.5875928335167333)).toBeLessThan(TOLERANCE);
  });
  it('matches the textbook formula Σ (q−p)·ln(q/p) and is symmetric, zero for identical samples', () => {
    const reference = [40, 30, 20, 10];
    const recent = [10, 20, 30, 40];
    const smooth = (c: number[]) => c.map((v) => (v + 0.5) / (c.reduce((a, b) => a + b, 0) + 0.5 * c.length));
    const p = smooth(reference);
    const q = smooth(recent);
    const expected = p.reduce((s, pi, i) => s + (q[i] - pi) * Math.log(q[i] / pi), 0);
    expect(Math.abs(populationStabilityIndex(reference, recent) - expected)).toBeLessThan(TOLERANCE);
    expect(populationStabilityIndex(recent, reference)).toBeCloseTo(populationStabilityIndex(reference, recent), 12);
    expect(populationStabilityIndex(reference, reference)).toBe(0);
    expect(Number.isFinite(populationStabilityIndex([10, 0], [0, 10]))).toBe(true);
  });
});

describe('quantile bins of the reference (numpy.quantile linear, numpy.searchsorted side=left)', () => {
  const reference = [3, 5, 5, 6, 8, 9, 12, 12, 12, 15, 18, 20, 21, 25, 30, 31, 40, 41, 55, 80];
  const recent = [10, 12, 14, 20, 22, 25, 33, 35, 38, 41, 44, 50, 52, 60, 61, 70, 72, 90, 100, 120];
  it('edges and counts match numpy', () => {
    const edges = quantileBinEdges(reference);
    const numpyEdges = [
      5.0, 7.6000000000000005, 11.100000000000001, 12.0, 16.5, 20.4, 26.499999999999993, 32.80000000000001, 42.40000000000002,
    ];
    expect(edges).toHaveLength(numpyEdges.length);
    edges.forEach((e, i) => expect(Math.abs(e - numpyEdges[i])).toBeLessThan(TOLERANCE));
    expect(binCounts(reference, edges)).toEqual([3, 1, 2, 3, 1, 2, 2, 2, 2, 2]);
    expect(binCounts(recent, edges)).toEqual([0, 0, 1, 1, 1, 1, 2, 0, 4, 10]);
  });
  it('quantile PSI matches scipy', () => {
    expect(Math.abs(quantilePsi(reference, recent).psi - 1.0211086024450984)).toBeLessThan(TOLERANCE);
  });
  it('drops duplicate edges of integer quantities (turns)', () => {
    const edges = quantileBinEdges([2, 2, 2, 2, 4, 4, 4, 6, 6, 8]);
    const numpyEdges = [2.0, 3.2, 4.0, 4.6, 6.0, 6.199999999999999];
    edges.forEach((e, i) => expect(Math.abs(e - numpyEdges[i])).toBeLessThan(TOLERANCE));
    expect(edges).toHaveLength(6);
  });
  it('a constant reference still shows a shift', () => {
    expect(quantilePsi([4, 4, 4, 4], [4, 4, 4, 4]).psi).toBe(0);
    expect(quantilePsi([4, 4, 4, 4], [9, 9, 9, 9]).psi).toBeGreaterThan(1);
  });
});

describe('categorical and token helpers', () => {
  it('aligns categories on the sorted union', () => {
    expect(categoricalCounts(['b', 'a', 'b'], ['c', 'b'])).toEqual({
      categories: ['a', 'b', 'c'],
      reference: [1, 2, 0],
      recent: [0, 1, 1],
    });
  });
  it('tokenises words and numbers, lower-cased', () => {
    expect(unigramTokens("I can't pay 20 EUR — Café!")).toEqual(['i', "can't", 'pay', '20', 'eur', 'café']);
  });
  it('out-of-vocabulary rate counts occurrences', () => {
    const ref = new Map([
      ['card', 3],
      ['pay', 1],
    ]);
    const rec = new Map([
      ['card', 2],
      ['coffee', 1],
      ['latte', 1],
    ]);
    expect(outOfVocabularyRate(ref, rec)).toBe(0.5);
  });
});
