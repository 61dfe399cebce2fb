import { balanceTrainingSplit, capQuotas } from '../../../src/shared/quality/balance';

function records(counts: Record<string, number>) {
  return Object.entries(counts).flatMap(([type, n]) =>
    Array.from({ length: n }, (_, i) => ({ conversation_id: `${type}-${i}`, issue_type: type, kind: 'conversation' })),
  );
}

describe('balanceTrainingSplit', () => {
  it('caps the largest issue type at maxShare of the kept records', () => {
    const input = records({ billing: 700, shipping: 200, returns: 100 });
    const result = balanceTrainingSplit(input, { maxShare: 0.4, seed: 'v1' });
    const total = result.kept.length;
    expect(result.after.billing / total).toBeLessThanOrEqual(0.4);
    expect(result.after.billing / total).toBeGreaterThan(0.38);
    expect(result.after).toMatchObject({ shipping: 200, returns: 100 });
    expect(result.before).toEqual({ billing: 700, returns: 100, shipping: 200 });
    expect(result.dropped).toHaveLength(input.length - total);
    expect(result.dropped.every((r) => r.issue_type === 'billing')).toBe(true);
    expect(result.dropReason).toBe('balance-cap');
  });

  it('is deterministic for a seed, differs across seeds, and keeps the input order', () => {
    const input = records({ a: 50, b: 10, c: 10 });
    const one = balanceTrainingSplit(input, { maxShare: 0.5, seed: 's' });
    const two = balanceTrainingSplit([...input].reverse(), { maxShare: 0.5, seed: 's' });
    const ids = (r: { conversation_id: string }[]) => r.map((x) => x.conversation_id).sort();
    expect(ids(one.kept)).toEqual(ids(two.kept));
    const other = balanceTrainingSplit(input, { maxShare: 0.5, seed: 'other' });
    expect(ids(other.kept)).not.toEqual(ids(one.kept));
    const positions = one.kept.map((r) => input.indexOf(r));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it('keeps a conversation’s conversation and intent examples together', () => {
    const input = records({ a: 40, b: 10 }).flatMap((r) => [r, { ...r, kind: 'intent' }]);
    const result = balanceTrainingSplit(input, { maxShare: 0.5, seed: 'x' });
    const kinds = new Map<string, number>();
    for (const r of result.kept) kinds.set(r.conversation_id, (kinds.get(r.conversation_id) ?? 0) + 1);
    expect([...kinds.values()].every((n) => n === 2)).toBe(true);
  });

  it('up-samples rare types to the floor with copies of their records', () => {
    const result = balanceTrainingSplit(records({ a: 60, b: 35, c: 5 }), { maxShare: 0.7, minShare: 0.1, seed: 1 });
    const total = result.kept.length;
    expect(result.after.c / total).toBeGreaterThanOrEqual(0.1 - 1e-9);
    expect(result.upsampled).toBe(result.after.c - 5);
    expect(result.dropped).toHaveLength(0);
  });

  it('raises an impossible cap to equal shares', () => {
    const result = balanceTrainingSplit(records({ a: 30, b: 10 }), { maxShare: 0.3, seed: 1 });
    expect(result.effectiveMaxShare).toBe(0.5);
    expect(result.after).toEqual({ a: 10, b: 10 });
  });

  it('never caps records without an issue type but counts them in the total, and checks its options', () => {
    const untyped = Array.from({ length: 60 }, (_, i) => ({ conversation_id: `faq-${i}` }));
    const result = balanceTrainingSplit([...untyped, ...records({ a: 40, b: 10, c: 10 })], { maxShare: 0.3, minShare: 0.05, seed: 1 });
    expect(result.after['(none)']).toBe(60);
    const total = result.kept.length;
    expect(result.after.a / total).toBeLessThanOrEqual(0.3);
    // 34 of 114: the 60 FAQ records leave room, so a is capped to the share, not flattened to b.
    expect(result.after.a).toBe(34);
    expect(result.dropped).toHaveLength(6);
    expect(result.dropped.every((r) => 'issue_type' in r && r.issue_type === 'a')).toBe(true);
    expect(() => balanceTrainingSplit([], { maxShare: 0, seed: 1 })).toThrow(/maxShare/);
    expect(() => balanceTrainingSplit([], { maxShare: 0.3, minShare: 0.5, seed: 1 })).toThrow(/minShare/);
  });

  it('capQuotas satisfies the cap for many shapes', () => {
    for (const counts of [
      [100, 1, 1, 1, 1, 1],
      [50, 49, 1, 1, 1],
      [10, 10, 10],
      [1000, 900, 5, 5, 5, 5, 5],
    ]) {
      for (const cap of [0.25, 0.4, 0.6]) {
        const map = new Map(counts.map((c, i) => [`t${i}`, c]));
        const effective = Math.max(cap, 1 / counts.length);
        const quota = capQuotas(map, effective);
        const total = [...quota.values()].reduce((a, b) => a + b, 0);
        for (const q of quota.values()) expect(q / total).toBeLessThanOrEqual(effective + 1e-9);
      }
    }
  });
});
