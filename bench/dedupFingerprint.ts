import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './harness';
import { cpuMedian } from './harness';
import { STAR_DIR, writeStarJsonl } from './starCorpus';
import { legacyExactHash, legacyFingerprint, legacyNormaliseText, legacySignature } from './legacyFingerprint';
import { SIGNATURE_BANDING } from '../src/shared/quality/dedup';
import {
  MinHasher,
  OnePermutationHasher,
  bandKeys,
  estimateJaccard,
  exactHash,
  exactJaccard,
  legacyBandKeys,
  normaliseText,
  shingleHashes,
  shingles,
} from '../src/shared/quality/minhash';

/**
 * The duplicate fingerprint of one conversation (what the dedup stage's `prepare` and the nightly
 * assembly compute for every conversation): normalised text, exact hash, MinHash signature, LSH
 * band keys. "Before": four regex replaces, a set of distinct shingle hashes, 120 permutations
 * (`MinHasher`), sha1 band keys (bench/legacyFingerprint.ts); "after": the one-pass normaliser,
 * one-permutation hashing with optimal densification, murmur band keys, the exact hash without
 * `replaceAll`. Both over the same
 * conversations of real STAR turns, CPU ms per pass (median of `REPEATS`), per step and in total,
 * the before total as the same-run baseline; plus the accuracy of both estimators against exact
 * Jaccard similarity on pairs of real dialogues over the whole range of similarity.
 */
const BYTES = Number(process.env.TUNELOOP_BENCH_FINGERPRINT_BYTES ?? 3_000_000);
const REPEATS = 7;
const MIN_SHINGLES = 3;

function loadTexts(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { messages: { text: string }[] }).messages.map((m) => m.text).join('\n'));
}

export const dedupFingerprintBenchmark: Benchmark = {
  name: 'dedupFingerprint',
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-fingerprint-'));
    const lines: string[] = [];
    try {
      const file = join(dir, 'star.jsonl');
      const { bytes } = await writeStarJsonl(file, BYTES, { seed: 11 });
      const texts = loadTexts(file);
      const textMb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
      const hasher = new OnePermutationHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);
      const newFingerprint = (text: string) => {
        const normalised = normaliseText(text);
        const signature = hasher.signatureOfText(normalised, MIN_SHINGLES);
        return { hash: exactHash(normalised), signature, keys: signature ? bandKeys(signature, SIGNATURE_BANDING) : [] };
      };

      // Same normalised text and exact hash (the key duplicates are matched on) for every conversation.
      const mismatches = texts.filter((t) => legacyFingerprint(t).hash !== newFingerprint(t).hash).length;

      const oldNormalised = texts.map(legacyNormaliseText);
      const newNormalised = texts.map(normaliseText);
      const oldSignatures = oldNormalised.map((t) => legacySignature(t, MIN_SHINGLES) ?? new Uint32Array(120));
      const newSignatures = newNormalised.map((t) => hasher.signatureOfText(t, MIN_SHINGLES) ?? new Uint32Array(120));
      const steps = [
        {
          step: 'normalise text',
          before: cpuMedian(() => texts.map(legacyNormaliseText), REPEATS),
          after: cpuMedian(() => texts.map(normaliseText), REPEATS),
        },
        {
          step: 'signature (shingles + MinHash)',
          before: cpuMedian(() => oldNormalised.map((t) => legacySignature(t, MIN_SHINGLES)), REPEATS),
          after: cpuMedian(() => newNormalised.map((t) => hasher.signatureOfText(t, MIN_SHINGLES)), REPEATS),
        },
        {
          step: 'band keys',
          before: cpuMedian(() => oldSignatures.map((s) => legacyBandKeys(s, SIGNATURE_BANDING)), REPEATS),
          after: cpuMedian(() => newSignatures.map((s) => bandKeys(s, SIGNATURE_BANDING)), REPEATS),
        },
        {
          step: 'exact hash (same values)',
          before: cpuMedian(() => oldNormalised.map(legacyExactHash), REPEATS),
          after: cpuMedian(() => newNormalised.map(exactHash), REPEATS),
        },
      ];
      const totalBefore = cpuMedian(() => texts.map(legacyFingerprint), REPEATS);
      const totalAfter = cpuMedian(() => texts.map(newFingerprint), REPEATS);

      lines.push(
        `${texts.length} conversations of real STAR turns (${(bytes / 1e6).toFixed(1)} MB JSONL, ${textMb.toFixed(1)} MB of text), ` +
          `CPU ms per pass over all of them, median of ${REPEATS}; exact hashes differing before/after: ${mismatches}`,
      );
      lines.push('');
      lines.push('| step | before ms | after ms | after / before |');
      lines.push('|---|---|---|---|');
      for (const s of steps)
        lines.push(`| ${s.step} | ${s.before.toFixed(1)} | ${s.after.toFixed(1)} | ${(s.after / s.before).toFixed(2)} |`);
      lines.push(
        `| **whole fingerprint** | **${totalBefore.toFixed(1)}** (baseline) | **${totalAfter.toFixed(1)}** | **${(totalAfter / totalBefore).toFixed(2)}** (${(totalBefore / totalAfter).toFixed(1)}× less CPU) |`,
      );
      lines.push(
        `Per conversation: ${((1000 * totalBefore) / texts.length).toFixed(0)} µs before, ${((1000 * totalAfter) / texts.length).toFixed(0)} µs after; ` +
          `${(textMb / (totalBefore / 1000)).toFixed(1)} → ${(textMb / (totalAfter / 1000)).toFixed(1)} MB of text per CPU-second.`,
      );
      lines.push('');
      accuracy(lines);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'dedupFingerprint', lines };
  },
};

