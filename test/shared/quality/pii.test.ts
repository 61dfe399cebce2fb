import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { STRUCTURED_TYPES, loadPresidioCorpus, presidioSplit, scoreCorpus } from '../../../src/shared/quality/pii/corpus';
import { createLocalDetector, createRedactionStage, detectLocal, type RedactionSummary } from '../../../src/shared/quality/pii/redact';
import { isPhoneNumber } from '../../../src/shared/quality/pii/structured';
import { isCardNumber, isIban, isSsn, luhnValid } from '../../../src/shared/quality/pii/validators';
import { conversation } from './helpers';

const CORPUS = join(__dirname, '../../fixtures/corpora/presidio_synth_pii/synth_dataset_v2.json');

describe('validators', () => {
  it('checks Luhn, card prefixes, IBAN mod-97 and SSN rules', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1112')).toBe(false);
    expect(isCardNumber('4111-1111-1111-1111')).toBe(true);
    expect(isCardNumber('9111111111111111119')).toBe(false); // no issuer starts with 9
    expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIban('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('DE8937040044053201300')).toBe(false); // wrong length for DE
    expect(isSsn('123-45-6789')).toBe(true);
    for (const bad of ['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000', '078-05-1120']) {
      expect(isSsn(bad)).toBe(false);
    }
  });

  it('tells phone numbers from dates, amounts and house numbers', () => {
    for (const phone of ['+1-984-182-0190', '+46 (0)8 928 571 38', '(602)272-9781', '0490 75 40 81', '467 3395', '+447700 921 916']) {
      expect(isPhoneNumber(phone)).toBe(true);
    }
    for (const not of ['2026-01-15', '1 000 000', '9816 214', '75534-030', '12.50', '+999 123']) {
      expect(isPhoneNumber(not)).toBe(false);
    }
  });
});

