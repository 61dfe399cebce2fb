import { evaluationStatusSection } from '../../../src/cli/status/evaluationSection';
import { loadSettings } from '../../../src/shared/config/settings';
import { renderReportHtml, saveReport } from '../../../src/shared/evaluation/evaluationReport';
import { JobStore } from '../../../src/shared/finetune/jobStore';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../../../src/shared/storage/names';
import { testStorage, uniqueName } from '../../setup/storage';
import { sampleReport } from '../../shared/evaluation/fixtures';

describe('tuneloop status: last evaluation', () => {
  it('shows the decision and, per answering model, how its CSAT ratings were credited', async () => {
    const base = testStorage();
    const jobs = uniqueName('jobs');
    const reports = uniqueName('reports');
    await base.table(jobs).createTable();
    await base.container(reports).create();
    const storage: StorageClients = {
      ...base,
      table: (n) => base.table(n === TABLES.jobs ? jobs : n),
      container: (n) => base.container(n === CONTAINERS.evalReports ? reports : n),
    };
    const report = sampleReport('job-7');
    report.csat = [
      {
        jobKey: 'prod',
        deploymentName: 'dep-prod',
        from: '2025-12-01T00:00:00.000Z',
        ratings: 3,
        meanCsat: 4,
        attributedByConversation: 2,
        attributedByFeedback: 0,
        attributedByTime: 1,
        interval: { low: 3, high: 5 },
      },
      {
        jobKey: 'legacy-bot',
        from: '',
        ratings: 1,
        meanCsat: 2,
        attributedByConversation: 0,
        attributedByFeedback: 1,
        attributedByTime: 0,
      },
      {
        jobKey: 'never-rated',
        from: '2026-01-01T00:00:00.000Z',
        ratings: 0,
        attributedByConversation: 0,
        attributedByFeedback: 0,
        attributedByTime: 0,
      },
    ];
    const reportBlob = await saveReport(storage, report);
    const now = new Date().toISOString();
    await new JobStore(storage).create({
      jobKey: 'job-7',
      datasetVersion: 'v1',
      state: 'evaluated',
      baseModel: 'gpt-4o-mini-2024-07-18',
      reportBlob,
      pollCount: 0,
      retries: 0,
      quotaWaits: 0,
      createdAt: now,
      updatedAt: now,
      history: [],
    });
    const out = await evaluationStatusSection.collect({
      storage,
      settings: loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' }),
      cwd: process.cwd(),
      now: new Date(),
      limit: 10,
    });
    expect(out.text).toContain('Last evaluation: job-7');
    expect(out.text).toContain(
      'CSAT per answering model (ratings credited: conversation named it / feedback row named it / in production at the time)',
    );
    expect(out.text).toContain('prod: 4.00 (95 % 3.00 … 5.00) from 3 ratings: 2 / 0 / 1');
    expect(out.text).toContain('legacy-bot: 2.00 from 1 ratings: 0 / 1 / 0');
    expect(out.text).not.toContain('never-rated');
    // The report says the same: one column per way of crediting a rating.
    const html = renderReportHtml(report);
    expect(html).toContain(
      '<th>credited: the conversation named it</th><th>credited: the feedback row named it</th><th>credited: in production at the time</th>',
    );
    expect(html).toMatch(/<td>legacy-bot<\/td>.*?<td>0<\/td><td>1<\/td><td>0<\/td><\/tr>/);
    expect((out.json as { csat: unknown[] }).csat).toEqual([
      expect.objectContaining({ jobKey: 'prod', attributedByConversation: 2, attributedByFeedback: 0, attributedByTime: 1 }),
      expect.objectContaining({ jobKey: 'legacy-bot', attributedByConversation: 0, attributedByFeedback: 1, attributedByTime: 0 }),
    ]);
  });
});
