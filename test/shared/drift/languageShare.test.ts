import { SCORE_COMPONENTS, analyzeDrift } from '../../../src/shared/drift/analyze';
import { populationStabilityIndex } from '../../../src/shared/drift/metrics';
import type { ConversationSample, DriftSample } from '../../../src/shared/drift/samples';

const sample = (languages: string[]): DriftSample => ({
  conversations: languages.map((language, i): ConversationSample => ({
    conversationId: `c${i}`,
    tokens: 40,
    turns: 4,
    userTokens: ['my', 'parcel', 'is', 'late'],
    language,
    record: {} as ConversationSample['record'],
  })),
  recordsUsed: languages.length,
  recordsQuarantined: 0,
  shards: [],
  problems: [],
});

describe('language share in the drift score', () => {
  it('is a PSI of language shares and can drive the score', () => {
    const reference = sample([...Array(90).fill('en'), ...Array(10).fill('de')]);
    const recent = sample([...Array(50).fill('en'), ...Array(10).fill('de'), ...Array(40).fill('ja')]);
    const analysis = analyzeDrift(reference, recent, { minSamples: 30, permutations: 0 });
    const metric = analysis.metrics.find((m) => m.name === 'language_psi');
    // Categories sorted: de, en, ja.
    expect(metric?.value).toBeCloseTo(populationStabilityIndex([10, 90, 0], [10, 50, 40]), 10);
    expect(metric?.detail).toMatchObject({ categories: ['de', 'en', 'ja'], reference_counts: [10, 90, 0], recent_counts: [10, 50, 40] });
    expect(SCORE_COMPONENTS).toContain('language_psi');
    expect(analysis.scoreDrivenBy).toBe('language_psi');
    expect(analysis.score).toBeCloseTo(metric!.value, 10);
  });

  it('is 0 when the language shares do not move, and skipped with too few conversations', () => {
    const same = analyzeDrift(sample(Array(40).fill('fr')), sample(Array(40).fill('fr')), { minSamples: 30, permutations: 0 });
    expect(same.metrics.find((m) => m.name === 'language_psi')?.value).toBe(0);
    const few = analyzeDrift(sample(Array(10).fill('fr')), sample(Array(40).fill('fr')), { minSamples: 30, permutations: 0 });
    expect(few.skipped.find((s) => s.name === 'language_psi')?.reason).toMatch(/10 conversations with a language in the reference/);
  });
});
