import {
  alignFrequencies,
  categoricalCounts,
  jensenShannonDivergence,
  mean,
  outOfVocabularyRate,
  populationStabilityIndex,
  quantilePsi,
} from './metrics';
import type { ConversationSample, DriftSample } from './samples';

/** Every drift number tuneloop emits, as `tuneloop.drift.<name>`. */
export type DriftMetricName =
  | 'issue_type_psi'
  | 'issue_type_jsd'
  | 'length_psi'
  | 'turns_psi'
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
export const SCORE_COMPONENTS: readonly DriftMetricName[] = ['issue_type_psi', 'issue_type_jsd', 'length_psi', 'turns_psi', 'token_jsd'];

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
  /** Largest score component computed; undefined when none could be. */
  score?: number;
  scoreDrivenBy?: DriftMetricName;
}

export interface AnalyzeOptions {
  /** Minimum observations on each side (TUNELOOP_DRIFT_MIN_SAMPLES). */
  minSamples: number;
}

function tokenFrequencies(conversations: readonly ConversationSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of conversations) for (const t of c.userTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function tooFew(what: string, reference: number | undefined, recent: number, min: number): string | undefined {
  if (reference !== undefined && reference < min) return `${reference} ${what} in the reference, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=${min}`;
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

  const comparative: DriftMetricName[] = ['issue_type_psi', 'issue_type_jsd', 'length_psi', 'turns_psi', 'token_jsd', 'oov_rate', 'csat_mean_change'];
  if (!reference) {
    skip(comparative, 'no reference data: no production model and no curated data older than the window');
    return finish(metrics, skipped);
  }
  const ref = reference.conversations;
  const rec = recent.conversations;

  const refLabelled = ref.filter((c) => c.issueType);
  const recLabelled = rec.filter((c) => c.issueType);
  const labelProblem = tooFew('conversations with an issue_type', refLabelled.length, recLabelled.length, min);
  if (labelProblem) skip(['issue_type_psi', 'issue_type_jsd'], labelProblem);
  else {
    const counts = categoricalCounts(
      refLabelled.map((c) => c.issueType!),
      recLabelled.map((c) => c.issueType!),
    );
    const samples = { reference: refLabelled.length, recent: recLabelled.length };
    const detail = { categories: counts.categories, reference_counts: counts.reference, recent_counts: counts.recent };
    metrics.push({ name: 'issue_type_psi', value: populationStabilityIndex(counts.reference, counts.recent), samples, detail });
    metrics.push({ name: 'issue_type_jsd', value: jensenShannonDivergence(counts.reference, counts.recent, 2), samples, detail: { base: 2 } });
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
      metrics.push({ name: 'token_jsd', value: jensenShannonDivergence(aligned.reference, aligned.recent, 2), samples: tokenSamples, detail: { base: 2, vocabulary: aligned.reference.length } });
      metrics.push({ name: 'oov_rate', value: outOfVocabularyRate(refTokens, recTokens), samples: tokenSamples, detail: { reference_vocabulary: refTokens.size } });
    }
  }

  const refCsat = ref.flatMap((c) => (c.csat === undefined ? [] : [c.csat]));
  const recCsat = rec.flatMap((c) => (c.csat === undefined ? [] : [c.csat]));
  const csatChangeProblem = tooFew('conversations with a CSAT rating', refCsat.length, recCsat.length, min);
  if (csatChangeProblem) skip(['csat_mean_change'], csatChangeProblem);
  else {
    const refMean = mean(refCsat);
    const recMean = mean(recCsat);
    metrics.push({ name: 'csat_mean_change', value: recMean - refMean, samples: { reference: refCsat.length, recent: recCsat.length }, detail: { reference_mean: refMean, recent_mean: recMean } });
  }
  return finish(metrics, skipped);
}

function finish(metrics: DriftMetric[], skipped: SkippedDriftMetric[]): DriftAnalysis {
  let score: number | undefined;
  let scoreDrivenBy: DriftMetricName | undefined;
  for (const m of metrics) {
    if (!SCORE_COMPONENTS.includes(m.name)) continue;
    if (score === undefined || m.value > score) {
      score = m.value;
      scoreDrivenBy = m.name;
    }
  }
  return { metrics, skipped, score, scoreDrivenBy };
}
