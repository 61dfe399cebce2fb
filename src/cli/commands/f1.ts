import { parseArgs, UsageError, type CliCommand } from '../command';
import { intentF1 } from '../../shared/evaluation/f1';
import { readSegments } from './bleu';

async function readLabels(cwd: string, file: string): Promise<string[]> {
  const lines = await readSegments(cwd, file);
  lines.forEach((l, i) => {
    if (l.trim() === '') throw new Error(`${file}:${i + 1}: empty label (one label per line, no blank lines)`);
  });
  return lines.map((l) => l.trim());
}

export const f1Command: CliCommand = {
  name: 'f1',
  usage: 'tuneloop f1 --gold <file> --pred <file> [--json]',
  summary: 'macro-F1, per-class F1 and confusion matrix of predicted labels (one per line); macro-F1 on the last line',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['gold', 'pred'], booleans: ['json'] });
    if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
    const goldFile = flags.gold as string | undefined;
    const predFile = flags.pred as string | undefined;
    if (!goldFile || !predFile) throw new UsageError('--gold <file> and --pred <file> are required');
    const gold = await readLabels(io.cwd, goldFile);
    const pred = await readLabels(io.cwd, predFile);
    if (gold.length !== pred.length) {
      io.stderr(
        `tuneloop f1: ${goldFile} has ${gold.length} labels but ${predFile} has ${pred.length}; give one prediction per gold line\n`,
      );
      return 1;
    }
    const result = intentF1(gold, pred);
    if (flags.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(5, ...result.labels.map((l) => l.length));
    const lines = [`${'label'.padEnd(width)}  precision  recall  f1      support`];
    for (const c of result.perClass) {
      lines.push(
        `${c.label.padEnd(width)}  ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4).padStart(6)}  ${c.f1.toFixed(4)}  ${String(c.support).padStart(7)}`,
      );
    }
    lines.push(`accuracy ${result.accuracy.toFixed(4)}  weighted-F1 ${result.weightedF1.toFixed(4)}  (${result.count} examples)`);
    lines.push(`macro-F1`);
    io.stdout(`${lines.join('\n')}\n${Number(result.macroF1.toFixed(6))}\n`);
    return 0;
  },
};
