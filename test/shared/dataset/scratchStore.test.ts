import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySignatureStore, type SignatureRecord } from '../../../src/shared/quality/dedup';
import { decodeStoredSignature, encodeStoredSignature, estimateJaccard } from '../../../src/shared/quality/minhash';
import {
  openScratchDatabase,
  RecentBandIndex,
  ScratchSignatureStore,
  SignatureFile,
  StringBloomFilter,
  WriteBatcher,
} from '../../../src/shared/dataset/scratchStore';

describe('StringBloomFilter', () => {
  it('never forgets a key it was given, and keeps kinds apart', () => {
    const filter = new StringBloomFilter(16);
    const keys = Array.from({ length: 2000 }, (_, i) => `${i % 20}-${(i * 2654435761).toString(16)}`);
    for (const key of keys) filter.add(key, 2);
    expect(keys.every((key) => filter.mayContain(key, 2))).toBe(true);
    const absent = Array.from({ length: 2000 }, (_, i) => `absent-${i}`);
    // 2,000 keys in 65,536 bits: a few false positives at most.
    expect(absent.filter((key) => filter.mayContain(key, 2)).length).toBeLessThan(100);
    expect(keys.filter((key) => filter.mayContain(key, 1)).length).toBeLessThan(100);
  });

  it('takes keys of two 32-bit numbers as well, never forgetting one', () => {
    const filter = new StringBloomFilter(16);
    const pairs = Array.from({ length: 2000 }, (_, i) => [Math.imul(i, 2654435761) >>> 0, i] as const);
    for (const [x, y] of pairs) filter.addPair(x, y, 3);
    expect(pairs.every(([x, y]) => filter.mayContainPair(x, y, 3))).toBe(true);
    // Swapped halves, another domain, or unseen numbers: a few false positives at most.
    expect(pairs.filter(([x, y]) => filter.mayContainPair(y, x, 3)).length).toBeLessThan(100);
    expect(pairs.filter(([x, y]) => filter.mayContainPair(x, y, 4)).length).toBeLessThan(100);
    expect(pairs.filter(([x, y]) => filter.mayContainPair(x + 1, y + 7, 3)).length).toBeLessThan(100);
  });
});

