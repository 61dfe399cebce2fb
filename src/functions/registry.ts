import type { RegistrationSettings } from '../shared/config/registrationSettings';
import type { FunctionDefinition } from './definition';
import { nightlyRetrain } from './nightlyRetrain';
import { fineTuneJobs } from './fineTuneJobs';
import { preprocess } from './preprocess';
import { deploymentLifecycle } from './deploymentLifecycle';
import { driftWatch } from './driftWatch';
import { erasureRequests } from './erasureRequests';

/**
 * The one list of tuneloop's functions. Each entry comes from its own file in this folder;
 * settings decide the variable parts (job queue transport, schedules).
 */
export function functionDefinitions(settings: RegistrationSettings): FunctionDefinition[] {
  return [preprocess(settings), nightlyRetrain, fineTuneJobs(settings), driftWatch(settings), deploymentLifecycle(settings), erasureRequests];
}
