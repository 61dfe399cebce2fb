import { SeededRandom } from './random';

/**
 * Confidence intervals for the gate's metrics: percentile bootstrap at 95 % with sacreBLEU's bounds
 * (sorted resample statistics at index ⌊R/40⌋ and R−⌊R/40⌋−1), paired where both models answered
 * the same items, drawing whole clusters where items are correlated in groups (records of one
 * conversation), and McNemar's test for paired accuracy.
 */

export interface Interval {
  /** The statistic on all items. */
  estimate: number;
  low: number;
  high: number;
  /** Items the statistic was computed from (per model). */
  n: number;
  level: 0.95;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
}

const DEFAULTS = { resamples: 1000, seed: 12345 };

function percentileBounds(values: Float64Array): { low: number; high: number } {
  const sorted = Float64Array.from(values).sort();
  const lower = Math.floor(sorted.length / 40);
  return { low: sorted[lower], high: sorted[sorted.length - lower - 1] };
}

/** A statistic of items 0…n−1, given the indices of one resample (with repetitions). */
export type IndexedStatistic = (indices: Int32Array) => number;

function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Bootstrap interval of one statistic over n items. */
export function bootstrapInterval(n: number, statistic: IndexedStatistic, options: BootstrapOptions = {}): Interval {
  if (n <= 0) throw new RangeError('a bootstrap interval needs at least one item');
  const { resamples, seed } = { ...DEFAULTS, ...options };
  const rng = new SeededRandom(seed);
  const values = new Float64Array(resamples);
  const idx = new Int32Array(n);
  for (let r = 0; r < resamples; r++) values[r] = statistic(rng.resample(n, n, idx));
  return { estimate: statistic(allIndices(n)), ...percentileBounds(values), n, level: 0.95 };
}

/**
 * The items of each cluster (e.g. holdout records by conversation), clusters in order of first
 * appearance: `clustersOf(['a', 'b', 'a'])` = [[0, 2], [1]].
 */
export function clustersOf(keys: readonly string[]): Int32Array[] {
  const members = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const list = members.get(key);
    if (list) list.push(i);
    else members.set(key, [i]);
  });
  return Array.from(members.values(), (list) => Int32Array.from(list));
}

/**
 * Bootstrap interval of a statistic of items that come in clusters (cluster bootstrap): each
 * resample draws as many clusters as there are, with replacement, and passes the statistic every
 * item of each drawn cluster. Items of one cluster are correlated (the records a long conversation
 * was split into); drawing them independently counts one cluster's luck several times and makes the
 * interval too narrow. `n` of the result is the number of clusters. With one item per cluster, in
 * item order, the draws and the result are exactly `bootstrapInterval`'s.
 */
export function clusterBootstrapInterval(
  clusters: readonly Int32Array[],
  statistic: IndexedStatistic,
  options: BootstrapOptions = {},
): Interval {
  const k = clusters.length;
  if (k <= 0) throw new RangeError('a bootstrap interval needs at least one cluster');
  const { resamples, seed } = { ...DEFAULTS, ...options };
  const rng = new SeededRandom(seed);
  let items = 0;
  let largest = 0;
  for (const cluster of clusters) {
    items += cluster.length;
    largest = Math.max(largest, cluster.length);
  }
  const values = new Float64Array(resamples);
  const drawn = new Int32Array(k);
  const idx = new Int32Array(k * largest);
  for (let r = 0; r < resamples; r++) {
    rng.resample(k, k, drawn);
    let m = 0;
    for (let j = 0; j < k; j++) {
      const cluster = clusters[drawn[j]];
      idx.set(cluster, m);
      m += cluster.length;
    }
    values[r] = statistic(idx.subarray(0, m));
  }
  return { estimate: statistic(allIndices(items)), ...percentileBounds(values), n: k, level: 0.95 };
}

/** `pairedDifferenceInterval` over clustered items: each resample draws the same clusters for both. */
export function pairedClusterDifferenceInterval(
  clusters: readonly Int32Array[],
  a: IndexedStatistic,
  b: IndexedStatistic,
  options: BootstrapOptions = {},
): Interval {
  return clusterBootstrapInterval(clusters, (idx) => a(idx) - b(idx), options);
}

/**
 * Interval of `a − b` where a and b are statistics of the same n items (paired: each resample draws
 * the same items for both).
 */
export function pairedDifferenceInterval(n: number, a: IndexedStatistic, b: IndexedStatistic, options: BootstrapOptions = {}): Interval {
  return bootstrapInterval(n, (idx) => a(idx) - b(idx), options);
}

/** Groups of correlated values (their indices): `clustersOf` of each value's conversation, say. */
export interface RatioClusters {
  a: readonly Int32Array[];
  b: readonly Int32Array[];
}

/**
 * Interval of `stat(a) / stat(b)` for two independent samples (latencies of two deployments are not
 * paired item by item): each resample draws from each sample on its own. With `clusters`, each
 * resample draws whole clusters of each sample, as many as it has, with replacement (cluster
 * bootstrap, as `clusterBootstrapInterval`): the requests of one holdout conversation share its
 * prompt length and its moment of load, and drawing them independently makes the interval too
 * narrow. One value per cluster, in value order, draws exactly what no clusters draw. `n` stays the
 * number of values (the smaller sample's).
 */
