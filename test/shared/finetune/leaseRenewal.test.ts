import { loadSettings } from '../../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { handleJobMessage, type CandidateEvaluator } from '../../../src/shared/finetune/loop';
import { JobStore, type JobRecord } from '../../../src/shared/finetune/jobStore';
import { isolatedStorage } from '../dataset/isolatedStorage';
import { testStorageConnectionString, uniqueName } from '../../setup/storage';

/**
 * A step that runs longer than its lease (an evaluation makes hundreds of model requests) keeps
 * the lease renewed, so a duplicate delivery of its message waits instead of running the step a
 * second time alongside it. On Azurite; the evaluator is a stand-in that only takes time (the
 * real one needs a deployed model, and what is tested here is the job record's lease).
 */
describe('job lease renewal during a long step (Azurite)', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    const storage = isolatedStorage();
    await storage.ensureResources();
    const telemetry = { trackMetric() {}, trackEvent() {}, async flush() {} };
    runtime = createRuntime(loadSettings({ TUNELOOP_STORAGE: testStorageConnectionString() }), { storage, telemetry });
  });

  it('a duplicate evaluate message that arrives after the lease length finds it renewed and is rescheduled; the evaluation runs once', async () => {
    const jobKey = uniqueName('lease');
    const now = new Date().toISOString();
    const record: JobRecord = {
      jobKey,
      datasetVersion: 'v-lease-renewal',
      state: 'deployed',
      baseModel: 'gpt-4o-mini-2024-07-18',
      fineTunedModel: 'gpt-4o-mini-2024-07-18.ft-lease',
      deploymentName: `${jobKey}-dep`,
      expectedKind: 'evaluate',
      expectedToken: 'evaluate-1',
      pollCount: 0,
      retries: 0,
      quotaWaits: 0,
      createdAt: now,
      updatedAt: now,
      history: [{ state: 'deployed', at: now }],
    };
    await new JobStore(runtime.storage).create(record);

    let evaluations = 0;
    const slowEvaluator: CandidateEvaluator = async () => {
      evaluations++;
      await new Promise((resolve) => setTimeout(resolve, 9000));
      return { decision: 'reject', reportBlob: `reports/${jobKey}.json`, metrics: {} };
    };
    const message = { kind: 'evaluate', jobKey, token: 'evaluate-1' };
    // A lease of 4 s, renewed every second (a quarter of it; renewals are never more often than
    // once a second): the duplicate at 6 s comes after an unrenewed lease would have run out, and
    // a renewal would have to be 3 s late for the lease to lapse. With a 1 s lease the renewals
    // came only as often as the lease ran out, so the duplicate raced them and once took over on
    // a loaded machine.
    const options = { leaseMs: 4000, evaluate: slowEvaluator };

    const first = handleJobMessage(runtime, message, { ...options, invocationId: 'first' });
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const duplicate = await handleJobMessage(runtime, message, { ...options, invocationId: 'duplicate' });
    expect(duplicate).toMatchObject({ action: 'rescheduled', reason: 'leased by another invocation' });
    expect(await first).toMatchObject({ action: 'advanced', state: 'evaluated' });
    expect(evaluations).toBe(1);
    const after = (await new JobStore(runtime.storage).get(jobKey))!.record;
    expect(after.state).toBe('evaluated');
    expect(after.leaseOwner).toBeUndefined();
  }, 60_000);
});
