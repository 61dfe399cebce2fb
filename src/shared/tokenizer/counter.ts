import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { lookupRank, rankTable, type BpeEncoding, type RankTable } from './rankTable';

/**
 * Exact token counts of tiktoken's byte-pair encodings, without building token arrays: the text is
 * split by the encoding's pattern (the same regular expressions gpt-tokenizer and tiktoken use),
 * each piece is looked up whole (most pieces are one token), and the rest go through tiktoken's
 * merge (lowest rank first, leftmost on ties). Special-token text such as `<|endoftext|>` is
 * ordinary text, as the fine-tuning service counts it. `test/shared/tokenizer/counter.test.ts`
 * checks the counts against gpt-tokenizer on real chats in many languages and on random text.
 */
export class BpeCounter {
  /** The split pattern, sticky: each piece is matched where the last one ended. */
  private readonly piece: RegExp;
  /** The same pattern, global: finds the next piece when text between pieces matches nothing. */
  private readonly search: RegExp;
  private buffer = new Uint8Array(1024);
  private ranks = new Int32Array(1025);
  private starts = new Int32Array(1025);
  /** Pieces that are not one token, with their counts (bounded: started over when full). */
  private readonly merged = new Map<string, number>();

  constructor(readonly table: RankTable) {
    const pattern = table.encoding === 'o200k_base' ? O200K_TOKEN_SPLIT_REGEX : CL100K_TOKEN_SPLIT_REGEX;
    const flags = pattern.flags.replace(/[gy]/g, '');
    this.piece = new RegExp(pattern.source, `${flags}y`);
    this.search = new RegExp(pattern.source, `${flags}g`);
  }

  count(text: string): number {
    if (!text) return 0;
    // `test` on a sticky pattern gives the piece's end in `lastIndex` without building a match
    // array and a substring per piece (`exec` did: about a quarter of preprocessing's allocations,
    // issue #10); a piece is then read from the text in place.
    const piece = this.piece;
    let at = 0;
    let total = 0;
    while (at < text.length) {
      piece.lastIndex = at;
      if (piece.test(text)) {
        const end = piece.lastIndex;
        if (end === at) {
          at++;
          continue;
        }
        total += this.pieceTokens(text, at, end);
        at = end;
        continue;
      }
      // Nothing matches here: the next piece starts further on, as a global `exec` loop would find it.
      this.search.lastIndex = at;
      const next = this.search.exec(text);
      if (next === null) break;
      at = next.index;
    }
    return total;
  }

  private pieceTokens(text: string, start: number, end: number): number {
    const length = this.encode(text, start, end);
    if (lookupRank(this.table, this.buffer, 0, length) >= 0) return 1;
    const piece = text.slice(start, end);
    const known = this.merged.get(piece);
    if (known !== undefined) return known;
    const tokens = length <= LINEAR_MERGE_MAX ? this.mergeLinear(length) : mergeWithHeap(this.table, this.buffer.subarray(0, length));
    if (this.merged.size >= MERGE_CACHE_SIZE) this.merged.clear();
    this.merged.set(piece, tokens);
    return tokens;
  }

  /** UTF-8 of `text` from `start` to `end` into the buffer (a lone surrogate becomes U+FFFD, as TextEncoder does); returns its length. */
  private encode(text: string, start: number, end: number): number {
    if (this.buffer.length < (end - start) * 3) this.buffer = new Uint8Array((end - start) * 3);
    const out = this.buffer;
    let at = 0;
    for (let i = start; i < end; i++) {
      let code = text.charCodeAt(i);
      if (code < 0x80) {
        out[at++] = code;
        continue;
      }
      if (code < 0x800) {
        out[at++] = 0xc0 | (code >> 6);
        out[at++] = 0x80 | (code & 0x3f);
        continue;
      }
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < end ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[at++] = 0xf0 | (code >> 18);
          out[at++] = 0x80 | ((code >> 12) & 0x3f);
          out[at++] = 0x80 | ((code >> 6) & 0x3f);
          out[at++] = 0x80 | (code & 0x3f);
          continue;
        }
        code = 0xfffd;
      }
      out[at++] = 0xe0 | (code >> 12);
      out[at++] = 0x80 | ((code >> 6) & 0x3f);
      out[at++] = 0x80 | (code & 0x3f);
    }
    return at;
  }

  /** tiktoken's `_byte_pair_merge` over the buffer's first `length` bytes; returns the number of parts. */
  private mergeLinear(length: number): number {
    if (this.ranks.length < length + 1) {
      this.ranks = new Int32Array(length + 1);
      this.starts = new Int32Array(length + 1);
    }
    const { ranks, starts, table, buffer } = this;
    for (let i = 0; i <= length; i++) starts[i] = i;
    for (let i = 0; i < length - 1; i++) ranks[i] = rankOr(table, buffer, i, i + 2);
    ranks[length - 1] = NO_RANK;
    ranks[length] = NO_RANK;
    let parts = length + 1;
    for (;;) {
      let min = NO_RANK;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (ranks[i] < min) {
          min = ranks[i];
          at = i;
        }
      }
      if (at === -1) break;
      // Parts at and at + 1 become one: boundary at + 1 goes, and the two pairs that touch it change.
      starts.copyWithin(at + 1, at + 2, parts);
      ranks.copyWithin(at + 1, at + 2, parts);
      parts--;
      ranks[at] = at + 2 < parts ? rankOr(table, buffer, starts[at], starts[at + 2]) : NO_RANK;
      if (at > 0) ranks[at - 1] = rankOr(table, buffer, starts[at - 1], starts[at + 1]);
    }
    return parts - 1;
  }
}

