import {
  alignFrequencies,
  categoricalCounts,
  jensenShannonDivergence,
  binCounts,
  mean,
  outOfVocabularyRate,
  populationStabilityIndex,
  PSI_QUANTILE_BINS,
  quantile,
  quantilePsi,
} from './metrics';
import { seededRandom, shuffleInPlace } from '../random/seeded';
import type { ConversationSample, DriftSample } from './samples';

/** Every drift number tuneloop emits, as `tuneloop.drift.<name>`. */
export type DriftMetricName =
  | 'issue_type_psi'
  | 'issue_type_jsd'
  | 'length_psi'
  | 'turns_psi'
  | 'language_psi'
  | 'token_jsd'
  | 'oov_rate'
  | 'csat_mean'
  | 'csat_mean_change'
  | 'quarantine_share'
  | 'model_intent_f1'
  | 'model_bleu';

/**
 * The distribution-shift statistics that make up the combined drift score: its value is the
 * largest of them. All are 0 for identical samples and share the PSI reading (0.1 moderate, 0.25
 * significant), so one threshold fits; taking the maximum means one strongly shifted aspect is
 * enough. Rates, CSAT and model quality are reported alongside but not folded into the score.
 */
export const SCORE_COMPONENTS: readonly DriftMetricName[] = [
  'issue_type_psi',
  'issue_type_jsd',
  'length_psi',
  'turns_psi',
  'token_jsd',
  'language_psi',
];

/**
 * Seeded random splits of the pooled sample used to measure each component's noise floor.
 *
 * PSI and JSD are biased upwards on finite samples: two samples of 50 from the same world have an
 * expected decile PSI of about (10 − 1)·(1/50 + 1/50) ≈ 0.36, over the usual 0.25 alarm. So the
 * score counts only what exceeds sampling noise: for each component, the NOISE_QUANTILE quantile of
 * the statistic over PERMUTATIONS random re-splits of reference ∪ recent (same sizes; a permutation
 * test's null) is subtracted, and the score is the largest excess. With large samples the floor goes
 * to 0 and the score reads like a plain PSI. The raw metrics stay exactly as defined (and as tested
 * against scipy).
 *
 * The floor is a high quantile, not the mean: with the mean, each component's excess is positive in
 * about half of all same-world windows, and the largest of six excesses reached 0.25 in 26 % of
 * same-world pairs of 30 (test/shared/drift/falseAlarms.test.ts and docs/telemetry-and-drift.md have
 * the measured rates). 200 permutations estimate the 90th percentile well enough (100 and 400 give
 * the same alarm rates within a trial or two) and cost about 5 ms at 30 + 30 conversations and
 * about 0.15 s at 5,000 + 1,000.
 */
export const PERMUTATIONS = 200;

/** Quantile of each component's permutation null used as its noise floor (see PERMUTATIONS). */
export const NOISE_QUANTILE = 0.9;

export interface DriftMetric {
  name: DriftMetricName;
  value: number;
  /** Sizes the value was computed from (conversations, labelled conversations, tokens, records…). */
  samples: { reference?: number; recent: number };
  detail?: Record<string, unknown>;
}

export interface SkippedDriftMetric {
  name: DriftMetricName;
  reason: string;
}

export interface DriftAnalysis {
  metrics: DriftMetric[];
  skipped: SkippedDriftMetric[];
  /** Largest excess of a score component over its noise floor; undefined when no component could be computed. */
  score?: number;
  scoreDrivenBy?: DriftMetricName;
  /** NOISE_QUANTILE quantile of each score component over random re-splits of the pooled sample (see PERMUTATIONS). */
  noiseFloors: Partial<Record<DriftMetricName, number>>;
}

export interface AnalyzeOptions {
  /** Minimum observations on each side (TUNELOOP_DRIFT_MIN_SAMPLES). */
  minSamples: number;
  /** Re-splits for the noise floors (default PERMUTATIONS; 0 = no floor, the score is the largest raw component). */
  permutations?: number;
  /** Quantile of the permutation null taken as the floor (default NOISE_QUANTILE). */
  noiseQuantile?: number;
}

