import type { Runtime } from '../composition/runtime';
import { deploymentChatModel } from './chat';
import { loadCsatByModel } from './csat';
import {
  addHostingCost,
  claimCostInterval,
  ensureProductionRecord,
  getDeploymentRecord,
  getProductionPointer,
  listDeploymentRecords,
  saveDeploymentRecord,
  type DeploymentRecord,
} from './models';

/**
 * Deployment lifecycle, run by the `deploymentLifecycle` timer:
 * 1. hosting cost: every hour a tracked deployment existed is charged to its UTC day
 *    (TUNELOOP_DEPLOYMENT_HOURLY_COST per hour), once, in table `models` (`hostingcost` rows);
 * 2. retire: superseded and rejected deployments are deleted after TUNELOOP_DEPLOYMENT_GRACE_HOURS —
 *    sooner, oldest first, when Azure's limit of 5 fine-tuned deployments is reached;
 * 3. keep production alive: Azure deletes a fine-tuned deployment after 15 days without requests,
 *    so production gets a one-token request after TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS without use,
 *    and is deployed again if it has gone anyway;
 * 4. customer satisfaction: the production model's mean CSAT so far (`tuneloop.model.csat`), so
 *    its effect on customers shows over time next to the evaluation metrics.
 */

/** Azure OpenAI's limit of fine-tuned deployments per resource. */
export const MAX_FINE_TUNED_DEPLOYMENTS = 5;

export interface LifecycleOptions {
  now?: Date;
  signal?: AbortSignal;
}

export interface LifecycleResult {
  retired: string[];
  keptAlive?: string;
  redeployed?: string;
  /** Hours charged per deployment in this run. */
  charged: { deploymentName: string; hours: number; costUsd: number }[];
  /** Mean CSAT of the production model's conversations so far (when it has ratings). */
  productionCsat?: { jobKey: string; ratings: number; meanCsat: number };
  /** Problems that did not stop the run (each is also in telemetry). */
  problems: string[];
}

const HOUR_MS = 3_600_000;
const RELEASED: DeploymentRecord['role'][] = ['superseded', 'rejected'];

/** Splits [from, to) into UTC days with the hours in each. */
export function hoursPerUtcDay(from: Date, to: Date): { day: string; hours: number }[] {
  const out: { day: string; hours: number }[] = [];
  let start = from.getTime();
  const end = to.getTime();
  while (start < end) {
    const d = new Date(start);
    const nextMidnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    const stop = Math.min(end, nextMidnight);
    out.push({ day: d.toISOString().slice(0, 10), hours: (stop - start) / HOUR_MS });
    start = stop;
  }
  return out;
}

