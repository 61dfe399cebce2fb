import { odata, type TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import type { JobMessageKind } from './messages';
import { isStatus, TuneloopError } from '../errors';

/**
 * States of a fine-tuning job, in order. `succeeded`, `failed` and `cancelled` are the service's
 * final states; after `succeeded` tuneloop deploys and evaluates the candidate.
 */
export const JOB_STATES = [
  'queued',
  'uploading',
  'files-processing',
  'submitted',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'deploying',
  'deployed',
  'evaluating',
  /** Passed the gate; waits for `tuneloop approve` / `tuneloop reject` (TUNELOOP_PROMOTION=manual). */
  'awaiting-approval',
  'evaluated',
] as const;

export type JobState = (typeof JOB_STATES)[number];

export const FINAL_JOB_STATES: ReadonlySet<JobState> = new Set(['failed', 'cancelled', 'evaluated']);

export interface Hyperparameters {
  n_epochs?: number;
  batch_size?: number;
  learning_rate_multiplier?: number;
}

export interface StateChange {
  state: JobState;
  at: string;
  detail?: string;
}

/** One row of table `finetunejobs`. */
export interface JobRecord {
  jobKey: string;
  datasetVersion: string;
  state: JobState;
  baseModel: string;
  hyperparameters?: Hyperparameters;
  suffix?: string;
  seed?: number;
  trainingFileId?: string;
  validationFileId?: string;
  /** Id of the Azure OpenAI fine-tuning job, recorded as soon as it exists. */
  openaiJobId?: string;
  /** Last status the service reported (pending, running, paused, …). */
  openaiStatus?: string;
  fineTunedModel?: string;
  resultFileId?: string;
  trainedTokens?: number;
  /** Final metrics from results.csv. */
  trainingMetrics?: Record<string, number>;
  deploymentName?: string;
  decision?: 'promote' | 'reject' | 'inconclusive';
  reportBlob?: string;
  /** Manual promotion: when the wait for approval ends (the candidate is then rejected as expired). */
  approvalDeadline?: string;
  /** Manual promotion: who approved or rejected, when, and why. */
  decidedBy?: string;
  decidedAt?: string;
  decisionReason?: string;
  error?: string;
  /** Human-readable note about the current state (e.g. waiting for quota). */
  detail?: string;
  /** The message the job waits for next; anything else is a duplicate or stale. */
  expectedKind?: JobMessageKind;
  expectedToken?: string;
  pollCount: number;
  /** Transient failures of the current step in a row. */
  retries: number;
  quotaWaits: number;
  leaseOwner?: string;
  leaseUntil?: string;
  createdAt: string;
  updatedAt: string;
  submittedAt?: string;
  finishedAt?: string;
  history: StateChange[];
}

/** Another invocation changed the record first (HTTP 412 on the ETag). */
export class JobConcurrencyError extends TuneloopError {
  constructor(readonly jobKey: string) {
    super(`job ${jobKey} was changed by another invocation; re-read it and decide again`, { retryable: true });
  }
}

const PARTITION = 'job';
const JSON_FIELDS = ['hyperparameters', 'trainingMetrics', 'history'] as const;

type Entity = Record<string, string | number | boolean | undefined> & { partitionKey: string; rowKey: string };

function toEntity(record: JobRecord): Entity {
  const entity: Entity = { partitionKey: PARTITION, rowKey: record.jobKey };
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined || k === 'jobKey') continue;
    entity[k] = (JSON_FIELDS as readonly string[]).includes(k) ? JSON.stringify(v) : (v as string | number);
  }
  return entity;
}

function fromEntity(entity: Record<string, unknown>): JobRecord {
  const out: Record<string, unknown> = { jobKey: entity.rowKey };
  for (const [k, v] of Object.entries(entity)) {
    if (['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.etag', 'odata.metadata'].includes(k)) continue;
    out[k] = (JSON_FIELDS as readonly string[]).includes(k) && typeof v === 'string' ? JSON.parse(v) : v;
  }
  out.history ??= [];
  out.pollCount ??= 0;
  out.retries ??= 0;
  out.quotaWaits ??= 0;
  return out as unknown as JobRecord;
}

/** Reads and writes job records with ETag (optimistic) concurrency. */
export class JobStore {
  readonly table: TableClient;

  constructor(storage: StorageClients, tableName: string = TABLES.jobs) {
    this.table = storage.table(tableName);
  }

  async ensure(): Promise<void> {
    await this.table.createTable();
  }

  async get(jobKey: string): Promise<{ record: JobRecord; etag: string } | undefined> {
    try {
      const entity = await this.table.getEntity(PARTITION, jobKey);
      return { record: fromEntity(entity), etag: entity.etag };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Creates the record; undefined when it already exists. */
  async create(record: JobRecord): Promise<string | undefined> {
    try {
      const res = await this.table.createEntity(toEntity(record));
      return res.etag ?? '';
    } catch (err) {
      if (isStatus(err, 409)) return undefined;
      throw err;
    }
  }

  /** Replaces the record if nobody changed it since `etag`; returns the new ETag. */
  async replace(record: JobRecord, etag: string): Promise<string> {
    try {
      const res = await this.table.updateEntity(toEntity(record), 'Replace', { etag });
      return res.etag ?? '';
    } catch (err) {
      if (isStatus(err, 412)) throw new JobConcurrencyError(record.jobKey);
      throw err;
    }
  }

  async list(): Promise<JobRecord[]> {
    return this.query(odata`PartitionKey eq ${PARTITION}`);
  }

  /** The jobs that train one dataset version (a version can have several: resubmissions, hand-sent ones), oldest first. */
  async listForDatasetVersion(datasetVersion: string): Promise<JobRecord[]> {
    return this.query(odata`PartitionKey eq ${PARTITION} and datasetVersion eq ${datasetVersion}`);
  }

  private async query(filter: string): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    for await (const entity of this.table.listEntities({ queryOptions: { filter } })) out.push(fromEntity(entity));
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}
