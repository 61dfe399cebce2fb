import { modelInfo, PRICE_SOURCE } from './modelLimits';

/** OpenAI's `n_epochs: "auto"` picks from the data; 3 is its usual choice for datasets of a few hundred+ examples. */
export const DEFAULT_EPOCHS = 3;

export interface TrainingCostEstimate {
  model: string;
  epochs: number;
  /** Tokens in the training file. */
  file_tokens: number;
  /** Billed training tokens: tokens in the training file × epochs. */
  training_tokens: number;
  price_per_million_usd: number | null;
  /** null when the model is not billed per token (o4-mini reinforcement fine-tuning). */
  estimated_cost_usd: number | null;
  price_source: string;
}

/**
 * `pricePerMillionUsd` overrides the model table (a price from TUNELOOP_TRAINING_PRICES, see
 * trainingPrices.ts); `null` there means no price is known and the estimate is null.
 */
export function estimateTrainingCost(options: {
  model: string;
  fileTokens: number;
  epochs?: number;
  pricePerMillionUsd?: number | null;
}): TrainingCostEstimate {
  const epochs = options.epochs ?? DEFAULT_EPOCHS;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`epochs must be a positive integer (got ${epochs})`);
  const trainingTokens = options.fileTokens * epochs;
  let price: number | null;
  if (options.pricePerMillionUsd !== undefined) price = options.pricePerMillionUsd;
  else {
    const info = modelInfo(options.model);
    price = Number.isFinite(info.trainingPricePerMillionUsd) ? info.trainingPricePerMillionUsd : null;
  }
  return {
    model: options.model,
    epochs,
    file_tokens: options.fileTokens,
    training_tokens: trainingTokens,
    price_per_million_usd: price,
    // Rounded to 1/100 cent so reports are byte-stable across platforms' float printing.
    estimated_cost_usd: price === null ? null : Math.round((trainingTokens / 1e6) * price * 1e4) / 1e4,
    price_source: PRICE_SOURCE,
  };
}
