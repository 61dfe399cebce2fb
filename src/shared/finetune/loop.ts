import { randomUUID } from 'node:crypto';
import type { Runtime } from '../composition/runtime';
import { CONTAINERS } from '../storage/names';
import { EVENT_TYPES } from '../telemetry/events';
import { notify } from '../telemetry/notify';
import { backoffDelaySeconds, type BackoffPolicy } from './backoff';
import { jobPhase, type FineTuningJob } from './client';
import { DeploymentConflictError, DeploymentFailedError, DeploymentTimeoutError, deploymentNameFor } from '../deployments/armDeployments';
import {
  FileProcessingError,
  FileProcessingTimeoutError,
  FineTuneConfigurationError,
  FineTuneServiceError,
  ResultFileError,
  toFineTuneError,
} from './errors';
import {
  MalformedJobMessageError,
  parseJobMessage,
  type DecisionMessage,
  type JobMessage,
  type JobMessageKind,
  type StepMessageKind,
  type SubmitMessage,
} from './messages';
import type { Candidate, CandidateEvaluation } from './ports';
import { ApprovalConflictError, decideApproval, evaluateCandidate } from '../evaluation/evaluate';
import { HoldoutFormatError, HoldoutNotFoundError } from '../evaluation/holdout';
import { enqueueJobMessage, sendToPoison } from './queue';
import { JobConcurrencyError, type JobRecord, type JobState } from './jobStore';
import { JobService, MAX_JOB_TEXT, type LoadedJob } from './jobService';
import { TuneloopError } from '../errors';
import { required } from '../lookup';
import { BudgetRefusedError, checkTrainingBudget, type BudgetVerdict, type TrainingBudget } from './budget';

export type CandidateEvaluator = (
  runtime: Runtime,
  candidate: Candidate,
  options: { signal?: AbortSignal },
) => Promise<CandidateEvaluation>;

/** How the job loop behaves (built from settings by src/shared/composition/config.ts). */
export interface JobLoopConfig {
  /** What a submit message leaves out (TUNELOOP_BASE_MODEL, TUNELOOP_FINETUNE_*). */
  readonly defaults: {
    readonly baseModel: string;
    readonly epochs?: number;
    readonly batchSize?: number;
    readonly learningRateMultiplier?: number;
    readonly suffix?: string;
    readonly seed?: number;
  };
  /** Delay between polls of a running job, and before retrying a failed step (TUNELOOP_POLL_DELAY_*). */
  readonly pollBackoff: BackoffPolicy;
  /** Retries of a step after transient failures (TUNELOOP_JOB_MAX_RETRIES). */
  readonly maxRetries: number;
  /** Manual promotion: how long a candidate waits for a decision, and how often it reminds (TUNELOOP_APPROVAL_*). */
  readonly approvalTimeoutHours: number;
  readonly approvalReminderHours: number;
  /** The budget guard on the training file (TUNELOOP_TRAINING_PRICES, TUNELOOP_MAX_TRAINING_COST_USD). */
  readonly budget: TrainingBudget;
}

export type JobLogLevel = 'info' | 'warn' | 'error';

export interface JobLoopOptions {
  signal?: AbortSignal;
  log?: (level: JobLogLevel, message: string) => void;
  /** Names the lease holder (the Functions invocation id). */
  invocationId?: string;
  /** How long one invocation waits for uploaded files to be processed before it re-schedules itself. */
  fileWaitMs?: number;
  /** How long one invocation waits for a deployment to provision before it re-schedules itself. */
  deployWaitMs?: number;
  /** How long a step may hold the job before another delivery may take over (a crashed host never releases it). */
  leaseMs?: number;
  /** Evaluation of a deployed candidate (default: evaluation's `evaluateCandidate`). */
  evaluate?: CandidateEvaluator;
}

export type JobStepAction = 'advanced' | 'rescheduled' | 'ignored' | 'rejected';

export interface JobStepResult {
  action: JobStepAction;
  jobKey?: string;
  state?: JobState;
  reason?: string;
}

/** Evaluation's verdict on the candidate, asked through the job's own AzureOpenAI client. */
const defaultEvaluator: CandidateEvaluator = (runtime, candidate, options) =>
  evaluateCandidate(runtime, candidate, { signal: options.signal, openai: runtime.fineTune.client.openai });

/** The dataset version named by a submit message is not (fully) in container `datasets`. */
export class DatasetVersionError extends TuneloopError {}

const MAX_TEXT = MAX_JOB_TEXT;
/** How often a message that meets a held lease looks again. */
const LEASE_RECHECK_SECONDS = 5;

