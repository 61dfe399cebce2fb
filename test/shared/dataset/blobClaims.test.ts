import { gzipSync } from 'node:zlib';
import { loadSettings } from '../../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob, type BlobOutcome } from '../../../src/shared/dataset/blobPreprocess';
import { BlobSignatureStore } from '../../../src/shared/quality/blobSignatureStore';
import type { SignatureStore } from '../../../src/shared/quality/dedup';
import { CONTAINERS, TABLES } from '../../../src/shared/storage/names';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import { testStorageConnectionString } from '../../setup/storage';
import { conversationLine } from './fixtures';
import { isolatedStorage } from './isolatedStorage';

/** Nothing to assert on telemetry here; the function test covers metrics. */
const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

function runtimeWith(workers: string): Runtime {
  const storage = isolatedStorage();
  const settings = loadSettings({ TUNELOOP_STORAGE: testStorageConnectionString(), TUNELOOP_PREPROCESS_WORKERS: workers });
  return createRuntime(settings, { storage, telemetry: noTelemetry });
}

async function upload(runtime: Runtime, name: string, body: Buffer | string): Promise<void> {
  await runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
}

/** The blob path's store with its claims awaited one at a time (the behaviour before the look-ahead). */
function awaitedClaims(runtime: Runtime): SignatureStore {
  const store = new BlobSignatureStore(runtime.storage.table(TABLES.dedupSignatures));
  // Not a BlobSignatureStore to the blob path, so nothing announces hashes to it.
  return {
    findExact: (hash) => store.findExact(hash),
    findByBands: (keys) => store.findByBands(keys),
    add: (record, keys, signal) => store.add(record, keys, signal),
    flush: () => store.flush(),
  };
}

async function outputs(runtime: Runtime, outcome: BlobOutcome) {
  if (outcome.status !== 'processed') throw new Error(`expected processed, got ${outcome.status}`);
  // Signature times are the wall clock on the blob path: the only thing allowed to differ.
  const read = async (container: string, name: string) =>
    (await runtime.storage.container(container).getBlobClient(name).downloadToBuffer())
      .toString('utf8')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
  const report = JSON.parse(await read(CONTAINERS.curated, outcome.outputs.report)) as Record<string, unknown>;
  delete report.etag;
  return {
    shard: await read(CONTAINERS.curated, outcome.outputs.curated),
    quarantine: await read(CONTAINERS.quarantine, outcome.outputs.quarantine),
    report,
  };
}

/** Conversation ids in a shard (a conversation may have several curated records). */
function shardIds(shard: string): string[] {
  const ids = shard
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { conversation_id: string }).conversation_id);
  return [...new Set(ids)];
}

const VOCABULARY = (
  'parcel invoice refund courier warehouse voucher balcony umbrella lantern meadow harbour violin pepper saddle glacier orchard tunnel ' +
  'compass blanket ribbon marble anchor cedar kettle mirror pillow quartz rocket timber velvet walnut zipper bamboo cactus dolphin ember ' +
  'fossil igloo lemon mango papaya quiver tulip account delivery payment address subscription printer battery charger screen keyboard ' +
  'router modem signal tracking label return exchange warranty receipt discount coupon balance statement transfer deposit withdrawal ' +
  'schedule appointment booking flight hotel luggage ticket seat aisle meal upgrade'
).split(' ');

/** `n` conversations of seeded random words: unrelated to each other (no near duplicates among them). */
function distinctConversations(n: number, prefix: string, seed: number): string[] {
  let state = seed;
  const word = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    // The high bits: the low bits of this generator repeat with short periods.
    return VOCABULARY[(state >>> 12) % VOCABULARY.length];
  };
  const words = (k: number) => Array.from({ length: k }, word).join(' ');
  return Array.from({ length: n }, (_, i) =>
    conversationLine(`${prefix}-${i}`, {
      issue: ['billing', 'shipping', 'account'][i % 3],
      turns: [
        ['customer', `${words(20)}?`],
        ['agent', `${words(24)}.`],
      ],
    }),
  );
}

/**
 * The exact-hash claims of the blob path sent ahead, concurrently (BlobSignatureStore.expect, fed
 * by the executor): on real Azurite, the shard, quarantine and report of a blob
 * are byte-identical to the awaited claims', with 1 and 2 workers (the pool runs the compiled
 * worker script, npm run build), and racing blobs keep each text once.
 */
