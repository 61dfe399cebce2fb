import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CsvBatch } from '../csv';
import type { DeclaredEncoding } from '../encoding';
import { IngestError } from '../errors';
import { getOrThrow, required } from '../../lookup';
import { groupMessageRows, type MessageRow } from '../messageCsv';
import { linePlace, reject, unusableRow } from '../records';
import type { RoleMapper } from '../roles';
import type { IngestItem } from '../types';

/**
 * Reply-linked threads, the layout of the public "Customer Support on Twitter" dataset:
 * `tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id`. A
 * conversation is a chain (or tree) of replies: every row is given the id of the first message
 * of its thread by walking `in_response_to_tweet_id` up, then the rows are grouped and ordered by
 * time like message-per-row CSV. `inbound` true is the customer. The handles and @mentions a
 * reply starts with are removed. A thread without both sides teaches nothing and is rejected.
 *
 * Two passes: the rows are spilled to a temp file while only the reply links (two short ids per
 * row) are kept in memory; the second pass reads the spill back with each row's thread id and
 * hands it to the grouping of message-per-row CSV (which spills again by thread, so memory stays
 * bounded by the links).
 */
export const THREAD_ID_COLUMNS = ['tweet_id', 'message_id', 'post_id'] as const;
export const THREAD_PARENT_COLUMNS = ['in_response_to_tweet_id', 'in_reply_to_id', 'in_reply_to', 'parent_id', 'reply_to_id'] as const;

export function isReplyThreadHeader(columns: readonly string[]): boolean {
  const set = new Set(columns);
  return (
    THREAD_ID_COLUMNS.some((c) => set.has(c)) &&
    THREAD_PARENT_COLUMNS.some((c) => set.has(c)) &&
    set.has('text') &&
    (set.has('inbound') || set.has('speaker'))
  );
}

export interface ThreadOptions {
  /** The encoding the file was declared in: an invalid row's rejection names it. */
  encoding?: DeclaredEncoding;
  file: string;
  roles: RoleMapper;
  columns: readonly string[];
  tempDir?: string;
  signal?: AbortSignal;
  /** How a rejection names a row (see CsvContext.place). */
  place?: (line: number) => string;
  /** The IANA zone zone-less timestamps were written in (a declared time zone); absent: UTC. */
  timeZone?: string;
  /** Called with what the report should say about the file as a whole (repeated rows). */
  onNotice?: (message: string) => void;
}

const LEADING_HANDLES = /^(?:\s*@[\p{L}\p{N}_]+[:,]?)+\s*/u;

export function stripLeadingHandles(text: string): string {
  return text.replace(LEADING_HANDLES, '');
}

