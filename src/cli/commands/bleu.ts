import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, UsageError, type CliCommand } from '../command';
import { corpusBleu, segmentStatisticsTables, type BleuSmoothing, type BleuTokenizer } from '../../shared/evaluation/bleu';
import { required } from '../../shared/lookup';
import {
  DEFAULT_AR_TRIALS,
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_SEED,
  pairedApproximateRandomization,
  pairedBootstrap,
  type PairedTestResult,
} from '../../shared/evaluation/significance';

const TOKENIZERS: BleuTokenizer[] = ['13a', 'none', 'intl', 'char', 'zh'];
const SMOOTHING: BleuSmoothing[] = ['exp', 'floor', 'add-k', 'none'];

/** Lines of a text file as sacreBLEU reads them: one segment per line, the final newline does not start a segment. */
export async function readSegments(cwd: string, file: string): Promise<string[]> {
  let text: string;
  try {
    // Read as bytes and decode once: readFile(…, 'utf8') decodes chunk by chunk, several times slower on large files.
    text = (await readFile(resolve(cwd, file))).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let lines = text.split('\n');
  if (text.includes('\r')) lines = lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export const bleuCommand: CliCommand = {
  name: 'bleu',
  usage:
    'tuneloop bleu --hyp <file> [--hyp <file>...] --ref <file> [--ref <file>...] [--tokenize 13a|none|intl|char|zh] [--smooth exp|floor|add-k|none] [--smooth-value <n>] [--lowercase] [--max-ngram-order <n>] [--paired-bs [--paired-bs-n <n>]] [--paired-ar [--paired-ar-n <n>]] [--seed <n>] [--json]',
  summary:
    'corpus BLEU of hypothesis files against reference files (sacreBLEU defaults); with several --hyp, paired bootstrap / approximate randomization against the first',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, {
      strings: ['tokenize', 'smooth', 'smooth-value', 'max-ngram-order', 'paired-bs-n', 'paired-ar-n', 'seed'],
      multiple: ['ref', 'hyp'],
      booleans: ['json', 'lowercase', 'paired-bs', 'paired-ar'],
    });
    if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
    const hypFiles = (flags.hyp as string[] | undefined) ?? [];
    const refFiles = (flags.ref as string[] | undefined) ?? [];
    if (!hypFiles.length) throw new UsageError('--hyp <file> is required');
    if (!refFiles.length) throw new UsageError('at least one --ref <file> is required');
    const tokenize = (flags.tokenize as string | undefined) ?? '13a';
    if (!TOKENIZERS.includes(tokenize as BleuTokenizer)) throw new UsageError(`--tokenize must be one of ${TOKENIZERS.join(', ')}`);
    const smooth = (flags.smooth as string | undefined) ?? 'exp';
    if (!SMOOTHING.includes(smooth as BleuSmoothing)) throw new UsageError(`--smooth must be one of ${SMOOTHING.join(', ')}`);
    const numberFlag = (name: string): number | undefined => {
      const raw = flags[name] as string | undefined;
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(raw)}`);
      return n;
    };
    const wholeFlag = (name: string, min: number): number | undefined => {
      const n = numberFlag(name);
      if (n !== undefined && (!Number.isInteger(n) || n < min)) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${n}`);
      return n;
    };
    const pairedBs = Boolean(flags['paired-bs']);
    const pairedAr = Boolean(flags['paired-ar']);
    const resamples = wholeFlag('paired-bs-n', 1) ?? DEFAULT_BOOTSTRAP_RESAMPLES;
    const trials = wholeFlag('paired-ar-n', 1) ?? DEFAULT_AR_TRIALS;
    const seed = wholeFlag('seed', 0) ?? DEFAULT_SEED;
    if ((pairedBs || pairedAr) && hypFiles.length < 2) {
      throw new UsageError('paired tests need a baseline and at least one system: give --hyp BASELINE --hyp SYSTEM [--hyp ...]');
    }

    const hypotheses: string[][] = [];
    for (const file of hypFiles) hypotheses.push(await readSegments(io.cwd, file));
    const segments = hypotheses[0].length;
    for (const [i, lines] of hypotheses.entries()) {
      if (lines.length !== segments) {
        io.stderr(
          `tuneloop bleu: ${hypFiles[i]} has ${lines.length} lines but ${hypFiles[0]} has ${segments}; every hypothesis file needs one line per segment\n`,
        );
        return 1;
      }
    }
    const references: string[][] = [];
    for (const file of refFiles) {
      const lines = await readSegments(io.cwd, file);
      if (lines.length !== segments) {
        io.stderr(
          `tuneloop bleu: ${file} has ${lines.length} lines but ${hypFiles[0]} has ${segments}; every reference file needs one line per hypothesis line\n`,
        );
        return 1;
      }
      references.push(lines);
    }
    const options = {
      tokenize: tokenize as BleuTokenizer,
      smoothMethod: smooth as BleuSmoothing,
      smoothValue: numberFlag('smooth-value'),
      lowercase: Boolean(flags.lowercase),
      maxNgramOrder: numberFlag('max-ngram-order'),
    };

    if (pairedBs || pairedAr) {
      // References are tokenised once per system here, never per resample: the tests resample statistics.
      const tables = segmentStatisticsTables(hypotheses, references, options);
      const bs = pairedBs ? pairedBootstrap(tables, { resamples, seed }) : undefined;
      const ar = pairedAr ? pairedApproximateRandomization(tables, { trials, seed }) : undefined;
      const primary = required(bs ?? ar, 'paired test results');
      const rows = hypFiles.map((file, i) => {
        const main = primary[i];
        return { system: file, ...main, ...(bs && ar ? { p_value_ar: ar[i].p_value } : {}) };
      });
      if (flags.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return 0;
      }
      io.stdout(formatPairedTable(rows, { pairedBs, pairedAr, resamples, trials, seed, signature: tables[0].signature }));
      return 0;
    }

    const results = hypotheses.map((h) => corpusBleu(h, references, options));
    if (hypFiles.length > 1) {
      if (flags.json) {
        io.stdout(
          `${JSON.stringify(
            results.map((r, i) => ({ system: hypFiles[i], ...r })),
            null,
            2,
          )}\n`,
        );
        return 0;
      }
      io.stdout(`${results.map((r, i) => `${hypFiles[i]}: ${r.formatted}`).join('\n')}\n${results[0].signature}\n`);
      return 0;
    }
    const result = results[0];
    if (flags.json) {
      io.stdout(`${JSON.stringify({ ...result, hypFile: hypFiles[0], refFiles, segments }, null, 2)}\n`);
      return 0;
    }
    io.stdout(`${result.formatted}\n${result.signature}\n${Number(result.score.toFixed(6))}\n`);
    return 0;
  },
};

