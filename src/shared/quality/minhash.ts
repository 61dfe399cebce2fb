import { createHash, hash } from 'node:crypto';

/**
 * MinHash signatures over character shingles, and LSH banding to find candidate near-duplicates
 * without comparing every pair. Deterministic (fixed seeds), so signatures written today are
 * comparable with those written last month by the same algorithm. Two algorithms live here: the
 * one signatures are computed with (`OnePermutationHasher`, stored as `oph1:<base64>`) and the
 * earlier k-permutation `MinHasher` (stored as bare base64), kept to read (erase) rows written
 * with it and as the reference the new estimator is measured against; signatures of different
 * algorithms are never compared (`decodeStoredSignature`).
 */

/**
 * The text exact duplicates are hashed on and shingles are cut from, in any language: NFKC, lower
 * case, punctuation inside words and numbers deleted, any other run of non-letters one space,
 * characters of scripts written without spaces separated. Case, punctuation and whitespace no
 * longer tell two copies apart. Precisely, after NFKC and lower case (letter: \p{L} or \p{N};
 * mark: \p{M}; whitespace: \s):
 * 1. a run of characters that are none of these between two letters is deleted: punctuation and
 *    symbols inside a word or number ("don't", "247.00", "sh-397840", an e-mail address) go, so a
 *    copy with its punctuation stripped ("dont", "24700") normalises to the same words;
 * 2. any other run of characters that are neither letters nor marks becomes one space;
 * 3. a character of a script written without spaces (UNSPACED_CHAR), with the marks after it, is
 *    a word of its own (no dictionary needed; the same idea as sacreBLEU's zh and char
 *    tokenisers), so shingles work in Japanese, Chinese, Thai;
 * 4. runs of spaces become one, none at either end.
 *
 * Exact hashes are taken of this text (the blob path, `prepare` and the assembly compare them, and
 * rows earlier versions wrote in table `dedupsignatures` hold them), so the output must never
 * change: it was four regular-expression replaces, and is now one pass over the text with a table
 * of character classes (about 5x less CPU); a property test holds it to those replaces, kept in
 * the test, character for character.
 */
export function normaliseText(text: string): string {
  // NFKC leaves ASCII as it is, and the ASCII pass lower-cases as it goes.
  if (!NON_ASCII.test(text)) return normaliseAscii(text);
  return normaliseAny(text.normalize('NFKC').toLowerCase());
}

// Global lookups inside hot loops are slow in a vm context (jest runs tests in one: each lookup of
// `Math` goes through the sandbox's global interceptor, ~100x the cost of the multiply); a
// module binding is not.
const imul = Math.imul;

const UNSPACED_CHAR =
  '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\p{Script=Tibetan}ー々〆]';
const NON_ASCII = /[^\x00-\x7f]/;

// Classes of a code point: a letter or digit (\p{L}\p{N}), a combining mark (\p{M}), whitespace
// (\s) or anything else, plus a flag for UNSPACED_CHAR.
const WORD = 1;
const MARK = 2;
const SPACE = 3;
const OTHER = 4;
const KIND = 7;
const UNSPACED_FLAG = 8;

const IS_WORD = /^[\p{L}\p{N}]$/u;
const IS_MARK = /^\p{M}$/u;
const IS_SPACE = /^\s$/u;
const IS_UNSPACED = new RegExp(`^${UNSPACED_CHAR}$`, 'u');

function classify(codePoint: number): number {
  const char = String.fromCodePoint(codePoint);
  const kind = IS_WORD.test(char) ? WORD : IS_MARK.test(char) ? MARK : IS_SPACE.test(char) ? SPACE : OTHER;
  return kind | (IS_UNSPACED.test(char) ? UNSPACED_FLAG : 0);
}

/** Classes of the BMP, each looked up on its first sight (0: not yet); ASCII up front. */
const bmpClasses = new Uint8Array(0x10000);
for (let c = 0; c < 0x80; c++) bmpClasses[c] = classify(c);
/** Classes of code points beyond the BMP (emoji, rare ideographs), up to a bounded number of them. */
const astralClasses = new Map<number, number>();
const ASTRAL_CACHE_SIZE = 4096;

