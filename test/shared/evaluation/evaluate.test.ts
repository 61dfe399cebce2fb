import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import type { Settings } from '../../../src/shared/config/settings';
import { evaluateCandidate } from '../../../src/shared/evaluation/evaluate';
import type { Candidate } from '../../../src/shared/finetune/ports';
import {
  getDeploymentRecord,
  getProductionPointer,
  listPromotions,
  ProductionPointerConflictError,
  saveDeploymentRecord,
  switchProduction,
} from '../../../src/shared/deployments/registry';
import { loadReport } from '../../../src/shared/evaluation/evaluationReport';
import { OOS_PROBES } from '../../../src/shared/evaluation/oosProbes';
import { OOS_PROBE_MAX_TOKENS } from '../../../src/shared/evaluation/oos';
import { HoldoutFormatError, HoldoutNotFoundError } from '../../../src/shared/evaluation/holdout';
import { FineTuningClient, createOpenAIClient } from '../../../src/shared/finetune/client';
import { DeploymentsClient, deploymentNameFor } from '../../../src/shared/deployments/armDeployments';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../../../src/shared/storage/names';
import type { CloudEvent, EventPublisher } from '../../../src/shared/telemetry/events';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import type { RecordedRequest, RunningEmulator } from '../../../src/local/emulator';
import { testStorage, testStorageConnectionString, uniqueName } from '../../setup/storage';
import { emulatorSettings, FAST_BACKOFF as FAST, startTestEmulator, trainOnEmulator } from '../finetune/fixtures';
import { bankingHoldout, bankingTrainingFiles } from './banking';
import { armDeploymentTarget, openAIConnection } from '../../../src/shared/composition/config';

/**
 * evaluateCandidate end to end on real components: Azurite, the emulator over HTTP (training a
 * real small model on BANKING77 messages, ARM deployments, chat completions). Only telemetry and
 * the event publisher are in-memory recorders (the local sinks are tested by the telemetry area).
 */

/** Storage whose `models` table is private to this file, so parallel test files cannot move our production pointer. */
function isolatedStorage(base: StorageClients, modelsTable: string): StorageClients {
  return { ...base, table: (name) => base.table(name === TABLES.models ? modelsTable : name) };
}

class RecordingTelemetry implements Telemetry {
  metrics: { name: string; value: number; dimensions?: Record<string, unknown> }[] = [];
  events: { name: string; properties?: Record<string, unknown> }[] = [];
  trackMetric(name: string, value: number, dimensions?: Record<string, unknown>) {
    this.metrics.push({ name, value, dimensions });
  }
  trackEvent(name: string, properties?: Record<string, unknown>) {
    this.events.push({ name, properties });
  }
  async flush() {}
}

class RecordingEvents implements EventPublisher {
  readonly target = 'memory';
  published: CloudEvent[] = [];
  async publish(events: CloudEvent[]) {
    this.published.push(...events);
  }
}

const SLOW_SUFFIX = '-slow';

