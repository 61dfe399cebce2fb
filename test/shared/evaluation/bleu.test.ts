import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  bleuFromStatistics,
  corpusBleu,
  sentenceBleu,
  tokenize13a,
  type BleuOptions,
  type BleuSmoothing,
  type BleuTokenizer,
} from '../../../src/shared/evaluation/bleu';

/** sacreBLEU's own test vectors (values only; see test/fixtures/corpora/sacrebleu_test_vectors/SOURCE.md). */
const VECTORS = resolve(__dirname, '../../fixtures/corpora/sacrebleu_test_vectors/bleu_test_vectors.json');

/** A corpus-level case; each group fills the fields its test reads (see the vectors file). */
interface CorpusCase {
  hypotheses: string[];
  references: string[][];
  expected: number;
  overrides?: Record<string, unknown>;
  expected_counts: number[];
  expected_totals: number[];
  counts: number[];
  totals: number[];
  sys_len: number;
  ref_len: number;
  expected_with_default_floor_0_1: number;
  expected_with_floor_0_0: number;
  floor_value: number;
}

/** max_ngram_order cases: the expected score is a string with two decimals. */
interface MaxOrderCase {
  hypotheses: string[];
  references: string[][];
  max_ngram_order: number;
  expected: string;
}

/** A sentence-level case carries its own settings (a type alias, so it reads as a settings record). */
type SentenceCase = {
  hypothesis: string;
  references: string[];
  expected: number;
  tokenize?: string;
  smooth_method?: string;
  smooth_value?: number | null;
  lowercase?: boolean;
};

interface Group<Case> {
  name: string;
  settings: Record<string, unknown> & { defaults?: Record<string, unknown> };
  tolerance: number;
  cases: Case[];
}
const groups: Group<unknown>[] = JSON.parse(readFileSync(VECTORS, 'utf8')).groups;
/** The named group, its cases read as `Case` (the vectors file is sacreBLEU's; the tests check the values). */
const group = <Case = CorpusCase>(name: string): Group<Case> => {
  const g = groups.find((x) => x.name === name);
  if (!g) throw new Error(`vector group ${name} missing from ${VECTORS}`);
  return g as Group<Case>;
};

/** The brief's bar is ±0.01 BLEU points; where sacreBLEU's own test is stricter, use its tolerance. */
function expectClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(tolerance, 1e-9));
}

function optionsFrom(settings: Record<string, unknown>): BleuOptions {
  return {
    tokenize: settings.tokenize as BleuTokenizer | undefined,
    smoothMethod: settings.smooth_method as BleuSmoothing | undefined,
    smoothValue: (settings.smooth_value ?? undefined) as number | undefined,
    lowercase: settings.lowercase as boolean | undefined,
    effectiveOrder: settings.effective_order as boolean | undefined,
    maxNgramOrder: settings.max_ngram_order as number | undefined,
  };
}

