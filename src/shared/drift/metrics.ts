import { TuneloopError } from '../errors';
/**
 * Drift statistics, each defined as its scipy / scikit-learn / numpy reference (tests pin them at
 * ±1e-6). Everything here is pure: counts in, numbers out.
 */

/**
 * Additive (Lidstone) pseudocount used by the PSI: every bin gets `c + 0.5` before proportions are
 * taken, i.e. p_i = (c_i + 0.5) / (N + 0.5·k). PSI is a sum of log ratios and is infinite when a
 * bin is empty on one side only; half a count (Jeffreys prior) keeps it finite and is negligible
 * for the sample sizes a metric is emitted at (≥ TUNELOOP_DRIFT_MIN_SAMPLES).
 * Jensen–Shannon divergence needs no smoothing (it is bounded) and is computed unsmoothed.
 */
export const PSI_PSEUDOCOUNT = 0.5;

/** Number of quantile bins of the reference for the PSI of continuous quantities (deciles). */
export const PSI_QUANTILE_BINS = 10;

export class DriftInputError extends TuneloopError {}

function checkCounts(name: string, counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) {
    if (!Number.isFinite(c) || c < 0) throw new DriftInputError(`${name}: counts must be finite and ≥ 0, got ${c}`);
    total += c;
  }
  return total;
}

/** Proportions with an additive pseudocount per bin: (c_i + α) / (Σc + α·k). */
export function smoothedProportions(counts: readonly number[], pseudocount: number): number[] {
  const total = checkCounts('smoothedProportions', counts);
  const denominator = total + pseudocount * counts.length;
  if (denominator <= 0) throw new DriftInputError('smoothedProportions: no observations and no pseudocount');
  return counts.map((c) => (c + pseudocount) / denominator);
}

/**
 * Population stability index, natural log:
 *   PSI = Σ_i (q_i − p_i) · ln(q_i / p_i)
 * with p = reference and q = recent proportions after the additive pseudocount. It equals the
 * symmetrised Kullback–Leibler divergence, `sum(scipy.special.rel_entr(q, p) + rel_entr(p, q))`.
 * Conventional reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift.
 */
export function populationStabilityIndex(
  referenceCounts: readonly number[],
  recentCounts: readonly number[],
  options: { pseudocount?: number } = {},
): number {
  if (referenceCounts.length !== recentCounts.length || referenceCounts.length === 0) {
    throw new DriftInputError(
      `populationStabilityIndex: both sides need the same, non-zero number of bins (got ${referenceCounts.length} and ${recentCounts.length})`,
    );
  }
  const alpha = options.pseudocount ?? PSI_PSEUDOCOUNT;
  const p = smoothedProportions(referenceCounts, alpha);
  const q = smoothedProportions(recentCounts, alpha);
  let psi = 0;
  for (let i = 0; i < p.length; i++) psi += (q[i] - p[i]) * Math.log(q[i] / p[i]);
  return psi;
}

/** scipy.special.rel_entr: x·ln(x/y) with 0·ln(0/y) = 0. */
function relEntr(x: number, y: number): number {
  if (x === 0) return 0;
  if (y === 0) return Infinity;
  return x * Math.log(x / y);
}

/**
 * Jensen–Shannon divergence, in bits by default:
 *   JSD(p‖q) = ½·KL(p‖m) + ½·KL(q‖m),  m = (p + q)/2,  logs in `base`
 * = `scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2` (scipy returns the distance, the
 * square root; tuneloop emits the divergence). Inputs are counts or unnormalised weights (scipy
 * normalises too). With base 2 the value lies in [0, 1].
 */
export function jensenShannonDivergence(p: readonly number[], q: readonly number[], base = 2): number {
  if (p.length !== q.length || p.length === 0) {
    throw new DriftInputError(
      `jensenShannonDivergence: both sides need the same, non-zero number of bins (got ${p.length} and ${q.length})`,
    );
  }
  const sp = checkCounts('jensenShannonDivergence', p);
  const sq = checkCounts('jensenShannonDivergence', q);
  if (sp === 0 || sq === 0) throw new DriftInputError('jensenShannonDivergence: a side has no observations');
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const mi = (pi + qi) / 2;
    sum += relEntr(pi, mi) + relEntr(qi, mi);
  }
  // Rounding can leave a tiny negative for identical inputs; scipy clips the same way via sqrt.
  return Math.max(0, sum / 2 / Math.log(base));
}

