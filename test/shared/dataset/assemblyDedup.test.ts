import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { assembleDataset, type DatasetManifest } from '../../../src/shared/dataset/assembly';
import { nearDuplicateAssemblyStage } from '../../../src/shared/dataset/assemblyDedup';
import type { ScannedConversation } from '../../../src/shared/dataset/assemblyStages';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { identityHash } from '../../../src/shared/dataset/conversationIdentity';
import type { CuratedRecord } from '../../../src/shared/dataset/assemblyRecords';
import { ScratchDir } from '../../../src/shared/dataset/spill';
import { CONTAINERS, QUEUES, TABLES } from '../../../src/shared/storage/names';
import { startPrivateAzurite } from '../../setup/storage';

// Real-looking, distinct texts: random words from a large vocabulary (seeded), so unrelated
// conversations share few 5-character shingles and only the planted copies are duplicates.
const VOCABULARY = (
  'parcel invoice refund courier warehouse voucher balcony umbrella lantern meadow harbour violin pepper saddle glacier orchard tunnel compass blanket ' +
  'ribbon marble anchor falcon cedar kettle mirror pillow quartz rocket timber velvet walnut yogurt zipper bamboo cactus dolphin ember fossil garnet ' +
  'hazel igloo jasmine koala lemon mango nectar olive papaya quiver raven sierra tulip account delivery payment address subscription password ' +
  'printer battery charger screen keyboard router modem signal tracking label return exchange warranty receipt discount coupon balance statement ' +
  'transfer deposit withdrawal branch manager schedule appointment booking flight hotel luggage passport ticket seat window aisle meal upgrade'
).split(' ');

function words(seed: number, n: number): string[] {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return VOCABULARY[state % VOCABULARY.length];
  });
}

/** A 60-word conversation; `edit` replaces one word (estimated Jaccard stays above 0.8). */
function turns(seed: number, edit?: number): [string, string] {
  const w = words(seed, 60);
  if (edit !== undefined) w[30] = `changed${edit}`;
  return [w.slice(0, 25).join(' ') + '?', w.slice(25).join(' ') + '.'];
}

function curated(id: string, file: string, line: number, [question, answer]: [string, string]): CuratedRecord {
  return {
    conversation_id: id,
    kind: 'conversation',
    issue_type: 'billing',
    csat: undefined,
    split: 'train',
    tokens: 40,
    source: { file, line },
    example: {
      messages: [
        { role: 'system', content: 'You are a helpful agent.' },
        { role: 'user', content: question },
        { role: 'assistant', content: answer },
      ],
    },
  };
}

function scanned(record: CuratedRecord, shard: number): ScannedConversation {
  const identity = { source: record.source.file.split('/')[0], conversationId: record.conversation_id };
  return {
    identity,
    hash: identityHash(identity),
    records: [record],
    firstSeen: `${String(shard).padStart(7, '0')}:${String(record.source.line).padStart(10, '0')}`,
  };
}

async function* inHashOrder(conversations: ScannedConversation[]): AsyncIterable<ScannedConversation> {
  yield* [...conversations].sort((a, b) => (a.hash < b.hash ? -1 : 1));
}

/** Scans, then asks for every verdict in hash order, as the assembly does. */
async function verdicts(
  conversations: ScannedConversation[],
  options: { conversationsPerPartition?: number; threshold?: number } = {},
): Promise<Map<string, string>> {
  const scratch = await ScratchDir.create(undefined, 'tuneloop-dedup-test-');
  try {
    const stage = nearDuplicateAssemblyStage({
      threshold: options.threshold ?? 0.8,
      conversationsPerPartition: options.conversationsPerPartition,
    });
    await stage.scan!(inHashOrder(conversations), { scratch, expectedConversations: conversations.length });
    const out = new Map<string, string>();
    for await (const c of inHashOrder(conversations)) {
      const decision = await stage.decide(c);
      if (decision) out.set(c.identity.conversationId, `${decision.reason}: ${String(decision.detail)}`);
    }
    return out;
  } finally {
    await scratch.dispose();
  }
}

