import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import {
  MinHasher,
  OnePermutationHasher,
  bandKeys,
  decodeStoredSignature,
  encodeSignature,
  encodeStoredSignature,
  estimateJaccard,
  exactHash,
  exactJaccard,
  legacyBandKeys,
  normaliseText,
  shingleHashes,
  shingles,
  storedSignatureBandKeys,
} from '../../../src/shared/quality/minhash';
import { MemorySignatureStore, SIGNATURE_BANDING, createDedupStage } from '../../../src/shared/quality/dedup';
import { conversation } from './helpers';
// The fingerprint as computed before this change, verbatim, kept once for the bench and these tests.
import { legacyExactHash, legacyNormaliseText } from '../../../bench/legacyFingerprint';
import { starDialogueTexts } from '../../../bench/dedupFingerprint';

// A fixed seed keeps CI repeatable; FAST_CHECK_SEED=<n> (or a random one) explores further.
fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261202) });

const CORPORA = resolve(__dirname, '../../fixtures/corpora');
const DEMO = resolve(__dirname, '../../../demo/data');

/**
 * `normaliseText` as it was written before the one-pass version (four replaces), verbatim: exact
 * hashes in table `dedupsignatures` are taken of its output, so the fast version must give the
 * same text, character for character, for any input.
 */

/** Every text file of the test corpora and the demo data, cut into pieces of about a conversation. */
function realTexts(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(jsonl?|txt|csv|tsv|md)$/.test(name)) files.push(path);
    }
  };
  walk(CORPORA);
  walk(DEMO);
  const out: string[] = [];
  for (const file of files.sort()) {
    const text = readFileSync(file, 'utf8');
    for (let i = 0; i < text.length && i < 200_000; i += 1500) out.push(text.slice(i, i + 1500));
  }
  return out;
}

/** The STAR dialogues of the fixtures, normalised (one text per dialogue; the bench reads them the same way). */
const starTexts = (): string[] => starDialogueTexts(join(CORPORA, 'star_dialogues', 'dialogues'));

/** Characters that exercise every rule: ASCII, marks, scripts without spaces, NFKC forms, surrogates. */
const interesting = fc.constantFrom(
  ...[' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '\u2028', '.', ',', "'", '-', '@', '£', '$', '_', '😀', '\u0301', '\u0308', '\u0e48'],
  ...['A', 'z', 'Z', '0', '9', 'é', 'İ', 'ß', 'Ω', 'ﬁ', 'Ｈ', '①', '²', '½', '返', '金', 'を', 'カ', 'ー', '々', 'ก', 'า', 'ລ', 'ក'],
  ...['ཀ', '༄', 'မ', '𠀀', '\ud800', '\udc00', '\udbff', '\u0000', '\u001f', '\u007f', 'ǅ', 'ℌ', '\u200b', '\u00ad', 'ـ'],
);
const anyUnit = fc.oneof(
  { arbitrary: interesting, weight: 6 },
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), weight: 1 },
);
const anyText = fc.array(anyUnit, { maxLength: 60 }).map((units) => units.join(''));
const asciiText = fc.string({ unit: 'binary-ascii', maxLength: 200 });

describe('normaliseText (one pass) against the four replaces it replaced', () => {
  it('gives the same text for any string: ASCII, any code point, marks, unspaced scripts, lone surrogates', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, asciiText), (text) => {
        expect(normaliseText(text)).toBe(legacyNormaliseText(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same text for every text of the test corpora and the demo data (many languages)', () => {
    const texts = realTexts();
    expect(texts.length).toBeGreaterThan(1000);
    // Non-ASCII texts take the other path: both paths are exercised.
    expect(texts.filter((t) => /[^\x00-\x7f]/.test(t)).length).toBeGreaterThan(100);
    for (const text of texts) expect(normaliseText(text)).toBe(legacyNormaliseText(text));
  });

  it('keeps the examples of the documentation', () => {
    expect(normaliseText("Hi, I can't find order SH-397840 (£171.49)!")).toBe('hi i cant find order sh397840 17149');
    expect(normaliseText('返金をお願いします。')).toBe('返 金 を お 願 い し ま す');
    expect(normaliseText('  a . b..c  ')).toBe('a bc');
  });
});

describe('exactHash', () => {
  /** `exactHash` as it was written (the claim key in table `dedupsignatures`), verbatim. */

  it('gives the same hash as before for any text, normalised or not (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, asciiText), (text) => {
        expect(exactHash(text)).toBe(legacyExactHash(text));
        const normalised = normaliseText(text);
        expect(exactHash(normalised)).toBe(legacyExactHash(normalised));
      }),
      { numRuns: 5000 },
    );
    for (const text of realTexts()) expect(exactHash(normaliseText(text))).toBe(legacyExactHash(legacyNormaliseText(text)));
    // Pinned: a conversation's claim key as stored.
    expect(exactHash('hi i cant find order sh397840 17149')).toBe('0a7ecc0577157906b7eabefc66307fed');
  });
});