describe('preprocessBlob: claims off the critical path', () => {
  // Monday's file is in the table; Tuesday's repeats some of it, repeats itself (also 300
  // conversations apart, past a batch and with several batches in flight), and adds new ones.
  const mondayLines = distinctConversations(60, 'mon', 1);
  const monday = mondayLines.join('\n') + '\n';
  const fresh = distinctConversations(300, 'tue', 2);
  const tuesdayLines = [
    ...fresh.slice(0, 100),
    mondayLines[5].replace('"mon-5"', '"tue-copy-of-mon-5"'),
    ...fresh.slice(100, 200),
    fresh[3].replace('"tue-3"', '"tue-copy-of-tue-3"'),
    mondayLines[40].replace('"mon-40"', '"tue-copy-of-mon-40"'),
    '{"conversation_id": "broken"',
    ...fresh.slice(200),
    fresh[250].replace('"tue-250"', '"tue-copy-of-tue-250"'),
    fresh[7],
  ];
  const tuesday = gzipSync(tuesdayLines.join('\n') + '\n');

  it.each(['1', '2'])(
    'writes the same outputs as awaited claims, with %s worker(s)',
    async (workers) => {
      const results = [];
      for (const lookahead of [true, false]) {
        const runtime = runtimeWith(workers);
        await runtime.storage.ensureResources();
        await upload(runtime, 'day/monday.jsonl', monday);
        await upload(runtime, 'day/tuesday.jsonl.gz', tuesday);
        const signatures = () => (lookahead ? {} : { signatures: awaitedClaims(runtime) });
        await outputs(runtime, await preprocessBlob(runtime, 'day/monday.jsonl', signatures()));
        results.push(await outputs(runtime, await preprocessBlob(runtime, 'day/tuesday.jsonl.gz', signatures())));
      }
      const [ahead, awaited] = results;
      expect(ahead.shard).toBe(awaited.shard);
      expect(ahead.quarantine).toBe(awaited.quarantine);
      expect(JSON.stringify(ahead.report)).toBe(JSON.stringify(awaited.report));
      expect(ahead.report).toMatchObject({ records_in: tuesdayLines.length, records_used: 301, records_quarantined: 5 });
      expect(ahead.report.quarantine_reasons).toEqual({ 'duplicate-exact': 4, 'invalid-json': 1 });
      const dropped = ahead.quarantine
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { reason: string; detail?: string; line: number });
      expect(dropped.filter((d) => d.reason === 'duplicate-exact').map((d) => d.detail?.replace(/, seen .*$/, ''))).toEqual([
        'exact duplicate of conversation mon-5 (day/monday.jsonl line 6',
        'exact duplicate of conversation tue-3 (day/tuesday.jsonl.gz line 4',
        'exact duplicate of conversation mon-40 (day/monday.jsonl line 41',
        'exact duplicate of conversation tue-250 (day/tuesday.jsonl.gz line 255',
      ]);
      // The same conversation listed twice is not a duplicate of itself (as a retried blob's is not).
      const tue7 = ahead.shard.split('\n').filter((l) => l.includes('"conversation_id":"tue-7"'));
      expect(new Set(tue7.map((l) => (JSON.parse(l) as { source: { line: number } }).source.line))).toEqual(new Set([8, 306]));
    },
    600_000,
  );

  it('keeps each text once when two blobs holding the same texts run at the same time', async () => {
    const runtime = runtimeWith('1');
    await runtime.storage.ensureResources();
    const shared = distinctConversations(150, 'same', 3);
    // Both exports carry the same 150 conversations under their own ids, plus one of their own.
    const body = (prefix: string) =>
      [...shared.map((l, i) => l.replace(`"same-${i}"`, `"${prefix}-${i}"`)), conversationLine(`${prefix}-own`)].join('\n') + '\n';
    await upload(runtime, 'race/a.jsonl', body('a'));
    await upload(runtime, 'race/b.jsonl', body('b'));
    // A blob that loses a race for a claim starts over within its attempt (logged), never fails.
    const log: string[] = [];
    const [a, b] = await Promise.all(
      ['race/a.jsonl', 'race/b.jsonl'].map((name) => preprocessBlob(runtime, name, { log: (m) => log.push(m) })),
    );
    const shardA = shardIds((await outputs(runtime, a)).shard);
    const shardB = shardIds((await outputs(runtime, b)).shard);
    const kept = [...shardA, ...shardB].map((id) => id.replace(/^[ab]-/, ''));
    // Each shared text in exactly one of the two shards; each blob's own conversation in its own.
    expect(kept.filter((id) => id !== 'own').sort()).toEqual(shared.map((_, i) => String(i)).sort());
    expect(shardA).toContain('a-own');
    expect(shardB).toContain('b-own');
    for (const outcome of [a, b]) {
      if (outcome.status !== 'processed') throw new Error('expected processed');
      const r = outcome.report;
      expect(r.records_in).toBe(151);
      expect(r.records_in).toBe(r.records_used + r.records_quarantined);
    }
  }, 600_000);
});
