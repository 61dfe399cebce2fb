import type { InvocationContext } from '@azure/functions';
import type { Settings } from '../shared/config/settings';
import type { FunctionDefinition } from './definition';

/** Timer: repair promotion history and roles, give up on stuck candidates, charge hosting hours, retire released deployments after the grace period, keep production alive. */
export async function deploymentLifecycleHandler(_timer: unknown, context: InvocationContext): Promise<unknown> {
  // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
  const [{ getRuntime }, { runDeploymentLifecycle }] = await Promise.all([import('../shared/composition/runtime'), import('../shared/deployments/lifecycle')]);
  const result = await runDeploymentLifecycle(getRuntime());
  const cost = result.charged.reduce((a, c) => a + c.costUsd, 0);
  context.log(
    `deployments: retired ${result.retired.length ? result.retired.join(', ') : 'none'}; ` +
      `${result.abandoned.length ? `abandoned ${result.abandoned.map((a) => `${a.deploymentName} (job ${a.jobKey})`).join(', ')}; ` : ''}` +
      `${result.repairedPromotion !== undefined ? `re-created promotion history row ${result.repairedPromotion}; ` : ''}` +
      `${result.keptAlive ? `kept ${result.keptAlive} alive; ` : ''}${result.redeployed ? `redeployed ${result.redeployed}; ` : ''}` +
      `hosting $${cost.toFixed(2)} charged this run`,
  );
  for (const p of result.problems) context.warn(p);
  return result;
}

export function deploymentLifecycle(settings: Pick<Settings, 'TUNELOOP_LIFECYCLE_SCHEDULE'>): FunctionDefinition {
  return {
    name: 'deploymentLifecycle',
    summary: 'retires superseded, rejected and abandoned fine-tuned deployments, keeps production alive, records hosting cost per day',
    trigger: { type: 'timer', schedule: settings.TUNELOOP_LIFECYCLE_SCHEDULE },
    handler: deploymentLifecycleHandler,
  };
}
