import { TuneloopError } from '../errors';
import { getOrThrow } from '../lookup';
/**
 * Intent classification scores with scikit-learn's definitions (`f1_score(average='macro')`,
 * `precision_recall_fscore_support`, `confusion_matrix`), so numbers can be checked with sklearn:
 * - the label set is the sorted union of gold and predicted labels (sklearn's `unique_labels`);
 * - a zero denominator counts as 0 (sklearn's default `zero_division="warn"` returns 0 and warns);
 * - macro F1 is the unweighted mean of per-class F1 over that label set.
 */

export interface ClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold examples of this label. */
  support: number;
}

export interface IntentF1Result {
  labels: string[];
  perClass: ClassScore[];
  macroF1: number;
  /** Support-weighted mean F1 (sklearn `average='weighted'`). */
  weightedF1: number;
  accuracy: number;
  /** `confusion[i][j]` = number of examples with gold `labels[i]` predicted as `labels[j]`. */
  confusion: number[][];
  count: number;
}

export class LabelMismatchError extends TuneloopError {}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/** Sorts like Python's `sorted()` on strings (by UTF-16 code unit, which matches code points outside surrogates). */
function pySorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface IntentF1Options {
  /**
   * The labels macro- and weighted F1 average over: `all` (default) = sklearn's `unique_labels`
   * (gold ∪ predicted); `gold` = the labels of the gold data only, as sklearn's
   * `f1_score(labels=sorted(set(y_true)), average='macro')`. With `gold`, a prediction outside the
   * gold labels (an unrecognised answer, an intent absent from the holdout) is a false negative of
   * its gold class, not an extra zero-F1 class that lowers the average by 1/(k+1) whatever the
   * number of such answers. Per-class scores and the confusion matrix still list every label.
   */
  average?: 'all' | 'gold';
}

export function intentF1(gold: readonly string[], predicted: readonly string[], options: IntentF1Options = {}): IntentF1Result {
  if (gold.length !== predicted.length) {
    throw new LabelMismatchError(
      `gold has ${gold.length} labels but predictions have ${predicted.length}; give exactly one prediction per gold label`,
    );
  }
  const labels = pySorted(new Set([...gold, ...predicted]));
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let k = 0; k < gold.length; k++) confusion[getOrThrow(index, gold[k], 'label')][getOrThrow(index, predicted[k], 'label')]++;

  let correct = 0;
  const perClass = labels.map((label, i) => {
    const tp = confusion[i][i];
    correct += tp;
    const support = confusion[i].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[i], 0);
    const precision = ratio(tp, predictedCount);
    const recall = ratio(tp, support);
    // sklearn >= 1.3 computes F1 as 2tp / (2tp + fp + fn), equal to 2PR/(P+R) whenever defined.
    const f1 = ratio(2 * tp, support + predictedCount);
    return { label, precision, recall, f1, support };
  });
  const goldLabels = new Set(gold);
  const averaged = options.average === 'gold' ? perClass.filter((c) => goldLabels.has(c.label)) : perClass;
  const macroF1 = averaged.length ? averaged.reduce((a, c) => a + c.f1, 0) / averaged.length : 0;
  const weightedF1 = ratio(
    averaged.reduce((a, c) => a + c.f1 * c.support, 0),
    gold.length,
  );
  return { labels, perClass, macroF1, weightedF1, accuracy: ratio(correct, gold.length), confusion, count: gold.length };
}
