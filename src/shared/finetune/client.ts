import { DefaultAzureCredential, getBearerTokenProvider, type TokenCredential } from '@azure/identity';
import { AzureOpenAI, toFile } from 'openai';
import type { FileObject } from 'openai/resources/files';
import type { FineTuningJob, FineTuningJobEvent, JobCreateParams } from 'openai/resources/fine-tuning/jobs/jobs';
import type { FineTuningJobCheckpoint } from 'openai/resources/fine-tuning/jobs/checkpoints';
import { isLoopbackUrl } from '../config/settings';
import { sleep, type BackoffPolicy, backoffDelaySeconds } from './backoff';
import { FileProcessingError, FileProcessingTimeoutError, FineTuneConfigurationError, ResultFileError, toFineTuneError } from './errors';
import { parseResultsCsv, type TrainingResults } from './results';

export type { FileObject, FineTuningJob, FineTuningJobEvent, FineTuningJobCheckpoint };

/** Scope of Azure OpenAI data-plane tokens (Entra ID). */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/**
 * What tuneloop sends as bearer token to its own emulator (TUNELOOP_OPENAI_AUTH=local). Not a
 * secret: the emulator accepts it and Azure rejects it, so a misconfigured production app fails
 * loudly instead of silently using a key.
 */
export const LOCAL_EMULATOR_TOKEN = 'tuneloop-local-emulator';

export interface OpenAIClientOptions {
  /** Credential for keyless access (default: DefaultAzureCredential with AZURE_CLIENT_ID). */
  credential?: TokenCredential;
  /** Retries of the openai client itself for 408/409/429/5xx (honours retry-after up to 60 s). */
  maxRetries?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

/** Where and how to reach Azure OpenAI (built from settings by src/shared/composition/config.ts). */
export interface OpenAIConnection {
  /** TUNELOOP_OPENAI_ENDPOINT; unset fails on first use, so a Function App without it still starts. */
  readonly endpoint?: string;
  readonly apiVersion: string;
  /** default = keyless (Entra ID), apikey = `apiKey`, local = tuneloop's emulator on this machine. */
  readonly auth: 'default' | 'apikey' | 'local';
  readonly apiKey?: string;
  /** User-assigned managed identity for keyless access (AZURE_CLIENT_ID). */
  readonly managedIdentityClientId?: string;
}

/**
 * The `openai` package's AzureOpenAI client. Keyless by default
 * (DefaultAzureCredential + bearer-token provider); an API key only with TUNELOOP_OPENAI_AUTH=apikey;
 * TUNELOOP_OPENAI_AUTH=local for tuneloop's emulator (no Azure login).
 */
export function createOpenAIClient(connection: OpenAIConnection, options: OpenAIClientOptions = {}): AzureOpenAI {
  const endpoint = connection.endpoint;
  if (!endpoint) {
    throw new FineTuneConfigurationError(
      'TUNELOOP_OPENAI_ENDPOINT is not set: set it to the Azure OpenAI endpoint (https://<resource>.openai.azure.com), or run `npm start`, which starts the local emulator and sets it',
    );
  }
  const common = {
    endpoint,
    apiVersion: connection.apiVersion,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 120_000,
  };
  switch (connection.auth) {
    case 'apikey':
      if (!connection.apiKey) {
        throw new FineTuneConfigurationError('TUNELOOP_OPENAI_AUTH=apikey but TUNELOOP_OPENAI_API_KEY is not set');
      }
      return new AzureOpenAI({ ...common, apiKey: connection.apiKey });
    case 'local':
      // Settings refuse a remote endpoint already; checked again here for runtimes built without loadSettings.
      if (!isLoopbackUrl(endpoint)) {
        throw new FineTuneConfigurationError(
          `TUNELOOP_OPENAI_AUTH=local is only for the emulator on this machine, not ${endpoint}; use TUNELOOP_OPENAI_AUTH=default for Azure`,
        );
      }
      return new AzureOpenAI({ ...common, azureADTokenProvider: async () => LOCAL_EMULATOR_TOKEN });
    case 'default': {
      const credential = options.credential ?? new DefaultAzureCredential({ managedIdentityClientId: connection.managedIdentityClientId });
      return new AzureOpenAI({ ...common, azureADTokenProvider: getBearerTokenProvider(credential, COGNITIVE_SERVICES_SCOPE) });
    }
  }
}

/** Where a job stands, whatever spelling of status the service used. */
export type JobPhase = 'in-progress' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Azure: created, pending, running, pausing, paused, resuming, succeeded, failed, cancelled;
 * OpenAI: validating_files, queued, running, …. Anything unknown and non-terminal is in progress.
 */
export function jobPhase(status: string): JobPhase {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    case 'paused':
      return 'paused';
    default:
      return 'in-progress';
  }
}

