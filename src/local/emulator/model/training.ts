import { BigramLanguageModel, type SequenceScore } from './ngram';
import { FineTunedChatModel, type ChatModelOptions, type TrainingExample } from './chatModel';
import { seededRandom, shuffleInPlace } from '../../../shared/random/seeded';
import { lmTokens, messageText } from './text';

/** Hyperparameters as the job reports them after the service resolved its defaults. */
export interface Hyperparameters {
  n_epochs: number;
  batch_size: number;
  learning_rate_multiplier: number;
}

export interface RequestedHyperparameters {
  n_epochs?: number | 'auto';
  batch_size?: number | 'auto';
  learning_rate_multiplier?: number | 'auto';
}

/** One row of results.csv; validation cells are absent when there is no validation data for that step. */
export interface StepMetrics {
  step: number;
  train_loss: number;
  train_mean_token_accuracy: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
}

export interface TrainingRun {
  hyperparameters: Hyperparameters;
  steps: StepMetrics[];
  /** Last step of each epoch (1-based step numbers), where checkpoints are taken. */
  epochEnds: number[];
  model: FineTunedChatModel;
  /** Examples that carried at least one trainable assistant message. */
  trainedExamples: number;
}

export interface TrainOptions extends ChatModelOptions {
  training: readonly TrainingExample[];
  /**
   * Continuous fine-tuning: what the parent model was trained on. It is learned once before the
   * first step (the starting point), and the replies and labels stay available to the new model,
   * each as strongly as its `strength` says (forgetting: see `continuedTrainingRetention`).
   */
  prior?: readonly TrainingExample[];
  validation?: readonly TrainingExample[];
  hyperparameters: Hyperparameters;
  seed: number;
  signal?: AbortSignal;
}

/**
 * Service defaults when a hyperparameter is not given: batch size about 0.2% of the examples
 * (1 to 256, as Azure documents), 3 epochs, learning-rate multiplier 1 (the emulator's scale:
 * the weight each pass adds to the language model's counts).
 */
export function resolveHyperparameters(requested: RequestedHyperparameters | undefined, examples: number): Hyperparameters {
  const pick = (value: number | 'auto' | undefined, fallback: number) =>
    value === undefined || value === 'auto' || value === -1 ? fallback : value;
  return {
    n_epochs: pick(requested?.n_epochs, 3),
    batch_size: pick(requested?.batch_size, Math.max(1, Math.min(256, Math.round(examples * 0.002)))),
    learning_rate_multiplier: pick(requested?.learning_rate_multiplier, 1),
  };
}

/** Assistant messages the service trains on (weight 0 excluded), as language-model token sequences. */
function assistantSequences(lm: BigramLanguageModel, example: TrainingExample): number[][] {
  return example.messages.filter((m) => m.role === 'assistant' && m.weight !== 0).map((m) => lm.encode(lmTokens(messageText(m))));
}

function sum(scores: SequenceScore[]): SequenceScore {
  return scores.reduce((a, s) => ({ nats: a.nats + s.nats, tokens: a.tokens + s.tokens, correct: a.correct + s.correct }), {
    nats: 0,
    tokens: 0,
    correct: 0,
  });
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;

/**
 * Trains the emulator's model the way a fine-tuning job runs: epochs over a seeded shuffle of the
 * training examples in batches; each step reports the batch's loss (mean nats per assistant token)
 * and token accuracy before the update, then learns the batch; the validation data gives
 * `valid_*` on a rotating batch each step and `full_valid_*` over all of it at every epoch end.
 */
export function trainModel(options: TrainOptions): TrainingRun {
  const { hyperparameters, seed } = options;
  const training = options.training;
  const prior = options.prior ?? [];
  const validation = options.validation ?? [];
  const vocabulary = new Set<string>();
  for (const example of [...prior, ...training]) {
    for (const m of example.messages)
      if (m.role === 'assistant' && m.weight !== 0) for (const t of lmTokens(messageText(m))) vocabulary.add(t);
  }
  const lm = new BigramLanguageModel(vocabulary);
  const trainSeqs = training.map((e) => assistantSequences(lm, e)).filter((s) => s.length > 0);
  const validSeqs = validation.map((e) => assistantSequences(lm, e)).filter((s) => s.length > 0);
  for (const example of prior)
    for (const s of assistantSequences(lm, example)) lm.observe(s, hyperparameters.learning_rate_multiplier * (example.strength ?? 1));
  const random = seededRandom(seed);
  const steps: StepMetrics[] = [];
  const epochEnds: number[] = [];
  const batchSize = Math.max(1, hyperparameters.batch_size);
  let validCursor = 0;
  for (let epoch = 0; epoch < hyperparameters.n_epochs; epoch++) {
    const order = shuffleInPlace(
      trainSeqs.map((_, i) => i),
      random,
    );
    for (let start = 0; start < order.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = order.slice(start, start + batchSize).flatMap((i) => trainSeqs[i]);
      const before = sum(batch.map((s) => lm.score(s)));
      for (const s of batch) lm.observe(s, hyperparameters.learning_rate_multiplier);
      const row: StepMetrics = {
        step: steps.length + 1,
        train_loss: round(before.nats / Math.max(1, before.tokens)),
        train_mean_token_accuracy: round(before.correct / Math.max(1, before.tokens)),
      };
      if (validSeqs.length > 0) {
        const vb: number[][] = [];
        for (let k = 0; k < Math.min(batchSize, validSeqs.length); k++) {
          vb.push(...validSeqs[validCursor % validSeqs.length]);
          validCursor++;
        }
        const v = sum(vb.map((s) => lm.score(s)));
        row.valid_loss = round(v.nats / Math.max(1, v.tokens));
        row.valid_mean_token_accuracy = round(v.correct / Math.max(1, v.tokens));
      }
      steps.push(row);
    }
    if (steps.length === 0) break;
    const last = steps[steps.length - 1];
    if (validSeqs.length > 0) {
      const full = sum(validSeqs.flat().map((s) => lm.score(s)));
      last.full_valid_loss = round(full.nats / Math.max(1, full.tokens));
      last.full_valid_mean_token_accuracy = round(full.correct / Math.max(1, full.tokens));
    }
    epochEnds.push(last.step);
  }
  return {
    hyperparameters,
    steps,
    epochEnds,
    model: new FineTunedChatModel([...prior, ...training], options),
    trainedExamples: trainSeqs.length,
  };
}

export const RESULTS_CSV_COLUMNS = [
  'step',
  'train_loss',
  'train_mean_token_accuracy',
  'valid_loss',
  'valid_mean_token_accuracy',
  'full_valid_loss',
  'full_valid_mean_token_accuracy',
] as const;

/** results.csv as the service attaches it: a header and one row per step; missing values are empty cells. */
export function resultsCsv(steps: readonly StepMetrics[]): string {
  const lines = [RESULTS_CSV_COLUMNS.join(',')];
  for (const s of steps) lines.push(RESULTS_CSV_COLUMNS.map((c) => (s[c] === undefined ? '' : String(s[c]))).join(','));
  return lines.join('\n') + '\n';
}
