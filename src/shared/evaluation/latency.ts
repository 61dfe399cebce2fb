/**
 * Latency percentiles use the nearest-rank method: the p-th percentile of n sorted samples is the
 * sample at rank ceil(p/100 · n) (1-based). It always returns a latency that was actually measured,
 * which is what a gate on "p95 may not grow by 20 %" should compare.
 */
export function nearestRankPercentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

export function summarizeLatency(samplesMs: readonly number[]): LatencySummary | undefined {
  if (samplesMs.length === 0) return undefined;
  return {
    count: samplesMs.length,
    p50Ms: nearestRankPercentile(samplesMs, 50),
    p95Ms: nearestRankPercentile(samplesMs, 95),
    meanMs: samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length,
  };
}
