import type { StorageClients } from '../storage/clients';
import type { Telemetry } from '../telemetry/telemetry';
import { EVENT_TYPES, type EventPublisher } from '../telemetry/events';
import { notify, type NotifyResult } from '../telemetry/notify';
import { JobStore, type JobRecord, type JobState } from './jobStore';

/** Event emitted on every job state change (and when a job is created, from `none`). */
export const JOB_STATE_EVENT = 'tuneloop.job.state_changed';
/** Seconds from submission (or creation) to the job's end, by outcome. */
export const JOB_DURATION_METRIC = 'tuneloop.job.duration_s';
/** Error and detail texts are cut here: table properties hold at most 32K characters. */
export const MAX_JOB_TEXT = 4000;

/** A job row as read, with the ETag its next write is conditional on. */
export interface LoadedJob {
  record: JobRecord;
  etag: string;
}

export interface JobServiceDeps {
  readonly storage: StorageClients;
  readonly telemetry: Telemetry;
  readonly events: EventPublisher;
}

/**
 * The one writer of table `finetunejobs`: the job loop and the deployment lifecycle change jobs
 * only through it, so every state change appends its history entry, emits
 * `tuneloop.job.state_changed`, and a failure is truncated, timed (`tuneloop.job.duration_s`) and
 * announced (`JobFailed`) the same way whoever decided it. Every write is conditional on the ETag
 * the caller read (JobConcurrencyError when another invocation changed the job first).
 */
export class JobService {
  readonly store: JobStore;

  constructor(
    private readonly deps: JobServiceDeps,
    store?: JobStore,
  ) {
    this.store = store ?? new JobStore(deps.storage);
  }

  get(jobKey: string): Promise<LoadedJob | undefined> {
    return this.store.get(jobKey);
  }

  list(): Promise<JobRecord[]> {
    return this.store.list();
  }

  /** Creates the job (state from `record`); undefined when it already exists. */
  async create(record: JobRecord): Promise<LoadedJob | undefined> {
    const etag = await this.store.create(record);
    if (etag === undefined) return undefined;
    this.trackState(record, undefined);
    return { record, etag };
  }

  /** Takes (or renews) the lease on the job for one step; `updatedAt` stays, it tells when the job last changed. */
  async lease(job: LoadedJob, owner: string, until: Date): Promise<LoadedJob> {
    const record: JobRecord = { ...job.record, leaseOwner: owner, leaseUntil: until.toISOString() };
    return { record, etag: await this.store.replace(record, job.etag) };
  }

  /** Changes fields other than the state (leases, file ids, retries, the next expected message). */
  async update(job: LoadedJob, patch: Partial<Omit<JobRecord, 'state' | 'history'>>): Promise<LoadedJob> {
    const record: JobRecord = { ...job.record, ...patch, updatedAt: new Date().toISOString() };
    return { record, etag: await this.store.replace(record, job.etag) };
  }

  /** Moves the job to `state`, with `detail` in its history and as its current note; `when` is the change's time (default now). */
  async transition(
    job: LoadedJob,
    state: JobState,
    patch: Partial<JobRecord> = {},
    detail?: string,
    when: Date = new Date(),
  ): Promise<LoadedJob> {
    const at = when.toISOString();
    const record: JobRecord = {
      ...job.record,
      ...patch,
      state,
      detail,
      updatedAt: at,
      history: [...job.record.history, { state, at, ...(detail ? { detail } : {}) }],
    };
    const next = { record, etag: await this.store.replace(record, job.etag) };
    this.trackState(record, job.record.state);
    return next;
  }

  /**
   * Fails the job: the error (cut to MAX_JOB_TEXT), no expected message, `finishedAt`; then its
   * duration metric and the `JobFailed` event. The event is best effort (the row is the record of
   * truth): its outcome is returned for the caller to log.
   */
  async fail(
    job: LoadedJob,
    error: string,
    options: { patch?: Partial<JobRecord>; detail?: string; signal?: AbortSignal; when?: Date } = {},
  ): Promise<{ job: LoadedJob; notified: NotifyResult }> {
    const patch = options.patch ?? {};
    const when = options.when ?? new Date();
    const failed = await this.transition(
      job,
      'failed',
      {
        ...patch,
        error: error.slice(0, MAX_JOB_TEXT),
        expectedKind: undefined,
        expectedToken: undefined,
        finishedAt: patch.finishedAt ?? when.toISOString(),
      },
      options.detail,
      when,
    );
    this.trackDuration(failed.record);
    const r = failed.record;
    const notified = await notify(
      this.deps,
      {
        type: EVENT_TYPES.jobFailed,
        subject: `jobs/${r.jobKey}`,
        id: `${r.jobKey}:failed`,
        data: { jobKey: r.jobKey, datasetVersion: r.datasetVersion, error: r.error },
      },
      { signal: options.signal },
    );
    return { job: failed, notified };
  }

  /** The job's duration metric, once it has ended (the loop also calls it for succeeded and evaluated jobs). */
  trackDuration(record: JobRecord): void {
    const start = Date.parse(record.submittedAt ?? record.createdAt);
    const end = Date.parse(record.finishedAt ?? new Date().toISOString());
    this.deps.telemetry.trackMetric(JOB_DURATION_METRIC, Math.max(0, (end - start) / 1000), {
      outcome: record.state,
      base_model: record.baseModel,
    });
  }

  private trackState(record: JobRecord, from: JobState | undefined): void {
    this.deps.telemetry.trackEvent(JOB_STATE_EVENT, {
      job_key: record.jobKey,
      dataset_version: record.datasetVersion,
      from: from ?? 'none',
      to: record.state,
      base_model: record.baseModel,
      openai_job_id: record.openaiJobId,
    });
  }
}