describe('evaluateCandidate (Azurite + emulator)', () => {
  let emulator: RunningEmulator;
  let settings: Settings;
  let runtime: Runtime;
  let telemetry: RecordingTelemetry;
  let events: RecordingEvents;
  let fineTuning: FineTuningClient;
  let deployments: DeploymentsClient;
  const datasetVersion = uniqueName('v');
  const run = uniqueName('r');
  const deployed: string[] = [];
  /** Chat completion requests the emulator answered, as sent. */
  const chatRequests: RecordedRequest[] = [];

  /** The emulator, like Azure, allows 5 fine-tuned deployments: delete all but production. */
  async function freeDeployments(): Promise<void> {
    const production = (await getProductionPointer(runtime.storage))?.deploymentName;
    for (const name of deployed.splice(0)) {
      if (name === production) deployed.push(name);
      else await deployments.deleteDeployment(name);
    }
  }

  /** Trains on the given files, deploys, and returns the candidate as the finetune loop would hand it over. */
  async function trainAndDeploy(name: string, files: { train: string; validation: string }): Promise<Candidate> {
    const job = await trainOnEmulator(fineTuning, { name: `${run}-${name}`, train: files.train, validation: files.validation, epochs: 2 });
    expect(job.status).toBe('succeeded');
    const jobKey = `${run}-${name}`;
    const deploymentName = deploymentNameFor(jobKey);
    await deployments.deployModel({ deploymentName, model: job.fine_tuned_model!, backoff: FAST });
    deployed.push(deploymentName);
    return { jobKey, fineTunedModel: job.fine_tuned_model!, deploymentName, datasetVersion, resultFileId: job.result_files.at(0) };
  }

  beforeAll(async () => {
    emulator = await startTestEmulator({
      onRequest: (request) => {
        if (request.path.endsWith('/chat/completions')) chatRequests.push(request);
      },
      // A fixed service time per request, much larger than localhost jitter, and a slow one for the latency case.
      latencyMs: ({ deployment }) => (deployment.endsWith(SLOW_SUFFIX) ? 300 : 5),
      // With only 5 intents x 20 questions, the default 0.2 retrieval threshold lets shared words such as
      // "what is" / "tell me" match (about half the probes get a banking reply); 0.35 behaves like a larger corpus.
      outOfScopeThreshold: 0.35,
      // Azure's content filter, emulated: every answer of a "-flagged" deployment is withheld as violent,
      // and its answers mentioning a card are annotated (not filtered) as low-severity hate.
      contentFilter: [
        { deployment: /-flagged$/, pattern: /card/i, category: 'hate', severity: 'low' },
        { deployment: /-flagged$/, pattern: /[a-z]/i, category: 'violence', filtered: true },
      ],
    });
    settings = emulatorSettings(emulator, testStorageConnectionString(), {
      // p95 of ~5 ms requests on a busy 2-core machine can jump several-fold; the latency rule
      // itself is tested in gate.test.ts, here it must only catch the 60x slower deployment.
      TUNELOOP_GATE_MAX_LATENCY_GROWTH: '3',
      // The holdouts here have 5 conversations: the minimum for a verdict is tested in gate.test.ts;
      // here the decisions come from the metrics themselves.
      TUNELOOP_GATE_MIN_ITEMS: '1',
    });
    const base = testStorage();
    await base.ensureResources();
    const modelsTable = uniqueName('models');
    await base.table(modelsTable).createTable();
    telemetry = new RecordingTelemetry();
    events = new RecordingEvents();
    runtime = createRuntime(settings, { storage: isolatedStorage(base, modelsTable), telemetry, events });
    fineTuning = new FineTuningClient(createOpenAIClient(openAIConnection(settings)));
    deployments = new DeploymentsClient(armDeploymentTarget(settings));
    // The dataset also puts intent-labelling examples into the holdout; evaluation must not ask them as conversations.
    const intentExample = JSON.stringify({
      conversation_id: 'b77-test-0',
      kind: 'intent',
      issue_type: 'card_arrival',
      example: {
        messages: [
          { role: 'system', content: 'You label customer-service conversations.' },
          { role: 'user', content: 'Conversation:\ncustomer: where is my card' },
          { role: 'assistant', content: 'card_arrival' },
        ],
      },
    });
    const holdout = `${intentExample}\n${bankingHoldout()}`;
    await base
      .container(CONTAINERS.datasets)
      .getBlockBlobClient(`${datasetVersion}/holdout.records.jsonl`)
      .upload(holdout, Buffer.byteLength(holdout));
  });
  // Unset when beforeAll failed before starting it.
  afterAll(() => (emulator as RunningEmulator | undefined)?.close());

  let first: Candidate;

  it('promotes the first good candidate on absolute floors and records everything', async () => {
    first = await trainAndDeploy('good', bankingTrainingFiles());
    const outcome = await evaluateCandidate(runtime, first);
    const r = outcome.report;
    expect(r.mode).toBe('absolute');
    expect(r.reasons).toEqual([]);
    expect(outcome.decision).toBe('promote');
    expect(r.holdout).toMatchObject({ records: 25, replyTasks: 25, intentTasks: 25 });
    expect(outcome.metrics.bleu!).toBeGreaterThan(40);
    expect(outcome.metrics.intentF1!).toBeGreaterThan(0.6);
    expect(outcome.metrics.oosHandled!).toBeGreaterThan(0.8);
    // The emulator adds 5 ms per completion (timers may fire a little early).
    expect(outcome.metrics.latencyP95Ms!).toBeGreaterThanOrEqual(4);
    expect(outcome.metrics.perplexity!).toBeGreaterThan(1);
    expect(r.training.lossCurve.length).toBeGreaterThan(0);
    expect(r.candidate.errors).toEqual([]);

    // One request per probe, each asking for OOS_PROBE_MAX_TOKENS (Azure counts max_tokens against the quota).
    const probeTexts = new Set(OOS_PROBES.map((p) => p.text));
    const asked = chatRequests
      .filter((q) => q.path.includes(`/deployments/${first.deploymentName}/`))
      .map((q) => q.body as { messages: { role: string; content: string }[]; max_tokens?: number });
    const probes = asked.filter((b) => probeTexts.has(b.messages.at(-1)!.content));
    expect(probes).toHaveLength(OOS_PROBES.length);
    expect(new Set(probes.map((b) => b.max_tokens))).toEqual(new Set([OOS_PROBE_MAX_TOKENS]));
    expect(asked.length).toBe(r.holdout.replyTasks + r.holdout.intentTasks + OOS_PROBES.length);

    const pointer = await getProductionPointer(runtime.storage);
    expect(pointer).toMatchObject({ jobKey: first.jobKey, deploymentName: first.deploymentName, sequence: 1 });
    expect(await getDeploymentRecord(runtime.storage, first.deploymentName)).toMatchObject({ role: 'production' });
    const row = await runtime.storage.table(TABLES.evaluations).getEntity(first.jobKey, 'summary');
    expect(row).toMatchObject({ decision: 'promote', bleuPassed: true, intentF1Passed: true });
    expect(row.bleu).toBeCloseTo(outcome.metrics.bleu!, 9);

    const html = await runtime.storage.container(CONTAINERS.evalReports).getBlobClient(`${first.jobKey}/report.html`).downloadToBuffer();
    expect(html.toString()).toContain('<canvas id="loss-chart">');
    expect((await loadReport(runtime.storage, first.jobKey)).decision).toBe('promote');

    const names = new Set(telemetry.metrics.map((m) => m.name));
    for (const n of [
      'tuneloop.eval.bleu',
      'tuneloop.eval.intent_f1',
      'tuneloop.eval.perplexity',
      'tuneloop.eval.latency_p95_ms',
      'tuneloop.eval.oos_handled',
    ]) {
      expect(names).toContain(n);
    }
    expect(events.published.map((e) => e.type)).toEqual(['tuneloop.model.promoted']);
  });

  it('rejects a candidate trained on corrupted data, keeps production and the report', async () => {
    const worse = await trainAndDeploy('corrupt', bankingTrainingFiles({ corrupt: true }));
    const outcome = await evaluateCandidate(runtime, worse);
    expect(outcome.decision).toBe('reject');
    expect(outcome.report.mode).toBe('relative');
    const failed = outcome.report.checks.filter((c) => !c.passed).map((c) => c.metric);
    expect(failed).toEqual(expect.arrayContaining(['bleu', 'intentF1']));
    expect(outcome.report.production!.deploymentName).toBe(first.deploymentName);
    expect((await getProductionPointer(runtime.storage))!.jobKey).toBe(first.jobKey);
    expect(await getDeploymentRecord(runtime.storage, worse.deploymentName)).toMatchObject({ role: 'rejected' });
    expect((await loadReport(runtime.storage, worse.jobKey)).decision).toBe('reject');
    expect(events.published.map((e) => e.type)).toEqual(['tuneloop.model.promoted', 'tuneloop.model.rejected']);

    // A redelivered evaluate message gets the stored verdict, without asking the models again.
    const again = await evaluateCandidate(runtime, worse);
    expect(again).toMatchObject({ decision: 'reject', alreadyEvaluated: true });
    expect(events.published).toHaveLength(2);
  });

  it('rejects an equally good but much slower candidate on p95 latency', async () => {
    const good = await trainAndDeploy('good2', bankingTrainingFiles());
    const slow = { ...good, jobKey: `${good.jobKey}-s`, deploymentName: `${good.deploymentName}${SLOW_SUFFIX}` };
    await deployments.deployModel({ deploymentName: slow.deploymentName, model: slow.fineTunedModel, backoff: FAST });
    deployed.push(slow.deploymentName);
    // A smaller holdout and four probes keep 300 ms requests affordable.
    const version = uniqueName('small');
    const small = bankingHoldout(1);
    await runtime.storage
      .container(CONTAINERS.datasets)
      .getBlockBlobClient(`${version}/holdout.records.jsonl`)
      .upload(small, Buffer.byteLength(small));
    const outcome = await evaluateCandidate(runtime, { ...slow, datasetVersion: version }, { oosProbes: OOS_PROBES.slice(0, 4) });
    expect(outcome.report.checks.filter((c) => !c.passed && c.metric !== 'latencyP95Ms')).toEqual([]);
    // The p95 ratio is about 60 (300 ms vs 5 ms); the limit is the looser of 4 (growth 3) and
    // 1 + 50 ms / production's p95 (the default allowance: about 11 at 5 ms). With ~15 requests per
    // model one production request slowed by a busy machine can pull the ratio's 95 % interval below
    // the limit: then the gate must say inconclusive (never promote), and its interval must show why.
    // (On a machine loaded past ~20 runnable processes, production's own 5 ms requests have been seen
    // at 80 ms, so even the point ratio can fall under the limit: the decision must then follow the interval.)
    const latency = outcome.report.checks.find((c) => c.metric === 'latencyP95Ms')!;
    expect(latency.interval!.of).toBe('ratio');
    expect(latency.interval!.estimate).toBeGreaterThan(1);
    const production = latency.production as number;
    expect(latency.threshold).toBeCloseTo(Math.max(4, 1 + 50 / production), 10);
    if (latency.interval!.low > latency.threshold!) expect([outcome.decision, latency.verdict]).toEqual(['reject', 'fail']);
    else if (latency.interval!.high > latency.threshold!) expect([outcome.decision, latency.verdict]).toEqual(['inconclusive', 'unsure']);
    else expect(latency.verdict).toBe('pass');
  });

  it('counts content filter results per category and rejects a candidate whose answers were filtered', async () => {
    await freeDeployments();
    const good = await trainAndDeploy('good-cf', bankingTrainingFiles());
    const flagged = { ...good, jobKey: `${good.jobKey}-f`, deploymentName: `${good.deploymentName}-flagged` };
    await deployments.deployModel({ deploymentName: flagged.deploymentName, model: flagged.fineTunedModel, backoff: FAST });
    deployed.push(flagged.deploymentName);
    const version = uniqueName('cf');
    const small = bankingHoldout(1);
    await runtime.storage
      .container(CONTAINERS.datasets)
      .getBlockBlobClient(`${version}/holdout.records.jsonl`)
      .upload(small, Buffer.byteLength(small));
    const outcome = await evaluateCandidate(runtime, { ...flagged, datasetVersion: version }, { oosProbes: OOS_PROBES.slice(0, 4) });
    const filter = outcome.report.candidate.contentFilter!;
    expect(filter.withResults).toBeGreaterThan(0);
    expect(filter.filtered).toBe(filter.withResults);
    expect(filter.byCategory.violence).toEqual({ annotated: filter.withResults, filtered: filter.withResults });
    // Production (not flagged) answered with every category "safe".
    expect(outcome.report.production!.contentFilter).toMatchObject({ filtered: 0, annotated: 0 });
    expect(outcome.report.checks.find((c) => c.metric === 'contentFiltered')).toMatchObject({ candidate: 1, verdict: 'fail' });
    expect(outcome.decision).toBe('reject');
  });

  it('promotes a second good candidate against production and supersedes the old one', async () => {
    const next = await trainAndDeploy('good3', bankingTrainingFiles());
    const outcome = await evaluateCandidate(runtime, next);
    expect(outcome.report.mode).toBe('relative');
    expect(outcome.decision).toBe('promote');
    expect(await getProductionPointer(runtime.storage)).toMatchObject({ jobKey: next.jobKey, sequence: 2 });
    expect(await getDeploymentRecord(runtime.storage, first.deploymentName)).toMatchObject({ role: 'superseded' });
    expect((await listPromotions(runtime.storage)).map((p) => p.jobKey)).toEqual([first.jobKey, next.jobKey]);

    // A delivery that crashed after switching the pointer, before recording its verdict and roles:
    // the redelivery finishes it without asking the models or promoting twice.
    await runtime.storage.table(TABLES.evaluations).deleteEntity(next.jobKey, 'summary');
    await saveDeploymentRecord(runtime.storage, { deploymentName: next.deploymentName, role: 'candidate' });
    await saveDeploymentRecord(runtime.storage, { deploymentName: first.deploymentName, role: 'production' });
    const metricsBefore = telemetry.metrics.length;
    const again = await evaluateCandidate(runtime, next);
    expect(again).toMatchObject({ decision: 'promote', alreadyEvaluated: true });
    expect(telemetry.metrics).toHaveLength(metricsBefore);
    expect(await getProductionPointer(runtime.storage)).toMatchObject({ jobKey: next.jobKey, sequence: 2 });
    expect(await getDeploymentRecord(runtime.storage, next.deploymentName)).toMatchObject({ role: 'production' });
    expect(await getDeploymentRecord(runtime.storage, first.deploymentName)).toMatchObject({ role: 'superseded' });
    expect(await runtime.storage.table(TABLES.evaluations).getEntity(next.jobKey, 'summary')).toMatchObject({ decision: 'promote' });
  });

  it('lists a few failed requests in the report, and stops with the service error when too many fail', async () => {
    await freeDeployments();
    const candidate = await trainAndDeploy('flaky', bankingTrainingFiles());
    // No client retries, so each injected 500 is one failed request.
    const openai = createOpenAIClient(openAIConnection(settings), { maxRetries: 0 });
    emulator.injectFault({ fault: '500', path: `/deployments/${candidate.deploymentName}/chat`, times: 3 });
    try {
      const outcome = await evaluateCandidate(runtime, candidate, { openai });
      expect(outcome.report.candidate.errors).toHaveLength(3);
      expect(outcome.report.candidate.errors[0].message).toMatch(/500/);
    } finally {
      emulator.clearFaults();
    }
    const broken = { ...(await trainAndDeploy('broken', bankingTrainingFiles())) };
    emulator.injectFault({ fault: '500', path: `/deployments/${broken.deploymentName}/chat`, times: 1000 });
    try {
      await expect(evaluateCandidate(runtime, broken, { openai })).rejects.toMatchObject({
        status: 500,
        message: expect.stringMatching(new RegExp(`^\\d+ of \\d+ requests to ${broken.deploymentName} failed during evaluation; first: `)),
      });
      // Nothing was decided: no verdict, production unchanged.
      await expect(runtime.storage.table(TABLES.evaluations).getEntity(broken.jobKey, 'summary')).rejects.toMatchObject({
        statusCode: 404,
      });
    } finally {
      emulator.clearFaults();
    }
  });

  it('switches the production pointer only from the state the gate saw (ETag)', async () => {
    const stale = (await getProductionPointer(runtime.storage))!;
    const winner = { jobKey: 'x1', fineTunedModel: 'm1', deploymentName: 'd1', datasetVersion };
    await switchProduction(runtime.storage, winner, { expected: stale });
    await expect(switchProduction(runtime.storage, { ...winner, jobKey: 'x2' }, { expected: stale })).rejects.toBeInstanceOf(
      ProductionPointerConflictError,
    );
    await expect(switchProduction(runtime.storage, { ...winner, jobKey: 'x3' }, { expected: undefined })).rejects.toBeInstanceOf(
      ProductionPointerConflictError,
    );
    expect((await getProductionPointer(runtime.storage))!.jobKey).toBe('x1');
  });

  it('names the missing holdout and a bad holdout line', async () => {
    const candidate = { jobKey: uniqueName('nohold'), fineTunedModel: 'm', deploymentName: 'd', datasetVersion: uniqueName('missing') };
    await expect(evaluateCandidate(runtime, candidate)).rejects.toBeInstanceOf(HoldoutNotFoundError);
    const version = uniqueName('bad');
    const text = bankingHoldout(1) + '{"conversation_id": "x", "example": {"messages": [{"role": "user", "content": 42}]}}\n';
    await runtime.storage
      .container(CONTAINERS.datasets)
      .getBlockBlobClient(`${version}/holdout.records.jsonl`)
      .upload(text, Buffer.byteLength(text));
    const failed = evaluateCandidate(runtime, { ...candidate, jobKey: uniqueName('badhold'), datasetVersion: version });
    await expect(failed).rejects.toBeInstanceOf(HoldoutFormatError);
    await expect(failed).rejects.toHaveProperty(
      'message',
      `datasets/${version}/holdout.records.jsonl:6: example.messages[0].content must be a string, an array of parts or null`,
    );
  });
});
