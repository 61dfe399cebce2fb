import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import type { TelemetryRecord } from '../../src/shared/telemetry/localSink';
import { buildDashboardData } from '../../src/shared/telemetry/dashboard';
import { launchChromium } from '../shared/evaluation/chromium';

/** Seven simulated days of telemetry as tuneloop writes it: drift rising, a new model, CSAT falling. */
function week(): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  for (let day = 0; day < 7; day++) {
    const time = new Date(Date.UTC(2026, 2, 1 + day, 3)).toISOString();
    const m = (name: string, value: number, dimensions: Record<string, string> = {}) =>
      out.push({ time, kind: 'metric', name, value, dimensions });
    const shift = day / 6;
    m('tuneloop.drift.score', 0.05 + 0.6 * shift, { driven_by: 'issue_type_psi' });
    m('tuneloop.drift.issue_type_psi', 0.05 + 0.6 * shift);
    m('tuneloop.drift.issue_type_jsd', 0.02 + 0.3 * shift);
    m('tuneloop.drift.length_psi', 0.03 + 0.1 * shift);
    m('tuneloop.drift.turns_psi', 0.01 + 0.05 * shift);
    m('tuneloop.drift.token_jsd', 0.04 + 0.2 * shift);
    m('tuneloop.drift.csat_mean', 4.4 - 1.5 * shift);
    m('tuneloop.drift.csat_mean_change', -1.5 * shift);
    m('tuneloop.drift.quarantine_share', 0.05 + 0.1 * shift);
    m('tuneloop.drift.model_intent_f1', 0.9 - 0.5 * shift, { model: 'ft-1' });
    m('tuneloop.drift.model_bleu', 35 - 20 * shift, { model: 'ft-1' });
    m('tuneloop.preprocess.records_in', 100, { model: 'gpt-4o-mini' });
    m('tuneloop.preprocess.records_quarantined', 5 + day, { model: 'gpt-4o-mini' });
    // Preprocessing also breaks the total down by reason: not counted twice.
    m('tuneloop.preprocess.quarantined_by_reason', 5 + day, { model: 'gpt-4o-mini', reason: 'empty-conversation' });
    if (day === 0 || day === 6) {
      m('tuneloop.eval.bleu', 33 + day, { role: 'candidate', model: `ft-${day}` });
      m('tuneloop.eval.intent_f1', 0.85 + day / 100, { role: 'candidate', model: `ft-${day}` });
      m('tuneloop.eval.bleu', 31, { role: 'production', model: 'ft-1' });
      out.push({ time, kind: 'event', name: 'tuneloop.model.promoted', properties: { model: `ft-${day}`, event_id: 'x' } });
    }
  }
  out.push({
    time: '2026-03-07T04:00:00.000Z',
    kind: 'event',
    name: 'tuneloop.drift.alert',
    properties: { score: '0.65', note: '<script>alert(1)</script>' },
  });
  return out;
}

