import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { hoursPerUtcDay, runDeploymentLifecycle } from '../../../src/shared/evaluation/lifecycle';
import {
  getDeploymentRecord,
  listHostingCosts,
  saveDeploymentRecord,
  switchProduction,
} from '../../../src/shared/evaluation/models';
import { FineTuningClient, createOpenAIClient, jobPhase } from '../../../src/shared/finetune/client';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { TABLES } from '../../../src/shared/storage/names';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import type { RunningEmulator } from '../../../src/local/emulator';
import { testStorage, testStorageConnectionString, uniqueName } from '../../setup/storage';
import { emulatorSettings, startTestEmulator, trainingJsonl } from '../finetune/fixtures';

// Deployment lifecycle against real ARM calls to the emulator and the models table in Azurite.
// Telemetry is an in-memory recorder (the sinks are tested by the telemetry area).

const FAST = { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 };
const metrics: { name: string; value: number; dimensions?: Record<string, unknown> }[] = [];
const telemetry: Telemetry = {
  trackMetric: (name, value, dimensions) => void metrics.push({ name, value, dimensions }),
  trackEvent() {},
  async flush() {},
};

describe('hoursPerUtcDay', () => {
  it('splits an interval at UTC midnights', () => {
    expect(hoursPerUtcDay(new Date('2026-01-01T22:30:00Z'), new Date('2026-01-03T01:00:00Z'))).toEqual([
      { day: '2026-01-01', hours: 1.5 },
      { day: '2026-01-02', hours: 24 },
      { day: '2026-01-03', hours: 1 },
    ]);
    expect(hoursPerUtcDay(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('runDeploymentLifecycle (Azurite + emulator ARM)', () => {
  let emulator: RunningEmulator;
  let runtime: Runtime;
  let model: string;
  const run = uniqueName('lc');

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const settings = emulatorSettings(emulator, testStorageConnectionString(), {
      TUNELOOP_DEPLOYMENT_GRACE_HOURS: '24',
      TUNELOOP_DEPLOYMENT_HOURLY_COST: '2',
      TUNELOOP_DEPLOYMENT_KEEPALIVE_DAYS: '7',
    });
    const base = testStorage();
    await base.ensureResources();
    const modelsTable = uniqueName('models');
    const feedbackTable = uniqueName('feedback');
    await base.table(modelsTable).createTable();
    await base.table(feedbackTable).createTable();
    const storage: StorageClients = {
      ...base,
      table: (n) => base.table(n === TABLES.models ? modelsTable : n === TABLES.feedback ? feedbackTable : n),
    };
    runtime = createRuntime(settings, { storage, telemetry });
    // Two ratings received while the production model below was in production (preprocessing's row shape).
    for (const [i, rating] of [4, 5].entries()) {
      await storage.table(TABLES.feedback).createEntity({ partitionKey: `c${i}`, rowKey: 'f-1', conversationId: `c${i}`, rating, file: 'f', line: 1, receivedAt: '2026-03-10T00:00:00.000Z' });
    }
    const client = new FineTuningClient(createOpenAIClient(settings));
    const file = await client.uploadFile(`${run}-train.jsonl`, Buffer.from(trainingJsonl()));
    await client.waitForFile(file.id, { backoff: FAST });
    let job = await client.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: file.id, hyperparameters: { n_epochs: 1 } });
    while (jobPhase(job.status) === 'in-progress') {
      await new Promise((r) => setTimeout(r, 25));
      job = await client.getJob(job.id);
    }
    model = job.fine_tuned_model!;
  });
  afterAll(() => emulator?.close());

  const deploy = (name: string) => runtime.fineTune.deployments.deployModel({ deploymentName: name, model, backoff: FAST });

  it('charges hosting per UTC day once, retires after the grace period, keeps production alive, redeploys it when gone', async () => {
    const [prod, old, rejected] = ['prod', 'old', 'rej'].map((n) => `${run}-${n}`);
    await Promise.all([deploy(prod), deploy(old), deploy(rejected)]);
    const now = new Date('2026-03-10T12:00:00Z');
    await switchProduction(runtime.storage, { jobKey: 'j-prod', fineTunedModel: model, deploymentName: prod, datasetVersion: 'v1' }, { expected: undefined, now: new Date('2026-03-09T12:00:00Z') });
    await saveDeploymentRecord(runtime.storage, { deploymentName: prod, fineTunedModel: model, jobKey: 'j-prod', role: 'production', deployedAt: '2026-03-09T06:00:00Z', lastUsedAt: '2026-03-01T00:00:00Z' });
    await saveDeploymentRecord(runtime.storage, { deploymentName: old, fineTunedModel: model, jobKey: 'j-old', role: 'superseded', deployedAt: '2026-03-09T00:00:00Z', releasedAt: '2026-03-09T11:00:00Z' });
    await saveDeploymentRecord(runtime.storage, { deploymentName: rejected, fineTunedModel: model, jobKey: 'j-rej', role: 'rejected', deployedAt: '2026-03-10T09:00:00Z', releasedAt: '2026-03-10T10:00:00Z' });

    const first = await runDeploymentLifecycle(runtime, { now });
    expect(first.problems).toEqual([]);
    expect(first.retired).toEqual([old]);
    expect(first.keptAlive).toBe(prod);
    expect(await runtime.fineTune.deployments.getDeployment(old)).toBeUndefined();
    expect(await runtime.fineTune.deployments.getDeployment(rejected)).toBeDefined();
    expect(await getDeploymentRecord(runtime.storage, old)).toMatchObject({ role: 'retired', retiredAt: now.toISOString() });
    expect((await getDeploymentRecord(runtime.storage, prod))!.lastUsedAt).toBe(now.toISOString());
    expect(first.productionCsat).toEqual({ jobKey: 'j-prod', ratings: 2, meanCsat: 4.5 });
    expect(metrics.find((m) => m.name === 'tuneloop.model.csat')).toMatchObject({ value: 4.5, dimensions: { job: 'j-prod', ratings: 2 } });

    const costs = await listHostingCosts(runtime.storage);
    const hours = (name: string, day: string) => costs.find((c) => c.deploymentName === name && c.day === day)?.hours;
    expect(hours(prod, '2026-03-09')).toBeCloseTo(18, 9);
    expect(hours(prod, '2026-03-10')).toBeCloseTo(12, 9);
    expect(hours(old, '2026-03-09')).toBeCloseTo(24, 9);
    expect(hours(rejected, '2026-03-10')).toBeCloseTo(3, 9);
    expect(costs.find((c) => c.deploymentName === prod && c.day === '2026-03-10')!.costUsd).toBeCloseTo(24, 9);

    // The same moment again charges nothing twice and keeps nothing alive again.
    const again = await runDeploymentLifecycle(runtime, { now });
    expect(again).toMatchObject({ retired: [], charged: [] });
    expect(again.keptAlive).toBeUndefined();
    expect(await listHostingCosts(runtime.storage)).toEqual(costs);

    // Azure deleted the idle production deployment: it comes back.
    await runtime.fineTune.deployments.deleteDeployment(prod);
    const later = new Date('2026-03-11T12:00:00Z');
    const third = await runDeploymentLifecycle(runtime, { now: later });
    expect(third.redeployed).toBe(prod);
    expect(third.retired).toEqual([rejected]);
    expect(await runtime.fineTune.deployments.getDeployment(prod)).toMatchObject({ provisioningState: 'Succeeded', model });
  });

  it('retires released deployments before the grace period ends when Azure\'s limit of 5 is reached', async () => {
    const now = new Date('2026-03-11T13:00:00Z');
    const names = ['a', 'b', 'c', 'd'].map((n) => `${run}-${n}`);
    for (const [i, name] of names.entries()) {
      await deploy(name);
      await saveDeploymentRecord(runtime.storage, { deploymentName: name, fineTunedModel: model, jobKey: `j-${name}`, role: 'rejected', deployedAt: '2026-03-11T12:00:00Z', releasedAt: `2026-03-11T12:0${i}:00Z` });
    }
    // production + 4 released = 5 live: the oldest released one goes although its grace period has not ended.
    const result = await runDeploymentLifecycle(runtime, { now });
    expect(result.retired).toEqual([names[0]]);
    expect(await runtime.fineTune.deployments.getDeployment(names[0])).toBeUndefined();
    expect(await runtime.fineTune.deployments.getDeployment(names[1])).toBeDefined();
  });
});
