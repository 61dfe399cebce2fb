import {
  bootstrapInterval,
  clusterBootstrapInterval,
  clustersOf,
  independentRatioInterval,
  itemsNeeded,
  mcnemar,
  pairedDifferenceInterval,
  sampleInterval,
} from '../../../src/shared/evaluation/intervals';

const mean = (idx: Int32Array, values: number[]) => Array.from(idx).reduce((s, i) => s + values[i], 0) / idx.length;

describe('bootstrap intervals', () => {
  it('covers the mean of a Bernoulli sample about as wide as the normal approximation', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // p = 0.25
    const i = bootstrapInterval(400, (idx) => mean(idx, values));
    expect(i.estimate).toBe(0.25);
    const half = 1.96 * Math.sqrt((0.25 * 0.75) / 400); // 0.0424
    expect(Math.abs((i.high - i.low) / 2 - half)).toBeLessThan(0.008);
    expect(i.low).toBeLessThan(0.25);
    expect(i.high).toBeGreaterThan(0.25);
  });

  it('pairs the items: identical models give a zero-width difference', () => {
    const values = Array.from({ length: 50 }, (_, i) => i % 3);
    const d = pairedDifferenceInterval(
      50,
      (idx) => mean(idx, values),
      (idx) => mean(idx, values),
    );
    expect(d).toMatchObject({ estimate: 0, low: 0, high: 0, n: 50 });
  });

  it('ratio of independent samples and a sample statistic', () => {
    const a = Array.from({ length: 100 }, (_, i) => 100 + i);
    const r = independentRatioInterval(a, a, (v) => Math.max(...v));
    expect(r.estimate).toBe(1);
    expect(r.low).toBeLessThanOrEqual(1);
    const s = sampleInterval(a, (v) => v.reduce((x, y) => x + y, 0) / v.length);
    expect(s.estimate).toBeCloseTo(149.5, 10);
    expect(s.low).toBeLessThan(149.5);
  });

  it('is repeatable with its seed', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i * 7) % 11);
    expect(bootstrapInterval(60, (idx) => mean(idx, values), { seed: 3 })).toEqual(
      bootstrapInterval(60, (idx) => mean(idx, values), { seed: 3 }),
    );
  });
});

describe('cluster bootstrap', () => {
  it('groups items by key in order of first appearance', () => {
    expect(clustersOf(['a', 'b', 'a', 'c', 'b']).map((c) => Array.from(c))).toEqual([[0, 2], [1, 4], [3]]);
  });

  it('equals the item bootstrap with one item per cluster, and is about √m wider with m copies of each item', () => {
    const values = Array.from({ length: 80 }, (_, i) => (i * 37) % 13);
    const single = clusterBootstrapInterval(clustersOf(values.map((_, i) => String(i))), (idx) => mean(idx, values));
    expect(single).toEqual(bootstrapInterval(80, (idx) => mean(idx, values)));
    // Each value four times (items 4k … 4k+3 are copies of value k): resampled as 320 items the interval shrinks by half, falsely.
    const copies = values.flatMap((v) => [v, v, v, v]);
    const clusters = clustersOf(copies.map((_, i) => String(Math.floor(i / 4))));
    const clustered = clusterBootstrapInterval(clusters, (idx) => mean(idx, copies));
    const perItem = bootstrapInterval(copies.length, (idx) => mean(idx, copies));
    expect(clustered.n).toBe(80);
    expect(clustered.estimate).toBeCloseTo(single.estimate, 12);
    expect((clustered.high - clustered.low) / (single.high - single.low)).toBeCloseTo(1, 0);
    expect((clustered.high - clustered.low) / (perItem.high - perItem.low)).toBeGreaterThan(1.6);
  });
});

describe("McNemar's test", () => {
  const pairs = (b: number, c: number, both: number) => {
    const cand: boolean[] = [];
    const prod: boolean[] = [];
    for (let i = 0; i < b; i++) {
      cand.push(true);
      prod.push(false);
    }
    for (let i = 0; i < c; i++) {
      cand.push(false);
      prod.push(true);
    }
    for (let i = 0; i < both; i++) {
      cand.push(true);
      prod.push(true);
    }
    return [cand, prod] as const;
  };

  it('exact binomial for few discordant pairs: b=10, c=2 → p = 158/4096', () => {
    expect(mcnemar(...pairs(10, 2, 30))).toEqual({ candidateOnly: 10, productionOnly: 2, pValue: 158 / 4096, method: 'exact' });
  });

  it('chi-square with continuity correction otherwise: b=30, c=15 → p = 0.03689 (scipy chi2.sf(196/45, 1))', () => {
    const r = mcnemar(...pairs(30, 15, 10));
    expect(r.method).toBe('chi-square');
    expect(r.pValue).toBeCloseTo(0.036888, 5);
  });

  it('no discordant pairs: p = 1', () => {
    expect(mcnemar(...pairs(0, 0, 5)).pValue).toBe(1);
  });
});

describe('items needed', () => {
  it('scales the half-width as 1/√n', () => {
    expect(itemsNeeded({ estimate: -0.5, low: -1.5, high: 0.5, n: 100, level: 0.95 }, -1)).toBe(400);
    expect(itemsNeeded({ estimate: -1, low: -2, high: 0, n: 100, level: 0.95 }, -1)).toBeUndefined();
  });
});
