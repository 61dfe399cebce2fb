import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { offlineSettings, preprocessConfig, qualityConfig } from '../../../src/shared/composition/config';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { preprocessStream } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import { curatedRecordOf, type CuratedRecord, type QuarantineRecord } from '../../../src/shared/dataset/records';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { prepareDataset } from '../../../src/shared/dataset/prepare';
import { applyStage, runStages } from '../../../src/shared/dataset/stages';
import type { ExampleMessage } from '../../../src/shared/dataset/examples';
import type { Conversation, Turn } from '../../../src/shared/ingest/types';
import { createReplyRulesStage } from '../../../src/shared/quality/rules';
import { createSafetyStage } from '../../../src/shared/quality/safety';
import { createLanguageStage } from '../../../src/shared/quality/language';

/**
 * The reply rules and the safety screen judge a whole chat session by session: a session they drop
 * goes to quarantine on its own line, and the chat's other sessions are used. Before, one leaked
 * password in a year of a customer's WhatsApp chat quarantined the whole year.
 */
const chat = (turns: Turn[]): Conversation => ({
  kind: 'conversation',
  conversationId: 'chat-1',
  turns,
  wholeChat: true,
  language: 'en',
  source: { file: 'chat.txt', line: 1, record: '' },
});

const SESSIONS: Turn[] = [
  { role: 'user', content: 'Where is my parcel?' },
  { role: 'assistant', content: 'It is at the depot and leaves today.' },
  { role: 'user', content: 'I cannot log in, my password: Tulip7734 is refused', opensSession: true },
  { role: 'assistant', content: 'Please reset it with the link on the login page.' },
  { role: 'user', content: 'Do you ship to Norway?', opensSession: true },
  { role: 'assistant', content: 'We do, in 5 to 7 days.' },
];

describe('quality stages on a whole chat, session by session', () => {
  test('a session with a leaked password is set aside with its number, reason and turns; the others go on', async () => {
    const result = await applyStage(createSafetyStage(), chat(SESSIONS));
    if (result.action !== 'keep') throw new Error(`dropped: ${result.detail ?? result.reason}`);
    expect(result.conversation.turns.map((t) => t.content)).toEqual([
      'Where is my parcel?',
      'It is at the depot and leaves today.',
      'Do you ship to Norway?',
      'We do, in 5 to 7 days.',
    ]);
    // The next session still opens where it did, so its examples stand alone.
    expect(result.conversation.turns[2].opensSession).toBe(true);
    expect(result.conversation.droppedSessions).toEqual([
      { session: 2, reason: 'safety-secret', detail: 'session 2: password in turn 1', turns: SESSIONS.slice(2, 4) },
    ]);
  });

  test('a later stage numbers sessions as read, after an earlier one dropped one', async () => {
    const thanks: Turn[] = [
      ...SESSIONS.slice(0, 2),
      { role: 'user', content: 'Thanks again!', opensSession: true },
      { role: 'assistant', content: 'You are welcome.' },
      ...SESSIONS.slice(2),
    ];
    const result = await runStages([createLanguageStage(), createReplyRulesStage(), createSafetyStage()], chat(thanks));
    if (result.action !== 'keep') throw new Error(`dropped: ${result.detail ?? result.reason}`);
    expect(result.conversation.droppedSessions?.map((d) => [d.session, d.reason])).toEqual([
      [2, 'no-customer-question'],
      [3, 'safety-secret'],
    ]);
    expect(result.conversation.turns.map((t) => t.content)).toEqual([
      'Where is my parcel?',
      'It is at the depot and leaves today.',
      'Do you ship to Norway?',
      'We do, in 5 to 7 days.',
    ]);
  });

  test('a chat whose every session is dropped is dropped whole, the detail naming each session', async () => {
    const leaky = SESSIONS.map((t) => (t.role === 'user' ? { ...t, content: `${t.content} my pwd = Hx83kq!` } : t));
    const result = await applyStage(createSafetyStage(), chat(leaky));
    expect(result).toEqual({
      action: 'drop',
      reason: 'safety-secret',
      detail:
        'every session of the chat was dropped: session 1: password in turn 1; session 2: password in turn 1; session 3: password in turn 1',
    });
  });

  test('the one session left after an earlier drop is still judged as a session: a drop names it and the earlier one', async () => {
    const turns: Turn[] = [
      { role: 'user', content: 'Where is my order 4521?' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'I cannot log in, my password: Tulip7734 is refused', opensSession: true },
      { role: 'assistant', content: 'Please reset it with the link on the login page.' },
    ];
    const result = await runStages(
      [createLanguageStage(), createReplyRulesStage({ actions: { 'short-reply': 'drop' } }), createSafetyStage()],
      chat(turns),
    );
    expect(result).toEqual({
      action: 'drop',
      reason: 'short-reply',
      detail:
        'every session of the chat was dropped: session 1: assistant turn 2 breaks the short-reply rule; session 2: password in turn 1',
    });
  });

  test('a conversation that is not a whole chat (a ticket) is judged whole, as before', async () => {
    const { wholeChat: _, ...ticket } = chat(SESSIONS);
    expect(await applyStage(createSafetyStage(), ticket)).toEqual({
      action: 'drop',
      reason: 'safety-secret',
      detail: 'password in turn 3',
    });
  });
});

