import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadCsatByModel } from '../../../src/shared/evaluation/csat';
import { candidateTimeLimitMs, hoursPerUtcDay, runDeploymentLifecycle } from '../../../src/shared/deployments/lifecycle';
import {
  getDeploymentRecord,
  getProductionPointer,
  listDeploymentRecords,
  listHostingCosts,
  listPromotions,
  saveDeploymentRecord,
  switchProduction,
  type ModelVersion,
} from '../../../src/shared/deployments/registry';
import { FineTuningClient, createOpenAIClient } from '../../../src/shared/finetune/client';
import { handleJobMessage } from '../../../src/shared/finetune/loop';
import { JobStore, type JobRecord, type JobState } from '../../../src/shared/finetune/jobStore';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { TABLES } from '../../../src/shared/storage/names';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import type { RunningEmulator } from '../../../src/local/emulator';
import { testStorage, testStorageConnectionString, uniqueName } from '../../setup/storage';
import { emulatorSettings, startTestEmulator, trainOnEmulator, trainingJsonl } from '../finetune/fixtures';
import { openAIConnection } from '../../../src/shared/composition/config';
import type { Settings } from '../../../src/shared/config/settings';

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
      await storage.table(TABLES.feedback).createEntity({
        partitionKey: `c${i}`,
        rowKey: 'f-1',
        conversationId: `c${i}`,
        rating,
        file: 'f',
        line: 1,
        receivedAt: '2026-03-10T00:00:00.000Z',
      });
    }
    model = await trainModel(settings, run);
  });
  // Unset when beforeAll failed before creating it.
  afterAll(() => (emulator as RunningEmulator | undefined)?.close());

  const deploy = (name: string) => runtime.fineTune.deployments.deployModel({ deploymentName: name, model, backoff: FAST });

  it('charges hosting per UTC day once, retires after the grace period, keeps production alive, redeploys it when gone', async () => {
    const [prod, old, rejected] = ['prod', 'old', 'rej'].map((n) => `${run}-${n}`);
    await Promise.all([deploy(prod), deploy(old), deploy(rejected)]);
    const now = new Date('2026-03-10T12:00:00Z');
    await switchProduction(
      runtime.storage,
      { jobKey: 'j-prod', fineTunedModel: model, deploymentName: prod, datasetVersion: 'v1' },
      { expected: undefined, now: new Date('2026-03-09T12:00:00Z') },
    );
    await saveDeploymentRecord(runtime.storage, {
      deploymentName: prod,
      fineTunedModel: model,
      jobKey: 'j-prod',
      role: 'production',
      deployedAt: '2026-03-09T06:00:00Z',
      lastUsedAt: '2026-03-01T00:00:00Z',
    });
    await saveDeploymentRecord(runtime.storage, {
      deploymentName: old,
      fineTunedModel: model,
      jobKey: 'j-old',
      role: 'superseded',
      deployedAt: '2026-03-09T00:00:00Z',
      releasedAt: '2026-03-09T11:00:00Z',
    });
    await saveDeploymentRecord(runtime.storage, {
      deploymentName: rejected,
      fineTunedModel: model,
      jobKey: 'j-rej',
      role: 'rejected',
      deployedAt: '2026-03-10T09:00:00Z',
      releasedAt: '2026-03-10T10:00:00Z',
    });

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

  it("retires released deployments before the grace period ends when Azure's limit of 5 is reached", async () => {
    const now = new Date('2026-03-11T13:00:00Z');
    const names = ['a', 'b', 'c', 'd'].map((n) => `${run}-${n}`);
    for (const [i, name] of names.entries()) {
      await deploy(name);
      await saveDeploymentRecord(runtime.storage, {
        deploymentName: name,
        fineTunedModel: model,
        jobKey: `j-${name}`,
        role: 'rejected',
        deployedAt: '2026-03-11T12:00:00Z',
        releasedAt: `2026-03-11T12:0${i}:00Z`,
      });
    }
    // production + 4 released = 5 live: the oldest released one goes although its grace period has not ended.
    const result = await runDeploymentLifecycle(runtime, { now });
    expect(result.retired).toEqual([names[0]]);
    expect(await runtime.fineTune.deployments.getDeployment(names[0])).toBeUndefined();
    expect(await runtime.fineTune.deployments.getDeployment(names[1])).toBeDefined();
  });
});

