import { renderReportHtml } from '../../../src/shared/evaluation/evaluationReport';
import { describeWithChromium, renderInChromium } from './chromium';
import { sampleReport } from './fixtures';

// The report page in real headless Chromium: no console errors, no network (Chart.js is inlined), both charts drawn.
describeWithChromium('evaluation report in headless Chromium', () => {
  it('loads without console errors or network and renders the charts and tables', async () => {
    const report = sampleReport('job1');
    const page = await renderInChromium(renderReportHtml(report));
    expect(page.problems).toEqual([]);
    expect(page.hasChartJs).toBe(true);
    expect(page.chartTypes).toEqual(['line', 'bar']);
    // A drawn chart (axes, labels, lines/bars) paints thousands of pixels; a blank canvas paints none.
    expect(page.paintedPixels['loss-chart']).toBeGreaterThan(1000);
    expect(page.paintedPixels['f1-chart']).toBeGreaterThan(1000);
    expect(page.decisionText).toContain('Promoted');
    const labels = report.candidate.intent!.labels.length;
    expect(page.confusionCells).toBe(2 * labels * labels);
    // Model text is escaped, not interpreted.
    expect(page.escapedHtmlLeaked).toBe(false);
  });

  it('renders a rejected first candidate without production or results.csv', async () => {
    const report = sampleReport('job2');
    report.decision = 'reject';
    report.mode = 'absolute';
    report.reasons = ['bleu 2 fails >= 5 (floor)'];
    delete report.production;
    report.training = { lossCurve: [], note: 'the job reported no result file' };
    const page = await renderInChromium(renderReportHtml(report));
    expect(page.problems).toEqual([]);
    expect(page.chartTypes).toEqual(['bar']);
    expect(page.decisionText).toContain('Rejected');
  });
});
