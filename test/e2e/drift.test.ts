import tls from 'node:tls';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSettings } from '../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import { preprocessBlob } from '../../src/shared/dataset/blobPreprocess';
import { runDriftWatch } from '../../src/shared/drift/watch';
import type { DriftRun } from '../../src/shared/drift/decisionStore';
import { AppInsightsTelemetry } from '../../src/shared/telemetry/appInsights';
import { FanOutTelemetry } from '../../src/shared/telemetry/createTelemetry';
import { LocalJsonlTelemetry } from '../../src/shared/telemetry/localSink';
import { WebhookEventPublisher } from '../../src/shared/telemetry/events';
import { readTelemetryRecords } from '../../src/shared/telemetry/readSink';
import { buildDashboardData } from '../../src/shared/telemetry/dashboard';
import { CONTAINERS, QUEUES } from '../../src/shared/storage/names';
import { startPrivateAzurite } from '../setup/storage';
import { capturedMetrics, startCaptureServer, startWebhookServer, type CaptureServer } from '../shared/telemetry/captureServer';
import { secondBoundary } from '../shared/drift/fixtures';

jest.setTimeout(120_000);

const DEMO = resolve(__dirname, '../../demo');

/** Lines [from, to) of a demo JSONL file. */
async function demoLines(file: string, from: number, to: number): Promise<string> {
  const lines = (await readFile(join(DEMO, file), 'utf8')).split('\n').filter((l) => l.trim());
  return lines.slice(from, to).join('\n') + '\n';
}

/**
 * Done-when test of issue 7: simulated days of incoming chats through the real pipeline (raw-logs →
 * preprocess → curated shards) and driftWatch. The first days look like the reference (Shoply's
 * shop support); then Shoply launches a store card and the chats turn to card problems
 * (demo/data-shifted). Drift rises over its threshold, a retrain is decided and the dataset is
 * assembled, and every drift metric reaches a local HTTPS ingestion endpoint through the real
 * Application Insights exporter.
 */
