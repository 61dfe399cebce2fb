import { gzipSync } from 'node:zlib';
import { loadSettings } from '../../../src/shared/config/settings';
import { createRuntime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { CONTAINERS } from '../../../src/shared/storage/names';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import { testStorageConnectionString } from '../../setup/storage';
import { conversationsJsonl } from './fixtures';
import { isolatedStorage } from './isolatedStorage';

/** Nothing to assert on telemetry here; the function test covers metrics. */
const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

/**
 * The blob path on real Azurite with and without the worker pool (the pool runs the compiled
 * worker script, npm run build): the same shard and report bytes, and progress lines for the log.
 */
describe('preprocessBlob with a worker pool', () => {
  async function run(workers: string, blobName: string, body: Buffer) {
    const storage = isolatedStorage();
    await storage.ensureResources();
    const settings = loadSettings({ TUNELOOP_STORAGE: testStorageConnectionString(), TUNELOOP_PREPROCESS_WORKERS: workers });
    const runtime = createRuntime(settings, { storage, telemetry: noTelemetry });
    await storage.container(CONTAINERS.raw).getBlockBlobClient(blobName).upload(body, body.length);
    const progress: string[] = [];
    const outcome = await preprocessBlob(runtime, blobName, { progress: (m) => progress.push(m), progressSeconds: 0 });
    if (outcome.status !== 'processed') throw new Error(`expected processed, got ${outcome.status}`);
    // Signature times are the wall clock on the blob path: the only thing allowed to differ.
    const read = async (container: string, name: string) =>
      (await storage.container(container).getBlobClient(name).downloadToBuffer())
        .toString('utf8')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    const report = JSON.parse(await read(CONTAINERS.curated, outcome.outputs.report));
    delete report.etag;
    return {
      shard: await read(CONTAINERS.curated, outcome.outputs.curated),
      quarantine: await read(CONTAINERS.quarantine, outcome.outputs.quarantine),
      report,
      progress,
    };
  }

  it('writes the same shard, quarantine and report with 1 and 2 workers, and reports progress', async () => {
    const lines = conversationsJsonl(40).split('\n');
    // An exact duplicate and a broken line among them.
    lines.splice(20, 0, lines[3].replace('"c-3"', '"copy-3"'), '{"conversation_id": "broken"');
    const body = gzipSync(lines.join('\n'));
    const one = await run('1', 'day/chats.jsonl.gz', body);
    const two = await run('2', 'day/chats.jsonl.gz', body);
    expect(two.shard).toBe(one.shard);
    expect(two.quarantine).toBe(one.quarantine);
    expect(JSON.stringify(two.report)).toBe(JSON.stringify(one.report));
    expect(one.report.records_in).toBe(42);
    expect(one.report.quarantine_reasons).toMatchObject({ 'duplicate-exact': 1 });
    expect(two.progress.length).toBeGreaterThan(0);
    expect(two.progress[0]).toMatch(
      /^raw-logs\/day\/chats\.jsonl\.gz: \d+ records, [\d.]+ MB read of [\d.]+ MB \(\d+%\), [\d.]+ MB\/s, \d+ MB RSS$/,
    );
  }, 600_000);
});
