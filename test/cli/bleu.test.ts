import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

describe('tuneloop bleu', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneloop-bleu-'));
    // sacreBLEU's README example: BLEU = 48.53 with two reference streams.
    writeFileSync(join(dir, 'hyp.txt'), "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n");
    writeFileSync(join(dir, 'ref1.txt'), 'The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n');
    writeFileSync(join(dir, 'ref2.txt'), 'The dog had bit the man.\r\nNo one was surprised.\r\nThe man had bitten the dog.');
    writeFileSync(join(dir, 'short.txt'), 'The dog bit the man.\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the corpus score on the last line (sacreBLEU README example)', async () => {
    const io = captureIo(dir);
    expect(await runCli(['bleu', '--hyp', 'hyp.txt', '--ref', 'ref1.txt', '--ref', 'ref2.txt'], io)).toBe(0);
    const lines = io.out.trim().split('\n');
    expect(Math.abs(Number(lines[lines.length - 1]) - 48.530827)).toBeLessThan(1e-4);
    expect(lines).toContain('nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
  });

  it('--json gives the full result', async () => {
    const io = captureIo(dir);
    expect(await runCli(['bleu', '--hyp', 'hyp.txt', '--ref', 'ref1.txt', '--json'], io)).toBe(0);
    const result = JSON.parse(io.out);
    expect(result).toMatchObject({ segments: 3, refFiles: ['ref1.txt'], sysLen: 17 });
    expect(result.counts).toHaveLength(4);
  });

  it('honours tokenizer options (tokenize none = 49.19 on the same example)', async () => {
    const io = captureIo(dir);
    expect(await runCli(['bleu', '--hyp', 'hyp.txt', '--ref', 'ref1.txt', '--ref', 'ref2.txt', '--tokenize', 'none'], io)).toBe(0);
    expect(Number(io.out.trim().split('\n').pop())).toBeCloseTo(49.1919566, 4);
  });

  it('--tokenize char|intl|zh: Japanese and Chinese replies are scored by characters, not as one word', async () => {
    writeFileSync(join(dir, 'ja-hyp.txt'), 'ご注文の返金を行いました。\n我的包裹明天到。\n');
    writeFileSync(join(dir, 'ja-ref.txt'), 'ご注文の返金を完了しました。\n您的包裹明天到。\n');
    const scores: Record<string, number> = {};
    for (const tokenize of ['13a', 'intl', 'char', 'zh']) {
      const io = captureIo(dir);
      expect(await runCli(['bleu', '--hyp', 'ja-hyp.txt', '--ref', 'ja-ref.txt', '--tokenize', tokenize], io)).toBe(0);
      expect(io.out).toContain(`tok:${tokenize}|`);
      scores[tokenize] = Number(io.out.trim().split('\n').pop());
    }
    // 13a and intl see each line as one or two "words": no 4-gram can match.
    expect(scores['13a']).toBe(0);
    expect(scores.char).toBeGreaterThan(30);
    expect(scores.zh).toBeGreaterThan(0);
  });

  it('fails with file names and counts on mismatched line counts', async () => {
    const io = captureIo(dir);
    expect(await runCli(['bleu', '--hyp', 'hyp.txt', '--ref', 'short.txt'], io)).toBe(1);
    expect(io.err).toContain('short.txt has 1 lines but hyp.txt has 3');
  });

  it('is a usage error without --ref, and names a missing file', async () => {
    const io = captureIo(dir);
    expect(await runCli(['bleu', '--hyp', 'hyp.txt'], io)).toBe(2);
    expect(io.err).toContain('--ref');
    const io2 = captureIo(dir);
    expect(await runCli(['bleu', '--hyp', 'nope.txt', '--ref', 'ref1.txt'], io2)).toBe(1);
    expect(io2.err).toContain('cannot read nope.txt: ENOENT');
    expect(readFileSync(join(dir, 'hyp.txt'), 'utf8')).toContain('dog');
  });

  describe('paired tests (several --hyp)', () => {
    // Fixed vectors from test/fixtures/significance (see make_vectors.py: sacreBLEU's procedure re-implemented with numpy).
    const fixtures = join(__dirname, '../fixtures/significance');
    const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));

    it('--paired-bs --paired-ar --json prints one object per system, in order, within Monte-Carlo error of sacreBLEU', async () => {
      const io = captureIo(fixtures);
      const args = [
        'bleu',
        '--ref',
        'ref.txt',
        '--hyp',
        'baseline.txt',
        '--hyp',
        'candidate.txt',
        '--hyp',
        'close.txt',
        '--paired-bs',
        '--paired-ar',
        '--json',
      ];
      expect(await runCli(args, io)).toBe(0);
      const rows = JSON.parse(io.out);
      expect(rows.map((r: { system: string }) => r.system)).toEqual(['baseline.txt', 'candidate.txt', 'close.txt']);
      expect(rows[0]).toMatchObject({ p_value: null, p_value_ar: null });
      for (const [i, r] of rows.entries()) {
        const e = expected.systems[i];
        expect(Object.keys(r)).toEqual(expect.arrayContaining(['score', 'mean', 'ci', 'p_value']));
        expect(r.score).toBeCloseTo(e.score, 9);
        expect(Math.abs(r.mean - e.mean)).toBeLessThanOrEqual(4.5 * Math.SQRT2 * e.sd.mean);
        expect(Math.abs(r.ci - e.ci)).toBeLessThanOrEqual(4.5 * Math.SQRT2 * e.sd.ci);
        if (i > 0) expect(Math.abs(r.p_value - e.p_value)).toBeLessThanOrEqual(4.5 * Math.SQRT2 * e.sd.p_value);
      }
      // --seed makes runs repeatable
      const again = captureIo(fixtures);
      expect(await runCli(args, again)).toBe(0);
      expect(JSON.parse(again.out)).toEqual(rows);
    });

    it('prints a table with the baseline first and the signature with seed and resamples', async () => {
      const io = captureIo(fixtures);
      expect(
        await runCli(
          ['bleu', '--ref', 'ref.txt', '--hyp', 'baseline.txt', '--hyp', 'close.txt', '--paired-bs', '--seed', '3', '--paired-bs-n', '200'],
          io,
        ),
      ).toBe(0);
      expect(io.out).toMatch(/^Baseline: baseline\.txt\s+28\.01 \(/m);
      expect(io.out).toMatch(/^close\.txt\s+28\.78 \(\d+\.\d\d ± \d+\.\d\d\)\s+\(p = 0\.\d{4}\)/m);
      expect(io.out).toContain('|seed:3|bs:200');
    });

    it('needs two systems for a paired test and equal line counts', async () => {
      const io = captureIo(fixtures);
      expect(await runCli(['bleu', '--ref', 'ref.txt', '--hyp', 'baseline.txt', '--paired-bs'], io)).toBe(2);
      expect(io.err).toContain('baseline and at least one system');
      const io2 = captureIo(dir);
      expect(await runCli(['bleu', '--ref', 'ref1.txt', '--hyp', 'hyp.txt', '--hyp', 'short.txt', '--paired-ar'], io2)).toBe(1);
      expect(io2.err).toContain('short.txt has 1 lines but hyp.txt has 3');
    });
  });
});