/**
 * Estimated against exact Jaccard similarity (5-character shingles) on pairs of real dialogues:
 * each STAR dialogue of the fixtures with copies of it that have 2–40% of their words replaced,
 * and with the next dialogue; and what the dedup stage decides at threshold 0.8 (a pair is found
 * when it shares a band key and its estimate is ≥ 0.8). Whether a pair near the threshold is
 * found is luck of the hash functions, so each estimator runs with `SEEDS` independent sets of
 * them (the shipped one first): `MinHasher` as consecutive slices of 120 of `SEEDS` × 120
 * permutations, `OnePermutationHasher` with `SEEDS` seeds.
 */
const SEEDS = 5;

function accuracy(lines: string[]): void {
  const texts = starDialogueTexts(STAR_DIR);
  const unit = (key: string) => createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
  const pairs: [number, number][] = [];
  const all = [...texts];
  texts.forEach((text, i) => {
    for (const rate of [0.02, 0.05, 0.1, 0.2, 0.4]) {
      const words = text.split(' ').map((w, j) => (unit(`${rate}:${i}:${j}`) < rate ? `zz${j}` : w));
      all.push(words.join(' '));
      pairs.push([i, all.length - 1]);
    }
    pairs.push([i, (i + 1) % texts.length]);
  });
  const shingleSets = all.map((t) => shingles(t));
  const exact = pairs.map(([a, b]) => exactJaccard(shingleSets[a], shingleSets[b]));
  const slots = SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows;
  const wide = new MinHasher(SEEDS * slots);
  const oldSignatures = all.map((t) => wide.signatureOfHashes(shingleHashes(t)));
  type Tally = { err: number[]; nearFound: number; near: number; farFound: number; far: number };
  const tallies = { before: [] as Tally[], after: [] as Tally[] };
  const shares = (a: string[], b: string[]) => a.some((k, i) => k === b[i]);
  const tally = (signatures: Uint32Array[], keys: string[][]): Tally => {
    const t: Tally = { err: [], nearFound: 0, near: 0, farFound: 0, far: 0 };
    pairs.forEach(([a, b], p) => {
      const estimate = estimateJaccard(signatures[a], signatures[b]);
      t.err.push(Math.abs(estimate - exact[p]));
      const found = estimate >= 0.8 && shares(keys[a], keys[b]);
      if (exact[p] >= 0.8) {
        t.near++;
        if (found) t.nearFound++;
      } else if (exact[p] < 0.7) {
        t.far++;
        if (found) t.farFound++;
      }
    });
    return t;
  };
  for (let seed = 0; seed < SEEDS; seed++) {
    const before = oldSignatures.map((s) => s.slice(seed * slots, (seed + 1) * slots));
    tallies.before.push(
      tally(
        before,
        before.map((s) => legacyBandKeys(s, SIGNATURE_BANDING)),
      ),
    );
    const hasher = seed === 0 ? new OnePermutationHasher(slots) : new OnePermutationHasher(slots, 0x5bd1e995 ^ Math.imul(seed, 0x9e3779b9));
    const after = all.map((t) => hasher.signatureOfText(t, 0) ?? new Uint32Array(slots));
    tallies.after.push(
      tally(
        after,
        after.map((s) => bandKeys(s, SIGNATURE_BANDING)),
      ),
    );
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const p95 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(0.95 * (xs.length - 1))];
  const near = tallies.before[0].near;
  const far = tallies.before[0].far;
  lines.push(
    `Accuracy on ${pairs.length} pairs of STAR dialogues (test/fixtures; each with copies with 2–40% of words replaced, and with the next one; ` +
      `${near} pairs of true Jaccard ≥ 0.8, ${far} below 0.7), ${SEEDS} independent sets of hash functions per estimator (the shipped one first):`,
  );
  lines.push('');
  lines.push(
    '| estimator | mean abs error (per seed) | 95th pct abs error | found at 0.8 of true Jaccard ≥ 0.8 (per seed) | mean | found at 0.8 of true Jaccard < 0.7 |',
  );
  lines.push('|---|---|---|---|---|---|');
  for (const [name, ts] of [
    ['before: MinHash, 120 permutations', tallies.before],
    ['after: one permutation, 120 bins, densified', tallies.after],
  ] as const) {
    lines.push(
      `| ${name} | ${ts.map((t) => mean(t.err).toFixed(4)).join(', ')} | ${p95(ts.flatMap((t) => t.err)).toFixed(3)} | ` +
        `${ts.map((t) => t.nearFound).join(', ')} | ${((100 * mean(ts.map((t) => t.nearFound))) / Math.max(1, near)).toFixed(1)}% | ` +
        `${ts.reduce((n, t) => n + t.farFound, 0)} of ${SEEDS} × ${far} |`,
    );
  }
}

/** Normalised text of each STAR dialogue in `dir` (one per dialogue), also read by the fingerprint tests. */
export function starDialogueTexts(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Events: { Text?: string; Action: string }[] };
      return normaliseText(
        d.Events.filter((e) => e.Text && (e.Action === 'utter' || e.Action === 'pick_suggestion'))
          .map((e) => e.Text)
          .join('\n'),
      );
    })
    .filter((t) => t.length > 0);
}