function tokenFrequencies(conversations: readonly ConversationSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of conversations) for (const t of c.userTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function tooFew(what: string, reference: number | undefined, recent: number, min: number): string | undefined {
  if (reference !== undefined && reference < min)
    return `${reference} ${what} in the reference, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=${min}`;
  if (recent < min) return `${recent} ${what} in the recent window, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=${min}`;
  return undefined;
}

/**
 * Compares the recent sample with the reference. A metric whose inputs are smaller than
 * `minSamples` on either side is not computed; it is listed in `skipped` with the reason.
 */
export function analyzeDrift(reference: DriftSample | undefined, recent: DriftSample, options: AnalyzeOptions): DriftAnalysis {
  const min = options.minSamples;
  const metrics: DriftMetric[] = [];
  const skipped: SkippedDriftMetric[] = [];
  const skip = (names: DriftMetricName[], reason: string) => names.forEach((name) => skipped.push({ name, reason }));

  const recentRecords = recent.recordsUsed + recent.recordsQuarantined;
  const quarantineProblem = tooFew('records', undefined, recentRecords, min);
  if (quarantineProblem) skip(['quarantine_share'], quarantineProblem);
  else {
    const referenceRecords = reference ? reference.recordsUsed + reference.recordsQuarantined : 0;
    metrics.push({
      name: 'quarantine_share',
      value: recent.recordsQuarantined / recentRecords,
      samples: { recent: recentRecords, ...(reference ? { reference: referenceRecords } : {}) },
      detail: {
        quarantined: recent.recordsQuarantined,
        used: recent.recordsUsed,
        ...(reference && referenceRecords > 0 ? { reference_share: reference.recordsQuarantined / referenceRecords } : {}),
      },
    });
  }

  const recentCsat = recent.conversations.flatMap((c) => (c.csat === undefined ? [] : [c.csat]));
  const csatProblem = tooFew('conversations with a CSAT rating', undefined, recentCsat.length, min);
  if (csatProblem) skip(['csat_mean'], csatProblem);
  else metrics.push({ name: 'csat_mean', value: mean(recentCsat), samples: { recent: recentCsat.length } });

  const comparative: DriftMetricName[] = [
    'issue_type_psi',
    'issue_type_jsd',
    'length_psi',
    'turns_psi',
    'token_jsd',
    'oov_rate',
    'language_psi',
    'csat_mean_change',
  ];
  if (!reference) {
    skip(comparative, 'no reference data: no production model and no curated data older than the window');
    return finish(metrics, skipped, {});
  }
  const ref = reference.conversations;
  const rec = recent.conversations;

  const refLabels = ref.flatMap((c) => (c.issueType ? [c.issueType] : []));
  const recLabels = rec.flatMap((c) => (c.issueType ? [c.issueType] : []));
  const labelProblem = tooFew('conversations with an issue_type', refLabels.length, recLabels.length, min);
  if (labelProblem) skip(['issue_type_psi', 'issue_type_jsd'], labelProblem);
  else {
    const counts = categoricalCounts(refLabels, recLabels);
    const samples = { reference: refLabels.length, recent: recLabels.length };
    const detail = { categories: counts.categories, reference_counts: counts.reference, recent_counts: counts.recent };
    metrics.push({ name: 'issue_type_psi', value: populationStabilityIndex(counts.reference, counts.recent), samples, detail });
    metrics.push({
      name: 'issue_type_jsd',
      value: jensenShannonDivergence(counts.reference, counts.recent, 2),
      samples,
      detail: { base: 2 },
    });
  }

  const sizeProblem = tooFew('conversations', ref.length, rec.length, min);
  if (sizeProblem) skip(['length_psi', 'turns_psi', 'token_jsd', 'oov_rate'], sizeProblem);
  else {
    const samples = { reference: ref.length, recent: rec.length };
    const length = quantilePsi(
      ref.map((c) => c.tokens),
      rec.map((c) => c.tokens),
    );
    metrics.push({ name: 'length_psi', value: length.psi, samples, detail: { bin_edges: length.edges } });
    const turns = quantilePsi(
      ref.map((c) => c.turns),
      rec.map((c) => c.turns),
    );
    metrics.push({ name: 'turns_psi', value: turns.psi, samples, detail: { bin_edges: turns.edges } });
    const refTokens = tokenFrequencies(ref);
    const recTokens = tokenFrequencies(rec);
    if (refTokens.size === 0 || recTokens.size === 0) skip(['token_jsd', 'oov_rate'], 'no customer words on one side');
    else {
      const aligned = alignFrequencies(refTokens, recTokens);
      const tokenSamples = { reference: aligned.reference.reduce((a, b) => a + b, 0), recent: aligned.recent.reduce((a, b) => a + b, 0) };
      metrics.push({
        name: 'token_jsd',
        value: jensenShannonDivergence(aligned.reference, aligned.recent, 2),
        samples: tokenSamples,
        detail: { base: 2, vocabulary: aligned.reference.length },
      });
      metrics.push({
        name: 'oov_rate',
        value: outOfVocabularyRate(refTokens, recTokens),
        samples: tokenSamples,
        detail: { reference_vocabulary: refTokens.size },
      });
    }
  }

  // Language shares: a new market or a broken language detector shows here before anywhere else.
  const refLanguages = ref.flatMap((c) => (c.language ? [c.language] : []));
  const recLanguages = rec.flatMap((c) => (c.language ? [c.language] : []));
  const languageProblem = tooFew('conversations with a language', refLanguages.length, recLanguages.length, min);
  if (languageProblem) skip(['language_psi'], languageProblem);
  else {
    const counts = categoricalCounts(refLanguages, recLanguages);
    metrics.push({
      name: 'language_psi',
      value: populationStabilityIndex(counts.reference, counts.recent),
      samples: { reference: refLanguages.length, recent: recLanguages.length },
      detail: { categories: counts.categories, reference_counts: counts.reference, recent_counts: counts.recent },
    });
  }

  const refCsat = ref.flatMap((c) => (c.csat === undefined ? [] : [c.csat]));
  const recCsat = rec.flatMap((c) => (c.csat === undefined ? [] : [c.csat]));
  const csatChangeProblem = tooFew('conversations with a CSAT rating', refCsat.length, recCsat.length, min);
  if (csatChangeProblem) skip(['csat_mean_change'], csatChangeProblem);
  else {
    const refMean = mean(refCsat);
    const recMean = mean(recCsat);
    metrics.push({
      name: 'csat_mean_change',
      value: recMean - refMean,
      samples: { reference: refCsat.length, recent: recCsat.length },
      detail: { reference_mean: refMean, recent_mean: recMean },
    });
  }
  const computed = new Set(metrics.map((m) => m.name));
  const noiseFloors = permutationNoiseFloors(
    ref,
    rec,
    (name) => computed.has(name),
    options.permutations ?? PERMUTATIONS,
    options.noiseQuantile ?? NOISE_QUANTILE,
  );
  for (const m of metrics) {
    const floor = noiseFloors[m.name];
    if (floor !== undefined) m.detail = { ...m.detail, noise_floor: floor, excess: Math.max(0, m.value - floor) };
  }
  return finish(metrics, skipped, noiseFloors);
}

/** Dense codes of a categorical field over the pool (sorted categories; −1 = missing). */
function encodeCategories(pool: readonly ConversationSample[], field: (c: ConversationSample) => string | undefined) {
  const values = pool.map(field);
  const categories = [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  return { size: categories.length, codes: Int32Array.from(values, (v) => (v ? (index.get(v) ?? -1) : -1)) };
}

/** Indices of `values` in ascending order of value. */
function ascending(values: readonly number[]): Int32Array {
  return Int32Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
}

/**
 * The pool encoded once, so that each permutation only counts: the permuted split has the same
 * categories and vocabulary as the observed one (both are the pool's), so the component values are
 * exactly those `analyzeDrift` computes on a split, without re-building maps and sorting labels.
 */
function encodePool(pool: readonly ConversationSample[]) {
  const vocabulary = [...new Set(pool.flatMap((c) => c.userTokens))].sort();
  const tokenIndex = new Map(vocabulary.map((t, i) => [t, i]));
  const wordStart = new Int32Array(pool.length + 1);
  pool.forEach((c, i) => (wordStart[i + 1] = wordStart[i] + c.userTokens.length));
  return {
    issue: encodeCategories(pool, (c) => c.issueType),
    language: encodeCategories(pool, (c) => c.language),
    tokens: Float64Array.from(pool, (c) => c.tokens),
    tokensAscending: ascending(pool.map((c) => c.tokens)),
    turns: Float64Array.from(pool, (c) => c.turns),
    turnsAscending: ascending(pool.map((c) => c.turns)),
    vocabularySize: vocabulary.length,
    // Conversation i's words are words[wordStart[i] .. wordStart[i + 1]).
    words: Int32Array.from(
      pool.flatMap((c) => c.userTokens),
      (t) => tokenIndex.get(t) ?? 0,
    ),
    wordStart,
  };
}

type EncodedPool = ReturnType<typeof encodePool>;

function splitCounts(codes: Int32Array, size: number, order: readonly number[], refSize: number): [number[], number[]] {
  const ref = new Array<number>(size).fill(0);
  const rec = new Array<number>(size).fill(0);
  for (let i = 0; i < order.length; i++) {
    const code = codes[order[i]];
    if (code >= 0) (i < refSize ? ref : rec)[code]++;
  }
  return [ref, rec];
}

const total = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);

/**
 * `quantilePsi` of a split of a numeric field (the reference side's deciles as bins). `ascending`
 * is the pool's indices sorted by value once, so the reference side comes out sorted in O(n).
 */
function splitQuantilePsi(values: Float64Array, ascending: Int32Array, inReference: Uint8Array, refSize: number): number {
  const ref = new Float64Array(refSize);
  const rec: number[] = [];
  let r = 0;
  for (const i of ascending) {
    if (inReference[i]) ref[r++] = values[i];
    else rec.push(values[i]);
  }
  const edges: number[] = [];
  for (let k = 1; k < PSI_QUANTILE_BINS; k++) {
    const e = quantile(ref, k / PSI_QUANTILE_BINS);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length === 0) edges.push(ref[0]);
  return populationStabilityIndex(binCounts(ref, edges), binCounts(rec, edges));
}

/** The score components alone (no details) for one split of the pool: `order[0..refSize)` is the reference. */
function componentValues(
  pool: EncodedPool,
  order: readonly number[],
  refSize: number,
  wanted: (name: DriftMetricName) => boolean,
): Partial<Record<DriftMetricName, number>> {
  const out: Partial<Record<DriftMetricName, number>> = {};
  if (wanted('issue_type_psi') || wanted('issue_type_jsd')) {
    const [a, b] = splitCounts(pool.issue.codes, pool.issue.size, order, refSize);
    if (total(a) && total(b)) {
      if (wanted('issue_type_psi')) out.issue_type_psi = populationStabilityIndex(a, b);
      if (wanted('issue_type_jsd')) out.issue_type_jsd = jensenShannonDivergence(a, b, 2);
    }
  }
  if (wanted('language_psi')) {
    const [a, b] = splitCounts(pool.language.codes, pool.language.size, order, refSize);
    if (total(a) && total(b)) out.language_psi = populationStabilityIndex(a, b);
  }
  if (wanted('length_psi') || wanted('turns_psi')) {
    const inReference = new Uint8Array(order.length);
    for (let i = 0; i < refSize; i++) inReference[order[i]] = 1;
    if (wanted('length_psi')) out.length_psi = splitQuantilePsi(pool.tokens, pool.tokensAscending, inReference, refSize);
    if (wanted('turns_psi')) out.turns_psi = splitQuantilePsi(pool.turns, pool.turnsAscending, inReference, refSize);
  }
  if (wanted('token_jsd')) {
    const a = new Array<number>(pool.vocabularySize).fill(0);
    const b = new Array<number>(pool.vocabularySize).fill(0);
    const { words, wordStart } = pool;
    for (let i = 0; i < order.length; i++) {
      const side = i < refSize ? a : b;
      for (let w = wordStart[order[i]]; w < wordStart[order[i] + 1]; w++) side[words[w]]++;
    }
    if (total(a) && total(b)) out.token_jsd = jensenShannonDivergence(a, b, 2);
  }
  return out;
}

function permutationNoiseFloors(
  ref: readonly ConversationSample[],
  rec: readonly ConversationSample[],
  computed: (name: DriftMetricName) => boolean,
  permutations: number,
  level: number,
): Partial<Record<DriftMetricName, number>> {
  const wanted = (name: DriftMetricName) => SCORE_COMPONENTS.includes(name) && computed(name);
  if (permutations <= 0 || !SCORE_COMPONENTS.some(wanted)) return {};
  const pool = encodePool([...ref, ...rec]);
  const order = Array.from({ length: ref.length + rec.length }, (_, i) => i);
  // Seeded from the data: the same samples always give the same floors.
  const random = seededRandom(order.length * 2654435761 + ref.length);
  const nulls: Partial<Record<DriftMetricName, number[]>> = {};
  for (let k = 0; k < permutations; k++) {
    shuffleInPlace(order, random);
    const values = componentValues(pool, order, ref.length, wanted);
    for (const [name, value] of Object.entries(values) as [DriftMetricName, number][]) (nulls[name] ??= []).push(value);
  }
  return Object.fromEntries(
    Object.entries(nulls).map(([name, values]) => [
      name,
      quantile(
        values.sort((a, b) => a - b),
        level,
      ),
    ]),
  );
}

function finish(
  metrics: DriftMetric[],
  skipped: SkippedDriftMetric[],
  noiseFloors: Partial<Record<DriftMetricName, number>>,
): DriftAnalysis {
  let score: number | undefined;
  let scoreDrivenBy: DriftMetricName | undefined;
  for (const m of metrics) {
    if (!SCORE_COMPONENTS.includes(m.name)) continue;
    const excess = Math.max(0, m.value - (noiseFloors[m.name] ?? 0));
    if (score === undefined || excess > score) {
      score = excess;
      scoreDrivenBy = m.name;
    }
  }
  return { metrics, skipped, score, scoreDrivenBy, noiseFloors };
}
