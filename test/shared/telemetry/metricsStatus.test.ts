import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../src/shared/config/settings';
import { collectMetricsStatus, latestMetrics, renderMetricsStatus } from '../../../src/shared/telemetry/metricsStatus';
import { metricsStatusConfig } from '../../../src/shared/composition/config';
import { saveDriftRun, type DriftRun } from '../../../src/shared/drift/decisionStore';
import type { TelemetryRecord } from '../../../src/shared/telemetry/localSink';
import { startPrivateAzurite } from '../../setup/storage';
import { runCli } from '../../../src/cli/main';
import { captureIo } from '../../setup/cli';

const metric = (time: string, name: string, value: number, dimensions: Record<string, string> = {}): TelemetryRecord => ({
  time,
  kind: 'metric',
  name,
  value,
  dimensions,
});

describe('metrics part of tuneloop status', () => {
  it('takes the last value of each metric with its trend against the value before', () => {
    const records = [
      metric('2026-03-02T00:00:00Z', 'tuneloop.drift.score', 0.3),
      metric('2026-03-01T00:00:00Z', 'tuneloop.drift.score', 0.1),
      metric('2026-03-01T00:00:00Z', 'tuneloop.eval.bleu', 30, { role: 'candidate', model: 'a' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.eval.bleu', 25, { role: 'candidate', model: 'b' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.eval.bleu', 28, { role: 'production', model: 'a' }),
      metric('2026-03-01T00:00:00Z', 'tuneloop.drift.csat_mean', 4),
      metric('2026-03-02T00:00:00Z', 'tuneloop.drift.csat_mean', 4),
      metric('2026-03-02T00:00:00Z', 'tuneloop.preprocess.records_quarantined', 7, { model: 'm' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.preprocess.records_quarantined', 3, { model: 'm', reason: 'empty-conversation' }),
      { time: '2026-03-02T00:00:00Z', kind: 'event' as const, name: 'tuneloop.model.promoted', properties: {} },
    ];
    expect(latestMetrics(records).map((m) => [m.name, m.value, m.trend, m.previous])).toEqual([
      ['tuneloop.drift.csat_mean', 4, 'flat', 4],
      ['tuneloop.drift.score', 0.3, 'up', 0.1],
      ['tuneloop.eval.bleu [candidate]', 25, 'down', 30],
      ['tuneloop.eval.bleu [production]', 28, 'new', undefined],
      ['tuneloop.preprocess.records_quarantined', 7, 'new', undefined],
      ['tuneloop.preprocess.records_quarantined [empty-conversation]', 3, 'new', undefined],
    ]);
  });

  it('compares like with like: split by type, kind and outcome; no arrow across a changed drift reference or dataset version', () => {
    const drift = (time: string, value: number, reference: string, dataset_version = 'none') =>
      metric(time, 'tuneloop.drift.score', value, { model: 'none', reference, window_hours: '24', dataset_version });
    const records = [
      metric('2026-03-01T00:00:00Z', 'tuneloop.quality.redactions', 12, { model: 'm', type: 'PERSON' }),
      metric('2026-03-01T00:00:00Z', 'tuneloop.quality.redactions', 2, { model: 'm', type: 'EMAIL' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.quality.redactions', 9, { model: 'm', type: 'PERSON' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.quality.duplicates', 4, { model: 'm', kind: 'exact' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.quality.duplicates', 1, { model: 'm', kind: 'near' }),
      metric('2026-03-01T00:00:00Z', 'tuneloop.job.duration_s', 600, { outcome: 'succeeded' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.job.duration_s', 5, { outcome: 'failed' }),
      drift('2026-03-01T00:00:00Z', 0.1, 'first-window'),
      drift('2026-03-02T00:00:00Z', 0.2, 'first-window'),
      // A model was deployed: drift is now measured against its training data.
      drift('2026-03-03T00:00:00Z', 0.05, 'dataset', 'ds-1'),
      metric('2026-03-01T00:00:00Z', 'tuneloop.eval.bleu', 30, { role: 'candidate', dataset_version: 'ds-1' }),
      metric('2026-03-02T00:00:00Z', 'tuneloop.eval.bleu', 20, { role: 'candidate', dataset_version: 'ds-2' }),
    ];
    expect(latestMetrics(records).map((m) => [m.name, m.value, m.trend, m.previous])).toEqual([
      ['tuneloop.drift.score', 0.05, 'new', undefined],
      ['tuneloop.eval.bleu [candidate]', 20, 'new', undefined],
      ['tuneloop.job.duration_s [failed]', 5, 'new', undefined],
      ['tuneloop.job.duration_s [succeeded]', 600, 'new', undefined],
      ['tuneloop.quality.duplicates [exact]', 4, 'new', undefined],
      ['tuneloop.quality.duplicates [near]', 1, 'new', undefined],
      ['tuneloop.quality.redactions [EMAIL]', 2, 'new', undefined],
      ['tuneloop.quality.redactions [PERSON]', 9, 'down', 12],
    ]);
    // Two windows against the same reference do compare.
    expect(latestMetrics(records.slice(7, 9)).map((m) => [m.trend, m.previous])).toEqual([['up', 0.1]]);
  });

  it('renders last metrics with arrows and drift components against the threshold, from the sink and the drift table', async () => {
    const azurite = await startPrivateAzurite();
    const dir = await mkdtemp(join(tmpdir(), 'tuneloop-status-'));
    try {
      await writeFile(
        join(dir, 'telemetry.jsonl'),
        [
          metric('2026-03-01T00:00:00Z', 'tuneloop.drift.score', 0.1),
          metric('2026-03-02T00:00:00Z', 'tuneloop.drift.score', 0.42),
          metric('2026-03-02T00:00:00Z', 'tuneloop.eval.intent_f1', 0.8, { role: 'production', model: 'ft-1' }),
        ]
          .map((r) => JSON.stringify(r))
          .join('\n') + '\nnot json\n',
      );
      const run: DriftRun = {
        id: '0000000000001',
        windowStart: '2026-03-01T00:00:00.000Z',
        windowEnd: '2026-03-02T00:00:00.000Z',
        reference: { kind: 'oldest-curated', conversations: 60, shards: 1 },
        recent: { conversations: 40, shards: 1, recordsUsed: 40, recordsQuarantined: 2 },
        metrics: [
          { name: 'issue_type_psi', value: 0.5, samples: { reference: 60, recent: 40 }, detail: { noise_floor: 0.08 } },
          { name: 'length_psi', value: 0.3, samples: { reference: 60, recent: 40 }, detail: { noise_floor: 0.28 } },
          { name: 'csat_mean', value: 3.5, samples: { recent: 40 } },
        ],
        skipped: [{ name: 'model_bleu', reason: 'no production model yet' }],
        score: 0.42,
        scoreDrivenBy: 'issue_type_psi',
        threshold: 0.25,
        decision: { kind: 'retrain', assembly: { outcome: 'submitted', datasetVersion: 'ds-x', jobKey: 'job-ds-x' } },
        problems: [],
      };
      await saveDriftRun(azurite.storage, run);
      const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: '.' });
      const status = await collectMetricsStatus({ storage: azurite.storage, cwd: dir }, metricsStatusConfig(settings));
      expect(status.problems).toEqual([{ file: join(dir, 'telemetry.jsonl'), line: 4, reason: expect.stringMatching(/^not JSON/) }]);
      expect(status.drift?.components).toEqual([
        { name: 'issue_type_psi', value: 0.5, noiseFloor: 0.08, excess: 0.42, threshold: 0.25, over: true },
        { name: 'length_psi', value: 0.3, noiseFloor: 0.28, excess: expect.closeTo(0.02, 12), threshold: 0.25, over: false },
      ]);
      const text = renderMetricsStatus(status, { now: new Date('2026-03-02T06:00:00Z') });
      expect(text).toMatch(/tuneloop\.drift\.score\s+0\.4200\s+↑\s+0\.1000/);
      expect(text).toMatch(/tuneloop\.eval\.intent_f1 \[production\]\s+0\.8000\s+·/);
      expect(text).toContain('combined score: 0.4200 ≥ threshold 0.25 (driven by issue_type_psi)');
      expect(text).toContain('decision: retrain → dataset ds-x, job job-ds-x');
      expect(text).toMatch(/issue_type_psi\s+0\.5000\s+0\.0800\s+0\.4200\s+0\.25\s+OVER/);
      expect(text).toMatch(/length_psi\s+0\.3000\s+0\.2800\s+0\.0200\s+0\.25\s+ok/);
      expect(text).toContain('skipped model_bleu: no production model yet');
      expect(text).toContain('6.0 h ago');
      expect(text).toContain(`telemetry.jsonl:4: not JSON`);

      // Wired into `tuneloop status` after the datasets, jobs and models sections.
      const io = captureIo(dir, { env: { TUNELOOP_LOCAL_DIR: '.' } });
      expect(await runCli(['status', '--connection-string', azurite.connectionString], io)).toBe(0);
      expect(io.out).toMatch(/Metrics \(2, from local sink .*telemetry\.jsonl\)/);
      expect(io.out).toContain('combined score: 0.4200 ≥ threshold 0.25 (driven by issue_type_psi)');
      const json = captureIo(dir, { env: { TUNELOOP_LOCAL_DIR: '.' } });
      expect(await runCli(['status', '--connection-string', azurite.connectionString, '--json'], json)).toBe(0);
      expect(JSON.parse(json.out).metrics.drift.run.score).toBe(0.42);
    } finally {
      await azurite.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says where metrics go when Application Insights is configured and nothing is local', async () => {
    const settings = loadSettings({
      TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000003',
    });
    const text = renderMetricsStatus({ source: { applicationInsights: true }, metrics: [], problems: [] }, { now: new Date() });
    expect(settings.TUNELOOP_TELEMETRY_LOCAL_SINK).toBe('auto');
    expect(text).toContain('from Application Insights (no local sink');
    expect(text).toContain('no driftWatch run yet');
  });
});
