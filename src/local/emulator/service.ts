import { EmulatorStore, type ArmDeployment, type CheckpointObject, type EventObject, type FileObject, type JobObject } from './state';
import { ChatResource } from './resources/chat';
import { DeploymentsResource } from './resources/deployments';
import { FilesResource } from './resources/files';
import { JobsResource } from './resources/jobs';
import { ModelsResource } from './resources/models';
import { EmulatorClock, type ChatCompletionResult, type EmulatorContext, type ListQuery, type ServiceOptions } from './resources/shared';

export {
  BASE_DURATIONS_MS,
  BASE_MODELS,
  DEFAULT_CONTINUED_TRAINING_RETENTION,
  type ChatCompletionResult,
  type ContentFilterCategory,
  type ContentFilterRule,
  type ListQuery,
  type ServiceOptions,
} from './resources/shared';

/**
 * The emulated Azure OpenAI resource without HTTP, with time moving at `speed`. One module per
 * resource in `resources/`: files, fine-tuning jobs (and training), models, ARM deployments and
 * chat completions; this class holds their shared state and clock and is what the HTTP server calls.
 */
export class EmulatorService {
  readonly store: EmulatorStore;
  private readonly clock: EmulatorClock;
  private readonly files: FilesResource;
  private readonly jobs: JobsResource;
  private readonly models: ModelsResource;
  private readonly deployments: DeploymentsResource;
  private readonly chat: ChatResource;

  constructor(options: ServiceOptions) {
    this.store = new EmulatorStore(options.dataDir);
    this.clock = new EmulatorClock(options.speed);
    const context: EmulatorContext = { store: this.store, options, clock: this.clock };
    this.files = new FilesResource(context);
    this.jobs = new JobsResource(context);
    this.models = new ModelsResource(this.store, this.jobs);
    this.deployments = new DeploymentsResource(context, this.jobs);
    this.chat = new ChatResource(context, this.jobs);
    this.resumeAfterRestart();
  }

  close(): void {
    this.clock.close();
    this.store.close();
  }

  /** After a restart with dataDir: queued jobs wait their turn again, running ones retrain and continue. */
  private resumeAfterRestart(): void {
    this.jobs.resumeAfterRestart();
    this.files.resumeAfterRestart();
    this.deployments.resumeAfterRestart();
    this.clock.later(0, () => this.jobs.pump());
  }

  // files
  uploadFile(purpose: string, filename: string, content: Buffer, expiresAfterSeconds?: number): FileObject {
    return this.files.uploadFile(purpose, filename, content, expiresAfterSeconds);
  }
  listFiles(query: { purpose?: string; order?: string } & ListQuery): { object: 'list'; data: FileObject[]; has_more: boolean } {
    return this.files.listFiles(query);
  }
  getFile(id: string): FileObject {
    return this.files.getFile(id);
  }
  fileContent(id: string): Buffer {
    return this.files.fileContent(id);
  }
  deleteFile(id: string): { object: 'file'; id: string; deleted: true } {
    return this.files.deleteFile(id);
  }

  // fine-tuning jobs
  createJob(body: unknown, options: { failOnRun?: boolean } = {}): JobObject {
    return this.jobs.createJob(body, options);
  }
  getJob(id: string): JobObject {
    return this.jobs.getJob(id);
  }
  listJobs(query: ListQuery): { object: 'list'; data: JobObject[]; has_more: boolean } {
    return this.jobs.listJobs(query);
  }
  listEvents(id: string, query: ListQuery): { object: 'list'; data: EventObject[]; has_more: boolean } {
    return this.jobs.listEvents(id, query);
  }
  listCheckpoints(id: string, query: ListQuery): { object: 'list'; data: CheckpointObject[]; has_more: boolean } {
    return this.jobs.listCheckpoints(id, query);
  }
  cancelJob(id: string): JobObject {
    return this.jobs.cancelJob(id);
  }
  pauseJob(id: string): JobObject {
    return this.jobs.pauseJob(id);
  }
  resumeJob(id: string): JobObject {
    return this.jobs.resumeJob(id);
  }
  deleteJob(id: string): void {
    this.jobs.deleteJob(id);
  }

  // models
  getModel(id: string): Record<string, unknown> {
    return this.models.getModel(id);
  }
  listModels(): { object: 'list'; data: Record<string, unknown>[] } {
    return this.models.listModels();
  }

  // ARM deployments
  putDeployment(resourceId: string, name: string, body: unknown): { created: boolean; resource: ArmDeployment } {
    return this.deployments.putDeployment(resourceId, name, body);
  }
  getDeployment(name: string): ArmDeployment {
    return this.deployments.getDeployment(name);
  }
  deleteDeployment(name: string): boolean {
    return this.deployments.deleteDeployment(name);
  }
  listDeployments(): ArmDeployment[] {
    return this.deployments.listDeployments();
  }

  // chat completions
  chatCompletion(deploymentName: string, body: unknown): ChatCompletionResult {
    return this.chat.chatCompletion(deploymentName, body);
  }
}
