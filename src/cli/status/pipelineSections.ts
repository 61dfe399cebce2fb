import type { Settings } from '../../shared/config/settings';
import {
  getProductionPointer,
  listDeploymentRecords,
  type DeploymentRecord,
  type ProductionPointer,
} from '../../shared/deployments/registry';
import type { StorageClients } from '../../shared/storage/clients';
import { TABLES } from '../../shared/storage/names';
import { JobStore, type JobRecord } from '../../shared/finetune/jobStore';
import { isStatus } from '../../shared/errors';

/** What every `tuneloop status` section gets. */
export interface StatusContext {
  storage: StorageClients;
  settings: Settings;
  cwd: string;
  now: Date;
  /** Show at most this many rows per list (newest first). */
  limit: number;
}

/**
 * One section of `tuneloop status`. Datasets, jobs and models live here; other areas add their
 * own section (e.g. metrics and drift) to the list in src/cli/commands/status.ts.
 */
export interface StatusSection {
  /** Key of the section in `--json` output. */
  name: string;
  collect(context: StatusContext): Promise<{ text: string; json: unknown }>;
}

/** Tables that do not exist yet (fresh installation) read as empty. */
async function tolerateMissingTable<T>(read: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isStatus(err, 404)) return empty;
    throw err;
  }
}

/** Plain aligned columns. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `1h 02m`, `3m 05s`, `12s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

const shortTime = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

// ---- datasets -----------------------------------------------------------------------

export interface DatasetRow {
  version: string;
  createdAt?: string;
  trainExamples?: number;
  validationExamples?: number;
  holdoutExamples?: number;
  trainTokens?: number;
  estimatedCostUsd?: number;
  baseModel?: string;
  trigger?: string;
}

export async function listDatasets(storage: StorageClients): Promise<DatasetRow[]> {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return tolerateMissingTable(async () => {
    const rows: DatasetRow[] = [];
    for await (const e of storage.table(TABLES.datasets).listEntities({ queryOptions: { filter: "PartitionKey eq 'dataset'" } })) {
      rows.push({
        version: String(e.rowKey),
        createdAt: str(e.createdAt),
        trainExamples: num(e.trainExamples),
        validationExamples: num(e.validationExamples),
        holdoutExamples: num(e.holdoutExamples),
        trainTokens: num(e.trainTokens),
        estimatedCostUsd: num(e.estimatedCostUsd),
        baseModel: str(e.baseModel),
        trigger: str(e.trigger),
      });
    }
    return rows.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  }, []);
}

export const datasetsSection: StatusSection = {
  name: 'datasets',
  async collect({ storage, limit }) {
    const all = await listDatasets(storage);
    const shown = all.slice(0, limit);
    const n = (v: number | undefined) => (v === undefined ? '-' : String(v));
    const text =
      `Datasets (${all.length}${all.length > shown.length ? `, newest ${shown.length} shown` : ''})\n` +
      (shown.length === 0
        ? '  none yet: drop logs into raw-logs and wait for the nightly retrain (or run `tuneloop demo`)'
        : formatTable(
            ['VERSION', 'CREATED', 'TRAIN', 'VALID', 'HOLDOUT', 'TOKENS', 'EST. COST', 'BASE MODEL'],
            shown.map((d) => [
              d.version,
              shortTime(d.createdAt),
              n(d.trainExamples),
              n(d.validationExamples),
              n(d.holdoutExamples),
              n(d.trainTokens),
              d.estimatedCostUsd === undefined ? '-' : `$${d.estimatedCostUsd.toFixed(2)}`,
              d.baseModel ?? '-',
            ]),
          ));
    return { text, json: all };
  },
};

// ---- jobs ---------------------------------------------------------------------------

export interface JobTimings {
  /** queued → fine-tuning job created (upload and file processing). */
  preparationMs?: number;
  /** job created → final service state. */
  trainingMs?: number;
  /** queued → last state change. */
  totalMs?: number;
}

export function jobTimings(record: JobRecord): JobTimings {
  const at = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);
  const created = at(record.createdAt);
  const submitted = at(record.submittedAt);
  const finished = at(record.finishedAt);
  const last = at(record.history[record.history.length - 1]?.at);
  // The service reports finished_at in whole seconds, so a short job can seem to end before we recorded its start.
  return {
    preparationMs: created !== undefined && submitted !== undefined ? submitted - created : undefined,
    trainingMs: submitted !== undefined && finished !== undefined ? Math.max(0, finished - submitted) : undefined,
    totalMs: created !== undefined && last !== undefined ? last - created : undefined,
  };
}

