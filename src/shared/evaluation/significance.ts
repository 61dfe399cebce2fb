import { bleuFromSummedRow, type SegmentStatisticsTable } from './bleu';
import { SeededRandom } from './random';

/**
 * Paired significance tests for corpus BLEU as sacreBLEU 2.x defines them (sacrebleu/significance.py;
 * Koehn 2004 for the bootstrap, Riezler & Maxwell 2005 / MultEval for approximate randomization),
 * re-implemented from that definition:
 *
 * - paired bootstrap: `resamples` draws of segment indices with replacement, the same draws for the
 *   baseline and every system; a system's `mean` and `ci` come from its resampled scores (sorted,
 *   bounds at index ⌊n/40⌋ and n−⌊n/40⌋−1, ci = half the distance between them); the p-value counts
 *   resamples whose centred absolute difference |sys − base| − mean(|sys − base|) exceeds the real
 *   absolute difference: p = (c + 1) / (n + 1);
 * - approximate randomization: per trial each segment's statistics are swapped between the two
 *   systems with probability ½; p = (c + 1) / (trials + 1) where c counts trials whose absolute
 *   score difference exceeds the real one.
 *
 * Everything works on per-segment sufficient statistics: nothing is tokenised again per resample.
 * The random generator is tuneloop's own (`SeededRandom`), so results match sacreBLEU within
 * Monte-Carlo error for the same data, not digit for digit.
 */

export interface PairedTestResult {
  /** Corpus BLEU on all segments. */
  score: number;
  /** Mean of the bootstrap scores (null when no bootstrap was run, as sacreBLEU's `--paired-ar`). */
  mean: number | null;
  /** Half-width of the 95 % bootstrap interval. */
  ci: number | null;
  /** Against the baseline (null for the baseline itself). */
  p_value: number | null;
}

export interface PairedTestOptions {
  /** sacreBLEU's default seed is 12345 (`SACREBLEU_SEED`). */
  seed?: number;
  signal?: AbortSignal;
}

export const DEFAULT_SEED = 12345;
export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
export const DEFAULT_AR_TRIALS = 10000;

/** sacreBLEU's `estimate_ci`: mean of the scores and half the width of the central 95 %. */
export function estimateCi(scores: ArrayLike<number>): { mean: number; ci: number } {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('estimateCi needs at least one score');
  const lowerIdx = Math.floor(n / 40);
  const upperIdx = n - lowerIdx - 1;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { mean: sum / n, ci: 0.5 * (sorted[upperIdx] - sorted[lowerIdx]) };
}

/** The (c + 1) / (n + 1) estimate sacreBLEU takes from MultEval: strictly greater counts. */
export function pValueFromCounts(exceeding: number, samples: number): number {
  return (exceeding + 1) / (samples + 1);
}

function checkCompatible(baseline: SegmentStatisticsTable, systems: readonly SegmentStatisticsTable[]): void {
  for (const [i, s] of systems.entries()) {
    if (s.segments !== baseline.segments) {
      throw new RangeError(
        `system ${i + 2} has ${s.segments} segments but the baseline has ${baseline.segments}; paired tests need the same segments`,
      );
    }
    if (s.width !== baseline.width) throw new RangeError(`system ${i + 2} was scored with another n-gram order than the baseline`);
  }
  if (baseline.segments === 0) throw new RangeError('paired tests need at least one segment');
}

function totals(table: SegmentStatisticsTable): Float64Array {
  const sums = new Float64Array(table.width);
  const { rows, width } = table;
  for (let i = 0; i < rows.length; i += width) for (let k = 0; k < width; k++) sums[k] += rows[i + k];
  return sums;
}

// Two whole-number columns share one double as low + high · 2²⁶; exact while every resampled sum of
// the low column stays below 2²⁶ and of the high one below 2²⁷ (checked, else the plain path runs).
const PACK = 2 ** 26;

/**
 * The bootstrap's hot loop on as few numbers as possible. A hypothesis of L tokens has
 * max(0, L − k + 1) k-grams, so the totals columns follow from sys_len (plus a correction for the
 * few segments shorter than the order) and are not resampled; the remaining columns (sys_len,
 * ref_len, matches per order) are packed two per double and every system's are interleaved in one
 * row per segment, so a resample is one sequential pass over 3 doubles per system and segment
 * (order 4) instead of 10. Integer sums below 2⁵³ are exact, so the scores are the same as from the
 * unpacked statistics.
 */
