import { notFound } from '../errors';
import { nowSeconds, type EmulatorStore } from '../state';
import type { JobsResource } from './jobs';
import { BASE_MODELS } from './shared';

/** Models: the base models the resource offers and the fine-tuned models its jobs produced. */
export class ModelsResource {
  constructor(
    private readonly store: EmulatorStore,
    private readonly jobs: JobsResource,
  ) {}

  private modelObject(id: string): Record<string, unknown> {
    const stored = this.jobs.findFineTuned(id);
    const capabilities = (fineTune: boolean) => ({
      fine_tune: fineTune,
      inference: true,
      completion: false,
      chat_completion: true,
      embeddings: false,
    });
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
}
