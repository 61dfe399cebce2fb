import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import { listPromotions, type PromotionRecord } from './models';

/**
 * Customer satisfaction per model version.
 *
 * Feedback rows (table `feedback`) say how a conversation was rated, not which model answered it.
 * Approximation: a rating belongs to the model that was in production at the time of the
 * conversation — taken from the row's conversation time when the row has one (`conversationAt`,
 * `occurredAt` or `conversationTimestamp`, ISO 8601), else from when tuneloop received the rating
 * (`receivedAt`, which preprocessing writes today, else the row's Table `timestamp`). Ratings from
 * before the first promotion are attributed to `(before tuneloop)`. Feedback files usually arrive
 * within a day of the conversation, so only conversations near a promotion can be attributed to
 * the wrong model.
 */

export interface CsatByModel {
  /** The promoted job (or `(before tuneloop)`). */
  jobKey: string;
  deploymentName?: string;
  /** Start of this model's time in production (ISO), empty for `(before tuneloop)`. */
  from: string;
  ratings: number;
  meanCsat?: number;
}

export const BEFORE_TUNELOOP = '(before tuneloop)';

export interface Rating {
  rating: number;
  at: Date;
}

const TIME_FIELDS = ['conversationAt', 'occurredAt', 'conversationTimestamp', 'receivedAt', 'timestamp'];

/** Reads one feedback row; undefined when it has no usable 1–5 rating or time. */
export function ratingFromRow(row: Record<string, unknown>): Rating | undefined {
  const rating = Number(row.rating ?? row.csat);
  if (!Number.isFinite(rating) || rating < 1 || rating > 5) return undefined;
  for (const field of TIME_FIELDS) {
    const v = row[field];
    if (v === undefined || v === null || v === '') continue;
    const at = v instanceof Date ? v : new Date(String(v));
    if (!Number.isNaN(at.getTime())) return { rating, at };
  }
  return undefined;
}

/** Groups ratings by the model in production at their time (promotions sorted by sequence). */
export function csatByModel(ratings: readonly Rating[], promotions: readonly PromotionRecord[]): CsatByModel[] {
  const eras = [...promotions].sort((a, b) => a.promotedAt.localeCompare(b.promotedAt));
  const buckets = new Map<string, { sum: number; n: number }>();
  for (const r of ratings) {
    const at = r.at.toISOString();
    let owner = BEFORE_TUNELOOP;
    for (const p of eras) if (p.promotedAt <= at) owner = `${p.sequence}`;
    const b = buckets.get(owner) ?? { sum: 0, n: 0 };
    b.sum += r.rating;
    b.n += 1;
    buckets.set(owner, b);
  }
  const out: CsatByModel[] = [];
  const before = buckets.get(BEFORE_TUNELOOP);
  if (before) out.push({ jobKey: BEFORE_TUNELOOP, from: '', ratings: before.n, meanCsat: before.sum / before.n });
  for (const p of eras) {
    const b = buckets.get(`${p.sequence}`);
    out.push({ jobKey: p.jobKey, deploymentName: p.deploymentName, from: p.promotedAt, ratings: b?.n ?? 0, meanCsat: b ? b.sum / b.n : undefined });
  }
  return out;
}

/**
 * Ratings from table `feedback` (written by preprocessing, one row per feedback record, partition =
 * conversation). A conversation rated more than once counts once, with its newest rating.
 */
export async function readRatings(storage: StorageClients, options: { signal?: AbortSignal } = {}): Promise<Rating[]> {
  const newest = new Map<string, { rating: Rating; stamp: string }>();
  try {
    for await (const row of storage.table(TABLES.feedback).listEntities<Record<string, unknown>>({ abortSignal: options.signal })) {
      const r = ratingFromRow(row);
      if (!r) continue;
      const conversation = String(row.conversationId ?? row.partitionKey);
      const stamp = String(row.receivedAt ?? row.timestamp ?? '');
      const seen = newest.get(conversation);
      if (!seen || stamp > seen.stamp) newest.set(conversation, { rating: r, stamp });
    }
  } catch (err) {
    // No feedback table yet means no ratings yet, not an error.
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  return [...newest.values()].map((v) => v.rating);
}

export async function loadCsatByModel(storage: StorageClients, options: { signal?: AbortSignal } = {}): Promise<CsatByModel[]> {
  const [ratings, promotions] = await Promise.all([readRatings(storage, options), listPromotions(storage)]);
  return csatByModel(ratings, promotions);
}
