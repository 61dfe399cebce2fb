import { intentF1, LabelMismatchError } from '../../../src/shared/evaluation/f1';
import { nearestRankPercentile, summarizeLatency } from '../../../src/shared/evaluation/latency';
import { detectOverfitting, lossCurve, perplexityFromSteps } from '../../../src/shared/evaluation/training';
import { parseResultsCsv } from '../../../src/shared/finetune/results';

describe('intent F1 (scikit-learn definitions)', () => {
  it('matches the f1_score docs example: macro 0.2667, per class [0.8, 0, 0]', () => {
    // sklearn.metrics.f1_score docs: y_true=[0,1,2,0,1,2], y_pred=[0,2,1,0,0,1]
    const r = intentF1(['0', '1', '2', '0', '1', '2'], ['0', '2', '1', '0', '0', '1']);
    expect(r.macroF1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.perClass.map((c) => c.f1)).toEqual([0.8, 0, 0]);
    expect(r.weightedF1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it('matches the confusion_matrix docs example (labels sorted from the data)', () => {
    const gold = ['cat', 'ant', 'cat', 'cat', 'ant', 'bird'];
    const pred = ['ant', 'ant', 'cat', 'cat', 'ant', 'cat'];
    const r = intentF1(gold, pred);
    expect(r.labels).toEqual(['ant', 'bird', 'cat']);
    expect(r.confusion).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    // Hand-computed: ant P=2/3 R=1 F1=0.8; bird 0; cat P=2/3 R=2/3 F1=2/3 → macro (0.8+0+0.6667)/3
    expect(r.perClass.find((c) => c.label === 'cat')!.precision).toBeCloseTo(2 / 3, 12);
    expect(r.macroF1).toBeCloseTo((0.8 + 0 + 2 / 3) / 3, 12);
  });

  it('counts a zero denominator as 0 (sklearn zero_division default)', () => {
    // b is never predicted: precision 0/0 → 0, F1 0 → macro (0.8 + 0) / 2
    expect(intentF1(['a', 'a', 'b'], ['a', 'a', 'a']).macroF1).toBeCloseTo(0.4, 12);
    // c is only predicted: it joins the label set (unique_labels of both) with F1 0
    const r = intentF1(['a', 'b'], ['a', 'c']);
    expect(r.labels).toEqual(['a', 'b', 'c']);
    expect(r.macroF1).toBeCloseTo(1 / 3, 12);
    expect(r.perClass.find((c) => c.label === 'c')).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('refuses gold and predictions of different length', () => {
    expect(() => intentF1(['a'], ['a', 'b'])).toThrow(LabelMismatchError);
  });
});

describe('latency percentiles (nearest rank)', () => {
  it('returns measured samples at rank ceil(p·n)', () => {
    const samples = [15, 20, 35, 40, 50];
    expect(nearestRankPercentile(samples, 50)).toBe(35);
    expect(nearestRankPercentile(samples, 95)).toBe(50);
    expect(nearestRankPercentile(samples, 30)).toBe(20);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarizeLatency(hundred)).toMatchObject({ count: 100, p50Ms: 50, p95Ms: 95 });
    expect(summarizeLatency([])).toBeUndefined();
  });
});

const CSV_HEADER =
  'step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy';

describe('perplexity and overfitting from results.csv', () => {
  it('uses full_valid_loss when present', () => {
    const csv = [CSV_HEADER, '1,2.0,0.5,2.2,0.5,,', '2,1.5,0.6,1.9,0.55,,', '3,1.2,0.7,1.8,0.6,1.75,0.61'].join('\n');
    const p = perplexityFromSteps(parseResultsCsv(csv).steps)!;
    expect(p.source).toBe('full_valid_loss');
    expect(p.perplexity).toBeCloseTo(Math.exp(1.75), 12);
  });

  it('falls back to the last valid_loss and to nothing', () => {
    const csv = [CSV_HEADER, '1,2.0,0.5,2.2,0.5,,', '2,1.5,0.6,,,,', '3,1.2,0.7,1.9,0.6,,'].join('\n');
    const p = perplexityFromSteps(parseResultsCsv(csv).steps)!;
    expect(p).toMatchObject({ source: 'valid_loss', step: 3 });
    expect(p.perplexity).toBeCloseTo(Math.exp(1.9), 12);
    expect(perplexityFromSteps(parseResultsCsv('step,train_loss\n1,2.0\n').steps)).toBeUndefined();
  });

  it('flags validation loss rising while training loss falls', () => {
    const steps = parseResultsCsv(
      [CSV_HEADER, '1,2.0,,2.1,,,', '2,1.6,,1.8,,,', '3,1.2,,1.85,,,', '4,0.9,,1.95,,,', '5,0.6,,2.1,,,'].join('\n'),
    ).steps;
    const r = detectOverfitting(steps, { window: 3, maxGap: 5 });
    expect(r.overfitting).toBe(true);
    expect(r.reasons[0]).toMatch(/validation loss rises while training loss falls/);
    expect(r.validSlope!).toBeGreaterThan(0);
    expect(r.trainSlope!).toBeLessThan(0);
  });

  it('does not flag a healthy run, flags a wide gap', () => {
    const healthy = parseResultsCsv([CSV_HEADER, '1,2.0,,2.1,,,', '2,1.6,,1.8,,,', '3,1.3,,1.5,,,', '4,1.1,,1.3,,,'].join('\n')).steps;
    expect(detectOverfitting(healthy).overfitting).toBe(false);
    const gap = parseResultsCsv([CSV_HEADER, '1,0.5,,1.5,,,', '2,0.4,,1.4,,,', '3,0.3,,1.3,,,'].join('\n')).steps;
    const r = detectOverfitting(gap, { maxGap: 0.5 });
    expect(r.overfitting).toBe(true);
    expect(r.gap).toBeCloseTo(1.0, 12);
  });

  it('keeps the loss curve in step order', () => {
    const steps = parseResultsCsv([CSV_HEADER, '2,1.5,,,,,', '1,2.0,,2.1,,,'].join('\n')).steps;
    expect(lossCurve(steps).map((p) => p.step)).toEqual([1, 2]);
  });
});