describe('local redaction', () => {
  it('replaces each type with a numbered placeholder, the same value with the same one across turns', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector({ idPatterns: [/\bORD-\d{6}\b/g] }) });
    const result = await stage.apply(
      conversation('p1', [
        ['user', 'Hi, I am Maria Gonzalez. My card 4111 1111 1111 1111 was charged twice for ORD-123456, mail me at maria.g@example.com.'],
        [
          'assistant',
          'Thanks Maria Gonzalez, I emailed maria.g@example.com and refunded card 4111-1111-1111-1111. Call +44 20 7946 0958 if needed.',
        ],
        [
          'user',
          'My IBAN is GB82 WEST 1234 5698 7654 32 and I live at 24 Clarke Avenue. Reset link: https://example.com/reset?token=abcdef123456',
        ],
      ]),
    );
    expect(result.action).toBe('keep');
    if (result.action !== 'keep') return;
    const [u1, a1, u2] = result.conversation.turns.map((t) => t.content);
    expect(u1).toBe('Hi, I am [PERSON_1]. My card [CARD_1] was charged twice for [ID_1], mail me at [EMAIL_1].');
    expect(a1).toBe('Thanks [PERSON_1], I emailed [EMAIL_1] and refunded card [CARD_1]. Call [PHONE_1] if needed.');
    expect(u2).toBe('My IBAN is [IBAN_1] and I live at [ADDRESS_1]. Reset link: [URL_1]');
    expect(stage.summary!()).toMatchObject({
      conversations: 1,
      conversationsWithPii: 1,
      redactions: { PERSON: 2, CARD: 2, ID: 1, EMAIL: 2, PHONE: 1, IBAN: 1, ADDRESS: 1, URL: 1 },
    });
  });

  it('analyses a repeated text once per detector and gives every caller the same spans as a fresh analysis', async () => {
    const detector = createLocalDetector({ idPatterns: [/\bORD-\d{6}\b/g] });
    const texts = [
      'Hi, I am Maria Gonzalez, order ORD-123456, card 4111 1111 1111 1111.',
      'You are welcome! Is there anything else I can help you with?',
      'Hi, I am Maria Gonzalez, order ORD-123456, card 4111 1111 1111 1111.',
      'Please send it to 24 Clarke Avenue, John Smith will sign.',
    ];
    const first = await detector.detect(texts);
    const fresh = texts.map((t) => detectLocal(t, { idPatterns: [/\bORD-\d{6}\b/g] }));
    expect(first).toEqual(fresh);
    expect(first[0].map((s) => s.type).sort()).toEqual(['CARD', 'ID', 'PERSON']);
    // What a caller does with its spans does not leak into the next answer for the same text.
    first[0][0].value = 'changed';
    first[0].length = 0;
    expect(await detector.detect([texts[0]])).toEqual([fresh[0]]);
  });

  it('takes a capitalised name mentioned with "@" for a person, not an e-mail\'s domain, a camel-case handle or an ordinary word', () => {
    const people = (text: string) => detectLocal(text, { language: 'en' }).map((s) => `${s.type}:${s.value}`);
    // Chat apps (Slack, Discord, Teams) write a mention as "@" and the person's name; before, the
    // "@" hid it from the name rules ("@Dana Lee's account" kept the name).
    expect(people("Yes, the fix applies to every future invoice of @Dana Lee's account.")).toEqual(['PERSON:Dana Lee']);
    expect(people('Sorry about that @Ana! The update moved saves.')).toEqual(['PERSON:Ana']);
    expect(people('Hi @Xiuying, can you try again?')).toEqual(['PERSON:Xiuying']);
    expect(people('mail jane@Example.com now')).toEqual(['EMAIL:jane@Example.com']);
    for (const kept of [
      '@AppleSupport my iphone is broken',
      'cc @Support Team',
      'use the @Override annotation',
      'Hey @here, the release is out',
    ])
      expect(people(kept)).toEqual([]);
  });

  it('takes a lower-case handle after "@" for a person, in any language, but not a group mention, a brand account, a word, a time or a domain', () => {
    const people = (text: string, language = 'en') => detectLocal(text, { language }).map((s) => `${s.type}:${s.value}`);
    // Discord's user names and many Slack display names are lower case; before, "@ana_plays" was kept.
    expect(people('Thanks @ana_plays, the save is back.')).toEqual(['PERSON:ana_plays']);
    expect(people('@dana.lee can you check the invoice?')).toEqual(['PERSON:dana.lee']);
    expect(people('ping @jsmith42 about it.')).toEqual(['PERSON:jsmith42']);
    expect(people('@mark will call you back')).toEqual(['PERSON:mark']);
    // People whose names hold an account word ("care", "bot", "shop", "ask") are people.
    for (const name of ['carey', 'jcarey92', 'talbot', 'knapp', 'askari', 'macarena'])
      expect(people(`thanks @${name} for the quick fix`)).toEqual([`PERSON:${name}`]);
    expect(people('@ana_plays 你的存档已经恢复了', 'zh')).toEqual(['PERSON:ana_plays']);
    expect(people('@ana_plays ขอบคุณครับ', 'th')).toEqual(['PERSON:ana_plays']);
    // The "@" is kept: "@[PERSON_1]", as for a capitalised mention.
    const [span] = detectLocal('hi @ana_plays!');
    expect([span.start, span.end]).toEqual([4, 13]);
    for (const kept of [
      '@here the release is out',
      '@everyone maintenance tonight',
      '@support can you look at this',
      '@sprintcare my phone has no signal',
      '@amazonhelp where is my parcel',
      '@ask_spectrum outage again',
      '@acme_bot help',
      "I'm @home now",
      'see you @10am',
      'write to me @gmail.com',
      'mail dana.lee@example.com',
      'open https://x.com/@dana.lee',
      // Code pasted into the chat: decorators, annotations, style rules, package scopes.
      'my class has @staticmethod on it',
      'it fails in @app.route("/orders")',
      'see @param orderId in the docs',
      'I use @pytest.fixture for the client',
      'install @vue/cli first',
      'the `@dana` placeholder in the template',
      '@keyframes spin is broken',
    ])
      expect(people(kept).filter((p) => p.startsWith('PERSON'))).toEqual([]);
  });

  it('leaves ordinary text, plain links, dates, amounts and order quantities alone', () => {
    const text =
      'Your order of 3 items shipped on 2026-01-15 for $1,249.99; track it at https://example.com/track. ' +
      'Version 10.2.1 fixes it; restart the router and wait 30 seconds.';
    expect(detectLocal(text)).toEqual([]);
  });

  it('keeps types apart where digits could pass for another type', () => {
    // 447700900031 passes Luhn, but a +44 number grouped 2-4-6 is a phone, not a card.
    expect(detectLocal('Call me on +44 7700 900031 today').map((s) => [s.type, s.value])).toEqual([['PHONE', '+44 7700 900031']]);
    expect(detectLocal('My new address is 101 Oak Avenue, thanks').map((s) => [s.type, s.value])).toEqual([['ADDRESS', '101 Oak Avenue']]);
    expect(detectLocal('Ship to 36 rue de pologne please').map((s) => [s.type, s.value])).toEqual([['ADDRESS', '36 rue de pologne']]);
  });

  it('redacts IPv4 and IPv6 addresses that parse, not version numbers', () => {
    const spans = detectLocal('Blocked 192.168.10.20 and 2001:db8::ff00:42:8329, not 999.1.1.1 or 1.2.3');
    expect(spans.map((s) => [s.type, s.value])).toEqual([
      ['IP', '192.168.10.20'],
      ['IP', '2001:db8::ff00:42:8329'],
    ]);
  });

  it('handles pathological input (long digit runs, long tokens) without finding anything', () => {
    // The phone pattern once backtracked over ways to split a digit run and the NLP libraries are
    // quadratic on long tokens; with those fixed, these return at once (a regression hangs here).
    expect(detectLocal('1'.repeat(20000) + 'a')).toEqual([]);
    expect(detectLocal('x'.repeat(50000))).toEqual([]);
    expect(detectLocal('12-'.repeat(5000) + 'x')).toEqual([]);
  });

  it('redacts the text of ready-made examples', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const ready = {
      ...conversation('r1', []),
      kind: 'ready' as const,
      ready: {
        messages: [
          { role: 'user', content: 'email me: a.b@example.org' },
          { role: 'assistant', content: 'Sent to a.b@example.org.' },
        ],
      },
    };
    const result = await stage.apply(ready);
    expect(result.action === 'keep' && result.conversation.ready?.messages).toEqual([
      { role: 'user', content: 'email me: [EMAIL_1]' },
      { role: 'assistant', content: 'Sent to [EMAIL_1].' },
    ]);
  });
});

