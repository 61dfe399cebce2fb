import { validateFile } from '../../../shared/dataset/validate';
import { badRequest, notFound } from '../errors';
import { newId, nowSeconds, type EmulatorStore, type FileObject } from '../state';
import { BASE_DURATIONS_MS, page, type EmulatorContext, type ListQuery, type ServiceOptions } from './shared';

const FILE_PURPOSES = new Set(['fine-tune', 'assistants', 'assistants_output', 'batch', 'batch_output', 'evals', 'evals_output']);

/** Files: upload, processing (fine-tune files are validated like tuneloop validates them), list, content, delete. */
export class FilesResource {
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

  uploadFile(purpose: string, filename: string, content: Buffer, expiresAfterSeconds?: number): FileObject {
    if (purpose === 'fine-tune-results') {
      throw badRequest("Files with purpose 'fine-tune-results' are created by the service and cannot be uploaded.", 'purpose');
    }
    if (!FILE_PURPOSES.has(purpose)) {
      throw badRequest(`Invalid value '${purpose}' for 'purpose'. Expected one of: ${[...FILE_PURPOSES].join(', ')}.`, 'purpose');
    }
    if (!filename) throw badRequest("The file part of the form needs a file name (multipart 'filename').", 'file');
    if (
      expiresAfterSeconds !== undefined &&
      (!Number.isInteger(expiresAfterSeconds) || expiresAfterSeconds < 1209600 || expiresAfterSeconds > 2592000)
    ) {
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
    if (query.order && query.order !== 'asc' && query.order !== 'desc')
      throw badRequest(`Invalid value '${query.order}' for 'order'. Expected 'asc' or 'desc'.`, 'order');
    if (query.limit !== undefined && (query.limit < 1 || query.limit > 10000))
      throw badRequest("'limit' must be between 1 and 10000.", 'limit');
    const files = [...this.store.files.values()].map((f) => ({ ...f.file })).filter((f) => !query.purpose || f.purpose === query.purpose);
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
    // Ended jobs keep a copy of their training text; a deleted file (an erasure) takes it away too.
    this.store.dropDeletedContent();
    return { object: 'file', id, deleted: true };
  }

  /** After a restart with dataDir: files still pending are processed again. */
  resumeAfterRestart(): void {
    for (const { file } of this.store.files.values()) {
      if (file.status === 'pending') this.later(BASE_DURATIONS_MS.fileProcessing, () => void this.processFile(file.id));
    }
  }
}
