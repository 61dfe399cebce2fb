import type { TableClient } from '@azure/data-tables';
import type { Feedback } from '../ingest/types';
import { isStatus } from '../errors';
import { tableKey } from './keys';

/**
 * Where feedback waits for its conversation (or is kept for conversations already curated, which
 * dataset assembly joins again). Table `feedback`, PartitionKey = conversation id.
 */
export interface FeedbackStore {
  /** Stores one feedback record; storing the same file+line again replaces it (retries are harmless). */
  put(feedback: Feedback, signal?: AbortSignal): Promise<void>;
  /** The newest feedback stored for a conversation. */
  latest(conversationId: string, signal?: AbortSignal): Promise<StoredFeedback | undefined>;
  /**
   * Records which model answered a conversation, when its log names one (CSAT per answering model
   * reads it next to the conversation's ratings). Stores without a reader of it may leave it out.
   */
  answeredBy?(record: AnsweringModelRow, signal?: AbortSignal): Promise<void>;
  /**
   * True when certainly nothing is stored (no rating can be joined yet); stores that cannot tell
   * cheaply (tables shared with other runs) leave it out. Preprocessing then parses JSON lines on
   * its workers (`preprocessStream`).
   */
  isEmpty?(): boolean;
}

/**
 * Row `answered-by#<file>#<line>` in the conversation's partition of table `answeredby` (earlier
 * versions wrote it into table `feedback`, where readers still find and skip it); it has no rating.
 */
export interface AnsweringModelRow {
  conversationId: string;
  answeringModel: string;
  file: string;
  line: number;
}

export interface StoredFeedback {
  conversationId: string;
  rating: number;
  comment?: string;
  /** The answering model named by the log (read by CSAT per model). */
  model?: string;
  file: string;
  line: number;
  /** ISO time the record was stored. */
  receivedAt: string;
}

/** Feedback of one local run (`tuneloop prepare`): last stored wins. */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly byConversation = new Map<string, StoredFeedback>();
  private sequence = 0;

  async put(feedback: Feedback): Promise<void> {
    // A sequence instead of the clock: local output must be byte-identical run after run.
    this.byConversation.set(feedback.conversationId, toStored(feedback, String(this.sequence++).padStart(12, '0')));
  }

  async latest(conversationId: string): Promise<StoredFeedback | undefined> {
    return this.byConversation.get(conversationId);
  }

  isEmpty(): boolean {
    return this.byConversation.size === 0;
  }
}

interface FeedbackEntity extends StoredFeedback {
  partitionKey: string;
  rowKey: string;
}

/** A feedback row as read back: the numbers are converted, as a row written by hand may hold them as text. */
type StoredFeedbackEntity = Omit<FeedbackEntity, 'rating' | 'line'> & { rating: unknown; line: unknown };

export interface TableFeedbackStoreOptions {
  /** Table `answeredby`: where `answeredBy` writes (see TABLES.answeredBy). */
  answered: TableClient;
  /** Table `rated`: the index of conversations with a stored rating (see TABLES.rated and `RATED_INDEX_COMPLETE`). */
  rated: TableClient;
  /** Clock of `receivedAt` (tests pin it). */
  now?: () => Date;
}

/**
 * Ratings in table `feedback` (partition = conversation, one row per feedback record) and
 * answering models in table `answeredby`. A log naming its model on every conversation must not
 * make each rating lookup slower: Azurite answers a partition query by scanning the whole table,
 * and with the answered-by rows in `feedback` a lookup took 7.4 ms at 10k rows and 20.3 ms at 40k
 * (1.5 ms at 40k with them apart; `npm run bench -- feedbackLookup`, docs/data-quality.md). The nightly assembly and CSAT read all
 * of `feedback` too, and no longer read a row per conversation preprocessed. For the same reason
 * each rated conversation is listed in table `rated`: once that index is complete, the lookup of
 * an unrated conversation (most of them) is a point read, however many ratings are stored.
 */
export class TableFeedbackStore implements FeedbackStore {
  private readonly answered: TableClient;
  private readonly rated: TableClient;
  private readonly now: () => Date;
  /** Whether table `rated` lists every rated conversation: asked once per store (one blob's run). */
  private indexComplete?: Promise<boolean>;

  constructor(
    private readonly table: TableClient,
    options: TableFeedbackStoreOptions,
  ) {
    this.answered = options.answered;
    this.rated = options.rated;
    this.now = options.now ?? (() => new Date());
  }

  async put(feedback: Feedback, signal?: AbortSignal): Promise<void> {
    const stored = toStored(feedback, this.now().toISOString());
    const entity: FeedbackEntity = {
      partitionKey: tableKey(feedback.conversationId),
      rowKey: tableKey(`${feedback.source.file}#${feedback.source.line}`),
      ...stored,
      // A table property holds at most 32K UTF-16 characters.
      ...(stored.comment !== undefined ? { comment: stored.comment.slice(0, 30_000) } : {}),
    };
    await this.table.upsertEntity(entity, 'Replace', { abortSignal: signal });
    // After the rating itself: a conversation the index lists always has its row in `feedback`.
    await markRated(this.rated, feedback.conversationId, signal).catch((err: unknown) => {
      // No `rated` table (a deployment before it): the index is never complete there, and the
      // nightly assembly lists this rating when it completes the index.
      if (!isStatus(err, 404)) throw err;
    });
  }

  private ratedIndexComplete(signal?: AbortSignal): Promise<boolean> {
    // A failed check (an aborted lookup, a network error) is asked again by the next lookup.
    return (this.indexComplete ??= ratedIndexComplete(this.rated, signal).catch((err: unknown) => {
      this.indexComplete = undefined;
      throw err;
    }));
  }