function classOf(codePoint: number): number {
  if (codePoint < 0x10000) {
    let c = bmpClasses[codePoint];
    if (c === 0) bmpClasses[codePoint] = c = classify(codePoint);
    return c;
  }
  let c = astralClasses.get(codePoint);
  if (c === undefined) {
    c = classify(codePoint);
    if (astralClasses.size < ASTRAL_CACHE_SIZE) astralClasses.set(codePoint, c);
  }
  return c;
}

/** Output of the ASCII pass, one byte per character, reused for texts up to 1 MiB. */
const ASCII_OUT_KEPT = 1 << 20;
let asciiOut = Buffer.allocUnsafe(4096);

/**
 * `normaliseText` of an ASCII text (no marks, no unspaced scripts): letters and digits lower-cased,
 * a run of punctuation between two of them deleted, any other run of non-letters one space, none
 * at either end.
 */
function normaliseAscii(text: string): string {
  const n = text.length;
  if (asciiOut.length < n && n <= ASCII_OUT_KEPT) asciiOut = Buffer.allocUnsafe(Math.min(ASCII_OUT_KEPT, Math.max(n, 2 * asciiOut.length)));
  // A longer text gets a buffer of its own, not kept after it.
  const out = asciiOut.length >= n ? asciiOut : Buffer.allocUnsafe(n);
  const classes = bmpClasses;
  let length = 0;
  // A space is owed before the next letter (never before the first: trim).
  let space = false;
  let i = 0;
  while (i < n) {
    const unit = text.charCodeAt(i);
    if (classes[unit] === WORD) {
      if (space) {
        out[length++] = 0x20;
        space = false;
      }
      out[length++] = unit >= 0x41 && unit <= 0x5a ? unit | 0x20 : unit;
      i++;
      continue;
    }
    const start = i;
    let punctuationOnly = true;
    for (; i < n; i++) {
      const c = classes[text.charCodeAt(i)];
      if (c === WORD) break;
      if (c === SPACE) punctuationOnly = false;
    }
    // Runs are maximal, so a run not at either end lies between two letters or digits.
    if (!(punctuationOnly && start > 0 && i < n)) space = length > 0;
  }
  return out.toString('latin1', 0, length);
}

/** `normaliseText` of an NFKC-normalised, lower-cased text in any script. */
function normaliseAny(text: string): string {
  const n = text.length;
  let out = '';
  // The word being read: `word` holds its parts cut before a deleted run, `start` where its uncut
  // rest begins (-1 when no part is open).
  let word = '';
  let start = -1;
  const endWord = (at: number) => {
    if (start >= 0) word += text.slice(start, at);
    if (word) out = out ? `${out} ${word}` : word;
    word = '';
    start = -1;
  };
  let previous = 0;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i) ?? 0;
    const c = classOf(cp);
    const kind = c & KIND;
    if (kind === WORD || kind === MARK) {
      if (c & UNSPACED_FLAG) {
        // A character of a script written without spaces, with the marks after it: a word of its own.
        endWord(i);
        let end = i + (cp > 0xffff ? 2 : 1);
        previous = kind;
        while (end < n) {
          const m = text.codePointAt(end) ?? 0;
          if ((classOf(m) & KIND) !== MARK) break;
          previous = MARK;
          end += m > 0xffff ? 2 : 1;
        }
        start = i;
        endWord(end);
        i = end;
        continue;
      }
      if (start < 0) start = i;
      previous = kind;
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    // A maximal run of whitespace and other characters: deleted when it is other characters only
    // between two letters or digits, else a word boundary.
    const runStart = i;
    let punctuationOnly = true;
    let next = 0;
    while (i < n) {
      const r = text.codePointAt(i) ?? 0;
      next = classOf(r) & KIND;
      if (next === WORD || next === MARK) break;
      if (next === SPACE) punctuationOnly = false;
      i += r > 0xffff ? 2 : 1;
    }
    if (punctuationOnly && previous === WORD && i < n && next === WORD) {
      if (start >= 0) word += text.slice(start, runStart);
      start = -1;
    } else endWord(runStart);
    previous = OTHER;
  }
  endWord(n);
  return out;
}

