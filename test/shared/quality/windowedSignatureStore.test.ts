import { createDedupStage } from '../../../src/shared/quality/dedup';
import { WindowedSignatureStore } from '../../../src/shared/quality/windowedSignatureStore';
import type { StageResult } from '../../../src/shared/dataset/stages';
import type { Conversation } from '../../../src/shared/ingest/types';
import { conversation } from './helpers';

/** Texts long enough for near-duplicate matching; `near` differs from `base` in one word. */
const TEXTS: Record<string, [string, string]> = {
  base: [
    'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge please.',
    'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
  ],
  near: [
    'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge thanks.',
    'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
  ],
  address: [
    'How do I change the delivery address on an order that has already shipped?',
    'Once an order has shipped the address cannot be changed, but you can redirect it from the carrier tracking page.',
  ],
  pause: [
    'Can I pause my membership over the summer instead of cancelling it?',
    'Yes, you can pause for up to three months from Account > Membership > Pause.',
  ],
};

const convo = (id: string, text: string, line: number): Conversation =>
  conversation(
    id,
    [
      ['user', TEXTS[text][0]],
      ['assistant', TEXTS[text][1]],
    ],
    { source: { file: 'day.jsonl', line, record: id } },
  );

const NOW = () => new Date('2026-12-02T06:00:00Z');

/** The dedup stage over a blob's conversations in input order, as the blob path runs it. */
async function decide(store: WindowedSignatureStore, conversations: Conversation[]): Promise<string[]> {
  const stage = createDedupStage({ store, now: NOW });
  const results: StageResult[] = [];
  for (const c of conversations) results.push(await stage.apply(c, undefined, stage.prepare?.(c)));
  return results.map((r) => (r.action === 'keep' ? 'keep' : `${r.reason}: ${r.detail ?? ''}`));
}

describe('WindowedSignatureStore: duplicates within one blob, in bounded memory', () => {
  it('drops exact and near copies of conversations kept earlier in the blob, naming the first', async () => {
    const blob = [convo('a', 'base', 1), convo('b', 'address', 2), convo('c', 'base', 3), convo('d', 'near', 4), convo('e', 'pause', 5)];
    const decisions = await decide(new WindowedSignatureStore(), blob);
    expect(decisions[0]).toBe('keep');
    expect(decisions[1]).toBe('keep');
    expect(decisions[2]).toBe('duplicate-exact: exact duplicate of conversation a (day.jsonl line 1, seen 2026-12-02T06:00:00.000Z)');
    expect(decisions[3]).toMatch(/^duplicate-near: near duplicate \(estimated Jaccard 0\.\d+\) of conversation a \(day\.jsonl line 1/);
    expect(decisions[4]).toBe('keep');
  });

  it('starts over when the window is full: a copy further apart is kept here (the nightly assembly removes it)', async () => {
    // Window 2: a and b fill it; c starts a new window, so the copy of a is not seen, the copy of c is.
    const blob = [convo('a', 'base', 1), convo('b', 'address', 2), convo('c', 'pause', 3), convo('a2', 'base', 4), convo('c2', 'pause', 5)];
    const decisions = await decide(new WindowedSignatureStore({ window: 2 }), blob);
    expect(decisions.slice(0, 4)).toEqual(['keep', 'keep', 'keep', 'keep']);
    expect(decisions[4]).toMatch(/^duplicate-exact: exact duplicate of conversation c \(day\.jsonl line 3/);
  });

  it('the same conversation listed twice in the blob is not a duplicate of itself', async () => {
    const decisions = await decide(new WindowedSignatureStore(), [convo('a', 'base', 1), convo('a', 'base', 1)]);
    expect(decisions).toEqual(['keep', 'keep']);
  });
});