function formatPairedTable(
  rows: (PairedTestResult & { system: string; p_value_ar?: number | null })[],
  o: { pairedBs: boolean; pairedAr: boolean; resamples: number; trials: number; seed: number; signature: string },
): string {
  const f = (x: number) => x.toFixed(2);
  const p = (x: number | null | undefined) => (x === null || x === undefined ? '' : `(p = ${x.toFixed(4)})${x < 0.05 ? '*' : ''}`);
  const header = ['system', o.pairedBs ? 'BLEU (μ ± 95% CI)' : 'BLEU', o.pairedBs ? 'p (bootstrap)' : 'p (AR)'];
  if (o.pairedBs && o.pairedAr) header.push('p (AR)');
  const body = rows.map((r, i) => {
    const cells = [
      i === 0 ? `Baseline: ${r.system}` : r.system,
      r.mean !== null && r.ci !== null ? `${f(r.score)} (${f(r.mean)} ± ${f(r.ci)})` : f(r.score),
      p(r.p_value),
    ];
    if (o.pairedBs && o.pairedAr) cells.push(p(r.p_value_ar));
    return cells;
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const tests = [
    o.pairedBs ? `paired bootstrap resampling, ${o.resamples} resamples` : '',
    o.pairedAr ? `approximate randomization, ${o.trials} trials` : '',
  ].filter(Boolean);
  return (
    [line(header), ...body.map(line)].join('\n') +
    `\n\n${tests.join('; ')}; seed ${o.seed}. p < 0.05 (marked *) means the difference to the baseline is unlikely to be chance; it does not say which system is better.\n` +
    `${o.signature}|seed:${o.seed}${o.pairedBs ? `|bs:${o.resamples}` : ''}${o.pairedAr ? `|ar:${o.trials}` : ''}\n`
  );
}
