import type { Runtime } from '../composition/runtime';
import { JobStore, type JobRecord, type JobState } from '../finetune/jobStore';

/**
 * Ends after which a version has no model at all: the service failed or cancelled the job, or a
 * later step (deploy, evaluate) failed it. Only training again can give the version a model.
 */
const NO_MODEL_STATES: ReadonlySet<JobState> = new Set(['failed', 'cancelled']);

/**
 * A job got this far: its model exists and was (or is being) judged by the gate. Training the
 * same data again would give the same model, so the version is not resubmitted.
 */
const JUDGED_STATES: ReadonlySet<JobState> = new Set(['awaiting-approval', 'evaluated']);

/** What the nightly run does about a dataset version that did not change. */
export type ResubmissionPlan =
  /** It has a judged model, a job still on its way, or no job yet (the never-queued path's case). */
  | { action: 'none' }
  | { action: 'resubmit'; jobKey: string; resubmission: number; last: JobRecord }
  | { action: 'exhausted'; resubmissions: number; last: JobRecord };

/** The key of the `n`th resubmission: new, because the loop keeps a failed job failed (a submit on its key is a no-op). */
export function resubmissionJobKey(datasetVersion: string, n: number): string {
  return `job-${datasetVersion}-r${n}`;
}

/**
 * Decides from the version's jobs (oldest first). Every job after the first counts as a
 * resubmission, so the bound holds whoever sent them. The key depends only on that count: a run
 * that queued a resubmission whose job does not exist yet queues the same key again, which the
 * loop treats as a duplicate.
 */
export function planResubmission(datasetVersion: string, jobs: readonly JobRecord[], maxResubmissions: number): ResubmissionPlan {
  const last = jobs.at(-1);
  if (!last || !NO_MODEL_STATES.has(last.state) || jobs.some((j) => JUDGED_STATES.has(j.state))) return { action: 'none' };
  const resubmissions = jobs.length - 1;
  if (resubmissions >= maxResubmissions) return { action: 'exhausted', resubmissions, last };
  const resubmission = resubmissions + 1;
  return { action: 'resubmit', jobKey: resubmissionJobKey(datasetVersion, resubmission), resubmission, last };
}

/** Reads the version's jobs from table `finetunejobs` and plans. */
export async function resubmissionPlanFor(runtime: Runtime, datasetVersion: string): Promise<ResubmissionPlan> {
  const jobs = await new JobStore(runtime.storage).listForDatasetVersion(datasetVersion);
  return planResubmission(datasetVersion, jobs, runtime.config.assembly.retrainMaxResubmissions);
}

/** "job X failed after deploying: <error>", for outcomes and logs: which step ended the job tells a person where to look. */
export function describeEnd(job: JobRecord): string {
  const before = job.history.at(-2)?.state;
  const error = job.error ? `: ${job.error.length > 300 ? `${job.error.slice(0, 300)}…` : job.error}` : '';
  return `job ${job.jobKey} ended ${job.state}${before ? ` after ${before}` : ''}${error}`;
}
