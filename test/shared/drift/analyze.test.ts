import { analyzeDrift, PERMUTATIONS } from '../../../src/shared/drift/analyze';
import { quantilePsi } from '../../../src/shared/drift/metrics';
import { conversationSample, type DriftSample } from '../../../src/shared/drift/samples';
import { firstWindowCutoff } from '../../../src/shared/drift/watch';
import { bankingConversations, coffeeConversations, curatedLine } from './fixtures';

function sample(lines: string[], quarantined = 0): DriftSample {
  const conversations = lines.map((l) => conversationSample(JSON.parse(l)));
  return { conversations, recordsUsed: conversations.length, recordsQuarantined: quarantined, shards: ['s'], problems: [] };
}

/** Conversations whose lengths are drawn from one distribution (seeded), all in one world. */
function sameWorld(n: number, prefix: string, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  return coffeeConversations(n, prefix).map((c) =>
    curatedLine({ ...c, extraExchanges: Math.floor(next() * 4), user: `${c.user} ${'really '.repeat(Math.floor(next() * 6))}` }),
  );
}

describe('analyzeDrift', () => {
  it('subtracts the sampling-noise floor: two small samples of one world do not alarm though their raw PSI does', () => {
    const ref = sample(sameWorld(40, 'a', 1));
    const rec = sample(sameWorld(40, 'b', 2));
    const analysis = analyzeDrift(ref, rec, { minSamples: 20 });
    const length = analysis.metrics.find((m) => m.name === 'length_psi')!;
    // The raw statistic is exactly the quantile PSI of the two samples...
    expect(length.value).toBe(
      quantilePsi(
        ref.conversations.map((c) => c.tokens),
        rec.conversations.map((c) => c.tokens),
      ).psi,
    );
    // ...and is inflated by small samples; the floor measured by re-splitting the pool absorbs it.
    expect(analysis.noiseFloors.length_psi).toBeGreaterThan(0.1);
    expect(length.detail).toMatchObject({ noise_floor: analysis.noiseFloors.length_psi });
    expect(analysis.score!).toBeLessThan(0.25);
    // Deterministic: the same data gives the same floors.
    expect(analyzeDrift(ref, rec, { minSamples: 20 }).noiseFloors).toEqual(analysis.noiseFloors);
    expect(PERMUTATIONS).toBe(200);
  });

  it('a real shift stands far above the floor and drives the score', () => {
    const analysis = analyzeDrift(
      sample(coffeeConversations(40, 'a').map(curatedLine)),
      sample(bankingConversations(40, 'b').map(curatedLine)),
      { minSamples: 20 },
    );
    const excess = analysis.metrics
      .filter((m) => ['issue_type_psi', 'issue_type_jsd', 'length_psi', 'turns_psi', 'token_jsd'].includes(m.name))
      .map((m) => [m.name, m.value - analysis.noiseFloors[m.name]!] as const)
      .sort((a, b) => b[1] - a[1]);
    expect(excess).toHaveLength(5);
    expect(analysis.score).toBeCloseTo(excess[0][1], 12);
    expect(analysis.scoreDrivenBy).toBe(excess[0][0]);
    expect(analysis.score!).toBeGreaterThan(1);
    // Every component sees this shift (other intents, other words, longer talks).
    for (const [, value] of excess) expect(value).toBeGreaterThan(0.1);
  });

  it('skips what it cannot compute honestly, with the reason', () => {
    const analysis = analyzeDrift(
      sample(coffeeConversations(40, 'a').map(curatedLine)),
      sample(coffeeConversations(10, 'b').map(curatedLine), 1),
      { minSamples: 20 },
    );
    expect(analysis.metrics).toEqual([]);
    expect(analysis.score).toBeUndefined();
    expect(analysis.skipped).toContainEqual({
      name: 'length_psi',
      reason: '10 conversations in the recent window, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=20',
    });
    expect(analysis.skipped).toContainEqual({
      name: 'quarantine_share',
      reason: '11 records in the recent window, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=20',
    });
    const unlabelled = coffeeConversations(30, 'c').map((c) => curatedLine({ ...c, issueType: undefined, csat: undefined }));
    const b = analyzeDrift(sample(coffeeConversations(40, 'a').map(curatedLine)), sample(unlabelled), { minSamples: 20 });
    expect(b.skipped).toContainEqual({
      name: 'issue_type_psi',
      reason: '0 conversations with an issue_type in the recent window, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=20',
    });
    expect(b.skipped.map((s) => s.name)).toEqual(expect.arrayContaining(['issue_type_jsd', 'csat_mean', 'csat_mean_change']));
    expect(b.metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining(['length_psi', 'turns_psi', 'token_jsd', 'oov_rate', 'quarantine_share']),
    );
  });
});

describe('reference before any model', () => {
  it('is the first window of curated data, never reaching into the recent window', () => {
    const start = new Date('2026-03-10T00:00:00Z');
    expect(firstWindowCutoff(new Date('2026-03-01T05:00:00Z'), start, 24)).toEqual(new Date('2026-03-02T05:00:00Z'));
    expect(firstWindowCutoff(new Date('2026-03-09T12:00:00Z'), start, 24)).toEqual(start);
    expect(firstWindowCutoff(undefined, start, 24)).toEqual(start);
  });
});
