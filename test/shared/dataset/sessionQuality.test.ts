import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineSettings, preprocessConfig } from '../../../src/shared/composition/config';
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
});