export async function* parseReplyThreads(batches: AsyncIterable<CsvBatch>, options: ThreadOptions): AsyncIterable<IngestItem> {
  const { file, signal, columns } = options;
  const at = (name: string) => columns.indexOf(name);
  // The header passed isReplyThreadHeader, which requires an id and a parent column.
  const idAt = at(
    required(
      THREAD_ID_COLUMNS.find((c) => columns.includes(c)),
      'the thread id column',
    ),
  );
  const parentAt = at(
    required(
      THREAD_PARENT_COLUMNS.find((c) => columns.includes(c)),
      'the thread parent column',
    ),
  );
  const inboundAt = at('inbound');
  const speakerAt = at('speaker');
  const textAt = at('text');
  const timestampAt = at('timestamp');
  const issueAt = at('issue_type');
  let dir: string;
  try {
    dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'tuneloop-threads-'));
  } catch (err) {
    throw tempError(file, err);
  }
  const parents = new Map<string, string>();
  const spillPath = join(dir, 'rows.jsonl');
  const deferred: IngestItem[] = [];
  try {
    const spill = await open(spillPath, 'w').catch((err: unknown) => {
      throw tempError(file, err);
    });
    try {
      for await (const batch of batches) {
        signal?.throwIfAborted();
        const lines: string[] = [];
        for (const row of batch.rows) {
          const unusable = unusableRow(row, columns.length, file, options.encoding);
          if (unusable) {
            yield unusable;
            continue;
          }
          const source = { file, line: row.line, record: row.raw };
          const id = row.fields[idAt].trim();
          if (!id) {
            yield reject(source, `missing-field:${columns[idAt]}`, 'the row has no message id, so it cannot be placed in a thread');
            continue;
          }
          const parent = firstId(row.fields[parentAt]);
          if (parent && parent !== id) parents.set(id, parent);
          const speaker = inboundAt >= 0 ? inboundSpeaker(row.fields[inboundAt]) : row.fields[speakerAt];
          const messageRow: MessageRow = {
            conversationId: id,
            line: row.line,
            raw: row.raw,
            speaker: speaker ?? '',
            text: stripLeadingHandles(row.fields[textAt] ?? ''),
            timestamp: timestampAt >= 0 ? row.fields[timestampAt] : undefined,
            issueType: issueAt >= 0 ? row.fields[issueAt] : undefined,
          };
          if (speaker === undefined)
            messageRow.error = {
              reason: 'invalid-field:inbound',
              detail: `${(options.place ?? linePlace)(row.line)} has inbound ${JSON.stringify(row.fields[inboundAt])}; expected True or False (or 1/0, yes/no, y/n)`,
            };
          lines.push(JSON.stringify(messageRow));
        }
        if (lines.length) await spill.write(lines.join('\n') + '\n');
        if (batch.unreadable)
          deferred.push(
            reject({ file, line: batch.unreadable.line, record: batch.unreadable.raw }, 'invalid-csv', batch.unreadable.detail),
          );
      }
    } catch (err) {
      if (err instanceof IngestError || (err as Error).name === 'AbortError') throw err;
      throw tempError(file, err);
    } finally {
      await spill.close();
    }
    yield* deferred;
    const roots = new Map<string, string>();
    const rootOf = (id: string): string => {
      const known = roots.get(id);
      if (known) return known;
      const path: string[] = [];
      const seen = new Set<string>();
      let current = id;
      while (parents.has(current) && !seen.has(current)) {
        seen.add(current);
        path.push(current);
        current = getOrThrow(parents, current, 'parent of reply');
        const cached = roots.get(current);
        if (cached) {
          current = cached;
          break;
        }
      }
      for (const step of path) roots.set(step, current);
      roots.set(id, current);
      return current;
    };
    async function* rows(): AsyncIterable<MessageRow> {
      const lines = createInterface({ input: createReadStream(spillPath, { encoding: 'utf8' }), crlfDelay: Infinity });
      try {
        for await (const line of lines) {
          if (!line) continue;
          const row = JSON.parse(line) as MessageRow;
          row.conversationId = rootOf(row.conversationId);
          yield row;
        }
      } finally {
        lines.close();
      }
    }
    for await (const item of groupMessageRows(rows(), {
      file,
      roles: options.roles,
      tempDir: dir,
      signal,
      place: options.place,
      timeZone: options.timeZone,
      onNotice: options.onNotice,
    })) {
      if (item.type !== 'conversation') {
        yield item;
        continue;
      }
      const roles = new Set(item.conversation.turns.map((t) => t.role));
      if (!roles.has('user') || !roles.has('assistant')) {
        const missing = roles.has('user') ? 'no reply from the support side' : 'no message from the customer';
        yield reject(
          item.conversation.source,
          'one-sided-conversation',
          `the thread starting at ${item.conversation.conversationId} has ${missing}, so there is nothing to learn from it`,
        );
        continue;
      }
      yield item;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `response_tweet_id` may list several ids; the parent column holds one, but tolerate "1,2" and "123.0". */
function firstId(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  if (!first) return undefined;
  return /^\d+\.0$/.test(first) ? first.slice(0, -2) : first;
}

function inboundSpeaker(value: string | undefined): string | undefined {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'y') return 'customer';
  if (v === 'false' || v === '0' || v === 'no' || v === 'n') return 'agent';
  return undefined;
}

function tempError(file: string, err: unknown): IngestError {
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError(
    'temp-storage-failed',
    file,
    `rebuilding reply threads needs temp disk space and it failed: ${message}; free space or set tempDir`,
    {
      cause: err,
      retriable: true,
    },
  );
}
