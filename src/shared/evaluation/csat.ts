import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import { isStatus } from '../errors';
import { sampleInterval } from './intervals';
import { listPromotions, type PromotionRecord } from '../deployments/registry';

/**
 * Customer satisfaction per model version. Each rating is credited, in this order of preference:
 *
 * 1. `conversation`: to the model the rated conversation's log names — a `model`/`deployment`
 *    field on the conversation or its assistant messages, stored by preprocessing as the
 *    conversation's `answered-by` row in table `feedback` (ingest/answeringModel.ts decides when
 *    the messages disagree);
 * 2. `feedback`: else to the model the feedback row itself names (`model` or `deployment`);
 * 3. `time`: else to the model that was in production at the time of the conversation — the row's
 *    conversation time when it has one (`conversationAt`, `occurredAt` or `conversationTimestamp`,
 *    ISO 8601), else when tuneloop received the rating (`receivedAt`, else the row's Table
 *    `timestamp`). Ratings from before the first promotion go to `(before tuneloop)`. Feedback files
 *    usually arrive within a day of the conversation, so only conversations near a promotion can
 *    land on the wrong model this way — which is why a named model always wins.
 *
 * A name is matched against every promoted model's deployment name, fine-tuned model name and job
 * key; a named model tuneloop never promoted gets its own row.
 */

export interface CsatByModel {
  /** The promoted job (or `(before tuneloop)`). */
  jobKey: string;
  deploymentName?: string;
  /** Start of this model's time in production (ISO), empty for `(before tuneloop)`. */
  from: string;
  ratings: number;
  meanCsat?: number;
  /** Ratings credited because the rated conversation named this model. */
  attributedByConversation: number;
  /** Ratings credited because the feedback row named this model (the conversation did not). */
  attributedByFeedback: number;
  /** Ratings credited because this model was in production at the rating's time (nothing named a model). */
  attributedByTime: number;
  /** 95 % bootstrap interval of the mean rating (two or more ratings). */
  interval?: { low: number; high: number };
}

/** A CSAT row as stored in a report, which may predate a field (`attributedByLog`: both names counted together). */
export type StoredCsatRow = Partial<CsatByModel> & Pick<CsatByModel, 'jobKey' | 'from' | 'ratings'> & { attributedByLog?: number };

export const BEFORE_TUNELOOP = '(before tuneloop)';

export interface Rating {
  rating: number;
  at: Date;
  /** The answering model as the feedback row names it (deployment, fine-tuned model or job key), when it does. */
  model?: string;
  /** The answering model as the rated conversation's log names it, when it does (wins over `model`). */
  conversationModel?: string;
}

export type Attribution = 'conversation' | 'feedback' | 'time';

const TIME_FIELDS = ['conversationAt', 'occurredAt', 'conversationTimestamp', 'receivedAt', 'timestamp'];

/**
 * A table cell as text: a string as it is, a number or boolean by `String`. Table cells tuneloop
 * writes are never anything else (a Date is handled by the caller); other values count as missing.
 */
function cellText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Reads one feedback row; undefined when it has no usable 1–5 rating or time. */
export function ratingFromRow(row: Record<string, unknown>): Rating | undefined {
  const rating = Number(row.rating ?? row.csat);
  if (!Number.isFinite(rating) || rating < 1 || rating > 5) return undefined;
  for (const field of TIME_FIELDS) {
    const v = row[field];
    if (v === undefined || v === null || v === '') continue;
    const at = v instanceof Date ? v : new Date(cellText(v) ?? Number.NaN);
    if (Number.isNaN(at.getTime())) continue;
    const model = [row.model, row.deployment, row.deploymentName].find((m) => typeof m === 'string' && m.trim() !== '') as
      string | undefined;
    return model ? { rating, at, model: model.trim() } : { rating, at };
  }
  return undefined;
}

/**
 * Groups ratings by the model that answered: the one the rated conversation names, else the one the
 * feedback row names, else the model in production at the rating's time (see the top of this file).
 */
