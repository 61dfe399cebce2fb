import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { assembleDataset, type CuratedRecord, type DatasetManifest } from '../../../src/shared/dataset/assembly';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { joinConversationParts, partsOfConversation, type ConversationExport } from '../../../src/shared/dataset/joinedExports';
import { unansweredTurns } from '../../../src/shared/dataset/examples';
import { withoutText } from '../../../src/shared/dataset/conversationWork';
import { CONTAINERS, QUEUES, TABLES } from '../../../src/shared/storage/names';
import { startPrivateAzurite } from '../../setup/storage';
import { Readable } from 'node:stream';
import { inlineExecutor } from '../../../src/shared/dataset/conversationPool';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { emptyStats, preprocessStream } from '../../../src/shared/dataset/preprocess';
import type { OutgoingCuratedRecord } from '../../../src/shared/dataset/records';
import { createReplyRulesStage } from '../../../src/shared/quality/rules';

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

/**
 * A whole chat's exports (a help channel exported every day, a WhatsApp chat exported again):
 * built session by session, they need no joining. The newest export's sessions count, an older
 * export's sessions too where no newer one covers their time; before, a newer export of several
 * sessions could not be joined and so superseded the older days.
 */
describe('exports of a whole chat cut into sessions', () => {
  const session = (shard: number, n: number | undefined, first: string, last: string, text: string): CuratedRecord => ({
    ...conversationRecord('discord-77', `day${shard + 1}`, { first, last }, [
      { role: 'user', content: text },
      { role: 'assistant', content: `answer to ${text}` },
    ]),
    ...(n !== undefined ? { session: n } : {}),
  });
  const texts = (result: { parts: ConversationExport[] }) =>
    result.parts.flatMap((p) => p.records.map((r) => r.example.messages[1].content));

  it("keeps every export's sessions that no newer export covers, as they are", () => {
    const day1: ConversationExport = { shard: 0, records: [session(0, 1, '2026-03-01T09:00:00Z', '2026-03-01T09:10:00Z', 'q1')] };
    const day2: ConversationExport = {
      shard: 1,
      records: [
        session(1, 1, '2026-03-02T09:00:00Z', '2026-03-02T09:10:00Z', 'q2'),
        session(1, 2, '2026-03-02T20:00:00Z', '2026-03-02T20:10:00Z', 'q3'),
      ],
    };
    const result = partsOfConversation([day2, day1]);
    expect(result.asTheyAre).toBe(true);
    expect(texts(result)).toEqual(['q1', 'q2', 'q3']);
    expect(result.superseded).toEqual([]);
    // An export of before sessions (no `session`, the conversation's span) counts the same way.
    const { session: _, ...before } = day1.records[0];
    expect(texts(partsOfConversation([{ shard: 0, records: [before] }, day2]))).toEqual(['q1', 'q2', 'q3']);
  });

  it("supersedes an older export's sessions that a newer one covers: a re-export, or an export that starts a little earlier", () => {
    const all: ConversationExport = {
      shard: 0,
      records: [
        session(0, 1, '2026-03-01T09:00:00Z', '2026-03-01T09:10:00Z', 'q1'),
        session(0, 2, '2026-03-02T09:00:00Z', '2026-03-02T09:10:00Z', 'q2 (old wording)'),
      ],
    };
    const again: ConversationExport = {
      shard: 1,
      records: [
        session(1, 1, '2026-03-02T09:00:00Z', '2026-03-02T09:12:00Z', 'q2'),
        session(1, 2, '2026-03-03T09:00:00Z', '2026-03-03T09:10:00Z', 'q3'),
      ],
    };
    const result = partsOfConversation([all, again]);
    expect(texts(result)).toEqual(['q1', 'q2', 'q3']);
    expect(result.superseded.flatMap((p) => p.records.map((r) => r.example.messages[1].content))).toEqual(['q2 (old wording)']);
  });

  it('supersedes what cannot be placed in time: an older session without a span, or any when the newest has one without', () => {
    const day1: ConversationExport = { shard: 0, records: [session(0, 1, '2026-03-01T09:00:00Z', '2026-03-01T09:10:00Z', 'q1')] };
    const { span: _, ...timeless } = session(1, 1, '', '', 'q2');
    const result = partsOfConversation([
      day1,
      { shard: 1, records: [timeless, session(1, 2, '2026-03-03T09:00:00Z', '2026-03-03T09:05:00Z', 'q3')] },
    ]);
    expect(texts(result)).toEqual(['q2', 'q3']);
    expect(result.superseded.map((p) => p.shard)).toEqual([0]);
  });
});

