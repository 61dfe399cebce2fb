/**
 * A bigram language model with Dirichlet smoothing towards an add-one unigram model:
 *
 *   p(w | h) = (c(h,w) + beta * p_u(w)) / (c(h) + beta),   p_u(w) = (c(w) + 1) / (N + V)
 *
 * Counts are accumulated with a weight per observation (the learning-rate multiplier), and every
 * epoch adds the training data again. That makes the model sharpen with exposure the way
 * fine-tuning does: training loss keeps falling, while on held-out text the probability left
 * for unseen continuations shrinks, so validation loss turns up again when epochs are many and the
 * data small (overfitting shows in the curves instead of being drawn).
 */
import { getOrThrow } from '../../../shared/lookup';

export const UNKNOWN = '<unk>';
export const START = '<s>';
export const END = '</s>';

export interface SequenceScore {
  /** Summed negative log-likelihood in nats. */
  nats: number;
  /** Predicted tokens (including the end marker). */
  tokens: number;
  /** Tokens whose most probable prediction was the actual token. */
  correct: number;
}

interface Successors {
  total: number;
  next: Map<number, number>;
  best: number;
}

export interface BigramLanguageModelOptions {
  /** Dirichlet concentration beta: how strongly a history falls back to unigram frequencies (default 1). */
  concentration?: number;
}

export class BigramLanguageModel {
  private readonly ids = new Map<string, number>();
  private readonly unigram: Float64Array;
  private unigramTotal = 0;
  private unigramBest = -1;
  private readonly successors = new Map<number, Successors>();
  private readonly beta: number;
  /** Number of predictable symbols: the vocabulary, the unknown word and the end marker (not the start marker). */
  private readonly predictable: number;

  constructor(vocabulary: Iterable<string>, options: BigramLanguageModelOptions = {}) {
    this.beta = options.concentration ?? 1;
    for (const symbol of [UNKNOWN, START, END]) this.ids.set(symbol, this.ids.size);
    for (const word of vocabulary) if (!this.ids.has(word)) this.ids.set(word, this.ids.size);
    this.unigram = new Float64Array(this.ids.size);
    this.predictable = this.ids.size - 1;
  }

  get vocabularySize(): number {
    return this.ids.size - 3;
  }

  /** Token ids for one message, framed by start and end markers; unknown words map to `<unk>`. */
  encode(tokens: string[]): number[] {
    const unknown = getOrThrow(this.ids, UNKNOWN, 'token id of');
    return [
      getOrThrow(this.ids, START, 'token id of'),
      ...tokens.map((t) => this.ids.get(t) ?? unknown),
      getOrThrow(this.ids, END, 'token id of'),
    ];
  }

  observe(sequence: number[], weight = 1): void {
    if (!(weight > 0)) return;
    for (let i = 1; i < sequence.length; i++) {
      const h = sequence[i - 1];
      const w = sequence[i];
      this.unigram[w] += weight;
      this.unigramTotal += weight;
      if (this.unigramBest < 0 || this.unigram[w] > this.unigram[this.unigramBest]) this.unigramBest = w;
      let s = this.successors.get(h);
      if (!s) this.successors.set(h, (s = { total: 0, next: new Map(), best: w }));
      const count = (s.next.get(w) ?? 0) + weight;
      s.next.set(w, count);
      s.total += weight;
      if (count > (s.next.get(s.best) ?? 0)) s.best = w;
    }
  }

  probability(previous: number, word: number): number {
    const pu = (this.unigram[word] + 1) / (this.unigramTotal + this.predictable);
    const s = this.successors.get(previous);
    if (!s) return pu;
    return ((s.next.get(word) ?? 0) + this.beta * pu) / (s.total + this.beta);
  }

  /**
   * The model's prediction after `previous`: the more probable of the history's most frequent
   * successor and the globally most frequent word (the argmax of the smoothed distribution is
   * one of the two except in rare ties between low counts).
   */
  predict(previous: number): number {
    const s = this.successors.get(previous);
    const candidates = [s?.best ?? -1, this.unigramBest].filter((c) => c >= 0);
    let best = -1;
    let bestP = -1;
    for (const c of candidates) {
      const p = this.probability(previous, c);
      if (p > bestP) [best, bestP] = [c, p];
    }
    return best;
  }

  score(sequence: number[]): SequenceScore {
    // The same arithmetic as probability() and predict(), with one lookup per position: this loop
    // is where training spends its time.
    let nats = 0;
    let correct = 0;
    const denominator = this.unigramTotal + this.predictable;
    const ub = this.unigramBest;
    const pUnigramBest = ub >= 0 ? (this.unigram[ub] + 1) / denominator : 0;
    for (let i = 1; i < sequence.length; i++) {
      const h = sequence[i - 1];
      const w = sequence[i];
      const pu = (this.unigram[w] + 1) / denominator;
      const s = this.successors.get(h);
      let predicted = ub;
      if (s) {
        const scale = 1 / (s.total + this.beta);
        nats -= Math.log(((s.next.get(w) ?? 0) + this.beta * pu) * scale);
        const pBest = ((s.next.get(s.best) ?? 0) + (this.beta * (this.unigram[s.best] + 1)) / denominator) * scale;
        const pUb = ub >= 0 ? ((s.next.get(ub) ?? 0) + this.beta * pUnigramBest) * scale : -1;
        predicted = pBest >= pUb ? s.best : ub;
      } else nats -= Math.log(pu);
      if (predicted === w) correct++;
    }
    return { nats, tokens: Math.max(0, sequence.length - 1), correct };
  }
}