describe('OnePermutationHasher', () => {
  const hasher = new OnePermutationHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);

  it('computes from the text what it computes from the shingle hashes, and applies minShingles to distinct shingles', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, asciiText), fc.integer({ min: 0, max: 6 }), (text, minShingles) => {
        const normalised = normaliseText(text);
        const hashes = shingleHashes(normalised);
        const signature = hasher.signatureOfText(normalised, minShingles);
        if (hashes.length < minShingles) expect(signature).toBeUndefined();
        else expect(signature).toEqual(hasher.signatureOfHashes(hashes));
      }),
      { numRuns: 3000 },
    );
    // Repeats do not count: "aaaaaaaa" has four windows but one shingle.
    expect(hasher.signatureOfText('aaaaaaaa', 2)).toBeUndefined();
    expect(hasher.signatureOfText('aaaaaaaa', 1)).toEqual(hasher.signatureOfHashes(shingleHashes('aaaaaaaa')));
  });

  it('fills every slot from the shingles (densification), deterministically, and agrees with itself', () => {
    for (const text of ['refund', 'hi i was charged twice', starTexts()[0]]) {
      const signature = hasher.signatureOfText(text);
      expect(signature).toBeDefined();
      if (!signature) continue;
      expect(signature).toHaveLength(120);
      const values = new Set(new OnePermutationHasher(120).signatureOfHashes(shingleHashes(text)));
      // Each slot holds a value one of the text's own shingles put in some bin.
      expect(values.size).toBeLessThanOrEqual(Math.min(120, shingles(text).size));
      expect(values.has(0xffffffff)).toBe(false);
      expect(estimateJaccard(signature, new OnePermutationHasher(120).signatureOfText(text) ?? new Uint32Array(120))).toBe(1);
    }
    // "refund" is two shingles: 118 of the 120 slots are copies.
    expect(new Set(hasher.signatureOfText('refund')).size).toBe(2);
  });

  it('estimates Jaccard similarity at least as well as the 120-permutation MinHash it replaced, on real dialogues', () => {
    // Pairs over the whole range of similarity: each STAR dialogue with copies of it that have 2-40%
    // of their words replaced, and with the next dialogue.
    const texts = starTexts().slice(0, 200);
    const unit = (key: string) => createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
    const pairs: [string, string][] = [];
    texts.forEach((text, i) => {
      for (const rate of [0.02, 0.05, 0.1, 0.2, 0.4])
        pairs.push([
          text,
          text
            .split(' ')
            .map((w, j) => (unit(`${rate}:${i}:${j}`) < rate ? `zz${j}` : w))
            .join(' '),
        ]);
      pairs.push([text, texts[(i + 1) % texts.length]]);
    });
    const old = new MinHasher(120);
    const errors = { old: [] as number[], new: [] as number[] };
    const near: number[] = [];
    for (const [a, b] of pairs) {
      const exact = exactJaccard(shingles(a), shingles(b));
      errors.old.push(Math.abs(estimateJaccard(old.signatureOfHashes(shingleHashes(a)), old.signatureOfHashes(shingleHashes(b))) - exact));
      const estimate = estimateJaccard(
        hasher.signatureOfText(a, 0) ?? new Uint32Array(),
        hasher.signatureOfText(b, 0) ?? new Uint32Array(),
      );
      errors.new.push(Math.abs(estimate - exact));
      if (exact >= 0.6) near.push(Math.abs(estimate - exact));
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(pairs.length).toBe(1200);
    expect(near.length).toBeGreaterThan(300);
    // Standard error of a 120-slot estimate is at most sqrt(0.25 / 120) = 0.046; the mean absolute
    // error of either estimator is about half of that.
    expect(mean(errors.new)).toBeLessThan(0.03);
    expect(mean(near)).toBeLessThan(0.03);
    expect(mean(errors.new)).toBeLessThanOrEqual(mean(errors.old) * 1.1);
    expect(Math.max(...errors.new)).toBeLessThan(0.2);
  });
});

