import { randomBytes } from 'node:crypto';
import { tokenCounter, type TokenCounter } from '../../shared/dataset/tokens';
import { MIN_TRAINING_EXAMPLES } from '../../shared/dataset/modelLimits';
import { validateFile } from '../../shared/dataset/validate';
import { EmulatorHttpError, badRequest, notFound } from './errors';
import { baseModelReply, type ChatReply, type FineTunedChatModel, type TrainingExample } from './model/chatModel';
import { hash32 } from './model/text';
import { resolveHyperparameters, resultsCsv, trainModel, type RequestedHyperparameters, type TrainingRun } from './model/training';
import {
  EmulatorStore,
  newId,
  nowSeconds,
  type ArmDeployment,
  type CheckpointObject,
  type EventObject,
  type FileObject,
  type JobObject,
  type StoredDeployment,
  type StoredJob,
} from './state';

/** Base models the emulated resource can fine-tune and deploy (Azure names: dashes and a version). */
export const BASE_MODELS = [
  'gpt-4o-mini-2024-07-18',
  'gpt-4o-2024-08-06',
  'gpt-4.1-2025-04-14',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano-2025-04-14',
  'gpt-35-turbo-0125',
  'gpt-35-turbo-1106',
  'o4-mini-2025-04-16',
] as const;

/** Durations of the emulated service at speed 1, in milliseconds (divided by `speed`). */
export const BASE_DURATIONS_MS = {
  fileProcessing: 1000,
  jobQueued: 2000,
  epoch: 1500,
  deployment: 1500,
} as const;

export interface ServiceOptions {
  speed: number;
  quota: { running: number; queued: number };
  maxFineTunedDeployments: number;
  outOfScopeThreshold?: number;
  /**
   * Forgetting in continued fine-tuning: each continuation multiplies how strongly the model
   * remembers what its ancestors were trained on by this factor (default 0.5), unless the new
   * training file contains it again (replay). Two continuations without replay leave a quarter.
   */
  continuedTrainingRetention?: number;
  dataDir?: string;
  /** Extra latency of a chat completion (ms, before `speed` — latency is not scaled). */
  latencyMs?: (target: { deployment: string; model: string; fineTuned: boolean }) => number;
  /** Content filter verdicts to return instead of "safe" (see ContentFilterRule). */
  contentFilter?: readonly ContentFilterRule[];
}

export type ContentFilterCategory = 'hate' | 'self_harm' | 'sexual' | 'violence';

/**
 * Makes the emulated content filter flag text, as Azure's would: a completion (or the last user
 * message, `on: 'prompt'`) matching `pattern`, on `deployment` when given, gets `severity` in
 * `category`. With `filtered: true` a completion is withheld (`finish_reason: "content_filter"`,
 * empty content) and a prompt is refused with Azure's 400 `content_filter` error; otherwise the
 * text is only annotated (`filtered: false`).
 */
export interface ContentFilterRule {
  pattern: RegExp | string;
  category: ContentFilterCategory;
  on?: 'completion' | 'prompt';
  severity?: 'low' | 'medium' | 'high';
  filtered?: boolean;
  /** Only on this deployment (exact name, case-insensitive, or a pattern). */
  deployment?: string | RegExp;
}

export interface ListQuery {
  after?: string;
  limit?: number;
}

export interface ChatCompletionResult {
  body: Record<string, unknown>;
  reply: ChatReply;
  latencyMs: number;
  deployment: StoredDeployment;
}

const SUFFIX = /^[A-Za-z0-9_-]{1,40}$/;
export const DEFAULT_CONTINUED_TRAINING_RETENTION = 0.5;
const FILE_PURPOSES = new Set(['fine-tune', 'assistants', 'assistants_output', 'batch', 'batch_output', 'evals', 'evals_output']);
const TERMINAL_JOB = new Set(['succeeded', 'failed', 'cancelled']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cursor page over items already in list order: items after `after`, at most `limit`. */
function page<T extends { id: string }>(items: T[], query: ListQuery, defaultLimit: number): { object: 'list'; data: T[]; has_more: boolean } {
  let start = 0;
  if (query.after) {
    const at = items.findIndex((i) => i.id === query.after);
    start = at >= 0 ? at + 1 : items.length;
  }
  const limit = query.limit ?? defaultLimit;
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length };
}