describe('ready-made examples with tool calls', () => {
  it('redacts string values inside tool-call arguments and keeps the JSON valid', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const args = JSON.stringify({ email: 'li.wei@example.com', order: 'A-1', note: 'card 4111 1111 1111 1111' });
    const ready = {
      ...conversation('t1', []),
      kind: 'ready' as const,
      ready: {
        messages: [
          { role: 'user', content: 'Resend my receipt to li.wei@example.com' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'resend', arguments: args } }] },
          {
            role: 'assistant',
            content: 'Done.',
            tool_calls: [{ id: 'c2', type: 'function', function: { name: 'noop', arguments: '{ "x": 1 }' } }],
          },
        ],
      },
    };
    const result = await stage.apply(ready);
    if (result.action !== 'keep') throw new Error('dropped');
    const messages = result.conversation.ready!.messages as { content: unknown; tool_calls?: { function: { arguments: string } }[] }[];
    expect(messages[0].content).toBe('Resend my receipt to [EMAIL_1]');
    expect(JSON.parse(messages[1].tool_calls![0].function.arguments)).toEqual({ email: '[EMAIL_1]', order: 'A-1', note: 'card [CARD_1]' });
    expect(messages[2].tool_calls![0].function.arguments).toBe('{ "x": 1 }');
  });
});

