import type { InvocationContext } from '@azure/functions';
import type { Settings } from '../shared/config/settings';
import { QUEUES } from '../shared/storage/names';
import type { FunctionDefinition, TriggerDefinition } from './definition';
import type { RuntimeSource } from './runtimeSource';

// Ends a step before the queue makes the message visible again (Functions renews Storage
// queue messages for 10 minutes), so a slow service cannot run one step twice in parallel.
const STEP_TIMEOUT_MS = 9 * 60_000;

export function fineTuneJobsHandler(runtimeSource: RuntimeSource) {
  return async (message: unknown, context: InvocationContext): Promise<unknown> => {
    // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
    const [runtime, { handleJobMessage }] = await Promise.all([runtimeSource(), import('../shared/finetune/loop')]);
    try {
      return await handleJobMessage(runtime, message, {
        invocationId: context.invocationId,
        signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
        log: (level, text) => (level === 'info' ? context.log(text) : level === 'warn' ? context.warn(text) : context.error(text)),
      });
    } finally {
      await runtime.telemetry.flush();
    }
  };
}

/** The job queue trigger: a Storage queue locally, Service Bus in Azure (TUNELOOP_JOB_TRANSPORT). */
export function fineTuneJobs(settings: Pick<Settings, 'TUNELOOP_JOB_TRANSPORT'>, runtime: RuntimeSource): FunctionDefinition {
  const trigger: TriggerDefinition =
    settings.TUNELOOP_JOB_TRANSPORT === 'servicebus'
      ? { type: 'serviceBusQueue', queueName: QUEUES.jobs, connection: 'TUNELOOP_SERVICEBUS' }
      : { type: 'storageQueue', queueName: QUEUES.jobs, connection: 'TUNELOOP_STORAGE' };
  return {
    name: 'fineTuneJobs',
    summary: 'fine-tuning job steps: upload and submit, poll, deploy, evaluate',
    trigger,
    handler: fineTuneJobsHandler(runtime),
  };
}