function parseJsonl(content: string): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const line of content.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const value = JSON.parse(line) as { messages?: unknown };
    if (Array.isArray(value.messages)) examples.push({ messages: value.messages as TrainingExample['messages'] });
  }
  return examples;
}

const filterResult = { filtered: false, severity: 'safe' };
const contentFilterResults = () => ({ hate: filterResult, self_harm: filterResult, sexual: filterResult, violence: filterResult });

/** The four categories' results for `text`: "safe" unless a rule matches. */
function filterVerdict(
  rules: readonly ContentFilterRule[] | undefined,
  on: 'completion' | 'prompt',
  deploymentName: string,
  text: string,
): { results: Record<ContentFilterCategory, { filtered: boolean; severity: string }>; filtered: boolean } {
  const results: Record<ContentFilterCategory, { filtered: boolean; severity: string }> = { ...contentFilterResults() };
  let filtered = false;
  for (const rule of rules ?? []) {
    if ((rule.on ?? 'completion') !== on) continue;
    if (typeof rule.deployment === 'string' && rule.deployment.toLowerCase() !== deploymentName.toLowerCase()) continue;
    if (rule.deployment instanceof RegExp && !rule.deployment.test(deploymentName)) continue;
    const matches = typeof rule.pattern === 'string' ? text.includes(rule.pattern) : new RegExp(rule.pattern.source, rule.pattern.flags.replace('g', '')).test(text);
    if (!matches) continue;
    results[rule.category] = { filtered: rule.filtered === true, severity: rule.severity ?? (rule.filtered ? 'medium' : 'low') };
    filtered ||= rule.filtered === true;
  }
  return { results, filtered };
}

/**
 * The emulated Azure OpenAI resource without HTTP: files, fine-tuning jobs, models, ARM
 * deployments and chat completions, with time moving at `speed`.
 */
export class EmulatorService {
  readonly store: EmulatorStore;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly jobTimers = new Map<string, Set<NodeJS.Timeout>>();
  private readonly readyAt = new Map<string, number>();
  private readonly models = new Map<string, FineTunedChatModel>();
  private closed = false;

  constructor(private readonly options: ServiceOptions) {
    this.store = new EmulatorStore(options.dataDir);
    this.resumeAfterRestart();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.jobTimers.clear();
    this.store.close();
  }

