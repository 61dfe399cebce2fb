import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Benchmark } from './harness';
import { timeMedian } from './harness';
import { corpusBleu, tokenize13a } from '../src/shared/evaluation/bleu';

/**
 * Corpus BLEU over holdout-sized corpora of real customer messages (BANKING77 test split, CC BY 4.0,
 * test/fixtures/corpora/banking77; each message scored against the next one of the same intent).
 * Baseline, measured in the same run: 13a tokenization of the same text alone, the part every BLEU
 * implementation pays; the ratio shows what n-gram counting and clipping add on top.
 */
function corpus(): { hyps: string[]; refs: string[] } {
  const path = resolve(__dirname, '../../test/fixtures/corpora/banking77/test.csv');
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]+)$/.exec(l);
      return m ? { text: (m.at(1) ?? m.at(2) ?? '').replace(/""/g, '"'), intent: m[3] } : undefined;
    })
    .filter((r): r is { text: string; intent: string } => Boolean(r));
  const hyps: string[] = [];
  const refs: string[] = [];
  for (let i = 0; i + 1 < rows.length; i++) {
    if (rows[i].intent !== rows[i + 1].intent) continue;
    hyps.push(rows[i].text);
    refs.push(rows[i + 1].text);
  }
  return { hyps, refs };
}

export const bleuBenchmark: Benchmark = {
  name: 'bleu',
  async run() {
    const { hyps, refs } = corpus();
    const lines: string[] = [];
    for (const n of [200, 2000]) {
      const h: string[] = [];
      const r: string[] = [];
      for (let i = 0; h.length < n; i = (i + 1) % hyps.length) {
        h.push(hyps[i]);
        r.push(refs[i]);
      }
      const baseline = await timeMedian(() => {
        for (let i = 0; i < n; i++) {
          tokenize13a(h[i]);
          tokenize13a(r[i]);
        }
      }, 7);
      const full = await timeMedian(() => corpusBleu(h, [r]), 7);
      const score = corpusBleu(h, [r]).score;
      lines.push(
        `${n} segments: 13a tokenization ${baseline.toFixed(2)} ms (baseline), corpus BLEU ${full.toFixed(2)} ms (median of 7) = ${(full / baseline).toFixed(1)}x baseline; BLEU ${score.toFixed(2)}`,
      );
    }
    return { name: 'bleu', lines };
  },
};
