import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { assembleDataset, type CuratedRecord } from '../../../src/shared/dataset/assembly';
import { RATED_INDEX_COMPLETE, TableFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { CONTAINERS, QUEUES, TABLES } from '../../../src/shared/storage/names';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { startPrivateAzurite } from '../../setup/storage';

function record(id: string, split: CuratedRecord['split'], issueType: string, reply: string, csat?: number): CuratedRecord {
  return {
    conversation_id: id,
    kind: 'conversation',
    issue_type: issueType,
    csat,
    split,
    tokens: 20,
    source: { file: 'raw-logs/day1.jsonl', line: 1 },
    example: {
      messages: [
        { role: 'user', content: `question about ${issueType} ${id}` },
        { role: 'assistant', content: reply },
      ],
    },
  };
}

async function writeShard(storage: StorageClients, name: string, records: CuratedRecord[]): Promise<void> {
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await storage.container(CONTAINERS.curated).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
}

async function readBlob(storage: StorageClients, container: string, name: string): Promise<string> {
  return (await storage.container(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
}

describe('nightly dataset assembly (private Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let runtime: Runtime;
  let localDir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-assembly-'));
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  function makeRuntime(extra: Record<string, string> = {}): Runtime {
    const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: localDir, ...extra });
    return createRuntime(settings, { storage: azurite.storage });
  }

  it('refuses to train on fewer than 10 examples', async () => {
    runtime = makeRuntime({ TUNELOOP_BALANCE_MAX_SHARE: '1' });
    await writeShard(azurite.storage, 'day0/aaaa.jsonl', [record('c-0', 'train', 'billing', 'ok')]);
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-01T02:00:00Z') });
    expect(outcome).toMatchObject({ outcome: 'skipped', reason: 'too-few-examples' });
    // Reading all of `feedback` (empty here), the first assembly also completes the index of rated conversations.
    await expect(
      azurite.storage.table(TABLES.rated).getEntity(RATED_INDEX_COMPLETE.partitionKey, RATED_INDEX_COMPLETE.rowKey),
    ).resolves.toMatchObject({ listed: 0 });
  });

  it('writes a versioned dataset, joins late feedback, and enqueues a submit message', async () => {
    runtime = makeRuntime({ TUNELOOP_CSAT_THRESHOLD: '3', TUNELOOP_BALANCE_MAX_SHARE: '1' });
    const day1 = Array.from({ length: 14 }, (_, i) => record(`c-${i + 1}`, 'train', i % 2 ? 'billing' : 'shipping', `answer ${i + 1}`));
    day1.push(record('c-v1', 'validation', 'billing', 'validation answer'), record('c-h1', 'holdout', 'shipping', 'holdout answer'));
    await writeShard(azurite.storage, 'day1/bbbb.jsonl', day1);
    // A later re-drop of the same file replaces c-1's reply (newest shard wins).
    await new Promise((r) => setTimeout(r, 1100));
    await writeShard(azurite.storage, 'day1/cccc.jsonl', [record('c-1', 'train', 'shipping', 'corrected answer 1')]);
    // Feedback that arrived after the conversation was curated: c-2 was rated 1 by the customer
    // (dropped beside the conversations, so it is of the same source, "raw-logs").
    await azurite.storage
      .table(TABLES.feedback)
      .upsertEntity({ partitionKey: 'c-2', rowKey: 'rating', conversationId: 'c-2', rating: 1, file: 'raw-logs/feedback.jsonl', line: 1 });
    // As in a deployment whose ratings predate table `rated`: the index is not complete yet.
    await azurite.storage.table(TABLES.rated).deleteEntity(RATED_INDEX_COMPLETE.partitionKey, RATED_INDEX_COMPLETE.rowKey);

    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-02T02:00:00Z'), trigger: 'test' });
    // The assembly listed c-2's rating in the index and completed it: the blob path's lookup finds it by a point read.
    await expect(azurite.storage.table(TABLES.rated).getEntity('c-2', 'c-2')).resolves.toMatchObject({ conversationId: 'c-2' });
    const lookups = new TableFeedbackStore(azurite.storage.table(TABLES.feedback), {
      answered: azurite.storage.table(TABLES.answeredBy),
      rated: azurite.storage.table(TABLES.rated),
    });
    expect(await lookups.latest('c-2')).toMatchObject({ rating: 1 });
    expect(await lookups.latest('c-3')).toBeUndefined();
    if (outcome.outcome !== 'submitted') throw new Error(`expected a submitted dataset, got ${JSON.stringify(outcome)}`);
    const { manifest } = outcome;
    expect(manifest.version).toMatch(/^ds-20261102-020000-[0-9a-f]{8}$/);
    expect(manifest.counts).toEqual({ train: 15, validation: 1, holdout: 1 });
    expect(manifest.feedbackJoined).toBe(1);
    expect(manifest.downWeightedLowCsat).toBe(1);
    expect(manifest.cost.training_tokens).toBe(15 * 20 * manifest.cost.epochs);

    const train = (await readBlob(azurite.storage, CONTAINERS.datasets, manifest.files.train))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(train).toHaveLength(15);
    const replies = train.map((e) => e.messages[1].content);
    expect(replies).toContain('corrected answer 1');
    expect(replies).not.toContain('answer 1');
    const lowRated = train.find((e) => e.messages[0].content.includes('c-2 '.trim()) && e.messages[0].content.endsWith('c-2'));
    expect(lowRated.messages[1]).toMatchObject({ role: 'assistant', weight: 0 });
    const holdoutRecords = (await readBlob(azurite.storage, CONTAINERS.datasets, manifest.files.holdoutRecords))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(holdoutRecords).toEqual([expect.objectContaining({ conversation_id: 'c-h1', issue_type: 'shipping' })]);
    expect(JSON.parse(await readBlob(azurite.storage, CONTAINERS.datasets, `${manifest.version}/manifest.json`))).toMatchObject({
      version: manifest.version,
      contentHash: manifest.contentHash,
    });

    const peeked = await azurite.storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 32 });
    const messages = peeked.peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
    expect(messages).toContainEqual({ kind: 'submit', jobKey: outcome.jobKey, datasetVersion: manifest.version });
  });

  it('does nothing when the curated data has not changed', async () => {
    runtime = makeRuntime({ TUNELOOP_CSAT_THRESHOLD: '3', TUNELOOP_BALANCE_MAX_SHARE: '1' });
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-03T02:00:00Z') });
    expect(outcome).toMatchObject({ outcome: 'skipped', reason: 'unchanged' });
  });

  it("caps an issue type's share of the training split and lists what it left out", async () => {
    runtime = makeRuntime({ TUNELOOP_BALANCE_MAX_SHARE: '0.5' });
    const many = Array.from({ length: 30 }, (_, i) => record(`b-${i}`, 'train', 'returns', `returns answer ${i}`));
    await writeShard(azurite.storage, 'day3/eeee.jsonl', many);
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-03T03:00:00Z'), submit: false });
    if (outcome.outcome !== 'submitted') throw new Error(JSON.stringify(outcome));
    const { before, after } = outcome.manifest.issueTypes;
    expect(before.returns).toBe(30);
    expect(outcome.manifest.balanceDropped).toBeGreaterThan(0);
    const total = Object.values(after).reduce((a, b) => a + b, 0);
    expect(after.returns / total).toBeLessThanOrEqual(0.5);
    expect(outcome.manifest.balanceDropped).toBe(30 - after.returns);
    const dropped = (await readBlob(azurite.storage, CONTAINERS.datasets, `${outcome.manifest.version}/balance-dropped.jsonl`))
      .trim()
      .split('\n');
    expect(dropped).toHaveLength(outcome.manifest.balanceDropped);
    expect(JSON.parse(dropped[0])).toMatchObject({ reason: 'balance-cap', record: { issue_type: 'returns' } });
  });

  it('refuses a dataset over the training budget and says so', async () => {
    runtime = makeRuntime({ TUNELOOP_MAX_TRAINING_COST_USD: '0.000001', TUNELOOP_BALANCE_MAX_SHARE: '1' });
    await writeShard(azurite.storage, 'day4/dddd.jsonl', [record('c-new', 'train', 'billing', 'new answer')]);
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-04T02:00:00Z') });
    expect(outcome).toMatchObject({ outcome: 'skipped', reason: 'over-budget' });
    const sink = fs.readFileSync(
      path.join(localDir, fs.readdirSync(localDir).find((f) => f.endsWith('.jsonl')) ?? 'telemetry.jsonl'),
      'utf8',
    );
    expect(sink).toContain('tuneloop.budget.refused');
  });
});