describe('the assembly duplicate search (scratch files)', () => {
  // Day 1: 40 originals; day 2 (another source): 40 unrelated, 5 near copies, 3 exact copies of day-1 conversations.
  const day1 = Array.from({ length: 40 }, (_, i) => scanned(curated(`a-${i}`, 'crm/day1.jsonl', i + 1, turns(1000 + i)), 0));
  const day2 = [
    ...Array.from({ length: 40 }, (_, i) => scanned(curated(`b-${i}`, 'shop/day2.jsonl', i + 1, turns(5000 + i)), 1)),
    ...Array.from({ length: 5 }, (_, i) => scanned(curated(`near-${i}`, 'shop/day2.jsonl', 100 + i, turns(1000 + i * 3, i)), 1)),
    ...Array.from({ length: 3 }, (_, i) => scanned(curated(`copy-${i}`, 'shop/day2.jsonl', 200 + i, turns(1020 + i)), 1)),
  ];

  it('leaves out later near and exact copies across files, keeps the first seen and names it', async () => {
    const found = await verdicts([...day1, ...day2]);
    expect([...found.keys()].sort()).toEqual(['copy-0', 'copy-1', 'copy-2', 'near-0', 'near-1', 'near-2', 'near-3', 'near-4']);
    expect(found.get('near-1')).toMatch(
      /^duplicate-near: near duplicate \(estimated Jaccard 0\.\d\d\) of conversation crm\/a-3 \(crm\/day1\.jsonl line 4\)/,
    );
    expect(found.get('copy-2')).toMatch(/^duplicate-exact: exact duplicate of conversation crm\/a-22 /);
  });

  it('names the first seen as its file names records: a CSV row, a sheet row (what preprocessing writes in source.unit)', async () => {
    const fromCsv = scanned(
      { ...curated('c-1', 'crm/chats.csv', 5, turns(7000)), source: { file: 'crm/chats.csv', line: 5, unit: 'csv-row' } },
      0,
    );
    const fromSheet = scanned(
      { ...curated('s-1', 'crm/chats.xlsx', 26, turns(7100)), source: { file: 'crm/chats.xlsx', line: 26, unit: { sheet: "'Chats'" } } },
      0,
    );
    const copies = [
      scanned(curated('x-1', 'shop/day2.jsonl', 1, turns(7000)), 1),
      scanned(curated('x-2', 'shop/day2.jsonl', 2, turns(7100)), 1),
    ];
    const found = await verdicts([fromCsv, fromSheet, ...copies]);
    expect(found.get('x-1')).toBe(
      'duplicate-exact: exact duplicate of conversation crm/c-1 (crm/chats.csv, the row at line 5), seen earlier',
    );
    expect(found.get('x-2')).toBe(
      "duplicate-exact: exact duplicate of conversation crm/s-1 (crm/chats.xlsx, row 26 of sheet 'Chats'), seen earlier",
    );
    // One of two records on a line (files joined without a line break): named as the rejections name it.
    const fromJoined = scanned(
      { ...curated('j-1', 'crm/joined.jsonl', 2, turns(7200)), source: { file: 'crm/joined.jsonl', line: 2, part: { index: 2, of: 2 } } },
      0,
    );
    const joinedCopy = await verdicts([fromJoined, scanned(curated('x-3', 'shop/day2.jsonl', 3, turns(7200)), 1)]);
    expect(joinedCopy.get('x-3')).toBe(
      'duplicate-exact: exact duplicate of conversation crm/j-1 (crm/joined.jsonl line 2, record 2 of 2), seen earlier',
    );
  });

  it('keeps the earliest whichever way the identity hashes sort, and is the same for any partitioning', async () => {
    // The same copies, but seen first: now the day-1 originals are the duplicates.
    const swapped = [...day1.map((c) => ({ ...c, firstSeen: `0000009:${c.firstSeen.slice(8)}` })), ...day2];
    const one = await verdicts(swapped, { conversationsPerPartition: 1_000_000 });
    const many = await verdicts(swapped, { conversationsPerPartition: 3 });
    expect([...one.keys()].sort()).toEqual(['a-0', 'a-12', 'a-20', 'a-21', 'a-22', 'a-3', 'a-6', 'a-9']);
    expect([...many.entries()].sort()).toEqual([...one.entries()].sort());
  });

  it('handles a bucket of hundreds of copies of one text: only the first stays', async () => {
    const copies = Array.from({ length: 300 }, (_, i) =>
      scanned(curated(`t-${i}`, `src/f${i % 7}.jsonl`, i + 1, turns(77, i % 2 ? i : undefined)), i % 5),
    );
    const found = await verdicts(copies, { conversationsPerPartition: 50 });
    const kept = copies.filter((c) => !found.has(c.identity.conversationId));
    expect(kept.map((c) => c.identity.conversationId)).toEqual(['t-0']);
  });
});

describe('the assembly duplicate search: tool calls', () => {
  // The same 60-word exchange around a tool call; the copies differ only in the order number passed.
  const withTool = (id: string, line: number, orderId: string): ScannedConversation => {
    const record = curated(id, 'crm/tools.jsonl', line, turns(4242));
    const [system, user, assistant] = record.example.messages;
    const call = {
      id: 'call_1',
      type: 'function',
      function: { name: 'get_order_status', arguments: JSON.stringify({ order_id: orderId }) },
    };
    record.example.messages = [
      system,
      user,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"in transit"}' },
      assistant,
    ];
    return scanned(record, 0);
  };

  it('compares the arguments of tool calls: a copy with another order number is no exact duplicate', async () => {
    const found = await verdicts([withTool('t-1', 1, 'A-1001'), withTool('t-2', 2, 'B-2002'), withTool('t-3', 3, 'A-1001')]);
    expect(found.get('t-3')).toMatch(/^duplicate-exact: exact duplicate of conversation crm\/t-1 /);
    // One order number in 60 words: still a near copy, but no longer the same text.
    expect(found.get('t-2')).toMatch(/^duplicate-near: near duplicate \(estimated Jaccard 0\.\d\d\) of conversation crm\/t-1 /);
  });
});