/**
 * Handles one message of the job queue: validates it (malformed or unknown → poison queue with
 * the reason), checks it is the step the job waits for (duplicates and stale messages are
 * no-ops), takes a lease on the job record (ETag), runs the step and schedules the next message
 * with a delay instead of sleeping. Unexpected errors are rethrown so the queue retries the
 * message (and finally poisons it); service errors are handled here.
 */
export async function handleJobMessage(runtime: Runtime, raw: unknown, options: JobLoopOptions = {}): Promise<JobStepResult> {
  const log = options.log ?? (() => undefined);
  let message: JobMessage;
  try {
    message = parseJobMessage(raw);
  } catch (err) {
    if (!(err instanceof MalformedJobMessageError)) throw err;
    return reject(runtime, raw, err.reason, log);
  }
  const jobs = new JobService(runtime);
  const owner = options.invocationId ?? randomUUID();
  const leaseMs = options.leaseMs ?? 5 * 60_000;

  for (let attempt = 0; ; attempt++) {
    let loaded = await jobs.get(message.jobKey);
    if (!loaded) {
      if (message.kind !== 'submit') {
        return reject(runtime, raw, `no fine-tuning job "${message.jobKey}" in table finetunejobs for this ${message.kind} message`, log);
      }
      // Undefined when a parallel delivery created it first: then that one logged it.
      if (await jobs.create(newRecord(runtime, message)))
        log('info', `job ${message.jobKey}: queued dataset version ${message.datasetVersion}`);
      loaded = await jobs.get(message.jobKey);
      if (!loaded) throw new Error(`job ${message.jobKey} vanished right after it was created`);
    }
    const { record, etag } = loaded;
    if (message.kind === 'submit' && message.datasetVersion !== record.datasetVersion) {
      return reject(
        runtime,
        raw,
        `job key "${message.jobKey}" already trains dataset version ${record.datasetVersion}, not ${message.datasetVersion}; use a new job key per dataset version`,
        log,
      );
    }
    const leasedUntil = record.leaseOwner && record.leaseOwner !== owner && record.leaseUntil ? Date.parse(record.leaseUntil) : 0;
    if (leasedUntil > Date.now()) {
      // Another invocation holds the job. It may be running this very step (if it finishes, this
      // copy becomes stale; if its host died, this copy takes over once the lease has expired),
      // or it may have just scheduled this message and not yet recorded its token. Decide later,
      // never drop the message now.
      const delaySeconds = Math.min(LEASE_RECHECK_SECONDS, Math.ceil((leasedUntil - Date.now()) / 1000) + 1);
      await enqueueJobMessage(runtime, message, { delaySeconds });
      log(
        'info',
        `job ${message.jobKey}: ${message.kind} is being handled by another invocation until ${String(record.leaseUntil)}; checking again in ${delaySeconds} s`,
      );
      return { action: 'rescheduled', jobKey: record.jobKey, state: record.state, reason: 'leased by another invocation' };
    }
    const stale = whyNotCurrent(record, message);
    if (stale) {
      log('info', `job ${message.jobKey}: ${message.kind} message ignored: ${stale}`);
      return { action: 'ignored', jobKey: record.jobKey, state: record.state, reason: stale };
    }
    try {
      const held = await jobs.lease({ record, etag }, owner, new Date(Date.now() + leaseMs));
      const run = new JobRun(runtime, jobs, held, options, log, { owner, leaseMs });
      return await run.execute(message);
    } catch (err) {
      // Someone else moved the job between our read and our lease: read again and decide again.
      if (err instanceof JobConcurrencyError && attempt < 5) continue;
      throw err;
    }
  }
}

async function reject(
  runtime: Runtime,
  raw: unknown,
  reason: string,
  log: (level: JobLogLevel, m: string) => void,
): Promise<JobStepResult> {
  await sendToPoison(runtime, raw, reason);
  log('error', `job message rejected to the poison queue: ${reason}`);
  runtime.telemetry.trackEvent('tuneloop.job.message_rejected', { reason: reason.slice(0, 500) });
  return { action: 'rejected', reason };
}