/** Storage whose models, feedback and job tables are this test's own (other test files share Azurite). */
async function isolatedStorage(): Promise<StorageClients> {
  const base = testStorage();
  await base.ensureResources();
  const own = new Map<string, string>(
    [TABLES.models, TABLES.feedback, TABLES.jobs].map((t) => [t, uniqueName(t.replace(/[^a-z]/g, '').slice(0, 12))]),
  );
  for (const name of own.values()) await base.table(name).createTable();
  return { ...base, table: (n) => base.table(own.get(n) ?? n) };
}

async function trainModel(settings: Settings, run: string): Promise<string> {
  const job = await trainOnEmulator(new FineTuningClient(createOpenAIClient(openAIConnection(settings))), {
    name: run,
    train: trainingJsonl(),
    epochs: 1,
  });
  return job.fine_tuned_model!;
}

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('runDeploymentLifecycle: candidates whose evaluation never finishes (Azurite + emulator ARM)', () => {
  let emulator: RunningEmulator;
  let runtime: Runtime;
  let model: string;
  const run = uniqueName('ab');
  const now = Date.parse('2026-04-10T12:00:00Z');

  beforeAll(async () => {
    // Room for more than Azure's 5 so the scenario can hold every kind of candidate at once.
    emulator = await startTestEmulator({ maxFineTunedDeployments: 10 });
    const settings = emulatorSettings(emulator, testStorageConnectionString(), {
      TUNELOOP_DEPLOYMENT_GRACE_HOURS: '24',
      TUNELOOP_DEPLOYMENT_HOURLY_COST: '2',
      TUNELOOP_JOB_MAX_RETRIES: '2',
      TUNELOOP_POLL_DELAY_CAP_SECONDS: '600',
    });
    runtime = createRuntime(settings, { storage: await isolatedStorage(), telemetry });
    model = await trainModel(settings, run);
  });
  // Unset when beforeAll failed before creating it.
  afterAll(() => (emulator as RunningEmulator | undefined)?.close());

  const deploy = (name: string) => runtime.fineTune.deployments.deployModel({ deploymentName: name, model, backoff: FAST });

  /** A job record as the job loop leaves it, having entered `state` at `since` (deployed at `deployedAt`). */
  async function job(jobKey: string, state: JobState, since: number, extra: Partial<JobRecord> = {}): Promise<void> {
    const deployedAt = Math.min(since, extra.finishedAt ? Date.parse(extra.finishedAt) : since) - HOUR;
    const history: JobRecord['history'] = [
      { state: 'queued', at: iso(deployedAt - 3 * HOUR) },
      { state: 'succeeded', at: iso(deployedAt - HOUR) },
      { state: 'deploying', at: iso(deployedAt) },
    ];
    if (state !== 'deploying') history.push({ state: 'deployed', at: iso(state === 'deployed' ? since : deployedAt + 60_000) });
    if (state === 'evaluating' || state === 'failed' || state === 'cancelled')
      history.push({ state: 'evaluating', at: iso(state === 'evaluating' ? since : deployedAt + 120_000) });
    if (state === 'failed' || state === 'cancelled') history.push({ state, at: iso(since) });
    const created = await new JobStore(runtime.storage).create({
      jobKey,
      datasetVersion: 'v1',
      state,
      baseModel: 'gpt-4o-mini-2024-07-18',
      fineTunedModel: model,
      deploymentName: `${run}-${jobKey}`,
      expectedKind: state === 'evaluating' ? 'evaluate' : undefined,
      expectedToken: state === 'evaluating' ? `t-${jobKey}` : undefined,
      pollCount: 3,
      retries: 0,
      quotaWaits: 0,
      createdAt: history[0].at,
      updatedAt: iso(since),
      history,
      ...extra,
    });
    expect(created).toBeDefined();
  }
  const candidateRecord = (jobKey: string, deployedAt: number) =>
    saveDeploymentRecord(runtime.storage, {
      deploymentName: `${run}-${jobKey}`,
      fineTunedModel: model,
      jobKey,
      role: 'candidate',
      deployedAt: iso(deployedAt),
    });
  const name = (jobKey: string) => `${run}-${jobKey}`;
  const exists = async (jobKey: string) => (await runtime.fineTune.deployments.getDeployment(name(jobKey))) !== undefined;
  const jobState = async (jobKey: string) => (await new JobStore(runtime.storage).get(jobKey))!.record;

  it('derives the time limit from the retry budget of a job step', () => {
    // (2 retries + the first try) × (30 min step + 600 s longest backoff)
    expect(candidateTimeLimitMs(runtime.config.lifecycle)).toBe(2 * HOUR);
  });

  it('abandons failed, cancelled and stuck candidates, retires them after the grace period, and leaves production and live evaluations alone', async () => {
    const limit = candidateTimeLimitMs(runtime.config.lifecycle);
    for (const j of ['prod', 'failed', 'cancelled', 'stuck', 'within', 'leased']) await deploy(name(j));

    // Production whose job never recorded its verdict (promotion crashed after the pointer switch).
    await job('prod', 'evaluating', now - 100 * HOUR);
    await candidateRecord('prod', now - 101 * HOUR);
    await switchProduction(
      runtime.storage,
      { jobKey: 'prod', fineTunedModel: model, deploymentName: name('prod'), datasetVersion: 'v1' },
      { expected: undefined, now: new Date(now - 99 * HOUR) },
    );
    // Failed after deploy (evaluation retries exhausted) 30 h ago: grace period over.
    await job('failed', 'failed', now - 30 * HOUR, {
      finishedAt: iso(now - 30 * HOUR),
      error: 'gave up after 2 retries of the evaluate step: 503',
    });
    await candidateRecord('failed', now - 32 * HOUR);
    // Cancelled 1 h ago, before evaluation wrote any deployment record: grace period runs.
    await job('cancelled', 'cancelled', now - HOUR, { finishedAt: iso(now - HOUR) });
    // Evaluating for limit + 25 h, no lease: beyond the limit and the grace period after it.
    await job('stuck', 'evaluating', now - limit - 25 * HOUR);
    await candidateRecord('stuck', now - limit - 26 * HOUR);
    // Evaluating for 1 h: within the limit.
    await job('within', 'evaluating', now - HOUR);
    await candidateRecord('within', now - 2 * HOUR);
    // Evaluating for 30 h, but a step holds the lease right now.
    await job('leased', 'evaluating', now - 30 * HOUR, { leaseOwner: 'invocation-1', leaseUntil: iso(now + 5 * 60_000) });
    await candidateRecord('leased', now - 31 * HOUR);
    const first = await runDeploymentLifecycle(runtime, { now: new Date(now) });
    expect(first.abandoned.map((a) => a.jobKey).sort()).toEqual(['cancelled', 'failed', 'stuck']);
    expect(first.abandoned.find((a) => a.jobKey === 'stuck')).toMatchObject({ releasedAt: iso(now - 25 * HOUR), deployed: true });
    expect(first.abandoned.find((a) => a.jobKey === 'failed')!.reason).toContain('gave up after 2 retries');
    // 6 live before, 4 after: below Azure's limit, so the cancelled one keeps its grace period.
    expect(first.retired.sort()).toEqual([name('failed'), name('stuck')].sort());
    expect(first.problems).toEqual([]);

    expect(await exists('failed')).toBe(false);
    expect(await exists('stuck')).toBe(false);
    expect(await exists('cancelled')).toBe(true);
    expect(await getDeploymentRecord(runtime.storage, name('cancelled'))).toMatchObject({
      role: 'abandoned',
      jobKey: 'cancelled',
      releasedAt: iso(now - HOUR),
      deployedAt: iso(now - 2 * HOUR),
    });
    // The adopted deployment is charged from its job's deploy on (2 h at $2).
    expect(first.charged.find((c) => c.deploymentName === name('cancelled'))).toMatchObject({ hours: 2, costUsd: 4 });

    // The stuck job is failed, so its late evaluate message is a no-op instead of evaluating a deleted deployment.
    const stuck = await jobState('stuck');
    expect(stuck).toMatchObject({ state: 'failed', finishedAt: iso(now) });
    expect(stuck.expectedKind).toBeUndefined();
    expect(stuck.error).toContain('did not finish within 2 h');
    expect(stuck.history.at(-1)).toMatchObject({ state: 'failed', at: iso(now) });
    // Failed through the job service, like the job loop's failures: the same duration metric.
    expect(metrics.some((m) => m.name === 'tuneloop.job.duration_s' && m.dimensions?.outcome === 'failed')).toBe(true);
    const late = await handleJobMessage(runtime, { kind: 'evaluate', jobKey: 'stuck', token: 't-stuck' });
    expect(late.action).toBe('ignored');

    // Untouched: production (its record repaired to production), the evaluation within its limit, the leased one.
    expect(await exists('prod')).toBe(true);
    expect((await jobState('prod')).state).toBe('evaluating');
    expect((await getDeploymentRecord(runtime.storage, name('prod')))!.role).toBe('production');
    for (const j of ['within', 'leased']) {
      expect(await exists(j)).toBe(true);
      expect((await jobState(j)).state).toBe('evaluating');
      expect((await getDeploymentRecord(runtime.storage, name(j)))!.role).toBe('candidate');
    }
    expect((await jobState('failed')).state).toBe('failed');

    // Same moment again: nothing new.
    const again = await runDeploymentLifecycle(runtime, { now: new Date(now) });
    expect(again).toMatchObject({ abandoned: [], retired: [] });

    // A day later: the cancelled one's grace period is over; the lease ran out; the one within its limit is now beyond it.
    const later = await runDeploymentLifecycle(runtime, { now: new Date(now + 24 * HOUR) });
    expect(later.abandoned.map((a) => a.jobKey).sort()).toEqual(['leased', 'within']);
    expect(later.abandoned.find((a) => a.jobKey === 'within')!.releasedAt).toBe(iso(now - HOUR + limit));
    expect(later.retired.sort()).toEqual([name('cancelled'), name('leased')].sort());
    expect(await exists('within')).toBe(true);
    expect((await getDeploymentRecord(runtime.storage, name('within')))!.role).toBe('abandoned');
    expect(await exists('prod')).toBe(true);
    expect(
      (await listDeploymentRecords(runtime.storage))
        .filter((r) => r.role === 'retired')
        .map((r) => r.deploymentName)
        .sort(),
    ).toEqual(['cancelled', 'failed', 'leased', 'stuck'].map(name).sort());
  });

  it("records a failed job's deployment that no longer exists as gone, and reports a candidate without a job instead of deleting it", async () => {
    await job('nodeploy', 'failed', now - 3 * HOUR, { finishedAt: iso(now - 3 * HOUR), error: 'deploy: provisioning failed' });
    await deploy(name('orphan'));
    await saveDeploymentRecord(runtime.storage, {
      deploymentName: name('orphan'),
      fineTunedModel: model,
      jobKey: 'orphan',
      role: 'candidate',
      deployedAt: iso(now - 50 * HOUR),
    });
    const result = await runDeploymentLifecycle(runtime, { now: new Date(now) });
    expect(result.abandoned).toEqual([expect.objectContaining({ jobKey: 'nodeploy', deployed: false })]);
    expect(result.problems).toEqual([
      expect.stringContaining(`candidate deployment ${name('orphan')} (job orphan) has had no verdict since`),
    ]);
    expect(await exists('orphan')).toBe(true);
    expect((await getDeploymentRecord(runtime.storage, name('orphan')))!.role).toBe('candidate');
    // Deleted by hand, as the problem says: recorded as gone, no longer reported.
    await runtime.fineTune.deployments.deleteDeployment(name('orphan'));
    const after = await runDeploymentLifecycle(runtime, { now: new Date(now) });
    expect(after.problems).toEqual([]);
    expect(await getDeploymentRecord(runtime.storage, name('orphan'))).toMatchObject({ role: 'gone', retiredAt: iso(now) });
    expect(await getDeploymentRecord(runtime.storage, name('nodeploy'))).toMatchObject({ role: 'gone', retiredAt: iso(now) });
    expect(result.charged.find((c) => c.deploymentName === name('nodeploy'))).toBeUndefined();
    expect(after.abandoned).toEqual([]);
  });
});

