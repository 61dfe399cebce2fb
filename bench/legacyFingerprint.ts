import { createHash } from 'node:crypto';
import { MinHasher, legacyBandKeys, shingleHashes } from '../src/shared/quality/minhash';
import { SIGNATURE_BANDING } from '../src/shared/quality/dedup';

/**
 * The duplicate fingerprint as src/shared/quality computed it before one-permutation hashing:
 * `normaliseText` as four regular-expression replaces, the distinct shingle hashes through a set,
 * 120 permutations (`MinHasher`), sha1 band keys, the exact hash through `replaceAll`. Kept only as the baseline of
 * `npm run bench -- dedupFingerprint`.
 */
const INNER_MARKS = /(?<=[\p{L}\p{N}])[^\p{L}\p{N}\p{M}\s]+(?=[\p{L}\p{N}])/gu;
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/gu;
const UNSPACED =
  /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}ー々〆]\p{M}*)/gu;

export function legacyNormaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(INNER_MARKS, '')
    .replace(NOT_WORD, ' ')
    .replace(UNSPACED, ' $1 ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

export function legacyExactHash(normalised: string): string {
  return createHash('sha256').update(normalised.replaceAll(' ', '')).digest('hex').slice(0, 32);
}

const hasher = new MinHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);

export function legacySignature(normalised: string, minShingles = 3): Uint32Array | undefined {
  const hashes = shingleHashes(normalised);
  return hashes.length >= minShingles ? hasher.signatureOfHashes(hashes) : undefined;
}

/** The whole fingerprint of the dedup stage before the change: exact hash, signature, band keys. */
export function legacyFingerprint(text: string): { hash: string; signature?: Uint32Array; keys: string[] } {
  const normalised = legacyNormaliseText(text);
  const signature = legacySignature(normalised);
  return { hash: legacyExactHash(normalised), signature, keys: signature ? legacyBandKeys(signature, SIGNATURE_BANDING) : [] };
}
