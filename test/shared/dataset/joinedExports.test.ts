import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { assembleDataset, type CuratedRecord, type DatasetManifest } from '../../../src/shared/dataset/assembly';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { joinConversationParts, partsOfConversation, type ConversationExport } from '../../../src/shared/dataset/joinedExports';
import { CONTAINERS, QUEUES, TABLES } from '../../../src/shared/storage/names';
import { startPrivateAzurite } from '../../setup/storage';

/**
 * A conversation split across two files — a message export by day, and a chat that ran past
 * midnight — is joined in the nightly assembly; a re-export that overlaps the older one, or one
 * without turn timestamps, supersedes it as before.
 */

function conversationRecord(
  id: string,
  shard: string,
  span: { first: string; last: string } | undefined,
  messages: Record<string, unknown>[],
): CuratedRecord {
  return {
    conversation_id: id,
    kind: 'conversation',
    issue_type: 'billing',
    csat: undefined,
    split: 'train',
    tokens: 50,
    source: { file: `${shard}.csv`, line: 2 },
    ...(span ? { span } : {}),
    example: { messages: [{ role: 'system', content: 'You are a support agent.' }, ...messages] },
  };
}

const day1 = (span = { first: '2026-03-01T23:50:00Z', last: '2026-03-01T23:58:00Z' }): ConversationExport => ({
  shard: 0,
  records: [
    conversationRecord('c-1', 'day1', span, [
      { role: 'user', content: 'My card was charged twice, my email is [EMAIL_1]' },
      { role: 'assistant', content: 'Sorry about that, I am checking the payments now.', weight: 0 },
    ]),
  ],
});
const day2 = (span: { first: string; last: string } | null = { first: '2026-03-02T00:05:00Z', last: '2026-03-02T00:07:00Z' }) => ({
  shard: 1,
  records: [
    conversationRecord('c-1', 'day2', span ?? undefined, [
      { role: 'user', content: 'Please send the receipt to [EMAIL_1] as well' },
      { role: 'assistant', content: 'Done: the second charge is refunded and the receipt is on its way.' },
    ]),
  ],
});

describe('parts of a conversation exported in several files', () => {
  it('joins exports whose turns do not overlap in time, in time order', () => {
    const { parts, superseded } = partsOfConversation([day2(), day1()]);
    expect(parts.map((p) => p.shard)).toEqual([0, 1]);
    expect(superseded).toEqual([]);
    // An older export of the later part (a part written after the newest) joins too, in time order.
    const later = { ...day1({ first: '2026-03-02T08:00:00Z', last: '2026-03-02T08:10:00Z' }), shard: 0 };
    expect(partsOfConversation([later, { ...day2(), shard: 1 }]).parts.map((p) => p.records[0].source.file)).toEqual([
      'day2.csv',
      'day1.csv',
    ]);
  });

  it('lets the newer export supersede one that overlaps it, or either without a span', () => {
    const overlapping = day2({ first: '2026-03-01T23:55:00Z', last: '2026-03-02T00:07:00Z' });
    expect(partsOfConversation([day1(), overlapping])).toEqual({ parts: [overlapping], superseded: [day1()] });
    const noSpan = day2(null);
    expect(partsOfConversation([day1(), noSpan]).parts).toEqual([noSpan]);
    const olderNoSpan = { shard: 0, records: day1().records.map(({ span: _span, ...r }) => r) };
    expect(partsOfConversation([olderNoSpan, day2()]).superseded).toEqual([olderNoSpan]);
  });

  it('lets a part split over several examples, or holding an FAQ record, be superseded rather than joined', () => {
    const split = { shard: 0, records: [...day1().records, ...day1().records] };
    expect(partsOfConversation([split, day2()]).superseded).toEqual([split]);
    const faq = { shard: 0, records: day1().records.map((r) => ({ ...r, kind: 'faq' as const })) };
    expect(partsOfConversation([faq, day2()]).superseded).toEqual([faq]);
  });

  it('builds one conversation: system prompt once, weights kept, later placeholders numbered on', () => {
    const joined = joinConversationParts([day1(), day2()], { model: 'gpt-4o-mini-2024-07-18' });
    expect(joined).toHaveLength(1);
    const [record] = joined!;
    expect(record.example.messages).toEqual([
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: 'My card was charged twice, my email is [EMAIL_1]' },
      { role: 'assistant', content: 'Sorry about that, I am checking the payments now.', weight: 0 },
      { role: 'user', content: 'Please send the receipt to [EMAIL_2] as well' },
      { role: 'assistant', content: 'Done: the second charge is refunded and the receipt is on its way.' },
    ]);
    expect(record.span).toEqual({ first: '2026-03-01T23:50:00Z', last: '2026-03-02T00:07:00Z' });
    expect(record.source).toMatchObject({ file: 'day2.csv', joinedFrom: [{ file: 'day1.csv', line: 2 }] });
    expect(record.tokens).toBeGreaterThan(30);
  });
});

