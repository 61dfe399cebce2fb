import { DEFAULT_EPOCHS } from '../dataset/cost';
import { trainingPriceFor, type TrainingPrices } from '../dataset/trainingPrices';
import { tokenCounter } from '../dataset/tokens';
import { UnknownModelError } from '../dataset/modelLimits';
import { TuneloopError } from '../errors';

/** A job refused before anything was uploaded: over budget, or no price known for its model. */
export class BudgetRefusedError extends TuneloopError {}

/** The price list and the most one training job may cost (TUNELOOP_TRAINING_PRICES, TUNELOOP_MAX_TRAINING_COST_USD). */
export interface TrainingBudget {
  readonly prices: TrainingPrices;
  readonly maxCostUsd: number;
}

export type BudgetVerdict =
  | { ok: true; trainingTokens: number; estimatedCostUsd: number }
  | { ok: false; reason: string; trainingTokens?: number; estimatedCostUsd: number | null };

/**
 * The budget guard of the job loop, on the training file itself (whatever a manifest says):
 * tokens as the service counts them × epochs × the model's price must stay within
 * TUNELOOP_MAX_TRAINING_COST_USD, and a model without a known price is refused.
 */
export function checkTrainingBudget(options: { train: Buffer; model: string; epochs?: number; budget: TrainingBudget }): BudgetVerdict {
  const { model, budget } = options;
  const price = trainingPriceFor(model, budget.prices);
  if (price === null) {
    return {
      ok: false,
      reason: `no training price is known for model ${model}; set its USD per 1M training tokens in TUNELOOP_TRAINING_PRICES (e.g. {"${model}": 3})`,
      estimatedCostUsd: null,
    };
  }
  let counter;
  try {
    counter = tokenCounter(model);
  } catch (err) {
    if (!(err instanceof UnknownModelError)) throw err;
    // A priced model tuneloop has no tokenizer for: o200k_base is what every current model uses.
    counter = tokenCounter('o200k_base');
  }
  let fileTokens = 0;
  const text = options.train.toString('utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (!line) continue;
    try {
      const example = JSON.parse(line) as { messages?: unknown[]; tools?: unknown[]; functions?: unknown[] };
      // Tool definitions are billed prompt text too (their count is the cookbook's estimate).
      fileTokens += counter.example({ ...example, messages: Array.isArray(example.messages) ? example.messages : [] });
    } catch {
      // The service rejects the file itself; count its bytes as tokens rather than under-estimate.
      fileTokens += line.length;
    }
  }
  const epochs = options.epochs ?? DEFAULT_EPOCHS;
  const trainingTokens = fileTokens * epochs;
  const cost = Math.round((trainingTokens / 1e6) * price * 1e4) / 1e4;
  if (cost > budget.maxCostUsd) {
    return {
      ok: false,
      reason: `estimated training cost $${cost} (${trainingTokens} training tokens × $${price}/1M for ${model}) exceeds TUNELOOP_MAX_TRAINING_COST_USD $${budget.maxCostUsd}`,
      trainingTokens,
      estimatedCostUsd: cost,
    };
  }
  return { ok: true, trainingTokens, estimatedCostUsd: cost };
}
