import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, UsageError, type CliCommand } from '../command';
import { corpusBleu, type BleuSmoothing, type BleuTokenizer } from '../../shared/evaluation/bleu';

const TOKENIZERS: BleuTokenizer[] = ['13a', 'none', 'intl', 'char', 'zh'];
const SMOOTHING: BleuSmoothing[] = ['exp', 'floor', 'add-k', 'none'];

/** Lines of a text file as sacreBLEU reads them: one segment per line, the final newline does not start a segment. */
export async function readSegments(cwd: string, file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export const bleuCommand: CliCommand = {
  name: 'bleu',
  usage:
    'tuneloop bleu --hyp <file> --ref <file> [--ref <file>...] [--tokenize 13a|none|intl|char|zh] [--smooth exp|floor|add-k|none] [--smooth-value <n>] [--lowercase] [--max-ngram-order <n>] [--json]',
  summary: 'corpus BLEU of a hypothesis file against reference files (sacreBLEU defaults); score on the last line',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, {
      strings: ['hyp', 'tokenize', 'smooth', 'smooth-value', 'max-ngram-order'],
      multiple: ['ref'],
      booleans: ['json', 'lowercase'],
    });
    if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
    const hypFile = flags.hyp as string | undefined;
    const refFiles = (flags.ref as string[] | undefined) ?? [];
    if (!hypFile) throw new UsageError('--hyp <file> is required');
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

    const hypotheses = await readSegments(io.cwd, hypFile);
    const references: string[][] = [];
    for (const file of refFiles) {
      const lines = await readSegments(io.cwd, file);
      if (lines.length !== hypotheses.length) {
        io.stderr(`tuneloop bleu: ${file} has ${lines.length} lines but ${hypFile} has ${hypotheses.length}; every reference file needs one line per hypothesis line\n`);
        return 1;
      }
      references.push(lines);
    }
    const result = corpusBleu(hypotheses, references, {
      tokenize: tokenize as BleuTokenizer,
      smoothMethod: smooth as BleuSmoothing,
      smoothValue: numberFlag('smooth-value'),
      lowercase: Boolean(flags.lowercase),
      maxNgramOrder: numberFlag('max-ngram-order'),
    });
    if (flags.json) {
      io.stdout(`${JSON.stringify({ ...result, hypFile, refFiles, segments: hypotheses.length }, null, 2)}\n`);
      return 0;
    }
    io.stdout(`${result.formatted}\n${result.signature}\n${Number(result.score.toFixed(6))}\n`);
    return 0;
  },
};