describe('tool calls in a joined conversation', () => {
  it('keep each call with its results', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'get_order', arguments: '{"id":"5531"}' } };
    const withTools = {
      shard: 1,
      records: [
        conversationRecord('c-1', 'day2', { first: '2026-03-02T00:05:00Z', last: '2026-03-02T00:07:00Z' }, [
          { role: 'user', content: 'Where is order 5531?' },
          { role: 'assistant', tool_calls: [call] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
          { role: 'assistant', content: 'Order 5531 has shipped.' },
        ]),
      ],
    };
    const [record] = joinConversationParts([day1(), withTools], { model: 'gpt-4o-mini-2024-07-18' })!;
    expect(record.example.messages.slice(3)).toEqual([
      { role: 'user', content: 'Where is order 5531?' },
      { role: 'assistant', tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
      { role: 'assistant', content: 'Order 5531 has shipped.' },
    ]);
    // A tool result without its call cannot be read back: the parts are not joined.
    const orphan = {
      shard: 1,
      records: [conversationRecord('c-1', 'day2', withTools.records[0].span, [withTools.records[0].example.messages[3]])],
    };
    expect(joinConversationParts([day1(), orphan], { model: 'gpt-4o-mini-2024-07-18' })).toBeUndefined();
  });
});

describe('the nightly assembly joins a chat that ran past midnight in a daily message export (private Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let localDir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-joined-'));
    const s = azurite.storage;
    for (const c of [CONTAINERS.curated, CONTAINERS.datasets, CONTAINERS.raw, CONTAINERS.quarantine])
      await s.container(c).createIfNotExists();
    for (const t of [TABLES.datasets, TABLES.feedback, TABLES.blobReceipts, TABLES.dedupSignatures])
      await s
        .table(t)
        .createTable()
        .catch(() => undefined);
    await s.queue(QUEUES.jobs).createIfNotExists();
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  function makeRuntime(): Runtime {
    const settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: localDir,
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      TUNELOOP_ASSEMBLY_DEDUP: 'false',
      // Every conversation in train, so the test reads one file.
      TUNELOOP_SPLIT_VALIDATION: '0',
      TUNELOOP_SPLIT_HOLDOUT: '0',
    });
    return createRuntime(settings, { storage: azurite.storage });
  }

  const FILLER_TOPICS = 'parcel invoice refund courier warehouse voucher balcony umbrella lantern meadow harbour violin'.split(' ');
  const csvRow = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

  async function drop(runtime: Runtime, name: string, rows: string[][]): Promise<void> {
    const text = ['conversation_id,timestamp,speaker,text,issue_type', ...rows.map(csvRow)].join('\n') + '\n';
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    const outcome = await preprocessBlob(runtime, name);
    if (outcome.status !== 'processed') throw new Error(`${name}: ${outcome.status}`);
    expect(outcome.report.records_quarantined).toBe(0);
    // Shards are ordered by their last-modified time (1 s resolution in Azurite).
    await new Promise((r) => setTimeout(r, 1100));
  }

  it('joins the two days into one example, lets an overlapping or untimed re-export supersede, and accounts every record', async () => {
    const runtime = makeRuntime();
    const filler = FILLER_TOPICS.flatMap((topic, i) => [
      [
        `f-${i}`,
        `2026-03-01T10:${String(i).padStart(2, '0')}:00Z`,
        'customer',
        `Where is my ${topic} order number ${100 + i}?`,
        'shipping',
      ],
      [
        `f-${i}`,
        `2026-03-01T10:${String(i).padStart(2, '0')}:30Z`,
        'agent',
        `Your ${topic} order ${100 + i} left the warehouse today.`,
        'shipping',
      ],
    ]);
    await drop(runtime, 'chats/2026-03-01.csv', [
      ...filler,
      ['c-1', '2026-03-01T23:50:00Z', 'customer', 'My card was charged twice for order 5531, my email is ana@example.com', 'billing'],
      ['c-1', '2026-03-01T23:52:00Z', 'agent', 'I am sorry about that. Let me check the two payments for order 5531.', 'billing'],
      ['c-2', '2026-03-01T09:00:00Z', 'customer', 'Can I change the delivery address of order 7712?', 'shipping'],
      ['c-2', '2026-03-01T09:02:00Z', 'agent', 'Yes, the first version of this answer said to call us.', 'shipping'],
      ['c-3', '', 'customer', 'How do I reset my password for the app?', 'account'],
      ['c-3', '', 'agent', 'Use the first link we sent, the old one.', 'account'],
    ]);
    await drop(runtime, 'chats/2026-03-02.csv', [
      ['c-1', '2026-03-02T00:05:00Z', 'customer', 'Could you also send the receipt to billing@example.org please?', 'billing'],
      ['c-1', '2026-03-02T00:07:00Z', 'agent', 'The second charge for order 5531 is refunded and the receipt is on its way.', 'billing'],
      // A re-export of c-2 that overlaps the first (edited reply): it supersedes.
      ['c-2', '2026-03-01T09:00:00Z', 'customer', 'Can I change the delivery address of order 7712?', 'shipping'],
      ['c-2', '2026-03-01T09:02:00Z', 'agent', 'Yes, you can change it in your account until the parcel ships.', 'shipping'],
      // Without timestamps nothing says the files hold two parts: the newer supersedes.
      ['c-3', '', 'customer', 'How do I reset my password for the app?', 'account'],
      ['c-3', '', 'agent', 'Use the reset link on the sign-in page; it is valid for one hour.', 'account'],
    ]);

    const outcome = await assembleDataset(runtime, { submit: false });
    if (outcome.outcome !== 'submitted') throw new Error(`expected a dataset, got ${outcome.outcome}`);
    const manifest: DatasetManifest = outcome.manifest;
    const train = (await azurite.storage.container(CONTAINERS.datasets).getBlobClient(manifest.files.train).downloadToBuffer()).toString(
      'utf8',
    );
    const lines = train
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    const c1 = lines.filter((l) => l.messages.some((m) => m.content.includes('order 5531')));
    // The conversation example and the intent example, each made of both days.
    expect(c1).toHaveLength(2);
    const conversation = c1.find((l) => l.messages.length > 3)!;
    expect(conversation.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(conversation.messages[1].content).toContain('[EMAIL_1]');
    expect(conversation.messages[3].content).toContain('[EMAIL_2]');
    expect(conversation.messages[4].content).toContain('receipt is on its way');
    const intent = c1.find((l) => l !== conversation)!;
    expect(intent.messages[1].content).toContain('charged twice');
    expect(intent.messages[1].content).toContain('send the receipt');

    expect(train).toContain('until the parcel ships');
    expect(train).not.toContain('said to call us');
    expect(train).toContain('valid for one hour');
    expect(train).not.toContain('the old one');

    const r = manifest.accounting.records;
    const c = manifest.accounting.conversations;
    // c-1: two records (conversation + intent) in each file, joined into two; c-2 and c-3: one older export superseded each.
    expect(r).toMatchObject({ joined: 4, madeByJoining: 2, superseded: 4 });
    expect(r.in + r.madeByJoining).toBe(r.used + r.superseded + r.joined + r.balanceDropped + r.dropped + r.invalid);
    expect(c).toMatchObject({ in: 12 + 6, superseded: 2 });
    expect(c.in).toBe(c.used + c.superseded + c.balanceDropped + c.dropped);
  });
});
