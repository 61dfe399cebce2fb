import { createHash } from 'node:crypto';

/**
 * MinHash signatures over character shingles, and LSH banding to find candidate near-duplicates
 * without comparing every pair. Deterministic (fixed seeds), so signatures written today are
 * comparable with those written last month.
 */

// Punctuation and symbols inside a word or number ("don't", "247.00", "sh-397840", an e-mail
// address) are deleted rather than turned into a space, so a copy with its punctuation stripped
// ("dont", "24700") normalises to the same words.
const INNER_MARKS = /(?<=[\p{L}\p{N}])[^\p{L}\p{N}\p{M}\s]+(?=[\p{L}\p{N}])/gu;
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/gu;
// Scripts written without spaces: every character is a word of its own (no dictionary needed;
// the same idea as sacreBLEU's zh and char tokenisers), so shingles work in Japanese, Chinese, Thai.
const UNSPACED =
  /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}ー々〆]\p{M}*)/gu;

/**
 * The text exact duplicates are hashed on and shingles are cut from, in any language: NFKC, lower
 * case, punctuation inside words and numbers deleted, any other run of non-letters one space,
 * characters of scripts written without spaces separated. Case, punctuation and whitespace no
 * longer tell two copies apart.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(INNER_MARKS, '')
    .replace(NOT_WORD, ' ')
    .replace(UNSPACED, ' $1 ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Hash of a normalised text, spaces left out: a copy whose punctuation became spaces ("sh 397840")
 * and one whose punctuation was deleted ("sh397840") are the same text.
 */
export function exactHash(normalised: string): string {
  return createHash('sha256').update(normalised.replaceAll(' ', '')).digest('hex').slice(0, 32);
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
      h = Math.imul(h, 0x01000193);
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
        let x = (Math.imul(hashes[k] ^ b, a) >>> 0) ^ b;
        x ^= x >>> 16;
        x = Math.imul(x, 0x85ebca6b) >>> 0;
        x ^= x >>> 13;
        x = Math.imul(x, 0xc2b2ae35) >>> 0;
        x ^= x >>> 16;
        if (x >>> 0 < min) min = x >>> 0;
      }
      sig[i] = min;
    }
    return sig;
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
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

/** One key per band: band index + hash of that band's rows. */
export function bandKeys(signature: Uint32Array, banding: Banding): string[] {
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

export function encodeSignature(signature: Uint32Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64');
}

export function decodeSignature(encoded: string): Uint32Array {
  const buf = Buffer.from(encoded, 'base64');
  const out = new Uint32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readUInt32LE(i * 4);
  return out;
}