/**
 * Hash of a normalised text, spaces left out: a copy whose punctuation became spaces ("sh 397840")
 * and one whose punctuation was deleted ("sh397840") are the same text.
 */
export function exactHash(normalised: string): string {
  // The first 32 hex digits of SHA-256 over the UTF-8 of `normalised.replaceAll(' ', '')` (the
  // key of rows earlier versions wrote in table `dedupsignatures`: it must never change). Computed over the UTF-8 with its
  // 0x20 bytes dropped, which is the same bytes (0x20 is never part of a multi-byte sequence) for
  // a third of the CPU: `replaceAll` cost more than the hash.
  const bytes = Buffer.from(normalised, 'utf8');
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte !== 0x20) bytes[length++] = byte;
  }
  return hash('sha256', bytes.subarray(0, length), 'hex').slice(0, 32);
}

/** Characters per shingle (see `shingles`). */
export const SHINGLE_CHARS = 5;

/**
 * Character shingles: every run of `size` letters or digits of the normalised text with the spaces
 * left out (a text shorter than that is one shingle). Characters, not words, so that no language's
 * word boundaries matter (Japanese, Chinese and Thai have none to split on) and a copy that
 * joined or split words at punctuation shares almost every shingle; one changed word costs about
 * its length + 4 shingles of a conversation's hundreds.
 */
export function shingles(normalised: string, size = SHINGLE_CHARS): Set<string> {
  const chars = Array.from(normalised.replaceAll(' ', ''));
  const out = new Set<string>();
  if (chars.length <= size) {
    if (chars.length) out.add(chars.join(''));
    return out;
  }
  for (let i = 0; i + size <= chars.length; i++) out.add(chars.slice(i, i + size).join(''));
  return out;
}

/**
 * FNV-1a hashes of the distinct shingles of `shingles(normalised, size)`, computed without building
 * the shingle strings (the same values `fnv1a` gives each string, so signatures are identical).
 */
export function shingleHashes(normalised: string, size = SHINGLE_CHARS): Uint32Array {
  const text = normalised.replaceAll(' ', '');
  // UTF-16 offset of every code point, and the end.
  const starts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const previous = text.charCodeAt(i - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) continue;
    }
    starts.push(i);
  }
  starts.push(text.length);
  const points = starts.length - 1;
  if (points === 0) return new Uint32Array(0);
  const out = new Set<number>();
  const windows = points <= size ? 1 : points - size + 1;
  for (let w = 0; w < windows; w++) {
    const end = starts[Math.min(w + size, points)];
    let h = 0x811c9dc5;
    for (let i = starts[w]; i < end; i++) {
      h ^= text.charCodeAt(i);
      h = imul(h, 0x01000193);
    }
    out.add(h >>> 0);
  }
  return Uint32Array.from(out);
}

const MERSENNE = (1n << 61n) - 1n;

