import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { offlineSettings, preprocessConfig, qualityConfig } from '../../../src/shared/composition/config';
import { CHAT_SESSIONS_NOTE, ExampleBuilder, type ExampleMessage } from '../../../src/shared/dataset/examples';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { prepareDataset } from '../../../src/shared/dataset/prepare';
import { preprocessStream } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import { curatedRecordOf, type CuratedRecord } from '../../../src/shared/dataset/records';
import type { Conversation, Turn } from '../../../src/shared/ingest/types';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';

/**
 * A whole chat cut into sessions (test/shared/ingest/chatSessions.test.ts) gives each session its
 * own examples: none carries an earlier session as context, the curated records say which session
 * they are of, and the report says how many chats were cut. Conversations without the mark are
 * built as before.
 */
const MODEL = 'gpt-4o-mini-2024-07-18';
const SYSTEM = 'You are a helpful customer service assistant.';

function chat(turns: Turn[], wholeChat = true): Conversation {
  return {
    kind: 'conversation',
    conversationId: 'chat-1',
    turns,
    source: { file: 'chat.txt', line: 1, record: '' },
    ...(wholeChat ? { wholeChat: true as const } : {}),
  };
}
const said = (messages: unknown[]) =>
  (messages as ExampleMessage[])
    .filter((m) => m.role !== 'system')
    .map((m) => `${m.role}${m.weight === 0 ? '(0)' : ''}: ${m.content ?? ''}`);

const THREE_SESSIONS: Turn[] = [
  { role: 'user', content: 'Where is my parcel?' },
  { role: 'assistant', content: 'It is at the depot.' },
  { role: 'user', content: 'Can I change the delivery address?', opensSession: true },
  { role: 'assistant', content: 'Yes, in your account under Orders.' },
  { role: 'user', content: 'Do you ship to Norway?', opensSession: true },
  { role: 'assistant', content: 'We do, in 5 to 7 days.' },
  { role: 'user', content: 'And to Iceland?' },
];

describe('examples of a whole chat cut into sessions', () => {
  test('one example per session, without the sessions before as context; the unanswered end gives none', () => {
    const builder = new ExampleBuilder({ model: MODEL, systemPrompt: SYSTEM });
    const built = builder.build(chat(THREE_SESSIONS));
    if (!built.ok) throw new Error(built.detail);
    expect(built.examples.map((e) => [e.session, said(e.example.messages)])).toEqual([
      [1, ['user: Where is my parcel?', 'assistant: It is at the depot.']],
      [2, ['user: Can I change the delivery address?', 'assistant: Yes, in your account under Orders.']],
      [3, ['user: Do you ship to Norway?', 'assistant: We do, in 5 to 7 days.']],
    ]);
    expect(built.notes).toEqual([`${CHAT_SESSIONS_NOTE}:3`]);
    for (const e of built.examples) expect(e.tokens).toBe(builder.counter.example(e.example));
    // A whole chat of one session: one example, session 1.
    const one = builder.build(chat(THREE_SESSIONS.map(({ opensSession: _, ...t }) => t)));
    if (!one.ok) throw new Error(one.detail);
    expect(one.examples.map((e) => e.session)).toEqual([1]);
    expect(one.notes).toEqual([]);
    // Not a whole chat (a ticket): built as before, one example without a session.
    const ticket = builder.build(chat(THREE_SESSIONS, false));
    if (!ticket.ok) throw new Error(ticket.detail);
    expect(ticket.examples).toHaveLength(1);
    expect(ticket.examples[0].session).toBeUndefined();
  });

  test("each session's examples carry when it was written; a session without the customer's words or a reply gives none", () => {
    const at = (day: number) => `2026-03-0${day}T09:00:00.000Z`;
    const builder = new ExampleBuilder({ model: MODEL, systemPrompt: SYSTEM });
    const built = builder.build(
      chat([
        { role: 'user', content: 'Where is my parcel?', timestamp: at(1) },
        { role: 'assistant', content: 'At the depot.', timestamp: at(2) },
        // Replies to a screenshot alone (ingest put them in a thread of their own): no question.
        { role: 'assistant', content: 'That error means your licence expired.', timestamp: at(3), opensSession: true },
        { role: 'user', content: 'Do you ship to Norway?', timestamp: at(5), opensSession: true },
        { role: 'assistant', content: 'We do.', timestamp: at(6) },
      ]),
    );
    if (!built.ok) throw new Error(built.detail);
    expect(built.examples.map((e) => [e.session, e.sessionSpan])).toEqual([
      [1, { first: at(1), last: at(2) }],
      // Numbered as read: the thread of replies without a question was session 2.
      [3, { first: at(5), last: at(6) }],
    ]);
    // Nothing answered at all: quarantined as before, not a used record without examples.
    const unanswered = builder.build(
      chat([
        { role: 'user', content: 'Where is my parcel?' },
        { role: 'assistant', content: 'Hello from the team!', opensSession: true },
      ]),
    );
    expect(unanswered).toMatchObject({ ok: false, reason: 'no-assistant-turn' });
  });

  test('a long session is split within itself (counted once as split), never taking context from the session before', () => {
    const long = 'We have checked the order again and the courier confirms the parcel left the depot this morning. '.repeat(6);
    const turns: Turn[] = [
      { role: 'user', content: 'Hi, what is the status of my order?' },
      { role: 'assistant', content: long },
      { role: 'user', content: 'I have a question about returns', opensSession: true },
      { role: 'assistant', content: long },
      { role: 'user', content: 'Which form do I use?' },
      { role: 'assistant', content: long },
    ];
    const builder = new ExampleBuilder({ model: MODEL, systemPrompt: SYSTEM, maxExampleTokens: 200 });
    const built = builder.build(chat(turns));
    if (!built.ok) throw new Error(built.detail);
    expect(built.examples.map((e) => e.session)).toEqual([1, 2, 2]);
    for (const e of built.examples.filter((x) => x.session === 2))
      expect(said(e.example.messages).join('\n')).not.toContain('status of my order');
    expect(built.notes).toEqual(['split:3', `${CHAT_SESSIONS_NOTE}:2`]);
  });

  test('a session that trains nothing is left out when another trains; all at weight 0 is noted', () => {
    const builder = new ExampleBuilder({ model: MODEL, systemPrompt: SYSTEM });
    const weights = (first: 0 | 1, second: 0 | 1) =>
      builder.build(
        chat([
          { role: 'user', content: 'q1' },
          { role: 'assistant', content: 'a1', weight: first },
          { role: 'user', content: 'q2', opensSession: true },
          { role: 'assistant', content: 'a2', weight: second },
        ]),
      );
    const some = weights(0, 1);
    const all = weights(0, 0);
    if (!some.ok || !all.ok) throw new Error('not built');
    expect(some.notes).toEqual([`${CHAT_SESSIONS_NOTE}:1`]);
    expect(some.examples.map((e) => said(e.example.messages))).toEqual([['user: q2', 'assistant: a2']]);
    expect(all.notes).toEqual(['all-replies-weight0', `${CHAT_SESSIONS_NOTE}:2`]);
    expect(all.examples).toHaveLength(2);
  });
});