describe('exports that overlap in time, read message by message', () => {
  const MODEL = 'gpt-4o-mini-2024-07-18';
  const part = (shard: number, span: { first: string; last: string }, messages: Record<string, unknown>[], unanswered?: string[]) => ({
    shard,
    records: [{ ...conversationRecord('c-1', `export${shard}`, span, messages), ...(unanswered ? { unanswered } : {}) }],
  });
  const u = (content: string) => ({ role: 'user', content });
  const a = (content: string, weight?: 0 | 1) => ({ role: 'assistant', content, ...(weight === undefined ? {} : { weight }) });
  const bodyOf = (records: CuratedRecord[] | undefined) =>
    records!
      .find((r) => r.kind === 'conversation')!
      .example.messages.slice(1)
      .map((m) => `${String(m.role)}: ${String(m.content)}`);

  it('joins an incremental export that repeats the last messages of the one before, each message once', () => {
    const older = part(0, { first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:20:00Z' }, [
      u('My parcel has not arrived, I wrote to [EMAIL_1] already'),
      a('Sorry about that, let me look it up.'),
      u('It is order 5531.'),
      a('Thanks, I have sent the tracking link to [EMAIL_1].'),
    ]);
    const newer = part(1, { first: '2026-03-01T10:20:00Z', last: '2026-03-01T10:40:00Z' }, [
      a('Thanks, I have sent the tracking link to [EMAIL_1].'),
      u('Got it, but it says returned to sender.'),
      a('Then I will send a new parcel today.'),
    ]);
    const { parts, superseded } = partsOfConversation([newer, older]);
    expect(parts.map((p) => p.shard)).toEqual([0, 1]);
    expect(superseded).toEqual([]);
    expect(bodyOf(joinConversationParts(parts, { model: MODEL }))).toEqual([
      'user: My parcel has not arrived, I wrote to [EMAIL_1] already',
      'assistant: Sorry about that, let me look it up.',
      'user: It is order 5531.',
      // The repeated message is read once, from the later export (its placeholders numbered on).
      'assistant: Thanks, I have sent the tracking link to [EMAIL_2].',
      'user: Got it, but it says returned to sender.',
      'assistant: Then I will send a new parcel today.',
    ]);
  });

  it("puts back the customer's unanswered messages, also where an export begins inside a run of them", () => {
    const older = part(
      0,
      { first: '2026-03-01T23:40:00Z', last: '2026-03-01T23:50:00Z' },
      [u('My parcel 8812 has not arrived yet.'), a('Sorry to hear that, I am asking the courier.')],
      ['It was due on Friday.'],
    );
    const newer = part(1, { first: '2026-03-01T23:50:00Z', last: '2026-03-02T00:10:00Z' }, [
      u('It was due on Friday.\nCan you send a new one?'),
      a('The courier lost parcel 8812, so a new one leaves today.'),
    ]);
    const { parts } = partsOfConversation([older, newer]);
    expect(parts.map((p) => p.shard)).toEqual([0, 1]);
    expect(bodyOf(joinConversationParts(parts, { model: MODEL }))).toEqual([
      'user: My parcel 8812 has not arrived yet.',
      'assistant: Sorry to hear that, I am asking the courier.',
      'user: It was due on Friday.\nCan you send a new one?',
      'assistant: The courier lost parcel 8812, so a new one leaves today.',
    ]);
    // Parts that do not overlap get them back too: the reply to them is in the next day's file.
    const nextDay = part(1, { first: '2026-03-02T08:00:00Z', last: '2026-03-02T08:05:00Z' }, [
      a('Good morning, a new parcel leaves today.'),
      u('Thank you!'),
      a('You are welcome.'),
    ]);
    expect(bodyOf(joinConversationParts(partsOfConversation([older, nextDay]).parts, { model: MODEL }))).toEqual([
      'user: My parcel 8812 has not arrived yet.',
      'assistant: Sorry to hear that, I am asking the courier.',
      'user: It was due on Friday.',
      'assistant: Good morning, a new parcel leaves today.',
      'user: Thank you!',
      'assistant: You are welcome.',
    ]);
  });

  it('joins an older export of the whole conversation with a newer export of a stretch of it', () => {
    const whole = part(0, { first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:50:00Z' }, [
      u('Can I change my address?'),
      a('Yes, what is the new one?'),
      u('[ADDRESS_1]'),
      a('Done, the next parcel goes there.'),
      u('And the one on its way?'),
      a('That one cannot be redirected, sorry.', 0),
    ]);
    const stretch = part(1, { first: '2026-03-01T10:20:00Z', last: '2026-03-01T10:30:00Z' }, [
      u('[ADDRESS_1]'),
      a('Done, the next parcel goes there.'),
    ]);
    const { parts, superseded } = partsOfConversation([whole, stretch]);
    expect(parts.map((p) => p.shard)).toEqual([0, 1]);
    expect(superseded).toEqual([]);
    const body = bodyOf(joinConversationParts(parts, { model: MODEL }));
    expect(body).toHaveLength(6);
    expect(body[2]).toBe('user: [ADDRESS_2]');
    expect(body[5]).toBe('assistant: That one cannot be redirected, sorry.');
  });

  it('lets the newer export supersede an overlapping one that adds nothing, or whose messages differ (an edit)', () => {
    const older = part(0, { first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:10:00Z' }, [
      u('Where is order 5531?'),
      a('It left today.'),
    ]);
    const more = part(1, { first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:30:00Z' }, [
      u('Where is order 5531?'),
      a('It left today.'),
      u('Thanks'),
      a('You are welcome.'),
    ]);
    expect(partsOfConversation([older, more])).toEqual({ parts: [more], superseded: [older] });
    const edited = part(1, { first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:30:00Z' }, [
      u('Where is order 5531?'),
      a('It left the warehouse today and arrives on Monday.'),
      u('Thanks'),
      a('You are welcome.'),
    ]);
    expect(partsOfConversation([older, edited])).toEqual({ parts: [edited], superseded: [older] });
  });
});

