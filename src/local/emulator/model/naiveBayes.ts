import { getOrThrow } from '../../../shared/lookup';
import { contentTerms } from './text';

export interface LabelledText {
  text: string;
  label: string;
}

export interface Classification {
  label: string;
  /** Posterior probability of the chosen label among the candidates. */
  confidence: number;
}

/**
 * Multinomial naive Bayes with Laplace smoothing over content terms: what the emulator uses to
 * answer intent-labelling prompts with the labels it learned from the training file.
 */
export class NaiveBayesClassifier {
  private readonly docsPerLabel = new Map<string, number>();
  private readonly termCounts = new Map<string, Map<string, number>>();
  private readonly termTotals = new Map<string, number>();
  private readonly vocabulary = new Set<string>();
  private documents = 0;

  constructor(
    examples: Iterable<LabelledText> = [],
    private readonly alpha = 1,
  ) {
    for (const e of examples) this.add(e);
  }

  add(example: LabelledText): void {
    const label = example.label.trim();
    if (!label) return;
    this.documents++;
    this.docsPerLabel.set(label, (this.docsPerLabel.get(label) ?? 0) + 1);
    let counts = this.termCounts.get(label);
    if (!counts) this.termCounts.set(label, (counts = new Map<string, number>()));
    for (const term of contentTerms(example.text)) {
      counts.set(term, (counts.get(term) ?? 0) + 1);
      this.termTotals.set(label, (this.termTotals.get(label) ?? 0) + 1);
      this.vocabulary.add(term);
    }
  }

  get labels(): string[] {
    return [...this.docsPerLabel.keys()].sort();
  }

  /**
   * Most probable label. With `candidates`, only those are considered (matched case-insensitively
   * to learned labels); candidates never seen in training are chosen only when no candidate was
   * (the first of them, with uniform confidence). Returns undefined when there is nothing to choose from.
   */
  classify(text: string, candidates?: string[]): Classification | undefined {
    const known = new Map(this.labels.map((l) => [l.toLowerCase(), l]));
    const options = (candidates && candidates.length > 0 ? candidates : this.labels).map((c) => ({
      answer: c,
      learned: known.get(c.toLowerCase()),
    }));
    if (options.length === 0) return undefined;
    if (!options.some((o) => o.learned)) return { label: options[0].answer, confidence: 1 / options.length };
    const terms = contentTerms(text);
    const v = this.vocabulary.size + 1;
    const logScores = options.map(({ learned }) => {
      if (!learned) return Number.NEGATIVE_INFINITY;
      const docs = getOrThrow(this.docsPerLabel, learned, 'document count of label');
      let score = Math.log((docs + this.alpha) / (this.documents + this.alpha * options.length));
      const counts = getOrThrow(this.termCounts, learned, 'term counts of label');
      const total = this.termTotals.get(learned) ?? 0;
      for (const term of terms) {
        if (!this.vocabulary.has(term)) continue;
        score += Math.log(((counts.get(term) ?? 0) + this.alpha) / (total + this.alpha * v));
      }
      return score;
    });
    let best = 0;
    for (let i = 1; i < logScores.length; i++) if (logScores[i] > logScores[best]) best = i;
    const max = logScores[best];
    const sum = logScores.reduce((acc, s) => acc + Math.exp(s - max), 0);
    return { label: options[best].answer, confidence: 1 / sum };
  }
}