export function csatByModel(ratings: readonly Rating[], promotions: readonly PromotionRecord[]): CsatByModel[] {
  const eras = [...promotions].sort((a, b) => a.promotedAt.localeCompare(b.promotedAt));
  const byName = new Map<string, PromotionRecord>();
  for (const p of eras) for (const name of [p.deploymentName, p.fineTunedModel, p.jobKey]) byName.set(name.toLowerCase(), p);
  type Bucket = { values: number[] } & Record<Attribution, number>;
  const buckets = new Map<string, Bucket>();
  const add = (owner: string, rating: number, how: Attribution) => {
    const b = buckets.get(owner) ?? { values: [], conversation: 0, feedback: 0, time: 0 };
    b.values.push(rating);
    b[how]++;
    buckets.set(owner, b);
  };
  const others = new Set<string>();
  for (const r of ratings) {
    const named = r.conversationModel ?? r.model;
    if (named) {
      const how: Attribution = r.conversationModel ? 'conversation' : 'feedback';
      const promoted = byName.get(named.toLowerCase());
      if (promoted) add(`${promoted.sequence}`, r.rating, how);
      else {
        others.add(named);
        add(`other:${named}`, r.rating, how);
      }
      continue;
    }
    const at = r.at.toISOString();
    let owner = BEFORE_TUNELOOP;
    for (const p of eras) if (p.promotedAt <= at) owner = `${p.sequence}`;
    add(owner, r.rating, 'time');
  }
  const row = (jobKey: string, from: string, b: Bucket | undefined, deploymentName?: string): CsatByModel => {
    const values = b?.values ?? [];
    const out: CsatByModel = {
      jobKey,
      ...(deploymentName ? { deploymentName } : {}),
      from,
      ratings: values.length,
      meanCsat: values.length ? values.reduce((x, y) => x + y, 0) / values.length : undefined,
      attributedByConversation: b?.conversation ?? 0,
      attributedByFeedback: b?.feedback ?? 0,
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

/** Ratings per attribution, summed over models (for a one-line summary). */
export function attributionTotals(rows: readonly CsatByModel[]): Record<Attribution, number> {
  const t = { conversation: 0, feedback: 0, time: 0 };
  for (const r of rows) {
    t.conversation += r.attributedByConversation;
    t.feedback += r.attributedByFeedback;
    t.time += r.attributedByTime;
  }
  return t;
}

/**
 * Ratings from table `feedback` (written by preprocessing, one row per feedback record, partition =
 * conversation), with the answering model of each rated conversation from table `answeredby` (and
 * from the answered-by rows earlier versions wrote into `feedback`). A conversation rated more than
 * once counts once, with its newest rating; of several answered-by rows, the newest wins.
 */
export async function readRatings(storage: StorageClients, options: { signal?: AbortSignal } = {}): Promise<Rating[]> {
  const newest = new Map<string, { rating: Rating; stamp: string }>();
  const answeredBy = new Map<string, { model: string; stamp: string }>();
  const noteAnswered = (conversation: string, model: string, stamp: string) => {
    const seen = answeredBy.get(conversation);
    if (!seen || stamp > seen.stamp) answeredBy.set(conversation, { model, stamp });
  };
  for await (const row of tableRows(storage, TABLES.feedback, options.signal)) {
    const conversation = cellText(row.conversationId) ?? String(row.partitionKey);
    const stamp = cellText(row.receivedAt) ?? row.timestamp ?? '';
    if (typeof row.answeringModel === 'string' && row.answeringModel.trim() !== '') {
      noteAnswered(conversation, row.answeringModel.trim(), stamp);
      continue;
    }
    const r = ratingFromRow(row);
    if (!r) continue;
    const seen = newest.get(conversation);
    if (!seen || stamp > seen.stamp) newest.set(conversation, { rating: r, stamp });
  }
  for await (const row of tableRows(storage, TABLES.answeredBy, options.signal)) {
    const conversation = cellText(row.conversationId) ?? String(row.partitionKey);
    // Only rated conversations are credited: the rest need not be held.
    if (!newest.has(conversation) || typeof row.answeringModel !== 'string' || row.answeringModel.trim() === '') continue;
    noteAnswered(conversation, row.answeringModel.trim(), cellText(row.receivedAt) ?? row.timestamp ?? '');
  }
  return [...newest.entries()].map(([conversation, { rating }]) => {
    const model = answeredBy.get(conversation)?.model;
    return model ? { ...rating, conversationModel: model } : rating;
  });
}

/** Every row of a table; none when it does not exist yet (no ratings, or no named model, so far). */
async function* tableRows(
  storage: StorageClients,
  name: string,
  signal: AbortSignal | undefined,
): AsyncIterable<Record<string, unknown> & { partitionKey?: string; timestamp?: string }> {
  try {
    for await (const row of storage.table(name).listEntities({ abortSignal: signal })) yield row;
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
  }
}

export async function loadCsatByModel(storage: StorageClients, options: { signal?: AbortSignal } = {}): Promise<CsatByModel[]> {
  const [ratings, promotions] = await Promise.all([readRatings(storage, options), listPromotions(storage)]);
  return csatByModel(ratings, promotions);
}