describe("the customer's unanswered turns a curated record carries", () => {
  const turns = [
    { role: 'user' as const, content: 'Hi, my parcel is late', timestamp: '2026-03-01T23:40:00Z' },
    { role: 'assistant' as const, content: 'Let me check.', timestamp: '2026-03-01T23:41:00Z' },
    { role: 'system' as const, content: 'Agent left the chat', timestamp: '2026-03-01T23:42:00Z' },
    { role: 'user' as const, content: 'Hello?', timestamp: '2026-03-01T23:50:00Z' },
    { role: 'user' as const, content: 'Anyone there?', timestamp: '2026-03-01T23:51:00Z' },
  ];
  it('are the user turns after the last reply, and cross from a worker with the span', () => {
    expect(unansweredTurns(turns)).toEqual(['Hello?', 'Anyone there?']);
    expect(unansweredTurns(turns.slice(0, 2))).toEqual([]);
    const conversation = { kind: 'conversation' as const, conversationId: 'c-1', turns, source: { file: 'a.csv', line: 2, record: '' } };
    expect(withoutText(conversation)).toMatchObject({ turns: [], unanswered: ['Hello?', 'Anyone there?'] });
    // Without timestamps no export is ever joined: nothing to carry.
    const untimed = { ...conversation, turns: turns.map(({ timestamp: _t, ...t }) => t) };
    expect(withoutText(untimed)).not.toHaveProperty('unanswered');
  });
});

