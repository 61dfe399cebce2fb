import type { TableClient } from '@azure/data-tables';
import type { Feedback } from '../ingest/types';
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
  /** Clock of `receivedAt` (tests pin it). */
  now?: () => Date;
}

/**
 * Ratings in table `feedback` (partition = conversation, one row per feedback record) and
 * answering models in table `answeredby`. A log naming its model on every conversation must not
 * make each rating lookup slower: Azurite answers a partition query by scanning the whole table,
 * and with the answered-by rows in `feedback` a lookup took 7.4 ms at 10k rows and 20.3 ms at 40k
 * (1.5 ms at 40k with them apart; `npm run bench -- feedbackLookup`, docs/data-quality.md). The nightly assembly and CSAT read all
 * of `feedback` too, and no longer read a row per conversation preprocessed.
 */
export class TableFeedbackStore implements FeedbackStore {
  private readonly answered: TableClient;
  private readonly now: () => Date;

  constructor(
    private readonly table: TableClient,
    options: TableFeedbackStoreOptions,
  ) {
    this.answered = options.answered;
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
