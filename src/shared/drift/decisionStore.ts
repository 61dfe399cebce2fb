import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import type { DriftMetric, DriftMetricName, SkippedDriftMetric } from './analyze';
import { isStatus } from '../errors';

/** What driftWatch compared the recent window with. */
export interface DriftReference {
  kind: 'production' | 'oldest-curated' | 'none';
  /** The production model's dataset version (kind production). */
  datasetVersion?: string;
  fineTunedModel?: string;
  deploymentName?: string;
  /** Curated shards last modified at or before this instant form the reference. */
  cutoff?: string;
  conversations: number;
  shards: number;
  note?: string;
}

export type AssemblySummary =
  | { outcome: 'submitted'; datasetVersion: string; jobKey: string }
  /** No new version was due; a new job trains the latest version again, which never gave a model. */
  | { outcome: 'resubmitted'; datasetVersion: string; jobKey: string; detail: string }
  | { outcome: 'skipped'; reason: string; detail: string };

export type RetrainDecision =
  | { kind: 'retrain'; assembly?: AssemblySummary; error?: string }
  | { kind: 'below-threshold' }
  | { kind: 'insufficient-data'; reason: string }
  | { kind: 'cooldown'; lastRetrainAt: string; until: string };

export interface DriftRun {
  /** Row key: inverted window end, so the newest run lists first. */
  id: string;
  windowStart: string;
  windowEnd: string;
  reference: DriftReference;
  recent: { conversations: number; shards: number; recordsUsed: number; recordsQuarantined: number };
  metrics: DriftMetric[];
  skipped: SkippedDriftMetric[];
  score?: number;
  scoreDrivenBy?: DriftMetricName;
  threshold: number;
  decision: RetrainDecision;
  /** Lines drift could not read (file, line, reason); the first 20 are kept. */
  problems: { file: string; line: number; reason: string }[];
}

const RUN_PARTITION = 'run';
const RETRAIN_PARTITION = 'retrain';
const MAX_PROPERTY_CHARS = 30_000; // UTF-16 table properties: 64 KiB = 32 Ki chars

/** Row keys sort ascending; inverting the time lists the newest first. */
export function invertedTimeKey(time: Date): string {
  return String(9_999_999_999_999 - time.getTime()).padStart(13, '0');
}

function table(storage: StorageClients): TableClient {
  return storage.table(TABLES.driftRuns);
}

function jsonProperty(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.length <= MAX_PROPERTY_CHARS) return text;
  // Details (bin edges, category counts) are what can grow; the values always fit.
  if (Array.isArray(value)) return JSON.stringify((value as Record<string, unknown>[]).map((m) => ({ ...m, detail: { truncated: true } })));
  return JSON.stringify({ truncated: true });
}

export async function saveDriftRun(storage: StorageClients, run: DriftRun): Promise<void> {
  const entity = {
    partitionKey: RUN_PARTITION,
    rowKey: run.id,
    windowStart: run.windowStart,
    windowEnd: run.windowEnd,
    score: run.score ?? -1,
    scoreDrivenBy: run.scoreDrivenBy ?? '',
    threshold: run.threshold,
    decision: run.decision.kind,
    referenceJson: jsonProperty(run.reference),
    recentJson: jsonProperty(run.recent),
    decisionJson: jsonProperty(run.decision),
    metricsJson: jsonProperty(run.metrics),
    skippedJson: jsonProperty(run.skipped),
    problemsJson: jsonProperty(run.problems.slice(0, 20)),
  };
  await table(storage).upsertEntity(entity, 'Replace');
  if (run.decision.kind === 'retrain') {
    await table(storage).upsertEntity({ ...entity, partitionKey: RETRAIN_PARTITION }, 'Replace');
  }
}

function fromEntity(e: Record<string, unknown>): DriftRun {
  const parse = <T>(name: string, fallback: T): T => {
    try {
      const raw = e[name];
      return typeof raw === 'string' ? (JSON.parse(raw) as T) : fallback;
    } catch {
      return fallback;
    }
  };
  const score = Number(e.score);
  return {
    id: String(e.rowKey),
    windowStart: String(e.windowStart),
    windowEnd: String(e.windowEnd),
    reference: parse<DriftReference>('referenceJson', { kind: 'none', conversations: 0, shards: 0 }),
    recent: parse('recentJson', { conversations: 0, shards: 0, recordsUsed: 0, recordsQuarantined: 0 }),
    metrics: parse('metricsJson', [] as DriftMetric[]),
    skipped: parse('skippedJson', [] as SkippedDriftMetric[]),
    score: Number.isFinite(score) && score >= 0 ? score : undefined,
    scoreDrivenBy: typeof e.scoreDrivenBy === 'string' && e.scoreDrivenBy !== '' ? (e.scoreDrivenBy as DriftMetricName) : undefined,
    threshold: Number(e.threshold),
    decision: parse<RetrainDecision>('decisionJson', { kind: 'insufficient-data', reason: 'unreadable row' }),
    problems: parse('problemsJson', [] as DriftRun['problems']),
  };
}

async function newest(storage: StorageClients, partition: string, limit: number): Promise<DriftRun[]> {
  const out: DriftRun[] = [];
  try {
    const pages = table(storage)
      .listEntities({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages) {
      for (const e of page) {
        out.push(fromEntity(e));
        if (out.length >= limit) return out;
      }
    }
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
  return out;
}

/** The newest driftWatch runs, newest first. */
export function listDriftRuns(storage: StorageClients, options: { limit?: number } = {}): Promise<DriftRun[]> {
  return newest(storage, RUN_PARTITION, options.limit ?? 50);
}

/**
 * The newest run that decided to retrain (the nightly assembly and `status` read it; driftWatch
 * uses it for the cooldown).
 */
export async function latestRetrainDecision(storage: StorageClients): Promise<DriftRun | undefined> {
  return (await newest(storage, RETRAIN_PARTITION, 1))[0];
}