describe('a WhatsApp chat with one unsafe session through prepare', () => {
  const text = [
    '02/03/2026, 09:00 - Dana Reyes: Hi, my order 4521 is late',
    '02/03/2026, 09:04 - Kedai Harmoni: It ships today, the tracking link follows by e-mail.',
    '20/03/2026, 16:40 - Dana Reyes: I cannot log in, my password: Tulip7734 does not work',
    '20/03/2026, 16:45 - Kedai Harmoni: Please reset it with the link on the login page.',
    '02/04/2026, 11:00 - Dana Reyes: Do you have the jacket in green?',
    '02/04/2026, 11:20 - Kedai Harmoni: Not yet, it comes back in May.',
  ].join('\n');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-session-quality-'));
    await writeFile(join(dir, 'WhatsApp Chat with Dana Reyes.txt'), text);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the other sessions train, the unsafe one is one quarantine line, the same with 1 and 2 workers', async () => {
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
      const quarantine = await readFile(files['quarantine.jsonl'], 'utf8');
      outputs.push(train + quarantine);
      const examples = train
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { messages: ExampleMessage[] }).messages.filter((m) => m.role !== 'system').map((m) => m.content));
      expect(examples).toEqual([
        ['Hi, my order 4521 is late', 'It ships today, the tracking link follows by e-mail.'],
        ['Do you have the jacket in green?', 'Not yet, it comes back in May.'],
      ]);
      // Nothing of the session is in the training file, redacted or not.
      expect(train).not.toContain('log in');
      expect(report).toMatchObject({
        records_in: 1,
        records_used: 1,
        records_quarantined: 0,
        sessions_quarantined: 1,
        session_quarantine_reasons: { 'safety-secret': 1 },
      });
      expect(report.warnings).toContain(
        '1 session(s) of whole chats were left out by the quality stages (safety-secret 1) and quarantined on their own; the other sessions of those chats were used',
      );
      const lines = quarantine
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      const [line] = lines;
      expect(line).toMatchObject({
        file: 'WhatsApp Chat with Dana Reyes.txt',
        line: 1,
        reason: 'safety-secret',
        detail: 'session 2: password in turn 1',
        session: 2,
      });
      expect(JSON.parse(line.record as string)).toEqual({
        conversation_id: expect.any(String) as string,
        session: 2,
        turns: [
          { role: 'user', content: 'I cannot log in, my password: Tulip7734 does not work', timestamp: '2026-03-20T16:40:00.000Z' },
          { role: 'assistant', content: 'Please reset it with the link on the login page.', timestamp: '2026-03-20T16:45:00.000Z' },
        ],
      });
    }
    expect(outputs[1]).toBe(outputs[0]);
  });

  test("the blob path's curated records number sessions as read, as the quarantine line does", async () => {
    const curated: CuratedRecord[] = [];
    const quarantined: QuarantineRecord[] = [];
    await preprocessStream(Readable.from([Buffer.from(text)]), {
      fileName: 'raw-logs/WhatsApp Chat with Dana Reyes.txt',
      model: 'gpt-4o-mini-2024-07-18',
      systemPrompt: '',
      shares: { validation: 0, holdout: 0 },
      stages: preprocessStages({ quality: qualityConfig(offlineSettings({})), signatures: new MemorySignatureStore() }),
      feedback: new MemoryFeedbackStore(),
      sink: { curated: (r) => void curated.push(curatedRecordOf(r)), quarantine: (q) => void quarantined.push(q) },
    });
    expect(curated.filter((r) => r.kind === 'conversation').map((r) => r.session)).toEqual([1, 3]);
    expect(quarantined.map((q) => q.session)).toEqual([2]);
  });
});

describe('a WhatsApp chat whose sessions left by the stages teach nothing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-session-quality-'));
    await writeFile(
      join(dir, 'WhatsApp Chat with Dana Reyes.txt'),
      [
        '20/03/2026, 16:40 - Dana Reyes: I cannot log in, my password: Tulip7734 does not work',
        '20/03/2026, 16:45 - Kedai Harmoni: Please reset it with the link on the login page.',
        '06/04/2026, 11:00 - Dana Reyes: Do you have the jacket in green?',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('is quarantined whole for what the stages took out, not as a chat without replies', async () => {
    const settings = offlineSettings({ TUNELOOP_SPLIT_VALIDATION: '0', TUNELOOP_SPLIT_HOLDOUT: '0' });
    const { report, files } = await prepareDataset({
      inputs: ['WhatsApp Chat with Dana Reyes.txt'],
      outDir: 'out',
      cwd: dir,
      config: preprocessConfig(settings),
      workers: 1,
    });
    expect(report).toMatchObject({ records_used: 0, records_quarantined: 1, quarantine_reasons: { 'safety-secret': 1 } });
    expect(report.sessions_quarantined).toBeUndefined();
    const lines = (await readFile(files['quarantine.jsonl'], 'utf8')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      reason: 'safety-secret',
      detail:
        'no session left to learn from: session 1: password in turn 1; the other sessions: the conversation has no agent/assistant turn to learn from',
    });
    expect((JSON.parse(lines[0]) as { session?: number }).session).toBeUndefined();
  });
});
