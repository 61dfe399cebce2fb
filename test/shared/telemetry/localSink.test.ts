import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../src/shared/config/settings';
import { createTelemetry, FanOutTelemetry } from '../../../src/shared/telemetry/createTelemetry';
import { LocalJsonlTelemetry } from '../../../src/shared/telemetry/localSink';
import { metricSeries, readTelemetryRecords } from '../../../src/shared/telemetry/readSink';
import { AppInsightsTelemetry } from '../../../src/shared/telemetry/appInsights';
import { telemetryConfig } from '../../../src/shared/composition/config';

describe('local JSONL telemetry sink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-telemetry-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('createTelemetry writes to <TUNELOOP_LOCAL_DIR>/telemetry.jsonl without a connection string', async () => {
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_LOCAL_DIR: 'state' });
    const telemetry = createTelemetry(telemetryConfig(settings), { cwd: dir, now: () => new Date('2026-03-01T10:00:00Z') });
    expect(telemetry).toBeInstanceOf(LocalJsonlTelemetry);
    telemetry.trackMetric('tuneloop.preprocess.records_quarantined', 3, { blob: 'a.jsonl', reason: undefined, dry: false });
    telemetry.trackEvent('tuneloop.job.state_changed', { job: 'j1', state: 'running' });
    await telemetry.flush();
    const lines = (await readFile(join(dir, 'state', 'telemetry.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        time: '2026-03-01T10:00:00.000Z',
        kind: 'metric',
        name: 'tuneloop.preprocess.records_quarantined',
        value: 3,
        dimensions: { blob: 'a.jsonl', dry: 'false' },
      },
      { time: '2026-03-01T10:00:00.000Z', kind: 'event', name: 'tuneloop.job.state_changed', properties: { job: 'j1', state: 'running' } },
    ]);
  });

  it('keeps the tracking order across concurrent flushes and appends to an existing file', async () => {
    const path = join(dir, 'telemetry.jsonl');
    const a = new LocalJsonlTelemetry({ path });
    for (let i = 0; i < 50; i++) {
      a.trackMetric('tuneloop.test.counter', i);
      void a.flush();
    }
    await a.flush();
    const b = new LocalJsonlTelemetry({ path });
    b.trackMetric('tuneloop.test.counter', 50);
    await b.flush();
    const { records, problems } = await readTelemetryRecords(path);
    expect(problems).toEqual([]);
    expect(metricSeries(records, 'tuneloop.test.counter').map((p) => p.value)).toEqual(Array.from({ length: 51 }, (_, i) => i));
  });

  it('reports unreadable lines with file, line and reason and keeps every other record', async () => {
    const path = join(dir, 'telemetry.jsonl');
    await writeFile(
      path,
      [
        JSON.stringify({
          time: '2026-03-01T00:00:00Z',
          kind: 'metric',
          name: 'tuneloop.eval.bleu',
          value: 20,
          dimensions: { model: 'm1' },
        }),
        '{"time": "2026-03-02T00:00:00Z", "kind": "metric", "name": "tuneloop.eval.bleu"',
        JSON.stringify({ time: 'yesterday', kind: 'event', name: 'x' }),
        '',
        JSON.stringify({
          time: '2026-03-03T00:00:00Z',
          kind: 'metric',
          name: 'tuneloop.eval.bleu',
          value: 25,
          dimensions: { model: 'm2' },
        }),
      ].join('\n'),
    );
    const { records, problems } = await readTelemetryRecords(path);
    expect(records).toHaveLength(2);
    expect(problems).toEqual([
      { file: path, line: 2, reason: expect.stringMatching(/^not JSON/) },
      { file: path, line: 3, reason: 'missing or invalid "time"' },
    ]);
    expect(metricSeries(records, 'tuneloop.eval.bleu', { model: 'm2' })).toEqual([
      { time: '2026-03-03T00:00:00Z', value: 25, dimensions: { model: 'm2' } },
    ]);
    const since = await readTelemetryRecords(path, { since: new Date('2026-03-02T00:00:00Z') });
    expect(since.records.map((r) => r.time)).toEqual(['2026-03-03T00:00:00Z']);
  });

  it('treats a missing file as an empty history', async () => {
    expect(await readTelemetryRecords(join(dir, 'nope.jsonl'))).toEqual({ records: [], problems: [] });
  });

  it('TUNELOOP_TELEMETRY_LOCAL_SINK=always sends to Application Insights and the local file; never disables the file', async () => {
    const base = {
      TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
      TUNELOOP_LOCAL_DIR: dir,
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000002;IngestionEndpoint=https://127.0.0.1:9/',
    };
    const both = createTelemetry(telemetryConfig(loadSettings({ ...base, TUNELOOP_TELEMETRY_LOCAL_SINK: 'always' })));
    expect(both).toBeInstanceOf(FanOutTelemetry);
    expect((both as FanOutTelemetry).sinks.map((s) => s.constructor.name)).toEqual(['AppInsightsTelemetry', 'LocalJsonlTelemetry']);
    const onlyAi = createTelemetry(telemetryConfig(loadSettings(base)));
    expect(onlyAi).toBeInstanceOf(AppInsightsTelemetry);
    for (const t of [both, onlyAi]) {
      const ai = t instanceof FanOutTelemetry ? (t.sinks[0] as AppInsightsTelemetry) : (t as AppInsightsTelemetry);
      await ai.shutdown();
    }
    const none = createTelemetry(
      telemetryConfig(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_TELEMETRY_LOCAL_SINK: 'never' })),
    );
    expect(none).toBeInstanceOf(FanOutTelemetry);
    expect((none as FanOutTelemetry).sinks).toHaveLength(0);
  });
});
