import { createHash } from 'node:crypto';

/**
 * Issue-type balance of the training split. Down-sampling is deterministic: within an issue
 * type, records are ranked by a hash of (seed, conversation id) and the first ones are kept, so the
 * same input and seed always keep the same records, and adding records later does not reshuffle
 * which older ones are kept. Records of one conversation (its conversation and intent examples)
 * share a rank and are kept or dropped together where the cap allows.
 */
export interface BalanceRecord {
  conversation_id: string;
  issue_type?: string;
}

export interface BalanceOptions {
  /** Largest share (0–1] any issue type may have of the training split. 1 turns the cap off. */
  maxShare: number;
  /** Optional floor: issue types below this share are up-sampled (records repeated) to reach it. 0/undefined: off. */
  minShare?: number;
  /** Seed of the ranking hash (e.g. the dataset version's seed). */
  seed: string | number;
  /** Largest number of copies an up-sampled record may get. Default 5. */
  maxRepeats?: number;
}

export interface BalanceResult<T extends BalanceRecord> {
  kept: T[];
  /** Records the cap removed; they go to quarantine with reason `dropReason`. */
  dropped: T[];
  dropReason: 'balance-cap';
  /** Records added by up-sampling (copies of kept ones). */
  upsampled: number;
  before: Record<string, number>;
  after: Record<string, number>;
  /** The cap actually applied (raised to 1/number of types when maxShare cannot be met). */
  effectiveMaxShare: number;
}

/** Records without an issue type are balanced as one group under this name. */
export const UNTYPED = '(none)';

export function balanceTrainingSplit<T extends BalanceRecord>(records: readonly T[], options: BalanceOptions): BalanceResult<T> {
  const { maxShare, seed } = options;
  if (!(maxShare > 0 && maxShare <= 1)) throw new Error(`balance maxShare must be in (0, 1], got ${maxShare}`);
  const minShare = options.minShare ?? 0;
  if (minShare < 0 || minShare > maxShare) throw new Error(`balance minShare must be in [0, maxShare], got ${minShare}`);

  const groups = new Map<string, T[]>();
  for (const r of records) {
    const type = r.issue_type || UNTYPED;
    const list = groups.get(type) ?? [];
    list.push(r);
    groups.set(type, list);
  }
  const before = distribution(groups);
  // With k types no cap below 1/k can hold; cap at equal shares instead.
  const effectiveMaxShare = groups.size ? Math.max(maxShare, 1 / groups.size) : maxShare;
  const quota = capQuotas(new Map([...groups].map(([t, list]) => [t, list.length])), effectiveMaxShare);

  const kept: T[] = [];
  const dropped: T[] = [];
  const keptGroups = new Map<string, T[]>();
  for (const [type, list] of groups) {
    const ranked = [...list].sort((a, b) => rank(seed, a).localeCompare(rank(seed, b)));
    const limit = quota.get(type) ?? list.length;
    const keep = ranked.slice(0, limit);
    keptGroups.set(type, keep);
    dropped.push(...ranked.slice(limit));
  }

  let upsampled = 0;
  if (minShare > 0) {
    const total = [...keptGroups.values()].reduce((n, l) => n + l.length, 0);
    const maxRepeats = options.maxRepeats ?? 5;
    for (const [type, list] of keptGroups) {
      if (!list.length) continue;
      // Copies needed so that count / (total + added) ≥ minShare.
      const needed = Math.ceil((minShare * total - list.length) / (1 - minShare));
      const add = Math.min(Math.max(needed, 0), list.length * (maxRepeats - 1));
      const copies: T[] = [];
      for (let i = 0; i < add; i++) copies.push(list[i % list.length]);
      keptGroups.set(type, [...list, ...copies]);
      upsampled += add;
    }
  }
  // Keep the input order for stable output files; copies follow the originals.
  const keptSet = new Set<T>();
  for (const list of keptGroups.values()) for (const r of list) keptSet.add(r);
  for (const r of records) if (keptSet.has(r)) kept.push(r);
  for (const list of keptGroups.values()) {
    const seen = new Set<T>();
    for (const r of list) {
      if (seen.has(r)) kept.push(r);
      seen.add(r);
    }
  }
  return { kept, dropped, dropReason: 'balance-cap', upsampled, before, after: distribution(keptGroups), effectiveMaxShare };
}

function rank(seed: string | number, r: BalanceRecord): string {
  return createHash('sha256').update(`${seed}\u0000${r.conversation_id}`).digest('hex');
}

function distribution(groups: Map<string, unknown[]>): Record<string, number> {
  return Object.fromEntries([...groups].map(([t, list]) => [t, list.length]).sort());
}

/**
 * Largest counts per type such that no type exceeds `cap` of the total: the biggest types are
 * capped to a common count x with x / (rest + j·x) ≤ cap, adding types to the capped set while
 * the next one would still be above x.
 */
export function capQuotas(counts: Map<string, number>, cap: number): Map<string, number> {
  const quota = new Map(counts);
  if (cap >= 1 || counts.size === 0) return quota;
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((n, [, c]) => n + c, 0);
  let rest = total;
  for (let j = 1; j <= sorted.length; j++) {
    rest -= sorted[j - 1][1];
    const denominator = 1 - cap * j;
    const x = denominator <= 1e-12 ? sorted[sorted.length - 1][1] : Math.floor((cap * rest) / denominator);
    const next = sorted[j]?.[1] ?? -1;
    if (x >= sorted[j - 1][1] && j === 1) return quota; // the largest type is within the cap already
    if (next <= x || denominator <= 1e-12) {
      for (let i = 0; i < j; i++) quota.set(sorted[i][0], Math.min(sorted[i][1], Math.max(x, 1)));
      return quota;
    }
  }
  return quota;
}
