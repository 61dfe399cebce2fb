import fc from 'fast-check';
import { bleuFromSummedRow, corpusBleu, segmentStatisticsTables, tokenize13a } from '../../../src/shared/evaluation/bleu';
import { SeededRandom } from '../../../src/shared/evaluation/random';
import { estimateCi, pairedBootstrap } from '../../../src/shared/evaluation/significance';

// A fixed seed keeps CI repeatable; FAST_CHECK_SEED=<n> (or a random one) explores further.
fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261201) });

/**
 * The fast paths of BLEU and its bootstrap (id-matched n-grams, 13a without padding spaces, packed
 * resampling, the generator's inlined draws) against plain, obviously-correct versions written here:
 * the optimised code must give the same numbers, not merely close ones.
 */

/** mteval-v13a as sacreBLEU writes it: the first class includes the space. */
function plain13a(line: string): string[] {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return s.split(/\s+/).filter(Boolean);
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join('\u0001');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Sufficient statistics the textbook way: Σ min(hyp count, max ref count) per order. */
function plainRow(hyp: string, refs: string[]): number[] {
  const h = plain13a(hyp.trimEnd());
  const rs = refs.map((r) => plain13a(r.trimEnd()));
  let refLen = -1;
  for (const r of rs) {
    const d = Math.abs(h.length - r.length);
    if (refLen < 0 || d < Math.abs(h.length - refLen) || (d === Math.abs(h.length - refLen) && r.length < refLen)) refLen = r.length;
  }
  const counts: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= 4; n++) {
    const hg = ngrams(h, n);
    let c = 0;
    let t = 0;
    for (const [k, v] of hg) {
      t += v;
      c += Math.min(v, Math.max(0, ...rs.map((r) => ngrams(r, n).get(k) ?? 0)));
    }
    counts.push(c);
    totals.push(t);
  }
  return [h.length, refLen, ...counts, ...totals];
}

// Few distinct words, so n-grams repeat and clipping matters; punctuation 13a splits or keeps.
const word = fc.constantFrom(
  'the',
  'order',
  'refund',
  'a',
  'card',
  '5.00',
  '1,200',
  'e-mail',
  "don't",
  'it.',
  'ok,',
  '(yes)',
  '&amp;',
  'x-1',
  '3-4',
  '.',
  ',',
  '?',
  '!',
  '..',
);
const sentence = (max: number) =>
  fc.tuple(fc.array(word, { minLength: 0, maxLength: max }), fc.constantFrom(' ', '  ', '\u00a0')).map(([w, gap]) => w.join(gap));

describe('BLEU fast paths give exactly the plain results', () => {
  it('13a tokens: no padding of spaces changes nothing', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', '1', ' ', '.', ',', '-', '?', '&', ';', '\n', "'", '"', '<', 'é') as fc.Arbitrary<string>,
          maxLength: 40,
        }),
        (s) => {
          expect(tokenize13a(s)).toBe(plain13a(s).join(' '));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('per-segment statistics: short segments (ids) and long ones (maps), one or two references', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sentence(12), sentence(12), sentence(12)), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(sentence(90), sentence(90)), { minLength: 0, maxLength: 2 }),
        (short, long) => {
          const rows = [...short, ...long.map(([h, r]) => [h, r, r] as [string, string, string])];
          const hyps = rows.map((r) => r[0]);
          const refsA = rows.map((r) => r[1]);
          const refsB = rows.map((r) => r[2]);
          const [table] = segmentStatisticsTables([hyps], [refsA, refsB]);
          rows.forEach(([h, a, b], i) => {
            expect(Array.from(table.rows.subarray(i * 10, i * 10 + 10))).toEqual(plainRow(h, [a, b]));
          });
          const sum = rows.map(([h, a, b]) => plainRow(h, [a, b])).reduce((x, y) => x.map((v, k) => v + y[k]));
          expect(corpusBleu(hyps, [refsA, refsB]).score).toBe(
            bleuFromSummedRow(sum, { maxNgramOrder: 4, options: { smoothMethod: 'exp', effectiveOrder: false, maxNgramOrder: 4 } }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the generator's counted draws are below(n)'s draws", () => {
    for (const n of [1, 7, 1000, 100_003]) {
      const a = new SeededRandom(99);
      const b = new SeededRandom(99);
      const counts = new Int32Array(n);
      a.addDraws(n, 5000, counts);
      const expected = new Int32Array(n);
      for (let i = 0; i < 5000; i++) expected[b.below(n)]++;
      expect(counts).toEqual(expected);
      expect(a.uint32()).toBe(b.uint32());
    }
  });

  it('packed resampling scores every resample exactly as summing the rows would', () => {
    const refs: string[] = [];
    const sysA: string[] = [];
    const sysB: string[] = [];
    const rng = new SeededRandom(5);
    const vocab = ['the', 'parcel', 'arrives', 'tomorrow', 'sorry', 'refund', 'is', 'on', 'its', 'way', '.', ','];
    for (let i = 0; i < 400; i++) {
      const len = i % 50 === 0 ? 0 : 1 + rng.below(20);
      const ref = Array.from({ length: len }, () => vocab[rng.below(vocab.length)]);
      refs.push(ref.join(' '));
      // Some hypotheses of 0–2 tokens: their totals need the short-segment correction.
      sysA.push(
        ref
          .filter(() => rng.below(10) < 7)
          .slice(0, i % 7 === 0 ? 2 : undefined)
          .join(' '),
      );
      sysB.push(ref.filter(() => rng.below(10) < 8).join(' '));
    }
    const tables = segmentStatisticsTables([sysA, sysB], [refs]);
    const resamples = 200;
    const got = pairedBootstrap(tables, { resamples, seed: 3 });
    // Plain: draw indices one by one with the same generator and sum unpacked rows.
    const draw = new SeededRandom(3);
    const scores = tables.map(() => new Float64Array(resamples));
    for (let r = 0; r < resamples; r++) {
      const sums = tables.map(() => new Float64Array(10));
      for (let j = 0; j < 400; j++) {
        const i = draw.below(400);
        tables.forEach((t, k) => {
          for (let c = 0; c < 10; c++) sums[k][c] += t.rows[i * 10 + c];
        });
      }
      tables.forEach((t, k) => (scores[k][r] = bleuFromSummedRow(sums[k], t)));
    }
    tables.forEach((_, k) => {
      const { mean, ci } = estimateCi(scores[k]);
      expect(got[k].mean).toBe(mean);
      expect(got[k].ci).toBe(ci);
    });
  });
});
