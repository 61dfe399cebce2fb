import { loadSettings } from '../../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { getProductionPointer, getDeploymentRecord } from '../../../src/shared/deployments/registry';
import { loadReport, saveReport } from '../../../src/shared/evaluation/evaluationReport';
import { handleJobMessage } from '../../../src/shared/finetune/loop';
import { JobStore, type JobRecord } from '../../../src/shared/finetune/jobStore';
import type { EventPublisher } from '../../../src/shared/telemetry/events';
import { isolatedStorage } from '../dataset/isolatedStorage';
import { testStorageConnectionString, uniqueName } from '../../setup/storage';
import { sampleReport } from '../evaluation/fixtures';

/** Manual promotion through the job loop's handler, on Azurite (no model calls are needed to decide). */
describe('manual promotion (awaiting-approval → approve / reject / expiry)', () => {
  let runtime: Runtime;
  const published: string[] = [];

  beforeAll(async () => {
    const storage = isolatedStorage();
    await storage.ensureResources();
    const events: EventPublisher = { target: 'memory', publish: async (e) => void published.push(...e.map((x) => x.type)) };
    const telemetry = { trackMetric() {}, trackEvent() {}, async flush() {} };
    runtime = createRuntime(loadSettings({ TUNELOOP_STORAGE: testStorageConnectionString(), TUNELOOP_PROMOTION: 'manual' }), {
      storage,
      events,
      telemetry,
    });
  });

  async function waiting(deadline: string): Promise<string> {
    const jobKey = uniqueName('appr');
    const now = new Date().toISOString();
    const report = sampleReport(jobKey);
    report.production = undefined;
    report.mode = 'absolute';
    report.decision = 'promote';
    report.approval = { status: 'awaiting', requestedAt: now, deadline };
    await saveReport(runtime.storage, report);
    const record: JobRecord = {
      jobKey,
      datasetVersion: report.datasetVersion,
      state: 'awaiting-approval',
      baseModel: 'gpt-4o-mini-2024-07-18',
      fineTunedModel: report.candidate.fineTunedModel,
      deploymentName: report.candidate.deploymentName,
      decision: 'promote',
      approvalDeadline: deadline,
      expectedKind: 'approval-check',
      expectedToken: 'check-1',
      pollCount: 0,
      retries: 0,
      quotaWaits: 0,
      createdAt: now,
      updatedAt: now,
      history: [{ state: 'awaiting-approval', at: now }],
    };
    await new JobStore(runtime.storage).create(record);
    return jobKey;
  }

  const future = () => new Date(Date.now() + 3600_000).toISOString();

  it('approve promotes, records who and when, and a second approval is a no-op', async () => {
    const jobKey = await waiting(future());
    const result = await handleJobMessage(runtime, { kind: 'approve', jobKey, by: 'alice', reason: 'replies read well' });
    expect(result).toMatchObject({ action: 'advanced', state: 'evaluated' });
    const job = (await new JobStore(runtime.storage).get(jobKey))!.record;
    expect(job).toMatchObject({ state: 'evaluated', decision: 'promote', decidedBy: 'alice', decisionReason: 'replies read well' });
    expect(job.expectedKind).toBeUndefined();
    expect(await getProductionPointer(runtime.storage)).toMatchObject({ jobKey });
    const report = await loadReport(runtime.storage, jobKey);
    expect(report.approval).toMatchObject({ status: 'approved', decidedBy: 'alice' });
    expect(report.summary).toMatch(/^Promoted: approved by alice/);
    expect(published).toContain('tuneloop.model.promoted');
    expect(await handleJobMessage(runtime, { kind: 'approve', jobKey, by: 'bob' })).toMatchObject({ action: 'ignored' });
  });

  it('reject keeps production and needs a reason', async () => {
    const before = await getProductionPointer(runtime.storage);
    const jobKey = await waiting(future());
    expect(await handleJobMessage(runtime, { kind: 'reject', jobKey, by: 'carol' })).toMatchObject({ action: 'rejected' });
    expect(await handleJobMessage(runtime, { kind: 'reject', jobKey, by: 'carol', reason: 'too curt' })).toMatchObject({
      action: 'advanced',
    });
    expect((await new JobStore(runtime.storage).get(jobKey))!.record).toMatchObject({
      state: 'evaluated',
      decision: 'reject',
      decidedBy: 'carol',
      decisionReason: 'too curt',
    });
    expect((await getProductionPointer(runtime.storage))?.jobKey).toBe(before?.jobKey);
    const report = await loadReport(runtime.storage, jobKey);
    expect(report.summary).toBe('Rejected by carol: too curt.');
    expect(await getDeploymentRecord(runtime.storage, report.candidate.deploymentName)).toMatchObject({ role: 'rejected' });
  });

  it('expires at the deadline: rejected by tuneloop, production stays', async () => {
    const jobKey = await waiting(new Date(Date.now() - 1000).toISOString());
    expect(await handleJobMessage(runtime, { kind: 'approval-check', jobKey, token: 'check-1' })).toMatchObject({ action: 'advanced' });
    expect((await new JobStore(runtime.storage).get(jobKey))!.record).toMatchObject({
      state: 'evaluated',
      decision: 'reject',
      decidedBy: 'tuneloop',
    });
    expect((await loadReport(runtime.storage, jobKey)).approval).toMatchObject({ status: 'expired' });
  });
});
