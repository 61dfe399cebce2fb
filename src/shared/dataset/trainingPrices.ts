import { modelInfo, UnknownModelError } from './modelLimits';

/** USD per 1M training tokens by model name (or name prefix), from TUNELOOP_TRAINING_PRICES. */
export type TrainingPrices = Readonly<Record<string, number>>;

/**
 * The training price (USD per 1M training tokens) of a model, or null when none is known:
 * TUNELOOP_TRAINING_PRICES first (an exact model name, else the longest name the model starts
 * with, so a fine-tuned model `gpt-4o-mini-2024-07-18.ft-abc` takes its base model's price), then
 * tuneloop's table of published prices. Without a price a job is refused, never run unbudgeted.
 */
export function trainingPriceFor(model: string, prices: TrainingPrices): number | null {
  const name = model.trim().toLowerCase();
  const keys = Object.keys(prices).sort((a, b) => b.length - a.length);
  const match = keys.find((k) => name === k.toLowerCase()) ?? keys.find((k) => name.startsWith(k.toLowerCase()));
  if (match !== undefined) return prices[match];
  try {
    const price = modelInfo(model).trainingPricePerMillionUsd;
    return Number.isFinite(price) ? price : null;
  } catch (err) {
    if (err instanceof UnknownModelError) return null;
    throw err;
  }
}
