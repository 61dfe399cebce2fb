import { TuneloopError } from '../errors';
/**
 * What tuneloop needs to know about each fine-tunable base model: which tokenizer counts its
 * tokens, the per-example token limit, and the list price of training. Limits come from the
 * Azure OpenAI contract (shared/contracts/azure-openai/CONTRACT.md §9, from Microsoft's
 * "fine-tuning" and "quotas and limits" pages).
 */
export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';

export interface ModelInfo {
  /** The family prefix the model name starts with, e.g. `gpt-4o-mini`. */
  family: string;
  encoding: TokenizerEncoding;
  /** Maximum tokens in one training example (chat format, as counted by `countExampleTokens`). */
  maxExampleTokens: number;
  /** USD per 1M training tokens (tokens in the training file × epochs). */
  trainingPricePerMillionUsd: number;
}

/**
 * Training prices: OpenAI's published fine-tuning prices (openai.com/api/pricing, "Fine-tuning",
 * standard training, per 1M training tokens). Azure OpenAI bills fine-tuning per region and
 * deployment type; check the Azure OpenAI pricing page for the exact figure. The estimate is a
 * budget guide, not a quote.
 */
export const PRICE_SOURCE = 'OpenAI API pricing, fine-tuning training per 1M tokens (openai.com/api/pricing); Azure prices vary by region';

/** Longest matching family wins (gpt-4o-mini before gpt-4o, gpt-4.1-nano before gpt-4.1). */
export const MODEL_TABLE: readonly ModelInfo[] = [
  { family: 'gpt-4o-mini', encoding: 'o200k_base', maxExampleTokens: 65_536, trainingPricePerMillionUsd: 3.0 },
  { family: 'gpt-4o', encoding: 'o200k_base', maxExampleTokens: 65_536, trainingPricePerMillionUsd: 25.0 },
  { family: 'gpt-4.1-nano', encoding: 'o200k_base', maxExampleTokens: 32_768, trainingPricePerMillionUsd: 1.5 },
  { family: 'gpt-4.1-mini', encoding: 'o200k_base', maxExampleTokens: 65_536, trainingPricePerMillionUsd: 5.0 },
  { family: 'gpt-4.1', encoding: 'o200k_base', maxExampleTokens: 65_536, trainingPricePerMillionUsd: 25.0 },
  // o4-mini is fine-tuned with reinforcement fine-tuning, billed per training hour, not per token.
  { family: 'o4-mini', encoding: 'o200k_base', maxExampleTokens: 65_536, trainingPricePerMillionUsd: Number.NaN },
  // Older cl100k_base models are not in CONTRACT.md §9; their limit is the model's context length.
  { family: 'gpt-35-turbo', encoding: 'cl100k_base', maxExampleTokens: 16_385, trainingPricePerMillionUsd: 8.0 },
  { family: 'gpt-3.5-turbo', encoding: 'cl100k_base', maxExampleTokens: 16_385, trainingPricePerMillionUsd: 8.0 },
  { family: 'gpt-4', encoding: 'cl100k_base', maxExampleTokens: 8_192, trainingPricePerMillionUsd: 90.0 },
];

/** Azure refuses a training file with fewer examples (jobs do not start). */
export const MIN_TRAINING_EXAMPLES = 10;
/** Largest training file the files API accepts (strictly smaller than this). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** Thrown for a model name tuneloop has no tokenizer or limits for. */
export class UnknownModelError extends TuneloopError {
  constructor(readonly model: string) {
    super(
      `unknown base model "${model}": tuneloop knows ${MODEL_TABLE.map((m) => m.family + '*').join(', ')}; ` +
        'set TUNELOOP_BASE_MODEL (or --model) to one of them',
    );
  }
}

/** The table row for a model name such as `gpt-4o-mini-2024-07-18` or `gpt-35-turbo-0125`. */
export function modelInfo(model: string): ModelInfo & { model: string } {
  const name = model.trim().toLowerCase();
  const match = [...MODEL_TABLE]
    .sort((a, b) => b.family.length - a.family.length)
    .find((m) => name === m.family || name.startsWith(m.family + '-'));
  if (!match) throw new UnknownModelError(model);
  return { ...match, model };
}
