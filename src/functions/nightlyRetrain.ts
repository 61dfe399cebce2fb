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
    if (outcome.outcome === 'resubmitted') {
      context.warn(`dataset ${outcome.datasetVersion} resubmitted: ${outcome.detail}`);
      return { outcome: 'resubmitted', datasetVersion: outcome.datasetVersion, jobKey: outcome.jobKey, resubmission: outcome.resubmission };
    }
    // Out of resubmissions is the one skip a person must act on: a warning, not routine news.
    const say = outcome.reason === 'resubmissions-exhausted' ? context.warn.bind(context) : context.log.bind(context);
    say(`no retrain: ${outcome.reason} (${outcome.detail})`);
    return { outcome: 'skipped', reason: outcome.reason };
  };
}

export const nightlyRetrain = (runtime: RuntimeSource): FunctionDefinition => ({
  name: 'nightlyRetrain',
  summary: 'assembles a dataset version and enqueues a fine-tuning job',
  trigger: { type: 'timer', schedule: '%TUNELOOP_RETRAIN_SCHEDULE%' },
  handler: nightlyRetrainHandler(runtime),
});
