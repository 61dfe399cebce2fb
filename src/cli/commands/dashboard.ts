import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs, UsageError, type CliCommand } from '../command';
import { loadSettings } from '../../shared/config/settings';
import { localTelemetryPath } from '../../shared/telemetry/localSink';
import { readTelemetryRecords } from '../../shared/telemetry/readSink';
import { buildDashboardData, readChartJs, renderDashboardHtml } from '../../shared/telemetry/dashboard';

function parseSince(value: string, now: Date): Date {
  const days = /^(\d+)d$/.exec(value);
  if (days) return new Date(now.getTime() - Number(days[1]) * 86400_000);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--since must be an ISO date (2026-03-01) or a number of days (7d), got "${value}"`);
  return new Date(t);
}

export const dashboardCommand: CliCommand = {
  name: 'dashboard',
  usage: 'tuneloop dashboard [--out <file.html>] [--since <ISO date | Nd>] [--sink <telemetry.jsonl>]',
  summary: 'writes a self-contained HTML page with metric trends (drift, BLEU, F1, CSAT, quarantine share) from the local telemetry sink',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['out', 'since', 'sink'] });
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
    // Only local settings matter here; storage is not touched.
    const settings = loadSettings({ ...io.env, TUNELOOP_STORAGE: io.env.TUNELOOP_STORAGE ?? 'UseDevelopmentStorage=true' });
    const now = new Date();
    const sink = flags.sink ? resolve(io.cwd, flags.sink as string) : localTelemetryPath(settings.TUNELOOP_LOCAL_DIR, io.cwd);
    const out = resolve(io.cwd, (flags.out as string | undefined) ?? `${settings.TUNELOOP_LOCAL_DIR}/dashboard.html`);
    const since = flags.since ? parseSince(flags.since as string, now) : undefined;
    const { records, problems } = await readTelemetryRecords(sink);
    for (const p of problems) io.stderr(`${p.file}:${p.line}: ${p.reason} (line skipped)\n`);
    if (records.length === 0) {
      io.stderr(
        `tuneloop dashboard: no telemetry in ${sink}. Metrics are written there while tuneloop runs without APPLICATIONINSIGHTS_CONNECTION_STRING (npm start, tuneloop demo), or with TUNELOOP_TELEMETRY_LOCAL_SINK=always.\n`,
      );
    }
    const data = buildDashboardData(records, { since, driftThreshold: settings.TUNELOOP_DRIFT_THRESHOLD, now });
    const html = renderDashboardHtml(data, await readChartJs());
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html, 'utf8');
    const charted = data.charts.filter((c) => c.series.length).map((c) => c.id);
    io.stdout(`wrote ${out} (${records.length} records; charts with data: ${charted.length ? charted.join(', ') : 'none'})\n`);
    return 0;
  },
};