  async answeredBy(record: AnsweringModelRow, signal?: AbortSignal): Promise<void> {
    await this.answered.upsertEntity(
      {
        partitionKey: tableKey(record.conversationId),
        rowKey: tableKey(`answered-by#${record.file}#${record.line}`),
        ...record,
        receivedAt: this.now().toISOString(),
      },
      'Replace',
      { abortSignal: signal },
    );
  }

  async latest(conversationId: string, signal?: AbortSignal): Promise<StoredFeedback | undefined> {
    // Most conversations have no rating: with a complete index, one point read says so (Azurite
    // answers the partition query below by scanning every row of `feedback`).
    if ((await this.ratedIndexComplete(signal)) && !(await isRated(this.rated, conversationId, signal))) return undefined;
    const pk = tableKey(conversationId).replace(/'/g, "''");
    let best: StoredFeedback | undefined;
    for await (const e of this.table.listEntities<StoredFeedbackEntity>({
      queryOptions: { filter: `PartitionKey eq '${pk}'` },
      abortSignal: signal,
    })) {
      // Earlier versions wrote the conversation's answered-by row here too; it is no rating.
      if ((e as Partial<FeedbackEntity>).rating === undefined) continue;
      const candidate: StoredFeedback = {
        conversationId: e.conversationId,
        rating: Number(e.rating),
        ...(e.comment !== undefined ? { comment: e.comment } : {}),
        file: e.file,
        line: Number(e.line),
        receivedAt: e.receivedAt,
      };
      if (!best || newer(candidate, best)) best = candidate;
    }
    return best;
  }
}

/**
 * The row of table `rated` that says the index is complete: written by the nightly assembly once
 * it has listed every conversation of `feedback` in `rated` (`RatedIndexBackfill`). Until then, and
 * for ratings stored by versions before the index, lookups query `feedback` itself.
 */
export const RATED_INDEX_COMPLETE = { partitionKey: '~index', rowKey: '~complete' } as const;

/**
 * Lists a conversation in table `rated` (PartitionKey = RowKey = its key: a point read finds it,
 * and Azurite finds it through its RowKey index without a scan). Idempotent.
 */
export async function markRated(rated: TableClient, conversationId: string, signal?: AbortSignal): Promise<void> {
  const key = tableKey(conversationId);
  await rated.upsertEntity({ partitionKey: key, rowKey: key, conversationId }, 'Replace', { abortSignal: signal });
}

function isRated(rated: TableClient, conversationId: string, signal?: AbortSignal): Promise<boolean> {
  const key = tableKey(conversationId);
  return rowExists(rated, key, key, signal);
}

/** False without the marker, or without the table (an older deployment): lookups then query `feedback` as before. */
function ratedIndexComplete(rated: TableClient, signal?: AbortSignal): Promise<boolean> {
  return rowExists(rated, RATED_INDEX_COMPLETE.partitionKey, RATED_INDEX_COMPLETE.rowKey, signal);
}

/** Whether a row exists (a point read of its keys only); a missing table holds none. */
async function rowExists(table: TableClient, partitionKey: string, rowKey: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await table.getEntity(partitionKey, rowKey, { abortSignal: signal, queryOptions: { select: ['PartitionKey'] } });
    return true;
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw err;
  }
}

/**
 * Completes the index of table `rated` while the nightly assembly reads all of `feedback`: each
 * row's conversation is listed (`add`), then the index is marked complete (`finish`). Ratings
 * stored meanwhile list themselves (`put`), so none is missed. `start` gives undefined when the
 * index is already complete; without a `rated` table (a deployment before it) nothing is written
 * and lookups keep querying `feedback`.
 */
export class RatedIndexBackfill {
  private readonly pending: Promise<void>[] = [];
  private listed = 0;
  private missingTable = false;

  private constructor(
    private readonly rated: TableClient,
    private readonly signal?: AbortSignal,
  ) {}

  static async start(rated: TableClient, signal?: AbortSignal): Promise<RatedIndexBackfill | undefined> {
    return (await ratedIndexComplete(rated, signal)) ? undefined : new RatedIndexBackfill(rated, signal);
  }

  async add(conversationId: string): Promise<void> {
    if (this.missingTable) return;
    this.pending.push(this.mark(conversationId));
    this.listed++;
    if (this.pending.length >= BACKFILL_CONCURRENCY) await Promise.all(this.pending.splice(0));
  }

  /** Marks the index complete once every listing is written; returns how many rows were listed (undefined: no table). */
  async finish(): Promise<number | undefined> {
    await Promise.all(this.pending.splice(0));
    if (this.missingTable) return undefined;
    try {
      await this.rated.upsertEntity({ ...RATED_INDEX_COMPLETE, completedAt: new Date().toISOString(), listed: this.listed }, 'Replace', {
        abortSignal: this.signal,
      });
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
    return this.listed;
  }

  private async mark(conversationId: string): Promise<void> {
    try {
      await markRated(this.rated, conversationId, this.signal);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      this.missingTable = true;
    }
  }
}

const BACKFILL_CONCURRENCY = 32;

function newer(a: StoredFeedback, b: StoredFeedback): boolean {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt > b.receivedAt;
  if (a.file !== b.file) return a.file > b.file;
  return a.line > b.line;
}

function toStored(feedback: Feedback, receivedAt: string): StoredFeedback {
  return {
    conversationId: feedback.conversationId,
    rating: feedback.rating,
    ...(feedback.comment !== undefined ? { comment: feedback.comment } : {}),
    ...(feedback.model !== undefined ? { model: feedback.model } : {}),
    file: feedback.source.file,
    line: feedback.source.line,
    receivedAt,
  };
}
