import type { Benchmark } from './harness';
import { pairedDifferenceInterval } from '../src/shared/evaluation/intervals';
import { OOS_PROBES } from '../src/shared/evaluation/oosProbes';

/**
 * What the gate's out-of-scope check can conclude on N probes (`npm run bench -- oos-resolution`):
 * the paired bootstrap interval of candidate − production decline rate, exactly as evaluation
 * computes it (1000 resamples, seed 12345), for b probes only the candidate answers and c probes
 * only production answers (every other probe the same on both), against margin 0.05. Only the
 * disagreements move the difference; they are spread evenly over the probes. Not a timing: the
 * figures behind docs/evaluation-and-promotion.md, for the old set (36) and the shipped one.
 */
const MARGIN = 0.05;
const RESAMPLES = 1000;

type Verdict = 'pass' | 'unsure' | 'fail';

function interval(n: number, candidateOnly: number, productionOnly: number) {
  // +1: the candidate declines and production answers; -1: the other way round. The k
  // disagreements sit evenly spaced, and the c production-only ones evenly among them.
  const diff = new Int8Array(n);
  const k = candidateOnly + productionOnly;
  for (let j = 0; j < k; j++) {
    const productionAnswers = Math.floor(((j + 1) * productionOnly) / k) > Math.floor((j * productionOnly) / k);
    diff[Math.floor((j * n) / k)] = productionAnswers ? 1 : -1;
  }
  const candidate = (idx: Int32Array) => {
    let s = 0;
    for (let j = 0; j < idx.length; j++) s += diff[idx[j]];
    return s / idx.length;
  };
  return pairedDifferenceInterval(n, candidate, () => 0, { resamples: RESAMPLES });
}

function verdict(n: number, candidateOnly: number, productionOnly: number): Verdict {
  const iv = interval(n, candidateOnly, productionOnly);
  return iv.low > -MARGIN ? 'pass' : iv.high < -MARGIN ? 'fail' : 'unsure';
}

/** Largest b that passes and smallest b that fails, with c production-only answers. */
function limits(n: number, productionOnly: number): { passUpTo: number; failFrom: number } {
  let passUpTo = -1;
  let failFrom = -1;
  for (let b = 0; b <= n - productionOnly && failFrom < 0; b++) {
    const v = verdict(n, b, productionOnly);
    if (v === 'pass') passUpTo = b;
    if (v === 'fail') failFrom = b;
  }
  return { passUpTo, failFrom };
}

function report(n: number): string[] {
  const lines = [`${n} probes:`];
  for (const c of [0, 1, 2, 5, 10]) {
    if (c > n / 4) continue;
    const { passUpTo, failFrom } = limits(n, c);
    lines.push(
      `  ${String(c).padStart(2)} answered by production alone: pass while the candidate alone answers ≤ ${passUpTo} (decline rate ${points(passUpTo - c, n)} lower), fail from ${failFrom} (${points(failFrom - c, n)} lower)`,
    );
  }
  let balanced = 0;
  while (2 * (balanced + 1) <= n && verdict(n, balanced + 1, balanced + 1) === 'pass') balanced++;
  lines.push(`  equal disagreements both ways (no net difference): pass up to ${balanced} + ${balanced} = ${2 * balanced}`);
  const widths = [2, 4, 8, 16, 32]
    .filter((k) => k <= n)
    .map((k) => {
      const iv = interval(n, k / 2, k / 2);
      return `${k}: ±${((iv.high - iv.low) / 2).toFixed(3)}`;
    });
  lines.push(`  half-width of the interval with k disagreements split evenly: ${widths.join(', ')}`);
  return lines;
}

const points = (count: number, n: number) => `${((100 * count) / n).toFixed(1)} points`;

export const oosResolutionBenchmark: Benchmark = {
  name: 'oos-resolution',
  async run() {
    const sizes = [...new Set([36, OOS_PROBES.length])];
    return { name: 'oos-resolution', lines: sizes.flatMap(report) };
  },
};