/** Above this many bytes a piece is merged with a heap (a long run of punctuation or spaces must not cost n²). */
const LINEAR_MERGE_MAX = 256;
const MERGE_CACHE_SIZE = 100_000;
const NO_RANK = 0x7fffffff;

function rankOr(table: RankTable, bytes: Uint8Array, start: number, end: number): number {
  const rank = lookupRank(table, bytes, start, end);
  return rank < 0 ? NO_RANK : rank;
}

/**
 * The same merge as `mergeLinear` in O(n log n): boundaries in a linked list, candidate pairs in a
 * min-heap keyed by (rank, start) so ties go to the leftmost pair as in tiktoken; entries whose
 * pair has changed since they were pushed are skipped when they surface.
 */
export function mergeWithHeap(table: RankTable, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n <= 1) return n;
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const rankAt = new Int32Array(n + 1).fill(NO_RANK);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new MinHeap(n);
  const pairRank = (b: number): number => {
    const c = next[b];
    if (c >= n) return NO_RANK;
    return rankOr(table, bytes, b, next[c]);
  };
  for (let b = 0; b < n - 1; b++) {
    rankAt[b] = pairRank(b);
    if (rankAt[b] !== NO_RANK) heap.push(rankAt[b], b);
  }
  let parts = n;
  while (heap.size > 0) {
    const rank = heap.topRank();
    const b = heap.pop();
    if (rankAt[b] !== rank) continue; // stale: this pair changed or its boundary was removed
    const c = next[b];
    next[b] = next[c];
    prev[next[c]] = b;
    rankAt[c] = NO_RANK;
    parts--;
    rankAt[b] = pairRank(b);
    if (rankAt[b] !== NO_RANK) heap.push(rankAt[b], b);
    const a = prev[b];
    if (a >= 0) {
      rankAt[a] = pairRank(a);
      if (rankAt[a] !== NO_RANK) heap.push(rankAt[a], a);
    }
  }
  return parts;
}

/** Binary min-heap of (rank, position) pairs ordered by rank, then position. */
class MinHeap {
  private ranks: Int32Array;
  private positions: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.ranks = new Int32Array(Math.max(16, capacity));
    this.positions = new Int32Array(Math.max(16, capacity));
  }

  private less(i: number, j: number): boolean {
    return this.ranks[i] < this.ranks[j] || (this.ranks[i] === this.ranks[j] && this.positions[i] < this.positions[j]);
  }

  private swap(i: number, j: number): void {
    const r = this.ranks[i];
    this.ranks[i] = this.ranks[j];
    this.ranks[j] = r;
    const p = this.positions[i];
    this.positions[i] = this.positions[j];
    this.positions[j] = p;
  }

  push(rank: number, position: number): void {
    if (this.size === this.ranks.length) {
      const ranks = new Int32Array(this.size * 2);
      ranks.set(this.ranks);
      this.ranks = ranks;
      const positions = new Int32Array(this.size * 2);
      positions.set(this.positions);
      this.positions = positions;
    }
    let i = this.size++;
    this.ranks[i] = rank;
    this.positions[i] = position;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  topRank(): number {
    return this.ranks[0];
  }

  pop(): number {
    const top = this.positions[0];
    this.size--;
    if (this.size > 0) {
      this.ranks[0] = this.ranks[this.size];
      this.positions[0] = this.positions[this.size];
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.size && this.less(left, smallest)) smallest = left;
        if (right < this.size && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }
}

const counters = new Map<BpeEncoding, BpeCounter>();

/** This thread's counter for an encoding (its table from `rankTable`: shared when installed, else built here). */
export function bpeCounter(encoding: BpeEncoding): BpeCounter {
  let counter = counters.get(encoding);
  if (!counter) {
    counter = new BpeCounter(rankTable(encoding));
    counters.set(encoding, counter);
  }
  return counter;
}
