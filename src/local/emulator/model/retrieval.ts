import { contentTerms } from './text';

/** What precedes a reply in a conversation: the evidence retrieval matches on. */
export interface RetrievalContext {
  /** The user turns since the previous assistant reply (what the reply answers). */
  recent: string;
  /** The assistant reply just before them (where the conversation stands), '' at the start. */
  previousReply: string;
  /** Earlier user turns of the same conversation. */
  earlier: string;
}

/** One retrievable reply and its context. */
export interface RetrievalDocument {
  context: RetrievalContext;
  reply: string;
  /**
   * How well the model still remembers this reply, (0, 1] (default 1). Continued training from a
   * parent model weakens what the parent learned (see trainModel): a weak memory loses to a
   * weaker match that was trained recently, and falls under the out-of-scope threshold sooner.
   */
  strength?: number;
}

export interface RetrievalMatch {
  index: number;
  score: number;
  reply: string;
}

export interface TfIdfIndexOptions {
  /** Weight of each part of the context in the vectors (defaults: recent 1, previousReply 0.6, earlier 0.4). */
  weights?: Partial<Record<keyof RetrievalContext, number>>;
}

type SparseVector = Map<string, number>;

const PARTS: (keyof RetrievalContext)[] = ['recent', 'previousReply', 'earlier'];

/**
 * TF-IDF (sublinear tf, smoothed idf, cosine) over the context of each training reply. Terms of
 * the previous assistant reply live in their own namespace, so a follow-up ("order 123, card
 * ending 6129") is matched by where the conversation stands ("could you tell me the order
 * number…") rather than by its own words alone. Scores are cosine similarities in [0, 1], so one
 * threshold separates "the training data covers this" from "out of scope" whatever the corpus size.
 */
export class TfIdfIndex {
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, { doc: number; weight: number }[]>();
  private readonly documents: RetrievalDocument[];
  private readonly weights: Record<keyof RetrievalContext, number>;

  constructor(documents: RetrievalDocument[], options: TfIdfIndexOptions = {}) {
    this.documents = documents;
    this.weights = { recent: 1, previousReply: 0.6, earlier: 0.4, ...options.weights };
    const termsPerDoc = documents.map((d) => this.terms(d.context));
    const df = new Map<string, number>();
    for (const parts of termsPerDoc) {
      for (const term of new Set(PARTS.flatMap((p) => parts[p]))) df.set(term, (df.get(term) ?? 0) + 1);
    }
    const n = documents.length;
    for (const [term, count] of df) this.idf.set(term, Math.log((1 + n) / (1 + count)) + 1);
    termsPerDoc.forEach((parts, doc) => {
      for (const [term, weight] of this.vectorize(parts)) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, weight });
      }
    });
  }

  get size(): number {
    return this.documents.length;
  }

  /** Best matches for a context, highest score first (ties: the earlier document). */
  search(context: Partial<RetrievalContext>, limit = 1): RetrievalMatch[] {
    const query = this.vectorize(this.terms({ recent: '', previousReply: '', earlier: '', ...context }));
    const scores = new Map<number, number>();
    for (const [term, qWeight] of query) {
      for (const { doc, weight } of this.postings.get(term) ?? []) scores.set(doc, (scores.get(doc) ?? 0) + qWeight * weight);
    }
    for (const [doc, score] of scores) {
      const strength = this.documents[doc].strength;
      if (strength !== undefined && strength !== 1) scores.set(doc, score * strength);
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([index, score]) => ({ index, score: Math.min(1, score), reply: this.documents[index].reply }));
  }

  private terms(context: RetrievalContext): Record<keyof RetrievalContext, string[]> {
    return {
      recent: contentTerms(context.recent),
      previousReply: contentTerms(context.previousReply).map((t) => `assistant:${t}`),
      earlier: contentTerms(context.earlier),
    };
  }

  private vectorize(parts: Record<keyof RetrievalContext, string[]>): SparseVector {
    const tf = new Map<string, number>();
    for (const part of PARTS) {
      const counts = new Map<string, number>();
      for (const t of parts[part]) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, c] of counts) tf.set(t, (tf.get(t) ?? 0) + this.weights[part] * (1 + Math.log(c)));
    }
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
