import { hash } from 'node:crypto';

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

/**
 * Records without an issue type (FAQ pairs, ready-made lines, unlabelled chats) are reported under
 * this name. They are not an issue type: they count in the total but are never capped or
 * up-sampled.
 */
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
  const typed = new Map([...groups].filter(([t]) => t !== UNTYPED).map(([t, list]) => [t, list.length]));
  // With k groups no cap below 1/k can hold without flattening every type; cap at equal shares
  // instead (untyped records count as one group here).
  const effectiveMaxShare = groups.size ? Math.max(maxShare, 1 / groups.size) : maxShare;
  const quota = capQuotas(typed, effectiveMaxShare, groups.get(UNTYPED)?.length ?? 0);

  const kept: T[] = [];
  const dropped: T[] = [];
  const keptGroups = new Map<string, T[]>();
  for (const [type, list] of groups) {
    // Whole conversations in rank order while they fit the quota, so a conversation's examples
    // are never split between kept and dropped.
    const byConversation = new Map<string, T[]>();
    for (const r of list) {
      const members = byConversation.get(r.conversation_id) ?? [];
      members.push(r);
      byConversation.set(r.conversation_id, members);
    }
    const ranked = [...byConversation.entries()].sort((a, b) => rankKey(seed, a[0]).localeCompare(rankKey(seed, b[0])));
    const limit = quota.get(type) ?? list.length;
    const keep: T[] = [];
    let full = false;
    for (const [, members] of ranked) {
      if (!full && keep.length + members.length <= limit) keep.push(...members);
      else {
        full = true;
        dropped.push(...members);
      }
    }
    keptGroups.set(type, keep);
  }

  let upsampled = 0;
  if (minShare > 0) {
    const total = [...keptGroups.values()].reduce((n, l) => n + l.length, 0);
    const maxRepeats = options.maxRepeats ?? 5;
    for (const [type, list] of keptGroups) {
      if (!list.length || type === UNTYPED) continue;
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

/** The rank of a conversation within its issue type (lowest kept first); exported for `prepare`'s on-disk balance. */
export function rankKey(seed: string | number, conversationId: string): string {
  return hash('sha256', `${seed}\u0000${conversationId}`, 'hex');
}

function distribution(groups: Map<string, unknown[]>): Record<string, number> {
  return Object.fromEntries([...groups].map(([t, list]): [string, number] => [t, list.length]).sort());
}

/**
 * Largest counts per type such that no type exceeds `cap` of the total: the biggest types are
 * capped to a common count x with x / (rest + j·x) ≤ cap, adding types to the capped set while
 * the next one would still be above x.
 */
export function capQuotas(counts: Map<string, number>, cap: number, uncapped = 0): Map<string, number> {
  const quota = new Map(counts);
  if (cap >= 1 || counts.size === 0) return quota;
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  // `uncapped` records (no issue type) are part of the total but never capped themselves.
  const total = sorted.reduce((n, [, c]) => n + c, 0) + uncapped;
  let rest = total;
  for (let j = 1; j <= sorted.length; j++) {
    rest -= sorted[j - 1][1];
    const denominator = 1 - cap * j;
    const x = denominator <= 1e-12 ? Math.max(sorted[sorted.length - 1][1], uncapped) : Math.floor((cap * rest) / denominator);
    const next = sorted[j]?.[1] ?? -1;
    if (x >= sorted[j - 1][1] && j === 1) return quota; // the largest type is within the cap already
    if (next <= x || denominator <= 1e-12) {
      for (let i = 0; i < j; i++) quota.set(sorted[i][0], Math.min(sorted[i][1], Math.max(x, 1)));
      return quota;
    }
  }
  return quota;
}

/** What preprocessing needs of a training record to quarantine it and fix its counters. */
export interface BalancedTrainingRecord extends BalanceRecord {
  kind: string;
  tokens: number;
  source: { file: string; line: number };
  example: unknown;
}

/**
 * One quarantine record per conversation the cap removed (all of its training examples), for
 * `tuneloop prepare`; the nightly assembly handles its own. The record text is the conversation's
 * redacted examples: the original stays in the input file.
 */
export function balanceQuarantine<T extends BalancedTrainingRecord>(
  result: BalanceResult<T>,
  maxShare: number,
): { file: string; line: number; reason: 'balance-cap'; detail: string; record: string }[] {
  const byConversation = new Map<string, T[]>();
  for (const r of result.dropped) {
    const list = byConversation.get(r.conversation_id) ?? [];
    list.push(r);
    byConversation.set(r.conversation_id, list);
  }
  const total = Object.values(result.before).reduce((a, b) => a + b, 0);
  return [...byConversation.values()].map((records) => {
    const type = records[0].issue_type || UNTYPED;
    const share = total ? result.before[type] / total : 0;
    return {
      file: records[0].source.file,
      line: records[0].source.line,
      reason: 'balance-cap' as const,
      detail: `issue type "${type}" had ${(share * 100).toFixed(1)}% of the training split, above TUNELOOP_BALANCE_MAX_SHARE=${maxShare} (applied cap ${(result.effectiveMaxShare * 100).toFixed(1)}%)`,
      record: records.map((r) => JSON.stringify(r.example)).join('\n'),
    };
  });
}

/** Counter changes of a balanced training split: fewer used records, more quarantined, fewer or more examples. */
export function balanceCounters<T extends BalancedTrainingRecord>(
  result: BalanceResult<T>,
): { conversationsDropped: number; examplesDropped: number; examplesAdded: number; tokensDelta: number; byKind: Record<string, number> } {
  const conversations = new Set(result.dropped.map((r) => r.conversation_id));
  const byKind: Record<string, number> = {};
  let tokensDelta = 0;
  for (const r of result.dropped) {
    byKind[r.kind] = (byKind[r.kind] ?? 0) - 1;
    tokensDelta -= r.tokens;
  }
  const seen = new Set<T>();
  for (const r of result.kept) {
    if (seen.has(r)) {
      byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
      tokensDelta += r.tokens;
    }
    seen.add(r);
  }
  return {
    conversationsDropped: conversations.size,
    examplesDropped: result.dropped.length,
    examplesAdded: result.upsampled,
    tokensDelta,
    byKind,
  };
}
