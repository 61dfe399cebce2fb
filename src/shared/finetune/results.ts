import { ResultFileError } from './errors';
import { ownValue } from '../lookup';

/** One training step of results.csv. Metrics the service did not compute for a step are undefined. */
export interface TrainingStep {
  step: number;
  trainLoss?: number;
  trainMeanTokenAccuracy?: number;
  validLoss?: number;
  validMeanTokenAccuracy?: number;
  fullValidLoss?: number;
  fullValidMeanTokenAccuracy?: number;
}

export interface TrainingResults {
  steps: TrainingStep[];
  /** Column names as found in the header (for diagnostics). */
  columns: string[];
  /** The last step with each metric, for summaries. */
  final: Omit<TrainingStep, 'step'> & { step?: number };
}

// Azure's docs say validation_mean_token_accuracy, real files say valid_mean_token_accuracy: accept both.
const COLUMNS: Record<string, keyof TrainingStep> = {
  step: 'step',
  train_loss: 'trainLoss',
  train_mean_token_accuracy: 'trainMeanTokenAccuracy',
  train_accuracy: 'trainMeanTokenAccuracy',
  valid_loss: 'validLoss',
  validation_loss: 'validLoss',
  valid_mean_token_accuracy: 'validMeanTokenAccuracy',
  validation_mean_token_accuracy: 'validMeanTokenAccuracy',
  full_valid_loss: 'fullValidLoss',
  full_valid_mean_token_accuracy: 'fullValidMeanTokenAccuracy',
};

/**
 * Parses a fine-tuning results.csv by header name. Unknown columns are ignored, missing columns
 * and empty or `N/A` cells leave the metric undefined; only a missing `step` column is an error.
 */
export function parseResultsCsv(text: string, fileName = 'results.csv'): TrainingResults {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new ResultFileError(`${fileName} is empty: expected a header line starting with "step"`);
  const columns = splitCsvLine(lines[headerIndex]).map((c) => c.trim().toLowerCase());
  const stepIndex = columns.indexOf('step');
  if (stepIndex < 0) {
    throw new ResultFileError(`${fileName} line ${headerIndex + 1}: no "step" column in header (${columns.join(', ')})`);
  }
  const steps: TrainingStep[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    const step = parseCell(cells[stepIndex]);
    if (step === undefined) throw new ResultFileError(`${fileName} line ${i + 1}: step "${cells[stepIndex] ?? ''}" is not a number`);
    const row: TrainingStep = { step };
    columns.forEach((name, c) => {
      const key = ownValue(COLUMNS, name);
      if (!key || key === 'step') return;
      const value = parseCell(cells[c]);
      if (value !== undefined) row[key] = value;
    });
    steps.push(row);
  }
  const final: TrainingResults['final'] = {};
  for (const row of steps) {
    for (const [k, v] of Object.entries(row) as [keyof TrainingStep, number | undefined][]) {
      if (v !== undefined) final[k] = v;
    }
  }
  return { steps, columns, final };
}

function parseCell(cell: string | undefined): number | undefined {
  if (cell === undefined) return undefined;
  const t = cell.trim();
  if (t === '' || /^(n\/?a|nan|null|none)$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** results.csv has no quoting in practice, but tolerate quoted cells. */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
