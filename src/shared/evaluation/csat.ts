import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import { sampleInterval } from './intervals';
import { listPromotions, type PromotionRecord } from '../deployments/registry';

/**
 * Customer satisfaction per model version.
 *
 * A rating whose row names the model that answered the conversation (`model` or `deployment`: a
 * deployment name, fine-tuned model name or job key) is credited to that model. Only otherwise:
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
  /** Ratings credited because the log named this model / because this model was in production at the time. */
  attributedByLog: number;
  attributedByTime: number;
  /** 95 % bootstrap interval of the mean rating (two or more ratings). */
  interval?: { low: number; high: number };
}

export const BEFORE_TUNELOOP = '(before tuneloop)';

export interface Rating {
  rating: number;
  at: Date;
  /** The answering model as the log names it (deployment, fine-tuned model or job key), when it does. */
  model?: string;
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
    if (Number.isNaN(at.getTime())) continue;
    const model = [row.model, row.deployment, row.deploymentName].find((m) => typeof m === 'string' && m.trim() !== '') as string | undefined;
    return model ? { rating, at, model: model.trim() } : { rating, at };
  }
  return undefined;
}

/**
 * Groups ratings by the model that answered: the one the log names when it names a promoted model
 * (by deployment, fine-tuned model or job key), else the model in production at the rating's time.
 * A named model tuneloop never promoted gets its own row.
 */
export function csatByModel(ratings: readonly Rating[], promotions: readonly PromotionRecord[]): CsatByModel[] {
  const eras = [...promotions].sort((a, b) => a.promotedAt.localeCompare(b.promotedAt));
  const byName = new Map<string, PromotionRecord>();
  for (const p of eras) for (const name of [p.deploymentName, p.fineTunedModel, p.jobKey]) byName.set(name.toLowerCase(), p);
  const buckets = new Map<string, { values: number[]; log: number; time: number }>();
  const add = (owner: string, rating: number, how: 'log' | 'time') => {
    const b = buckets.get(owner) ?? { values: [], log: 0, time: 0 };
    b.values.push(rating);
    b[how]++;
    buckets.set(owner, b);
  };
  const others = new Set<string>();
  for (const r of ratings) {
    if (r.model) {
      const named = byName.get(r.model.toLowerCase());
      if (named) add(`${named.sequence}`, r.rating, 'log');
      else {
        others.add(r.model);
        add(`other:${r.model}`, r.rating, 'log');
      }
      continue;
    }
    const at = r.at.toISOString();
    let owner = BEFORE_TUNELOOP;
    for (const p of eras) if (p.promotedAt <= at) owner = `${p.sequence}`;
    add(owner, r.rating, 'time');
  }
  const row = (jobKey: string, from: string, b: { values: number[]; log: number; time: number } | undefined, deploymentName?: string): CsatByModel => {
    const values = b?.values ?? [];
    const out: CsatByModel = {
      jobKey,
      ...(deploymentName ? { deploymentName } : {}),
      from,
      ratings: values.length,
      meanCsat: values.length ? values.reduce((x, y) => x + y, 0) / values.length : undefined,
      attributedByLog: b?.log ?? 0,
      attributedByTime: b?.time ?? 0,
    };
    if (values.length >= 2) {
      const i = sampleInterval(values, (v) => v.reduce((x, y) => x + y, 0) / v.length);
      out.interval = { low: i.low, high: i.high };
    }
    return out;
  };
  const out: CsatByModel[] = [];
  const before = buckets.get(BEFORE_TUNELOOP);
  if (before) out.push(row(BEFORE_TUNELOOP, '', before));
  for (const p of eras) out.push(row(p.jobKey, p.promotedAt, buckets.get(`${p.sequence}`), p.deploymentName));
  for (const name of [...others].sort()) out.push(row(name, '', buckets.get(`other:${name}`)));
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
