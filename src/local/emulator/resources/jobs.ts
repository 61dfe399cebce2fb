import { getOrThrow } from '../../../shared/lookup';
import { tokenCounter, type TokenCounter } from '../../../shared/dataset/tokens';
import { MIN_TRAINING_EXAMPLES } from '../../../shared/dataset/modelLimits';
import { EmulatorHttpError, badRequest, notFound } from '../errors';
import type { FineTunedChatModel, TrainingExample } from '../model/chatModel';
import { hash32 } from '../model/text';
import { resolveHyperparameters, resultsCsv, trainModel, type RequestedHyperparameters, type TrainingRun } from '../model/training';
import {
  newId,
  nowSeconds,
  type CheckpointObject,
  type EmulatorStore,
  type EventObject,
  type FileObject,
  type JobObject,
  type StoredJob,
} from '../state';
import {
  BASE_DURATIONS_MS,
  BASE_MODELS,
  DEFAULT_CONTINUED_TRAINING_RETENTION,
  isObject,
  page,
  parseJsonl,
  type EmulatorContext,
  type ListQuery,
  type ServiceOptions,
} from './shared';

const SUFFIX = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * The emulator's model answers with replies of its training data, so it cannot be rebuilt (after
 * a restart) once that data was deleted; Azure's models keep working, the emulator says why it cannot.
 */