describe('ready-made tool definitions', () => {
  it('redacts personal data in tool and function descriptions, enum values and examples, and leaves names, ids and structure alone', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const args = JSON.stringify({ to: 'jane.doe@shoply.com', reason: 'refund' });
    const tools = [
      {
        type: 'function',
        function: {
          name: 'escalate_to_supervisor',
          description: 'Escalates the case to the supervisor on duty, Jane Doe (jane.doe@shoply.com, +44 20 7946 0958).',
          parameters: {
            type: 'object',
            properties: {
              to: { type: 'string', description: 'Whom to write to', enum: ['jane.doe@shoply.com', 'returns@shoply.com'] },
              reason: { type: 'string', description: 'Why the case is escalated', examples: ['Customer 07700 900123 was charged twice'] },
              // A property called "description" is a name, not text.
              description: { type: 'string' },
            },
            required: ['to', 'reason'],
          },
        },
      },
      {
        type: 'function',
        function: { name: 'lookup_order', description: 'Looks up an order by its number.', parameters: { type: 'object' } },
      },
    ];
    const functions = [{ name: 'call_back', description: 'Calls the customer back on 020 7946 0958.', parameters: { type: 'object' } }];
    const messages = [
      { role: 'user', content: 'Please escalate, I was charged twice.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_jane_1', type: 'function', function: { name: 'escalate_to_supervisor', arguments: args } }],
      },
      { role: 'tool', tool_call_id: 'call_jane_1', content: '{"status": "escalated"}' },
      { role: 'assistant', content: 'I have escalated your case.' },
    ];
    const result = await stage.apply({ ...conversation('tools1', []), kind: 'ready' as const, ready: { messages, tools, functions } });
    if (result.action !== 'keep') throw new Error('dropped');
    const ready = result.conversation.ready!;
    const text = JSON.stringify([ready.tools, ready.functions]);
    expect(text).not.toMatch(/jane|doe@|7946|07700/i);
    type Definition = {
      function: { name: string; description: string; parameters: { properties: Record<string, unknown>; required: string[] } };
    };
    const fn = (ready.tools as Definition[])[0].function;
    expect(fn.name).toBe('escalate_to_supervisor');
    expect(fn.description).toBe('Escalates the case to the supervisor on duty, [PERSON_1] ([EMAIL_1], [PHONE_1]).');
    // The enum value gets the placeholder the argument got, so the call still matches the schema.
    const sent = ready.messages[1] as { tool_calls: { id: string; function: { arguments: string } }[] };
    expect(JSON.parse(sent.tool_calls[0].function.arguments)).toEqual({ to: '[EMAIL_1]', reason: 'refund' });
    expect((fn.parameters.properties.to as { enum: string[] }).enum).toEqual(['[EMAIL_1]', '[EMAIL_2]']);
    expect((fn.parameters.properties.reason as { examples: string[] }).examples).toEqual(['Customer [PHONE_2] was charged twice']);
    expect(fn.parameters.properties.description).toEqual({ type: 'string' });
    expect(fn.parameters.required).toEqual(['to', 'reason']);
    expect(sent.tool_calls[0].id).toBe('call_jane_1');
    expect((ready.messages[2] as { tool_call_id: string }).tool_call_id).toBe('call_jane_1');
    expect((ready.tools as typeof tools)[1]).toEqual(tools[1]);
    expect((ready.functions as typeof functions)[0]).toEqual({ ...functions[0], description: 'Calls the customer back on [PHONE_3].' });
  });
});

