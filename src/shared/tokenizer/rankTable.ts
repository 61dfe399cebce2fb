import { readFileSync } from 'node:fs';

/** The byte-pair encodings tuneloop counts with (the base models' tokenizers). */
export type BpeEncoding = 'o200k_base' | 'cl100k_base';

/**
 * The mergeable ranks of a tiktoken encoding as three typed arrays: every token's bytes in rank
 * order, where each token starts, and an open-addressing hash table (FNV-1a over the bytes, linear
 * probing) from bytes to rank + 1. About 4 MB for o200k, against ~66 MB of RSS for the same table
 * as a Map of 200k strings, and built in tens of milliseconds from the `.tiktoken` file instead of
 * hundreds from a JavaScript module. Backed by SharedArrayBuffers when asked, so the worker threads
 * of a process use the coordinating thread's table instead of each building one.
 */
export interface RankTable {
  readonly encoding: BpeEncoding;
  /** Token bytes, concatenated in rank order. */
  readonly bytes: Uint8Array;
  /** `offsets[r]`..`offsets[r + 1]` are the bytes of rank r (ranks without a token have length 0). */
  readonly offsets: Uint32Array;
  /** Hash slots: rank + 1, or 0 when empty; length is a power of two. */
  readonly slots: Int32Array;
}

/** Where the encoding's ranks come from: the `.tiktoken` files gpt-tokenizer ships (OpenAI's, unchanged). */
function tiktokenFile(encoding: BpeEncoding): string {
  return require.resolve(`gpt-tokenizer/data/${encoding}.tiktoken`);
}

const tables = new Map<BpeEncoding, RankTable>();

/**
 * The rank table of an encoding for this thread: the one installed with `useRankTable` (a shared
 * table from the coordinating thread), else built once from the `.tiktoken` file (in shared
 * memory when `shared`, to hand to worker threads).
 */
export function rankTable(encoding: BpeEncoding, options: { shared?: boolean } = {}): RankTable {
  let table = tables.get(encoding);
  if (!table || (options.shared && !isShared(table))) {
    table = buildRankTable(encoding, readFileSync(tiktokenFile(encoding)), options.shared ?? false);
    tables.set(encoding, table);
  }
  return table;
}

/** Use a table built elsewhere (a worker thread gets its coordinator's shared table this way). */
export function useRankTable(table: RankTable): void {
  tables.set(table.encoding, table);
}

function isShared(table: RankTable): boolean {
  return table.bytes.buffer instanceof SharedArrayBuffer;
}

const BASE64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/** Parses the bytes of `<base64 token> <rank>` lines into a table. Throws on a malformed line (a corrupt install). */
export function buildRankTable(encoding: BpeEncoding, text: Uint8Array, shared: boolean): RankTable {
  // First pass: where each line's token and rank are, the largest rank and the decoded size, so
  // the arrays are allocated once (typed arrays, not 200k objects: this runs at every start).
  let lineCount = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) lineCount++;
  if (text.length && text[text.length - 1] !== 10) lineCount++;
  const tokenStart = new Int32Array(lineCount);
  const tokenEnd = new Int32Array(lineCount);
  const tokenRank = new Int32Array(lineCount);
  let count = 0;
  let maxRank = -1;
  let byteLength = 0;
  let inOrder = true;
  let at = 0;
  while (at < text.length) {
    const lineStart = at;
    let space = -1;
    let rank = 0;
    let digits = 0;
    for (; at < text.length; at++) {
      const code = text[at];
      if (code === 10) break;
      if (space !== -1) {
        if (code < 48 || code > 57) throw new Error(`${encoding}.tiktoken: line ${count + 1} has an invalid rank`);
        rank = rank * 10 + (code - 48);
        digits++;
      } else if (code === 32) space = at;
    }
    at++;
    if (at - 1 === lineStart) continue;
    if (space === -1 || digits === 0) throw new Error(`${encoding}.tiktoken: line ${count + 1} has no rank`);
    let padding = 0;
    if (text[space - 1] === 61 /* = */) padding++;
    if (text[space - 2] === 61) padding++;
    byteLength += ((space - lineStart) * 3) / 4 - padding;
    tokenStart[count] = lineStart;
    tokenEnd[count] = space;
    tokenRank[count] = rank;
    if (rank <= maxRank) inOrder = false;
    else maxRank = rank;
    count++;
  }
  const alloc = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const bytes = new Uint8Array(alloc(byteLength));
  const offsets = new Uint32Array(alloc((maxRank + 2) * 4));
  let capacity = 1;
  while (capacity < count * 2) capacity <<= 1;
  const slots = new Int32Array(alloc(capacity * 4));
  // Second pass: decode each token, in rank order, back to back into `bytes`; a rank without a
  // token (none in OpenAI's files) gets an empty span and is never found.
  const order = Array.from({ length: count }, (_, i) => i);
  if (!inOrder) order.sort((a, b) => tokenRank[a] - tokenRank[b]);
  let written = 0;
  let nextRank = 0;
  for (const line of order) {
    const rank = tokenRank[line];
    if (rank < nextRank) throw new Error(`${encoding}.tiktoken: rank ${rank} appears twice`);
    while (nextRank <= rank) offsets[nextRank++] = written;
    let bits = 0;
    let buffer = 0;
    for (let i = tokenStart[line]; i < tokenEnd[line]; i++) {
      const code = text[i];
      if (code === 61 /* = */) break;
      const value = code < 128 ? BASE64[code] : -1;
      if (value < 0) throw new Error(`${encoding}.tiktoken: the token of rank ${rank} is not base64`);
      buffer = ((buffer << 6) | value) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[written++] = (buffer >> bits) & 0xff;
      }
    }
  }
  offsets[nextRank] = written;
  const mask = capacity - 1;
  for (let line = 0; line < count; line++) {
    const rank = tokenRank[line];
    let slot = fnv1a(bytes, offsets[rank], offsets[rank + 1]) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = rank + 1;
  }
  return { encoding, bytes, offsets, slots };
}

export function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Rank of `bytes[start..end)`, or -1 when those bytes are not a token. */
export function lookupRank(table: RankTable, source: Uint8Array, start: number, end: number): number {
  const { slots, offsets, bytes } = table;
  const mask = slots.length - 1;
  const length = end - start;
  let slot = fnv1a(source, start, end) & mask;
  for (;;) {
    const entry = slots[slot];
    if (entry === 0) return -1;
    const rank = entry - 1;
    const tokenStart = offsets[rank];
    if (offsets[rank + 1] - tokenStart === length) {
      let i = 0;
      while (i < length && bytes[tokenStart + i] === source[start + i]) i++;
      if (i === length) return rank;
    }
    slot = (slot + 1) & mask;
  }
}
