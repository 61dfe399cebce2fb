import type { Benchmark } from './harness';
import { timeMedian } from './harness';
import { analyzeDrift, PERMUTATIONS } from '../src/shared/drift/analyze';
import { conversationSample, type DriftSample } from '../src/shared/drift/samples';

/**
 * Cost of one driftWatch analysis on a day of traffic, and what the permutation noise floor adds:
 * the baseline is the same analysis without re-splits (raw metrics only), measured in the same run.
 */
const WORDS =
  'card order refund delivery account password payment late broken coffee latte parcel store return exchange pin statement'.split(' ');

function conversations(n: number, seed: number, issueTypes: string[]): DriftSample {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  const list = Array.from({ length: n }, (_, i) => {
    const turns = 2 + 2 * Math.floor(rnd() * 4);
    const messages = Array.from({ length: turns }, (_, t) => ({
      role: t % 2 ? 'assistant' : 'user',
      content: words(8 + Math.floor(rnd() * 20)),
    }));
    return conversationSample({
      conversation_id: `c${seed}-${i}`,
      kind: 'conversation',
      issue_type: issueTypes[Math.floor(rnd() * issueTypes.length)],
      csat: 1 + Math.floor(rnd() * 5),
      split: 'train',
      tokens: 20 * turns + Math.floor(rnd() * 50),
      source: { file: 'bench', line: i + 1 },
      example: { messages },
    });
  });
  return { conversations: list, recordsUsed: n, recordsQuarantined: Math.floor(n / 20), shards: ['bench'], problems: [] };
}

export const driftBenchmark: Benchmark = {
  name: 'drift',
  async run() {
    const lines: string[] = [];
    const types = Array.from({ length: 20 }, (_, i) => `type_${i}`);
    for (const n of [500, 2000]) {
      const reference = conversations(n, 1, types);
      const recent = conversations(n, 2, types.slice(5));
      const baseline = await timeMedian(() => analyzeDrift(reference, recent, { minSamples: 30, permutations: 0 }), 5);
      const full = await timeMedian(() => analyzeDrift(reference, recent, { minSamples: 30 }), 5);
      lines.push(
        `${n} vs ${n} conversations: raw metrics ${baseline.toFixed(1)} ms (baseline), with ${PERMUTATIONS}-split noise floors ${full.toFixed(1)} ms (median of 5) = ${(full / baseline).toFixed(1)}x baseline`,
      );
    }
    return { name: 'drift', lines };
  },
};
