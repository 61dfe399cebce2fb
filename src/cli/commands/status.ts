import { parseArgs, UsageError, type CliCommand } from '../command';
import { cliStorageEnv } from '../localEnv';
import { loadSettings } from '../../shared/config/settings';
import { createStorageClients } from '../../shared/storage/clients';
import { storageOptions } from '../../shared/composition/config';
import { CORE_STATUS_SECTIONS, type StatusSection } from '../status/pipelineSections';
import { metricsStatusSection } from '../status/metricsSection';
import { datasetLineage, DatasetNotFoundError, formatLineage } from '../../shared/dataset/lineage';
import { evaluationStatusSection } from '../status/evaluationSection';
import { exampleSource, ExampleNotFoundError, formatExampleSource } from '../../shared/dataset/exampleSource';

/**
 * The sections `tuneloop status` prints, in order. Datasets, jobs and deployed models come from
 * src/cli/status/pipelineSections.ts; evaluation, metrics and drift have a section file each beside it.
 */
export const statusSections: StatusSection[] = [...CORE_STATUS_SECTIONS, evaluationStatusSection, metricsStatusSection];

export const statusCommand: CliCommand = {
  name: 'status',
  usage:
    'tuneloop status [--dataset <version> [--example <n>|validation:<n>]] [--connection-string <storage connection string>] [--limit <n>] [--json]',
  summary: 'datasets, fine-tuning jobs with states and timings, deployed models, last metrics and drift',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['connection-string', 'limit', 'dataset', 'example'], booleans: ['json'] });
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const limit = flags.limit === undefined ? 20 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit <= 0)
      throw new UsageError(`--limit must be a positive whole number, got "${String(flags.limit)}"`);
    if (flags.example !== undefined && typeof flags.dataset !== 'string') throw new UsageError('--example needs --dataset <version>');
    const env = cliStorageEnv(io, flags['connection-string'] as string | undefined);
    const settings = loadSettings(env);
    const storage = createStorageClients(storageOptions(settings));
    if (typeof flags.dataset === 'string') {
      // One version's lineage: its shards (name, ETag, sha256), feedback snapshot, change, training plan, jobs and models.
      try {
        if (typeof flags.example === 'string') {
          // One example's source: raw-logs blob and line, conversation, curated shards (from sources.jsonl).
          const source = await exampleSource(storage, flags.dataset, flags.example);
          io.stdout(flags.json ? `${JSON.stringify(source, null, 2)}\n` : `${formatExampleSource(source)}\n`);
          return 0;
        }
        const lineage = await datasetLineage(storage, flags.dataset);
        io.stdout(flags.json ? `${JSON.stringify(lineage, null, 2)}\n` : `${formatLineage(lineage)}\n`);
        return 0;
      } catch (err) {
        if (err instanceof DatasetNotFoundError || err instanceof ExampleNotFoundError) {
          io.stderr(`tuneloop status: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
    }
    const context = { storage, settings, cwd: io.cwd, now: new Date(), limit };
    const results: { name: string; text: string; json: unknown }[] = [];
    for (const section of statusSections) {
      try {
        results.push({ name: section.name, ...(await section.collect(context)) });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test((err as Error).message)) {
          io.stderr(
            `tuneloop status: cannot reach table storage (${(err as Error).message}). Start the local stack with \`npm start\`, or pass --connection-string / set TUNELOOP_STORAGE.\n`,
          );
          return 1;
        }
        throw err;
      }
    }
    if (flags.json) io.stdout(`${JSON.stringify(Object.fromEntries(results.map((r) => [r.name, r.json])), null, 2)}\n`);
    else io.stdout(results.map((r) => r.text).join('\n\n') + '\n');
    return 0;
  },
};