describe('tuneloop dashboard', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-dashboard-'));
    await writeFile(
      join(dir, 'telemetry.jsonl'),
      week()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('builds every chart from the sink, with the threshold and a per-day quarantine share', () => {
    const data = buildDashboardData(week(), { driftThreshold: 0.25 });
    const byId = Object.fromEntries(data.charts.map((c) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(['drift', 'bleu', 'f1', 'csat', 'quarantine']);
    expect(byId.drift.series.map((s) => s.label)).toContain('threshold (0.25)');
    expect(byId.drift.series[0]).toMatchObject({ label: 'combined drift score' });
    expect(byId.drift.series[0].points).toHaveLength(7);
    expect(byId.bleu.series.map((s) => [s.label, s.points.length])).toEqual([
      ['candidate on holdout', 2],
      ['production on holdout', 2],
      ['production on recent data', 7],
    ]);
    const daily = byId.quarantine.series.find((s) => s.label.startsWith('preprocessing'))!;
    expect(daily.points.map((p) => p[1])).toEqual([0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11]);
    expect(data.events[0]).toMatchObject({ name: 'tuneloop.drift.alert' });
    expect(
      buildDashboardData(week(), { driftThreshold: 0.25, since: new Date('2026-03-06T00:00:00Z') }).charts[0].series[0].points,
    ).toHaveLength(2);
  });

  it('spans the time axis over the data, also for a single point', () => {
    const time = '2026-03-01T03:00:00.000Z';
    const one = buildDashboardData([{ time, kind: 'metric', name: 'tuneloop.drift.score', value: 0.2, dimensions: {} }], {
      driftThreshold: 0.25,
    });
    const drift = one.charts.find((c) => c.id === 'drift')!;
    expect(drift.x!.min).toBeLessThan(Date.parse(time));
    expect(drift.x!.max).toBeGreaterThan(Date.parse(time));
    expect(drift.x!.max - drift.x!.min).toBeLessThanOrEqual(24 * 3600_000);
    expect(one.charts.find((c) => c.id === 'bleu')!.x).toBeUndefined();
    const weekly = buildDashboardData(week(), { driftThreshold: 0.25 }).charts[0].x!;
    const span = Date.UTC(2026, 2, 7, 3) - Date.UTC(2026, 2, 1, 3);
    expect(weekly.min).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 1, 3) - span * 0.05);
    expect(weekly.max).toBeLessThanOrEqual(Date.UTC(2026, 2, 7, 3) + span * 0.05);
  });

  it('writes a self-contained page that renders its charts in headless Chromium without console errors', async () => {
    const io = captureIo(dir, { env: { TUNELOOP_LOCAL_DIR: '.' } });
    expect(await runCli(['dashboard', '--out', 'out/dash.html'], io)).toBe(0);
    expect(io.out).toMatch(/wrote .*out\/dash\.html \(\d+ records; charts with data: drift, bleu, f1, csat, quarantine\)/);
    const html = await readFile(join(dir, 'out', 'dash.html'), 'utf8');
    // Self-contained: Chart.js inlined, nothing fetched.
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).toContain('Chart.js v4');
    expect(html).not.toContain('<script>alert(1)</script>');

    const profile = await mkdtemp(join(tmpdir(), 'tuneloop-chromium-'));
    const context = await launchChromium(profile);
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(msg.text());
      });
      page.on('pageerror', (err) => problems.push(err.message));
      page.on('request', (req) => {
        if (!req.url().startsWith('file:')) requests.push(req.url());
      });
      await page.goto(`file://${join(dir, 'out', 'dash.html')}`);
      await page.waitForFunction(
        () => (window as unknown as { tuneloopDashboardReady?: boolean }).tuneloopDashboardReady === true,
        undefined,
        { timeout: 15_000 },
      );
      const charts = await page.evaluate(() => {
        const Chart = (
          window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } }
        ).Chart;
        return [...document.querySelectorAll('canvas')].map((canvas) => {
          const chart = Chart.getChart(canvas);
          const ctx = canvas.getContext('2d')!;
          const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
          const x = (chart as unknown as { scales: { x: { min: number; max: number } } } | undefined)?.scales.x;
          return {
            id: canvas.id,
            width: canvas.width,
            datasets: chart?.data.datasets.map((d) => d.data.length) ?? [],
            painted,
            xMin: x?.min ?? NaN,
            xMax: x?.max ?? NaN,
          };
        });
      });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      expect(charts.map((c) => c.id)).toEqual(['chart-drift', 'chart-bleu', 'chart-f1', 'chart-csat', 'chart-quarantine']);
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(100);
        expect(c.datasets.length).toBeGreaterThan(0);
        expect(c.datasets.every((n) => n > 0)).toBe(true);
        expect(c.painted).toBeGreaterThan(1000);
        // The week of data, not years around it (Chart.js pads a zero-width range by 5% of an epoch-ms value).
        expect(c.xMax - c.xMin).toBeLessThan(8 * 24 * 3600_000);
      }
      expect(await page.locator('#events').textContent()).toContain('<script>alert(1)</script>');
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  it('says where metrics come from when the sink is empty, and rejects a bad --since', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tuneloop-dashboard-empty-'));
    try {
      const io = captureIo(empty, { env: { TUNELOOP_LOCAL_DIR: '.' } });
      expect(await runCli(['dashboard'], io)).toBe(0);
      expect(io.err).toContain('no telemetry in');
      expect(io.out).toContain('charts with data: none');
      expect(existsSync(join(empty, 'dashboard.html'))).toBe(true);
      const bad = captureIo(empty, { env: { TUNELOOP_LOCAL_DIR: '.' } });
      expect(await runCli(['dashboard', '--since', 'last tuesday'], bad)).toBe(2);
      expect(bad.err).toContain('--since must be an ISO date');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
