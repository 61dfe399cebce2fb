import { emptyStats } from '../../../src/shared/dataset/preprocess';
import { buildReport, percentile } from '../../../src/shared/dataset/preprocessReport';

describe('preprocessing report', () => {
  it('takes nearest-rank percentiles from the token histogram', () => {
    const values = [5, 1, 9, 3, 3, 7, 2, 8, 6, 4];
    const histogram = new Map<number, number>();
    for (const v of values) histogram.set(v, (histogram.get(v) ?? 0) + 1);
    const pairs = [...histogram.entries()].sort(([a], [b]) => a - b);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.5, 0.9, 0.95, 1]) expect(percentile(pairs, q)).toBe(sorted[Math.ceil(q * sorted.length) - 1]);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('sums tokens, estimates cost from the training split and warns about a dataset Azure would refuse', () => {
    const stats = emptyStats();
    stats.records_in = 4;
    stats.records_used = 3;
    stats.records_quarantined = 1;
    stats.quarantine_reasons = { 'z-last': 1 };
    stats.examples = { train: 2, validation: 1, holdout: 0 };
    stats.token_histogram = new Map([
      [100, 2],
      [300, 1],
    ]);
    stats.train_tokens = 200;
    stats.issue_types = { shipping: 1, billing: 2 };
    const report = buildReport(stats, { model: 'gpt-4o-mini-2024-07-18', epochs: 2, datasetComplete: true });
    expect(report.tokens).toEqual({ total: 500, p50: 100, p95: 300, max: 300 });
    expect(report.training_tokens).toBe(400);
    expect(report.estimated_cost_usd).toBe(0.0012);
    expect(Object.keys(report.issue_types)).toEqual(['billing', 'shipping']);
    expect(report.warnings).toEqual([expect.stringMatching(/only 2 training examples: Azure OpenAI needs at least 10/)]);
  });

  it('flags broken accounting instead of hiding it', () => {
    const stats = emptyStats();
    stats.records_in = 2;
    stats.records_used = 1;
    expect(buildReport(stats, { model: 'gpt-4o-mini' }).warnings[0]).toMatch(
      /records_in \(2\) != records_used \+ records_quarantined \(1\)/,
    );
  });
});
