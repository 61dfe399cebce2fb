import { JobStore, type JobRecord } from '../../shared/finetune/jobStore';
import type { StatusSection } from './pipelineSections';
import { checkVerdict, loadReport, ReportNotFoundError, type EvaluationReport } from '../../shared/evaluation/evaluationReport';
import type { StoredCsatRow } from '../../shared/evaluation/csat';

/**
 * `tuneloop status` section for the last evaluated candidate: the gate's decision, its reason in
 * one sentence and each check with its 95 % interval, as the report shows them.
 */
export const evaluationStatusSection: StatusSection = {
  name: 'lastEvaluation',
  async collect({ storage }) {
    let jobs: JobRecord[];
    try {
      jobs = await new JobStore(storage).list();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) jobs = [];
      else throw err;
    }
    const last = [...jobs].reverse().find((j) => j.reportBlob && (j.state === 'evaluated' || j.state === 'awaiting-approval'));
    if (!last) return { text: 'Last evaluation\n  none yet', json: null };
    let report: EvaluationReport;
    try {
      report = await loadReport(storage, last.jobKey);
    } catch (err) {
      if (err instanceof ReportNotFoundError) return { text: `Last evaluation\n  ${last.jobKey}: ${err.message}`, json: null };
      throw err;
    }
    const decision =
      report.approval?.status === 'awaiting' ? `AWAITING APPROVAL until ${report.approval.deadline}` : report.decision.toUpperCase();
    const lines = [
      `Last evaluation: ${report.jobKey} — ${decision} (${report.mode === 'relative' ? 'against production' : 'first model, floors'}) at ${report.evaluatedAt}`,
    ];
    if (report.summary) lines.push(`  ${report.summary}`);
    if (report.approval?.decidedBy)
      lines.push(
        `  ${report.approval.status} by ${report.approval.decidedBy} at ${String(report.approval.decidedAt)}${report.approval.reason ? `: ${report.approval.reason}` : ''}`,
      );
    const f = (x: number) => String(Number(x.toFixed(4)));
    for (const c of report.checks) {
      const value = c.candidate === undefined ? '-' : typeof c.candidate === 'number' ? f(c.candidate) : String(c.candidate);
      const interval =
        c.interval && c.interval.low !== c.interval.high ? `  95 % ${c.interval.of} ${f(c.interval.low)} … ${f(c.interval.high)}` : '';
      const verdict = checkVerdict(c);
      lines.push(`  ${verdict.padEnd(6)} ${c.metric.padEnd(15)} ${value}${interval}  (${c.rule})`);
    }
    if (report.decision === 'inconclusive' && report.moreHoldoutConversations !== undefined) {
      lines.push(`  about ${report.moreHoldoutConversations} more holdout conversations would settle it`);
    }
    const stored: StoredCsatRow[] = report.csat;
    const csat = stored
      .filter((c) => c.ratings > 0)
      .map((c) => ({
        jobKey: c.jobKey,
        ratings: c.ratings,
        meanCsat: c.meanCsat,
        interval: c.interval,
        // Reports written before the split counted conversation and feedback-row names together.
        attributedByConversation: c.attributedByConversation ?? 0,
        attributedByFeedback: c.attributedByFeedback ?? c.attributedByLog ?? 0,
        attributedByTime: c.attributedByTime ?? 0,
      }));
    if (csat.length)
      lines.push(
        '  CSAT per answering model (ratings credited: conversation named it / feedback row named it / in production at the time)',
      );
    for (const c of csat) {
      const mean = c.meanCsat === undefined ? '-' : c.meanCsat.toFixed(2);
      const interval = c.interval ? ` (95 % ${c.interval.low.toFixed(2)} … ${c.interval.high.toFixed(2)})` : '';
      lines.push(
        `    ${c.jobKey}: ${mean}${interval} from ${c.ratings} ratings: ${c.attributedByConversation} / ${c.attributedByFeedback} / ${c.attributedByTime}`,
      );
    }
    return {
      text: lines.join('\n'),
      json: {
        jobKey: report.jobKey,
        decision: report.decision,
        awaitingApproval: report.approval?.status === 'awaiting',
        summary: report.summary,
        moreHoldoutConversations: report.moreHoldoutConversations,
        approval: report.approval,
        checks: report.checks.map((c) => ({
          metric: c.metric,
          candidate: c.candidate,
          production: c.production,
          verdict: c.verdict,
          interval: c.interval,
          rule: c.rule,
        })),
        csat,
      },
    };
  },
};