describe('drift over simulated days (Azurite, real preprocessing, real exporter)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let capture: CaptureServer;
  let hook: Awaited<ReturnType<typeof startWebhookServer>>;
  let dir: string;
  let appInsights: AppInsightsTelemetry;
  const originalCas = tls.getCACertificates('default');
  const savedEnv = { ...process.env };
  let simulatedNow = new Date('2026-03-01T02:00:00Z');

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    capture = await startCaptureServer();
    hook = await startWebhookServer();
    tls.setDefaultCACertificates([...originalCas, capture.certificate]);
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-e2e-drift-'));
  });
  afterAll(async () => {
    await (appInsights as AppInsightsTelemetry | undefined)?.shutdown(); // unset when the test did not get that far
    tls.setDefaultCACertificates(originalCas);
    process.env = savedEnv;
    await capture.close();
    await hook.close();
    await azurite.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('drift rises over the threshold when the chats shift, metrics reach Application Insights, and a retrain follows', async () => {
    const settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: dir,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-0000000000e2;IngestionEndpoint=${capture.url}`,
      TUNELOOP_TELEMETRY_LOCAL_SINK: 'always',
      TUNELOOP_EVENTS_WEBHOOK_URL: hook.url,
      TUNELOOP_DRIFT_MIN_SAMPLES: '20',
    });
    appInsights = new AppInsightsTelemetry({ connectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING! });
    // The local sink gets the simulated day as its clock, so the history reads like a week.
    const local = new LocalJsonlTelemetry({ path: join(dir, 'telemetry.jsonl'), now: () => simulatedNow });
    const runtime: Runtime = createRuntime(settings, {
      storage: azurite.storage,
      telemetry: new FanOutTelemetry([appInsights, local]),
      events: new WebhookEventPublisher(settings.TUNELOOP_EVENTS_WEBHOOK_URL!),
    });

    const upload = async (name: string, text: string) => {
      await runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
      const outcome = await preprocessBlob(runtime, name);
      expect(outcome.status).toBe('processed');
    };

    // Day 0: the shop's first chats are all there is: the reference.
    await upload('2026-03-01/chat-logs.jsonl', await demoLines('data/chat-logs.jsonl', 0, 80));
    const days: { label: string; file: string; text: string }[] = [
      { label: 'same world', file: '2026-03-02/chat-logs.jsonl', text: await demoLines('data/chat-logs.jsonl', 80, 200) },
      { label: 'card launch', file: '2026-03-03/chat-logs.jsonl', text: await demoLines('data-shifted/chat-logs.jsonl', 0, 50) },
      { label: 'card launch', file: '2026-03-04/chat-logs.jsonl', text: await demoLines('data-shifted/chat-logs.jsonl', 50, 100) },
      { label: 'card launch', file: '2026-03-05/chat-logs.jsonl', text: await demoLines('data-shifted/chat-logs.jsonl', 100, 150) },
    ];
    const runs: DriftRun[] = [];
    for (const [i, day] of days.entries()) {
      const windowStart = await secondBoundary();
      simulatedNow = new Date(Date.UTC(2026, 2, 2 + i, 2));
      await upload(day.file, day.text);
      runs.push(await runDriftWatch(runtime, { windowStart }));
    }
    const threshold = settings.TUNELOOP_DRIFT_THRESHOLD;

    // Day 1 looks like the reference: below the threshold, no retrain.
    expect(runs[0].reference).toMatchObject({ kind: 'oldest-curated' });
    expect(runs[0].score).toBeDefined();
    expect(runs[0].score!).toBeLessThan(threshold);
    expect(runs[0].decision).toEqual({ kind: 'below-threshold' });
    // Day 2: the card chats arrive; drift rises over the threshold and a retrain follows.
    expect(runs[1].score!).toBeGreaterThanOrEqual(threshold);
    expect(runs[1].score!).toBeGreaterThan(runs[0].score!);
    const issue = (r: DriftRun) => r.metrics.find((m) => m.name === 'issue_type_psi')!.value;
    expect(issue(runs[1])).toBeGreaterThan(issue(runs[0]) + 1);
    expect(runs[1].decision).toMatchObject({ kind: 'retrain', assembly: { outcome: 'submitted' } });
    const decision = runs[1].decision as { assembly: { datasetVersion: string; jobKey: string } };
    const manifest = JSON.parse(
      (
        await runtime.storage
          .container(CONTAINERS.datasets)
          .getBlobClient(`${decision.assembly.datasetVersion}/manifest.json`)
          .downloadToBuffer()
      ).toString('utf8'),
    );
    expect(manifest.counts.train).toBeGreaterThan(50);
    const queued = (await runtime.storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 10 })).peekedMessageItems;
    expect(queued.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')))).toEqual([
      expect.objectContaining({ kind: 'submit', jobKey: decision.assembly.jobKey, datasetVersion: decision.assembly.datasetVersion }),
    ]);
    // Days 3 and 4: still shifted; the cooldown holds back another retrain while the first one trains.
    for (const run of runs.slice(2)) {
      expect(run.score!).toBeGreaterThanOrEqual(threshold);
      expect(run.decision).toMatchObject({ kind: 'cooldown', lastRetrainAt: runs[1].windowEnd });
    }

    // The real exporter delivered every drift score, with its dimensions, to the ingestion endpoint.
    await appInsights.flush();
    await capture.waitFor((all) => capturedMetrics(all).filter((m) => m.name === 'tuneloop.drift.score').length >= runs.length);
    const scores = capturedMetrics(capture.envelopes).filter((m) => m.name === 'tuneloop.drift.score');
    expect(scores.map((m) => m.value)).toEqual(runs.map((r) => expect.closeTo(r.score!, 9)));
    expect(scores[1].properties).toMatchObject({
      model: 'none',
      dataset_version: 'none',
      reference: 'oldest-curated',
      driven_by: runs[1].scoreDrivenBy,
    });
    const captured = new Set(capturedMetrics(capture.envelopes).map((m) => m.name));
    for (const name of [
      'tuneloop.drift.issue_type_psi',
      'tuneloop.drift.issue_type_jsd',
      'tuneloop.drift.length_psi',
      'tuneloop.drift.turns_psi',
      'tuneloop.drift.token_jsd',
      'tuneloop.drift.oov_rate',
      'tuneloop.drift.quarantine_share',
      'tuneloop.preprocess.records_in',
    ]) {
      expect(captured).toContain(name);
    }
    const events = capture.envelopes.filter((e) => e.data.baseType === 'EventData').map((e) => e.data.baseData.name);
    expect(events.filter((n) => n === 'tuneloop.drift.alert')).toHaveLength(1);
    expect(events.filter((n) => n === 'tuneloop.retrain.decided')).toHaveLength(1);

    // Subscribers got CloudEvents; the local history reads like the simulated days.
    const cloudEvents = hook.received.map((r) => JSON.parse(r.body));
    expect(cloudEvents.map((e) => e.type)).toEqual(['tuneloop.dataset.assembled', 'tuneloop.drift.alert', 'tuneloop.retrain.decided']);
    expect(cloudEvents[2].data).toMatchObject({ outcome: 'submitted', job_key: decision.assembly.jobKey });
    const { records } = await readTelemetryRecords(join(dir, 'telemetry.jsonl'));
    const localScores = records.filter((r) => r.kind === 'metric' && r.name === 'tuneloop.drift.score').map((r) => r.time.slice(0, 10));
    expect(localScores).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);

    // The dashboard charts that week from the same file.
    const dashboard = buildDashboardData(records, { driftThreshold: threshold });
    const drift = dashboard.charts.find((c) => c.id === 'drift')!;
    expect(drift.series[0]).toMatchObject({ label: 'combined drift score' });
    expect(drift.series[0].points.map((p) => p[1])).toEqual(runs.map((r) => expect.closeTo(r.score!, 9)));
    expect(dashboard.charts.filter((c) => c.series.length).map((c) => c.id)).toEqual(['drift', 'csat', 'quarantine']);
  });
});
