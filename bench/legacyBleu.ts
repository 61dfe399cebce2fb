import { bleuFromStatistics, pySplit, tokenize13a } from '../src/shared/evaluation/bleu';

/**
 * Corpus BLEU as src/shared/evaluation/bleu.ts computed it before n-gram keys were built
 * incrementally (every n-gram sliced, joined and prefixed with its order; references re-tokenised
 * per system). Kept only as the baseline of `npm run bench -- bleu-significance`. 13a, exp, order 4.
 */
function extractNgrams(tokens: string[], maxOrder: number): Map<string, number> {
  const ngrams = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}\u0000${tokens.slice(i, i + n).join(' ')}`;
      ngrams.set(key, (ngrams.get(key) ?? 0) + 1);
    }
  }
  return ngrams;
}

const tokens = (line: string) => pySplit(tokenize13a(line.replace(/\s+$/, '')));

export function legacyCorpusBleu(hypotheses: readonly string[], references: readonly string[]): number {
  const sum = { sysLen: 0, refLen: 0, counts: [0, 0, 0, 0], totals: [0, 0, 0, 0] };
  hypotheses.forEach((hyp, i) => {
    const refTokens = tokens(references[i]);
    const refNgrams = extractNgrams(refTokens, 4);
    const hypTokens = tokens(hyp);
    for (const [ngram, count] of extractNgrams(hypTokens, 4)) {
      const n = Number(ngram.slice(0, ngram.indexOf('\u0000'))) - 1;
      sum.totals[n] += count;
      const refCount = refNgrams.get(ngram);
      if (refCount !== undefined) sum.counts[n] += Math.min(count, refCount);
    }
    sum.sysLen += hypTokens.length;
    sum.refLen += refTokens.length;
  });
  return bleuFromStatistics(sum, { smoothMethod: 'exp' }).score;
}