function jobNote(r: JobRecord): string {
  if (r.state === 'failed') return r.error ?? 'failed';
  if (r.state === 'evaluated') {
    const verdict = r.decision === 'promote' ? 'promoted' : r.decision === 'inconclusive' ? 'inconclusive, production stays' : 'rejected';
    return `${verdict}${r.decidedBy ? ` by ${r.decidedBy}` : ''} (${r.deploymentName ?? '-'})`;
  }
  if (r.state === 'awaiting-approval')
    return `passed the gate; tuneloop approve|reject ${r.jobKey} (deadline ${r.approvalDeadline ?? '-'})`;
  if (r.deploymentName && (r.state === 'deployed' || r.state === 'deploying' || r.state === 'evaluating')) return r.deploymentName;
  if (r.fineTunedModel) return r.fineTunedModel;
  return r.detail ?? r.openaiJobId ?? '';
}

export const jobsSection: StatusSection = {
  name: 'jobs',
  async collect({ storage, limit, now }) {
    const all = await tolerateMissingTable(() => new JobStore(storage).list(), []);
    const newest = [...all].reverse().slice(0, limit);
    const text =
      `Fine-tuning jobs (${all.length}${all.length > newest.length ? `, newest ${newest.length} shown` : ''})\n` +
      (newest.length === 0
        ? '  none yet'
        : formatTable(
            ['JOB KEY', 'STATE', 'DATASET', 'CREATED', 'PREP', 'TRAINING', 'TOTAL', 'DETAIL'],
            newest.map((r) => {
              const t = jobTimings(r);
              const inFlight = !['failed', 'cancelled', 'evaluated'].includes(r.state);
              return [
                r.jobKey,
                r.state === 'running' && r.openaiStatus && r.openaiStatus !== 'running' ? `running (${r.openaiStatus})` : r.state,
                r.datasetVersion,
                shortTime(r.createdAt),
                formatDuration(t.preparationMs),
                formatDuration(t.trainingMs ?? (inFlight && r.submittedAt ? now.getTime() - Date.parse(r.submittedAt) : undefined)),
                formatDuration(inFlight ? now.getTime() - Date.parse(r.createdAt) : t.totalMs),
                jobNote(r).replace(/\s+/g, ' ').slice(0, 120),
              ];
            }),
          ));
    return { text, json: all.map((r) => ({ ...r, timings: jobTimings(r), leaseOwner: undefined, expectedToken: undefined })) };
  },
};

// ---- models -------------------------------------------------------------------------

export const modelsSection: StatusSection = {
  name: 'models',
  async collect({ storage, limit }) {
    const production: ProductionPointer | undefined = await tolerateMissingTable(() => getProductionPointer(storage), undefined);
    const deployments: DeploymentRecord[] = await tolerateMissingTable(() => listDeploymentRecords(storage), []);
    const live = deployments
      .filter((d) => d.role !== 'retired' && d.role !== 'gone')
      .sort((a, b) => b.deployedAt.localeCompare(a.deployedAt))
      .slice(0, limit);
    const head = production
      ? `  production: ${production.deploymentName} (${production.fineTunedModel}), job ${production.jobKey}, dataset ${production.datasetVersion}, promoted ${shortTime(production.promotedAt)}`
      : '  production: none yet (no candidate has been promoted)';
    const table =
      live.length === 0
        ? '  no deployments'
        : formatTable(
            ['DEPLOYMENT', 'ROLE', 'MODEL', 'JOB', 'DEPLOYED', 'LAST USED'],
            live.map((d) => [d.deploymentName, d.role, d.fineTunedModel, d.jobKey, shortTime(d.deployedAt), shortTime(d.lastUsedAt)]),
          );
    const { etag: _etag, ...pointer } = production ?? ({} as Partial<ProductionPointer>);
    return {
      text: `Deployed models (${live.length})\n${head}\n${table}`,
      json: { production: production ? pointer : null, deployments: deployments.map(({ etag: _e, ...d }) => d) },
    };
  },
};

export const CORE_STATUS_SECTIONS: readonly StatusSection[] = [datasetsSection, jobsSection, modelsSection];
