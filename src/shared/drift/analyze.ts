import {
  alignFrequencies,
  categoricalCounts,
  jensenShannonDivergence,
  mean,
  outOfVocabularyRate,
  populationStabilityIndex,
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
 * score counts only what exceeds sampling noise: for each component, the mean of the statistic over
 * PERMUTATIONS random re-splits of reference ∪ recent (same sizes; a permutation test's null) is
 * subtracted, and the score is the largest excess. With large samples the floor goes to 0 and the
 * score reads like a plain PSI. The raw metrics stay exactly as defined (and as tested against scipy).
 */
export const PERMUTATIONS = 20;

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
  /** Mean of each score component over random re-splits of the pooled sample (see PERMUTATIONS). */
  noiseFloors: Partial<Record<DriftMetricName, number>>;
}

export interface AnalyzeOptions {
  /** Minimum observations on each side (TUNELOOP_DRIFT_MIN_SAMPLES). */
  minSamples: number;
  /** Re-splits for the noise floors (default PERMUTATIONS; 0 = no floor, the score is the largest raw component). */
  permutations?: number;
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
  const noiseFloors = permutationNoiseFloors(ref, rec, (name) => computed.has(name), options.permutations ?? PERMUTATIONS);
  for (const m of metrics) {
    const floor = noiseFloors[m.name];
    if (floor !== undefined) m.detail = { ...m.detail, noise_floor: floor, excess: Math.max(0, m.value - floor) };
  }
  return finish(metrics, skipped, noiseFloors);
}

/** The score components alone (no details), for the permutation null. */
function componentValues(
  ref: readonly ConversationSample[],
  rec: readonly ConversationSample[],
  wanted: (name: DriftMetricName) => boolean,
): Partial<Record<DriftMetricName, number>> {
  const out: Partial<Record<DriftMetricName, number>> = {};
  if (wanted('issue_type_psi') || wanted('issue_type_jsd')) {
    const a = ref.flatMap((c) => (c.issueType ? [c.issueType] : []));
    const b = rec.flatMap((c) => (c.issueType ? [c.issueType] : []));
    if (a.length && b.length) {
      const counts = categoricalCounts(a, b);
      if (wanted('issue_type_psi')) out.issue_type_psi = populationStabilityIndex(counts.reference, counts.recent);
      if (wanted('issue_type_jsd')) out.issue_type_jsd = jensenShannonDivergence(counts.reference, counts.recent, 2);
    }
  }
  if (wanted('language_psi')) {
    const a = ref.flatMap((c) => (c.language ? [c.language] : []));
    const b = rec.flatMap((c) => (c.language ? [c.language] : []));
    if (a.length && b.length) {
      const counts = categoricalCounts(a, b);
      out.language_psi = populationStabilityIndex(counts.reference, counts.recent);
    }
  }
  if (wanted('length_psi'))
    out.length_psi = quantilePsi(
      ref.map((c) => c.tokens),
      rec.map((c) => c.tokens),
    ).psi;
  if (wanted('turns_psi'))
    out.turns_psi = quantilePsi(
      ref.map((c) => c.turns),
      rec.map((c) => c.turns),
    ).psi;
  if (wanted('token_jsd')) {
    const aligned = alignFrequencies(tokenFrequencies(ref), tokenFrequencies(rec));
    if (aligned.reference.some((v) => v > 0) && aligned.recent.some((v) => v > 0))
      out.token_jsd = jensenShannonDivergence(aligned.reference, aligned.recent, 2);
  }
  return out;
}

function permutationNoiseFloors(
  ref: readonly ConversationSample[],
  rec: readonly ConversationSample[],
  computed: (name: DriftMetricName) => boolean,
  permutations: number,
): Partial<Record<DriftMetricName, number>> {
  const wanted = (name: DriftMetricName) => SCORE_COMPONENTS.includes(name) && computed(name);
  if (permutations <= 0 || !SCORE_COMPONENTS.some(wanted)) return {};
  const pool = [...ref, ...rec];
  // Seeded from the data: the same samples always give the same floors.
  const random = seededRandom(pool.length * 2654435761 + ref.length);
  const sums: Partial<Record<DriftMetricName, { total: number; n: number }>> = {};
  for (let k = 0; k < permutations; k++) {
    shuffleInPlace(pool, random);
    const values = componentValues(pool.slice(0, ref.length), pool.slice(ref.length), wanted);
    for (const [name, value] of Object.entries(values) as [DriftMetricName, number][]) {
      const acc = (sums[name] ??= { total: 0, n: 0 });
      acc.total += value;
      acc.n++;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([name, acc]) => [name, acc.total / acc.n]));
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