describe('BLEU against sacreBLEU test vectors', () => {
  it('covers every vector group in the file', () => {
    expect(groups.map((g) => g.name).sort()).toEqual(
      [
        'corpus_bleu',
        'degenerate_statistics',
        'effective_order',
        'floor_offset',
        'max_ngram_order',
        'ngram_statistics',
        'raw_corpus_bleu',
        'score_from_statistics',
        'sentence_bleu',
        'sentence_bleu_zero',
      ].sort(),
    );
  });

  for (const name of ['raw_corpus_bleu', 'effective_order']) {
    const g = group(name);
    it.each(g.cases.map((c, i) => [i, c] as const))(`${name} case %i (raw corpus BLEU, scale 0-1)`, (_i, c) => {
      const score = corpusBleu(c.hypotheses, c.references, optionsFrom(g.settings)).score / 100;
      expectClose(score, c.expected, g.tolerance);
    });
  }

  const corpus = group('corpus_bleu');
  it.each(corpus.cases.map((c, i) => [i, JSON.stringify(c.overrides), c] as const))('corpus_bleu case %i overrides %s', (_i, _o, c) => {
    const result = corpusBleu(c.hypotheses, c.references, optionsFrom({ ...corpus.settings.defaults, ...c.overrides }));
    expectClose(result.score, c.expected, Math.max(corpus.tolerance, 1e-6));
  });

  it('ngram_statistics: matched counts and totals per order', () => {
    const g = group('ngram_statistics');
    for (const c of g.cases) {
      const result = corpusBleu(c.hypotheses, c.references, optionsFrom(g.settings));
      expect(result.counts).toEqual(c.expected_counts);
      expect(result.totals).toEqual(c.expected_totals);
    }
  });

  it('score_from_statistics', () => {
    const g = group('score_from_statistics');
    for (const c of g.cases) {
      const r = bleuFromStatistics(
        { counts: c.counts, totals: c.totals, sysLen: c.sys_len, refLen: c.ref_len },
        { smoothMethod: 'none', maxNgramOrder: 4 },
      );
      expectClose(r.score / 100, c.expected, g.tolerance);
    }
  });

  it('floor_offset: default floor 0.1 and floor 0.0', () => {
    const g = group('floor_offset');
    for (const c of g.cases) {
      const base = optionsFrom(g.settings);
      expectClose(corpusBleu(c.hypotheses, c.references, base).score / 100, c.expected_with_default_floor_0_1, g.tolerance);
      expectClose(corpusBleu(c.hypotheses, c.references, { ...base, smoothValue: 0 }).score / 100, c.expected_with_floor_0_0, g.tolerance);
    }
  });

  it('degenerate_statistics give exactly 0', () => {
    const g = group('degenerate_statistics');
    for (const c of g.cases) {
      const r = bleuFromStatistics(
        { counts: c.counts, totals: c.totals, sysLen: c.sys_len, refLen: c.ref_len },
        { smoothMethod: 'floor', smoothValue: c.floor_value, maxNgramOrder: 4 },
      );
      expect(r.score / 100).toBe(c.expected);
    }
  });

  const maxOrder = group<MaxOrderCase>('max_ngram_order');
  it.each(maxOrder.cases.map((c) => [c.max_ngram_order, c] as const))('max_ngram_order %i', (order, c) => {
    const r = corpusBleu(c.hypotheses, c.references, { ...optionsFrom(maxOrder.settings), maxNgramOrder: order });
    expect(r.score.toFixed(2)).toBe(c.expected);
  });

  for (const name of ['sentence_bleu', 'sentence_bleu_zero']) {
    const g = group<SentenceCase>(name);
    it.each(
      g.cases.map(
        (c, i) => [i, `${String(c.tokenize)}/${String(c.smooth_method)}/${String(c.smooth_value)}/lc=${String(c.lowercase)}`, c] as const,
      ),
    )(`${name} case %i %s`, (_i, _d, c) => {
      const r = sentenceBleu(c.hypothesis, c.references, optionsFrom(c));
      expectClose(r.score, c.expected, g.tolerance);
    });
  }
});

describe('BLEU details', () => {
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
  const refs = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
  ];

  it('has sacreBLEU signature and format strings', () => {
    const r = corpusBleu(hyps, refs);
    expect(r.signature).toBe('nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    // sacreBLEU prints this line for its README example.
    expect(r.formatted).toBe('BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)');
    expect(sentenceBleu('a b', ['a b'], { smoothMethod: 'floor' }).signature).toBe(
      'nrefs:1|case:mixed|eff:yes|tok:13a|smooth:floor[0.10]|version:2.6.0',
    );
  });

  it('marks a variable number of references as nrefs:var', () => {
    const r = corpusBleu(hyps, [refs[0], [refs[1][0], undefined, refs[1][2]]]);
    expect(r.signature.startsWith('nrefs:var|')).toBe(true);
  });

  it('tokenizes like mteval-v13a', () => {
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('Pay $3.50, or 1,000 in 2024-01!')).toBe('Pay $ 3.50 , or 1,000 in 2024 - 01 !');
    expect(tokenize13a('a &amp; b &lt;c&gt;')).toBe('a & b < c >');
  });

  it('rejects reference streams of the wrong length with a clear error', () => {
    expect(() => corpusBleu(hyps, [refs[0].slice(0, 2)])).toThrow(/reference stream 1 has 2 lines but there are 3 hypotheses/);
  });
});