export interface WaitForFileOptions {
  signal?: AbortSignal;
  /** Give up (FileProcessingTimeoutError) after this long; the caller retries later. */
  maxWaitMs?: number;
  backoff?: BackoffPolicy;
}

export interface CreateJobParams {
  model: string;
  trainingFile: string;
  validationFile?: string;
  hyperparameters?: { n_epochs?: number; batch_size?: number; learning_rate_multiplier?: number };
  suffix?: string;
  seed?: number;
}

/** The fine-tuning operations tuneloop needs, on one AzureOpenAI client, with typed errors. */
export class FineTuningClient {
  private clientInstance?: AzureOpenAI;

  /** `client` may be a factory so that building the port never fails on missing settings. */
  constructor(private readonly client: AzureOpenAI | (() => AzureOpenAI)) {}

  get openai(): AzureOpenAI {
    if (!this.clientInstance) this.clientInstance = typeof this.client === 'function' ? this.client() : this.client;
    return this.clientInstance;
  }

  async uploadFile(fileName: string, content: Buffer, options: { signal?: AbortSignal } = {}): Promise<FileObject> {
    try {
      return await this.openai.files.create({ file: await toFile(content, fileName), purpose: 'fine-tune' }, { signal: options.signal });
    } catch (err) {
      throw toFineTuneError(err, `upload ${fileName}`);
    }
  }

  /** A usable (not failed or deleted) fine-tune file with this name, e.g. left by a crashed attempt. */
  async findFile(fileName: string, options: { signal?: AbortSignal } = {}): Promise<FileObject | undefined> {
    try {
      let found: FileObject | undefined;
      for await (const file of this.openai.files.list({ purpose: 'fine-tune' }, { signal: options.signal })) {
        const { status } = fileProcessingState(file);
        if (file.filename === fileName && status !== 'error' && status !== 'deleted' && status !== 'deleting') {
          if (!found || file.created_at > found.created_at) found = file;
        }
      }
      return found;
    } catch (err) {
      throw toFineTuneError(err, `list files (looking for ${fileName})`);
    }
  }

  async getFile(fileId: string, options: { signal?: AbortSignal } = {}): Promise<FileObject> {
    try {
      return await this.openai.files.retrieve(fileId, { signal: options.signal });
    } catch (err) {
      throw toFineTuneError(err, `get file ${fileId}`);
    }
  }