interface PackedPlan {
  /** Doubles per segment: systems × packed columns per system. */
  stride: number;
  perSystem: number;
  /** Columns resampled (sys_len, ref_len, correct_1..N), paired into the packed doubles. */
  columns: number;
  order: number;
  rows: Float64Array;
  /** Per system: segment indices and lengths of hypotheses shorter than order − 1 tokens. */
  short: { index: Int32Array; length: Int32Array }[];
  segments: number;
}

function packedPlan(tables: readonly SegmentStatisticsTable[]): PackedPlan | undefined {
  const { segments: n, width, maxNgramOrder: order } = tables[0];
  const columns = 2 + order;
  const perSystem = Math.ceil(columns / 2);
  const stride = perSystem * tables.length;
  const max = new Float64Array(columns);
  for (const table of tables) {
    const src = table.rows;
    for (let i = 0, o = 0; i < n; i++, o += width) {
      const len = src[o];
      for (let k = 0; k < order; k++) if (src[o + 2 + order + k] !== Math.max(0, len - k)) return undefined;
      for (let c = 0; c < columns; c++) {
        const v = src[o + c];
        if (!Number.isInteger(v) || v < 0) return undefined;
        if (v > max[c]) max[c] = v;
      }
    }
  }
  // A resample's sum of a column is at most n × its largest value.
  for (let c = 0; c < columns; c += 2) {
    if (n * max[c] >= PACK) return undefined;
    if (c + 1 < columns && n * max[c + 1] >= 2 * PACK) return undefined;
  }
  const rows = new Float64Array(n * stride);
  const short: PackedPlan['short'] = [];
  for (let t = 0; t < tables.length; t++) {
    const src = tables[t].rows;
    const index: number[] = [];
    const length: number[] = [];
    for (let i = 0, o = 0; i < n; i++, o += width) {
      const at = i * stride + t * perSystem;
      for (let c = 0, p = 0; c < columns; c += 2, p++) rows[at + p] = src[o + c] + (c + 1 < columns ? src[o + c + 1] * PACK : 0);
      if (src[o] < order - 1) {
        index.push(i);
        length.push(src[o]);
      }
    }
    short.push({ index: Int32Array.from(index), length: Int32Array.from(length) });
  }
  return { stride, perSystem, columns, order, rows, short, segments: n };
}

