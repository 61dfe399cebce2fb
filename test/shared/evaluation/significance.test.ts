import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusBleu, segmentStatisticsTable } from '../../../src/shared/evaluation/bleu';
import { SeededRandom } from '../../../src/shared/evaluation/random';
import { estimateCi, pairedApproximateRandomization, pairedBootstrap } from '../../../src/shared/evaluation/significance';

/**
 * Fixed vectors: test/fixtures/significance/expected.json was computed once by
 * test/fixtures/significance/make_vectors.py, a re-implementation of sacreBLEU 2.x's procedure
 * (sacrebleu/significance.py) run with numpy, because sacreBLEU itself cannot be installed here (no
 * PyPI). tuneloop's generator is not numpy's, so resamples differ: every number must agree within
 * Monte-Carlo error, i.e. within 4.5 × √2 × (its standard deviation across 40 seeds of the same
 * Python procedure, stored with the vectors), √2 because both sides are one random draw.
 */
const dir = join(__dirname, '../../fixtures/significance');
const lines = (name: string) => readFileSync(join(dir, name), 'utf8').replace(/\n$/, '').split('\n');
interface ExpectedSystem {
  system: string;
  score: number;
  mean: number;
  ci: number;
  p_value: number | null;
  p_value_ar: number | null;
  sd: { mean: number; ci: number; p_value?: number; p_value_ar?: number };
}
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { segments: number; systems: ExpectedSystem[] };
const refs = lines('ref.txt');
const tables = expected.systems.map((s) => segmentStatisticsTable(lines(s.system), [refs]));

function within(actual: number, wanted: number, sd: number): void {
  const tolerance = 4.5 * Math.SQRT2 * sd + 1e-9;
  if (Math.abs(actual - wanted) > tolerance) {
    throw new Error(`${actual} differs from ${wanted} by more than ${tolerance} (4.5·√2·sd, sd ${sd})`);
  }
}

describe('paired significance tests, against sacreBLEU 2.x procedure vectors', () => {
  it('uses the same per-segment statistics as corpus BLEU', () => {
    expect(tables[0].segments).toBe(expected.segments);
    for (const [i, s] of expected.systems.entries()) {
      expect(pairedBootstrap([tables[i]], { resamples: 1 })[0].score).toBeCloseTo(corpusBleu(lines(s.system), [refs]).score, 10);
      expect(corpusBleu(lines(s.system), [refs]).score).toBeCloseTo(s.score, 9);
    }
  });

  it('paired bootstrap: score, mean, 95 % CI and p-value within Monte-Carlo error', () => {
    const results = pairedBootstrap(tables, { resamples: 1000, seed: 12345 });
    for (const [i, s] of expected.systems.entries()) {
      expect(results[i].score).toBeCloseTo(s.score, 9);
      within(results[i].mean!, s.mean, s.sd.mean);
      within(results[i].ci!, s.ci, s.sd.ci);
      if (s.p_value === null) expect(results[i].p_value).toBeNull();
      else within(results[i].p_value!, s.p_value, s.sd.p_value!);
    }
  });

  it('approximate randomization: p-values within Monte-Carlo error, no CI', () => {
    const results = pairedApproximateRandomization(tables, { trials: 10000, seed: 12345 });
    expect(results[0]).toEqual({ score: expected.systems[0].score, mean: null, ci: null, p_value: null });
    for (const [i, s] of expected.systems.entries()) {
      if (i === 0) continue;
      // The AR p-value of a clearly different system is near its floor 1/(n+1); allow one count either side.
      within(results[i].p_value!, s.p_value_ar!, Math.max(s.sd.p_value_ar!, 1 / 10001));
    }
  });

  it('is repeatable with a seed and changes with another', () => {
    const a = pairedBootstrap(tables, { resamples: 200, seed: 7 });
    expect(pairedBootstrap(tables, { resamples: 200, seed: 7 })).toEqual(a);
    expect(pairedBootstrap(tables, { resamples: 200, seed: 8 })[1].mean).not.toBe(a[1].mean);
  });

  it('a system against itself gets the smallest p-value, as in sacreBLEU (strict > on a zero difference)', () => {
    // sacreBLEU counts resamples whose statistic is strictly greater than the real difference; with
    // identical systems both are 0, so c = 0 and p = 1/(n+1). The gate therefore never reads a
    // p-value alone: it works with intervals of the difference.
    expect(pairedBootstrap([tables[1], tables[1]], { resamples: 300 })[1].p_value).toBe(1 / 301);
    expect(pairedApproximateRandomization([tables[1], tables[1]], { trials: 300 })[1].p_value).toBe(1 / 301);
  });

  it('refuses systems of different lengths', () => {
    const short = segmentStatisticsTable(lines('baseline.txt').slice(1), [refs.slice(1)]);
    expect(() => pairedBootstrap([tables[0], short])).toThrow(/299 segments but the baseline has 300/);
  });
});

describe('estimateCi and the generator', () => {
  it('estimate_ci takes the ⌊n/40⌋-th sorted scores from each end', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => 999 - i);
    // sorted 0..999: lower index 25, upper index 974 → ci = (974 − 25) / 2
    expect(estimateCi(scores)).toEqual({ mean: 499.5, ci: 474.5 });
  });

  it('draws indices uniformly', () => {
    const rng = new SeededRandom(1);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.below(7)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(450);
  });
});