describe('duplicates across files and days are removed before training (blob path + assembly, private Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let localDir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-assembly-dedup-'));
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  function makeRuntime(extra: Record<string, string> = {}): Runtime {
    return createRuntime(
      loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: localDir, TUNELOOP_BALANCE_MAX_SHARE: '1', ...extra }),
      {
        storage: azurite.storage,
      },
    );
  }

  const line = (id: string, [question, answer]: [string, string]) =>
    JSON.stringify({
      conversation_id: id,
      issue_type: 'billing',
      messages: [
        { role: 'customer', text: `Hello, ${question}` },
        { role: 'agent', text: `Thanks. ${answer}` },
      ],
    });

  it('the blob path keeps cross-file copies and writes no signature rows; the assembly leaves them out, counts them and names the first seen', async () => {
    const runtime = makeRuntime();
    const monday = Array.from({ length: 30 }, (_, i) => line(`m-${i}`, turns(300 + i)));
    const tuesday = [
      ...Array.from({ length: 20 }, (_, i) => line(`t-${i}`, turns(900 + i))),
      ...Array.from({ length: 4 }, (_, i) => line(`tn-${i}`, turns(300 + i, i))), // near copies of m-0…m-3
      line('tx-0', turns(310)), // exact copy of m-10
      line('tw-0', turns(900, 1)), // near copy of t-0 within Tuesday's file
    ];
    let recordsIn = 0;
    let quarantined = 0;
    const reasons: Record<string, number> = {};
    for (const [name, lines] of [
      ['crm/monday.jsonl', monday],
      ['shop/tuesday.jsonl', tuesday],
    ] as const) {
      const text = lines.join('\n') + '\n';
      await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
      const outcome = await preprocessBlob(runtime, name);
      if (outcome.status !== 'processed') throw new Error(`${name}: ${outcome.status}`);
      recordsIn += outcome.report.records_in;
      quarantined += outcome.report.records_quarantined;
      for (const [reason, n] of Object.entries(outcome.report.quarantine_reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
      await new Promise((r) => setTimeout(r, 1100)); // shards are ordered by write time (1 s resolution)
    }
    // The blob path: the near copy within the file only; the copies of Monday's conversations are kept.
    expect(reasons).toEqual({ 'duplicate-near': 1 });
    // No row per conversation in the signature table (the blob path remembers within the blob only).
    const rows: string[] = [];
    for await (const e of azurite.storage.table(TABLES.dedupSignatures).listEntities()) rows.push(String(e.partitionKey));
    expect(rows).toEqual([]);

    const assemble = async (now: string): Promise<DatasetManifest> => {
      const outcome = await assembleDataset(runtime, { now: new Date(now), submit: false });
      if (!outcome.manifest) throw new Error(`assembly: ${outcome.outcome}`);
      return outcome.manifest;
    };
    const m = await assemble('2026-11-01T02:00:00Z');
    // Counted under their reason (in records: a conversation is its example and its intent record).
    expect(Object.keys(m.accounting.droppedByReason).sort()).toEqual(['duplicate-exact', 'duplicate-near']);
    expect(m.accounting.droppedByReason['duplicate-near'] + m.accounting.droppedByReason['duplicate-exact']).toBe(
      m.accounting.records.dropped,
    );
    const c = m.accounting.conversations;
    expect(c).toMatchObject({ dropped: 5, superseded: 0 });
    expect(recordsIn).toBe(c.used + quarantined + c.superseded + c.balanceDropped + c.dropped);
    const r = m.accounting.records;
    expect(r.in + r.madeByJoining).toBe(r.used + r.superseded + r.joined + r.balanceDropped + r.dropped + r.invalid);
    const dropped = (await azurite.storage.container(CONTAINERS.datasets).getBlobClient(`${m.version}/dropped.jsonl`).downloadToBuffer())
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect([...new Set(dropped.map((d) => d.record.conversation_id))].sort()).toEqual(['tn-0', 'tn-1', 'tn-2', 'tn-3', 'tx-0']);
    const detail = (id: string) => dropped.find((d) => d.record.conversation_id === id)?.detail;
    expect(detail('tn-1')).toMatch(/^near duplicate .* of conversation crm\/m-1 \(crm\/monday\.jsonl line 2\), seen earlier/);
    expect(detail('tx-0')).toMatch(/^exact duplicate of conversation crm\/m-10 \(crm\/monday\.jsonl line 11\)/);

    // Deterministic: the same shards give the same dataset.
    const again = await assemble('2026-11-01T03:00:00Z');
    expect(again.contentHash).toBe(m.contentHash);
    expect(again.accounting).toEqual(m.accounting);

    // Off: every conversation the blob path kept is used.
    const off = await assembleDataset(makeRuntime({ TUNELOOP_ASSEMBLY_DEDUP: 'false' }), {
      now: new Date('2026-11-01T04:00:00Z'),
      submit: false,
    });
    expect(off.manifest?.accounting.conversations).toMatchObject({ dropped: 0, used: c.used + 5 });
    await azurite.storage.queue(QUEUES.jobs).clearMessages();
  });
});