describe('a WhatsApp chat of three sessions through preprocessing', () => {
  const text = [
    '02/03/2026, 09:00 - Dana Reyes: Hi, my order 4521 is late',
    '02/03/2026, 09:04 - Kedai Harmoni: It ships today, the tracking link follows by e-mail.',
    '02/03/2026, 09:05 - Dana Reyes: Thanks',
    '20/03/2026, 16:40 - Dana Reyes: Can I return the blue jacket?',
    '20/03/2026, 16:45 - Kedai Harmoni: Yes, within 30 days, with the returns form.',
    '02/04/2026, 11:00 - Dana Reyes: Do you have the jacket in green?',
    '02/04/2026, 11:20 - Kedai Harmoni: Not yet, it comes back in May.',
  ].join('\n');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-sessions-'));
    await writeFile(join(dir, 'WhatsApp Chat with Dana Reyes.txt'), text);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('prepare writes one example per session, the same with 1 and 2 workers, and the report says the chat was cut', async () => {
    const settings = offlineSettings({ TUNELOOP_SPLIT_VALIDATION: '0', TUNELOOP_SPLIT_HOLDOUT: '0' });
    const outputs: string[] = [];
    for (const workers of [1, 2]) {
      const { report, files } = await prepareDataset({
        inputs: ['WhatsApp Chat with Dana Reyes.txt'],
        outDir: `out-${workers}`,
        cwd: dir,
        config: preprocessConfig(settings),
        workers,
      });
      const train = await readFile(files['train.jsonl'], 'utf8');
      outputs.push(train);
      const examples = train
        .split('\n')
        .filter(Boolean)
        .map((l) => said((JSON.parse(l) as { messages: unknown[] }).messages));
      expect(examples).toEqual([
        ['user: Hi, my order 4521 is late', 'assistant: It ships today, the tracking link follows by e-mail.'],
        ['user: Can I return the blue jacket?', 'assistant: Yes, within 30 days, with the returns form.'],
        ['user: Do you have the jacket in green?', 'assistant: Not yet, it comes back in May.'],
      ]);
      expect(report.records_used).toBe(1);
      expect(report.conversations_split).toBe(0);
      expect(report.warnings).toContain(
        "1 whole chat(s) (a messenger's or a channel's export) were cut into sessions where the customer wrote again 12 hours or more after a reply; each session's examples stand alone",
      );
    }
    expect(outputs[1]).toBe(outputs[0]);
  });

  test("the blob path's curated records name each example's session", async () => {
    const curated: CuratedRecord[] = [];
    const settings = offlineSettings({});
    await preprocessStream(Readable.from([Buffer.from(text)]), {
      fileName: 'raw-logs/WhatsApp Chat with Dana Reyes.txt',
      model: MODEL,
      systemPrompt: SYSTEM,
      shares: { validation: 0, holdout: 0 },
      stages: preprocessStages({ quality: qualityConfig(settings), signatures: new MemorySignatureStore() }),
      feedback: new MemoryFeedbackStore(),
      sink: { curated: (r) => void curated.push(curatedRecordOf(r)), quarantine: () => undefined },
    });
    expect(curated.map((r) => [r.kind, r.session])).toEqual([
      ['conversation', 1],
      ['conversation', 2],
      ['conversation', 3],
    ]);
    expect(new Set(curated.map((r) => r.conversation_id)).size).toBe(1);
    // Each record's span is its own session's (WhatsApp's times read day first, in UTC).
    expect(curated.map((r) => r.span)).toEqual([
      { first: '2026-03-02T09:00:00.000Z', last: '2026-03-02T09:05:00.000Z' },
      { first: '2026-03-20T16:40:00.000Z', last: '2026-03-20T16:45:00.000Z' },
      { first: '2026-04-02T11:00:00.000Z', last: '2026-04-02T11:20:00.000Z' },
    ]);
  });
});
