import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertKnownModel, parseArgs, UsageError, type CliCommand } from '../command';
import { cliEnv } from '../localEnv';
import { prepareDataset, PrepareInputError, type PrepareProgress } from '../../shared/dataset/prepare';
import { offlineSettings, preprocessConfig } from '../../shared/composition/config';
import { EncodingLabelError, resolveEncodingLabel, type DeclaredEncoding } from '../../shared/ingest/encoding';
import { resolveTimeZone, TimeZoneError, type DeclaredTimeZone } from '../../shared/ingest/timeZone';

export const prepareCommand: CliCommand = {
  name: 'prepare',
  usage:
    'tuneloop prepare <file|dir>... --out <dir> [--model <base model>] [--system-prompt-file <file>] [--epochs <n>] [--workers <n>] [--encoding <label>] [--timezone <IANA zone>]',
  summary: 'turn local log files into train/validation/holdout fine-tuning files, quarantine.jsonl and report.json',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, {
      strings: ['out', 'model', 'system-prompt-file', 'epochs', 'workers', 'encoding', 'timezone'],
    });
    if (!positional.length) throw new UsageError('give at least one input file or folder');
    const out = flags.out as string | undefined;
    if (!out) throw new UsageError('--out <dir> is required');
    const model = flags.model as string | undefined;
    if (model) assertKnownModel(model);
    let epochs: number | undefined;
    if (flags.epochs !== undefined) {
      epochs = Number(flags.epochs);
      if (!Number.isInteger(epochs) || epochs < 1)
        throw new UsageError(`--epochs must be a positive integer, got ${JSON.stringify(flags.epochs)}`);
    }
    let workers: number | undefined;
    if (flags.workers !== undefined) {
      workers = Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1)
        throw new UsageError(`--workers must be a positive integer, got ${JSON.stringify(flags.workers)}`);
    }
    let encoding: DeclaredEncoding | undefined;
    if (flags.encoding !== undefined) {
      try {
        encoding = resolveEncodingLabel(flags.encoding as string, '--encoding');
      } catch (err) {
        if (err instanceof EncodingLabelError) throw new UsageError(err.message);
        throw err;
      }
    }
    let timeZone: DeclaredTimeZone | undefined;
    if (flags.timezone !== undefined) {
      try {
        timeZone = resolveTimeZone(flags.timezone as string, '--timezone');
      } catch (err) {
        if (err instanceof TimeZoneError) throw new UsageError(err.message);
        throw err;
      }
    }
    let systemPrompt: string | undefined;
    const promptFile = flags['system-prompt-file'] as string | undefined;
    if (promptFile) {
      try {
        systemPrompt = (await readFile(resolve(io.cwd, promptFile), 'utf8')).replace(/^\uFEFF/, '').trim();
      } catch (err) {
        throw new UsageError(
          `cannot read --system-prompt-file ${promptFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    }
    const settings = offlineSettings(cliEnv(io));
    let lastProgress = 0;
    let result;
    try {
      result = await prepareDataset({
        inputs: positional,
        outDir: out,
        cwd: io.cwd,
        config: preprocessConfig(settings),
        model,
        systemPrompt,
        epochs,
        workers,
        encoding,
        timeZone,
        onProgress: io.isTty
          ? (progress) => {
              const now = Date.now();
              if (now - lastProgress < 200 && !progress.done) return;
              lastProgress = now;
              io.stderr(`\r\x1b[2Kprepare: ${progressLine(progress)}${progress.done ? '\n' : ''}`);
            }
          : undefined,
      });
    } catch (err) {
      if (err instanceof PrepareInputError) throw new UsageError(err.message);
      throw err;
    }
    const r = result.report;
    const reasons = Object.entries(r.quarantine_reasons)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    io.stdout(
      [
        `records: ${r.records_in} in, ${r.records_used} used, ${r.records_quarantined} quarantined${reasons ? ` (${reasons})` : ''}`,
        `examples: ${r.examples.train} train, ${r.examples.validation} validation, ${r.examples.holdout} holdout`,
        `tokens: ${r.tokens.total} total, p50 ${r.tokens.p50}, p95 ${r.tokens.p95}, max ${r.tokens.max} (${r.model})`,
        `training: ${r.training_tokens} tokens over ${r.epochs} epochs, estimated cost ${r.estimated_cost_usd === null ? 'n/a' : `$${r.estimated_cost_usd.toFixed(2)}`}`,
        ...r.warnings.map((w) => `warning: ${w}`),
        `written: ${Object.values(result.files).join(', ')}`,
      ].join('\n') + '\n',
    );
    if (r.records_used === 0) {
      // Nothing usable is a failure a script must notice, not an empty dataset with exit 0.
      io.stderr(
        r.records_in === 0
          ? `tuneloop prepare: no usable record: the inputs hold no records\n`
          : `tuneloop prepare: no usable record: all ${r.records_in} record(s) were quarantined (${reasons}); see ${result.files['quarantine.jsonl']}\n`,
      );
      return 1;
    }
    return 0;
  },
};

/** "chats.jsonl: 12,345 records, 8.1 MB/s, 41% of 1.0 GB, ETA 1m 12s" (ETA by bytes read so far). */
export function progressLine(p: PrepareProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.bytesRead / seconds : 0;
  const parts = [`${p.file}: ${p.records.toLocaleString('en-US')} records`, `${(rate / 1e6).toFixed(1)} MB/s`];
  if (p.totalBytes > 0) parts.push(`${Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100))}% of ${formatBytes(p.totalBytes)}`);
  if (p.done) parts.push(`done in ${formatDuration(seconds)}`);
  else if (rate > 0 && p.totalBytes > p.bytesRead) parts.push(`ETA ${formatDuration((p.totalBytes - p.bytesRead) / rate)}`);
  return parts.join(', ');
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
