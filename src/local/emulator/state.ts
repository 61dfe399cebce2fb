import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Wire shapes (Azure OpenAI authoring 2024-10-21 / 2025-04-01-preview, ARM 2024-10-01). */
export type FileStatus = 'pending' | 'running' | 'processed' | 'error' | 'deleted';

export interface FileObject {
  object: 'file';
  id: string;
  created_at: number;
  bytes: number | null;
  filename: string;
  purpose: string;
  status: FileStatus;
  status_details?: string;
  expires_at?: number;
}

export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'paused';

export interface JobObject {
  object: 'fine_tuning.job';
  id: string;
  created_at: number;
  status: JobStatus;
  model: string;
  fine_tuned_model?: string | null;
  training_file: string;
  validation_file?: string | null;
  result_files?: string[];
  finished_at?: number | null;
  trained_tokens?: number | null;
  error?: { code: string; message: string; param?: string | null } | null;
  estimated_finish?: number | null;
  hyperparameters: { n_epochs: number; batch_size?: number; learning_rate_multiplier?: number };
  suffix?: string | null;
  seed: number;
}

export interface EventObject {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warning' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data?: Record<string, unknown>;
}

export interface CheckpointObject {
  object: 'fine_tuning.job.checkpoint';
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  step_number: number;
  fine_tuning_job_id: string;
  metrics: Record<string, number>;
}

export interface ArmDeployment {
  id: string;
  name: string;
  type: 'Microsoft.CognitiveServices/accounts/deployments';
  sku: { name: string; capacity?: number };
  properties: {
    model: { format: string; name: string; version?: string };
    provisioningState: 'Accepted' | 'Creating' | 'Succeeded' | 'Deleting' | 'Failed';
    [key: string]: unknown;
  };
  systemData?: Record<string, unknown>;
}

export interface StoredJob {
  job: JobObject;
  events: EventObject[];
  checkpoints: CheckpointObject[];
  /** Injected by `x-emulator-fault: job-fail` on create. */
  failOnRun: boolean;
  /**
   * Training data kept with the job while it may still train (a restart retrains a running job,
   * a paused one resumes). Dropped once the job has ended and its file is deleted (see
   * `dropDeletedContent`): an erasure deletes the file and must not leave the text in state.json.
   */
  trainingContent?: string;
  validationContent?: string;
  /** Epochs already reported (events and checkpoints written). */
  epochsReported: number;
  /** Tokens of the training file as the service bills them (trained_tokens = this × epochs). */
  fileTokens?: number;
  /** Set once a paused job was resumed: it continues after `epochsReported`. */
  resumed?: boolean;
  /** Continuous fine-tuning: the base model at the root of the chain (job.model is the parent fine-tuned model). */
  baseModel?: string;
  /** Continuous fine-tuning: the training data of every ancestor, oldest first (what the parent already learned). */
  priorContents?: string[];
  /** The training file each of `priorContents` came from, so deleting that file drops its copy here too. */
  priorTrainingFiles?: string[];
}

const ENDED_JOB = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Drops the copies of deleted files' text that ended jobs keep. A job that can still train keeps
 * its copy until it ends (like `tuneloop forget`, which deletes a job's uploads only once it has
 * ended); a prior content becomes '' rather than going away so the later ones keep their place.
 */
function dropDeletedJobContent(stored: StoredJob, exists: (id: string) => boolean): boolean {
  if (!ENDED_JOB.has(stored.job.status)) return false;
  let dropped = false;
  if (stored.trainingContent !== undefined && !exists(stored.job.training_file)) {
    delete stored.trainingContent;
    dropped = true;
  }
  if (stored.validationContent !== undefined && !(stored.job.validation_file && exists(stored.job.validation_file))) {
    delete stored.validationContent;
    dropped = true;
  }
  const priorFiles = stored.priorTrainingFiles ?? [];
  const prior = stored.priorContents ?? [];
  prior.forEach((content, i) => {
    // Without a recorded file id (state saved before ids were kept) the copy cannot be traced: it goes.
    if (content !== '' && !(priorFiles[i] && exists(priorFiles[i]))) {
      prior[i] = '';
      dropped = true;
    }
  });
  return dropped;
}

export interface StoredDeployment {
  resource: ArmDeployment;
  /** Underlying model: a fine-tuned model id or a base model name. */
  model: string;
  fineTuned: boolean;
}

interface Snapshot {
  files: FileObject[];
  jobs: StoredJob[];
  deployments: StoredDeployment[];
}

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString('hex')}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Everything the emulated resource holds. In memory by default; with `dataDir` it is written to
 * `<dataDir>/state.json` (metadata) and `<dataDir>/files/<id>` (contents) after every change, so a
 * restarted emulator keeps its files, jobs, models and deployments.
 */
export class EmulatorStore {
  readonly files = new Map<string, { file: FileObject; content: Buffer }>();
  readonly jobs = new Map<string, StoredJob>();
  readonly deployments = new Map<string, StoredDeployment>();
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly dataDir?: string) {
    if (dataDir) this.load(dataDir);
  }

  /** Writes what is pending and stops writing: work still finishing after close must not touch dataDir. */
  close(): void {
    this.saveNow();
    this.closed = true;
  }

  /** After a file is deleted or a job has ended: no ended job keeps the text of a deleted file. */
  dropDeletedContent(): void {
    const exists = (id: string) => this.files.has(id);
    let dropped = false;
    for (const stored of this.jobs.values()) if (dropDeletedJobContent(stored, exists)) dropped = true;
    if (dropped) this.changed();
  }

  changed(): void {
    if (!this.dataDir || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 50);
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.dataDir || this.closed) return;
    const filesDir = path.join(this.dataDir, 'files');
    fs.mkdirSync(filesDir, { recursive: true });
    for (const { file, content } of this.files.values()) {
      const target = path.join(filesDir, file.id);
      if (!fs.existsSync(target)) fs.writeFileSync(target, content);
    }
    for (const name of fs.readdirSync(filesDir)) if (!this.files.has(name)) fs.rmSync(path.join(filesDir, name), { force: true });
    const snapshot: Snapshot = {
      files: [...this.files.values()].map((f) => f.file),
      jobs: [...this.jobs.values()],
      deployments: [...this.deployments.values()],
    };
    const tmp = path.join(this.dataDir, 'state.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify(snapshot));
    fs.renameSync(tmp, path.join(this.dataDir, 'state.json'));
  }

  private load(dataDir: string): void {
    const statePath = path.join(dataDir, 'state.json');
    if (!fs.existsSync(statePath)) return;
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(fs.readFileSync(statePath, 'utf8')) as Snapshot;
    } catch (err) {
      throw new Error(
        `the emulator's saved state ${statePath} is not valid JSON (${(err as Error).message}); move the folder away or start without dataDir`,
      );
    }
    for (const file of snapshot.files) {
      const contentPath = path.join(dataDir, 'files', file.id);
      this.files.set(file.id, { file, content: fs.existsSync(contentPath) ? fs.readFileSync(contentPath) : Buffer.alloc(0) });
    }
    for (const job of snapshot.jobs) this.jobs.set(job.job.id, job);
    for (const d of snapshot.deployments) this.deployments.set(d.resource.name.toLowerCase(), d);
    // State saved by an emulator that kept every copy: it is cleaned on the first save.
    this.dropDeletedContent();
  }
}