export function independentRatioInterval(
  a: readonly number[],
  b: readonly number[],
  statistic: (values: readonly number[]) => number,
  options: BootstrapOptions & { clusters?: RatioClusters } = {},
): Interval {
  if (!a.length || !b.length) throw new RangeError('a ratio interval needs samples from both models');
  const { resamples, seed } = { ...DEFAULTS, ...options };
  const rng = new SeededRandom(seed);
  const values = new Float64Array(resamples);
  if (!options.clusters) {
    const ra = new Array<number>(a.length);
    const rb = new Array<number>(b.length);
    for (let r = 0; r < resamples; r++) {
      for (let i = 0; i < a.length; i++) ra[i] = a[rng.below(a.length)];
      for (let i = 0; i < b.length; i++) rb[i] = b[rng.below(b.length)];
      values[r] = statistic(ra) / statistic(rb);
    }
  } else {
    const { a: ca, b: cb } = options.clusters;
    if (!ca.length || !cb.length) throw new RangeError('a ratio interval needs clusters from both models');
    const ra: number[] = [];
    const rb: number[] = [];
    const draw = (sample: readonly number[], clusters: readonly Int32Array[], out: number[]) => {
      out.length = 0;
      for (let j = 0; j < clusters.length; j++) {
        const cluster = clusters[rng.below(clusters.length)];
        for (let k = 0; k < cluster.length; k++) out.push(sample[cluster[k]]);
      }
    };
    for (let r = 0; r < resamples; r++) {
      draw(a, ca, ra);
      draw(b, cb, rb);
      values[r] = statistic(ra) / statistic(rb);
    }
  }
  return { estimate: statistic(a) / statistic(b), ...percentileBounds(values), n: Math.min(a.length, b.length), level: 0.95 };
}

/**
 * Interval of a statistic of one sample of values (e.g. p95 latency, mean CSAT). With `clusters`
 * (indices of correlated values), whole clusters are drawn (`clusterBootstrapInterval`); `n` stays
 * the number of values.
 */
export function sampleInterval(
  values: readonly number[],
  statistic: (values: readonly number[]) => number,
  options: BootstrapOptions & { clusters?: readonly Int32Array[] } = {},
): Interval {
  const picked: number[] = [];
  const ofPicked = (idx: Int32Array) => {
    picked.length = idx.length;
    for (let i = 0; i < idx.length; i++) picked[i] = values[idx[i]];
    return statistic(picked);
  };
  if (options.clusters) return { ...clusterBootstrapInterval(options.clusters, ofPicked, options), n: values.length };
  return bootstrapInterval(values.length, ofPicked, options);
}

export interface McNemarResult {
  /** Items only the candidate got right. */
  candidateOnly: number;
  /** Items only production got right. */
  productionOnly: number;
  pValue: number;
  /** `exact` binomial (fewer than 25 discordant items) or `chi-square` with continuity correction. */
  method: 'exact' | 'chi-square';
}

/** McNemar's test on paired right/wrong outcomes of two models on the same items (two-sided). */
export function mcnemar(candidateCorrect: readonly boolean[], productionCorrect: readonly boolean[]): McNemarResult {
  if (candidateCorrect.length !== productionCorrect.length) throw new RangeError('McNemar needs the same items for both models');
  let b = 0;
  let c = 0;
  for (let i = 0; i < candidateCorrect.length; i++) {
    if (candidateCorrect[i] && !productionCorrect[i]) b++;
    else if (!candidateCorrect[i] && productionCorrect[i]) c++;
  }
  const discordant = b + c;
  if (discordant === 0) return { candidateOnly: b, productionOnly: c, pValue: 1, method: 'exact' };
  if (discordant < 25) {
    // Two-sided exact binomial test of min(b, c) under p = ½.
    const k = Math.min(b, c);
    let tail = 0;
    let term = Math.pow(0.5, discordant);
    for (let i = 0; i <= k; i++) {
      tail += term;
      term = (term * (discordant - i)) / (i + 1);
    }
    return { candidateOnly: b, productionOnly: c, pValue: Math.min(1, 2 * tail), method: 'exact' };
  }
  const chi = (Math.abs(b - c) - 1) ** 2 / discordant;
  return { candidateOnly: b, productionOnly: c, pValue: chiSquare1Survival(chi), method: 'chi-square' };
}

/** P(χ²₁ > x) = erfc(√(x/2)). */
function chiSquare1Survival(x: number): number {
  return erfc(Math.sqrt(x / 2));
}

/** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851973 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * How many items in total would make the interval's half-width small enough to keep `threshold`
 * outside it, assuming the half-width shrinks as 1/√n and the estimate stays put. Undefined when
 * the estimate sits on the threshold (no sample size tells them apart).
 */
export function itemsNeeded(interval: Interval, threshold: number): number | undefined {
  const halfWidth = (interval.high - interval.low) / 2;
  const distance = Math.abs(interval.estimate - threshold);
  if (distance < 1e-12 || !Number.isFinite(halfWidth)) return undefined;
  if (halfWidth <= distance) return interval.n;
  return Math.ceil(interval.n * (halfWidth / distance) ** 2);
}
