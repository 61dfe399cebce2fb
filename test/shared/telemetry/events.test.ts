import tls from 'node:tls';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../src/shared/config/settings';
import {
  createEventPublisher,
  EVENT_TYPES,
  EventGridEventPublisher,
  LocalEventSink,
  toCloudEvent,
  WebhookEventPublisher,
} from '../../../src/shared/telemetry/events';
import { notify } from '../../../src/shared/telemetry/notify';
import { LocalJsonlTelemetry } from '../../../src/shared/telemetry/localSink';
import { readTelemetryRecords } from '../../../src/shared/telemetry/readSink';
import { startCaptureServer, startWebhookServer } from './captureServer';
import { recordingCredential } from '../../setup/credential';
import { eventTargetConfig } from '../../../src/shared/composition/config';

const base = { TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' };

describe('CloudEvents publishing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds CloudEvents 1.0 in structured form', () => {
    const event = toCloudEvent({
      type: EVENT_TYPES.jobSucceeded,
      subject: 'jobs/j-1',
      data: { job: 'j-1' },
      time: new Date('2026-01-02T03:04:05Z'),
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: '/tuneloop',
      type: 'tuneloop.job.succeeded',
      subject: 'jobs/j-1',
      time: '2026-01-02T03:04:05.000Z',
      datacontenttype: 'application/json',
      data: { job: 'j-1' },
    });
  });

  it('chooses Event Grid, then webhook, then the local sink from settings', () => {
    const credential = () => ({ getToken: async () => null });
    expect(
      createEventPublisher(
        eventTargetConfig(
          loadSettings({
            ...base,
            TUNELOOP_EVENTGRID_TOPIC_ENDPOINT: 'https://topic.example/api/events',
            TUNELOOP_EVENTS_WEBHOOK_URL: 'http://127.0.0.1/x',
          }),
        ),
        { credential },
      ),
    ).toBeInstanceOf(EventGridEventPublisher);
    expect(
      createEventPublisher(eventTargetConfig(loadSettings({ ...base, TUNELOOP_EVENTS_WEBHOOK_URL: 'http://127.0.0.1/x' }))),
    ).toBeInstanceOf(WebhookEventPublisher);
    const local = createEventPublisher(eventTargetConfig(loadSettings({ ...base, TUNELOOP_LOCAL_DIR: dir })));
    expect(local).toBeInstanceOf(LocalEventSink);
    expect((local as LocalEventSink).path).toBe(join(dir, 'events.jsonl'));
  });

  it('POSTs each event to a webhook as application/cloudevents+json and tracks a telemetry event', async () => {
    const hook = await startWebhookServer();
    try {
      const telemetry = new LocalJsonlTelemetry({ path: join(dir, 'telemetry.jsonl') });
      const events = createEventPublisher(eventTargetConfig(loadSettings({ ...base, TUNELOOP_EVENTS_WEBHOOK_URL: hook.url })));
      const result = await notify(
        { telemetry, events },
        { type: EVENT_TYPES.modelPromoted, subject: 'models/ft-1', data: { model: 'ft-1', bleu: 31.5, metrics: { f1: 0.8 } } },
      );
      await telemetry.flush();
      expect(result.delivered).toBe(true);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0].headers['content-type']).toMatch(/^application\/cloudevents\+json/);
      const body = JSON.parse(hook.received[0].body);
      expect(body).toMatchObject({
        specversion: '1.0',
        type: 'tuneloop.model.promoted',
        source: '/tuneloop',
        subject: 'models/ft-1',
        data: { model: 'ft-1', bleu: 31.5, metrics: { f1: 0.8 } },
      });
      expect(body.id).toBe(result.event.id);
      const { records } = await readTelemetryRecords(join(dir, 'telemetry.jsonl'));
      expect(records).toEqual([
        expect.objectContaining({
          kind: 'event',
          name: 'tuneloop.model.promoted',
          properties: { subject: 'models/ft-1', event_id: result.event.id, model: 'ft-1', bleu: '31.5' },
        }),
      ]);
    } finally {
      await hook.close();
    }
  });

  it('a refusing webhook does not throw: the failure is returned and tracked', async () => {
    const hook = await startWebhookServer(503);
    try {
      const telemetry = new LocalJsonlTelemetry({ path: join(dir, 'telemetry.jsonl') });
      const result = await notify(
        { telemetry, events: new WebhookEventPublisher(hook.url) },
        { type: EVENT_TYPES.jobFailed, subject: 'jobs/j-2', data: { job: 'j-2' } },
      );
      await telemetry.flush();
      expect(result.delivered).toBe(false);
      expect(result.error?.message).toMatch(/webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/tuneloop failed: HTTP 503/);
      const { records } = await readTelemetryRecords(join(dir, 'telemetry.jsonl'));
      expect(records.map((r) => r.name)).toEqual(['tuneloop.job.failed', 'tuneloop.events.publish_failed']);
      expect(records[1]).toMatchObject({ properties: { event_type: 'tuneloop.job.failed', status: '503' } });
    } finally {
      await hook.close();
    }
  });

  it('writes events to the local sink', async () => {
    const sink = new LocalEventSink(join(dir, 'sub', 'events.jsonl'));
    await sink.publish([toCloudEvent({ type: EVENT_TYPES.driftAlert, subject: 'drift/2026-01-01', data: { score: 0.4 } })]);
    const lines = (await readFile(sink.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ type: 'tuneloop.drift.alert', data: { score: 0.4 } })]);
  });

  it('sends CloudEvents through the Event Grid SDK with an Entra ID token', async () => {
    // A local HTTPS endpoint stands in for the topic (no Event Grid runs on one machine); the
    // credential is a stand-in handing out a meaningless token. What is real: the SDK's request.
    const capture = await startCaptureServer();
    const originalCas = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...originalCas, capture.certificate]);
    try {
      const { credential, scopes } = recordingCredential();
      const publisher = new EventGridEventPublisher(`${capture.url}api/events`, credential);
      await publisher.publish([
        toCloudEvent({ type: EVENT_TYPES.modelRejected, subject: 'models/ft-2', data: { model: 'ft-2', reason: 'bleu below production' } }),
      ]);
      const request = capture.requests.find((r) => r.path.startsWith('/api/events'));
      expect(request?.headers.authorization).toBe('Bearer local-test-token');
      expect(request?.headers['content-type']).toMatch(/application\/cloudevents-batch\+json/);
      expect(JSON.parse(request!.body)).toEqual([
        expect.objectContaining({
          specversion: '1.0',
          type: 'tuneloop.model.rejected',
          source: '/tuneloop',
          subject: 'models/ft-2',
          data: { model: 'ft-2', reason: 'bleu below production' },
        }),
      ]);
      expect(scopes).toContain('https://eventgrid.azure.net/.default');
    } finally {
      tls.setDefaultCACertificates(originalCas);
      await capture.close();
    }
  });
});