function trainingDataDeleted(stored: StoredJob): EmulatorHttpError {
  return new EmulatorHttpError(
    400,
    'trainingDataDeleted',
    `The training file '${stored.job.training_file}' of job '${stored.job.id}' was deleted, so the tuneloop emulator cannot rebuild its model after a restart (it keeps no copy of deleted training data). Train a new model.`,
  );
}
const TERMINAL_JOB = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Fine-tuning jobs: create (with Azure's validation and quota), the queue (one running job),
 * training a real small model epoch by epoch in emulated time, events, checkpoints, the results
 * file, cancel, pause, resume, delete; and the fine-tuned models they produce.
 */
export class JobsResource {
  private readonly readyAt = new Map<string, number>();
  private readonly models = new Map<string, FineTunedChatModel>();

  constructor(private readonly ctx: EmulatorContext) {}

  private get store(): EmulatorStore {
    return this.ctx.store;
  }

  private get options(): ServiceOptions {
    return this.ctx.options;
  }

  private later(ms: number, fn: () => void, jobId?: string): void {
    this.ctx.clock.later(ms, fn, jobId);
  }

  createJob(body: unknown, options: { failOnRun?: boolean } = {}): JobObject {
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
    const model = body.model;
    if (typeof model !== 'string' || !model) throw badRequest("'model' is required.", 'model');
    // Continuous fine-tuning: a succeeded fine-tuned model of this resource can be trained further.
    const parent = (BASE_MODELS as readonly string[]).includes(model) ? undefined : this.findFineTuned(model);
    if (!parent && !(BASE_MODELS as readonly string[]).includes(model)) {
      throw badRequest(
        `The specified base model '${model}' does not support fine-tuning. Use a base model (${BASE_MODELS.join(', ')}) or a succeeded fine-tuned model of this resource.`,
        'model',
      );
    }
    const trainingFile = this.requireFineTuneFile(body.training_file, 'training_file');
    const validationFile =
      body.validation_file === undefined || body.validation_file === null
        ? undefined
        : this.requireFineTuneFile(body.validation_file, 'validation_file');
    let suffix: string | undefined;
    if (body.suffix !== undefined && body.suffix !== null) {
      if (typeof body.suffix !== 'string' || !SUFFIX.test(body.suffix)) {
        throw badRequest("'suffix' must be 1 to 40 characters of a-z, A-Z, 0-9, '-' and '_'.", 'suffix');
      }
      suffix = body.suffix;
    }
    const requested = this.checkHyperparameters(body.hyperparameters);
    if (
      body.seed !== undefined &&
      body.seed !== null &&
      (!Number.isInteger(body.seed) || (body.seed as number) < 0 || (body.seed as number) > 2147483647)
    ) {
      throw badRequest("'seed' must be an integer between 0 and 2147483647.", 'seed');
    }
    if (body.method !== undefined && body.method !== null) {
      const type = isObject(body.method) ? body.method.type : undefined;
      if (type !== 'supervised')
        throw badRequest(`Fine-tuning method '${String(type)}' is not supported by the tuneloop emulator (only 'supervised').`, 'method');
    }
    const active = [...this.store.jobs.values()].filter((j) => !TERMINAL_JOB.has(j.job.status)).length;
    const { running, queued } = this.options.quota;
    if (active >= running + queued) {
      throw new EmulatorHttpError(
        429,
        'quotaExceeded',
        `This resource already has ${active} active fine-tuning jobs; at most ${running} running and ${queued} queued are allowed. Wait for a job to finish, or cancel one, and try again.`,
      );
    }
    const trainingContent = trainingFile.content.toString('utf8');
    const id = newId('ftjob');
    const job: JobObject = {
      object: 'fine_tuning.job',
      id,
      created_at: nowSeconds(),
      status: 'pending',
      model,
      fine_tuned_model: null,
      training_file: trainingFile.file.id,
      validation_file: validationFile?.file.id ?? null,
      result_files: [],
      finished_at: null,
      trained_tokens: null,
      error: null,
      estimated_finish: null,
      hyperparameters: { n_epochs: -1 },
      suffix: suffix ?? null,
      // Without a seed the run is still reproducible: the seed comes from the training data.
      seed: typeof body.seed === 'number' ? body.seed : hash32(trainingContent) % 2147483647,
    };
    if (requested) job.hyperparameters = { ...job.hyperparameters, ...(requested as JobObject['hyperparameters']) };
    const stored: StoredJob = {
      job,
      events: [],
      checkpoints: [],
      failOnRun: options.failOnRun ?? false,
      trainingContent,
      validationContent: validationFile?.content.toString('utf8'),
      epochsReported: 0,
    };
    if (parent) {
      stored.baseModel = parent.baseModel ?? parent.job.model;
      // A parent whose training file was deleted no longer has its text: the child cannot retain it.
      stored.priorContents = [...(parent.priorContents ?? []), parent.trainingContent ?? ''];
      stored.priorTrainingFiles = [...(parent.priorTrainingFiles ?? []), parent.job.training_file];
    }
    this.store.jobs.set(id, stored);
    this.event(stored, 'info', 'message', 'Job enqueued. Waiting for jobs ahead to complete.');
    this.readyAt.set(id, Date.now() + BASE_DURATIONS_MS.jobQueued / this.options.speed);
    this.later(BASE_DURATIONS_MS.jobQueued, () => this.pump());
    this.store.changed();
    return this.jobView(stored);
  }

  private requireFineTuneFile(value: unknown, param: string): { file: FileObject; content: Buffer } {
    if (typeof value !== 'string' || !value) throw badRequest(`'${param}' is required and must be a file id.`, param);
    const entry = this.store.files.get(value);
    if (!entry) throw badRequest(`The ${param.replace('_', ' ')} '${value}' does not exist.`, param);
    if (entry.file.purpose !== 'fine-tune')
      throw badRequest(`The file '${value}' has purpose '${entry.file.purpose}'; fine-tuning needs purpose 'fine-tune'.`, param);
    if (entry.file.status === 'error') {
      throw new EmulatorHttpError(
        400,
        'jsonlValidationFailed',
        `The ${param.replace('_', ' ')} '${value}' failed validation: ${entry.file.status_details ?? ''}`,
        {},
        { param },
      );
    }
    if (entry.file.status !== 'processed') {
      throw badRequest(
        `The ${param.replace('_', ' ')} '${value}' is not ready yet (status '${entry.file.status}'); wait until it is 'processed'.`,
        param,
      );
    }
    return entry;
  }

  private checkHyperparameters(value: unknown): RequestedHyperparameters | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) throw badRequest("'hyperparameters' must be an object.", 'hyperparameters');
    const result: RequestedHyperparameters = {};
    const check = (key: keyof RequestedHyperparameters, ok: (n: number) => boolean, rule: string) => {
      const v = value[key];
      if (v === undefined || v === null || v === 'auto') return;
      if (typeof v !== 'number' || !ok(v))
        throw badRequest(`'hyperparameters.${key}' ${rule} (got ${JSON.stringify(v)}).`, `hyperparameters.${key}`);
      (result as Record<string, number>)[key] = v;
    };
    check('n_epochs', (n) => Number.isInteger(n) && n >= 1 && n <= 50, 'must be an integer from 1 to 50');
    check('batch_size', (n) => Number.isInteger(n) && n >= 1 && n <= 256, 'must be an integer from 1 to 256');
    check('learning_rate_multiplier', (n) => n > 0 && n <= 10, 'must be a number greater than 0 and at most 10');
    return result;
  }

  /** The job as the wire shows it: fields without a value are left out (the spec types them as non-nullable). */
  private jobView(stored: StoredJob): JobObject {
    const view: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stored.job)) {
      if (value === null || value === undefined) continue;
      if (key === 'result_files' && Array.isArray(value) && value.length === 0) continue;
      view[key] = JSON.parse(JSON.stringify(value));
    }
    return view as unknown as JobObject;
  }

  private event(
    stored: StoredJob,
    level: EventObject['level'],
    type: EventObject['type'],
    message: string,
    data?: Record<string, unknown>,
  ): void {
    const e: EventObject = { object: 'fine_tuning.job.event', id: newId('ftevent'), created_at: nowSeconds(), level, message, type };
    if (data) e.data = data;
    stored.events.push(e);
  }

  private requireJob(id: string): StoredJob {
    const stored = this.store.jobs.get(id);
    if (!stored) throw notFound(`Fine-tuning job with id '${id}' not found.`);
    return stored;
  }

  getJob(id: string): JobObject {
    return this.jobView(this.requireJob(id));
  }

  listJobs(query: ListQuery): { object: 'list'; data: JobObject[]; has_more: boolean } {
    const jobs = [...this.store.jobs.values()].reverse().map((j) => this.jobView(j));
    return page(jobs, query, 20);
  }

  listEvents(id: string, query: ListQuery): { object: 'list'; data: EventObject[]; has_more: boolean } {
    return page(this.requireJob(id).events, query, 20);
  }

  listCheckpoints(id: string, query: ListQuery): { object: 'list'; data: CheckpointObject[]; has_more: boolean } {
    return page(this.requireJob(id).checkpoints, query, 10);
  }

  cancelJob(id: string): JobObject {
    const stored = this.requireJob(id);
    if (TERMINAL_JOB.has(stored.job.status)) {
      throw new EmulatorHttpError(400, 'unexpectedEntityState', `The job '${id}' is already ${stored.job.status} and cannot be cancelled.`);
    }
    this.ctx.clock.clearJobTimers(id);
    stored.job.status = 'cancelled';
    stored.job.finished_at = nowSeconds();
    this.event(stored, 'info', 'message', 'Job cancelled.');
    this.store.changed();
    this.store.dropDeletedContent();
    this.later(0, () => this.pump());
    return this.jobView(stored);
  }

  /** Preview api-versions: stops a running job where it is; its finished epochs stay as checkpoints. */
  pauseJob(id: string): JobObject {
    const stored = this.requireJob(id);
    if (stored.job.status !== 'running') {
      throw new EmulatorHttpError(
        400,
        'unexpectedEntityState',
        `Only a running job can be paused; the job '${id}' is ${stored.job.status}.`,
      );
    }
    this.ctx.clock.clearJobTimers(id);
    stored.job.status = 'paused';
    stored.job.estimated_finish = null;
    this.event(stored, 'info', 'message', `Job paused after ${stored.epochsReported} of ${stored.job.hyperparameters.n_epochs} epochs.`);
    this.store.changed();
    this.later(0, () => this.pump());
    return this.jobView(stored);
  }

  /** Preview api-versions: a paused job queues again and continues from its last finished epoch. */
  resumeJob(id: string): JobObject {
    const stored = this.requireJob(id);
    if (stored.job.status !== 'paused') {
      throw new EmulatorHttpError(
        400,
        'unexpectedEntityState',
        `Only a paused job can be resumed; the job '${id}' is ${stored.job.status}.`,
      );
    }
    stored.job.status = 'pending';
    stored.resumed = true;
    this.readyAt.set(id, Date.now());
    this.event(stored, 'info', 'message', 'Job resume requested. Waiting for jobs ahead to complete.');
    this.store.changed();
    this.later(0, () => this.pump());
    return this.jobView(stored);
  }

  deleteJob(id: string): void {
    const stored = this.requireJob(id);
    if (!TERMINAL_JOB.has(stored.job.status)) {
      throw new EmulatorHttpError(400, 'unexpectedEntityState', `The job '${id}' is ${stored.job.status}; cancel it before deleting it.`);
    }
    this.store.jobs.delete(id);
    this.models.delete(id);
    this.store.changed();
  }

  /** Starts the oldest queued job when nothing runs (Azure: one running job per resource). */
  pump(): void {
    if (this.ctx.clock.closed) return;
    const jobs = [...this.store.jobs.values()];
    const runningNow = jobs.filter((j) => j.job.status === 'running').length;
    if (runningNow >= this.options.quota.running) return;
    const now = Date.now();
    const pending = jobs.filter((j) => j.job.status === 'pending');
    const next = pending.find((j) => (this.readyAt.get(j.job.id) ?? 0) <= now);
    if (next) {
      this.startJob(next);
      return;
    }
    // A timer can fire a little before Date.now() reaches readyAt (the event loop's clock is
    // cached): look again when the first queued job is due instead of leaving it waiting forever.
    const due = Math.min(...pending.map((j) => this.readyAt.get(j.job.id) ?? now));
    if (Number.isFinite(due)) {
      this.ctx.clock.afterRealTime(Math.max(1, due - now + 1), () => this.pump());
    }
  }

  private fineTunedName(job: JobObject): string {
    const base = this.store.jobs.get(job.id)?.baseModel ?? job.model;
    return `${base}.ft-${job.id.replace(/^ftjob-/, '')}${job.suffix ? `-${job.suffix}` : ''}`;
  }

  private startJob(stored: StoredJob): void {
    const job = stored.job;
    job.status = 'running';
    this.event(stored, 'info', 'message', stored.resumed ? `Job resumed at epoch ${stored.epochsReported + 1}.` : 'Job started.');
    this.store.changed();
    const fail = (code: string, message: string, param?: string) => {
      this.later(
        BASE_DURATIONS_MS.epoch,
        () => {
          job.status = 'failed';
          job.finished_at = nowSeconds();
          job.error = param ? { code, message, param } : { code, message };
          this.event(stored, 'error', 'message', `Job failed: ${message}`);
          this.store.changed();
          this.store.dropDeletedContent();
          this.pump();
        },
        job.id,
      );
    };
    if (stored.failOnRun) {
      return fail('internalFailure', 'The job failed due to an internal error (injected with x-emulator-fault: job-fail).');
    }
    let run: TrainingRun;
    try {
      run = this.train(stored);
    } catch (err) {
      if (err instanceof EmulatorHttpError)
        return fail(err.code, err.message, typeof err.extra.param === 'string' ? err.extra.param : undefined);
      return fail('internalFailure', `Training failed: ${(err as Error).message}`);
    }
    job.hyperparameters = { ...run.hyperparameters };
    job.estimated_finish =
      nowSeconds() + Math.ceil(((run.epochEnds.length - stored.epochsReported) * BASE_DURATIONS_MS.epoch) / this.options.speed / 1000);
    if (!stored.resumed) {
      this.event(
        stored,
        'info',
        'message',
        `Training started on ${run.trainedExamples} examples: ${run.epochEnds.length} epochs, ${run.steps.length} steps.`,
      );
    }
    this.scheduleEpochs(stored, run);
  }

  private train(stored: StoredJob): TrainingRun {
    const job = stored.job;
    let training: TrainingExample[];
    let validation: TrainingExample[] | undefined;
    if (stored.trainingContent === undefined) throw trainingDataDeleted(stored);
    try {
      training = parseJsonl(stored.trainingContent);
      validation = stored.validationContent ? parseJsonl(stored.validationContent) : undefined;
    } catch (err) {
      throw new EmulatorHttpError(
        400,
        'jsonlValidationFailed',
        `The training data is not valid JSON Lines: ${(err as Error).message}`,
        {},
        { param: 'training_file' },
      );
    }
    if (training.length < MIN_TRAINING_EXAMPLES) {
      throw new EmulatorHttpError(
        400,
        'jsonlValidationFailed',
        `The training file has ${training.length} examples, but at least ${MIN_TRAINING_EXAMPLES} are required.`,
        {},
        { param: 'training_file' },
      );
    }
    const hyperparameters = resolveHyperparameters(
      {
        n_epochs: job.hyperparameters.n_epochs === -1 ? undefined : job.hyperparameters.n_epochs,
        batch_size: job.hyperparameters.batch_size,
        learning_rate_multiplier: job.hyperparameters.learning_rate_multiplier,
      },
      training.length,
    );
    // The parent's own data is one continuation old, its parent's two, and so on.
    const retention = this.options.continuedTrainingRetention ?? DEFAULT_CONTINUED_TRAINING_RETENTION;
    const priorContents = stored.priorContents ?? [];
    const prior = priorContents.flatMap((content, i) =>
      parseJsonl(content).map((example) => ({ ...example, strength: retention ** (priorContents.length - i) })),
    );
    const run = trainModel({
      training,
      prior,
      validation,
      hyperparameters,
      seed: job.seed,
      outOfScopeThreshold: this.options.outOfScopeThreshold,
    });
    this.models.set(job.id, run.model);
    let counter: TokenCounter;
    try {
      counter = tokenCounter(job.model);
    } catch {
      counter = tokenCounter('o200k_base');
    }
    // The parsed lines keep their `tools` / `functions`: trained tokens include the definitions, as billed.
    const fileTokens = training.reduce((n, e) => n + counter.example(e), 0);
    stored.fileTokens = fileTokens;
    return run;
  }

  private scheduleEpochs(stored: StoredJob, run: TrainingRun): void {
    const job = stored.job;
    const ftName = this.fineTunedName(job);
    const totalSteps = run.steps.length;
    // At most ~100 metrics events per job: enough for a loss curve, not a flood.
    const every = Math.max(1, Math.floor(totalSteps / 100));
    for (let epoch = stored.epochsReported; epoch < run.epochEnds.length; epoch++) {
      this.later(
        (epoch - stored.epochsReported + 1) * BASE_DURATIONS_MS.epoch,
        () => {
          const first = epoch === 0 ? 1 : run.epochEnds[epoch - 1] + 1;
          const last = run.epochEnds[epoch];
          for (const s of run.steps.slice(first - 1, last)) {
            if (s.step % every !== 0 && s.step !== last) continue;
            this.event(stored, 'info', 'metrics', `Step ${s.step}/${totalSteps}: training loss=${s.train_loss.toFixed(4)}`, {
              ...s,
              total_steps: totalSteps,
            });
          }
          const metrics: Record<string, number> = {};
          for (const [k, v] of Object.entries(run.steps[last - 1])) if (typeof v === 'number') metrics[k] = v;
          const checkpoint: CheckpointObject = {
            object: 'fine_tuning.job.checkpoint',
            id: newId('ftchkpt'),
            created_at: nowSeconds(),
            fine_tuned_model_checkpoint: `${ftName}:ckpt-step-${last}`,
            step_number: last,
            fine_tuning_job_id: job.id,
            metrics,
          };
          stored.checkpoints.push(checkpoint);
          stored.epochsReported = epoch + 1;
          this.event(stored, 'info', 'message', `Checkpoint created at step ${last} (epoch ${epoch + 1}).`);
          if (epoch === run.epochEnds.length - 1) this.succeed(stored, run, ftName);
          this.store.changed();
        },
        job.id,
      );
    }
  }

  private succeed(stored: StoredJob, run: TrainingRun, ftName: string): void {
    const job = stored.job;
    const csv = Buffer.from(resultsCsv(run.steps));
    const results: FileObject = {
      object: 'file',
      id: newId('file'),
      created_at: nowSeconds(),
      bytes: csv.length,
      filename: 'results.csv',
      purpose: 'fine-tune-results',
      status: 'processed',
    };
    this.store.files.set(results.id, { file: results, content: csv });
    const fileTokens = stored.fileTokens ?? 0;
    job.status = 'succeeded';
    job.fine_tuned_model = ftName;
    job.result_files = [results.id];
    job.finished_at = nowSeconds();
    job.trained_tokens = fileTokens * run.hyperparameters.n_epochs;
    this.event(stored, 'info', 'message', `Results file: ${results.id}.`);
    this.event(stored, 'info', 'message', `Job succeeded. Fine-tuned model: ${ftName}.`);
    this.store.changed();
    // Its files may have been deleted while it trained: their text goes now that it has ended.
    this.store.dropDeletedContent();
    this.pump();
  }

  /** After a restart with dataDir: running jobs retrain and continue (queued ones wait their turn again, see `pump`). */
  resumeAfterRestart(): void {
    for (const stored of this.store.jobs.values()) {
      if (stored.job.status === 'running') {
        try {
          const run = this.train(stored);
          this.scheduleEpochs(stored, run);
        } catch (err) {
          stored.job.status = 'failed';
          stored.job.error = { code: 'internalFailure', message: (err as Error).message };
        }
      }
    }
    this.store.dropDeletedContent();
  }

  /** A succeeded fine-tuned model (or one of its checkpoints) of this resource, by name. */
  findFineTuned(name: string): StoredJob | undefined {
    const base = name.replace(/:ckpt-step-\d+$/, '');
    for (const stored of this.store.jobs.values()) {
      if (stored.job.status !== 'succeeded') continue;
      if (stored.job.fine_tuned_model === base) return stored;
      if (stored.checkpoints.some((c) => c.id === name || c.fine_tuned_model_checkpoint === name)) return stored;
    }
    return undefined;
  }

  /** The trained model of a succeeded job (trained again from its data after a restart). */
  chatModelFor(stored: StoredJob): FineTunedChatModel {
    let model = this.models.get(stored.job.id);
    if (!model) {
      this.train(stored);
      model = getOrThrow(this.models, stored.job.id, 'trained model of job');
    }
    return model;
  }
}
