import type { InvocationContext } from '@azure/functions';
import type { FunctionDefinition } from './definition';
import type { RuntimeSource } from './runtimeSource';

/** Nightly: assemble a versioned dataset from the curated shards and ask for a fine-tuning job. */
export function nightlyRetrainHandler(runtimeSource: RuntimeSource) {
  return async (_timer: unknown, context: InvocationContext): Promise<unknown> => {
    // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
    const [runtime, { assembleDataset }] = await Promise.all([runtimeSource(), import('../shared/dataset/assembly')]);
    const outcome = await assembleDataset(runtime, { trigger: 'nightly' });
    if (outcome.outcome === 'submitted') {
      context.log(
        `dataset ${outcome.manifest.version}: ${outcome.manifest.counts.train} train / ${outcome.manifest.counts.validation} validation / ${outcome.manifest.counts.holdout} holdout examples, estimated $${String(outcome.manifest.cost.estimated_cost_usd)}; job ${outcome.jobKey} enqueued`,
      );
      return { outcome: 'submitted', datasetVersion: outcome.manifest.version, jobKey: outcome.jobKey };
    }
    context.log(`no retrain: ${outcome.reason} (${outcome.detail})`);
    return { outcome: 'skipped', reason: outcome.reason };
  };
}

export const nightlyRetrain = (runtime: RuntimeSource): FunctionDefinition => ({
  name: 'nightlyRetrain',
  summary: 'assembles a dataset version and enqueues a fine-tuning job',
  trigger: { type: 'timer', schedule: '%TUNELOOP_RETRAIN_SCHEDULE%' },
  handler: nightlyRetrainHandler(runtime),
});