  /**
   * Polls a file until it is `processed`. `error` or `deleted` → FileProcessingError with the
   * service's status_details; still pending after maxWaitMs → FileProcessingTimeoutError.
   */
  async waitForFile(fileId: string, options: WaitForFileOptions = {}): Promise<FileObject> {
    const backoff = options.backoff ?? { startSeconds: 1, factor: 1.5, capSeconds: 10 };
    const maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const file = await this.getFile(fileId, { signal: options.signal });
      const { status, details } = fileProcessingState(file);
      if (status === 'processed') return file;
      if (status === 'error' || status === 'deleted') {
        throw new FileProcessingError(fileId, file.filename, details ?? (status === 'deleted' ? 'the file was deleted' : undefined));
      }
      const waited = Date.now() - started;
      if (waited >= maxWaitMs) throw new FileProcessingTimeoutError(fileId, waited, status);
      const delayMs = Math.min(backoffDelaySeconds(backoff, attempt) * 1000, Math.max(0, maxWaitMs - waited));
      await sleep(delayMs, options.signal);
    }
  }

  async createJob(params: CreateJobParams, options: { signal?: AbortSignal } = {}): Promise<FineTuningJob> {
    const body: JobCreateParams = { model: params.model, training_file: params.trainingFile };
    if (params.validationFile) body.validation_file = params.validationFile;
    const hp = params.hyperparameters;
    if (hp && (Object.values(hp) as unknown[]).some((v) => v !== undefined)) {
      /* eslint-disable @typescript-eslint/no-deprecated -- openai's typings prefer `method.supervised.hyperparameters`,
         but tuneloop sends the top-level spelling the Azure OpenAI fine-tuning API and the emulator accept;
         moving to `method` is a change of the request, to be made with the api-version it is verified against. */
      body.hyperparameters = {};
      if (hp.n_epochs !== undefined) body.hyperparameters.n_epochs = hp.n_epochs;
      if (hp.batch_size !== undefined) body.hyperparameters.batch_size = hp.batch_size;
      if (hp.learning_rate_multiplier !== undefined) body.hyperparameters.learning_rate_multiplier = hp.learning_rate_multiplier;
      /* eslint-enable @typescript-eslint/no-deprecated */
    }
    if (params.suffix) body.suffix = params.suffix;
    if (params.seed !== undefined) body.seed = params.seed;
    try {
      // No client retries here: a retried POST whose first attempt reached the service would
      // create a second job. The job loop reconciles by training file instead.
      return await this.openai.fineTuning.jobs.create(body, { signal: options.signal, maxRetries: 0 });
    } catch (err) {
      throw toFineTuneError(err, `create fine-tuning job on ${params.trainingFile}`);
    }
  }

  async getJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<FineTuningJob> {
    try {
      return await this.openai.fineTuning.jobs.retrieve(jobId, { signal: options.signal });
    } catch (err) {
      throw toFineTuneError(err, `get fine-tuning job ${jobId}`);
    }
  }

  /** Every job, following `after`/`has_more` pages. */
  async *listJobs(options: { signal?: AbortSignal; pageSize?: number } = {}): AsyncIterable<FineTuningJob> {
    try {
      for await (const job of this.openai.fineTuning.jobs.list({ limit: options.pageSize ?? 20 }, { signal: options.signal })) {
        yield job;
      }
    } catch (err) {
      throw toFineTuneError(err, 'list fine-tuning jobs');
    }
  }

  /**
   * The job created on this training file, if any. File ids are unique per upload, so this finds
   * the job of an attempt that crashed after creating it but before recording its id.
   */
  async findJobByTrainingFile(trainingFileId: string, options: { signal?: AbortSignal } = {}): Promise<FineTuningJob | undefined> {
    for await (const job of this.listJobs(options)) {
      if (job.training_file === trainingFileId) return job;
    }
    return undefined;
  }

  async listEvents(jobId: string, options: { signal?: AbortSignal; limit?: number } = {}): Promise<FineTuningJobEvent[]> {
    try {
      const events: FineTuningJobEvent[] = [];
      for await (const e of this.openai.fineTuning.jobs.listEvents(jobId, { limit: options.limit ?? 100 }, { signal: options.signal })) {
        events.push(e);
      }
      // The order is not specified (Azure oldest-first, OpenAI newest-first): sort.
      return events.sort((a, b) => a.created_at - b.created_at);
    } catch (err) {
      throw toFineTuneError(err, `list events of job ${jobId}`);
    }
  }

  async listCheckpoints(jobId: string, options: { signal?: AbortSignal } = {}): Promise<FineTuningJobCheckpoint[]> {
    try {
      const out: FineTuningJobCheckpoint[] = [];
      for await (const c of this.openai.fineTuning.jobs.checkpoints.list(jobId, { limit: 10 }, { signal: options.signal })) out.push(c);
      return out.sort((a, b) => a.step_number - b.step_number);
    } catch (err) {
      throw toFineTuneError(err, `list checkpoints of job ${jobId}`);
    }
  }

  async downloadFile(fileId: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    try {
      const response = await this.openai.files.content(fileId, { signal: options.signal });
      return Buffer.from(await response.arrayBuffer());
    } catch (err) {
      throw toFineTuneError(err, `download file ${fileId}`);
    }
  }

  /** The job's results.csv (first result file), parsed; undefined when the job has none. */
  async downloadResults(
    job: Pick<FineTuningJob, 'id' | 'result_files'>,
    options: { signal?: AbortSignal } = {},
  ): Promise<TrainingResults | undefined> {
    // A partial job object (tests, older service answers) may come without the list.
    const fileId = (job.result_files as string[] | undefined)?.at(0);
    if (!fileId) return undefined;
    const bytes = await this.downloadFile(fileId, options);
    try {
      return parseResultsCsv(bytes.toString('utf8'), `results.csv of ${job.id} (${fileId})`);
    } catch (err) {
      if (err instanceof ResultFileError) throw err;
      throw new ResultFileError(`results.csv of ${job.id} (${fileId}) could not be parsed: ${(err as Error).message}`);
    }
  }

  async cancelJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<FineTuningJob> {
    try {
      return await this.openai.fineTuning.jobs.cancel(jobId, { signal: options.signal });
    } catch (err) {
      throw toFineTuneError(err, `cancel fine-tuning job ${jobId}`);
    }
  }
}

/**
 * A fine-tune file's processing state. Azure OpenAI refuses a training file until its `status` is
 * `processed` and explains a failed import in `status_details`; openai's typings mark both fields
 * deprecated because OpenAI's own service no longer reports them, so they are read in this one place.
 */
function fileProcessingState(file: FileObject): { status: string; details: string | undefined } {
  /* eslint-disable @typescript-eslint/no-deprecated -- Azure still reports these fields (see above) */
  return { status: file.status, details: file.status_details ?? undefined };
  /* eslint-enable @typescript-eslint/no-deprecated */
}
