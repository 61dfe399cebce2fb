import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { assembleDataset, type CuratedRecord, type DatasetManifest } from '../../../src/shared/dataset/assembly';
import { exclusionStage } from '../../../src/shared/dataset/assemblyStages';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { LOCK_PARTITION } from '../../../src/shared/dataset/singleFlight';
import { tableKey } from '../../../src/shared/dataset/keys';
import { runCli } from '../../../src/cli/main';
import { CONTAINERS, QUEUES, TABLES } from '../../../src/shared/storage/names';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { startPrivateAzurite } from '../../setup/storage';

const TYPES = ['billing', 'shipping', 'returns'];

function record(
  id: string,
  options: { file?: string; split?: CuratedRecord['split']; reply?: string; type?: string; system?: string } = {},
): CuratedRecord {
  const type = options.type ?? TYPES[Number(id.replace(/\D/g, '') || 0) % TYPES.length];
  return {
    conversation_id: id,
    kind: 'conversation',
    issue_type: type,
    csat: undefined,
    split: options.split ?? 'train',
    tokens: 20,
    source: {
      file: options.file ?? 'day1.jsonl',
      line: Number(id.replace(/\D/g, '') || 0) + 1,
      ...(options.system ? { system: options.system } : {}),
    },
    example: {
      messages: [
        { role: 'user', content: `question about ${type} ${id}` },
        { role: 'assistant', content: options.reply ?? `answer for ${id}` },
      ],
    },
  };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

async function writeShard(storage: StorageClients, name: string, records: CuratedRecord[]): Promise<void> {
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await storage.container(CONTAINERS.curated).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  // Shards are ordered by their last-modified time (1 s resolution in Azurite).
  await new Promise((r) => setTimeout(r, 1100));
}

async function readBlob(storage: StorageClients, container: string, name: string): Promise<string> {
  return (await storage.container(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
}

function expectBalanced(m: DatasetManifest): void {
  const r = m.accounting.records;
  expect(r.in + r.madeByJoining).toBe(r.used + r.superseded + r.joined + r.balanceDropped + r.dropped + r.invalid);
  const c = m.accounting.conversations;
  expect(c.in).toBe(c.used + c.superseded + c.balanceDropped + c.dropped);
}

describe('dataset assembly: identity, change detection, single flight, lineage (private Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let localDir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-lineage-'));
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    const s = azurite.storage;
    for (const c of [CONTAINERS.curated, CONTAINERS.datasets, CONTAINERS.raw, CONTAINERS.quarantine]) {
      const container = s.container(c);
      await container.createIfNotExists();
      for await (const b of container.listBlobsFlat()) await container.deleteBlob(b.name);
    }
    for (const t of [TABLES.datasets, TABLES.feedback, TABLES.blobReceipts, TABLES.dedupSignatures]) {
      const table = s.table(t);
      await table.createTable().catch(() => undefined);
      for await (const e of table.listEntities()) await table.deleteEntity(e.partitionKey!, e.rowKey!);
    }
    await s.queue(QUEUES.jobs).createIfNotExists();
    await s.queue(QUEUES.jobs).clearMessages();
  });

  function makeRuntime(extra: Record<string, string> = {}): Runtime {
    const settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: localDir,
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      // The fixture texts differ only in their ids (near duplicates for 5-character shingles), and
      // two sources numbering from 0 hold identical texts: these tests are about identity and
      // lineage; the assembly's duplicate search has its own tests (assemblyDedup.test.ts).
      TUNELOOP_ASSEMBLY_DEDUP: 'false',
      ...extra,
    });
    return createRuntime(settings, { storage: azurite.storage });
  }

  async function submitMessages(): Promise<{ kind: string; datasetVersion: string; baseModel?: string }[]> {
    const peeked = await azurite.storage.queue(QUEUES.jobs).peekMessages({ numberOfMessages: 32 });
    return peeked.peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
  }

  async function submitted(runtime: Runtime, options: Parameters<typeof assembleDataset>[1] = {}): Promise<DatasetManifest> {
    const outcome = await assembleDataset(runtime, options);
    if (outcome.outcome !== 'submitted') throw new Error(`expected a submitted dataset, got ${outcome.reason}: ${outcome.detail}`);
    return outcome.manifest;
  }

  it('keeps two sources that both number from 0 apart, and counts a newer export of the same source as superseded', async () => {
    const runtime = makeRuntime();
    // Two systems, two folders: g-0…g-19 of crm and g-0…g-79 of chat are 100 different conversations.
    await writeShard(
      azurite.storage,
      'crm/a.jsonl',
      ids('g', 20).map((id) => record(id, { file: 'crm/export.jsonl' })),
    );
    await writeShard(
      azurite.storage,
      'chat/b.jsonl',
      ids('g', 80).map((id) => record(id, { file: 'chat/export.jsonl' })),
    );
    const apart = await submitted(runtime, { submit: false });
    expect(apart.accounting.conversations).toMatchObject({ in: 100, used: 100, superseded: 0 });
    expect(apart.counts.train).toBe(100);
    expectBalanced(apart);

    // The same source exporting g-0…g-29 again, later: those 30 replace the older exports.
    await writeShard(
      azurite.storage,
      'chat/c.jsonl',
      ids('g', 30).map((id) => record(id, { file: 'chat/export2.jsonl', reply: `newer answer for ${id}` })),
    );
    const again = await submitted(runtime, { submit: false });
    expect(again.accounting.conversations).toMatchObject({ in: 130, used: 100, superseded: 30 });
    expect(again.accounting.records.superseded).toBe(30);
    expectBalanced(again);
    const train = await readBlob(azurite.storage, CONTAINERS.datasets, again.files.train);
    expect(train).toContain('newer answer for g-7');
    expect(train.match(/answer for g-7"/g)).toHaveLength(2); // crm's g-7 and chat's newer g-7
    // A `source` field names the source explicitly, whatever folder the file came in.
    await writeShard(azurite.storage, 'd.jsonl', [record('g-1', { file: 'd.jsonl', system: 'crm', reply: 'crm re-export of g-1' })]);
    const named = await submitted(runtime, { submit: false, now: new Date(Date.now() + 60_000) });
    expect(named.accounting.conversations).toMatchObject({ superseded: 31, used: 100 });
  });

  it('records in = used + quarantined + superseded from blob to dataset (two files numbering from 0 at the root)', async () => {
    // With the assembly's duplicate search on: whatever it leaves out is counted in `dropped`.
    const runtime = makeRuntime({ TUNELOOP_ASSEMBLY_DEDUP: 'true' });
    // Distinct wording per conversation and per file, so the duplicate filter keeps them all.
    const vocabulary =
      'parcel invoice refund courier warehouse voucher balcony umbrella lantern meadow harbour violin pepper saddle glacier orchard tunnel compass blanket ribbon marble anchor falcon cedar kettle mirror pillow quartz rocket timber velvet walnut yogurt zipper bamboo cactus dolphin ember fossil garnet hazel igloo jasmine koala lemon mango nectar olive papaya quiver raven sierra tulip'.split(
        ' ',
      );
    let seed = 12345;
    const word = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return vocabulary[seed % vocabulary.length];
    };
    const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
    const conversation = (id: string, i: number, _day: string) =>
      JSON.stringify({
        conversation_id: id,
        issue_type: TYPES[i % 3],
        messages: [
          { role: 'customer', text: `Hello, ${sentence(14)}?` },
          { role: 'agent', text: `Thanks for asking. ${sentence(16)}.` },
        ],
      });
    const first = ids('g', 20).map((id, i) => conversation(id, i, 'Monday'));
    first.push('{"conversation_id": "broken", "messages": ['); // quarantined: invalid JSON
    const second = ids('g', 80).map((id, i) => conversation(id, i, 'Tuesday'));
    const raw = azurite.storage.container(CONTAINERS.raw);
    let recordsIn = 0;
    let quarantined = 0;
    for (const [name, lines] of [
      ['first.jsonl', first],
      ['second.jsonl', second],
    ] as const) {
      const text = lines.join('\n') + '\n';
      await raw.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
      const outcome = await preprocessBlob(runtime, name);
      if (outcome.status !== 'processed') throw new Error(`${name}: ${outcome.status}`);
      recordsIn += outcome.report.records_in;
      quarantined += outcome.report.records_quarantined;
      await new Promise((r) => setTimeout(r, 1100));
    }
    expect(recordsIn).toBe(101);
    const m = await submitted(runtime, { submit: false });
    const c = m.accounting.conversations;
    // Both files were dropped at the root: one source, so the second export of g-0…g-19 supersedes the first.
    expect(c.superseded).toBe(20);
    expect(recordsIn).toBe(c.used + quarantined + c.superseded + c.balanceDropped + c.dropped);
    expect(quarantined).toBeGreaterThanOrEqual(1);
    expectBalanced(m);
  });

  it('names the raw-logs blob and line of every train and validation example in sources.jsonl; status --example prints it', async () => {
    const runtime = makeRuntime();
    const words =
      'parcel invoice refund courier warehouse voucher balcony umbrella lantern meadow harbour violin pepper saddle glacier'.split(' ');
    const conversation = (id: string, i: number, file: string) =>
      JSON.stringify({
        conversation_id: id,
        issue_type: TYPES[i % 3],
        messages: [
          {
            role: 'customer',
            text: `Hello from ${file}, ${id} asks about the ${words[i % words.length]} and ${words[(i * 7) % words.length]}?`,
          },
          { role: 'agent', text: `Thanks ${id}, the ${words[(i * 3) % words.length]} is on its way (${file}).` },
        ],
      });
    const raw = azurite.storage.container(CONTAINERS.raw);
    const rawLines = new Map<string, string[]>();
    for (const [name, n] of [
      ['crm/first.jsonl', 40],
      ['chat/second.jsonl', 60],
    ] as const) {
      const lines = ids(name.startsWith('crm') ? 'k' : 'h', n).map((id, i) => conversation(id, i, name));
      lines.splice(3, 0, '', '{"not": "a conversation"'); // a blank and a broken line: line numbers must still match
      rawLines.set(name, lines);
      const text = lines.join('\n') + '\n';
      await raw.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
      const outcome = await preprocessBlob(runtime, name);
      if (outcome.status !== 'processed') throw new Error(`${name}: ${outcome.status}`);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const m = await submitted(runtime, { submit: false });
    expect(m.files.sources).toBe(`${m.version}/sources.jsonl`);
    const sources = (await readBlob(azurite.storage, CONTAINERS.datasets, m.files.sources))
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { split: string; example_sha256: string; conversation_id: string; source: { file: string; line: number } },
      );
    const sha = (line: string) => createHash('sha256').update(line).digest('hex');
    let checked = 0;
    for (const split of ['train', 'validation'] as const) {
      const lines = (await readBlob(azurite.storage, CONTAINERS.datasets, m.files[split])).trim().split('\n');
      expect(lines.length).toBe(m.counts[split]);
      expect(lines.length).toBeGreaterThan(0);
      const hashes = new Set(lines.map(sha));
      for (const line of lines) {
        const matching = sources.filter((s) => s.example_sha256 === sha(line));
        expect(matching).toHaveLength(1);
        expect(matching[0].split).toBe(split);
        // The named raw blob really holds that conversation on that (1-based) line.
        const rawLine = rawLines.get(matching[0].source.file)?.[matching[0].source.line - 1];
        expect(rawLine).toBeDefined();
        expect(JSON.parse(rawLine!).conversation_id).toBe(matching[0].conversation_id);
        // And the example was made from it (its id is in the text).
        expect(line).toContain(matching[0].conversation_id);
        checked++;
      }
      // No line of sources.jsonl names an example the split does not have.
      expect(sources.filter((s) => s.split === split).every((s) => hashes.has(s.example_sha256))).toBe(true);
    }
    expect(sources).toHaveLength(checked);

    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: process.cwd(), env: { ...process.env } };
    const cli = (...args: string[]) => runCli(['status', ...args, '--connection-string', azurite.connectionString], io as never);
    for (const [ref, split, n] of [
      ['3', 'train', 3],
      ['validation:1', 'validation', 1],
    ] as const) {
      out.length = 0;
      expect(await cli('--dataset', m.version, '--example', ref)).toBe(0);
      const line = (await readBlob(azurite.storage, CONTAINERS.datasets, m.files[split])).split('\n')[n - 1];
      const s = sources.find((x) => x.example_sha256 === sha(line))!;
      const text = out.join('');
      expect(text).toContain(`Example ${split}:${n} of ${m.version}`);
      expect(text).toContain(`conversation ${s.conversation_id}`);
      expect(text).toContain(`raw-logs: raw-logs/${s.source.file} line ${s.source.line}`);
      const shard = m.shards.find((x) => x.name.startsWith(`${s.source.file}/`));
      expect(shard).toBeDefined();
      expect(text).toContain(`curated shard: curated/${shard!.name}`);
    }
    out.length = 0;
    expect(await cli('--dataset', m.version, '--example', '2', '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ split: 'train', line: 2, sourcesFile: true, sources: [expect.any(Object)] });
    expect(await cli('--dataset', m.version, '--example', String(m.counts.train + 1))).toBe(1);
    expect(err.join('')).toContain(`there is no line ${m.counts.train + 1}`);
    expect(await cli('--dataset', m.version, '--example', 'holdout:1')).toBe(1);
    expect(await cli('--example', '1')).toBe(2);
  });

  it('retrains on late low ratings: changed weights count as change, on the threshold set in settings', async () => {
    const runtime = makeRuntime({ TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES: '20' });
    await writeShard(
      azurite.storage,
      'day1/a.jsonl',
      ids('c', 100).map((id) => record(id)),
    );
    const first = await submitted(runtime, { now: new Date('2026-11-01T02:00:00Z') });
    expect(first.change.method).toBe('first');
    // Every conversation of the first version is added (QA: `status --dataset` said 0 added).
    expect(first.change.added.conversations).toBe(100);

    // 10 late ratings: below the threshold of 20 changed examples.
    const feedback = azurite.storage.table(TABLES.feedback);
    const rate = async (id: string) =>
      feedback.upsertEntity({
        partitionKey: tableKey(id),
        rowKey: 'fb',
        conversationId: id,
        rating: 1,
        file: 'fb.jsonl',
        line: 1,
        receivedAt: new Date().toISOString(),
      });
    for (const id of ids('c', 10)) await rate(id);
    const few = await assembleDataset(runtime, { now: new Date('2026-11-02T02:00:00Z') });
    expect(few).toMatchObject({ outcome: 'skipped', reason: 'too-little-new-data' });
    if (few.outcome !== 'skipped') throw new Error('unreachable');
    expect(few.detail).toContain('10 changed training examples');
    expect(few.manifest?.change).toMatchObject({
      method: 'index',
      changed: { conversations: 10, examples: 10 },
      added: { conversations: 0 },
      removed: { conversations: 0 },
    });

    // 30 late ratings (the same count of examples as before: only weights change) → a new version.
    for (const id of ids('c', 30)) await rate(id);
    const rated = await submitted(runtime, { now: new Date('2026-11-03T02:00:00Z') });
    expect(rated.counts.train).toBe(first.counts.train);
    expect(rated.change).toMatchObject({
      comparedWith: first.version,
      changed: { conversations: 30 },
      changedExamples: 30,
      changedTokens: 600,
    });
    expect(rated.feedbackJoined).toBe(30);
    expect(rated.downWeightedLowCsat).toBe(30);

    // A removed conversation counts too, in tokens: the token threshold is the other setting.
    await azurite.storage.container(CONTAINERS.curated).deleteBlob('day1/a.jsonl');
    await writeShard(
      azurite.storage,
      'day1/b.jsonl',
      ids('c', 99).map((id) => record(id)),
    );
    const tokenRuntime = makeRuntime({ TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES: '1', TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS: '100' });
    const removed = await assembleDataset(tokenRuntime, { now: new Date('2026-11-04T02:00:00Z') });
    expect(removed).toMatchObject({
      outcome: 'skipped',
      reason: 'too-little-new-data',
      manifest: { change: { removed: { conversations: 1, tokens: 20 }, changedTokens: 20 } },
    });
  });

  it('runs one assembly at a time per base model: nightly and drift firing together submit once', async () => {
    const runtime = makeRuntime();
    await writeShard(
      azurite.storage,
      'day1/a.jsonl',
      ids('c', 200).map((id) => record(id)),
    );
    const [nightly, drift] = await Promise.all([
      assembleDataset(runtime, { trigger: 'nightly' }),
      assembleDataset(runtime, { trigger: 'drift' }),
    ]);
    const outcomes = [nightly, drift].map((o) => (o.outcome === 'submitted' ? 'submitted' : o.reason)).sort();
    // The loser either found the lock held, or (if the winner was already done) found nothing new.
    expect(outcomes[1]).toBe('submitted');
    expect(['busy', 'unchanged']).toContain(outcomes[0]);
    const busy = [nightly, drift].find((o) => o.outcome === 'skipped');
    if (busy?.outcome === 'skipped' && busy.reason === 'busy') expect(busy.detail).toMatch(/dataset assembly \((nightly|drift)\)/);
    expect((await submitMessages()).filter((m) => m.kind === 'submit')).toHaveLength(1);
    const locks = [];
    for await (const e of azurite.storage
      .table(TABLES.datasets)
      .listEntities({ queryOptions: { filter: `PartitionKey eq '${LOCK_PARTITION}'` } }))
      locks.push(e);
    expect(locks).toHaveLength(0); // released
  });

  it('a lock left by a crashed host blocks until it expires, then is taken over', async () => {
    const runtime = makeRuntime();
    await writeShard(
      azurite.storage,
      'day1/a.jsonl',
      ids('c', 20).map((id) => record(id)),
    );
    const table = azurite.storage.table(TABLES.datasets);
    const rowKey = tableKey(`assembly:${runtime.config.assembly.baseModel}`);
    const crashed = (expiresAt: Date) => ({
      partitionKey: LOCK_PARTITION,
      rowKey,
      owner: 'crashed-host',
      purpose: 'dataset assembly (nightly)',
      acquiredAt: new Date(expiresAt.getTime() - 1_800_000).toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    await table.upsertEntity(crashed(new Date(Date.now() + 600_000)), 'Replace');
    expect(await assembleDataset(runtime, { trigger: 'drift' })).toMatchObject({ outcome: 'skipped', reason: 'busy' });
    await table.upsertEntity(crashed(new Date(Date.now() - 1000)), 'Replace');
    expect(await assembleDataset(runtime, { trigger: 'drift' })).toMatchObject({ outcome: 'submitted' });
  });

  it('lists every shard (name, ETag, sha256) and the feedback snapshot; tuneloop status --dataset shows them', async () => {
    const runtime = makeRuntime();
    await writeShard(
      azurite.storage,
      'day1/a.jsonl',
      ids('c', 20).map((id) => record(id)),
    );
    await writeShard(
      azurite.storage,
      'day2/b.jsonl',
      ids('d', 20).map((id) => record(id, { file: 'day2.jsonl' })),
    );
    await azurite.storage.table(TABLES.feedback).upsertEntity({
      partitionKey: 'c-3',
      rowKey: 'fb',
      conversationId: 'c-3',
      rating: 5,
      file: 'fb.jsonl',
      line: 4,
      receivedAt: '2026-11-01T00:00:00.000Z',
    });
    await azurite.storage.table(TABLES.feedback).upsertEntity({
      partitionKey: 'zz',
      rowKey: 'fb',
      conversationId: 'zz',
      rating: 2,
      file: 'fb.jsonl',
      line: 5,
      receivedAt: '2026-11-01T00:00:00.000Z',
    });
    const m = await submitted(runtime);
    expect(m.shards.map((s) => s.name)).toEqual(['day1/a.jsonl', 'day2/b.jsonl']);
    for (const s of m.shards) {
      const blob = azurite.storage.container(CONTAINERS.curated).getBlobClient(s.name);
      expect(s.etag).toBe((await blob.getProperties()).etag?.replace(/"/g, ''));
      expect(s.sha256).toBe(
        createHash('sha256')
          .update(await blob.downloadToBuffer())
          .digest('hex'),
      );
      expect(s.records).toBe(20);
    }
    expect(m.feedback).toMatchObject({ rows: 2, conversations: 2, ratingsJoined: 1, blob: `${m.version}/feedback.jsonl` });
    const snapshot = await readBlob(azurite.storage, CONTAINERS.datasets, m.feedback.blob);
    expect(createHash('sha256').update(snapshot).digest('hex')).toBe(m.feedback.sha256);
    expect(
      snapshot
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).conversation_id)
        .sort(),
    ).toEqual(['c-3', 'zz']);

    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: process.cwd(), env: { ...process.env } };
    expect(await runCli(['status', '--dataset', m.version, '--connection-string', azurite.connectionString], io as never)).toBe(0);
    const text = out.join('');
    expect(text).toContain(`curated/day1/a.jsonl  etag ${m.shards[0].etag}`);
    expect(text).toContain('feedback snapshot');
    expect(await runCli(['status', '--dataset', 'ds-nope', '--connection-string', azurite.connectionString], io as never)).toBe(1);
    expect(err.join('')).toContain('ds-nope');
  });

  it('leaves out conversations an assembly stage excludes (the erasure hook), counted and listed', async () => {
    const runtime = makeRuntime();
    await writeShard(
      azurite.storage,
      'crm/a.jsonl',
      ids('c', 20).map((id) => record(id, { file: 'crm/x.jsonl' })),
    );
    const m = await submitted(runtime, { submit: false, stages: [exclusionStage(() => ['crm/c-1', 'crm/c-2', 'other/c-3'], 'erased')] });
    expect(m.accounting.droppedByReason).toEqual({ erased: 2 });
    expect(m.accounting.conversations).toMatchObject({ in: 20, used: 18, dropped: 2 });
    expectBalanced(m);
    const dropped = (await readBlob(azurite.storage, CONTAINERS.datasets, `${m.version}/dropped.jsonl`)).trim().split('\n');
    expect(dropped.map((l) => JSON.parse(l).record.conversation_id).sort()).toEqual(['c-1', 'c-2']);
  });

  it('refuses a model with no known price, and takes a price set for any model', async () => {
    await writeShard(
      azurite.storage,
      'day1/a.jsonl',
      ids('c', 20).map((id) => record(id)),
    );
    const unpriced = await assembleDataset(makeRuntime({ TUNELOOP_BASE_MODEL: 'o4-mini-2025-04-16' }));
    expect(unpriced).toMatchObject({ outcome: 'skipped', reason: 'no-price' });
    const priced = await assembleDataset(
      makeRuntime({ TUNELOOP_BASE_MODEL: 'o4-mini-2025-04-16', TUNELOOP_TRAINING_PRICES: '{"o4-mini": 100}' }),
    );
    expect(priced).toMatchObject({ outcome: 'submitted', manifest: { cost: { price_per_million_usd: 100 } } });
  });
});
