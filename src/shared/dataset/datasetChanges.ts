import type { LineWriter } from './spill';

/**
 * One line per conversation of a dataset's training split, sorted by identity hash
 * (`<version>/index.tsv`): hash, digest of its training lines (text and weights), training
 * tokens, examples, issue type. Two versions' indexes are compared line by line, in bounded
 * memory, to find what changed between them.
 */
export interface IndexEntry {
  hash: string;
  digest: string;
  tokens: number;
  examples: number;
  issueType: string;
}

export function indexLine(e: IndexEntry): string {
  return `${e.hash}\t${e.digest}\t${e.tokens}\t${e.examples}\t${e.issueType}`;
}

export function parseIndexLine(line: string): IndexEntry {
  const [hash, digest, tokens, examples, ...type] = line.split('\t');
  return { hash, digest, tokens: Number(tokens), examples: Number(examples), issueType: type.join('\t') };
}

export interface ChangeTally {
  conversations: number;
  examples: number;
  tokens: number;
}

/** What changed in the training split since an earlier version. */
export interface DatasetChange {
  /** The version compared with; absent for the first dataset. */
  comparedWith?: string;
  /** `index`: conversation by conversation; `count`: the earlier version has no index (built before it existed), only its example count is compared. */
  method: 'index' | 'count' | 'first';
  added: ChangeTally;
  removed: ChangeTally;
  /** Same conversation, different training lines: a newer export, a late rating (weights), new redaction. */
  changed: ChangeTally;
  unchanged: ChangeTally;
  /** Examples added + removed + changed (the larger side of each changed conversation). */
  changedExamples: number;
  /** Training tokens likewise. */
  changedTokens: number;
}

const zero = (): ChangeTally => ({ conversations: 0, examples: 0, tokens: 0 });

/** A change status per conversation of the new index, for the continuation file: `new`, `changed` or `same`. */
export type ConversationChange = 'new' | 'changed' | 'same';

/**
 * Merge-joins the new index with the earlier one (both sorted by hash). When `statusOut` is
 * given, writes `hash\tstatus\tissueType` for every conversation of the new index, in order.
 */
export async function compareIndexes(
  current: AsyncIterable<string>,
  previous: AsyncIterable<string>,
  options: { comparedWith: string; statusOut?: LineWriter; unchangedByType?: Map<string, number> },
): Promise<DatasetChange> {
  const change: DatasetChange = {
    comparedWith: options.comparedWith,
    method: 'index',
    added: zero(),
    removed: zero(),
    changed: zero(),
    unchanged: zero(),
    changedExamples: 0,
    changedTokens: 0,
  };
  const add = (t: ChangeTally, e: IndexEntry) => {
    t.conversations++;
    t.examples += e.examples;
    t.tokens += e.tokens;
  };
  const prevIt = previous[Symbol.asyncIterator]();
  const nextPrev = async (): Promise<IndexEntry | undefined> => {
    for (;;) {
      const r = await prevIt.next();
      if (r.done) return undefined;
      if (r.value) return parseIndexLine(r.value);
    }
  };
  let prev = await nextPrev();
  const status = async (e: IndexEntry, s: ConversationChange) => options.statusOut?.write(`${e.hash}\t${s}\t${e.issueType}`);
  for await (const line of current) {
    if (!line) continue;
    const cur = parseIndexLine(line);
    while (prev && prev.hash < cur.hash) {
      add(change.removed, prev);
      prev = await nextPrev();
    }
    if (prev && prev.hash === cur.hash) {
      if (prev.digest === cur.digest) {
        add(change.unchanged, cur);
        options.unchangedByType?.set(cur.issueType, (options.unchangedByType.get(cur.issueType) ?? 0) + cur.examples);
        await status(cur, 'same');
      } else {
        change.changed.conversations++;
        change.changed.examples += Math.max(cur.examples, prev.examples);
        change.changed.tokens += Math.max(cur.tokens, prev.tokens);
        await status(cur, 'changed');
      }
      prev = await nextPrev();
    } else {
      add(change.added, cur);
      await status(cur, 'new');
    }
  }
  while (prev) {
    add(change.removed, prev);
    prev = await nextPrev();
  }
  change.changedExamples = change.added.examples + change.removed.examples + change.changed.examples;
  change.changedTokens = change.added.tokens + change.removed.tokens + change.changed.tokens;
  return change;
}
