import type { Conversation, Turn } from '../../../src/shared/ingest/types';
import { ExampleBuilder, type ExampleMessage } from '../../../src/shared/dataset/examples';
import { INTENT_TASK_SYSTEM_PROMPT, intentTaskMessages } from '../../../src/shared/dataset/intentTask';
import { countExampleTokens, countMessagesTokens, countToolDefinitionsTokens } from '../../../src/shared/dataset/tokens';
import { validateExample } from '../../../src/shared/dataset/validate';

const model = 'gpt-4o-mini-2024-07-18';
const systemPrompt = 'You are a helpful customer service assistant.';

function conv(turns: Turn[], extra: Partial<Conversation> = {}): Conversation {
  return {
    kind: 'conversation',
    conversationId: 'c-1',
    turns,
    source: { file: 'a.jsonl', line: 1, record: '{}' },
    ...extra,
  };
}
const u = (content: string): Turn => ({ role: 'user', content });
const a = (content: string, weight?: 0 | 1): Turn => ({ role: 'assistant', content, ...(weight === undefined ? {} : { weight }) });

describe('ExampleBuilder', () => {
  const builder = new ExampleBuilder({ model, systemPrompt });

  it('builds system + turns, drops trailing customer turns, carries weight and counts tokens', () => {
    const r = builder.build(
      conv([u('my parcel is late'), a('sorry, let me check', 0), u('ok'), a('it arrives tomorrow'), u('thanks bye')]),
    );
    if (!r.ok) throw new Error(r.detail);
    expect(r.examples).toHaveLength(1);
    const [ex] = r.examples;
    expect(ex.kind).toBe('conversation');
    expect(ex.example.messages).toEqual([
      { role: 'system', content: systemPrompt },
      { role: 'user', content: 'my parcel is late' },
      { role: 'assistant', content: 'sorry, let me check', weight: 0 },
      { role: 'user', content: 'ok' },
      { role: 'assistant', content: 'it arrives tomorrow' },
    ]);
    expect(ex.tokens).toBe(countMessagesTokens(ex.example.messages, 'o200k_base'));
    expect(validateExample(ex.example, { model }).issues).toEqual([]);
  });

  it('leaves the system message out when the prompt is empty', () => {
    const r = new ExampleBuilder({ model, systemPrompt: '' }).build(conv([u('q'), a('a')]));
    expect(r.ok && r.examples[0].example.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
  });

  it('rejects a conversation without an assistant turn', () => {
    expect(builder.build(conv([u('hello?'), u('anyone?')]))).toMatchObject({ ok: false, reason: 'no-assistant-turn' });
  });

  it('says so of a ready-made line whose every reply has weight 0, as of a conversation', () => {
    const ready = (weights: (0 | 1 | undefined)[]): Conversation => ({
      ...conv([]),
      kind: 'ready',
      ready: {
        messages: weights.flatMap((weight) => [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', ...(weight === undefined ? {} : { weight }) },
        ]),
      },
    });
    expect(builder.build(ready([0, 0]))).toMatchObject({ ok: true, notes: ['all-replies-weight0'] });
    expect(builder.build(ready([0, undefined]))).toMatchObject({ ok: true, notes: [] });
    expect(builder.build(ready([0, 1]))).toMatchObject({ ok: true, notes: [] });
  });

  it('keeps a conversation whose every reply has weight 0 as context, and says so', () => {
    const r = builder.build(conv([u('q'), a('a', 0)]));
    expect(r.ok && r.notes).toContain('all-replies-weight0');
    expect(r.ok && r.examples[0].example.messages).toEqual([
      { role: 'system', content: systemPrompt },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a', weight: 0 },
    ]);
    const turns: Turn[] = [];
    for (let i = 0; i < 6; i++)
      turns.push(u(`question ${i} ` + 'about my order '.repeat(20)), a(`answer ${i} ` + 'we will look into it '.repeat(20), 0));
    const split = new ExampleBuilder({ model, systemPrompt, maxExampleTokens: 400, intentExamples: false }).build(conv(turns));
    expect(split.ok && split.examples.length).toBeGreaterThan(1);
  });

  it('adds an intent-labelling example for conversations with an issue type', () => {
    const turns = [u('I was charged twice'), a('refunded')];
    const r = builder.build(conv(turns, { issueType: 'Billing' }));
    if (!r.ok) throw new Error(r.detail);
    expect(r.examples.map((e) => e.kind)).toEqual(['conversation', 'intent']);
    const intent = r.examples[1].example.messages as ExampleMessage[];
    expect(intent.slice(0, 2)).toEqual(intentTaskMessages(turns));
    expect(intent[0].content).toBe(INTENT_TASK_SYSTEM_PROMPT);
    expect(intent[1].content).toContain('customer: I was charged twice\nagent: refunded');
    expect(intent[2]).toEqual({ role: 'assistant', content: 'billing' });
    // FAQ entries are not labelled
    const faq = builder.build(conv([u('opening hours?'), a('9 to 5')], { kind: 'faq', issueType: 'hours' }));
    expect(faq.ok && faq.examples.map((e) => e.kind)).toEqual(['faq']);
  });

  it('splits a long conversation at turn boundaries: every reply trained once, context kept, nothing truncated', () => {
    const turns: Turn[] = [];
    for (let i = 0; i < 12; i++)
      turns.push(u(`question ${i} ` + 'about my order '.repeat(20)), a(`answer ${i} ` + 'we will look into it '.repeat(20)));
    const small = new ExampleBuilder({ model, systemPrompt, maxExampleTokens: 400, intentExamples: false });
    const r = small.build(conv(turns));
    if (!r.ok) throw new Error(r.detail);
    expect(r.examples.length).toBeGreaterThan(1);
    const trained: string[] = [];
    for (const ex of r.examples) {
      const msgs = ex.example.messages as ExampleMessage[];
      expect(ex.tokens).toBeLessThanOrEqual(400);
      expect(ex.tokens).toBe(countMessagesTokens(msgs, 'o200k_base'));
      expect(msgs[0]).toEqual({ role: 'system', content: systemPrompt });
      expect(msgs[msgs.length - 1].role).toBe('assistant');
      for (const m of msgs) if (m.role === 'assistant' && m.weight !== 0) trained.push(m.content ?? '');
      // every message is a whole turn of the conversation
      for (const m of msgs.slice(1)) expect(turns.some((t) => t.content === m.content)).toBe(true);
      expect(validateExample(ex.example, { model, maxExampleTokens: 400 }).issues).toEqual([]);
    }
    expect(trained).toEqual(turns.filter((t) => t.role === 'assistant').map((t) => t.content));
    // later examples carry earlier turns as context
    const second = r.examples[1].example.messages as ExampleMessage[];
    expect(second.some((m) => m.role === 'assistant' && m.weight === 0)).toBe(true);
  });

  it('rejects a conversation with a single turn that cannot fit, naming the turn', () => {
    const small = new ExampleBuilder({ model, systemPrompt, maxExampleTokens: 200 });
    const r = small.build(conv([u('hi'), a('hello'), u('long '.repeat(500)), a('ok')]));
    expect(r).toMatchObject({ ok: false, reason: 'turn-too-long' });
    expect(!r.ok && r.detail).toMatch(/^turn 3 \(user, \d+ tokens\) cannot fit/);
  });

  it('passes ready examples through unchanged after validation, and rejects invalid ones with the rule', () => {
    const messages = [
      { role: 'system', content: 'custom' },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a', weight: 1 },
    ];
    const ready = conv([], { kind: 'ready', ready: { messages } });
    const r = builder.build(ready);
    expect(r.ok && r.examples[0]).toMatchObject({ kind: 'ready', example: { messages } });
    const bad = builder.build(conv([], { kind: 'ready', ready: { messages: [{ role: 'user', content: 'q' }] } }));
    expect(bad).toMatchObject({ ok: false, reason: 'invalid-example:no-assistant-message' });
    expect(!bad.ok && bad.detail).toMatch(/last message must be from the assistant/);
  });
  describe('tool definitions count against the limit and the cost', () => {
    // A support desk's order-lookup tool, described as such tools usually are.
    const tools = [
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          description: 'Look up an order by its number and return its status, carrier and expected delivery date.',
          parameters: {
            type: 'object',
            properties: {
              order_number: { type: 'string', description: 'The order number as printed on the confirmation email.' },
              include: { type: 'string', description: 'Which details to return.', enum: ['status', 'tracking', 'items'] },
            },
            required: ['order_number'],
          },
        },
      },
    ];
    const toolTokens = countToolDefinitionsTokens(tools, 'o200k_base');

    it('an example with tools counts its definitions too', () => {
      const turns = [u('where is my parcel?'), a('it arrives tomorrow')];
      const withTools = builder.build(conv(turns, { tools }));
      const without = builder.build(conv(turns));
      if (!withTools.ok || !without.ok) throw new Error('not built');
      const [ex] = withTools.examples;
      expect(ex.example.tools).toEqual(tools);
      expect(toolTokens).toBeGreaterThan(0);
      expect(ex.tokens).toBe(without.examples[0].tokens + toolTokens);
      expect(ex.tokens).toBe(countExampleTokens(ex.example, 'o200k_base'));
    });

    it('splitting a long conversation reserves room for the definitions in every example', () => {
      const turns: Turn[] = [];
      for (let i = 0; i < 12; i++)
        turns.push(u(`question ${i} ` + 'about my order '.repeat(20)), a(`answer ${i} ` + 'we will look into it '.repeat(20)));
      const limit = 400;
      const small = new ExampleBuilder({ model, systemPrompt, maxExampleTokens: limit, intentExamples: false });
      const r = small.build(conv(turns, { tools }));
      if (!r.ok) throw new Error(r.detail);
      expect(r.examples.length).toBeGreaterThan(1);
      for (const ex of r.examples) {
        expect(ex.tokens).toBe(countExampleTokens(ex.example, 'o200k_base'));
        expect(ex.tokens).toBeLessThanOrEqual(limit);
        expect(validateExample(ex.example, { model, maxExampleTokens: limit }).issues).toEqual([]);
      }
    });

    it('names the definitions when a turn cannot fit beside them', () => {
      const turns = [u('where is my parcel?'), a('it arrives tomorrow')];
      const fitsAlone = builder.build(conv(turns));
      if (!fitsAlone.ok) throw new Error(fitsAlone.detail);
      const limit = fitsAlone.examples[0].tokens;
      const r = new ExampleBuilder({ model, systemPrompt, maxExampleTokens: limit, intentExamples: false }).build(conv(turns, { tools }));
      expect(r).toMatchObject({ ok: false, reason: 'turn-too-long' });
      expect(!r.ok && r.detail).toMatch(new RegExp(`and the tool definitions \\(${toolTokens} tokens, estimated\\)`));
    });

    it.each(['tools', 'functions'] as const)(
      'quarantines a ready-made line whose messages fit but whose messages + %s exceed the limit',
      (key) => {
        const messages = [
          { role: 'user', content: 'where is order 5?' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_number":"5"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
          { role: 'assistant', content: 'It has shipped.' },
        ];
        const definitions = key === 'tools' ? tools : tools.map((t) => t.function);
        const limit = countMessagesTokens(messages, 'o200k_base') + 1;
        const strict = new ExampleBuilder({ model, systemPrompt, maxExampleTokens: limit });
        const bare = strict.build(conv([], { kind: 'ready', ready: { messages } }));
        expect(bare.ok).toBe(true);
        const r = strict.build(conv([], { kind: 'ready', ready: { messages, [key]: definitions } }));
        expect(r).toMatchObject({ ok: false, reason: 'invalid-example:too-many-tokens' });
        expect(!r.ok && r.detail).toMatch(`${toolTokens} of them its tool definitions, estimated`);
        // Within the limit, the line's tokens (what the cost estimate sums) include the definitions.
        const roomy = builder.build(conv([], { kind: 'ready', ready: { messages, [key]: definitions } }));
        expect(roomy.ok && roomy.examples[0].tokens).toBe(countMessagesTokens(messages, 'o200k_base') + toolTokens);
      },
    );
  });
});