function accumulatePacked(plan: PackedPlan, drawn: Int32Array, out: Float64Array): void {
  const { rows, stride, segments } = plan;
  if (stride === 6) {
    // Two systems at order 4, the paired test's usual shape, unrolled.
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      s4 = 0,
      s5 = 0;
    for (let i = 0, o = 0; i < segments; i++, o += 6) {
      const c = drawn[i];
      s0 += c * rows[o];
      s1 += c * rows[o + 1];
      s2 += c * rows[o + 2];
      s3 += c * rows[o + 3];
      s4 += c * rows[o + 4];
      s5 += c * rows[o + 5];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
    out[4] = s4;
    out[5] = s5;
    return;
  }
  out.fill(0);
  for (let i = 0, o = 0; i < segments; i++, o += stride) {
    const c = drawn[i];
    if (c === 0) continue;
    for (let k = 0; k < stride; k++) out[k] += c * rows[o + k];
  }
}

/** System t's resampled statistics in the table layout, from the packed sums. */
function unpackSums(plan: PackedPlan, t: number, drawn: Int32Array, packed: Float64Array, sums: Float64Array): void {
  const { columns, order, perSystem, segments } = plan;
  for (let c = 0, p = t * perSystem; c < columns; c += 2, p++) {
    const high = c + 1 < columns ? Math.floor(packed[p] / PACK) : 0;
    sums[c] = packed[p] - high * PACK;
    if (c + 1 < columns) sums[c + 1] = high;
  }
  // Σ draws · max(0, L − k) = Σ draws · (L − k) + Σ over short segments draws · (k − L); Σ draws = segments.
  const { index, length } = plan.short[t];
  for (let k = 0; k < order; k++) {
    let total = sums[0] - k * segments;
    for (let s = 0; s < index.length; s++) if (length[s] < k) total += drawn[index[s]] * (k - length[s]);
    sums[2 + order + k] = total;
  }
}

/**
 * Paired bootstrap resampling of the baseline (`tables[0]`) and each system against it. One pass per
 * resample: the drawn index adds its row of every table to that table's running sums.
 */
export function pairedBootstrap(
  tables: readonly SegmentStatisticsTable[],
  options: PairedTestOptions & { resamples?: number } = {},
): PairedTestResult[] {
  const [baseline, ...systems] = tables;
  checkCompatible(baseline, systems);
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive whole number, got ${resamples}`);
  const rng = new SeededRandom(options.seed ?? DEFAULT_SEED);
  const n = baseline.segments;
  const scores = tables.map(() => new Float64Array(resamples));
  // How often each segment was drawn: counting draws and then streaming once through the rows in
  // order is several times faster than gathering rows at random positions.
  const drawn = new Int32Array(n);
  const plan = packedPlan(tables);
  const sums = new Float64Array(baseline.width);
  const packedSums = plan ? new Float64Array(plan.stride) : undefined;
  const rows = plan ? [] : tables.map((t) => Int32Array.from(t.rows));
  for (let r = 0; r < resamples; r++) {
    if (r % 16 === 0) options.signal?.throwIfAborted();
    drawn.fill(0);
    rng.addDraws(n, n, drawn);
    if (plan && packedSums) {
      accumulatePacked(plan, drawn, packedSums);
      for (let t = 0; t < tables.length; t++) {
        unpackSums(plan, t, drawn, packedSums, sums);
        scores[t][r] = bleuFromSummedRow(sums, tables[t]);
      }
      continue;
    }
    for (let t = 0; t < tables.length; t++) {
      const src = rows[t];
      const width = baseline.width;
      sums.fill(0);
      for (let i = 0, o = 0; i < n; i++, o += width) {
        const c = drawn[i];
        if (c === 0) continue;
        for (let w = 0; w < width; w++) sums[w] += c * src[o + w];
      }
      scores[t][r] = bleuFromSummedRow(sums, tables[t]);
    }
  }
  const real = tables.map((t) => bleuFromSummedRow(totals(t), t));
  return tables.map((_, t) => {
    const { mean, ci } = estimateCi(scores[t]);
    if (t === 0) return { score: real[0], mean, ci, p_value: null };
    const diffs = new Float64Array(resamples);
    let diffSum = 0;
    for (let r = 0; r < resamples; r++) {
      diffs[r] = Math.abs(scores[t][r] - scores[0][r]);
      diffSum += diffs[r];
    }
    const diffMean = diffSum / resamples;
    const realDiff = Math.abs(real[0] - real[t]);
    let exceeding = 0;
    for (let r = 0; r < resamples; r++) if (diffs[r] - diffMean > realDiff) exceeding++;
    return { score: real[t], mean, ci, p_value: pValueFromCounts(exceeding, resamples) };
  });
}

/**
 * Paired approximate randomization of each system against the baseline (`tables[0]`); every system
 * is tested with a generator seeded alike, as sacreBLEU does. No bootstrap: `mean` and `ci` are null.
 */
export function pairedApproximateRandomization(
  tables: readonly SegmentStatisticsTable[],
  options: PairedTestOptions & { trials?: number } = {},
): PairedTestResult[] {
  const [baseline, ...systems] = tables;
  checkCompatible(baseline, systems);
  const trials = options.trials ?? DEFAULT_AR_TRIALS;
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive whole number, got ${trials}`);
  const n = baseline.segments;
  const width = baseline.width;
  const baseSums = totals(baseline);
  const baseScore = bleuFromSummedRow(baseSums, baseline);
  const out: PairedTestResult[] = [{ score: baseScore, mean: null, ci: null, p_value: null }];
  for (const system of systems) {
    const sysSums = totals(system);
    const sysScore = bleuFromSummedRow(sysSums, system);
    const realDiff = Math.abs(baseScore - sysScore);
    // Swapping segment i moves (base_i − sys_i) from one pseudo-system to the other.
    const delta = new Float64Array(baseline.rows.length);
    for (let i = 0; i < delta.length; i++) delta[i] = baseline.rows[i] - system.rows[i];
    const rng = new SeededRandom(options.seed ?? DEFAULT_SEED);
    const moved = new Float64Array(width);
    const a = new Float64Array(width);
    const b = new Float64Array(width);
    let exceeding = 0;
    for (let trial = 0; trial < trials; trial++) {
      if (trial % 64 === 0) options.signal?.throwIfAborted();
      moved.fill(0);
      let bits = 0;
      for (let i = 0; i < n; i++) {
        if ((i & 31) === 0) bits = rng.uint32();
        if (bits & 1) {
          const o = i * width;
          for (let c = 0; c < width; c++) moved[c] += delta[o + c];
        }
        bits >>>= 1;
      }
      for (let c = 0; c < width; c++) {
        a[c] = sysSums[c] + moved[c];
        b[c] = baseSums[c] - moved[c];
      }
      if (Math.abs(bleuFromSummedRow(a, baseline) - bleuFromSummedRow(b, baseline)) > realDiff) exceeding++;
    }
    out.push({ score: sysScore, mean: null, ci: null, p_value: pValueFromCounts(exceeding, trials) });
  }
  return out;
}