describe('ready-made participant names', () => {
  const redactReady = async (messages: Record<string, unknown>[]) => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const result = await stage.apply({ ...conversation('n1', []), kind: 'ready' as const, ready: { messages } });
    if (result.action !== 'keep') throw new Error('dropped');
    return { messages: result.conversation.ready!.messages as Record<string, unknown>[], summary: stage.summary?.() as RedactionSummary };
  };

  it("replaces a person's name in `name` by the placeholder the content gives that person", async () => {
    const { messages, summary } = await redactReady([
      { role: 'user', name: 'jane_doe', content: 'Hi, I am Jane Doe and my parcel is late.' },
      { role: 'assistant', name: 'Agent Tom', content: 'Sorry Jane, it ships tomorrow.' },
      { role: 'user', name: 'JaneDoe', content: 'Thanks!' },
      { role: 'assistant', name: 'Tom', content: 'You are welcome.' },
    ]);
    expect(messages.map((m) => m.content)).toEqual([
      'Hi, I am [PERSON_1] and my parcel is late.',
      'Sorry [PERSON_1], it ships tomorrow.',
      'Thanks!',
      'You are welcome.',
    ]);
    // No brackets: OpenAI's API reference used to allow only letters, digits and _ in a name.
    expect(messages.map((m) => m.name)).toEqual(['PERSON_1', 'PERSON_2', 'PERSON_1', 'PERSON_2']);
    expect(JSON.stringify(messages)).not.toMatch(/jane|\btom\b/i);
    expect(summary.redactions.PERSON).toBe(2 + 4);
  });

  it('keeps labels of role words and numbers, and function names', async () => {
    const { messages } = await redactReady([
      { role: 'system', name: 'example_user', content: 'Where is my order?' },
      { role: 'system', name: 'example_assistant', content: 'It ships tomorrow.' },
      { role: 'user', name: 'customer-2', content: 'Where is my parcel?' },
      { role: 'assistant', content: null, function_call: { name: 'lookup_order', arguments: '{}' } },
      { role: 'function', name: 'lookup_order', content: '{"status": "shipped"}' },
      { role: 'assistant', name: 'support_bot', content: 'It has shipped.' },
    ]);
    expect(messages.map((m) => m.name)).toEqual([
      'example_user',
      'example_assistant',
      'customer-2',
      undefined,
      'lookup_order',
      'support_bot',
    ]);
  });

  it('takes a label it cannot tell from a handle for a person', async () => {
    const { messages } = await redactReady([
      { role: 'user', name: 'jdoe42', content: 'Where is my parcel?' },
      { role: 'assistant', content: 'It ships tomorrow.' },
    ]);
    expect(messages[0].name).toBe('PERSON_1');
  });
});

describe('recall and precision on the presidio synthetic PII corpus', () => {
  it('meets the targets per type, on the whole corpus and on the held-out half', async () => {
    // A missing corpus fails the test rather than skipping the targets silently.
    if (!existsSync(CORPUS))
      throw new Error(`${CORPUS} not found: the PII targets are measured on test/fixtures/corpora/presidio_synth_pii`);
    const items = await loadPresidioCorpus(CORPUS);
    expect(items).toHaveLength(1500);
    // The corpus is English; the hint spares a language guess per sentence.
    const predictions = items.map((i) => detectLocal(i.full_text, { language: 'en' }));
    const score = scoreCorpus(items, predictions);
    // The name rules were tuned looking at odd template ids only: the even ones are the test.
    const heldOut = items.map((item, i) => (presidioSplit(item) === 'held-out' ? i : -1)).filter((i) => i >= 0);
    const held = scoreCorpus(
      heldOut.map((i) => items[i]),
      heldOut.map((i) => predictions[i]),
    );
    const table = (s: typeof score) =>
      Object.fromEntries(
        Object.entries(s).map(([t, v]) => [t, { recall: +v.recall.toFixed(3), precision: +v.precision.toFixed(3), gold: v.gold }]),
      );
    // Printed so a failing run shows every number, not just the first miss.
    console.log(JSON.stringify({ all: table(score), heldOut: table(held) }));
    for (const type of STRUCTURED_TYPES) {
      expect({ type, recall: score[type].recall >= 0.95 }).toEqual({ type, recall: true });
      expect({ type, precision: score[type].precision >= 0.9 }).toEqual({ type, precision: true });
    }
    for (const s of [score, held]) {
      expect(s.PERSON.recall).toBeGreaterThanOrEqual(0.85);
      expect(s.PERSON.precision).toBeGreaterThanOrEqual(0.8);
      expect(s.ADDRESS.recall).toBeGreaterThanOrEqual(0.85);
      expect(s.ADDRESS.precision).toBeGreaterThanOrEqual(0.9);
    }
    expect(heldOut.length).toBeGreaterThan(700);
    expect(score.EMAIL.gold).toBe(49);
  });
});
