import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { runDriftWatch } from '../../../src/shared/drift/watch';
import type { AssembleOptions, AssemblyOutcome } from '../../../src/shared/dataset/assembly';
import { latestRetrainDecision, listDriftRuns } from '../../../src/shared/drift/decisionStore';
import { LocalJsonlTelemetry } from '../../../src/shared/telemetry/localSink';
import { LocalEventSink } from '../../../src/shared/telemetry/events';
import { readTelemetryRecords } from '../../../src/shared/telemetry/readSink';
import { CONTAINERS, QUEUES, TABLES } from '../../../src/shared/storage/names';
import type { ChatModel } from '../../../src/shared/evaluation/chat';
import { startPrivateAzurite } from '../../setup/storage';
import { bankingConversations, coffeeConversations, secondBoundary, writeQuarantine, writeShard } from './fixtures';

jest.setTimeout(60_000);

describe('runDriftWatch (Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let dir: string;
  let runtime: Runtime;

  beforeEach(async () => {
    azurite = await startPrivateAzurite();
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-drift-'));
    const settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: dir,
      TUNELOOP_DRIFT_MIN_SAMPLES: '20',
    });
    runtime = createRuntime(settings, {
      storage: azurite.storage,
      telemetry: new LocalJsonlTelemetry({ path: join(dir, 'telemetry.jsonl') }),
      events: new LocalEventSink(join(dir, 'events.jsonl')),
    });
  });
  afterEach(async () => {
    await azurite.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('without reference data computes only the quarantine share and mean CSAT and records why the rest was skipped', async () => {
    await writeShard(runtime.storage, 'a.jsonl/1.jsonl', coffeeConversations(30, 'a'));
    // And 3 sessions left out of used chats: lines of quarantine, but not records.
    await writeQuarantine(runtime.storage, 'a.jsonl/1.jsonl', 10, 3);
    const run = await runDriftWatch(runtime);
    expect(run.reference.kind).toBe('none');
    expect(run.decision).toEqual({ kind: 'insufficient-data', reason: expect.stringContaining('no reference data') });
    expect(run.score).toBeUndefined();
    // 30 conversations (the intent lines are derived, not records in) + 10 quarantined.
    expect(run.metrics).toEqual([
      expect.objectContaining({ name: 'quarantine_share', value: 10 / 40 }),
      expect.objectContaining({ name: 'csat_mean', value: 4.5 }),
    ]);
    expect(run.skipped.map((s) => s.name).sort()).toEqual(
      [
        'csat_mean_change',
        'issue_type_jsd',
        'issue_type_psi',
        'language_psi',
        'length_psi',
        'model_bleu',
        'model_intent_f1',
        'oov_rate',
        'token_jsd',
        'turns_psi',
      ].sort(),
    );
    const { records } = await readTelemetryRecords(join(dir, 'telemetry.jsonl'));
    expect(records.filter((r) => r.kind === 'metric' && r.name === 'tuneloop.drift.quarantine_share')).toHaveLength(1);
    // Eight data metrics (language_psi among them) and two model metrics.
    expect(records.filter((r) => r.kind === 'event' && r.name === 'tuneloop.drift.metric_skipped')).toHaveLength(10);
    expect((await listDriftRuns(runtime.storage))[0]).toMatchObject({ id: run.id, decision: { kind: 'insufficient-data' } });
  });

  it('asks the assembly for a full retrain from the base model when drift reaches TUNELOOP_FULL_RETRAIN_DRIFT_SCORE, and lets it continue below', async () => {
    await writeShard(runtime.storage, 'ref.jsonl/1.jsonl', coffeeConversations(60, 'ref'));
    const start = await secondBoundary();
    await writeShard(runtime.storage, 'day1.jsonl/1.jsonl', bankingConversations(40, 'd1'));
    const asked: AssembleOptions[] = [];
    const assemble = (_r: Runtime, o: AssembleOptions): Promise<AssemblyOutcome> => {
      asked.push(o);
      return Promise.resolve({
        outcome: 'skipped',
        reason: 'unchanged',
        detail: 'assembly stand-in: this test is about what the watch asks for',
      });
    };
    const withSettings = (extra: Record<string, string>) =>
      createRuntime(
        loadSettings({
          TUNELOOP_STORAGE: azurite.connectionString,
          TUNELOOP_LOCAL_DIR: dir,
          TUNELOOP_DRIFT_MIN_SAMPLES: '20',
          TUNELOOP_DRIFT_RETRAIN_COOLDOWN_HOURS: '0',
          ...extra,
        }),
        {
          storage: azurite.storage,
        },
      );
    const large = await runDriftWatch(withSettings({ TUNELOOP_FULL_RETRAIN_DRIFT_SCORE: '0.3' }), { windowStart: start, assemble });
    expect(large.score!).toBeGreaterThanOrEqual(0.3);
    const moderate = await runDriftWatch(withSettings({ TUNELOOP_FULL_RETRAIN_DRIFT_SCORE: String(large.score! + 1) }), {
      windowStart: start,
      assemble,
    });
    expect(moderate.decision).toMatchObject({ kind: 'retrain' });
    expect(asked.map((o) => ({ trigger: o.trigger, forceFull: o.forceFull }))).toEqual([
      { trigger: 'drift', forceFull: true },
      { trigger: 'drift', forceFull: false },
    ]);
  });

  it('same world: below threshold; shifted world: retrain decided, dataset assembled, alert published; then cooldown', async () => {
    await writeShard(runtime.storage, 'ref.jsonl/1.jsonl', coffeeConversations(60, 'ref'));
    const start1 = await secondBoundary();
    await writeShard(runtime.storage, 'day1.jsonl/1.jsonl', coffeeConversations(40, 'd1'));
    const run1 = await runDriftWatch(runtime, { windowStart: start1 });
    expect(run1.reference).toMatchObject({ kind: 'oldest-curated', conversations: 60, shards: 1 });
    expect(run1.recent.conversations).toBe(40);
    expect(run1.score).toBeDefined();
    expect(run1.score!).toBeLessThan(runtime.config.drift.threshold);
    expect(run1.decision).toEqual({ kind: 'below-threshold' });
    expect(run1.metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'issue_type_psi',
        'issue_type_jsd',
        'length_psi',
        'turns_psi',
        'token_jsd',
        'oov_rate',
        'csat_mean_change',
        'quarantine_share',
      ]),
    );

    const start2 = await secondBoundary();
    await writeShard(runtime.storage, 'day2.jsonl/1.jsonl', bankingConversations(40, 'd2'));
    await writeQuarantine(runtime.storage, 'day2.jsonl/1.jsonl', 8);
    const run2 = await runDriftWatch(runtime, { windowStart: start2 });
    expect(run2.score!).toBeGreaterThanOrEqual(runtime.config.drift.threshold);
    const byName = Object.fromEntries(run2.metrics.map((m) => [m.name, m.value]));
    expect(byName.issue_type_jsd).toBeCloseTo(1, 6); // disjoint label sets: JSD (bits) = 1
    expect(byName.oov_rate).toBeGreaterThan(0.5);
    expect(byName.csat_mean_change).toBeLessThan(-1.5);
    expect(byName.quarantine_share).toBeCloseTo(8 / 48, 12);
    expect(run2.decision).toMatchObject({
      kind: 'retrain',
      assembly: { outcome: 'submitted', datasetVersion: expect.stringMatching(/^ds-/), jobKey: expect.stringMatching(/^job-ds-/) },
    });

    // The assembly really ran: a dataset version and a submit message for the job loop.
    const manifests: string[] = [];
    for await (const b of runtime.storage.container(CONTAINERS.datasets).listBlobsFlat())
      if (b.name.endsWith('manifest.json')) manifests.push(b.name);
    expect(manifests).toHaveLength(1);
    const peeked = await runtime.storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 5 });
    expect(peeked.peekedMessageItems).toHaveLength(1);

    const events = (await import('node:fs/promises')).readFile(join(dir, 'events.jsonl'), 'utf8');
    const published = (await events)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(published.map((e) => e.type)).toEqual(['tuneloop.dataset.assembled', 'tuneloop.drift.alert', 'tuneloop.retrain.decided']);
    expect(published[1]).toMatchObject({ specversion: '1.0', data: { threshold: 0.25, driven_by: run2.scoreDrivenBy } });
    expect(published[2].data).toMatchObject({ outcome: 'submitted', job_key: expect.stringMatching(/^job-ds-/) });
    expect(await latestRetrainDecision(runtime.storage)).toMatchObject({ id: run2.id, decision: { kind: 'retrain' } });

    // Still shifted an hour later: no second retrain inside the cooldown.
    const start3 = await secondBoundary();
    await writeShard(runtime.storage, 'day3.jsonl/1.jsonl', bankingConversations(40, 'd3'));
    const run3 = await runDriftWatch(runtime, { windowStart: start3 });
    expect(run3.score!).toBeGreaterThanOrEqual(0.25);
    expect(run3.decision).toMatchObject({ kind: 'cooldown', lastRetrainAt: run2.windowEnd });
    expect((await runtime.storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 5 })).peekedMessageItems).toHaveLength(1);

    const runs = await listDriftRuns(runtime.storage);
    expect(runs.map((r) => r.decision.kind)).toEqual(['cooldown', 'retrain', 'below-threshold']);
  });

  it("uses the production model's dataset as reference and measures the model on recent labelled data", async () => {
    await writeShard(runtime.storage, 'ref.jsonl/1.jsonl', coffeeConversations(40, 'ref'));
    const createdAt = await secondBoundary({ strict: true });
    // Written after the dataset was assembled: not part of the production model's training data.
    await writeShard(runtime.storage, 'later.jsonl/1.jsonl', bankingConversations(30, 'late'));
    const manifest = JSON.stringify({ version: 'ds-1', createdAt: createdAt.toISOString() });
    await runtime.storage.container(CONTAINERS.datasets).getBlockBlobClient('ds-1/manifest.json').upload(manifest, manifest.length);
    await runtime.storage.table(TABLES.models).createEntity({
      partitionKey: 'production',
      rowKey: 'current',
      jobKey: 'job-ds-1',
      fineTunedModel: 'ft:coffee-1',
      deploymentName: 'tuneloop-ft-1',
      datasetVersion: 'ds-1',
      sequence: 1,
      promotedAt: createdAt.toISOString(),
    });
    // No fine-tuned deployment runs here: this stand-in knows only coffee intents, like a model trained on the reference.
    const asked: string[] = [];
    const model: ChatModel = {
      deploymentName: 'tuneloop-ft-1',
      async complete(messages) {
        asked.push(messages[0].content);
        const text = messages.map((m) => m.content).join(' ');
        if (/answer with its issue type/.test(text))
          return { text: /card|transfer|exchange/.test(text) ? 'order_drink' : 'menu_question', latencyMs: 1 };
        return { text: 'Sure, one large latte coming right up.', latencyMs: 1 };
      },
    };
    const start = await secondBoundary();
    await writeShard(runtime.storage, 'recent.jsonl/1.jsonl', bankingConversations(24, 'r'));
    const run = await runDriftWatch(runtime, {
      windowStart: start,
      chatModel: () => model,
      assemble: async () => ({ outcome: 'skipped', reason: 'test', detail: 'not assembling here' }),
    });
    expect(run.reference).toMatchObject({ kind: 'production', datasetVersion: 'ds-1', conversations: 40, cutoff: createdAt.toISOString() });
    const byName = Object.fromEntries(run.metrics.map((m) => [m.name, m]));
    expect(byName.model_intent_f1.value).toBe(0);
    expect(byName.model_intent_f1.samples).toEqual({ recent: 24 });
    expect(byName.model_bleu.value).toBeLessThan(10);
    expect(asked.length).toBe(48);
    expect(run.decision).toMatchObject({ kind: 'retrain', assembly: { outcome: 'skipped', reason: 'test' } });
    const { records } = await readTelemetryRecords(join(dir, 'telemetry.jsonl'));
    const f1 = records.find((r) => r.kind === 'metric' && r.name === 'tuneloop.drift.model_intent_f1');
    expect(f1).toMatchObject({ value: 0, dimensions: { model: 'ft:coffee-1', dataset_version: 'ds-1', reference: 'production' } });
  });

  it('reports unreadable shard lines with file, line and reason and uses the rest', async () => {
    await writeShard(runtime.storage, 'ref.jsonl/1.jsonl', coffeeConversations(25, 'ref'), [
      '{"conversation_id": "broken"',
      '{"conversation_id":"x","kind":"conversation"}',
    ]);
    const start = await secondBoundary();
    await writeShard(runtime.storage, 'new.jsonl/1.jsonl', coffeeConversations(25, 'new'));
    const run = await runDriftWatch(runtime, { windowStart: start });
    expect(run.reference.conversations).toBe(25);
    expect(run.problems).toEqual([
      { file: 'curated/ref.jsonl/1.jsonl', line: 51, reason: expect.stringMatching(/^not JSON/) },
      { file: 'curated/ref.jsonl/1.jsonl', line: 52, reason: expect.stringMatching(/^not a curated record/) },
    ]);
  });
});
