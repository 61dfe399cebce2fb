import { fineTuneJobs } from '../../src/functions/fineTuneJobs';
import { functionDefinitions } from '../../src/functions/registry';
import { loadSettings } from '../../src/shared/config/settings';
import { lazyRuntime } from '../../src/functions/runtimeSource';

// The transport is chosen by one setting; the handler is the same (it takes its runtime from the
// source it is given, never built here). (No Service Bus emulator runs
// here, so the Service Bus path is checked up to its trigger definition and settings.)
describe('fineTuneJobs transport', () => {
  const base = { TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' };

  it('uses the Storage queue finetune-jobs by default', () => {
    const def = fineTuneJobs(loadSettings(base), lazyRuntime());
    expect(def.trigger).toEqual({ type: 'storageQueue', queueName: 'finetune-jobs', connection: 'TUNELOOP_STORAGE' });
    expect(functionDefinitions(loadSettings(base), lazyRuntime()).map((d) => d.name)).toContain('fineTuneJobs');
  });

  it('uses the Service Bus queue finetune-jobs with the identity-based connection when asked', () => {
    const settings = loadSettings({
      ...base,
      TUNELOOP_JOB_TRANSPORT: 'servicebus',
      TUNELOOP_SERVICEBUS__fullyQualifiedNamespace: 'tuneloop-sb.servicebus.windows.net',
    });
    const def = fineTuneJobs(settings, lazyRuntime());
    expect(def.trigger).toEqual({ type: 'serviceBusQueue', queueName: 'finetune-jobs', connection: 'TUNELOOP_SERVICEBUS' });
    expect(def.handler.toString()).toBe(fineTuneJobs(loadSettings(base), lazyRuntime()).handler.toString());
  });

  it('names the missing namespace and the missing API key', () => {
    expect(() => loadSettings({ ...base, TUNELOOP_JOB_TRANSPORT: 'servicebus' })).toThrow(
      /TUNELOOP_SERVICEBUS__fullyQualifiedNamespace: TUNELOOP_JOB_TRANSPORT=servicebus needs/,
    );
    expect(() => loadSettings({ ...base, TUNELOOP_OPENAI_AUTH: 'apikey' })).toThrow(
      /TUNELOOP_OPENAI_API_KEY: TUNELOOP_OPENAI_AUTH=apikey needs/,
    );
    expect(() => loadSettings({ ...base, TUNELOOP_FINETUNE_SUFFIX: 'has spaces' })).toThrow(/TUNELOOP_FINETUNE_SUFFIX/);
  });
});
