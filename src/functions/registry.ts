import type { RegistrationSettings } from '../shared/config/registrationSettings';
import type { FunctionDefinition } from './definition';
import { nightlyRetrain } from './nightlyRetrain';
import { fineTuneJobs } from './fineTuneJobs';
import { preprocess } from './preprocess';
import { deploymentLifecycle } from './deploymentLifecycle';
import { driftWatch } from './driftWatch';
import { erasureRequests } from './erasureRequests';
import type { RuntimeSource } from './runtimeSource';

/**
 * The one list of tuneloop's functions. Each entry comes from its own file in this folder;
 * settings decide the variable parts (job queue transport, schedules), and every handler asks
 * `runtime` for its runtime (built lazily in Azure, handed over by the local host and tests).
 */
export function functionDefinitions(settings: RegistrationSettings, runtime: RuntimeSource): FunctionDefinition[] {
  return [
    preprocess(settings, runtime),
    nightlyRetrain(runtime),
    fineTuneJobs(settings, runtime),
    driftWatch(settings, runtime),
    deploymentLifecycle(settings, runtime),
    erasureRequests(runtime),
  ];
}
