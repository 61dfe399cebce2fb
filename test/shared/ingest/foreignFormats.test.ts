import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMappingText, MappingError } from '../../../src/shared/ingest/mapping';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, feedbacks, jsonl, parseAll, rejections } from './helpers';

const fixture = (...parts: string[]) => readFileSync(join(__dirname, '..', '..', 'fixtures', ...parts));
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('public dialogue data (JSON documents, streamed)', () => {
  test('Schema-Guided Dialogue: a pretty-printed array, USER/SYSTEM turns, element lines', async () => {
    const text = fixture('corpora', 'sgd_banks', 'dialogues_039_first3.json');
    const items = await parseAll(text, {}, 4096);
    expect(items).toHaveLength(3);
    const [first] = conversations(items);
    expect(first.conversationId).toBe('39_00123');
    expect(first.issueType).toBe('Banks_1');
    expect(first.turns[0]).toEqual({ role: 'user', content: 'I would like to transfer 820 bucks to a checking account.' });
    expect(first.turns[1].role).toBe('assistant');
    expect(first.turns.every((t, i) => t.role === (i % 2 ? 'assistant' : 'user'))).toBe(true);
    // The element's starting line in the file, and its original text.
    const lines = text.toString('utf8').split('\n');
    for (const c of conversations(items)) {
      expect(lines[c.source.line - 1].trim()).toBe('{');
      expect(JSON.parse(c.source.record).dialogue_id).toBe(c.conversationId);
    }
  });

  test('Taskmaster-4: "utterances" of user/assistant speakers', async () => {
    const items = await parseAll(fixture('corpora', 'taskmaster4', 'data_07_first5.json'), {}, 1000);
    expect(reasons(items)).toEqual(Array(5).fill('conversation'));
    const c = conversations(items)[0];
    expect(c.conversationId).toMatch(/^dlg-/);
    expect(c.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

describe('exports of support tools (hand-written, API shapes)', () => {
  test('Zendesk: requester → user, other public comments → assistant, private comments never used', async () => {
    const items = await parseAll(fixture('formats', 'zendesk_tickets.json'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    const [billing, parcel] = conversations(items);
    expect(billing).toMatchObject({ conversationId: '35436', channel: 'email', csat: 5, setAside: { 'private-comment': 1 } });
    expect(billing.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: Hi, I was charged twice for order 1182.',
      'assistant: Sorry about that! I have refunded the second charge & you will see it in 3 days.',
      'user: Thank you!',
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toContain('legacy plan');
    expect(parcel).toMatchObject({ csat: 1, turns: [{ role: 'user' }, { role: 'assistant', content: 'It is out for delivery today.' }] });
    const [oneSided] = rejections(items);
    expect(oneSided.detail).toMatch(/element 2 of "tickets" \(line \d+\): ticket 35438 has no reply from the support side/);
  });

  test('Zendesk satisfaction ratings (API document, JSON lines, CSV export): ticket_id + score is feedback; good → 5, bad → 1; an unanswered survey is quarantined as such', async () => {
    const ratings = [
      { id: 1, ticket_id: 35436, score: 'good', comment: 'Quick and friendly', created_at: '2026-11-01T10:00:00Z' },
      { id: 2, ticket_id: 35437, score: 'bad_with_comment', comment: 'Took days', reason: 'Issue took too long to resolve' },
      { id: 3, ticket_id: 35438, score: 'offered' },
    ];
    const document = Buffer.from(JSON.stringify({ satisfaction_ratings: ratings, next_page: null, count: 3 }, null, 2));
    const csv = Buffer.from('Ticket ID,Score,Comment\n35436,good,Quick and friendly\n35437,bad,Took days\n35438,offered,\n');
    for (const data of [document, Buffer.from(jsonl(...ratings)), csv]) {
      const items = await parseAll(data, {}, 64);
      expect(feedbacks(items).map((f) => [f.conversationId, f.rating, f.comment])).toEqual([
        ['35436', 5, 'Quick and friendly'],
        ['35437', 1, 'Took days'],
      ]);
      expect(rejections(items).map((r) => r.reason)).toEqual(['unrated-survey']);
    }
  });

  test('Zendesk ticket ratings are read by the shared rating parser: any case, *_with_comment; offered/unoffered are no rating', async () => {
    const ticket = (id: number, score: unknown) => ({
      id,
      requester_id: 1,
      satisfaction_rating: { score },
      comments: [
        { author_id: 1, public: true, plain_body: 'Where is my parcel?' },
        { author_id: 2, public: true, plain_body: 'It is out for delivery today.' },
      ],
    });
    const scores = ['good', 'bad', 'Good', ' BAD ', 'good_with_comment', 'bad_with_comment', 'offered', 'unoffered', 'meh'];
    const items = await parseAll(jsonl(...scores.map((score, i) => ticket(i + 1, score))), {}, 64);
    expect(reasons(items)).toEqual(scores.map(() => 'conversation'));
    // Before, only the exact lower-case good/bad counted: a converter writing "Good" lost the rating.
    expect(conversations(items).map((c) => c.csat)).toEqual([5, 1, 5, 1, 5, 1, undefined, undefined, undefined]);
  });

  test('Zendesk: a "public" written as text or a number by a converter keeps internal notes out; no field is public', async () => {
    const comment = (author: number, visibility: Record<string, unknown>, text: string) => ({
      author_id: author,
      ...visibility,
      plain_body: text,
    });
    const ticket = (id: number, note: Record<string, unknown>) => ({
      id,
      requester_id: 557,
      comments: [
        comment(557, { public: true }, 'How do I update my billing address?'),
        comment(77, note, 'Internal: customer on the legacy plan.'),
        comment(77, {}, 'Go to Settings, then Billing, and edit the address.'),
      ],
    });
    const notes = [{ public: 'false' }, { public: 'FALSE ' }, { public: 0 }, { public: 'no' }, { public: null }, { public: 'internal' }];
    const items = await parseAll(jsonl(...notes.map((note, i) => ticket(i + 1, note))), {}, 64);
    expect(reasons(items)).toEqual(Array(notes.length).fill('conversation'));
    for (const c of conversations(items)) {
      expect(c.setAside).toEqual({ 'private-comment': 1 });
      expect(c.turns.map((t) => t.content)).toEqual([
        'How do I update my billing address?',
        'Go to Settings, then Billing, and edit the address.',
      ]);
    }
    // Written as text, a public comment stays public.
    const [shown] = conversations(await parseAll(jsonl(ticket(9, { public: 'true' })), {}, 64));
    expect(shown.setAside).toBeUndefined();
    expect(shown.turns.map((t) => t.content).join('\n')).toContain('legacy plan');
  });

  test('Intercom: source + parts, author types, HTML bodies, notes set aside, rating', async () => {
    const items = await parseAll(fixture('formats', 'intercom_conversations.json'), {}, 50);
    expect(reasons(items)).toEqual(['conversation', 'one-sided-conversation']);
    const [c] = conversations(items);
    expect(c).toMatchObject({ conversationId: '147', csat: 4, setAside: { 'internal-note': 1 } });
    expect(c.turns).toEqual([
      { role: 'user', content: 'Hi, how do I change my delivery address?', timestamp: '2025-03-01T09:00:00.000Z' },
      {
        role: 'assistant',
        content: 'Hello Ana! Open Orders, pick the order and choose Change address.',
        timestamp: '2025-03-01T09:03:20.000Z',
      },
      { role: 'user', content: 'Found it, thanks ♥', timestamp: '2025-03-01T09:05:00.000Z' },
    ]);
  });

  test('reply-linked threads (Twitter layout): chains rebuilt, ordered by time, handles removed, entities decoded', async () => {
    const items = await parseAll(fixture('formats', 'twitter_threads.csv'));
    expect(reasons(items).sort()).toEqual(['conversation', 'one-sided-conversation']);
    const [thread] = conversations(items);
    expect(thread.conversationId).toBe('119237');
    expect(thread.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: my order never arrived >:(',
      "assistant: Sorry to hear that! Which order is it? We'll check & get back to you.",
      'user: It is order 5521',
      'assistant: Thanks, it is on its way again, tracking sent by DM.',
    ]);
    expect(thread.source.line).toBe(2);
    expect(rejections(items)[0]).toMatchObject({ line: 6, reason: 'one-sided-conversation' });
  });

  test('reply-linked threads: inbound as Y/N is read like True/False; any other value rejects the thread and says what it accepts', async () => {
    const header = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id';
    const rows = [
      header,
      '1,cust,Y,Tue Oct 31 22:10:47 +0000 2017,my parcel is late,2,',
      '2,Help,n,Tue Oct 31 22:11:47 +0000 2017,Sorry! It arrives tomorrow.,,1',
      '3,cust,maybe,Tue Oct 31 22:12:47 +0000 2017,where is my refund,4,',
      '4,Help,N,Tue Oct 31 22:13:47 +0000 2017,It was sent today.,,3',
    ];
    const items = await parseAll(rows.join('\n') + '\n', {}, 64);
    expect(reasons(items).sort()).toEqual(['conversation', 'invalid-field:inbound']);
    expect(conversations(items)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(rejections(items)[0].detail).toMatch(/inbound "maybe"; expected True or False \(or 1\/0, yes\/no, y\/n\)/);
  });

  test('ShareGPT lines: human/gpt/system/user/assistant; a function_call that names no function is quarantined', async () => {
    const items = await parseAll(fixture('formats', 'sharegpt.jsonl'));
    // Tool turns themselves are read (test/shared/ingest/toolTurns.test.ts); "{}" is no call.
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'invalid-tool-turn']);
    expect(conversations(items)[0].turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant']);
    expect(rejections(items)[0]).toMatchObject({ line: 3, detail: expect.stringContaining('function_call') });
  });

  test('Alpaca array: instruction + input → user, output → assistant; an empty output is quarantined', async () => {
    const items = await parseAll(fixture('formats', 'alpaca.json'));
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'missing-field:output']);
    expect(conversations(items)[1].turns).toEqual([
      { role: 'user', content: "Answer the customer's question.\nCan I change the size of my order after paying?" },
      { role: 'assistant', content: 'Yes, as long as it has not shipped: open the order and choose Edit.' },
    ]);
    expect(rejections(items)[0]).toMatchObject({ line: 12, detail: expect.stringContaining('element 2') });
  });

  test('Alpaca: a number, list or object as instruction, input or output is quarantined naming the field, not stringified', async () => {
    const items = await parseAll(
      jsonl(
        { instruction: 42, output: 'The answer is forty-two.' },
        { instruction: 'How much is shipping?', output: 5 },
        { instruction: 'Translate', input: 7, output: 'sieben' },
        { instruction: ['How', 'do I'], output: 'Open the order and tap Cancel.' },
        { instruction: 'What are your opening hours?', input: { store: 'Berlin' }, output: 'We open 9 to 6.' },
        { instruction: 'How do I reset my password?', input: null, output: 'Use the Forgot password link.' },
        { instruction: 'What is your phone number?', output: null },
      ),
    );
    expect(reasons(items)).toEqual([
      'invalid-field:instruction',
      'invalid-field:output',
      'invalid-field:input',
      'invalid-field:instruction',
      'invalid-field:input',
      'conversation',
      'missing-field:output',
    ]);
    expect(rejections(items).map((r) => r.detail)).toEqual([
      '"instruction" must be a string, got 42',
      '"output" must be a string, got 5',
      '"input" must be a string, got 7',
      '"instruction" must be a string, got ["How","do I"]',
      '"input" must be a string, got {"store":"Berlin"}',
      '"output" is missing or null',
    ]);
    expect(conversations(items)[0].turns[0]).toEqual({ role: 'user', content: 'How do I reset my password?' });
  });

  test('Alpaca (LLaMA-Factory): "history" pairs become the turns before the pair and "system" a system turn; bad history is quarantined', async () => {
    const items = await parseAll(
      jsonl(
        {
          instruction: 'How do I return shoes that do not fit?',
          output: 'Print the label from your account.',
          history: [['Hi, I bought shoes last week.', 'Hello! How can I help?']],
          system: 'You are Shoply support.',
        },
        { instruction: 'And boots?', output: 'The same way.', history: [['Hi', 42]] },
        { instruction: 'And boots?', output: 'The same way.', history: 'Hi' },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'invalid-field:history', 'invalid-field:history']);
    const [withHistory] = conversations(items);
    expect(withHistory.kind).toBe('conversation');
    expect(withHistory.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'system: You are Shoply support.',
      'user: Hi, I bought shoes last week.',
      'assistant: Hello! How can I help?',
      'user: How do I return shoes that do not fit?',
      'assistant: Print the label from your account.',
    ]);
    expect(rejections(items)[0].detail).toBe('"history" pair 1 must be two strings [instruction, output], got ["Hi",42]');
  });

  test('ShareGPT: an empty "conversations" is an empty conversation, also as a file\'s first record or in an array', async () => {
    const good = {
      id: 'a',
      conversations: [
        { from: 'human', value: 'Where is my order?' },
        { from: 'gpt', value: 'It ships tomorrow.' },
      ],
    };
    const empty = { id: 'b', conversations: [] };
    for (const text of [jsonl(good, empty), jsonl(empty, good), JSON.stringify([good, empty], null, 2)]) {
      const items = await parseAll(text);
      const [rejection] = rejections(items);
      expect(rejection).toMatchObject({
        reason: 'empty-conversation',
        detail: expect.stringContaining('"conversations" is an empty list'),
      });
      expect(conversations(items)).toHaveLength(1);
    }
    // The same for a dialogue dataset's empty turn list.
    const dialogue = {
      dialogue_id: 'd1',
      turns: [
        { speaker: 'USER', utterance: 'hi' },
        { speaker: 'SYSTEM', utterance: 'hello' },
      ],
    };
    expect(reasons(await parseAll(jsonl(dialogue, { dialogue_id: 'd2', turns: [] })))).toEqual(['conversation', 'empty-conversation']);
  });

  test('ShareGPT: a later record whose first turn lacks "value" names the missing field, not "none of the formats"', async () => {
    const items = await parseAll(
      jsonl(
        {
          id: 'a',
          conversations: [
            { from: 'human', value: 'Where is my order?' },
            { from: 'gpt', value: 'It ships tomorrow.' },
          ],
        },
        { id: 'b', conversations: [{ from: 'human' }, { from: 'gpt', value: 'It ships tomorrow.' }] },
        { id: 'c', conversations: ['hi'] },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'missing-field:value', 'invalid-field:conversations']);
  });

  test('ShareGPT: a non-string "value" is quarantined like conversation JSONL text, not stringified', async () => {
    const items = await parseAll(
      jsonl({
        id: 'n',
        conversations: [
          { from: 'human', value: 'How many stores do you have?' },
          { from: 'gpt', value: 42 },
        ],
      }),
    );
    expect(rejections(items)).toMatchObject([{ reason: 'invalid-field:value', detail: 'turn 2 has a "value" that is not a string: 42' }]);
  });

  test('ShareGPT: a reply marked weight 0 keeps it (context, not trained); a weight elsewhere is quarantined', async () => {
    const items = await parseAll(
      jsonl(
        {
          id: 'w',
          conversations: [
            { from: 'human', value: 'Can I return shoes after 30 days?' },
            { from: 'gpt', value: 'Let me check.', weight: 0 },
            { from: 'gpt', value: 'Returns are accepted within 60 days.', weight: 1 },
          ],
        },
        {
          id: 'u',
          conversations: [
            { from: 'human', value: 'Hi', weight: 0 },
            { from: 'gpt', value: 'Hello!' },
          ],
        },
        {
          id: 'x',
          conversations: [
            { from: 'human', value: 'Hi' },
            { from: 'gpt', value: 'Hello!', weight: 0.5 },
          ],
        },
      ),
    );
    expect(conversations(items).map((c) => c.turns)).toEqual([
      [
        { role: 'user', content: 'Can I return shoes after 30 days?' },
        // Not merged: one merged reply would either train on the part marked 0 or lose the trained one.
        { role: 'assistant', content: 'Let me check.', weight: 0 },
        { role: 'assistant', content: 'Returns are accepted within 60 days.', weight: 1 },
      ],
    ]);
    expect(rejections(items)).toMatchObject([
      { reason: 'invalid-field:weight', detail: expect.stringMatching(/^turn 1 has a "weight", which is only allowed on assistant turns/) },
      { reason: 'invalid-field:weight', detail: expect.stringMatching(/^turn 2 has a "weight" of 0\.5: it must be 0/) },
    ]);
  });

  test('ShareGPT turns written with "role"/"content" (or "from"/"content") are read like "from"/"value"', async () => {
    const items = await parseAll(
      jsonl(
        {
          id: 'r',
          conversations: [
            { role: 'user', content: 'Can I pay by card?' },
            { role: 'assistant', content: 'Yes, every card.' },
          ],
        },
        {
          id: 'f',
          conversations: [
            { from: 'human', content: 'Can I pay by cash?' },
            { from: 'gpt', content: 'Only in stores.' },
          ],
        },
      ),
    );
    expect(conversations(items).map((c) => c.turns.map((t) => `${t.role}: ${t.content}`))).toEqual([
      ['user: Can I pay by card?', 'assistant: Yes, every card.'],
      ['user: Can I pay by cash?', 'assistant: Only in stores.'],
    ]);
  });

  test('Bitext layout CSV: instruction/response, category → issue type', async () => {
    const items = await parseAll(fixture('formats', 'bitext.csv'));
    expect(conversations(items).map((c) => c.issueType)).toEqual(['ORDER', 'REFUND', 'CONTACT']);
    expect(conversations(items)[0].turns[0]).toEqual({ role: 'user', content: 'question about cancelling order {{Order Number}}' });
  });

  test.each([
    ['Questions,Answers', 'Questions,Answers\nQ?,A.\n'],
    ['prompt/completion', 'prompt,completion\nQ?,A.\n'],
    ['query/response', 'query;response\nQ?;A.\n'],
  ])('FAQ header synonyms: %s', async (_name, csv) => {
    const [c] = conversations(await parseAll(csv));
    expect(c.turns).toEqual([
      { role: 'user', content: 'Q?' },
      { role: 'assistant', content: 'A.' },
    ]);
  });

  test('message CSV with from/value and utterance columns', async () => {
    const items = await parseAll('conversation_id,from,value\nc1,human,hi\nc1,gpt,hello\n');
    expect(conversations(items)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    const items2 = await parseAll('dialogue_id,speaker,utterance\nd1,USER,hi\nd1,agent,hello\n');
    expect(conversations(items2)).toHaveLength(1);
  });
});

describe('JSON documents', () => {
  const chat = (id: string) => ({
    conversation_id: id,
    messages: [
      { role: 'customer', text: `hi ${id}` },
      { role: 'agent', text: 'hello' },
    ],
  });

  test('an object holding one array of records, in any chunking; other members are skipped', async () => {
    const text = JSON.stringify({ count: 3, conversations: [chat('a'), chat('b'), chat('c')], next: 'x' }, null, 2);
    for (const size of [1, 3, 7, 64, 100_000]) {
      const items = await parseAll(text, {}, size);
      expect(conversations(items).map((c) => c.conversationId)).toEqual(['a', 'b', 'c']);
    }
  });

  test('a compact one-line wrapper (an API response saved as is) is a document, not one JSON line', async () => {
    const compact = JSON.stringify(JSON.parse(fixture('formats', 'zendesk_tickets.json').toString('utf8')));
    expect(compact).not.toContain('\n');
    const items = await parseAll(compact + '\n');
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    // JSON lines whose first array holds turns stay JSON lines.
    expect(reasons(await parseAll(jsonl(chat('a'), chat('b'))))).toEqual(['conversation', 'conversation']);
  });

  test('a wrapper whose first record is odd (a deleted ticket) is read like the same records as a bare array', async () => {
    const deleted = { id: 1, status: 'deleted', requester_id: null };
    const ticket = (id: number) => ({
      id,
      requester_id: 557,
      subject: 'Billing',
      comments: [
        { author_id: 557, public: true, plain_body: 'How do I update my billing address?' },
        { author_id: 77, public: true, plain_body: 'Go to Settings, then Billing, and edit the address.' },
      ],
    });
    const tickets = [deleted, ticket(2), ticket(3)];
    const idsAndTurns = (from: IngestItem[]) => conversations(from).map((c) => [c.conversationId, c.turns]);
    const bare = await parseAll(JSON.stringify(tickets, null, 2));
    expect(reasons(bare)).toEqual(['unknown-record', 'conversation', 'conversation']);
    const wrapper = { tickets, count: 3 };
    for (const text of [JSON.stringify(wrapper, null, 2), JSON.stringify(wrapper) + '\n']) {
      for (const size of [1, 7, 100_000]) {
        const items = await parseAll(text, {}, size);
        expect(reasons(items)).toEqual(reasons(bare));
        expect(idsAndTurns(items)).toEqual(idsAndTurns(bare));
        expect(rejections(items)[0].detail).toMatch(/^element 0 of "tickets" \(line \d+\): .*its keys: id, status, requester_id/);
      }
    }
    // An object whose first array holds no record at all is still one record (here: one that is none of the formats).
    const notWrapper = await parseAll(JSON.stringify({ tickets: [deleted, deleted], count: 2 }, null, 2));
    expect(reasons(notWrapper)).toEqual(['unknown-format']);
  });

  test('a single pretty-printed record is one record', async () => {
    const items = await parseAll(JSON.stringify(chat('solo'), null, 2));
    expect(conversations(items).map((c) => c.conversationId)).toEqual(['solo']);
  });

  test('bad elements are quarantined with their index and starting line; the rest is read', async () => {
    const text = [
      '[',
      JSON.stringify(chat('a')) + ',',
      '42,',
      '{"conversation_id": "b", "messages": "nope"},',
      '{"foo": 1},',
      JSON.stringify(chat('c')),
      ']',
    ].join('\n');
    const items = await parseAll(text);
    expect(items.map((i) => (i.type === 'rejected' ? `${i.rejection.line}:${i.rejection.reason}` : i.type))).toEqual([
      'conversation',
      '3:invalid-record',
      '4:invalid-field:messages',
      '5:missing-field:messages',
      'conversation',
    ]);
    expect(rejections(items)[0].detail).toMatch(/^element 1 \(line 3\)/);
    expect(rejections(items)[0].record).toBe('42');
  });

  test('a truncated document: the complete elements are used, the rest is one rejection', async () => {
    const text = '[\n' + JSON.stringify(chat('a')) + ',\n' + JSON.stringify(chat('b')).slice(0, 30);
    const items = await parseAll(text);
    expect(items.map((i) => (i.type === 'rejected' ? `${i.rejection.line}:${i.rejection.reason}` : i.type))).toEqual([
      'conversation',
      '3:invalid-json',
    ]);
    expect(rejections(items)[0].detail).toMatch(/never closed/);
  });

  test('an element over the size limit is rejected without being held', async () => {
    const big = {
      ...chat('big'),
      messages: [
        { role: 'user', text: 'x'.repeat(5000) },
        { role: 'agent', text: 'ok' },
      ],
    };
    const items = await parseAll(JSON.stringify([chat('a'), big, chat('b')]), { maxRecordBytes: 1000 }, 256);
    expect(reasons(items)).toEqual(['conversation', 'record-too-long', 'conversation']);
    expect(rejections(items)[0].record.length).toBeLessThanOrEqual(2048);
  });

  test('records nested 100,000 deep are one quarantined record each, in JSON lines and in arrays', async () => {
    const deep = '{"messages":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const good = Array.from({ length: 12 }, (_, i) => chat(`c${i}`));
    const lines = jsonl(...good.slice(0, 6), deep, ...good.slice(6));
    const items = await parseAll(lines, {}, 65536);
    expect(reasons(items)).toEqual([...Array(6).fill('conversation'), 'record-too-deep', ...Array(6).fill('conversation')]);
    expect(rejections(items)[0]).toMatchObject({ line: 7 });
    expect(rejections(items)[0].record.length).toBeLessThanOrEqual(2048);
    const array =
      '[' + [...good.slice(0, 6).map((g) => JSON.stringify(g)), deep, ...good.slice(6).map((g) => JSON.stringify(g))].join(',\n') + ']';
    expect(reasons(await parseAll(array, {}, 65536))).toEqual([
      ...Array(6).fill('conversation'),
      'record-too-deep',
      ...Array(6).fill('conversation'),
    ]);
  });
});

describe('declarative mapping', () => {
  const mappings = parseMappingText(fixture('formats', 'mapped', 'tuneloop.mapping.json').toString('utf8'), 'tuneloop.mapping.json');

  test('a JSON layout read with a mapping; a record the mapping does not fit names the field it missed', async () => {
    const items = await parseAll(fixture('formats', 'mapped', 'helpdesk-export.json'), { mappings });
    expect(reasons(items)).toEqual(['conversation', 'missing-field:/said', 'missing-field:/ref']);
    const [c] = conversations(items);
    expect(c).toMatchObject({ conversationId: 'HD-1', issueType: 'billing', csat: 5, setAside: { 'mapped-skip': 1 } });
    expect(c.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(rejections(items)[0].detail).toContain('turn 2 has no text at /said');
  });

  test('without the mapping the same file is one unknown-format rejection', async () => {
    const items = await parseAll(fixture('formats', 'mapped', 'helpdesk-export.json'));
    expect(reasons(items)).toEqual(['unknown-format']);
    expect(rejections(items)[0].detail).toMatch(/mapping/);
  });

  test('a CSV layout: columns named, rows grouped by the id column, skipped roles left out', async () => {
    const [mapping] = parseMappingText(
      JSON.stringify({
        id: 'Ticket Ref',
        role: 'Who',
        text: 'Said',
        timestamp: 'When',
        rating: 'Mood',
        roles: { C: 'user', A: 'assistant', N: 'skip' },
        ratings: { good: 5 },
      }),
      'm.json',
    );
    const csv =
      'Ticket Ref,Who,Said,When,Mood\nT1,A,Hello!,2026-01-01T10:01:00Z,\nT1,C,Hi there,2026-01-01T10:00:00Z,good\nT1,N,internal,2026-01-01T10:02:00Z,\nT2,X,??,,\n';
    const items = await parseAll(csv, { mappings: [mapping] });
    expect(reasons(items)).toEqual(['conversation', 'unknown-speaker']);
    expect(conversations(items)[0]).toMatchObject({
      conversationId: 'T1',
      csat: 5,
      turns: [
        { role: 'user', content: 'Hi there' },
        { role: 'assistant', content: 'Hello!' },
      ],
    });
  });

  test.each([
    ['not JSON', '{', /not valid JSON/],
    ['no role', JSON.stringify({ turns: '/t', text: '/x' }), /at role/],
    [
      'pointer without slash',
      JSON.stringify({ turns: '/t', role: 'who', text: '/x' }),
      /role: a JSON mapping names fields with JSON Pointers/,
    ],
    ['CSV without id', JSON.stringify({ role: 'who', text: 'x' }), /at id: a CSV mapping/],
    ['bad role value', JSON.stringify({ turns: '/t', role: '/r', text: '/x', roles: { a: 'agent' } }), /roles\.a/],
    ['unknown key', JSON.stringify({ turns: '/t', role: '/r', text: '/x', speaker: '/s' }), /speaker/],
  ])('an invalid mapping (%s) is a MappingError naming the file and the field', (_name, text, why) => {
    expect(() => parseMappingText(text, 'data/tuneloop.mapping.json')).toThrow(MappingError);
    expect(() => parseMappingText(text, 'data/tuneloop.mapping.json')).toThrow(/^data\/tuneloop\.mapping\.json: /);
    expect(() => parseMappingText(text, 'data/tuneloop.mapping.json')).toThrow(why);
  });
});
