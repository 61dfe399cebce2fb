/**
 * What a job's results.csv says about the candidate: perplexity and overfitting. Parsing lives with
 * the fine-tuning client (src/shared/finetune/results.ts, `parseResultsCsv`); this works on its rows.
 */
import type { TrainingStep } from '../finetune/results';

export interface PerplexityResult {
  perplexity: number;
  loss: number;
  /** Which column the loss came from. */
  source: 'full_valid_loss' | 'valid_loss';
  step: number;
}

/**
 * exp(full_valid_loss) when the file has one (the loss over the whole validation set, written at the
 * end), else exp(last valid_loss) (a validation batch); undefined when there is no validation loss.
 */
export function perplexityFromSteps(steps: readonly TrainingStep[]): PerplexityResult | undefined {
  for (const [key, source] of [
    ['fullValidLoss', 'full_valid_loss'],
    ['validLoss', 'valid_loss'],
  ] as const) {
    let last: { step: number; loss: number } | undefined;
    for (const s of steps) {
      const loss = s[key];
      if (loss !== undefined && (!last || s.step >= last.step)) last = { step: s.step, loss };
    }
    if (last) return { perplexity: Math.exp(last.loss), loss: last.loss, source, step: last.step };
  }
  return undefined;
}

export interface OverfittingOptions {
  /** The K most recent steps that have both losses (default 3). */
  window?: number;
  /** Flag when mean(validation − training loss) over the window passes this many nats (default 0.5). */
  maxGap?: number;
}

export interface OverfittingResult {
  overfitting: boolean;
  /** Why it was flagged; empty when it was not. */
  reasons: string[];
  /** Mean validation-minus-training loss over the window. */
  gap?: number;
  /** Least-squares slopes of the losses over the window, per step. */
  validSlope?: number;
  trainSlope?: number;
  window: number;
}

function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Flags a run when, over the last K steps with both losses (K = the window, or the last tenth of
 * the run if that is longer), validation loss rises (positive
 * least-squares slope) while training loss keeps falling (negative slope), or when the mean gap
 * between them passes `maxGap`. Slopes rather than first-vs-last so one noisy batch does not decide.
 */
/** The share of a run (steps with both losses) whose trends the overfitting check reads at least. */
const RUN_SHARE_FOR_TRENDS = 0.1;

export function detectOverfitting(steps: readonly TrainingStep[], options: OverfittingOptions = {}): OverfittingResult {
  const maxGap = options.maxGap ?? 0.5;
  const both = steps
    .flatMap(({ step, validLoss, trainLoss }) =>
      validLoss !== undefined && trainLoss !== undefined ? [{ step, validLoss, trainLoss }] : [],
    )
    .sort((a, b) => a.step - b.step);
  // Per-step losses in results.csv are single-batch estimates: over a long run, the trend of the
  // last three steps is a coin toss. The window is at least the last tenth of the run.
  const window = Math.max(options.window ?? 3, Math.ceil(both.length * RUN_SHARE_FOR_TRENDS));
  const recent = both.slice(-window);
  if (recent.length < 2) return { overfitting: false, reasons: [], window };
  const x = recent.map((s) => s.step);
  const validSlope = slope(
    x,
    recent.map((s) => s.validLoss),
  );
  const trainSlope = slope(
    x,
    recent.map((s) => s.trainLoss),
  );
  const gap = recent.reduce((a, s) => a + (s.validLoss - s.trainLoss), 0) / recent.length;
  const reasons: string[] = [];
  if (validSlope > 0 && trainSlope < 0) {
    reasons.push(`validation loss rises while training loss falls over the last ${recent.length} steps`);
  }
  if (gap > maxGap) reasons.push(`validation loss exceeds training loss by ${gap.toFixed(3)} on average (limit ${maxGap})`);
  return { overfitting: reasons.length > 0, reasons, gap, validSlope, trainSlope, window };
}

/** The loss curve for the report: one point per step, undefined cells left out. */
export function lossCurve(
  steps: readonly TrainingStep[],
): { step: number; trainLoss?: number; validLoss?: number; fullValidLoss?: number }[] {
  return [...steps]
    .sort((a, b) => a.step - b.step)
    .map((s) => ({ step: s.step, trainLoss: s.trainLoss, validLoss: s.validLoss, fullValidLoss: s.fullValidLoss }));
}