/** Permutations h(x) = (a·x + b) mod p with a, b drawn from a fixed-seed generator. */
function permutations(count: number): { a: bigint; b: bigint }[] {
  const out: { a: bigint; b: bigint }[] = [];
  let state = 0x9e3779b97f4a7c15n;
  const next = () => {
    // splitmix64: good spread, reproducible across processes and versions of Node.
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
  for (let i = 0; i < count; i++) out.push({ a: (next() % (MERSENNE - 1n)) + 1n, b: next() % MERSENNE });
  return out;
}

/**
 * The earlier estimator: k independent permutations, the minimum of each over all shingles (k
 * mixes per shingle). Signatures are no longer computed with it (`OnePermutationHasher` does the
 * same job for one mix per shingle); kept for the stored signatures written with it and as the
 * reference in the estimator's accuracy test and benchmark.
 *
 * Shingle hashes are 32-bit; permutations use 32-bit multiply-xorshift mixing in plain numbers
 * (BigInt per shingle per permutation is ~50x slower). Coefficients derive from `permutations`.
 */
export class MinHasher {
  readonly numPerm: number;
  private readonly seeds: Uint32Array;

  constructor(numPerm = 128) {
    this.numPerm = numPerm;
    this.seeds = new Uint32Array(numPerm * 2);
    permutations(numPerm).forEach((p, i) => {
      this.seeds[2 * i] = Number(p.a & 0xffffffffn) | 1;
      this.seeds[2 * i + 1] = Number(p.b & 0xffffffffn);
    });
  }

  signature(shingleSet: Iterable<string>): Uint32Array {
    const hashes: number[] = [];
    for (const s of shingleSet) hashes.push(fnv1a(s));
    return this.signatureOfHashes(hashes);
  }

  /** The signature of shingles given by their FNV-1a hashes (`shingleHashes`). */
  signatureOfHashes(hashes: ArrayLike<number>): Uint32Array {
    const sig = new Uint32Array(this.numPerm).fill(0xffffffff);
    const seeds = this.seeds;
    // Permutation outside, shingles inside: the seeds and the running minimum stay in registers
    // (the same values as shingle-by-shingle, about 2-3x faster).
    for (let i = 0; i < this.numPerm; i++) {
      const a = seeds[2 * i];
      const b = seeds[2 * i + 1];
      let min = 0xffffffff;
      for (let k = 0; k < hashes.length; k++) {
        let x = (imul(hashes[k] ^ b, a) >>> 0) ^ b;
        x ^= x >>> 16;
        x = imul(x, 0x85ebca6b) >>> 0;
        x ^= x >>> 13;
        x = imul(x, 0xc2b2ae35) >>> 0;
        x ^= x >>> 16;
        if (x >>> 0 < min) min = x >>> 0;
      }
      sig[i] = min;
    }
    return sig;
  }
}

/** FNV-1a over UTF-16 code units (also the packed word lists' hash, pii/packedWords.ts). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Slot value of a bin no shingle fell into, before densification. */
const EMPTY_BIN = 0xffffffff;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * One-permutation hashing with optimal densification (Shrivastava 2017, "Optimal Densification for
 * Fast and Accurate Minwise Hashing", ICML): each shingle's FNV-1a hash is mixed once (a bijection
 * of 32-bit values, so distinct shingles never tie); the high bits of the mix pick one of `bins`
 * bins and each bin keeps the smallest mix that fell into it. A bin no shingle fell into (only in
 * short texts: 1,500 shingles leave any of 120 bins empty with probability ~5e-4) takes the value
 * of the first non-empty bin along a probe sequence that depends on the bin's index only, the same
 * for every text; so two texts' values agree in a slot with probability equal to their Jaccard
 * similarity, as with k independent permutations, at O(shingles + bins) instead of
 * O(shingles × bins). Repeated shingles need no set: a minimum does not change.
 */
export class OnePermutationHasher {
  readonly bins: number;
  private readonly seed: number;

  constructor(bins = 120, seed = 0x5bd1e995) {
    if (!(Number.isInteger(bins) && bins >= 1 && bins <= 0x10000)) throw new Error(`bins must be an integer in [1, 65536], got ${bins}`);
    this.bins = bins;
    this.seed = seed | 0;
  }

  /**
   * The signature of the shingles of a normalised text (`shingles`, `SHINGLE_CHARS`), or undefined
   * when the text has fewer than `minShingles` distinct shingles. The same as
   * `signatureOfHashes(shingleHashes(normalised))`, without building the hashes: windows slide over
   * the text with its spaces skipped (code units are code points unless the text holds surrogate
   * pairs, which take the general path).
   */
  signatureOfText(normalised: string, minShingles = 1): Uint32Array | undefined {
    const bins = this.bins;
    const seed = this.seed;
    const sig = new Uint32Array(bins).fill(EMPTY_BIN);
    // Distinct shingle hashes seen, counted up to `minShingles` only.
    const seen: number[] = [];
    // The window is these five registers (SHINGLE_CHARS is 5).
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let filled = 0;
    for (let i = 0; i < normalised.length; i++) {
      const unit = normalised.charCodeAt(i);
      if (unit === 0x20) continue;
      if ((unit & 0xf800) === 0xd800) return this.signatureOfDistinct(shingleHashes(normalised), minShingles);
      c0 = c1;
      c1 = c2;
      c2 = c3;
      c3 = c4;
      c4 = unit;
      if (++filled < SHINGLE_CHARS) continue;
      let h = imul(FNV_OFFSET ^ c0, FNV_PRIME);
      h = imul(h ^ c1, FNV_PRIME);
      h = imul(h ^ c2, FNV_PRIME);
      h = imul(h ^ c3, FNV_PRIME);
      h = imul(h ^ c4, FNV_PRIME) >>> 0;
      if (seen.length < minShingles && !seen.includes(h)) seen.push(h);
      const x = mix32(h ^ seed);
      const bin = ((x >>> 16) * bins) >>> 16;
      if (x < sig[bin]) sig[bin] = x;
    }
    // A text shorter than a shingle is one shingle: its characters are the last `filled` of c0…c4.
    // (Out of line: texts that short are rare, and an optimised signatureOfText that met this code
    // for the first time was thrown away, 72 times on 100 MB; issue #10, eleventh round.)
    if (filled > 0 && filled < SHINGLE_CHARS) seen.push(this.addShortText(sig, [c0, c1, c2, c3, c4], filled));
    if (seen.length < minShingles) return undefined;
    return this.densify(sig);
  }

  /** Puts the one shingle of a text of `filled` characters (the last of `window`) in `sig`; returns its hash. */
  private addShortText(sig: Uint32Array, window: readonly number[], filled: number): number {
    let h = FNV_OFFSET;
    for (let j = SHINGLE_CHARS - filled; j < SHINGLE_CHARS; j++) h = imul(h ^ window[j], FNV_PRIME);
    h >>>= 0;
    const x = mix32(h ^ this.seed);
    sig[((x >>> 16) * this.bins) >>> 16] = x;
    return h;
  }

  /** The signature of shingles given by their FNV-1a hashes (`shingleHashes`; repeats change nothing). */
  signatureOfHashes(hashes: ArrayLike<number>): Uint32Array {
    const bins = this.bins;
    const seed = this.seed;
    const sig = new Uint32Array(bins).fill(EMPTY_BIN);
    for (let k = 0; k < hashes.length; k++) {
      const x = mix32(hashes[k] ^ seed);
      const bin = ((x >>> 16) * bins) >>> 16;
      if (x < sig[bin]) sig[bin] = x;
    }
    return this.densify(sig);
  }

  private signatureOfDistinct(hashes: Uint32Array, minShingles: number): Uint32Array | undefined {
    return hashes.length >= minShingles ? this.signatureOfHashes(hashes) : undefined;
  }

  /**
   * Fills each empty bin from the first non-empty bin (as filled by shingles, not by this step)
   * along its probe sequence: attempt t of bin i probes the bin picked by the high bits of a mix
   * of (i, t). A text without shingles keeps every slot empty.
   */
  private densify(sig: Uint32Array): Uint32Array {
    const bins = this.bins;
    // Written so that every operation here runs whenever any bin is filled at all: an optimised
    // caller (signatureOfText inlines this) that met an operation with no type feedback yet, such
    // as the step to a second probe, was thrown away, over and over (72 times on 100 MB with 2
    // workers; issue #10, eleventh round).
    let empty = 0;
    for (let i = 0; i < bins; i++) empty += sig[i] === EMPTY_BIN ? 1 : 0;
    if (empty === 0 || empty === bins) return sig;
    const filled = sig.slice();
    for (let i = 0; i < bins; i++) {
      if (filled[i] !== EMPTY_BIN) continue;
      let from = -1;
      let t = 0;
      do {
        t = t + 1;
        const j = ((mix32(imul(i + 1, 0x9e3779b1) ^ imul(t, 0x85ebca77) ^ this.seed) >>> 16) * bins) >>> 16;
        if (filled[j] !== EMPTY_BIN) from = j;
      } while (from < 0 && t < 64 * bins);
      // Not reached in practice (probability below 1e-27 with one non-empty bin); keeps the loop finite.
      for (let j = (i + 1) % bins; from < 0; j = (j + 1) % bins) if (filled[j] !== EMPTY_BIN) from = j;
      sig[i] = filled[from];
    }
    return sig;
  }
}

/** MurmurHash3's 32-bit finaliser: a bijection of 32-bit values that spreads every input bit. */
function mix32(value: number): number {
  let x = value;
  x ^= x >>> 16;
  x = imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Estimated Jaccard similarity: share of equal signature slots. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) throw new Error(`signatures differ in length (${a.length} vs ${b.length})`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export function exactJaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 1 : inter / union;
}

export interface Banding {
  bands: number;
  rows: number;
}

/**
 * One key per band: `<band index>-<64-bit hash of the band's values, 16 hex digits>`, for
 * signatures of `OnePermutationHasher` (no sha1: a keyed cryptographic hash is not needed to file
 * similar texts together). The hash is two MurmurHash3-style 32-bit hashes of the band's values
 * with different seeds: a chance collision of two different bands among a million conversations
 * has probability ~3e-8 per band, and would only make a candidate pair that the similarity check
 * then rejects (the same holds for a chance equality with a `legacyBandKeys` key, whose records'
 * signatures `decodeStoredSignature` refuses to compare).
 */
export function bandKeys(signature: Uint32Array, banding: Banding): string[] {
  const keys: string[] = [];
  for (let b = 0; b < banding.bands; b++) {
    let h1 = 0x2f8b8d2b ^ b;
    let h2 = 0x68e31da4 ^ b;
    for (let r = b * banding.rows; r < (b + 1) * banding.rows; r++) {
      h1 = murmurStep(h1, signature[r]);
      h2 = murmurStep(h2, signature[r]);
    }
    keys.push(`${b}-${hex8(mix32(h1 ^ banding.rows))}${hex8(mix32(h2 ^ banding.rows))}`);
  }
  return keys;
}

function murmurStep(h: number, value: number): number {
  let k = imul(value, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = imul(k, 0x1b873593);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (imul(x, 5) + 0xe6546b64) | 0;
}

/** Two hex digits of each byte value (`toString(16)` and `padStart` per band cost more than the hashing). */
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(value: number): string {
  return HEX_BYTES[value >>> 24] + HEX_BYTES[(value >>> 16) & 0xff] + HEX_BYTES[(value >>> 8) & 0xff] + HEX_BYTES[value & 0xff];
}

/** The band keys of `MinHasher` signatures as they were written to table `dedupsignatures` (sha1 of each band). */
export function legacyBandKeys(signature: Uint32Array, banding: Banding): string[] {
  const keys: string[] = [];
  for (let b = 0; b < banding.bands; b++) {
    const slice = signature.subarray(b * banding.rows, (b + 1) * banding.rows);
    const digest = createHash('sha1')
      .update(Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength))
      .digest('hex');
    keys.push(`${b}-${digest.slice(0, 16)}`);
  }
  return keys;
}

/** Algorithm tag of stored signatures (`OnePermutationHasher`, 120 bins); rows without one hold `MinHasher` signatures. */
export const SIGNATURE_ALGORITHM = 'oph1';
const STORED_PREFIX = `${SIGNATURE_ALGORITHM}:`;

/** A signature as stored in a signature record: `oph1:<base64>`. */
export function encodeStoredSignature(signature: Uint32Array): string {
  return STORED_PREFIX + encodeSignature(signature);
}

/**
 * A stored signature comparable with the ones computed now, or undefined for one written by another
 * algorithm (bare base64: `MinHasher`): its values mean something else, so it is never compared.
 */
export function decodeStoredSignature(stored: string): Uint32Array | undefined {
  return stored.startsWith(STORED_PREFIX) ? decodeSignature(stored.slice(STORED_PREFIX.length)) : undefined;
}

/** The band keys a stored signature was filed under, whichever algorithm wrote it (none for an empty signature). */
export function storedSignatureBandKeys(stored: string, banding: Banding): string[] {
  if (!stored) return [];
  const current = decodeStoredSignature(stored);
  return current ? bandKeys(current, banding) : legacyBandKeys(decodeSignature(stored), banding);
}

export function encodeSignature(signature: Uint32Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64');
}

export function decodeSignature(encoded: string): Uint32Array {
  const buf = Buffer.from(encoded, 'base64');
  const out = new Uint32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readUInt32LE(i * 4);
  return out;
}