function newRecord(runtime: Runtime, message: SubmitMessage): JobRecord {
  const d = runtime.config.jobs.defaults;
  const now = new Date().toISOString();
  const hyperparameters = {
    n_epochs: message.hyperparameters?.n_epochs ?? d.epochs,
    batch_size: message.hyperparameters?.batch_size ?? d.batchSize,
    learning_rate_multiplier: message.hyperparameters?.learning_rate_multiplier ?? d.learningRateMultiplier,
  };
  return {
    jobKey: message.jobKey,
    datasetVersion: message.datasetVersion,
    state: 'queued',
    baseModel: message.baseModel ?? d.baseModel,
    hyperparameters,
    suffix: message.suffix ?? d.suffix,
    seed: message.seed ?? d.seed,
    pollCount: 0,
    retries: 0,
    quotaWaits: 0,
    createdAt: now,
    updatedAt: now,
    history: [{ state: 'queued', at: now }],
  };
}

const SUBMIT_STATES: ReadonlySet<JobState> = new Set(['queued', 'uploading', 'files-processing']);

/** Undefined when the message is the step the job waits for; else why it is a no-op. */
function whyNotCurrent(record: JobRecord, message: JobMessage): string | undefined {
  if (message.kind === 'approve' || message.kind === 'reject') {
    // A person's decision carries no token: it counts whenever the candidate is waiting for one.
    if (record.state === 'awaiting-approval') return undefined;
    return `the job is ${record.state}${record.decidedBy ? ` (decided by ${record.decidedBy} at ${String(record.decidedAt)})` : ''}, not awaiting approval`;
  }
  if (message.kind === 'submit' && !message.token) {
    if (!SUBMIT_STATES.has(record.state)) return `duplicate submit: the job is already ${record.state}`;
    if (record.expectedKind && record.expectedKind !== 'submit') return `the job waits for a ${record.expectedKind} message`;
    return undefined;
  }
  if (record.expectedKind !== message.kind || record.expectedToken !== message.token) {
    return record.expectedKind
      ? `stale or duplicate: the job (${record.state}) waits for its ${record.expectedKind} message ${String(record.expectedToken)}`
      : `stale or duplicate: the job is ${record.state} and waits for no message`;
  }
  return undefined;
}

/** One step of one job, holding its lease. */
class JobRun {
  private readonly client;
  private readonly deployments;

  constructor(
    private readonly runtime: Runtime,
    private readonly jobs: JobService,
    private job: LoadedJob,
    private readonly options: JobLoopOptions,
    private readonly log: (level: JobLogLevel, message: string) => void,
    private readonly lease: { owner: string; leaseMs: number },
  ) {
    this.client = runtime.fineTune.client;
    this.deployments = runtime.fineTune.deployments;
  }

  /** The record's writes, one after another: a lease renewal and a step's own write must not race for the ETag. */
  private writes: Promise<unknown> = Promise.resolve();

  private serialized<T>(write: () => Promise<T>): Promise<T> {
    const next = this.writes.then(write, write);
    this.writes = next.catch(() => undefined);
    return next;
  }

  /**
   * Renews the lease every quarter of its length while the step runs: an evaluation makes
   * hundreds of model requests and runs far past the 5-minute lease, and an expired lease would
   * let a duplicate delivery of the same message run the step a second time alongside.
   */
  private renewLease(): () => Promise<void> {
    const every = Math.max(1000, Math.floor(this.lease.leaseMs / 4));
    let stopped = false;
    const timer = setInterval(() => {
      void this.serialized(async () => {
        if (stopped) return;
        this.job = await this.jobs.lease(this.job, this.lease.owner, new Date(Date.now() + this.lease.leaseMs));
      }).catch((err: unknown) => {
        // The step's own next write meets the same conflict and fails there; this only says why.
        this.log('warn', `job ${this.key}: could not renew the lease: ${(err as Error).message}`);
      });
    }, every);
    timer.unref();
    return async () => {
      stopped = true;
      clearInterval(timer);
      await this.writes;
    };
  }

  private get record(): JobRecord {
    return this.job.record;
  }

  private get key(): string {
    return this.record.jobKey;
  }

  async execute(message: JobMessage): Promise<JobStepResult> {
    const stopRenewing = this.renewLease();
    try {
      const result = await this.runStep(message.kind, message);
      return { jobKey: this.key, state: this.record.state, ...result };
    } catch (err) {
      const handled = await this.handleFailure(message.kind, err);
      if (handled) return { jobKey: this.key, state: this.record.state, ...handled };
      throw err;
    } finally {
      await stopRenewing();
      await this.releaseLease();
    }
  }