/** `scipy.spatial.distance.jensenshannon(p, q, base)`: the square root of the divergence. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base = 2): number {
  return Math.sqrt(jensenShannonDivergence(p, q, base));
}

/** `numpy.quantile(values, q)` with numpy's default "linear" method (Hyndman–Fan type 7). */
export function quantile(sortedValues: ArrayLike<number>, q: number): number {
  const n = sortedValues.length;
  if (n === 0) throw new DriftInputError('quantile of an empty sample');
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sortedValues[lo] + (h - lo) * (sortedValues[hi] - sortedValues[lo]);
}

/**
 * Inner bin edges from the reference sample: its quantiles at 1/B, …, (B−1)/B (numpy "linear"),
 * duplicates dropped (integer quantities such as turns have ties). The outer edges are −∞ and +∞,
 * so every recent value falls in a bin: `numpy.unique(numpy.quantile(reference, [k/B for k in 1..B-1]))`.
 */
export function quantileBinEdges(reference: readonly number[], bins = PSI_QUANTILE_BINS): number[] {
  const sorted = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantile(sorted, k / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/**
 * Counts per bin for inner `edges`: bin 0 = (−∞, e0], bin i = (e(i−1), e(i)], last = (e(last), ∞)
 * — right-closed like pandas.cut; the index equals `numpy.searchsorted(edges, v, side="left")`.
 */
export function binCounts(values: ArrayLike<number> & Iterable<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

/** PSI of a continuous quantity with quantile bins of the reference. */
export function quantilePsi(
  reference: readonly number[],
  recent: readonly number[],
  bins = PSI_QUANTILE_BINS,
): { psi: number; edges: number[] } {
  const edges = quantileBinEdges(reference, bins);
  if (edges.length === 0) {
    // A constant reference has one bin: (−∞, ∞). Split at its value so a shift still shows.
    const only = reference[0];
    return { psi: populationStabilityIndex(binCounts(reference, [only]), binCounts(recent, [only])), edges: [only] };
  }
  return { psi: populationStabilityIndex(binCounts(reference, edges), binCounts(recent, edges)), edges };
}

/** Aligns two label samples on the sorted union of their categories. */
export function categoricalCounts(
  reference: Iterable<string>,
  recent: Iterable<string>,
): { categories: string[]; reference: number[]; recent: number[] } {
  const ref = new Map<string, number>();
  const rec = new Map<string, number>();
  for (const r of reference) ref.set(r, (ref.get(r) ?? 0) + 1);
  for (const r of recent) rec.set(r, (rec.get(r) ?? 0) + 1);
  const categories = [...new Set([...ref.keys(), ...rec.keys()])].sort();
  return { categories, reference: categories.map((c) => ref.get(c) ?? 0), recent: categories.map((c) => rec.get(c) ?? 0) };
}

/** Word tokens for the unigram distribution: lower-cased runs of letters (with inner apostrophes) or digits. */
export function unigramTokens(text: string): string[] {
  return text.toLowerCase().match(/\p{L}[\p{L}\p{M}'’]*|\p{N}+/gu) ?? [];
}

/** Same alignment for token frequency maps. */
export function alignFrequencies(
  reference: ReadonlyMap<string, number>,
  recent: ReadonlyMap<string, number>,
): { reference: number[]; recent: number[] } {
  const vocab = [...new Set([...reference.keys(), ...recent.keys()])].sort();
  return { reference: vocab.map((t) => reference.get(t) ?? 0), recent: vocab.map((t) => recent.get(t) ?? 0) };
}

/** Share of recent tokens (occurrences, not types) that never occur in the reference. */
export function outOfVocabularyRate(reference: ReadonlyMap<string, number>, recent: ReadonlyMap<string, number>): number {
  let total = 0;
  let oov = 0;
  for (const [token, count] of recent) {
    total += count;
    if (!reference.has(token)) oov += count;
  }
  if (total === 0) throw new DriftInputError('outOfVocabularyRate: the recent sample has no tokens');
  return oov / total;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new DriftInputError('mean of an empty sample');
  return values.reduce((a, b) => a + b, 0) / values.length;
}
