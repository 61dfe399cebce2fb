import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadSettings } from '../../../src/shared/config/settings';
import { MemoryFeedbackStore, TableFeedbackStore, type FeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { testStorage, uniqueName } from '../../setup/storage';
import { preprocessStream, emptyStats, type PreprocessOptions } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import { curatedLine, curatedRecordOf, type CuratedRecord, type QuarantineRecord } from '../../../src/shared/dataset/records';
import { buildReport } from '../../../src/shared/dataset/preprocessReport';
import { splitFor } from '../../../src/shared/dataset/split';
import { validateExample } from '../../../src/shared/dataset/validate';
import { countMessagesTokens, countToolDefinitionsTokens } from '../../../src/shared/dataset/tokens';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { StepTimings } from '../../../src/shared/dataset/timings';
import { conversationLine, conversationsJsonl } from './fixtures';
import { qualityConfig } from '../../../src/shared/composition/config';

const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
const shares = { validation: 0.1, holdout: 0.1 };

function harness(feedback: FeedbackStore = new MemoryFeedbackStore()) {
  const curated: CuratedRecord[] = [];
  const quarantined: QuarantineRecord[] = [];
  const options = (fileName: string): PreprocessOptions => ({
    fileName,
    model: 'gpt-4o-mini-2024-07-18',
    systemPrompt: 'You are a helpful customer service assistant.',
    shares,
    // conversationsJsonl's conversations share one template and differ only in numbers (about 0.73
    // Jaccard over character shingles); at 0.9 no MinHash estimate takes them for near duplicates,
    // which this file does not test (test/shared/quality/dedup*.test.ts do).
    stages: preprocessStages({
      quality: qualityConfig({ ...settings, TUNELOOP_DEDUP_THRESHOLD: 0.9 }),
      signatures: new MemorySignatureStore(),
    }),
    feedback,
    sink: { curated: (r) => void curated.push(curatedRecordOf(r)), quarantine: (r) => void quarantined.push(r) },
  });
  return { curated, quarantined, options };
}

const bytes = (text: string) => Readable.from([Buffer.from(text)]);

describe('preprocessStream', () => {
  it("writes what a CSV's line numbers count into curated records (the nightly assembly names a CSV row so)", async () => {
    const { curated, options } = harness();
    const csv = [
      'conversation_id,speaker,text',
      'k1,customer,Can I return the shoes I bought last week?',
      'k1,agent,"Yes, within 30 days; I have e-mailed you a label."',
    ].join('\n');
    await preprocessStream(bytes(csv), options('chats.csv'));
    expect(curated.map((r) => r.source)).toEqual([{ file: 'chats.csv', line: 2, unit: 'csv-row' }]);
    expect(curatedLine(curated[0])).toContain('"source":{"file":"chats.csv","line":2,"unit":"csv-row"}');
  });

  it('turns conversations into curated examples and accounts for every record', async () => {
    const { curated, quarantined, options } = harness();
    const text =
      conversationsJsonl(30) +
      '{"conversation_id": "broken", "messages": [\n' +
      conversationLine('only-customer', { turns: [['customer', 'hello? is anyone there at all today?']] }) +
      '\n';
    const stats = await preprocessStream(bytes(text), options('chats.jsonl'), emptyStats());
    expect(stats.records_in).toBe(32);
    expect(stats.records_in).toBe(stats.records_used + stats.records_quarantined);
    expect(stats.records_used).toBe(30);
    expect(quarantined.map((q) => [q.file, q.line, q.reason])).toEqual([
      ['chats.jsonl', 31, expect.any(String)],
      ['chats.jsonl', 32, 'no-assistant-turn'],
    ]);
    expect(quarantined[1].record).toContain('only-customer');
    // 30 conversation examples + 30 intent examples, each in its conversation's split
    expect(curated.filter((r) => r.kind === 'conversation')).toHaveLength(30);
    expect(curated.filter((r) => r.kind === 'intent')).toHaveLength(30);
    for (const r of curated) {
      expect(r.split).toBe(splitFor(r.conversation_id, shares));
      expect(r.source.file).toBe('chats.jsonl');
      const messages = r.example.messages as { role: string }[];
      expect(messages[messages.length - 1].role).toBe('assistant');
    }
    const first = curated[0];
    expect(Object.keys(first)).toEqual(['conversation_id', 'kind', 'issue_type', 'language', 'split', 'tokens', 'source', 'example']);
    expect(first.language).toBe('en');
    expect((first.example.messages as { role: string; content: string }[]).map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);

    const report = buildReport(stats, { model: 'gpt-4o-mini-2024-07-18', epochs: 3, datasetComplete: true });
    expect(report.records_in).toBe(32);
    expect(report.examples.train + report.examples.validation + report.examples.holdout).toBe(60);
    expect(report.tokens.total).toBe(curated.reduce((s, r) => s + r.tokens, 0));
    expect(report.tokens.max).toBe(Math.max(...curated.map((r) => r.tokens)));
    expect(report.tokens.p50).toBeLessThanOrEqual(report.tokens.p95);
    expect(report.training_tokens).toBe(3 * curated.filter((r) => r.split === 'train').reduce((s, r) => s + r.tokens, 0));
    expect(report.issue_types).toEqual({ account: 10, billing: 10, shipping: 10 });
    expect(report.languages).toEqual({ en: 30 });
    expect(report.estimated_cost_usd).toBeGreaterThan(0);
  });

  it('joins feedback whichever arrives first', async () => {
    const feedback = new MemoryFeedbackStore();
    const { curated, quarantined, options } = harness(feedback);
    // feedback first, then the conversation: joined on arrival
    const fb = '{"conversation_id": "late-1", "rating": 4, "comment": "ok"}\n';
    const s1 = await preprocessStream(bytes(fb), options('feedback.jsonl'));
    expect(s1).toMatchObject({ records_in: 1, records_used: 1, feedback_stored: 1 });
    const s2 = await preprocessStream(bytes(conversationLine('late-1', { csat: 5 }) + '\n'), options('chats.jsonl'));
    expect(s2.feedback_joined).toBe(1);
    expect(curated.find((r) => r.conversation_id === 'late-1')?.csat).toBe(4);
    // a low rating joined on arrival: quality keeps the conversation with every reply at weight 0,
    // as assembly does when the rating comes later
    await preprocessStream(bytes('{"conversation_id": "low-1", "rating": 1}\n'), options('feedback3.jsonl'));
    await preprocessStream(bytes(conversationLine('low-1', { csat: 5 }) + '\n'), options('chats3.jsonl'));
    expect(quarantined).toEqual([]);
    const low = curated.find((r) => r.conversation_id === 'low-1' && r.kind === 'conversation');
    expect(low?.csat).toBe(1);
    const replies = (low?.example.messages as { role: string; weight?: number }[]).filter((m) => m.role === 'assistant');
    expect(replies.every((m) => m.weight === 0)).toBe(true);
    // conversation first: it keeps its own csat; the stored feedback is there for assembly to join later
    const s3 = await preprocessStream(bytes(conversationLine('early-1', { csat: 4 }) + '\n'), options('chats2.jsonl'));
    expect(s3.feedback_joined).toBe(0);
    await preprocessStream(bytes('{"conversation_id": "early-1", "rating": 1}\n'), options('feedback2.jsonl'));
    expect(await feedback.latest('early-1')).toMatchObject({ rating: 1, file: 'feedback2.jsonl', line: 1 });
  });

  it('quarantines what the quality stages drop, with their reason', async () => {
    const { quarantined, options } = harness();
    const turns: [string, string][] = [
      ['customer', 'My parcel with the blue kettle never arrived, can you check where it is?'],
      ['agent', 'I am sorry to hear that. The courier lost it, so I have sent a replacement that arrives on Friday.'],
    ];
    const text = conversationLine('dup-a', { turns }) + '\n' + conversationLine('dup-b', { turns }) + '\n';
    const stats = await preprocessStream(bytes(text), options('twice.jsonl'));
    expect(stats.records_in).toBe(2);
    expect(stats.records_used + stats.records_quarantined).toBe(2);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ file: 'twice.jsonl', line: 2 });
    expect(quarantined[0].reason).toMatch(/dup/);
  });

  it('looks feedback up ahead in a real table, in order, and fails cleanly when the table is gone', async () => {
    const storage = testStorage();
    const table = storage.table(uniqueName('feedback'));
    await table.createTable();
    // No `rated` table here: the store queries `feedback` itself, as a deployment before the index does.
    const store = new TableFeedbackStore(table, {
      answered: storage.table(uniqueName('answeredby')),
      rated: storage.table(uniqueName('rated')),
    });
    const { curated, options } = harness(store);
    await preprocessStream(
      bytes('{"conversation_id": "c-7", "rating": 4}\n{"conversation_id": "c-33", "rating": 5}\n'),
      options('fb.jsonl'),
    );
    const stats = await preprocessStream(bytes(conversationsJsonl(40)), options('chats.jsonl'));
    expect(stats.feedback_joined).toBe(2);
    const convs = curated.filter((r) => r.kind === 'conversation');
    expect(convs.map((r) => r.conversation_id)).toEqual(Array.from({ length: 40 }, (_, i) => `c-${i}`));
    expect(convs.filter((r) => r.csat !== undefined).map((r) => [r.conversation_id, r.csat])).toEqual([
      ['c-7', 4],
      ['c-33', 5],
    ]);
    await table.deleteTable();
    await expect(preprocessStream(bytes(conversationsJsonl(40, 'd')), options('more.jsonl'))).rejects.toMatchObject({ statusCode: 404 });
  });

  it('times each step when asked (TUNELOOP_DEBUG_TIMINGS)', async () => {
    const { options } = harness();
    const timings = new StepTimings();
    const base = options('timed.jsonl');
    const stats = await preprocessStream(bytes(conversationsJsonl(5)), { ...base, timings });
    expect(stats.records_used).toBe(5);
    const steps = Object.keys(timings.toJSON());
    expect(steps).toEqual(
      expect.arrayContaining(['parse', 'feedback', 'examples', 'write', ...base.stages.map((st) => `stage:${st.name}`)]),
    );
    for (const ms of Object.values(timings.toJSON())) expect(ms).toBeGreaterThanOrEqual(0);
    expect(timings.format()).toMatch(/^parse \d+ ms, /);
  });

  it('passes ready-made lines through and FAQ rows as single-turn examples', async () => {
    const { curated, quarantined, options } = harness();
    const ready = [
      JSON.stringify({
        messages: [
          { role: 'user', content: 'What are your opening hours on weekends?' },
          { role: 'assistant', content: 'We are open 10:00 to 16:00 on Saturdays.' },
        ],
      }),
      JSON.stringify({
        messages: [
          { role: 'user', content: 'Is there a student discount on annual plans?' },
          { role: 'assistant', content: 'Yes, 20% with a valid student card.', weight: 2 },
        ],
      }),
    ].join('\n');
    await preprocessStream(bytes(ready + '\n'), options('ready.jsonl'));
    expect(curated.map((r) => r.kind)).toEqual(['ready']);
    expect(curated[0].example.messages[0]).toEqual({ role: 'user', content: 'What are your opening hours on weekends?' });
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ line: 2, reason: 'invalid-example:bad-weight' });

    const faq = 'question,answer,category\n"How do I reset my password?","Use the Forgot password link on the sign-in page.",account\n';
    await preprocessStream(bytes(faq), options('faq.csv'));
    const faqRecord = curated.find((r) => r.kind === 'faq');
    expect(faqRecord?.example.messages).toEqual([
      { role: 'system', content: 'You are a helpful customer service assistant.' },
      { role: 'user', content: 'How do I reset my password?' },
      { role: 'assistant', content: 'Use the Forgot password link on the sign-in page.' },
    ]);
  });

  it('writes the weight 0 a log or ShareGPT reply is marked with, and no personal data from a ready-made name', async () => {
    const { curated, quarantined, options } = harness();
    const lines = [
      JSON.stringify({
        conversation_id: 'w-1',
        messages: [
          { role: 'customer', text: 'Can I change the delivery address of my order?' },
          { role: 'agent', text: 'You can change it in your account under Orders.', weight: 0 },
          { role: 'customer', text: 'And can I change it after it has shipped?' },
          { role: 'agent', text: 'After shipping the carrier can redirect the parcel for you.' },
        ],
      }),
      JSON.stringify({
        id: 'sg-1',
        conversations: [
          { from: 'human', value: 'Can I return shoes after 30 days?' },
          { from: 'gpt', value: 'Returns are accepted within 60 days of delivery.', weight: 0 },
          { from: 'human', value: 'Do I pay for the return label?' },
          { from: 'gpt', value: 'No, the return label is free of charge for every order.' },
        ],
      }),
      JSON.stringify({
        messages: [
          { role: 'user', name: 'jane_doe', content: 'Hi, I am Jane Doe. Where is my order?' },
          { role: 'assistant', name: 'support_bot', content: 'Your order arrives tomorrow morning.' },
        ],
      }),
    ];
    await preprocessStream(bytes(lines.join('\n') + '\n'), options('weights.jsonl'));
    expect(quarantined).toEqual([]);
    const replies = (r: CuratedRecord) =>
      (r.example.messages as { role: string; weight?: number }[]).filter((m) => m.role === 'assistant').map((m) => m.weight);
    expect(curated.filter((r) => r.kind === 'conversation').map(replies)).toEqual([
      [0, undefined],
      [0, undefined],
    ]);
    const ready = curated.find((r) => r.kind === 'ready')!;
    expect(ready.example.messages).toEqual([
      { role: 'user', name: 'PERSON_1', content: 'Hi, I am [PERSON_1]. Where is my order?' },
      { role: 'assistant', name: 'support_bot', content: 'Your order arrives tomorrow morning.' },
    ]);
  });

  it('writes tool calls of ShareGPT and OpenAI-style logs as tool messages, with personal data redacted in results and arguments', async () => {
    const { curated, quarantined, options } = harness();
    const formats = join(__dirname, '..', '..', 'fixtures', 'formats');
    await preprocessStream(bytes(readFileSync(join(formats, 'sharegpt_toolcall.json'), 'utf8')), options('glaive.json'));
    await preprocessStream(bytes(readFileSync(join(formats, 'openai_tool_log.jsonl'), 'utf8')), options('tools.jsonl'));
    expect(quarantined.map((q) => [q.file, q.line, q.reason])).toEqual([['tools.jsonl', 3, 'invalid-tool-turn']]);
    const examples = curated.filter((r) => r.kind === 'conversation');
    expect(examples.map((r) => r.conversation_id)).toEqual([expect.stringMatching(/^sharegpt-/), 't-100', 't-101']);
    for (const record of examples) {
      expect(validateExample(record.example, { model: 'gpt-4o-mini-2024-07-18' }).issues).toEqual([]);
      expect((record.example.tools as { type: string }[]).map((t) => t.type)).toContain('function');
      // The definitions are billed prompt text: a record's tokens (what train_tokens and the cost estimate sum) include them.
      const definitions = countToolDefinitionsTokens(record.example.tools, 'o200k_base');
      expect(definitions).toBeGreaterThan(0);
      expect(record.tokens).toBe(countMessagesTokens(record.example.messages, 'o200k_base') + definitions);
    }
    type Message = {
      role: string;
      content?: string;
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
      tool_call_id?: string;
    };
    const roles = (r: CuratedRecord) => (r.example.messages as Message[]).map((m) => m.role);
    expect(roles(examples[0])).toEqual(['system', ...Array(3).fill(['user', 'assistant', 'tool', 'assistant']).flat()]);
    expect(roles(examples[1])).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant']);
    // A call is learned like a reply: no reply rule takes a turn without text for a one-word reply.
    for (const record of examples)
      expect((record.example.messages as { weight?: number }[]).every((m) => m.weight === undefined)).toBe(true);

    const t100 = examples[1].example.messages as Message[];
    expect(JSON.stringify(examples[1].example)).not.toMatch(/li\.wei|Li Wei|7946|billing\.team/);
    const resend = (examples[1].example.tools as { function: { name: string; description: string } }[])[1].function;
    expect(resend).toMatchObject({ name: 'resend_receipt', description: 'Sends the receipt of an order again, with a copy to [EMAIL_2].' });
    expect(t100[1].content).toBe('Where is order 5521? And please resend the receipt to [EMAIL_1]');
    const calls = t100[2].tool_calls!;
    expect(calls.map((c) => [c.id, c.function.name])).toEqual([
      ['call_Xq1', 'get_order'],
      ['call_Xq2', 'resend_receipt'],
    ]);
    expect(JSON.parse(calls[1].function.arguments)).toEqual({ order_id: '5521', email: '[EMAIL_1]' });
    expect(t100.slice(3, 5).map((m) => m.tool_call_id)).toEqual(['call_Xq2', 'call_Xq1']);
    expect(JSON.parse(t100[4].content!)).toMatchObject({
      status: 'shipped',
      ship_to: expect.stringMatching(/^\[PERSON_\d\], phone \[PHONE_1\]$/),
    });
    expect(t100[5].content).toBe('Order 5521 has shipped and arrives on 6 March. I have sent the receipt to [EMAIL_1] again.');
  });
});