describe('promotion history survives a crash between the pointer switch and the history write (Azurite + emulator ARM)', () => {
  let emulator: RunningEmulator;
  let runtime: Runtime;
  let storage: StorageClients;
  let model: string;
  const run = uniqueName('ph');
  let crashArmed = false;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const settings = emulatorSettings(emulator, testStorageConnectionString());
    storage = await isolatedStorage();
    runtime = createRuntime(settings, { storage, telemetry });
    model = await trainModel(settings, run);
    for (const n of ['a', 'b']) await runtime.fineTune.deployments.deployModel({ deploymentName: `${run}-${n}`, model, backoff: FAST });
    // Ratings: one while A is production, one while B is.
    for (const [i, [rating, at]] of (
      [
        [2, '2026-05-01T12:00:00Z'],
        [5, '2026-05-02T12:00:00Z'],
      ] as const
    ).entries()) {
      await storage
        .table(TABLES.feedback)
        .createEntity({ partitionKey: `c${i}`, rowKey: 'f-1', conversationId: `c${i}`, rating, file: 'f', line: 1, receivedAt: at });
    }
  });
  // Unset when beforeAll failed before creating it.
  afterAll(() => (emulator as RunningEmulator | undefined)?.close());

  /**
   * The real models table in Azurite, except that the first promotion-history write after arming
   * fails as if the process died there (the one place no real local component can crash on cue).
   */
  const crashing: () => StorageClients = () => ({
    ...storage,
    table: (n: string) => {
      const table = storage.table(n);
      if (n !== TABLES.models) return table;
      return new Proxy(table, {
        get(target, prop) {
          if (prop === 'upsertEntity') {
            return (entity: { partitionKey: string }, ...rest: unknown[]) => {
              if (crashArmed && entity.partitionKey === 'promotion') {
                crashArmed = false;
                return Promise.reject(new Error('simulated crash after the pointer switch'));
              }
              return (target.upsertEntity as (...a: unknown[]) => unknown)(entity, ...rest);
            };
          }
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  });
  const version = (n: string): ModelVersion => ({
    jobKey: `j-${n}`,
    fineTunedModel: model,
    deploymentName: `${run}-${n}`,
    datasetVersion: `v-${n}`,
  });

  it('the next lifecycle run re-creates the lost row from the pointer, so CSAT goes to the right model', async () => {
    crashArmed = true;
    await expect(
      switchProduction(crashing(), version('a'), { expected: undefined, now: new Date('2026-05-01T00:00:00Z') }),
    ).rejects.toThrow('simulated crash');
    expect((await getProductionPointer(storage))!.jobKey).toBe('j-a');
    expect(await listPromotions(storage)).toEqual([]);
    // Without the row, A's rating is counted as before tuneloop.
    expect((await loadCsatByModel(storage)).map((c) => [c.jobKey, c.ratings])).toEqual([['(before tuneloop)', 2]]);

    const repaired = await runDeploymentLifecycle(runtime, { now: new Date('2026-05-01T13:00:00Z') });
    expect(repaired.repairedPromotion).toBe(1);
    expect(await listPromotions(storage)).toEqual([
      { ...version('a'), sequence: 1, promotedAt: '2026-05-01T00:00:00.000Z', previousJobKey: undefined },
    ]);
    expect(repaired.productionCsat).toEqual({ jobKey: 'j-a', ratings: 2, meanCsat: 3.5 });
    expect((await runDeploymentLifecycle(runtime, { now: new Date('2026-05-01T14:00:00Z') })).repairedPromotion).toBeUndefined();
  });

  it('a promotion re-creates the lost row of the promotion it replaces, before any lifecycle run', async () => {
    crashArmed = true;
    const a = (await getProductionPointer(storage))!;
    await expect(switchProduction(crashing(), version('b'), { expected: a, now: new Date('2026-05-02T00:00:00Z') })).rejects.toThrow(
      'simulated crash',
    );
    const b = (await getProductionPointer(storage))!;
    expect(b).toMatchObject({ jobKey: 'j-b', sequence: 2, previousJobKey: 'j-a' });
    expect((await listPromotions(storage)).map((p) => p.sequence)).toEqual([1]);

    await switchProduction(storage, version('c'), { expected: b, now: new Date('2026-05-03T00:00:00Z') });
    const history = await listPromotions(storage);
    expect(history.map((p) => [p.sequence, p.jobKey, p.previousJobKey])).toEqual([
      [1, 'j-a', undefined],
      [2, 'j-b', 'j-a'],
      [3, 'j-c', 'j-b'],
    ]);
    expect(history[1].promotedAt).toBe('2026-05-02T00:00:00.000Z');
    const csat = await loadCsatByModel(storage);
    expect(csat.map((c) => [c.jobKey, c.ratings, c.meanCsat])).toEqual([
      ['j-a', 1, 2],
      ['j-b', 1, 5],
      ['j-c', 0, undefined],
    ]);
  });

  it('reports a damaged pointer row as a problem and still runs the rest', async () => {
    const damaged = await isolatedStorage();
    await damaged.table(TABLES.models).createEntity({
      partitionKey: 'production',
      rowKey: 'current',
      jobKey: 'j-a',
      fineTunedModel: model,
      deploymentName: `${run}-a`,
      datasetVersion: 'v-a',
      sequence: 'two',
      promotedAt: '2026-05-01T00:00:00Z',
    });
    const result = await runDeploymentLifecycle({ ...runtime, storage: damaged }, { now: new Date('2026-05-01T02:00:00Z') });
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^promotion history: production pointer \(table \w+, production\/current\) has sequence NaN; expected a whole number/,
      ),
    ]);
    expect(await listPromotions(damaged)).toEqual([]);
    expect(result.charged.map((c) => c.deploymentName)).toEqual([`${run}-a`]);
  });

  it('puts deployment roles back in line with the pointer when a promotion stopped before updating them', async () => {
    // Pointer = c (above), but evaluate's role updates never ran: b still says production, c candidate.
    const c = (await getProductionPointer(storage))!;
    await saveDeploymentRecord(storage, {
      deploymentName: `${run}-b`,
      fineTunedModel: model,
      jobKey: 'j-b',
      role: 'production',
      deployedAt: '2026-05-01T23:00:00Z',
    });
    await saveDeploymentRecord(storage, {
      deploymentName: `${run}-c`,
      fineTunedModel: model,
      jobKey: 'j-c',
      role: 'candidate',
      deployedAt: '2026-05-02T23:00:00Z',
    });
    await runDeploymentLifecycle(runtime, { now: new Date('2026-05-03T01:00:00Z') });
    expect(await getDeploymentRecord(storage, `${run}-b`)).toMatchObject({ role: 'superseded', releasedAt: c.promotedAt });
    expect((await getDeploymentRecord(storage, `${run}-c`))!.role).toBe('production');
  });
});
