import { hash } from 'node:crypto';

export type Split = 'train' | 'validation' | 'holdout';

export interface SplitShares {
  /** Share of conversations in validation, 0–1. */
  validation: number;
  /** Share of conversations in holdout, 0–1. */
  holdout: number;
}

/**
 * Where a conversation belongs, from the sha256 of its id alone: the same conversation lands in
 * the same split however much data arrives around it, so holdout never leaks into training.
 * Holdout takes the lowest hash range, so changing the validation share never moves holdout.
 */
export function splitFor(conversationId: string, shares: SplitShares): Split {
  if (shares.validation < 0 || shares.holdout < 0 || shares.validation + shares.holdout >= 1) {
    throw new RangeError(
      `split shares must be ≥ 0 and leave room for training (validation ${shares.validation} + holdout ${shares.holdout} < 1)`,
    );
  }
  const u = hashUnit(conversationId);
  if (u < shares.holdout) return 'holdout';
  if (u < shares.holdout + shares.validation) return 'validation';
  return 'train';
}

/** The first 52 bits of sha256(id) as a number in [0, 1) (52 bits: exact in a double). */
export function hashUnit(id: string): number {
  // One-shot `hash`: a Hash object per call cost 2-5x more than the digest itself (issue #10).
  const digest = hash('sha256', id, 'buffer');
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;
  return (high * 2 ** 20 + low) / 2 ** 52;
}
