import type { Runtime } from '../composition/runtime';
import { JobConcurrencyError, type JobRecord, type JobState } from '../finetune/jobStore';
import { JobService } from '../finetune/jobService';
import { TABLES } from '../storage/names';
import { deploymentChatModel } from '../evaluation/chat';
import { loadCsatByModel } from '../evaluation/csat';
import {
  addHostingCost,
  claimCostInterval,
  ensureProductionRecord,
  ensurePromotionRecorded,
  getDeploymentRecord,
  getProductionPointer,
  listDeploymentRecords,
  saveDeploymentRecord,
  type DeploymentRecord,
  type ProductionPointer,
} from './registry';
import { isStatus } from '../errors';
import { required } from '../lookup';

/**
 * Deployment lifecycle, run by the `deploymentLifecycle` timer:
 * 0. repair: the promotion history row of the production pointer (lost when a promotion crashed
 *    between the pointer switch and the history write) and deployment roles that disagree with the
 *    pointer; candidates whose job failed or was cancelled after deploy, or stayed in
 *    deploying/deployed/evaluating longer than candidateTimeLimitMs, become `abandoned` (a stuck
 *    job is marked failed first, so a late message for it is ignored);
 * 1. hosting cost: every hour a tracked deployment existed is charged to its UTC day
 *    (TUNELOOP_DEPLOYMENT_HOURLY_COST per hour), once, in table `models` (`hostingcost` rows);
 * 2. retire: superseded, rejected and abandoned deployments are deleted after TUNELOOP_DEPLOYMENT_GRACE_HOURS —
 *    sooner, oldest first, when Azure's limit of 5 fine-tuned deployments is reached;
 * 3. keep production alive: Azure deletes a fine-tuned deployment after 15 days without requests,
 *    so production gets a one-token request after TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS without use,
 *    and is deployed again if it has gone anyway;
 * 4. customer satisfaction: the production model's mean CSAT so far (`tuneloop.model.csat`), so
 *    its effect on customers shows over time next to the evaluation metrics.
 */

/** Azure OpenAI's limit of fine-tuned deployments per resource. */
export const MAX_FINE_TUNED_DEPLOYMENTS = 5;

/** How deployments are charged, retired and kept alive (built from settings by src/shared/composition/config.ts). */
export interface DeploymentLifecycleConfig {
  /** USD per hour a deployment exists (TUNELOOP_DEPLOYMENT_HOURLY_COST). */
  readonly hourlyCostUsd: number;
  /** How long a released deployment stays before it is deleted (TUNELOOP_DEPLOYMENT_GRACE_HOURS). */
  readonly graceHours: number;
  /** Production gets a request after this many days without use (TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS). */
  readonly keepAliveDays: number;
  /** The job loop's retries and longest backoff, which bound how long a candidate may wait (candidateTimeLimitMs). */
  readonly jobMaxRetries: number;
  readonly pollDelayCapSeconds: number;
}

export interface LifecycleOptions {
  now?: Date;
  signal?: AbortSignal;
}

export interface AbandonedCandidate {
  deploymentName: string;
  jobKey: string;
  /** Why its evaluation will never finish. */
  reason: string;
  /** The grace period runs from here: when the job ended, or when its time limit ran out. */
  releasedAt: string;
  /** False when the deployment no longer existed (recorded as `gone`, nothing to retire). */
  deployed: boolean;
}

export interface LifecycleResult {
  retired: string[];
  /** Candidates found in this run whose evaluation will never finish (retired after the grace period). */
  abandoned: AbandonedCandidate[];
  /** Sequence of the promotion whose missing history row this run re-created from the production pointer. */
  repairedPromotion?: number;
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
const RELEASED: DeploymentRecord['role'][] = ['superseded', 'rejected', 'abandoned'];

/**
 * The longest one step of the job loop is built to run: Flex Consumption's default function timeout.
 * host.json raises the app's `functionTimeout` to 2 h for the blob function's largest files, but job
 * steps stop waiting after 5 minutes, which leaves this room for a long evaluation of up to
 * TUNELOOP_EVAL_MAX_CONVERSATIONS conversations on two models. Not raised with it: the candidate
 * time limit below multiplies it, and a stuck candidate is charged by the hour.
 */
export const JOB_STEP_BUDGET_MS = 30 * 60_000;

/** Job states in which a deployment exists (or is being created) and waits for its verdict. */
const CANDIDATE_STATES: ReadonlySet<JobState> = new Set(['deploying', 'deployed', 'evaluating']);
const ENDED_STATES: ReadonlySet<JobState> = new Set(['failed', 'cancelled']);

/**
 * How long a job may stay in one of deploying / deployed / evaluating before the lifecycle gives
 * up on it: every try the job loop allows (the first and TUNELOOP_JOB_MAX_RETRIES retries), each a
 * full step (JOB_STEP_BUDGET_MS) followed by the longest backoff (TUNELOOP_POLL_DELAY_CAP_SECONDS).
 * A job beyond it has lost its message or waits on something that is not coming, while its
 * deployment is charged by the hour and takes one of Azure's 5 fine-tuned deployment slots.
 */
export function candidateTimeLimitMs(config: Pick<DeploymentLifecycleConfig, 'jobMaxRetries' | 'pollDelayCapSeconds'>): number {
  return (config.jobMaxRetries + 1) * (JOB_STEP_BUDGET_MS + config.pollDelayCapSeconds * 1000);
}

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
  const { storage, telemetry } = runtime;
  const config = runtime.config.lifecycle;
  const now = options.now ?? new Date();
  const signal = options.signal;
  const deployments = runtime.fineTune.deployments;
  const result: LifecycleResult = { retired: [], abandoned: [], charged: [], problems: [] };
  const problem = (message: string) => {
    result.problems.push(message);
    telemetry.trackEvent('tuneloop.deployment.lifecycle_problem', { reason: message.slice(0, 500) });
  };

