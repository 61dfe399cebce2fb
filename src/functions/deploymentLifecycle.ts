import type { InvocationContext } from '@azure/functions';
import type { Settings } from '../shared/config/settings';
import type { FunctionDefinition } from './definition';
import type { RuntimeSource } from './runtimeSource';

/** Timer: repair promotion history and roles, give up on stuck candidates, charge hosting hours, retire released deployments after the grace period, keep production alive. */
export function deploymentLifecycleHandler(runtimeSource: RuntimeSource) {
  return async (_timer: unknown, context: InvocationContext): Promise<unknown> => {
    // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
    const [runtime, { runDeploymentLifecycle }] = await Promise.all([runtimeSource(), import('../shared/deployments/lifecycle')]);
    const result = await runDeploymentLifecycle(runtime);
    const cost = result.charged.reduce((a, c) => a + c.costUsd, 0);
    context.log(
      `deployments: retired ${result.retired.length ? result.retired.join(', ') : 'none'}; ` +
        (result.abandoned.length ? `abandoned ${result.abandoned.map((a) => `${a.deploymentName} (job ${a.jobKey})`).join(', ')}; ` : '') +
        (result.repairedPromotion !== undefined ? `re-created promotion history row ${result.repairedPromotion}; ` : '') +
        `${result.keptAlive ? `kept ${result.keptAlive} alive; ` : ''}${result.redeployed ? `redeployed ${result.redeployed}; ` : ''}` +
        `hosting $${cost.toFixed(2)} charged this run`,
    );
    for (const p of result.problems) context.warn(p);
    return result;
  };
}

export function deploymentLifecycle(settings: Pick<Settings, 'TUNELOOP_LIFECYCLE_SCHEDULE'>, runtime: RuntimeSource): FunctionDefinition {
  return {
    name: 'deploymentLifecycle',
    summary: 'retires superseded, rejected and abandoned fine-tuned deployments, keeps production alive, records hosting cost per day',
    trigger: { type: 'timer', schedule: settings.TUNELOOP_LIFECYCLE_SCHEDULE },
    handler: deploymentLifecycleHandler(runtime),
  };
}
