import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs, UsageError, type CliCommand } from '../command';
import { loadSettings } from '../../shared/config/settings';
import { createStorageClients } from '../../shared/storage/clients';
import { storageOptions } from '../../shared/composition/config';
import { cliStorageEnv } from '../localEnv';
import { loadReport, renderReportHtml, type EvaluationReport } from '../../shared/evaluation/evaluationReport';

function summary(report: EvaluationReport): string {
  const lines = [
    `${report.jobKey}: ${report.approval?.status === 'awaiting' ? `AWAITING APPROVAL until ${report.approval.deadline}` : { promote: 'PROMOTED', reject: 'REJECTED', inconclusive: 'INCONCLUSIVE' }[report.decision]} (${report.mode === 'relative' ? 'against production' : 'absolute floors'}) at ${report.evaluatedAt}`,
    ...(report.summary ? [report.summary] : []),
    `candidate ${report.candidate.deploymentName}${report.production ? `, production ${report.production.deploymentName}` : ''}, dataset ${report.datasetVersion}`,
  ];
  for (const c of report.checks) {
    const v = (x: number | boolean | undefined) =>
      x === undefined ? '-' : typeof x === 'number' ? String(Number(x.toFixed(4))) : String(x);
    const delta = c.delta === undefined ? '' : ` delta ${c.delta >= 0 ? '+' : ''}${Number(c.delta.toFixed(4))}`;
    const interval =
      c.interval && c.interval.low !== c.interval.high ? `  95 % ${c.interval.of} ${v(c.interval.low)} … ${v(c.interval.high)}` : '';
    const verdict = c.verdict === 'unsure' ? 'unsure' : c.passed ? 'pass' : 'FAIL';
    lines.push(
      `  ${verdict.padEnd(6)} ${c.metric.padEnd(15)} ${v(c.candidate)} (production ${v(c.production)})${delta}${interval}  rule ${c.rule}`,
    );
  }
  if (report.candidate.metrics.perplexity !== undefined)
    lines.push(`  info  perplexity   ${report.candidate.metrics.perplexity.toFixed(4)}`);
  for (const r of report.reasons) lines.push(`  reason: ${r}`);
  return lines.join('\n');
}

export const reportCommand: CliCommand = {
  name: 'report',
  usage: 'tuneloop report <jobKey> [--out <dir>] [--json] [--connection-string <storage connection string>]',
  summary: "a candidate's evaluation report (decision, metrics with deltas); --out writes report.json and report.html",
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['out', 'connection-string'], booleans: ['json'] });
    if (positional.length !== 1) throw new UsageError('give exactly one job key');
    const env = cliStorageEnv(io, flags['connection-string'] as string | undefined);
    const storage = createStorageClients(storageOptions(loadSettings(env)));
    let report: EvaluationReport;
    try {
      report = await loadReport(storage, positional[0]);
    } catch (err) {
      if (/ECONNREFUSED/.test(String((err as { code?: string }).code) + (err as Error).message)) {
        io.stderr(
          `tuneloop report: cannot reach blob storage (${(err as Error).message}). Start the local stack with \`npm start\`, or pass --connection-string / set TUNELOOP_STORAGE.\n`,
        );
        return 1;
      }
      throw err;
    }
    if (flags.out) {
      const dir = resolve(io.cwd, flags.out as string);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      // Rendered here from the JSON so the page uses this installation's Chart.js, whatever wrote the report.
      await writeFile(join(dir, 'report.html'), renderReportHtml(report));
      io.stderr(`wrote ${join(dir, 'report.json')} and ${join(dir, 'report.html')}\n`);
    }
    io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${summary(report)}\n`);
    return 0;
  },
};
