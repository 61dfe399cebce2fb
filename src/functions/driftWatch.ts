import type { InvocationContext } from '@azure/functions';
import type { Settings } from '../shared/config/settings';
import type { FunctionDefinition } from './definition';
import type { RuntimeSource } from './runtimeSource';

/** Timer: drift of recent curated data against the production model's training data; may decide a retrain. */
export function driftWatchHandler(runtimeSource: RuntimeSource) {
  return async (_timer: unknown, context: InvocationContext): Promise<unknown> => {
    // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
    const [runtime, { runDriftWatch }] = await Promise.all([runtimeSource(), import('../shared/drift/watch')]);
    const run = await runDriftWatch(runtime);
    const score =
      run.score === undefined ? 'no score' : `score ${run.score.toFixed(3)} (${String(run.scoreDrivenBy)}) vs threshold ${run.threshold}`;
    context.log(
      `drift ${run.windowStart}..${run.windowEnd}: ${run.recent.conversations} recent vs ${run.reference.conversations} reference conversations (${run.reference.kind}); ${score}; decision ${run.decision.kind}; ${run.skipped.length} metrics skipped`,
    );
    if (run.decision.kind === 'retrain' && run.decision.error) {
      throw new Error(`driftWatch decided to retrain but the dataset assembly failed: ${run.decision.error}`);
    }
    return { decision: run.decision, score: run.score };
  };
}

/**
 * The schedule is the setting's value (default hourly). Azure reads `%TUNELOOP_DRIFT_SCHEDULE%`
 * only when the app setting exists; passing the resolved value keeps the default working where it
 * is not set, and a changed app setting restarts the app, which re-reads it.
 */
export function driftWatch(settings: Pick<Settings, 'TUNELOOP_DRIFT_SCHEDULE'>, runtime: RuntimeSource): FunctionDefinition {
  return {
    name: 'driftWatch',
    summary: 'compares recent curated data with the production training data, emits drift metrics, may trigger a retrain',
    trigger: { type: 'timer', schedule: settings.TUNELOOP_DRIFT_SCHEDULE },
    handler: driftWatchHandler(runtime),
  };
}