  const pointer = await getProductionPointer(storage);
  if (pointer) {
    try {
      if (await ensurePromotionRecorded(storage, pointer)) {
        result.repairedPromotion = pointer.sequence;
        telemetry.trackEvent('tuneloop.model.promotion_repaired', {
          model: pointer.deploymentName,
          job: pointer.jobKey,
          sequence: pointer.sequence,
        });
      }
    } catch (err) {
      // A damaged pointer row must not stop cost, retirement and keep-alive.
      problem(`promotion history: ${(err as Error).message}`);
    }
    await repairRoles(runtime, pointer);
  }
  signal?.throwIfAborted();
  for (const found of await abandonCandidates(runtime, pointer, now, problem, signal)) {
    result.abandoned.push(found);
    telemetry.trackEvent('tuneloop.deployment.abandoned', {
      model: found.deploymentName,
      job: found.jobKey,
      deployed: found.deployed,
      reason: found.reason.slice(0, 500),
    });
  }

  // 1. Hosting cost up to now, before anything is retired.
  for (const record of await listDeploymentRecords(storage)) {
    if (record.role === 'retired' || record.role === 'gone') continue;
    const from = new Date(record.costRecordedUntil ?? record.deployedAt);
    if (Number.isNaN(from.getTime()) || from >= now) continue;
    if (!(await claimCostInterval(storage, record, now.toISOString()))) continue;
    let hours = 0;
    for (const { day, hours: h } of hoursPerUtcDay(from, now)) {
      const costUsd = h * config.hourlyCostUsd;
      await addHostingCost(storage, { day, deploymentName: record.deploymentName, hours: h, costUsd });
      hours += h;
    }
    const costUsd = hours * config.hourlyCostUsd;
    result.charged.push({ deploymentName: record.deploymentName, hours, costUsd });
    telemetry.trackMetric('tuneloop.deployment.hosting_cost_usd', costUsd, { model: record.deploymentName, role: record.role });
  }

