import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySignatureStore, type SignatureRecord } from '../../../src/shared/quality/dedup';
import { openScratchDatabase, ScratchSignatureStore, StringBloomFilter, WriteBatcher } from '../../../src/shared/dataset/scratchStore';

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
});

/** The on-disk store of `tuneloop prepare` against the in-memory one, with a roomy and with a saturated filter. */
describe('ScratchSignatureStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-scratch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const record = (i: number, hash: string): SignatureRecord => ({
    conversationId: `c-${i}`,
    file: 'in.jsonl',
    line: i + 1,
    exactHash: hash,
    signature: `sig-${i}`,
    seenAt: '1970-01-01T00:00:00.000Z',
  });
  // The memory store keeps a re-added record twice (same content): compared as a set of ids.
  const ids = (records: SignatureRecord[]) => [...new Set(records.map((r) => r.conversationId))].sort();
  // Band keys as `bandKeys` writes them (band, 16 hex digits), shared by some conversations (near
  // duplicates) and not by others; values that differ only in the high or the low 32 bits too.
  const hex16 = (n: number) => (n % 2 ? n * 2 ** 32 : n).toString(16).padStart(16, '0');
  const keysOf = (i: number) => Array.from({ length: 20 }, (_, b) => `${b}-${hex16(b < 3 ? i % 7 : i)}`);

  it.each([
    ['a roomy filter', 20],
    ['a saturated filter (every lookup goes to the database)', 9],
  ])('answers as the in-memory store does, with %s', async (_name, bits) => {
    const db = openScratchDatabase(join(dir, `store-${bits}.db`));
    const batch = new WriteBatcher(db, 5);
    const scratch = new ScratchSignatureStore(db, batch, { bloomLog2Bits: bits });
    const memory = new MemorySignatureStore();
    for (let i = 0; i < 300; i++) {
      const hash = `h${i % 250}`;
      const keys = keysOf(i);
      expect(await scratch.findExact(hash)).toEqual(await memory.findExact(hash));
      const found = (await scratch.findByBands(keys)).map((r) => r.conversationId);
      // The same records; the scratch store's in the order they were stored.
      expect([...found].sort()).toEqual(ids(await memory.findByBands(keys)));
      expect(found).toEqual([...found].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
      expect(await scratch.add(record(i, hash), keys)).toEqual(await memory.add(record(i, hash), keys));
      // The same conversation of the same file again is not a duplicate of itself.
      expect(await scratch.add(record(i, hash), keys)).toEqual(await memory.add(record(i, hash), keys));
    }
    batch.commit();
    expect(ids(await scratch.findByBands(keysOf(3)))).toEqual(ids(await memory.findByBands(keysOf(3))));
    db.close();
  });

  it('refuses a band key it cannot file as integers, naming it', async () => {
    const db = openScratchDatabase(join(dir, 'odd.db'));
    const scratch = new ScratchSignatureStore(db, new WriteBatcher(db));
    await expect(scratch.add(record(1, 'h1'), ['0-xyz'])).rejects.toThrow('cannot file band key "0-xyz"');
    db.close();
  });
});
