import { contentTerms } from './text';

/** One retrievable reply: the customer's words that led to it and what the agent answered. */
export interface RetrievalDocument {
  /** The user turns since the previous assistant reply (what the reply answers). */
  recentContext: string;
  /** Earlier user turns of the same conversation (weaker evidence). */
  earlierContext: string;
  reply: string;
}

export interface RetrievalMatch {
  index: number;
  score: number;
  reply: string;
}

export interface TfIdfIndexOptions {
  /** Weight of earlier user turns relative to the most recent ones (default 0.5). */
  earlierWeight?: number;
}

type SparseVector = Map<string, number>;

/**
 * TF-IDF (sublinear tf, smoothed idf, cosine) over the user turns that precede each training
 * reply. Scores are cosine similarities in [0, 1], so one threshold separates "the training data
 * covers this" from "out of scope" independently of corpus size.
 */
export class TfIdfIndex {
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, { doc: number; weight: number }[]>();
  private readonly documents: RetrievalDocument[];
  private readonly earlierWeight: number;

  constructor(documents: RetrievalDocument[], options: TfIdfIndexOptions = {}) {
    this.documents = documents;
    this.earlierWeight = options.earlierWeight ?? 0.5;
    const termsPerDoc = documents.map((d) => ({ recent: contentTerms(d.recentContext), earlier: contentTerms(d.earlierContext) }));
    const df = new Map<string, number>();
    for (const { recent, earlier } of termsPerDoc) {
      for (const term of new Set([...recent, ...earlier])) df.set(term, (df.get(term) ?? 0) + 1);
    }
    const n = documents.length;
    for (const [term, count] of df) this.idf.set(term, Math.log((1 + n) / (1 + count)) + 1);
    termsPerDoc.forEach(({ recent, earlier }, doc) => {
      const vector = this.vectorize(recent, earlier);
      for (const [term, weight] of vector) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, weight });
      }
    });
  }

  get size(): number {
    return this.documents.length;
  }

  /** Best matches for a query given as recent and earlier user text, highest score first (ties: earlier document). */
  search(recentQuery: string, earlierQuery = '', limit = 1): RetrievalMatch[] {
    const query = this.vectorize(contentTerms(recentQuery), contentTerms(earlierQuery));
    const scores = new Map<number, number>();
    for (const [term, qWeight] of query) {
      for (const { doc, weight } of this.postings.get(term) ?? []) scores.set(doc, (scores.get(doc) ?? 0) + qWeight * weight);
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([index, score]) => ({ index, score: Math.min(1, score), reply: this.documents[index].reply }));
  }

  private vectorize(recent: string[], earlier: string[]): SparseVector {
    const tf = new Map<string, number>();
    const add = (terms: string[], weight: number) => {
      const counts = new Map<string, number>();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, c] of counts) tf.set(t, (tf.get(t) ?? 0) + weight * (1 + Math.log(c)));
    };
    add(recent, 1);
    add(earlier, this.earlierWeight);
    const vector: SparseVector = new Map();
    let norm = 0;
    for (const [term, value] of tf) {
      // Terms never seen in training cannot match, but they still count in the query's norm:
      // a question that is mostly about something else must score low.
      const w = value * (this.idf.get(term) ?? Math.log(1 + this.documents.length) + 1);
      vector.set(term, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, w] of vector) vector.set(term, w / norm);
    return vector;
  }
}