/** The on-disk store of `tuneloop prepare` against the in-memory one, with a roomy and with a saturated filter. */
describe('SignatureFile', () => {
  it('reads back every entry, pending, written, cached or evicted from its few cache slots', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuneloop-signatures-'));
    try {
      // 3 values per entry, 4 entries pending before a write, 2 cache slots: every path is taken.
      const file = new SignatureFile(join(dir, 'signatures.bin'), 3, 4, 2);
      const entry = (i: number) => Uint32Array.of(i, i * 7 + 1, 0xffffffff - i);
      for (let i = 0; i < 11; i++) file.append(i === 5 ? undefined : entry(i));
      const into = new Uint32Array(3);
      // Twice over, in an order that makes slots collide, hit and get replaced.
      for (const i of [0, 2, 0, 4, 1, 3, 1, 10, 9, 8, 5, 7, 6, 2, 0]) {
        expect([...file.read(i, into)]).toEqual(i === 5 ? [0, 0, 0] : [...entry(i)]);
      }
      file.close();
      expect(() => new SignatureFile(join(dir, 'other.bin'), 3, 4, 3)).toThrow(/power of two/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ScratchSignatureStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-scratch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Signatures of 120 values sharing a part with others of the same family (i % 11), so candidates
  // score from low to high; every fifth record has a signature of an older algorithm (kept in its
  // row, never compared), every fifth another none.
  const vectorOf = (i: number) =>
    Uint32Array.from({ length: 120 }, (_, k) => (Math.imul(k < 40 + (i % 4) * 25 ? (i % 11) + 1 : i + 1000, 2654435761) ^ k) >>> 0);
  const signatureOf = (i: number) => (i % 5 === 0 ? `sig-${i}` : i % 5 === 1 ? '' : encodeStoredSignature(vectorOf(i)));
  const record = (i: number, hash: string): SignatureRecord => ({
    conversationId: `c-${i}`,
    file: 'in.jsonl',
    line: i + 1,
    exactHash: hash,
    signature: signatureOf(i),
    seenAt: '1970-01-01T00:00:00.000Z',
  });
  /** What the dedup stage picks from `findByBands`: the best candidate at the threshold or above, the earliest of equals. */
  const bestOf = (records: SignatureRecord[], query: Uint32Array, threshold: number, self: string) => {
    let best: { record: SignatureRecord; similarity: number } | undefined;
    for (const candidate of records) {
      if (!candidate.signature || candidate.conversationId === self) continue;
      const other = decodeStoredSignature(candidate.signature);
      if (!other) continue;
      const similarity = estimateJaccard(query, other);
      if (similarity >= threshold && (!best || similarity > best.similarity)) best = { record: candidate, similarity };
    }
    return best;
  };
  // The memory store keeps a re-added record twice (same content): compared as a set of ids.
  const ids = (records: SignatureRecord[]) => [...new Set(records.map((r) => r.conversationId))].sort();
  // Band keys as `bandKeys` writes them (band, 16 hex digits), shared by some conversations (near
  // duplicates) and not by others; values that differ only in the high or the low 32 bits too.
  const hex16 = (n: number) => (n % 2 ? n * 2 ** 32 : n).toString(16).padStart(16, '0');
  const keysOf = (i: number) => Array.from({ length: 20 }, (_, b) => `${b}-${hex16(b < 3 ? i % 7 : i)}`);

  it.each([
    ['a roomy filter, every band key in memory', 20, 16],
    ['a saturated filter (every lookup goes to the database)', 9, 16],
    ['band keys moving to the database every 35 conversations', 20, 10],
    ['band keys moving to the database every 35 conversations, a saturated filter', 9, 10],
  ])('answers as the in-memory store does, with %s', async (_name, bits, slots) => {
    const db = openScratchDatabase(join(dir, `store-${bits}-${slots}.db`));
    const batch = new WriteBatcher(db, 5);
    const scratch = new ScratchSignatureStore(db, batch, {
      signatureFile: join(dir, `store-${bits}-${slots}.bin`),
      bloomLog2Bits: bits,
      bandIndexLog2Slots: slots,
    });
    const memory = new MemorySignatureStore();
    for (let i = 0; i < 300; i++) {
      const hash = `h${i % 250}`;
      const keys = keysOf(i);
      expect(await scratch.findExact(hash)).toEqual(await memory.findExact(hash));
      const found = (await scratch.findByBands(keys)).map((r) => r.conversationId);
      // The same records; the scratch store's in the order they were stored.
      expect([...found].sort()).toEqual(ids(await memory.findByBands(keys)));
      expect(found).toEqual([...found].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
      // Scoring signatures from the signature file picks what scoring whole records picks.
      const once = (records: SignatureRecord[]) =>
        records.filter((r, n, all) => all.findIndex((o) => o.conversationId === r.conversationId) === n);
      const byRecords = await scratch.findByBands(keys);
      expect(byRecords).toEqual(once(await memory.findByBands(keys)).sort((a, b) => a.line - b.line));
      for (const threshold of [0.3, 0.6, 0.9]) {
        // Excluding a conversation as the stage excludes the conversation itself (a retried file).
        const self = `c-${(i * 7) % Math.max(i, 1)}`;
        const query = vectorOf(i);
        expect(
          await scratch.findBest(
            keys,
            (other) => estimateJaccard(query, other),
            threshold,
            (r) => r.conversationId === self,
          ),
        ).toEqual(bestOf(byRecords, query, threshold, self));
      }
      expect(await scratch.add(record(i, hash), keys)).toEqual(await memory.add(record(i, hash), keys));
      // The same conversation of the same file again is not a duplicate of itself.
      expect(await scratch.add(record(i, hash), keys)).toEqual(await memory.add(record(i, hash), keys));
    }
    batch.commit();
    expect(ids(await scratch.findByBands(keysOf(3)))).toEqual(ids(await memory.findByBands(keysOf(3))));
    scratch.close();
    db.close();
  });

  it('finds band keys in memory and after they moved to the database alike', () => {
    const index = new RecentBandIndex(4);
    const key = (band: number, high: number, low: number) => [band, high, low] as const;
    // Equal hash halves under different bands, and keys differing in one half only, are different keys.
    index.add(...key(0, 1, 2), 7);
    index.add(...key(1, 1, 2), 8);
    index.add(...key(0, 2, 1), 9);
    index.add(...key(0, 1, 2), 10);
    const found: number[] = [];
    index.collect(...key(0, 1, 2), found);
    expect(found.sort()).toEqual([10, 7]);
    expect(index.full).toBe(false);
    for (let i = 0; i < 7; i++) index.add(...key(2, i, 0xffffffff), 100 + i);
    expect(index.full).toBe(true);
    const drained: number[][] = [];
    index.drain((band, high, low, seq) => drained.push([band, high, low, seq]));
    expect(drained.slice(0, 4)).toEqual([
      [0, 1, 2, 7],
      [0, 1, 2, 10],
      [0, 2, 1, 9],
      [1, 1, 2, 8],
    ]);
    expect(drained).toHaveLength(11);
    expect(index.size).toBe(0);
    const after: number[] = [];
    index.collect(...key(0, 1, 2), after);
    expect(after).toEqual([]);
  });

  it('refuses a band key it cannot file as integers, naming it', async () => {
    const db = openScratchDatabase(join(dir, 'odd.db'));
    const scratch = new ScratchSignatureStore(db, new WriteBatcher(db), { signatureFile: join(dir, 'odd.bin') });
    for (const odd of ['0-xyz', '0-0123456789abcdeg', 'x-0123456789abcdef', '256-0123456789abcdef', '-0123456789abcdef'])
      await expect(scratch.add(record(1, 'h1'), [odd])).rejects.toThrow(`cannot file band key "${odd}"`);
    // Upper-case hex digits are the same key as lower-case ones.
    await scratch.add(record(2, 'h2'), ['3-0123456789ABCDEF']);
    expect((await scratch.findByBands(['3-0123456789abcdef'])).map((r) => r.conversationId)).toEqual(['c-2']);
    scratch.close();
    db.close();
  });
});