  private async runStep(kind: JobMessageKind, message: JobMessage): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    switch (kind) {
      case 'submit':
        return this.submit();
      case 'poll':
        return this.poll();
      case 'deploy':
        return this.deploy();
      case 'evaluate':
        return this.evaluate();
      case 'approval-check':
        return this.approvalCheck();
      case 'approve':
      case 'reject':
        return this.decide(message as DecisionMessage);
    }
  }

  // ---- record bookkeeping -------------------------------------------------------------

  // Every write goes through the job service, the one writer of table finetunejobs.
  private async save(patch: Partial<Omit<JobRecord, 'state' | 'history'>>): Promise<void> {
    await this.serialized(async () => {
      this.job = await this.jobs.update(this.job, patch);
    });
  }

  private async transition(state: JobState, patch: Partial<JobRecord> = {}, detail?: string): Promise<void> {
    const from = this.record.state;
    await this.serialized(async () => {
      this.job = await this.jobs.transition(this.job, state, patch, detail);
    });
    this.log(state === 'failed' ? 'error' : 'info', `job ${this.key}: ${from} → ${state}${detail ? ` (${detail})` : ''}`);
  }

  /**
   * Enqueues the next message first and records its token second: a crash in between leaves
   * the current message to be redelivered (its token is still the expected one), and the
   * orphaned next message is recognised as stale.
   */
  private async schedule(kind: StepMessageKind, delaySeconds: number, patch: Partial<JobRecord> = {}): Promise<void> {
    const token = randomUUID();
    const r = this.record;
    const message: JobMessage =
      kind === 'submit' ? { kind, jobKey: r.jobKey, datasetVersion: r.datasetVersion, token } : { kind, jobKey: r.jobKey, token };
    await enqueueJobMessage(this.runtime, message, { delaySeconds });
    await this.save({ ...patch, expectedKind: kind, expectedToken: token });
  }

  private async releaseLease(): Promise<void> {
    if (this.record.leaseOwner === undefined) return;
    try {
      await this.save({ leaseOwner: undefined, leaseUntil: undefined });
    } catch (err) {
      // The lease expires on its own; never hide the step's outcome behind this.
      this.log('warn', `job ${this.key}: could not release the lease: ${(err as Error).message}`);
    }
  }

  private backoff(attempt: number): number {
    return backoffDelaySeconds(this.runtime.config.jobs.pollBackoff, attempt);
  }

  /** Waits inside one invocation (file processing, provisioning): as quick as polling, but checked at least every 10 s. */
  private waitBackoff(): BackoffPolicy {
    const poll = this.runtime.config.jobs.pollBackoff;
    const start = Math.max(0.05, Math.min(1, poll.startSeconds));
    return { startSeconds: start, factor: 1.5, capSeconds: Math.max(start, Math.min(10, poll.capSeconds)) };
  }

  private async fail(error: string, patch: Partial<JobRecord> = {}): Promise<void> {
    const from = this.record.state;
    const notified = await this.serialized(async () => {
      const failed = await this.jobs.fail(this.job, error, { patch, signal: this.options.signal });
      this.job = failed.job;
      return failed.notified;
    });
    this.log('error', `job ${this.key}: ${from} → failed`);
    if (!notified.delivered) this.log('warn', `job ${this.key}: ${String(notified.error?.message)}`);
  }

  private trackDuration(): void {
    this.jobs.trackDuration(this.record);
  }

  // ---- steps --------------------------------------------------------------------------

  private async submit(): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    const signal = this.options.signal;
    if (this.record.state === 'queued') await this.transition('uploading');
    if (!this.record.trainingFileId || this.record.validationFileId === undefined) await this.uploadFiles();
    if (this.record.state === 'uploading') await this.transition('files-processing');
    const fileWait = { signal, maxWaitMs: this.options.fileWaitMs ?? 5 * 60_000, backoff: this.waitBackoff() };
    const trainingFileId = required(this.record.trainingFileId, `job ${this.key}'s training file id`);
    await this.client.waitForFile(trainingFileId, fileWait);
    if (this.record.validationFileId) await this.client.waitForFile(this.record.validationFileId, fileWait);

    if (!this.record.openaiJobId) {
      // A previous attempt may have created the job and crashed before recording it.
      const existing = await this.client.findJobByTrainingFile(trainingFileId, { signal });
      const job =
        existing ??
        (await this.client.createJob(
          {
            model: this.record.baseModel,
            trainingFile: trainingFileId,
            validationFile: this.record.validationFileId || undefined,
            hyperparameters: this.record.hyperparameters,
            suffix: this.record.suffix,
            seed: this.record.seed,
          },
          { signal },
        ));
      if (existing) this.log('warn', `job ${this.key}: found fine-tuning job ${existing.id} from an earlier attempt; not creating another`);
      await this.transition(
        'submitted',
        { openaiJobId: job.id, openaiStatus: job.status, submittedAt: new Date().toISOString(), retries: 0 },
        `fine-tuning job ${job.id}`,
      );
    }
    await this.schedule('poll', this.backoff(1));
    return { action: 'advanced' };
  }

  private async uploadFiles(): Promise<void> {
    const signal = this.options.signal;
    const version = this.record.datasetVersion;
    const container = this.runtime.storage.container(CONTAINERS.datasets);
    const read = async (name: string, mustExist: boolean): Promise<Buffer | undefined> => {
      const blob = container.getBlobClient(`${version}/${name}`);
      try {
        return await blob.downloadToBuffer(undefined, undefined, { abortSignal: signal });
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
        if (!mustExist) return undefined;
        throw new DatasetVersionError(
          `dataset version ${version} has no ${name} in container ${CONTAINERS.datasets} (${blob.url}); assemble the version first (nightly retrain) or submit an existing version`,
        );
      }
    };
    const manifest = await read('manifest.json', false);
    if (manifest) {
      try {
        JSON.parse(manifest.toString('utf8'));
      } catch (err) {
        throw new DatasetVersionError(`${CONTAINERS.datasets}/${version}/manifest.json is not valid JSON: ${(err as Error).message}`);
      }
    }
    if (!this.record.trainingFileId) {
      const train = required(await read('train.jsonl', true), `${version}/train.jsonl`);
      if (train.length === 0) throw new DatasetVersionError(`${CONTAINERS.datasets}/${version}/train.jsonl is empty`);
      // Every path to a job passes here (the nightly assembly, drift, a hand-sent message): no upload, no job, without a price within budget.
      const verdict = checkTrainingBudget({
        train,
        model: this.record.baseModel,
        epochs: this.record.hyperparameters?.n_epochs,
        budget: this.runtime.config.jobs.budget,
      });
      if (!verdict.ok) {
        await this.refuseBudget(verdict);
        throw new BudgetRefusedError(`${CONTAINERS.datasets}/${version}: ${verdict.reason}`);
      }
      const id = await this.uploadOnce(`${this.key}.train.jsonl`, train);
      await this.save({ trainingFileId: id });
    }
    if (this.record.validationFileId === undefined) {
      const validation = await read('validation.jsonl', false);
      // '' records "this version has no validation file" so a retry does not look again.
      const id = validation && validation.length > 0 ? await this.uploadOnce(`${this.key}.validation.jsonl`, validation) : '';
      await this.save({ validationFileId: id });
    }
  }

  private async refuseBudget(verdict: Extract<BudgetVerdict, { ok: false }>): Promise<void> {
    if (verdict.estimatedCostUsd !== null)
      this.runtime.telemetry.trackMetric('tuneloop.budget.refused_cost_usd', verdict.estimatedCostUsd, {
        dataset_version: this.record.datasetVersion,
      });
    await notify(
      { telemetry: this.runtime.telemetry, events: this.runtime.events },
      {
        type: EVENT_TYPES.budgetRefused,
        subject: `jobs/${this.key}`,
        id: `budget-${this.key}`,
        data: {
          jobKey: this.key,
          dataset_version: this.record.datasetVersion,
          model: this.record.baseModel,
          estimated_cost_usd: verdict.estimatedCostUsd,
          budget_usd: this.runtime.config.jobs.budget.maxCostUsd,
          reason: verdict.reason,
        },
      },
      { signal: this.options.signal },
    ).then((r) => {
      if (!r.delivered) this.log('warn', `job ${this.key}: ${String(r.error?.message)}`);
    });
  }

  /** Uploads unless an earlier attempt already did (deterministic file name). */
  private async uploadOnce(fileName: string, content: Buffer): Promise<string> {
    const signal = this.options.signal;
    const existing = await this.client.findFile(fileName, { signal });
    if (existing) {
      this.log('info', `job ${this.key}: reusing ${fileName} (${existing.id}) uploaded by an earlier attempt`);
      return existing.id;
    }
    const file = await this.client.uploadFile(fileName, content, { signal });
    this.log('info', `job ${this.key}: uploaded ${fileName} as ${file.id} (${content.length} bytes)`);
    return file.id;
  }

  private async poll(): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    const signal = this.options.signal;
    const job = await this.client.getJob(required(this.record.openaiJobId, `job ${this.key}'s service job id`), { signal });
    const pollCount = this.record.pollCount + 1;
    const phase = jobPhase(job.status);
    const common: Partial<JobRecord> = { openaiStatus: job.status, pollCount, retries: 0, quotaWaits: 0 };
    if (phase === 'in-progress' || phase === 'paused') {
      const state: JobState = job.status === 'running' || phase === 'paused' || this.record.state === 'running' ? 'running' : 'submitted';
      if (state !== this.record.state) await this.transition(state, common, `service status ${job.status}`);
      else await this.save({ ...common, detail: `service status ${job.status}` });
      await this.schedule('poll', this.backoff(pollCount + 1));
      return { action: 'rescheduled', reason: `job ${job.id} is ${job.status}` };
    }
    const finishedAt = job.finished_at ? new Date(job.finished_at * 1000).toISOString() : new Date().toISOString();
    if (phase === 'failed') {
      const e = job.error;
      await this.fail(`fine-tuning job ${job.id} failed${e ? `: ${e.code ? `${e.code}: ` : ''}${e.message}` : ''}`, {
        ...common,
        finishedAt,
      });
      return { action: 'advanced' };
    }
    if (phase === 'cancelled') {
      await this.transition('cancelled', { ...common, finishedAt, expectedKind: undefined, expectedToken: undefined });
      this.trackDuration();
      return { action: 'advanced' };
    }
    return this.succeeded(job, { ...common, finishedAt });
  }

  private async succeeded(job: FineTuningJob, common: Partial<JobRecord>): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    if (!job.fine_tuned_model) {
      await this.fail(`fine-tuning job ${job.id} succeeded without a fine_tuned_model; contact Azure support with the job id`, common);
      return { action: 'advanced' };
    }
    let trainingMetrics: Record<string, number> | undefined;
    try {
      const results = await this.client.downloadResults(job, { signal: this.options.signal });
      if (results) {
        trainingMetrics = Object.fromEntries(
          (Object.entries(results.final) as [string, number | undefined][]).flatMap(([k, v]) => (v !== undefined ? [[k, v] as const] : [])),
        );
      }
    } catch (err) {
      // Metrics are a report, not a gate: a missing or odd results.csv must not lose the model.
      if (!(err instanceof ResultFileError || err instanceof FineTuneServiceError)) throw err;
      this.log('warn', `job ${this.key}: results.csv not read: ${err.message}`);
    }
    await this.transition(
      'succeeded',
      {
        ...common,
        fineTunedModel: job.fine_tuned_model,
        // A partial job object (older service answers) may come without the list.
        resultFileId: (job.result_files as string[] | undefined)?.at(0),
        trainedTokens: job.trained_tokens ?? undefined,
        trainingMetrics,
      },
      job.fine_tuned_model,
    );
    this.trackDuration();
    if (trainingMetrics?.trainLoss !== undefined) {
      this.runtime.telemetry.trackMetric('tuneloop.job.train_loss', trainingMetrics.trainLoss, { base_model: this.record.baseModel });
    }
    await notify(
      { telemetry: this.runtime.telemetry, events: this.runtime.events },
      {
        type: EVENT_TYPES.jobSucceeded,
        subject: `jobs/${this.key}`,
        id: `${this.key}:succeeded`,
        data: { jobKey: this.key, datasetVersion: this.record.datasetVersion, fineTunedModel: job.fine_tuned_model, openaiJobId: job.id },
      },
      { signal: this.options.signal },
    ).then((r) => {
      if (!r.delivered) this.log('warn', `job ${this.key}: ${String(r.error?.message)}`);
    });
    await this.schedule('deploy', 0);
    return { action: 'advanced' };
  }

  private async deploy(): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    const deploymentName = this.record.deploymentName ?? deploymentNameFor(this.key);
    if (this.record.state !== 'deploying') await this.transition('deploying', { deploymentName, retries: 0 }, deploymentName);
    const info = await this.deployments.deployModel({
      deploymentName,
      model: required(this.record.fineTunedModel, `job ${this.key}'s fine-tuned model`),
      signal: this.options.signal,
      // Both waits stay well inside the function's 9-minute step budget.
      maxWaitMs: this.options.deployWaitMs ?? 5 * 60_000,
      backoff: this.waitBackoff(),
    });
    await this.transition('deployed', { retries: 0 }, `${info.name} (${info.sku ?? 'sku?'} × ${info.capacity ?? '?'})`);
    await this.schedule('evaluate', 0);
    return { action: 'advanced' };
  }

  private async evaluate(): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    if (this.record.state !== 'evaluating') await this.transition('evaluating', { retries: 0 });
    const candidate: Candidate = {
      jobKey: this.key,
      fineTunedModel: required(this.record.fineTunedModel, `job ${this.key}'s fine-tuned model`),
      deploymentName: required(this.record.deploymentName, `job ${this.key}'s deployment name`),
      datasetVersion: this.record.datasetVersion,
      resultFileId: this.record.resultFileId,
    };
    const evaluate = this.options.evaluate ?? defaultEvaluator;
    const outcome = await evaluate(this.runtime, candidate, { signal: this.options.signal });
    if (outcome.awaitingApproval) {
      const deadline = new Date(Date.now() + this.runtime.config.jobs.approvalTimeoutHours * 3600_000).toISOString();
      await this.transition(
        'awaiting-approval',
        { decision: outcome.decision, reportBlob: outcome.reportBlob, approvalDeadline: deadline, retries: 0 },
        `passed the gate; waiting for tuneloop approve/reject until ${deadline}; report ${outcome.reportBlob}`,
      );
      await this.schedule('approval-check', this.approvalCheckDelaySeconds());
      return { action: 'advanced' };
    }
    const verdicts = { promote: 'promoted', reject: 'rejected', inconclusive: 'inconclusive, production stays' } as const;
    await this.transition(
      'evaluated',
      { decision: outcome.decision, reportBlob: outcome.reportBlob, expectedKind: undefined, expectedToken: undefined, retries: 0 },
      `${verdicts[outcome.decision]}; report ${outcome.reportBlob}`,
    );
    return { action: 'advanced' };
  }

  // ---- manual promotion ---------------------------------------------------------------

  /** Storage queues delay a message by at most 7 days; the check comes at the next reminder or the deadline, whichever is first. */
  private approvalCheckDelaySeconds(): number {
    const c = this.runtime.config.jobs;
    const untilDeadline = this.record.approvalDeadline
      ? (Date.parse(this.record.approvalDeadline) - Date.now()) / 1000
      : c.approvalTimeoutHours * 3600;
    return Math.max(0, Math.min(c.approvalReminderHours * 3600, untilDeadline, 6 * 24 * 3600));
  }

  /** While a candidate waits: a reminder event, or at the deadline its rejection as expired. */
  private async approvalCheck(): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    const deadline = Date.parse(this.record.approvalDeadline ?? '');
    if (!Number.isFinite(deadline) || Date.now() >= deadline - 1000) {
      const hours = this.runtime.config.jobs.approvalTimeoutHours;
      return this.close({ status: 'expired', by: 'tuneloop', reason: `no decision within ${hours} h (TUNELOOP_APPROVAL_TIMEOUT_HOURS)` });
    }
    const waitingHours =
      (Date.now() - Date.parse(this.record.history[this.record.history.length - 1]?.at ?? this.record.updatedAt)) / 3600_000;
    await notify(
      { telemetry: this.runtime.telemetry, events: this.runtime.events },
      {
        type: EVENT_TYPES.modelApprovalReminder,
        subject: `jobs/${this.key}`,
        id: `${this.key}:approval-reminder:${Math.round(waitingHours)}`,
        data: {
          jobKey: this.key,
          deploymentName: this.record.deploymentName,
          report: this.record.reportBlob,
          waitingHours: Math.round(waitingHours * 10) / 10,
          deadline: this.record.approvalDeadline,
        },
      },
      { signal: this.options.signal },
    ).then((r) => {
      if (!r.delivered) this.log('warn', `job ${this.key}: ${String(r.error?.message)}`);
    });
    this.log('info', `job ${this.key}: still awaiting approval (deadline ${String(this.record.approvalDeadline)})`);
    await this.schedule('approval-check', this.approvalCheckDelaySeconds());
    return { action: 'rescheduled', reason: 'awaiting approval' };
  }

  private async decide(message: DecisionMessage): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    return this.close({ status: message.kind === 'approve' ? 'approved' : 'rejected', by: message.by, reason: message.reason });
  }

  private async close(decision: {
    status: 'approved' | 'rejected' | 'expired';
    by: string;
    reason?: string;
  }): Promise<Omit<JobStepResult, 'jobKey' | 'state'>> {
    let outcome;
    try {
      outcome = await decideApproval(this.runtime, this.key, decision, { signal: this.options.signal });
    } catch (err) {
      if (!(err instanceof ApprovalConflictError)) throw err;
      // Still waiting: a person has to reject it (or let it expire); nothing about production changes.
      this.log('warn', `job ${this.key}: approval not applied: ${err.message}`);
      await this.save({ detail: `approval by ${decision.by} not applied: ${err.message}`.slice(0, MAX_TEXT) });
      return { action: 'ignored', reason: err.message };
    }
    const at = outcome.report.approval?.decidedAt ?? new Date().toISOString();
    await this.transition(
      'evaluated',
      {
        decision: outcome.decision,
        decidedBy: decision.by,
        decidedAt: at,
        decisionReason: decision.reason,
        expectedKind: undefined,
        expectedToken: undefined,
        retries: 0,
      },
      `${decision.status} by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}`,
    );
    return { action: 'advanced' };
  }

  // ---- failures -----------------------------------------------------------------------

  /** Decides what a failed step means for the job; undefined = unexpected, let the queue retry. */
  private async handleFailure(kind: JobMessageKind, err: unknown): Promise<Omit<JobStepResult, 'jobKey' | 'state'> | undefined> {
    if (this.options.signal?.aborted) return undefined;
    // A person's decision that failed is theirs to repeat (the CLI shows the error; the queue retries the message).
    if (kind === 'approve' || kind === 'reject') return undefined;
    if (kind === 'evaluate') {
      // evaluateCandidate lets openai/ARM errors through unwrapped: classify them like ours.
      try {
        err = toFineTuneError(err, 'evaluate candidate');
      } catch {
        // not a service error: handled below
      }
    }
    const maxRetries = this.runtime.config.jobs.maxRetries;
    // Deployment quota (5 fine-tuned deployments) frees up only when old ones are deleted: bounded like a transient error.
    if (err instanceof FineTuneServiceError && err.kind === 'quota' && kind !== 'deploy') {
      const waits = this.record.quotaWaits + 1;
      const delay = Math.max(this.backoff(waits), (err.retryAfterMs ?? 0) / 1000);
      await this.save({ quotaWaits: waits, detail: `waiting for fine-tuning quota (wait ${waits}): ${err.message}`.slice(0, MAX_TEXT) });
      this.log('warn', `job ${this.key}: at the fine-tuning quota; ${kind} again in ${delay} s`);
      this.runtime.telemetry.trackEvent('tuneloop.job.quota_wait', { job_key: this.key, waits });
      await this.schedule(kind, delay);
      return { action: 'rescheduled', reason: 'quota' };
    }
    if (kind === 'evaluate' && (err instanceof HoldoutNotFoundError || err instanceof HoldoutFormatError)) {
      await this.fail(`evaluate: ${err.message}`);
      return { action: 'advanced', reason: err.message };
    }
    const transient =
      (err instanceof FineTuneServiceError && (err.kind === 'transient' || err.kind === 'quota')) ||
      err instanceof FileProcessingTimeoutError ||
      err instanceof DeploymentTimeoutError ||
      // Evaluation talks to the deployments and the models table; a failure there (rate limit,
      // a promotion that raced ours) is retried with backoff, bounded, instead of poisoning the job.
      (kind === 'evaluate' && !(err instanceof FineTuneServiceError && err.kind !== 'transient'));
    if (transient) {
      const retries = this.record.retries + 1;
      if (retries > maxRetries) {
        await this.fail(`gave up after ${maxRetries} retries of the ${kind} step: ${(err as Error).message}`);
        return { action: 'advanced', reason: 'retries exhausted' };
      }
      const retryAfter = err instanceof FineTuneServiceError ? (err.retryAfterMs ?? 0) / 1000 : 0;
      const delay = Math.max(this.backoff(retries), retryAfter);
      await this.save({ retries, detail: `retry ${retries}/${maxRetries} of ${kind}: ${(err as Error).message}`.slice(0, MAX_TEXT) });
      this.log('warn', `job ${this.key}: ${kind} failed (${(err as Error).message}); retry ${retries}/${maxRetries} in ${delay} s`);
      await this.schedule(kind, delay);
      return { action: 'rescheduled', reason: (err as Error).message };
    }
    const permanent =
      (err instanceof FineTuneServiceError && (err.kind === 'invalid-request' || err.kind === 'auth')) ||
      err instanceof FileProcessingError ||
      err instanceof DeploymentFailedError ||
      err instanceof DeploymentConflictError ||
      err instanceof FineTuneConfigurationError ||
      err instanceof DatasetVersionError ||
      err instanceof BudgetRefusedError;
    if (permanent) {
      await this.fail(`${kind}: ${(err as Error).message}`);
      return { action: 'advanced', reason: (err as Error).message };
    }
    return undefined;
  }
}
