import { hashUnit, splitFor } from '../../../src/shared/dataset/split';
import { estimateTrainingCost } from '../../../src/shared/dataset/cost';

describe('deterministic split', () => {
  const shares = { validation: 0.1, holdout: 0.1 };
  const ids = Array.from({ length: 5000 }, (_, i) => `conv-${i}`);

  it('puts a conversation in the same split whatever else arrives', () => {
    const first = new Map(ids.slice(0, 100).map((id) => [id, splitFor(id, shares)]));
    const shuffled = [...ids].reverse();
    for (const id of shuffled) if (first.has(id)) expect(splitFor(id, shares)).toBe(first.get(id));
  });

  it('follows the configured shares', () => {
    const counts = { train: 0, validation: 0, holdout: 0 };
    for (const id of ids) counts[splitFor(id, shares)]++;
    expect(counts.holdout / ids.length).toBeGreaterThan(0.08);
    expect(counts.holdout / ids.length).toBeLessThan(0.12);
    expect(counts.validation / ids.length).toBeGreaterThan(0.08);
    expect(counts.validation / ids.length).toBeLessThan(0.12);
  });

  it('keeps holdout fixed when the validation share changes', () => {
    for (const id of ids.slice(0, 500)) {
      const a = splitFor(id, { validation: 0.1, holdout: 0.1 }) === 'holdout';
      const b = splitFor(id, { validation: 0.3, holdout: 0.1 }) === 'holdout';
      expect(b).toBe(a);
    }
  });

  it('is the sha256 of the id (a known value) and rejects impossible shares', () => {
    // The unit value's first 8 bits are the digest's first byte.
    const u = hashUnit('c-1');
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
    const { createHash } = jest.requireActual('node:crypto');
    const firstByte = createHash('sha256').update('c-1').digest()[0];
    expect(Math.floor(u * 256)).toBe(firstByte);
    expect(() => splitFor('x', { validation: 0.6, holdout: 0.4 })).toThrow(RangeError);
  });
});

describe('training cost estimate', () => {
  it('multiplies file tokens by epochs and the listed price', () => {
    const e = estimateTrainingCost({ model: 'gpt-4o-mini-2024-07-18', fileTokens: 1_000_000, epochs: 3 });
    expect(e.training_tokens).toBe(3_000_000);
    expect(e.estimated_cost_usd).toBe(9);
    expect(e.price_source).toMatch(/pricing/);
    expect(estimateTrainingCost({ model: 'gpt-4o-2024-08-06', fileTokens: 200_000, epochs: 2 }).estimated_cost_usd).toBe(10);
    expect(estimateTrainingCost({ model: 'o4-mini', fileTokens: 10 }).estimated_cost_usd).toBeNull();
    expect(() => estimateTrainingCost({ model: 'gpt-4o-mini', fileTokens: 1, epochs: 0 })).toThrow(RangeError);
  });
});