  private later(ms: number, fn: () => void, jobId?: string): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (jobId) this.jobTimers.get(jobId)?.delete(timer);
      if (!this.closed) fn();
    }, Math.max(0, ms / this.options.speed));
    this.timers.add(timer);
    if (jobId) {
      let set = this.jobTimers.get(jobId);
      if (!set) this.jobTimers.set(jobId, (set = new Set()));
      set.add(timer);
    }
  }

  private clearJobTimers(jobId: string): void {
    for (const t of this.jobTimers.get(jobId) ?? []) {
      clearTimeout(t);
      this.timers.delete(t);
    }
    this.jobTimers.delete(jobId);
  }

  // ---------------------------------------------------------------- files

  uploadFile(purpose: string, filename: string, content: Buffer, expiresAfterSeconds?: number): FileObject {
    if (purpose === 'fine-tune-results') {
      throw badRequest("Files with purpose 'fine-tune-results' are created by the service and cannot be uploaded.", 'purpose');
    }
    if (!FILE_PURPOSES.has(purpose)) {
      throw badRequest(`Invalid value '${purpose}' for 'purpose'. Expected one of: ${[...FILE_PURPOSES].join(', ')}.`, 'purpose');
    }
    if (!filename) throw badRequest("The file part of the form needs a file name (multipart 'filename').", 'file');
    if (expiresAfterSeconds !== undefined && (!Number.isInteger(expiresAfterSeconds) || expiresAfterSeconds < 1209600 || expiresAfterSeconds > 2592000)) {
      throw badRequest("'expires_after.seconds' must be an integer from 1209600 (14 days) to 2592000 (30 days).", 'expires_after');
    }
    const created = nowSeconds();
    const file: FileObject = {
      object: 'file',
      id: newId('file'),
      created_at: created,
      bytes: content.length,
      filename,
      purpose,
      status: 'pending',
    };
    if (expiresAfterSeconds !== undefined) file.expires_at = created + expiresAfterSeconds;
    this.store.files.set(file.id, { file, content });
    this.store.changed();
    this.later(BASE_DURATIONS_MS.fileProcessing, () => void this.processFile(file.id));
    return { ...file };
  }

  /** Validates a fine-tune file line by line with the dataset's rules (the same checks tuneloop applies before upload). */
  private async processFile(id: string): Promise<void> {
    const entry = this.store.files.get(id);
    if (!entry || entry.file.status !== 'pending') return;
    if (entry.file.purpose === 'fine-tune') {
      const details = await this.validateTrainingContent(entry.content);
      if (details) {
        entry.file.status = 'error';
        entry.file.status_details = details;
      } else entry.file.status = 'processed';
    } else entry.file.status = 'processed';
    this.store.changed();
  }

  private async validateTrainingContent(content: Buffer): Promise<string | undefined> {
    if (content.length === 0) return 'The file is empty. A fine-tuning file needs at least one JSON line {"messages":[...]}.';
    let result;
    try {
      result = await validateFile(
        (async function* () {
          yield content;
        })(),
        { model: 'gpt-4o-mini', requireMinExamples: false },
      );
    } catch (err) {
      return `The file could not be read as UTF-8 JSON Lines: ${(err as Error).message}`;
    }
    if (result.issues.length === 0) return undefined;
    const shown = result.issues.slice(0, 5).map((i) => (i.line > 0 ? `line ${i.line}: ${i.reason}` : i.reason));
    const more = result.issues.length > shown.length ? ` (and ${result.issues.length - shown.length} more)` : '';
    return `The file failed validation: ${shown.join('; ')}${more}.`;
  }

  listFiles(query: { purpose?: string; order?: string } & ListQuery): { object: 'list'; data: FileObject[]; has_more: boolean } {
    if (query.order && query.order !== 'asc' && query.order !== 'desc') throw badRequest(`Invalid value '${query.order}' for 'order'. Expected 'asc' or 'desc'.`, 'order');
    if (query.limit !== undefined && (query.limit < 1 || query.limit > 10000)) throw badRequest("'limit' must be between 1 and 10000.", 'limit');
    const files = [...this.store.files.values()]
      .map((f) => ({ ...f.file }))
      .filter((f) => !query.purpose || f.purpose === query.purpose);
    if (query.order !== 'asc') files.reverse();
    return page(files, query, 10000);
  }

  getFile(id: string): FileObject {
    const entry = this.store.files.get(id);
    if (!entry) throw notFound(`File with id '${id}' not found.`);
    return { ...entry.file };
  }

  fileContent(id: string): Buffer {
    const entry = this.store.files.get(id);
    if (!entry) throw notFound(`File with id '${id}' not found.`);
    return entry.content;
  }

  deleteFile(id: string): { object: 'file'; id: string; deleted: true } {
    if (!this.store.files.delete(id)) throw notFound(`File with id '${id}' not found.`);
    this.store.changed();
    return { object: 'file', id, deleted: true };
  }

  // ---------------------------------------------------------------- jobs

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
      body.validation_file === undefined || body.validation_file === null ? undefined : this.requireFineTuneFile(body.validation_file, 'validation_file');
    let suffix: string | undefined;
    if (body.suffix !== undefined && body.suffix !== null) {
      if (typeof body.suffix !== 'string' || !SUFFIX.test(body.suffix)) {
        throw badRequest("'suffix' must be 1 to 40 characters of a-z, A-Z, 0-9, '-' and '_'.", 'suffix');
      }
      suffix = body.suffix;
    }
    const requested = this.checkHyperparameters(body.hyperparameters);
    if (body.seed !== undefined && body.seed !== null && (!Number.isInteger(body.seed) || (body.seed as number) < 0 || (body.seed as number) > 2147483647)) {
      throw badRequest("'seed' must be an integer between 0 and 2147483647.", 'seed');
    }
    if (body.method !== undefined && body.method !== null) {
      const type = isObject(body.method) ? body.method.type : undefined;
      if (type !== 'supervised') throw badRequest(`Fine-tuning method '${String(type)}' is not supported by the tuneloop emulator (only 'supervised').`, 'method');
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
      stored.priorContents = [...(parent.priorContents ?? []), parent.trainingContent];
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
    if (entry.file.purpose !== 'fine-tune') throw badRequest(`The file '${value}' has purpose '${entry.file.purpose}'; fine-tuning needs purpose 'fine-tune'.`, param);
    if (entry.file.status === 'error') {
      throw new EmulatorHttpError(400, 'jsonlValidationFailed', `The ${param.replace('_', ' ')} '${value}' failed validation: ${entry.file.status_details ?? ''}`, {}, { param });
    }
    if (entry.file.status !== 'processed') {
      throw badRequest(`The ${param.replace('_', ' ')} '${value}' is not ready yet (status '${entry.file.status}'); wait until it is 'processed'.`, param);
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
      if (typeof v !== 'number' || !ok(v)) throw badRequest(`'hyperparameters.${key}' ${rule} (got ${JSON.stringify(v)}).`, `hyperparameters.${key}`);
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

  private event(stored: StoredJob, level: EventObject['level'], type: EventObject['type'], message: string, data?: Record<string, unknown>): void {
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
    this.clearJobTimers(id);
    stored.job.status = 'cancelled';
    stored.job.finished_at = nowSeconds();
    this.event(stored, 'info', 'message', 'Job cancelled.');
    this.store.changed();
    this.later(0, () => this.pump());
    return this.jobView(stored);
  }

  /** Preview api-versions: stops a running job where it is; its finished epochs stay as checkpoints. */
  pauseJob(id: string): JobObject {
    const stored = this.requireJob(id);
    if (stored.job.status !== 'running') {
      throw new EmulatorHttpError(400, 'unexpectedEntityState', `Only a running job can be paused; the job '${id}' is ${stored.job.status}.`);
    }
    this.clearJobTimers(id);
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
      throw new EmulatorHttpError(400, 'unexpectedEntityState', `Only a paused job can be resumed; the job '${id}' is ${stored.job.status}.`);
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
  private pump(): void {
    if (this.closed) return;
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
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.pump();
      }, Math.max(1, due - now + 1));
      this.timers.add(timer);
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
      if (err instanceof EmulatorHttpError) return fail(err.code, err.message, typeof err.extra.param === 'string' ? err.extra.param : undefined);
      return fail('internalFailure', `Training failed: ${(err as Error).message}`);
    }
    job.hyperparameters = { ...run.hyperparameters };
    job.estimated_finish = nowSeconds() + Math.ceil(((run.epochEnds.length - stored.epochsReported) * BASE_DURATIONS_MS.epoch) / this.options.speed / 1000);
    if (!stored.resumed) {
      this.event(stored, 'info', 'message', `Training started on ${run.trainedExamples} examples: ${run.epochEnds.length} epochs, ${run.steps.length} steps.`);
    }
    this.scheduleEpochs(stored, run);
  }

  private train(stored: StoredJob): TrainingRun {
    const job = stored.job;
    let training: TrainingExample[];
    let validation: TrainingExample[] | undefined;
    try {
      training = parseJsonl(stored.trainingContent);
      validation = stored.validationContent ? parseJsonl(stored.validationContent) : undefined;
    } catch (err) {
      throw new EmulatorHttpError(400, 'jsonlValidationFailed', `The training data is not valid JSON Lines: ${(err as Error).message}`, {}, { param: 'training_file' });
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
    const fileTokens = training.reduce((n, e) => n + counter.messages(e.messages), 0);
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
    this.pump();
  }

  /** After a restart with dataDir: queued jobs wait their turn again, running ones retrain and continue. */
  private resumeAfterRestart(): void {
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
    for (const { file } of this.store.files.values()) {
      if (file.status === 'pending') this.later(BASE_DURATIONS_MS.fileProcessing, () => void this.processFile(file.id));
    }
    for (const [key, d] of this.store.deployments) {
      if (d.resource.properties.provisioningState !== 'Succeeded') this.provision(key, d);
    }
    this.later(0, () => this.pump());
  }

  // ---------------------------------------------------------------- models

  private findFineTuned(name: string): StoredJob | undefined {
    const base = name.replace(/:ckpt-step-\d+$/, '');
    for (const stored of this.store.jobs.values()) {
      if (stored.job.status !== 'succeeded') continue;
      if (stored.job.fine_tuned_model === base) return stored;
      if (stored.checkpoints.some((c) => c.id === name || c.fine_tuned_model_checkpoint === name)) return stored;
    }
    return undefined;
  }

  private modelObject(id: string): Record<string, unknown> {
    const stored = this.findFineTuned(id);
    const capabilities = (fineTune: boolean) => ({ fine_tune: fineTune, inference: true, completion: false, chat_completion: true, embeddings: false });
    if (stored) {
      return {
        object: 'model',
        id,
        created_at: stored.job.finished_at ?? stored.job.created_at,
        status: 'succeeded',
        model: stored.baseModel ?? stored.job.model,
        fine_tune: stored.job.id,
        capabilities: capabilities(false),
        lifecycle_status: 'generally-available',
        deprecation: { inference: (stored.job.finished_at ?? nowSeconds()) + 365 * 24 * 3600 },
      };
    }
    if ((BASE_MODELS as readonly string[]).includes(id)) {
      return {
        object: 'model',
        id,
        created_at: 1720000000,
        status: 'succeeded',
        capabilities: capabilities(true),
        lifecycle_status: 'generally-available',
        deprecation: { fine_tune: 1893456000, inference: 1893456000 },
      };
    }
    throw notFound(`The model '${id}' does not exist.`);
  }

  getModel(id: string): Record<string, unknown> {
    return this.modelObject(id);
  }

  listModels(): { object: 'list'; data: Record<string, unknown>[] } {
    const ids = [
      ...BASE_MODELS,
      ...[...this.store.jobs.values()].filter((j) => j.job.status === 'succeeded').map((j) => j.job.fine_tuned_model as string),
    ];
    return { object: 'list', data: ids.map((id) => this.modelObject(id)) };
  }

  private chatModelFor(stored: StoredJob): FineTunedChatModel {
    let model = this.models.get(stored.job.id);
    if (!model) {
      this.train(stored);
      model = this.models.get(stored.job.id)!;
    }
    return model;
  }

  // ---------------------------------------------------------------- ARM deployments

  /** Creates or updates a deployment; `created` tells 201 from 200. */
  putDeployment(resourceId: string, name: string, body: unknown): { created: boolean; resource: ArmDeployment } {
    const armError = (status: number, code: string, message: string) => new EmulatorHttpError(status, code, message);
    if (!isObject(body)) throw armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    const sku = body.sku;
    const properties = body.properties;
    if (!isObject(sku) || typeof sku.name !== 'string') throw armError(400, 'InvalidResourceProperties', "The deployment needs 'sku.name' (e.g. Standard, GlobalStandard, DeveloperTier).");
    if (sku.capacity !== undefined && (!Number.isInteger(sku.capacity) || (sku.capacity as number) < 1)) {
      throw armError(400, 'InvalidResourceProperties', "'sku.capacity' must be a positive integer.");
    }
    const model = isObject(properties) ? properties.model : undefined;
    if (!isObject(model) || typeof model.name !== 'string' || !model.name) {
      throw armError(400, 'InvalidResourceProperties', "The deployment needs 'properties.model' with 'format', 'name' and 'version'.");
    }
    if (typeof model.format !== 'string' || model.format.toLowerCase() !== 'openai') {
      throw armError(400, 'InvalidResourceProperties', `Model format '${String(model.format)}' is not supported; use 'OpenAI'.`);
    }
    const version = typeof model.version === 'string' ? model.version : undefined;
    const fineTuned = this.findFineTuned(model.name);
    const baseName = (BASE_MODELS as readonly string[]).includes(model.name)
      ? model.name
      : version && (BASE_MODELS as readonly string[]).includes(`${model.name}-${version}`)
        ? `${model.name}-${version}`
        : undefined;
    if (!fineTuned && !baseName) {
      throw armError(
        400,
        'DeploymentModelNotSupported',
        `The model '${model.name}' (version '${version ?? ''}') is not available for deployment: it is neither a succeeded fine-tuned model of this resource nor a supported base model.`,
      );
    }
    const key = name.toLowerCase();
    const existing = this.store.deployments.get(key);
    const fineTunedCount = [...this.store.deployments.entries()].filter(([k, d]) => k !== key && d.fineTuned).length;
    if (fineTuned && fineTunedCount >= this.options.maxFineTunedDeployments) {
      throw armError(
        400,
        'InsufficientQuota',
        `This operation requires 1 new fine-tuned model deployment, which is more than the available 0: the resource already has ${fineTunedCount} fine-tuned model deployments and the quota limit is ${this.options.maxFineTunedDeployments}. Delete a deployment first.`,
      );
    }
    const underlying = fineTuned ? model.name : baseName!;
    const sameModel = existing && existing.model === underlying;
    const resource: ArmDeployment = {
      id: `${resourceId}/deployments/${name}`,
      name,
      type: 'Microsoft.CognitiveServices/accounts/deployments',
      sku: { name: sku.name, ...(sku.capacity !== undefined ? { capacity: sku.capacity as number } : {}) },
      properties: {
        ...(isObject(properties) ? properties : {}),
        model: { format: 'OpenAI', name: model.name, ...(version ? { version } : {}) },
        provisioningState: sameModel && existing.resource.properties.provisioningState === 'Succeeded' ? 'Succeeded' : 'Accepted',
      },
    };
    const stored: StoredDeployment = { resource, model: underlying, fineTuned: Boolean(fineTuned) };
    this.store.deployments.set(key, stored);
    this.store.changed();
    if (resource.properties.provisioningState !== 'Succeeded') this.provision(key, stored);
    return { created: !existing, resource: JSON.parse(JSON.stringify(resource)) as ArmDeployment };
  }

  /** Accepted → Creating → Succeeded over the emulated deployment time, unless replaced or deleted meanwhile. */
  private provision(key: string, stored: StoredDeployment): void {
    const state = stored.resource.properties;
    this.later(BASE_DURATIONS_MS.deployment / 2, () => {
      if (this.store.deployments.get(key) !== stored) return;
      state.provisioningState = 'Creating';
      this.later(BASE_DURATIONS_MS.deployment / 2, () => {
        if (this.store.deployments.get(key) !== stored) return;
        state.provisioningState = 'Succeeded';
        this.store.changed();
      });
    });
  }

  getDeployment(name: string): ArmDeployment {
    const d = this.store.deployments.get(name.toLowerCase());
    if (!d) throw new EmulatorHttpError(404, 'DeploymentNotFound', `The deployment '${name}' does not exist.`);
    return JSON.parse(JSON.stringify(d.resource)) as ArmDeployment;
  }

  deleteDeployment(name: string): boolean {
    const existed = this.store.deployments.delete(name.toLowerCase());
    if (existed) this.store.changed();
    return existed;
  }

  listDeployments(): ArmDeployment[] {
    return [...this.store.deployments.values()].map((d) => JSON.parse(JSON.stringify(d.resource)) as ArmDeployment);
  }

  // ---------------------------------------------------------------- chat completions

  chatCompletion(deploymentName: string, body: unknown): ChatCompletionResult {
    const deployment = this.store.deployments.get(deploymentName.toLowerCase());
    if (!deployment || deployment.resource.properties.provisioningState !== 'Succeeded') {
      throw new EmulatorHttpError(
        404,
        'DeploymentNotFound',
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      );
    }
    const invalid = (message: string, param: string | null) =>
      new EmulatorHttpError(400, 'invalid_request_error', message, {}, { type: 'invalid_request_error', param, code: null });
    if (!isObject(body)) throw invalid('The request body must be a JSON object.', null);
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw invalid("'messages' must be a non-empty array.", 'messages');
    messages.forEach((m, i) => {
      if (!isObject(m) || typeof m.role !== 'string' || !['system', 'user', 'assistant', 'tool', 'developer', 'function'].includes(m.role)) {
        throw invalid(`'messages[${i}]' needs a 'role' of system, developer, user, assistant or tool.`, `messages[${i}]`);
      }
    });
    if (body.stream === true) throw invalid("Streaming ('stream': true) is not supported by the tuneloop emulator.", 'stream');
    const maxTokensRaw = body.max_completion_tokens ?? body.max_tokens;
    if (maxTokensRaw !== undefined && maxTokensRaw !== null && (!Number.isInteger(maxTokensRaw) || (maxTokensRaw as number) < 1)) {
      throw invalid("'max_tokens' must be a positive integer.", 'max_tokens');
    }
    const n = body.n ?? 1;
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 128) throw invalid("'n' must be an integer from 1 to 128.", 'n');
    const chatMessages = messages as TrainingExample['messages'];
    const lastUser = [...chatMessages].reverse().find((m) => m.role === 'user');
    const promptFilter = filterVerdict(this.options.contentFilter, 'prompt', deploymentName, typeof lastUser?.content === 'string' ? lastUser.content : '');
    if (promptFilter.filtered) {
      throw new EmulatorHttpError(
        400,
        'content_filter',
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        {},
        { param: 'prompt', type: null, status: 400, innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: promptFilter.results } },
      );
    }
    let reply: ChatReply;
    let modelName = deployment.model;
    if (deployment.fineTuned) {
      const stored = this.findFineTuned(deployment.model);
      if (!stored) {
        throw new EmulatorHttpError(404, 'DeploymentNotFound', `The model '${deployment.model}' of deployment '${deploymentName}' no longer exists.`);
      }
      modelName = stored.job.fine_tuned_model as string;
      reply = this.chatModelFor(stored).reply(chatMessages);
    } else reply = baseModelReply(chatMessages);

    let counter: TokenCounter;
    try {
      counter = tokenCounter(modelName.replace(/\.ft-.*$/, ''));
    } catch {
      counter = tokenCounter('o200k_base');
    }
    let content = reply.content;
    let finishReason = 'stop';
    const maxTokens = typeof maxTokensRaw === 'number' ? maxTokensRaw : undefined;
    if (maxTokens !== undefined && counter.text(content) > maxTokens) {
      // Cut at a word boundary below the limit: what a model does when it runs out of tokens.
      const words = content.split(/(\s+)/);
      let cut = '';
      for (const w of words) {
        if (counter.text(cut + w) > maxTokens) break;
        cut += w;
      }
      content = cut.trimEnd();
      finishReason = 'length';
    }
    const completionFilter = filterVerdict(this.options.contentFilter, 'completion', deploymentName, content);
    if (completionFilter.filtered) {
      content = '';
      finishReason = 'content_filter';
    }
    const promptTokens = counter.messages(chatMessages);
    const completionTokens = counter.text(content);
    const latencyMs = this.options.latencyMs?.({ deployment: deploymentName, model: modelName, fineTuned: deployment.fineTuned }) ?? 0;
    return {
      reply,
      latencyMs,
      deployment,
      body: {
        id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
        object: 'chat.completion',
        created: nowSeconds(),
        model: modelName,
        system_fingerprint: 'fp_tuneloop_emulator',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: promptFilter.results }],
        // The model is deterministic: n choices are n copies of the one answer.
        choices: Array.from({ length: n as number }, (_, index) => ({
          index,
          finish_reason: finishReason,
          logprobs: null,
          message: { role: 'assistant', content, refusal: null },
          content_filter_results: completionFilter.results,
        })),
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens * (n as number),
          total_tokens: promptTokens + completionTokens * (n as number),
        },
      },
    };
  }
}