export async function runDeploymentLifecycle(runtime: Runtime, options: LifecycleOptions = {}): Promise<LifecycleResult> {
  const { storage, settings, telemetry } = runtime;
  const now = options.now ?? new Date();
  const signal = options.signal;
  const deployments = runtime.fineTune.deployments;
  const result: LifecycleResult = { retired: [], charged: [], problems: [] };
  const problem = (message: string) => {
    result.problems.push(message);
    telemetry.trackEvent('tuneloop.deployment.lifecycle_problem', { reason: message.slice(0, 500) });
  };

  const pointer = await getProductionPointer(storage);
  if (pointer) await ensureProductionRecord(storage, pointer);

  // 1. Hosting cost up to now, before anything is retired.
  for (const record of await listDeploymentRecords(storage)) {
    if (record.role === 'retired' || record.role === 'gone') continue;
    const from = new Date(record.costRecordedUntil ?? record.deployedAt);
    if (Number.isNaN(from.getTime()) || from >= now) continue;
    if (!(await claimCostInterval(storage, record, now.toISOString()))) continue;
    let hours = 0;
    for (const { day, hours: h } of hoursPerUtcDay(from, now)) {
      const costUsd = h * settings.TUNELOOP_DEPLOYMENT_HOURLY_COST;
      await addHostingCost(storage, { day, deploymentName: record.deploymentName, hours: h, costUsd });
      hours += h;
    }
    const costUsd = hours * settings.TUNELOOP_DEPLOYMENT_HOURLY_COST;
    result.charged.push({ deploymentName: record.deploymentName, hours, costUsd });
    telemetry.trackMetric('tuneloop.deployment.hosting_cost_usd', costUsd, { model: record.deploymentName, role: record.role });
  }

  // 2. Retire released deployments after the grace period, or early when at Azure's limit.
  const records = await listDeploymentRecords(storage);
  const live = records.filter((r) => r.role !== 'retired' && r.role !== 'gone');
  const released = live
    .filter((r) => RELEASED.includes(r.role) && r.deploymentName !== pointer?.deploymentName && r.releasedAt)
    .sort((a, b) => a.releasedAt!.localeCompare(b.releasedAt!));
  const graceMs = settings.TUNELOOP_DEPLOYMENT_GRACE_HOURS * HOUR_MS;
  let liveCount = live.length;
  for (const r of released) {
    const due = now.getTime() - new Date(r.releasedAt!).getTime() >= graceMs;
    const atLimit = liveCount >= MAX_FINE_TUNED_DEPLOYMENTS;
    if (!due && !atLimit) continue;
    try {
      const existed = await deployments.deleteDeployment(r.deploymentName, { signal });
      await saveDeploymentRecord(storage, { deploymentName: r.deploymentName, role: existed ? 'retired' : 'gone', retiredAt: now.toISOString() });
      result.retired.push(r.deploymentName);
      liveCount--;
      telemetry.trackEvent('tuneloop.deployment.retired', { model: r.deploymentName, reason: due ? 'grace period over' : 'deployment limit reached' });
    } catch (err) {
      if (signal?.aborted) throw err;
      problem(`could not delete ${r.deploymentName}: ${(err as Error).message}`);
    }
  }

  // 3. Production must stay deployed and used.
  if (pointer) {
    try {
      const deployed = await deployments.getDeployment(pointer.deploymentName, { signal });
      if (!deployed) {
        await deployments.deployModel({ deploymentName: pointer.deploymentName, model: pointer.fineTunedModel, signal });
        await saveDeploymentRecord(storage, { deploymentName: pointer.deploymentName, role: 'production', deployedAt: now.toISOString(), costRecordedUntil: now.toISOString(), lastUsedAt: now.toISOString() });
        result.redeployed = pointer.deploymentName;
        telemetry.trackEvent('tuneloop.deployment.redeployed', { model: pointer.deploymentName, reason: 'production deployment had been deleted' });
      } else {
        const record = await getDeploymentRecord(storage, pointer.deploymentName);
        const lastUsed = new Date(record?.lastUsedAt ?? record?.deployedAt ?? 0).getTime();
        if (now.getTime() - lastUsed >= settings.TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS * 24 * HOUR_MS) {
          const model = deploymentChatModel(runtime.fineTune.client.openai, pointer.deploymentName);
          await model.complete([{ role: 'user', content: 'Hello' }], { signal, maxTokens: 1 });
          await saveDeploymentRecord(storage, { deploymentName: pointer.deploymentName, lastUsedAt: now.toISOString() });
          result.keptAlive = pointer.deploymentName;
        }
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      problem(`production deployment ${pointer.deploymentName}: ${(err as Error).message}`);
    }
  }
  if (pointer) {
    const csat = (await loadCsatByModel(storage, { signal })).find((c) => c.jobKey === pointer.jobKey);
    if (csat?.meanCsat !== undefined) {
      result.productionCsat = { jobKey: pointer.jobKey, ratings: csat.ratings, meanCsat: csat.meanCsat };
      telemetry.trackMetric('tuneloop.model.csat', csat.meanCsat, { model: pointer.deploymentName, job: pointer.jobKey, ratings: csat.ratings });
    }
  }
  telemetry.trackMetric('tuneloop.deployment.count', liveCount);
  await telemetry.flush();
  return result;
}