describe('the replies before the first customer turn a curated record names (unprompted)', () => {
  const at = (minute: number) => `2026-03-02T00:${String(minute).padStart(2, '0')}:00Z`;
  const line = JSON.stringify({
    conversation_id: 'c-9',
    messages: [
      { role: 'agent', text: 'Saturday delivery of the kettle costs 4 pounds extra.', timestamp: at(1) },
      { role: 'customer', text: 'Can I still change the delivery address of order 3310?', timestamp: at(2) },
      { role: 'agent', text: 'Let me transfer you to a colleague who can help with that.', timestamp: at(3) },
      { role: 'customer', text: 'Please book the Saturday delivery then.', timestamp: at(4) },
      { role: 'agent', text: 'Booked: your kettle arrives on Saturday between 9 and 12.', timestamp: at(5) },
    ],
  });
  const records = async (maxExampleTokens?: number) => {
    const stages = [createReplyRulesStage()];
    const written: OutgoingCuratedRecord[] = [];
    await preprocessStream(
      Readable.from([Buffer.from(line + '\n')]),
      {
        fileName: 'day2.jsonl',
        model: 'gpt-4o-mini-2024-07-18',
        systemPrompt: 'You are a support agent.',
        shares: { validation: 0, holdout: 0 },
        stages,
        executor: inlineExecutor({
          stages,
          builder: {
            model: 'gpt-4o-mini-2024-07-18',
            systemPrompt: 'You are a support agent.',
            ...(maxExampleTokens ? { maxExampleTokens } : {}),
          },
        }),
        feedback: new MemoryFeedbackStore(),
        sink: { curated: (r) => void written.push(r), quarantine: () => undefined },
      },
      emptyStats(),
    );
    return written.filter((r) => r.kind === 'conversation');
  };

  it('are carried on the one example that holds the whole conversation, not on one a split left alone', async () => {
    const [whole] = await records();
    expect(whole.unprompted).toEqual([0]);
    const messagesOf = (r: OutgoingCuratedRecord) =>
      ('example' in r ? r.example : (JSON.parse(r.exampleJson) as CuratedRecord['example'])).messages as {
        content?: unknown;
        weight?: unknown;
      }[];
    expect(messagesOf(whole).map((m) => m.weight)).toEqual([undefined, 0, undefined, 0, undefined, undefined]);
    // Split at a small limit, the part that trains nothing (the greeting, the question, the handoff) is
    // left out: the one example left begins inside the conversation, so its first reply is the
    // handoff, not the unprompted one (found by a review), and a join could not read it back.
    const split = await records(80);
    expect(split).toHaveLength(1);
    expect(messagesOf(split[0])[1].content).not.toBe('Saturday delivery of the kettle costs 4 pounds extra.');
    expect(split[0]).not.toHaveProperty('unprompted');
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

  it('joins the two days into one example, and an incremental export message by message, lets an edited or untimed re-export supersede, and accounts every record', async () => {
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
      // c-4 goes on in the next export, which starts ten minutes before this one ends (an incremental export).
      ['c-4', '2026-03-01T23:30:00Z', 'customer', 'My parcel 8812 has not arrived yet.', 'shipping'],
      ['c-4', '2026-03-01T23:32:00Z', 'agent', 'Sorry to hear that. I am checking parcel 8812 with the courier now.', 'shipping'],
      ['c-4', '2026-03-01T23:40:00Z', 'customer', 'It was due on Friday.', 'shipping'],
      // c-5's last question is answered in the next day's file, which opens with the answer.
      ['c-5', '2026-03-01T23:20:00Z', 'customer', 'Do you have the blue kettle model 3310 in stock?', 'shipping'],
      ['c-5', '2026-03-01T23:22:00Z', 'agent', 'Yes, the blue kettle model 3310 is in stock in our main warehouse.', 'shipping'],
      ['c-5', '2026-03-01T23:58:00Z', 'customer', 'Can it be delivered on Saturday?', 'shipping'],
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
      ['c-4', '2026-03-01T23:40:00Z', 'customer', 'It was due on Friday.', 'shipping'],
      ['c-4', '2026-03-01T23:41:00Z', 'customer', 'Can you send a new one?', 'shipping'],
      ['c-4', '2026-03-02T00:10:00Z', 'agent', 'The courier lost parcel 8812, so a new one leaves today.', 'shipping'],
      ['c-5', '2026-03-02T00:03:00Z', 'agent', 'Saturday delivery of the kettle model 3310 costs 4 pounds extra.', 'shipping'],
      ['c-5', '2026-03-02T00:05:00Z', 'customer', 'Fine, please book it for Saturday.', 'shipping'],
      ['c-5', '2026-03-02T00:06:00Z', 'agent', 'Booked: your kettle model 3310 arrives on Saturday.', 'shipping'],
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

    // c-4: the first export's unanswered message and the second export's repeat of it are one message.
    const c4 = lines.find((l) => l.messages.length > 3 && l.messages.some((m) => m.content.includes('parcel 8812')))!;
    expect(c4.messages.slice(1).map((m) => `${m.role}: ${m.content}`)).toEqual([
      'user: My parcel 8812 has not arrived yet.',
      'assistant: Sorry to hear that. I am checking parcel 8812 with the courier now.',
      'user: It was due on Friday.\nCan you send a new one?',
      'assistant: The courier lost parcel 8812, so a new one leaves today.',
    ]);

    // c-5: the reply that opened the second file was at weight 0 there (it answered nothing in that
    // file); joined after the question it answers, it is learned.
    const c5 = lines.find((l) => l.messages.length > 3 && l.messages.some((m) => m.content.includes('model 3310')))!;
    expect(c5.messages.slice(1).map((m) => `${m.role}: ${m.content}${'weight' in m ? ` (weight ${String(m.weight)})` : ''}`)).toEqual([
      'user: Do you have the blue kettle model 3310 in stock?',
      'assistant: Yes, the blue kettle model 3310 is in stock in our main warehouse.',
      'user: Can it be delivered on Saturday?',
      'assistant: Saturday delivery of the kettle model 3310 costs 4 pounds extra.',
      'user: Fine, please book it for Saturday.',
      'assistant: Booked: your kettle model 3310 arrives on Saturday.',
    ]);

    expect(train).toContain('until the parcel ships');
    expect(train).not.toContain('said to call us');
    expect(train).toContain('valid for one hour');
    expect(train).not.toContain('the old one');

    const r = manifest.accounting.records;
    const c = manifest.accounting.conversations;
    // c-1, c-4 and c-5: two records (conversation + intent) in each file, joined into two; c-2 and c-3: one older export superseded each.
    expect(r).toMatchObject({ joined: 12, madeByJoining: 6, superseded: 4 });
    expect(r.in + r.madeByJoining).toBe(r.used + r.superseded + r.joined + r.balanceDropped + r.dropped + r.invalid);
    expect(c).toMatchObject({ in: 12 + 8 + 2, superseded: 2 });
    expect(c.in).toBe(c.used + c.superseded + c.balanceDropped + c.dropped);
  });

  it("keeps every session of a help channel exported day by day, and lets a re-export's sessions supersede the older copies", async () => {
    const runtime = makeRuntime();
    const STAFF = { id: '21', name: 'marco.kh', nickname: 'Marco', isBot: false, roles: [{ id: '1', name: 'Support Team' }] };
    const ANA: typeof STAFF = { id: '11', name: 'ana', nickname: 'Ana', isBot: false, roles: [] };
    const say = (id: string, author: typeof ANA, at: string, content: string) => ({
      id,
      type: 'Default',
      timestamp: at,
      content,
      author,
      attachments: [],
      embeds: [],
      stickers: [],
      mentions: [],
    });
    const channel = (messages: unknown[]) =>
      JSON.stringify({ guild: { id: '1', name: 'Lantern Isles' }, channel: { id: '77', type: 'GuildTextChat', name: 'help' }, messages });
    const upload = async (name: string, body: string) => {
      await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
      const outcome = await preprocessBlob(runtime, name);
      if (outcome.status !== 'processed') throw new Error(`${name}: ${outcome.status}`);
      await new Promise((r) => setTimeout(r, 1100));
    };
    // Enough other conversations for a dataset (this test may run alone).
    await drop(
      runtime,
      'chats/filler-2026-04-01.csv',
      FILLER_TOPICS.flatMap((topic, i) => [
        [
          `g-${i}`,
          `2026-04-01T10:${String(i).padStart(2, '0')}:00Z`,
          'customer',
          `Is my ${topic} voucher ${200 + i} still valid?`,
          'billing',
        ],
        [
          `g-${i}`,
          `2026-04-01T10:${String(i).padStart(2, '0')}:30Z`,
          'agent',
          `Your ${topic} voucher ${200 + i} is valid until May.`,
          'billing',
        ],
      ]),
    );
    // Day 1 (one session), then day 2 (two sessions, the second with an answer that a re-export edits).
    await upload(
      'discord/help-2026-04-01.json',
      channel([
        say('1', ANA, '2026-04-01T09:00:00Z', 'My lantern save is gone after the update'),
        say('2', STAFF, '2026-04-01T09:05:00Z', 'Import it again from Settings, then Saves.'),
      ]),
    );
    await upload(
      'discord/help-2026-04-02.json',
      channel([
        say('3', ANA, '2026-04-02T09:00:00Z', 'Is there a harbour map for the violin quest?'),
        say('4', STAFF, '2026-04-02T09:05:00Z', 'Yes, it is in the quest log.'),
        say('5', ANA, '2026-04-02T22:00:00Z', 'Can I move my meadow to another island?'),
        say('6', STAFF, '2026-04-02T22:05:00Z', 'Not yet, first draft of this answer.'),
      ]),
    );
    // A re-export of the evening only (it overlaps day 2's second session): its answer counts.
    await upload(
      'discord/help-2026-04-02-evening.json',
      channel([
        say('5', ANA, '2026-04-02T22:00:00Z', 'Can I move my meadow to another island?'),
        say('6', STAFF, '2026-04-02T22:05:00Z', 'Not yet; moving meadows comes with the summer update.'),
      ]),
    );

    const outcome = await assembleDataset(runtime, { submit: false });
    if (outcome.outcome !== 'submitted') throw new Error(`expected a dataset, got ${outcome.outcome}`);
    const train = (
      await azurite.storage.container(CONTAINERS.datasets).getBlobClient(outcome.manifest.files.train).downloadToBuffer()
    ).toString('utf8');
    const chats = train
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] })
      .filter((l) => l.messages.some((m) => /lantern save|harbour map for|move my meadow/.test(m.content)))
      .map((l) => l.messages.filter((m) => m.role !== 'system').map((m) => `${m.role}: ${m.content}`));
    expect(chats).toHaveLength(3);
    expect(chats).toEqual(
      expect.arrayContaining([
        ['user: My lantern save is gone after the update', 'assistant: Import it again from Settings, then Saves.'],
        ['user: Is there a harbour map for the violin quest?', 'assistant: Yes, it is in the quest log.'],
        ['user: Can I move my meadow to another island?', 'assistant: Not yet; moving meadows comes with the summer update.'],
      ]),
    );
    expect(train).not.toContain('first draft');
  });
});