describe('stored signatures and band keys', () => {
  const hasher = new OnePermutationHasher(120);
  const text = normaliseText(
    'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge please.',
  );

  it('tags stored signatures with their algorithm and reads back only those of the current one', () => {
    const signature = hasher.signatureOfText(text) ?? new Uint32Array();
    const stored = encodeStoredSignature(signature);
    expect(stored.startsWith('oph1:')).toBe(true);
    expect(decodeStoredSignature(stored)).toEqual(signature);
    // A row written by the 120-permutation MinHash (bare base64) is not comparable.
    expect(decodeStoredSignature(encodeSignature(new MinHasher(120).signatureOfHashes(shingleHashes(text))))).toBeUndefined();
  });

  it('files each stored signature under the band keys its algorithm wrote (erasure finds legacy buckets)', () => {
    const legacy = new MinHasher(120).signatureOfHashes(shingleHashes(text));
    // The sha1 keys rows written before `oph1` were filed under, recomputed independently.
    const sha1Keys = Array.from({ length: 20 }, (_, b) => {
      const slice = legacy.slice(b * 6, (b + 1) * 6);
      return `${b}-${createHash('sha1').update(Buffer.from(slice.buffer)).digest('hex').slice(0, 16)}`;
    });
    expect(legacyBandKeys(legacy, SIGNATURE_BANDING)).toEqual(sha1Keys);
    expect(storedSignatureBandKeys(encodeSignature(legacy), SIGNATURE_BANDING)).toEqual(sha1Keys);
    const current = hasher.signatureOfText(text) ?? new Uint32Array();
    expect(storedSignatureBandKeys(encodeStoredSignature(current), SIGNATURE_BANDING)).toEqual(bandKeys(current, SIGNATURE_BANDING));
    expect(storedSignatureBandKeys('', SIGNATURE_BANDING)).toEqual([]);
  });

  it('makes band keys of 16 hex digits per band that change when any value of the band changes', () => {
    const signature = hasher.signatureOfText(text) ?? new Uint32Array();
    const keys = bandKeys(signature, SIGNATURE_BANDING);
    expect(keys).toHaveLength(20);
    keys.forEach((key, b) => expect(key).toMatch(new RegExp(`^${b}-[0-9a-f]{16}$`)));
    for (let slot = 0; slot < 120; slot++) {
      const changed = signature.slice();
      changed[slot] ^= 1;
      const after = bandKeys(changed, SIGNATURE_BANDING);
      const band = Math.floor(slot / 6);
      expect(after.filter((k, b) => k !== keys[b])).toEqual([after[band]]);
    }
  });

  it('never compares a new signature with a stored one of the earlier algorithm, even when its values match', async () => {
    const store = new MemorySignatureStore();
    const signature = hasher.signatureOfText(text) ?? new Uint32Array();
    // A record filed under the same band keys whose bare-base64 signature holds the very same
    // values: compared as an `oph1` signature it would be a duplicate at similarity 1.
    await store.add(
      {
        conversationId: 'legacy',
        file: 'last-year.jsonl',
        line: 1,
        exactHash: 'f'.repeat(32),
        signature: encodeSignature(signature),
        seenAt: '2025-01-01T00:00:00.000Z',
      },
      bandKeys(signature, SIGNATURE_BANDING),
    );
    const stage = createDedupStage({ store, threshold: 0.8 });
    const turns: Parameters<typeof conversation>[1] = [
      ['user', 'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge please!'],
    ];
    expect((await stage.apply(conversation('new', turns))).action).toBe('keep');
    // The same record tagged as `oph1` is found.
    const tagged = new MemorySignatureStore();
    await tagged.add(
      {
        conversationId: 'current',
        file: 'yesterday.jsonl',
        line: 1,
        exactHash: 'e'.repeat(32),
        signature: encodeStoredSignature(signature),
        seenAt: '2026-12-01T00:00:00.000Z',
      },
      bandKeys(signature, SIGNATURE_BANDING),
    );
    expect(await createDedupStage({ store: tagged, threshold: 0.8 }).apply(conversation('new', turns))).toMatchObject({
      action: 'drop',
      reason: 'duplicate-near',
    });
  });
});