  // 2. Retire released (superseded, rejected, abandoned) deployments after the grace period, or early when at Azure's limit.
  const records = await listDeploymentRecords(storage);
  const live = records.filter((r) => r.role !== 'retired' && r.role !== 'gone');
  const released = live
    .filter(
      (r): r is DeploymentRecord & { releasedAt: string } =>
        RELEASED.includes(r.role) && r.deploymentName !== pointer?.deploymentName && Boolean(r.releasedAt),
    )
    .sort((a, b) => a.releasedAt.localeCompare(b.releasedAt));
  const graceMs = config.graceHours * HOUR_MS;
  let liveCount = live.length;
  for (const r of released) {
    const due = now.getTime() - new Date(r.releasedAt).getTime() >= graceMs;
    const atLimit = liveCount >= MAX_FINE_TUNED_DEPLOYMENTS;
    if (!due && !atLimit) continue;
    try {
      const existed = await deployments.deleteDeployment(r.deploymentName, { signal });
      await saveDeploymentRecord(storage, {
        deploymentName: r.deploymentName,
        role: existed ? 'retired' : 'gone',
        retiredAt: now.toISOString(),
      });
      result.retired.push(r.deploymentName);
      liveCount--;
      telemetry.trackEvent('tuneloop.deployment.retired', {
        model: r.deploymentName,
        role: r.role,
        reason: due ? 'grace period over' : 'deployment limit reached',
      });
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
        await saveDeploymentRecord(storage, {
          deploymentName: pointer.deploymentName,
          role: 'production',
          deployedAt: now.toISOString(),
          costRecordedUntil: now.toISOString(),
          lastUsedAt: now.toISOString(),
        });
        result.redeployed = pointer.deploymentName;
        telemetry.trackEvent('tuneloop.deployment.redeployed', {
          model: pointer.deploymentName,
          reason: 'production deployment had been deleted',
        });
      } else {
        const record = await getDeploymentRecord(storage, pointer.deploymentName);
        const lastUsed = new Date(record?.lastUsedAt ?? record?.deployedAt ?? 0).getTime();
        if (now.getTime() - lastUsed >= config.keepAliveDays * 24 * HOUR_MS) {
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
      telemetry.trackMetric('tuneloop.model.csat', csat.meanCsat, {
        model: pointer.deploymentName,
        job: pointer.jobKey,
        ratings: csat.ratings,
      });
    }
  }
  telemetry.trackMetric('tuneloop.deployment.count', liveCount);
  await telemetry.flush();
  return result;
}

/**
 * Makes the deployment records agree with the production pointer, which is the truth: a promotion
 * that crashed after its pointer switch leaves the new model `candidate` and the old one `production`.
 */
async function repairRoles(runtime: Runtime, pointer: ProductionPointer): Promise<void> {
  const { storage } = runtime;
  const current = await ensureProductionRecord(storage, pointer);
  if (['candidate', 'rejected', 'superseded', 'abandoned'].includes(current.role)) {
    await saveDeploymentRecord(storage, { deploymentName: pointer.deploymentName, role: 'production', releasedAt: '' });
  }
  for (const r of await listDeploymentRecords(storage)) {
    if (r.role === 'production' && r.deploymentName !== pointer.deploymentName) {
      await saveDeploymentRecord(storage, { deploymentName: r.deploymentName, role: 'superseded', releasedAt: pointer.promotedAt });
    }
  }
}

/** When the job entered its current state (the last history entry of that state). */
function enteredCurrentState(job: JobRecord): string {
  for (let i = job.history.length - 1; i >= 0; i--) if (job.history[i].state === job.state) return job.history[i].at;
  return job.updatedAt;
}

function firstDeployAt(job: JobRecord): string | undefined {
  return job.history.find((h) => h.state === 'deploying')?.at;
}

/**
 * Finds candidates whose evaluation will never finish and marks their deployments `abandoned`
 * (the retire step deletes them after the grace period): the job failed or was cancelled after it
 * had a deployment, or it has been deploying/deployed/evaluating longer than candidateTimeLimitMs
 * without holding a lease — then the job is marked failed first (ETag-conditional, so a step that
 * moved it meanwhile wins and this run leaves it alone).
 *
 * Never touches the production deployment, a deployment whose record already has another role
 * than `candidate`, or a job within its time limit.
 */
async function abandonCandidates(
  runtime: Runtime,
  pointer: ProductionPointer | undefined,
  now: Date,
  problem: (message: string) => void,
  signal?: AbortSignal,
): Promise<AbandonedCandidate[]> {
  const { storage } = runtime;
  // Job state changes go through the job service, the one writer of table finetunejobs.
  const jobService = new JobService(runtime);
  let jobs: JobRecord[];
  try {
    jobs = await jobService.list();
  } catch (err) {
    // No job table yet: nothing can have been deployed by the job loop.
    if (isStatus(err, 404)) return [];
    throw err;
  }
  const limitMs = candidateTimeLimitMs(runtime.config.lifecycle);
  const records = new Map((await listDeploymentRecords(storage)).map((r) => [r.deploymentName, r]));
  const jobKeys = new Set(jobs.map((j) => j.jobKey));
  const out: AbandonedCandidate[] = [];

  for (const listed of jobs) {
    signal?.throwIfAborted();
    const deploymentName = listed.deploymentName;
    if (!deploymentName) continue;
    if (pointer && (pointer.deploymentName === deploymentName || pointer.jobKey === listed.jobKey)) continue;
    const record = records.get(deploymentName);
    if (record && record.role !== 'candidate') continue;
    if (!ENDED_STATES.has(listed.state) && !CANDIDATE_STATES.has(listed.state)) continue;
    // Still within its time limit: the job loop is in charge.
    if (CANDIDATE_STATES.has(listed.state) && !(now.getTime() > Date.parse(enteredCurrentState(listed)) + limitMs)) continue;

    let deployed = true;
    if (!record) {
      // No record: the job stopped before evaluation started (e.g. during deploy). Ask ARM.
      let info: Awaited<ReturnType<Runtime['fineTune']['deployments']['getDeployment']>>;
      try {
        info = await runtime.fineTune.deployments.getDeployment(deploymentName, { signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        problem(`could not look up deployment ${deploymentName} of job ${listed.jobKey}: ${(err as Error).message}`);
        continue;
      }
      // The name holds another model (the deploy step failed on exactly that conflict): not ours to delete.
      if (info && listed.fineTunedModel && info.model !== listed.fineTunedModel) continue;
      deployed = info !== undefined;
    }

    let job = listed;
    let reason: string;
    let releasedAt: string;
    if (ENDED_STATES.has(job.state)) {
      releasedAt = job.finishedAt ?? enteredCurrentState(job);
      reason = `job ${job.jobKey} ${job.state}${job.error ? `: ${job.error}` : ''}`;
    } else {
      const gaveUp = await failStuckJob(jobService, job.jobKey, now, limitMs, signal);
      if (!gaveUp) continue;
      releasedAt = new Date(Date.parse(enteredCurrentState(job)) + limitMs).toISOString();
      job = gaveUp;
      reason = required(job.error, 'failure reason of the job the lifecycle gave up on');
    }

    const deployedAt = record?.deployedAt ?? firstDeployAt(job) ?? releasedAt;
    await saveDeploymentRecord(storage, {
      deploymentName,
      fineTunedModel: record?.fineTunedModel || job.fineTunedModel || '',
      jobKey: job.jobKey,
      deployedAt,
      releasedAt,
      // Nothing to retire or charge: recorded so the next run does not ask ARM again.
      ...(deployed
        ? { role: 'abandoned' as const }
        : { role: 'gone' as const, retiredAt: now.toISOString(), costRecordedUntil: deployedAt }),
    });
    out.push({ deploymentName, jobKey: job.jobKey, reason, releasedAt, deployed });
  }

  // A candidate record without a job cannot be judged from its job: once it is overdue, record it
  // as gone if its deployment has been deleted, else say so (it may still be under evaluation).
  for (const r of records.values()) {
    if (r.role !== 'candidate' || jobKeys.has(r.jobKey) || r.deploymentName === pointer?.deploymentName) continue;
    if (!(now.getTime() - Date.parse(r.deployedAt) > limitMs)) continue;
    try {
      if (!(await runtime.fineTune.deployments.getDeployment(r.deploymentName, { signal }))) {
        await saveDeploymentRecord(storage, { deploymentName: r.deploymentName, role: 'gone', retiredAt: now.toISOString() });
        continue;
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      problem(`could not look up deployment ${r.deploymentName}: ${(err as Error).message}`);
      continue;
    }
    problem(
      `candidate deployment ${r.deploymentName} (job ${r.jobKey || 'unknown'}) has had no verdict since ${r.deployedAt} and its job is not in table ${TABLES.jobs}, ` +
        'so tuneloop cannot tell whether it is still being evaluated and does not delete it; delete the deployment if it is not needed (the next run then records it as gone)',
    );
  }
  return out;
}

/**
 * Marks a job stuck beyond its time limit as failed, so a late message for it is ignored instead of
 * evaluating a deployment that is about to be deleted. Undefined when the job holds a live lease,
 * is no longer stuck, or another invocation changed it meanwhile.
 */
async function failStuckJob(
  jobService: JobService,
  jobKey: string,
  now: Date,
  limitMs: number,
  signal?: AbortSignal,
): Promise<JobRecord | undefined> {
  const loaded = await jobService.get(jobKey);
  if (!loaded || !CANDIDATE_STATES.has(loaded.record.state)) return undefined;
  const job = loaded.record;
  const since = enteredCurrentState(job);
  if (!(now.getTime() > Date.parse(since) + limitMs)) return undefined;
  // A step is running right now: let it finish (or its lease run out) before judging.
  if (job.leaseUntil && Date.parse(job.leaseUntil) > now.getTime()) return undefined;
  const hours = Math.round((limitMs / HOUR_MS) * 10) / 10;
  const error =
    `the ${job.state} step did not finish within ${hours} h (${job.state} since ${since}; ` +
    `limit = (TUNELOOP_JOB_MAX_RETRIES + 1) × (step budget + TUNELOOP_POLL_DELAY_CAP_SECONDS)); ` +
    `the deployment lifecycle gave up on it and retires deployment ${String(job.deploymentName)} after TUNELOOP_DEPLOYMENT_GRACE_HOURS; submit the dataset version again to retrain`;
  try {
    // Best effort for the JobFailed event, like the job loop's own failure notice (the job row is the record of truth).
    const { job: failed } = await jobService.fail(loaded, error, {
      patch: { leaseOwner: undefined, leaseUntil: undefined },
      detail: 'deployment lifecycle: step time limit exceeded',
      when: now,
      signal,
    });
    return failed.record;
  } catch (err) {
    if (err instanceof JobConcurrencyError) return undefined;
    throw err;
  }
}
