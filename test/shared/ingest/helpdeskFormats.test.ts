import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonFamily } from '../../../src/shared/ingest/jsonl';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import { groupTicketEvents, ticketEventRow } from '../../../src/shared/ingest/zendeskEvents';
import { conversations, feedbacks, jsonl, parseAll, rejections } from './helpers';

const fixture = (...parts: string[]) => readFileSync(join(__dirname, '..', '..', 'fixtures', ...parts));
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const said = (items: IngestItem[]) => conversations(items).map((c) => c.turns.map((t) => `${t.role}: ${t.content}`));

/** The records of a fixture: JSON lines, a JSON array, or the first array member of a wrapper object. */
function records(...parts: string[]): Record<string, unknown>[] {
  const text = fixture(...parts).toString('utf8');
  if (parts[parts.length - 1].endsWith('.jsonl'))
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const value = JSON.parse(text) as unknown;
  if (Array.isArray(value)) return value as Record<string, unknown>[];
  // A page that is one record (a HubSpot thread's messages), not a wrapper of records.
  if (jsonFamily(value as Record<string, unknown>) !== undefined) return [value as Record<string, unknown>];
  const array = Object.values(value as Record<string, unknown>).find(Array.isArray);
  return (array as Record<string, unknown>[] | undefined) ?? [value as Record<string, unknown>];
}

describe('help desk exports (hand-written, API shapes)', () => {
  test('every JSON fixture is detected as the format it stands for: the help desk readers take no record of another format', () => {
    const expected: [string[], string | undefined][] = [
      [['formats', 'zendesk_tickets.json'], 'zendesk'],
      [['formats', 'zendesk_ticket_events.json'], 'zendesk-events'],
      [['formats', 'zendesk_ticket_events.jsonl'], 'zendesk-events'],
      [['formats', 'intercom_conversations.json'], 'intercom'],
      [['formats', 'sharegpt.jsonl'], 'sharegpt'],
      [['formats', 'sharegpt_toolcall.json'], 'sharegpt'],
      [['formats', 'alpaca.json'], 'instruction'],
      [['formats', 'openai_tool_log.jsonl'], 'messages'],
      [['formats', 'mapped', 'helpdesk-export.json'], undefined],
      [['corpora', 'sgd_banks', 'dialogues_039_first3.json'], 'dialogue-turns'],
      [['corpora', 'taskmaster4', 'data_07_first5.json'], 'dialogue-turns'],
      [['formats', 'freshdesk_tickets.json'], 'freshdesk'],
      [['formats', 'helpscout_conversations.json'], 'helpscout'],
      [['formats', 'gorgias_tickets.json'], 'gorgias'],
      [['formats', 'livechat_archives.json'], 'livechat'],
      [['formats', 'freshchat_messages.jsonl'], 'freshchat'],
      [['formats', 'hubspot_thread_messages.json'], 'hubspot'],
      [['formats', 'crisp_messages.jsonl'], 'crisp'],
      [['formats', 'zoho_desk_threads.jsonl'], 'zohodesk'],
    ];
    for (const [path, family] of expected) {
      const found = records(...path).map((r) => jsonFamily(r));
      expect({ path: path.join('/'), found }).toEqual({ path: path.join('/'), found: found.map(() => family) });
    }
  });

  test('Freshchat: messages in time order (the API lists the newest first), agent and bot → assistant, private notes and system messages never used', async () => {
    const items = await parseAll(fixture('formats', 'freshchat_messages.jsonl'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'one-sided-conversation']);
    const [c] = conversations(items);
    expect(c).toMatchObject({ conversationId: 'fc-1001', setAside: { 'private-message': 1 } });
    expect(said(items)).toEqual([
      [
        'user: I was charged twice for order 5521.',
        'assistant: Your refund of 24.90 EUR is on its way and reaches your card in 3 to 5 days.',
      ],
    ]);
    expect(JSON.stringify(c.turns)).not.toMatch(/repeat complainer|assigned to Billing/);
    expect(rejections(items)[0].detail).toMatch(/conversation fc-1002 has no message from the customer/);
    const unknown = await parseAll(
      jsonl({ messages: [{ actor_type: 'visitor', message_parts: [{ text: { content: 'hi' } }], conversation_id: 'x' }] }),
    );
    expect(rejections(unknown)[0]).toMatchObject({ reason: 'unknown-speaker' });
  });

  test('HubSpot: INCOMING → user, OUTGOING → assistant, internal comments never used, welcome and status messages no turns; a reply the API cut short rejects the thread', async () => {
    const page = fixture('formats', 'hubspot_thread_messages.json');
    const items = await parseAll(page, {}, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [c] = conversations(items);
    expect(c).toMatchObject({ conversationId: '8801', setAside: { 'internal-comment': 1 } });
    expect(said(items)).toEqual([
      [
        'user: My order 4471 arrived with a broken lid.',
        'assistant: Sorry about that! A replacement is on its way, no need to send the old one back.',
      ],
    ]);
    expect(JSON.stringify(c.turns)).not.toMatch(/Jonas|How can we help/);
    const cut = JSON.parse(page.toString('utf8')) as { results: Record<string, unknown>[] };
    cut.results[3].truncationStatus = 'TRUNCATED_TO_MOST_RECENT_REPLY';
    const truncated = await parseAll(jsonl(cut));
    expect(rejections(truncated)[0]).toMatchObject({ reason: 'truncated-reply' });
    expect(rejections(truncated)[0].detail).toMatch(/original-content/);
  });

  test('an API response wrapping its one record ({"ticket": {...}}, as Freshservice and Zendesk answer for one ticket) reads as the record', async () => {
    // Before, such a line was `unknown-format`: no known key at its top.
    const tickets = JSON.parse(fixture('formats', 'freshdesk_tickets.json').toString('utf8')) as Record<string, unknown>[];
    const lines = jsonl({ ticket: tickets[0] }, { data: tickets[1], meta: { request_id: 'r-1' } });
    const items = await parseAll(lines, { fileName: 'freshservice-tickets.jsonl' });
    expect(conversations(items).map((c) => c.conversationId)).toEqual(['4811', '4812']);
    expect(said(items)[0]).toEqual(said(await parseAll(jsonl(tickets[0]), { fileName: 'tickets.jsonl' }))[0]);
    // The response saved as it came, pretty-printed: one JSON document that is one record.
    const saved = await parseAll(JSON.stringify({ ticket: tickets[0] }, null, 2), { fileName: 'ticket-4811.json' });
    expect(conversations(saved).map((c) => c.conversationId)).toEqual(['4811']);
    // A member that holds no known record is no envelope: the line stays unknown.
    const [rejected] = rejections(await parseAll(jsonl({ ticket: { id: 1, subject: 'x' } }), { fileName: 'other.jsonl' }));
    expect(rejected.reason).toBe('unknown-format');
  });

  test('Freshdesk: the description is the first customer message, incoming/requester → user, private notes never used', async () => {
    const items = await parseAll(fixture('formats', 'freshdesk_tickets.json'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    const [refund, warranty] = conversations(items);
    expect(refund).toMatchObject({ conversationId: '4811', channel: 'email', issueType: 'Refund', setAside: { 'private-note': 1 } });
    expect(said(items)[0]).toEqual([
      'user: Hello,\nmy blender (order 77120) arrived with a cracked jar. Can I get a refund?',
      'assistant: I am sorry the jar arrived cracked!\nCould you send us a photo of the damage?',
      'user: Here is the photo. The crack runs along the handle.',
      'assistant: Thank you! I have refunded the full amount & you will see it in 3–5 days.',
    ]);
    // An outbound email: the agent wrote the description; HTML bodies are cleaned; the requester's
    // reply counts as the customer's though the API did not flag it incoming.
    expect(warranty).toMatchObject({ conversationId: '4812', channel: 'outbound-email', issueType: 'warranty' });
    expect(said(items)[1]).toEqual([
      "assistant: Hi Sam, your coffee grinder's warranty ends on 30 April. Would you like to extend it?",
      'user: Yes please. How much does a two-year extension cost?',
      'assistant: It is 19 euros; I have added it to your account, no payment needed today.',
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(/Kowalczyk|4417|7946|okafor/);
    expect(rejections(items)[0].detail).toMatch(/element 2 \(line \d+\): ticket 4813 has no reply from the support side/);
  });

  test('Freshdesk: a "private" rewritten by a converter keeps the note out; only a clear "not private" is public', async () => {
    const ticket = (id: number, flag: Record<string, unknown>) => ({
      id,
      requester_id: 9,
      description_text: 'How do I reset my password?',
      conversations: [
        { user_id: 7, incoming: false, ...flag, body_text: 'Internal: she asked twice already.' },
        { user_id: 7, incoming: false, private: false, body_text: 'Use the Forgot password link on the login page.' },
      ],
    });
    const notes = [{ private: 'true' }, { private: 1 }, { private: 'yes' }, { private: null }, { private: 'internal' }];
    const items = await parseAll(jsonl(...notes.map((note, i) => ticket(i + 1, note))));
    expect(reasons(items)).toEqual(Array(notes.length).fill('conversation'));
    for (const c of conversations(items)) {
      expect(c.setAside).toEqual({ 'private-note': 1 });
      expect(c.turns.map((t) => t.content).join('\n')).not.toContain('asked twice');
    }
    const shown = await parseAll(jsonl(ticket(9, { private: 'false' }), ticket(10, {})));
    expect(conversations(shown).map((c) => [c.setAside, c.turns.length])).toEqual([
      [undefined, 2],
      [undefined, 2],
    ]);
  });

  test('Freshdesk: a bare conversations list is rejected per element, naming the export to use; a ticket without conversations too', async () => {
    const replies = [
      { id: 1, ticket_id: 4811, user_id: 7, incoming: false, private: false, body_text: 'Could you send a photo?' },
      { id: 2, ticket_id: 4811, user_id: 9, incoming: true, private: false, body_text: 'Here it is.' },
    ];
    const items = await parseAll(JSON.stringify(replies, null, 2));
    expect(reasons(items)).toEqual(['conversation-without-ticket', 'conversation-without-ticket']);
    expect(rejections(items)[0].detail).toMatch(
      /of ticket 4811\) without its ticket.*GET \/api\/v2\/tickets\/\{id\}\?include=conversations/,
    );
    const listed = await parseAll(jsonl({ id: 5, requester_id: 9, description_text: 'Where is my parcel?', subject: 'Parcel' }));
    expect(rejections(listed)).toMatchObject([
      { reason: 'missing-field:conversations', detail: expect.stringContaining('include=conversations') },
    ]);
  });

  test('Help Scout: threads put oldest first, customer/message/chat roles, notes, forwards and drafts left out, the rating', async () => {
    const items = await parseAll(fixture('formats', 'helpscout_conversations.json'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    const [refund, chat] = conversations(items);
    expect(refund).toMatchObject({
      conversationId: '2391938111',
      channel: 'email',
      issueType: 'refund',
      csat: 5,
      setAside: { 'internal-note': 1 },
    });
    expect(said(items)[0]).toEqual([
      'user: Hi,\nmy order is a week late. I would like a refund please.',
      'assistant: Sorry about the delay! Which order number is it?',
      'user: It is order 55190. It was due last Friday.',
      'assistant: Done: the refund of €24.90 is on its way & should arrive within 5 days.',
    ]);
    expect(chat).toMatchObject({ channel: 'chat', issueType: 'sizing', setAside: { forwarded: 1, 'unpublished-thread': 1 } });
    expect(said(items)[1]).toEqual([
      'user: Does the blue jacket run small? I am usually an M.',
      'assistant: The jacket runs small: if you are between sizes, take the larger one.',
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(
      /Raman|1987|Elm Grove|Warehouse|tom\.baker|Half-written|GB 123/,
    );
    expect(rejections(items)[0].detail).toMatch(/conversation 2391938113 has no reply from the support side/);
  });

  test('Help Scout ratings are read by the shared rating parser: Great 5, Okay 3, Not Good 1 in any case or spelling', async () => {
    const rated = (id: number, rating: unknown) => ({
      id,
      _embedded: {
        threads: [
          { type: 'reply', body: 'It ships tomorrow.', createdAt: '2026-05-04T10:00:00Z', rating: { rating } },
          { type: 'customer', body: 'When does my order ship?', createdAt: '2026-05-04T09:00:00Z' },
        ],
      },
    });
    const ratings = ['Great', 'Okay', 'Not Good', ' great ', 'ok', 'notgood', 'bad', 'Not-Good', 'not_good', 'Good', 'so-so'];
    const items = await parseAll(jsonl(...ratings.map((rating, i) => rated(i + 1, rating))), {}, 64);
    expect(reasons(items)).toEqual(ratings.map(() => 'conversation'));
    // The first seven read as before; "Not-Good", "not_good" and "Good" were no rating in Help Scout's own list.
    expect(conversations(items).map((c) => c.csat)).toEqual([5, 3, 1, 5, 3, 1, 1, 1, 1, 5, undefined]);
    // One list: a feedback file rating with Help Scout's words counts them the same.
    const feedback = await parseAll(jsonl(...['Great', 'Okay', 'Not Good'].map((rating, i) => ({ conversation_id: `f-${i}`, rating }))));
    expect(feedbacks(feedback).map((f) => f.rating)).toEqual([5, 3, 1]);
  });

  test('Help Scout: without createdAt the API order (newest first) is reversed; an unknown thread type is quarantined; a saved page names how to unwrap it', async () => {
    const conversation = (id: number, threads: Record<string, unknown>[]) => ({ id, _embedded: { threads } });
    const items = await parseAll(
      jsonl(
        conversation(1, [
          { type: 'message', body: 'It ships tomorrow.' },
          { type: 'customer', body: 'When does my order ship?' },
        ]),
        conversation(2, [
          { type: 'survey', body: '?' },
          { type: 'customer', body: 'Hello' },
        ]),
        { _embedded: { conversations: [conversation(3, [])] }, page: { size: 25, totalElements: 1 } },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'unknown-speaker', 'unknown-record']);
    expect(said(items)[0]).toEqual(['user: When does my order ship?', 'assistant: It ships tomorrow.']);
    expect(rejections(items)[1].detail).toMatch(/page of 1 conversation\(s\).*jq -c '\._embedded\.conversations\[\]'/);
  });

  test('Gorgias: from_agent roles, stripped text without quoted replies, HTML, internal notes never used, survey score', async () => {
    const items = await parseAll(fixture('formats', 'gorgias_tickets.json'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    const [shirt, code] = conversations(items);
    expect(shirt).toMatchObject({
      conversationId: '9812',
      channel: 'email',
      issueType: 'exchange',
      csat: 4,
      setAside: { 'internal-note': 1 },
    });
    expect(said(items)[0]).toEqual([
      'user: Hello, I ordered the linen shirt in M but received an XL.',
      'assistant: I am sorry about that! A shirt in M is on its way today; keep the XL or give it away.',
      'user: Wonderful, thank you!',
    ]);
    expect(code).toMatchObject({ channel: 'chat' });
    expect(code.issueType).toBeUndefined();
    expect(said(items)[1]).toEqual([
      'user: My code SUMMER10 says it has expired?',
      'assistant: It ended on Sunday, but I have applied 10% to your cart anyway.',
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(/Lilas|06 12 34|bins|marek/i);
    expect(rejections(items)[0].detail).toMatch(/ticket 9814 has no reply from the support side/);
  });

  test('Gorgias: a converter-written "public" keeps notes out; a missing from_agent is quarantined; conversation lines stay conversation lines', async () => {
    const ticket = (id: number, note: Record<string, unknown>, reply: Record<string, unknown> = { from_agent: true }) => ({
      id,
      messages: [
        { from_agent: false, public: true, body_text: 'Can I pay by invoice?' },
        { from_agent: true, ...note, body_text: 'Internal: check his credit limit first.' },
        { ...reply, public: true, body_text: 'Yes, choose Invoice at checkout.' },
      ],
    });
    const notes = [{ public: 'false' }, { public: 0 }, { public: null }, { public: 'no' }, { channel: 'internal-note', public: true }];
    const items = await parseAll(jsonl(...notes.map((note, i) => ticket(i + 1, note)), ticket(9, {}, {})));
    expect(reasons(items)).toEqual([...Array(notes.length).fill('conversation'), 'missing-field:from_agent']);
    for (const c of conversations(items)) {
      expect(c.setAside).toEqual({ 'internal-note': 1 });
      expect(c.turns.map((t) => t.content).join('\n')).not.toContain('credit limit');
    }
    // tuneloop's own lines (also "messages") are not taken for Gorgias tickets.
    const line = {
      conversation_id: 'c1',
      messages: [
        { role: 'customer', text: 'hi' },
        { role: 'agent', text: 'hello' },
      ],
    };
    expect(jsonFamily(line)).toBe('messages');
    expect(
      jsonFamily({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
      }),
    ).toBe('messages');
  });

  test('LiveChat: message events by user type, whispers to agents never used (visibility and v3.3 recipients), forms/files/rich messages left out, rating', async () => {
    const items = await parseAll(fixture('formats', 'livechat_archives.json'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    const [address, fee] = conversations(items);
    expect(address).toMatchObject({
      conversationId: 'PJ0MRSHTDG:K600PKZON8',
      channel: 'chat',
      issueType: 'delivery',
      csat: 5,
      setAside: { 'internal-note': 1 },
    });
    expect(said(items)[0]).toEqual([
      'user: Hi, can I change the delivery address of order 31877?',
      'assistant: Yes, as long as it has not shipped. What is the new address?',
      'user: It is in the screenshot.',
      'assistant: Done! The parcel will go to the new address.',
    ]);
    expect(fee).toMatchObject({ csat: 1, issueType: 'returns', setAside: { 'internal-note': 1 } });
    expect(said(items)[1]).toEqual([
      'user: Why was I charged a restocking fee?',
      'assistant: Opened items carry a 10% restocking fee, as our return policy says.',
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(
      /Haddad|Harbour|07700|fraud|Supervisor|88-1402|Anything else/,
    );
    expect(rejections(items)[0].detail).toMatch(/chat PJ0MRSHTDJ:K600PKZONA has no reply from the support side/);
  });

  test('LiveChat: a message by someone not among the users is quarantined; several threads are one chat in time order', async () => {
    const users = [
      { id: 'c', type: 'customer' },
      { id: 'a', type: 'agent' },
    ];
    const event = (author: string, at: string, text: string) => ({
      type: 'message',
      author_id: author,
      visibility: 'all',
      created_at: at,
      text,
    });
    const items = await parseAll(
      jsonl(
        {
          id: 'X1',
          users,
          thread: { id: 'T1', events: [event('c', '2026-07-01T10:00:00Z', 'Hi'), event('z', '2026-07-01T10:01:00Z', 'Who?')] },
        },
        {
          id: 'X2',
          users,
          threads: [
            {
              id: 'T3',
              events: [
                event('c', '2026-07-02T10:00:00Z', 'Back again: it arrived broken.'),
                event('a', '2026-07-02T10:01:00Z', 'A new one ships today.'),
              ],
            },
            {
              id: 'T2',
              events: [
                event('c', '2026-07-01T10:00:00Z', 'Where is my order?'),
                event('a', '2026-07-01T10:01:00Z', 'It arrives tomorrow.'),
              ],
            },
          ],
        },
      ),
    );
    expect(reasons(items)).toEqual(['unknown-speaker', 'conversation']);
    expect(conversations(items)[0].conversationId).toBe('X2');
    expect(said(items)[0]).toEqual([
      'user: Where is my order?',
      'assistant: It arrives tomorrow.',
      'user: Back again: it arrived broken.',
      'assistant: A new one ships today.',
    ]);
  });
});

describe('Zendesk tickets without their comments (Tickets API, incremental ticket export)', () => {
  const ticket = (id: number) => ({
    url: `https://acme.zendesk.com/api/v2/tickets/${id}.json`,
    id,
    via: { channel: 'email' },
    subject: 'Refund',
    raw_subject: 'Refund',
    description: 'I want a refund for order 55',
    requester_id: 7,
    submitter_id: 7,
    status: 'solved',
  });

  test('each ticket is rejected saying the comments are missing and how to add them, in a page or one per line', async () => {
    const page = JSON.stringify({ tickets: [ticket(101), ticket(102)], next_page: null, end_of_stream: true }, null, 2);
    for (const items of [await parseAll(page, { fileName: 'tickets.json' }), await parseAll(jsonl(ticket(101), ticket(102)))]) {
      expect(reasons(items)).toEqual(['missing-field:comments', 'missing-field:comments']);
      expect(rejections(items)[1].detail).toContain('ticket 102 has no "comments": the Tickets API and the incremental ticket export');
      expect(rejections(items)[1].detail).toContain('GET /api/v2/tickets/{id}/comments');
      expect(rejections(items)[1].detail).toContain('or upload the ticket events instead');
    }
  });

  test('a Freshdesk ticket (also requester_id) is still read as Freshdesk', () => {
    expect(jsonFamily({ id: 1, requester_id: 2, subject: 'x', description_text: 'Where is it?' })).toBe('freshdesk');
  });
});

describe('Intercom conversations from List or Search conversations (no conversation_parts)', () => {
  const listed = (id: string) => ({
    type: 'conversation',
    id,
    created_at: 1739000000,
    source: { type: 'conversation', body: '<p>Hi, where is my parcel?</p>', author: { type: 'user', id: 'u1' } },
    state: 'closed',
  });

  test('each is rejected saying the replies were not exported and how to get them; an empty parts list is still one-sided', async () => {
    const page = JSON.stringify({ type: 'conversation.list', conversations: [listed('147'), listed('148')] }, null, 2);
    const items = await parseAll(page, { fileName: 'conversations.json' });
    expect(reasons(items)).toEqual(['missing-field:conversation_parts', 'missing-field:conversation_parts']);
    expect(rejections(items)[0].detail).toContain('conversation 147 has no "conversation_parts"');
    expect(rejections(items)[0].detail).toContain('GET /conversations/{id}');
    const fetched = { ...listed('149'), conversation_parts: { type: 'conversation_part.list', conversation_parts: [] } };
    expect(reasons(await parseAll(jsonl(fetched)))).toEqual(['one-sided-conversation']);
  });
});

describe('Help Scout conversations fetched without embed=threads', () => {
  test('each is rejected saying to fetch it with ?embed=threads', async () => {
    const bare = (id: number) => ({
      id,
      number: id,
      threads: 2,
      type: 'email',
      mailboxId: 1,
      status: 'closed',
      subject: 'Parcel',
      primaryCustomer: { id: 3 },
    });
    const items = await parseAll(jsonl(bare(10), bare(11)));
    expect(reasons(items)).toEqual(['missing-field:_embedded.threads', 'missing-field:_embedded.threads']);
    expect(rejections(items)[1].detail).toContain('conversation 11 has no threads, only their number');
    expect(rejections(items)[1].detail).toContain('?embed=threads');
  });
});

describe('Zendesk incremental ticket event export (ticket_events with include=comment_events)', () => {
  /** The events of the fixture (a page of the export): 8 events of 3 tickets, interleaved in time order. */
  const page = () => fixture('formats', 'zendesk_ticket_events.json');
  const eventLines = () => fixture('formats', 'zendesk_ticket_events.jsonl');
  const notes = /Priya|Raman|7700|4417|fraud/i;

  /** Every event line of the input is in exactly one item's record: none dropped, none read twice. */
  function eventsAccountedFor(items: IngestItem[], events: number): void {
    const records = items.map((i) =>
      i.type === 'conversation' ? i.conversation.source.record : i.type === 'rejected' ? i.rejection.record : '',
    );
    const ids = records.flatMap((r) => [...r.matchAll(/"id": ?(6\d{4}), ?"ticket_id"/g)].map((m) => m[1]));
    expect(ids.length).toBe(events);
    expect(new Set(ids).size).toBe(events);
  }

  test('each ticket is one conversation (requester → user, agents → assistant, time order), JSON lines and the page alike', async () => {
    for (const [name, data] of [
      ['events.jsonl', eventLines()],
      ['events.json', page()],
    ] as const) {
      const items = await parseAll(data, { fileName: name }, 64);
      // records in = used + quarantined: one item per ticket (3), from 8 events.
      expect(reasons(items).sort()).toEqual(['conversation', 'conversation', 'missing-field:comments']);
      eventsAccountedFor(items, 8);
      const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
      expect(byId.get('7101')).toMatchObject({ channel: 'email', issueType: 'billing', setAside: { 'private-comment': 1 } });
      expect(byId.get('7101')?.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
        'user: Hello, I was charged twice for order 3318. Can you refund one of the charges?',
        'assistant: Sorry about that! I have refunded the second charge & you will see it within 3 days.',
        'user: Thank you, that was quick!',
      ]);
      expect(byId.get('7102')).toMatchObject({ channel: 'web', issueType: 'shipping' });
      expect(byId.get('7102')?.setAside).toBeUndefined();
      // body, not the HTML with its <b>, as the ticket reader reads a comment.
      expect(byId.get('7102')?.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
        'user: My parcel from order 5120 has not arrived yet.',
        'assistant: It is out for delivery today.',
      ]);
      // The internal note is in no turn.
      expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(notes);
      const [fieldChanges] = rejections(items);
      expect(fieldChanges.detail).toMatch(
        /^ticket 7103 has no comment in this file, only field changes \(status, priority\) in its 2 events/,
      );
      expect(fieldChanges.line).toBe(name.endsWith('.jsonl') ? 4 : 40);
    }
  });

  test('grouped in memory or spilled to temp files, the same items', async () => {
    const roles = createRoleMapper();
    async function* rows() {
      const lines = eventLines().toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i]) continue;
        const row = ticketEventRow(JSON.parse(lines[i]), i + 1, lines[i]);
        if (row) yield row;
      }
    }
    const collect = async (memoryBudgetChars: number) => {
      const items: IngestItem[] = [];
      for await (const item of groupTicketEvents(rows(), { file: 'events.jsonl', roles, memoryBudgetChars })) items.push(item);
      return items;
    };
    const spilled = await collect(0);
    expect(spilled).toEqual(await collect(Number.MAX_SAFE_INTEGER));
    expect(reasons(spilled).sort()).toEqual(['conversation', 'conversation', 'missing-field:comments']);
  });

  const comment = (id: number, author: number, at: string, body: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'Comment',
    author_id: author,
    public: true,
    created_at: at,
    body,
    event_type: 'Comment',
    ...extra,
  });
  const event = (id: number, ticket: number, at: string, children: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    ticket_id: ticket,
    timestamp: Date.parse(at) / 1000,
    created_at: at,
    updater_id: 1,
    via: 'Web form',
    event_type: 'Audit',
    child_events: children,
    ...extra,
  });

  test("the requester: a Create child event as the export writes it or as the audits API does (field_name/value); else the first comment's author", async () => {
    const items = await parseAll(
      jsonl(
        // The agent opens the ticket on the customer's behalf: only requester_id says who the customer is.
        event(1, 11, '2026-03-01T09:00:00Z', [
          comment(2, 50, '2026-03-01T09:00:00Z', 'Calling back about your invoice: is the address still right?'),
          { id: 3, field_name: 'requester_id', value: '70', type: 'Create', event_type: 'Create' },
        ]),
        event(4, 11, '2026-03-01T09:05:00Z', [comment(5, 70, '2026-03-01T09:05:00Z', 'Yes, it is.')]),
        // No requester in the Create event: the author of its opening comment is the customer.
        event(6, 12, '2026-03-01T10:00:00Z', [
          comment(7, 71, '2026-03-01T10:00:00Z', 'How do I reset my password?'),
          { id: 8, status: 'new', event_type: 'Create' },
        ]),
        event(9, 12, '2026-03-01T10:05:00Z', [comment(10, 50, '2026-03-01T10:05:00Z', 'Use the link on the login page.')]),
      ),
    );
    const said = new Map(conversations(items).map((c) => [c.conversationId, c.turns.map((t) => `${t.role}: ${t.content}`)]));
    expect(said.get('11')).toEqual(['assistant: Calling back about your invoice: is the address still right?', 'user: Yes, it is.']);
    expect(said.get('12')).toEqual(['user: How do I reset my password?', 'assistant: Use the link on the login page.']);
  });

  test('each ticket that cannot be read is rejected naming it and why; every event is in exactly one item', async () => {
    const create = (id: number, requester: number) => ({ id, requester_id: requester, event_type: 'Create' });
    const input = jsonl(
      // Created before start_time: only a later reply is in the file.
      event(1, 21, '2026-03-01T09:00:00Z', [comment(2, 50, '2026-03-01T09:00:00Z', 'We have shipped the replacement.')]),
      // Exported without include=comment_events: comments are only flagged.
      event(3, 22, '2026-03-01T09:00:00Z', [{ id: 4, comment_present: true, comment_public: true, event_type: 'Comment' }, create(5, 70)]),
      // A good ticket, its second event repeated (two overlapping pages joined), rated good.
      event(6, 23, '2026-03-01T09:00:00Z', [comment(7, 70, '2026-03-01T09:00:00Z', 'Where is my parcel?'), create(8, 70)]),
      event(9, 23, '2026-03-01T09:10:00Z', [comment(10, 50, '2026-03-01T09:10:00Z', 'It arrives tomorrow.')]),
      event(9, 23, '2026-03-01T09:10:00Z', [comment(10, 50, '2026-03-01T09:10:00Z', 'It arrives tomorrow.')]),
      event(11, 23, '2026-03-01T12:00:00Z', [{ id: 12, score: 'Good', event_type: 'SatisfactionRating' }]),
      '{"id": 13, "ticket_id": 24, "child_events": [',
      { id: 14, child_events: [], event_type: 'Audit' },
      // Only the customer and an internal note: one-sided once the note is left out.
      event(15, 25, '2026-03-01T09:00:00Z', [comment(16, 70, '2026-03-01T09:00:00Z', 'Cancel my plan.'), create(17, 70)]),
      event(18, 25, '2026-03-01T09:05:00Z', [comment(19, 50, '2026-03-01T09:05:00Z', 'Internal: retention offer?', { public: false })]),
    );
    const items = await parseAll(input, { fileName: 'events.jsonl' });
    // records in = used + quarantined: one item per ticket (21, 22, 23, 25) and per line that is no event of a ticket (7, 8).
    expect(items).toHaveLength(6);
    const recorded = items.flatMap((i) =>
      (i.type === 'conversation' ? i.conversation.source.record : i.type === 'rejected' ? i.rejection.record : '').split('\n'),
    );
    expect(recorded.sort()).toEqual(input.trim().split('\n').sort());
    const rejected = new Map(rejections(items).map((r) => [r.detail?.match(/ticket (\d+)/)?.[1] ?? `line ${r.line}`, r]));
    expect(rejected.get('21')).toMatchObject({ reason: 'incomplete-ticket', line: 1 });
    expect(rejected.get('21')?.detail).toContain('its Create event (the requester, the first message) is not in this file');
    expect(rejected.get('22')).toMatchObject({ reason: 'missing-field:comment_events' });
    expect(rejected.get('22')?.detail).toContain('include=comment_events');
    expect(rejected.get('25')).toMatchObject({ reason: 'one-sided-conversation', line: 9 });
    expect(rejected.get('line 7')).toMatchObject({ reason: 'invalid-json' });
    expect(rejected.get('line 8')).toMatchObject({ reason: 'missing-field:ticket_id' });
    const [rated] = conversations(items);
    expect(rated).toMatchObject({ conversationId: '23', csat: 5 });
    expect(rated.turns.map((t) => t.content)).toEqual(['Where is my parcel?', 'It arrives tomorrow.']);
  });

  test('an event in a file of tickets is rejected on its own, saying to upload the events as a file of their own', async () => {
    const ticket = {
      id: 1,
      requester_id: 7,
      comments: [comment(1, 7, '2026-03-01T09:00:00Z', 'Hi'), comment(2, 8, '2026-03-01T09:01:00Z', 'Hello')],
    };
    const items = await parseAll(jsonl(ticket, event(3, 1, '2026-03-01T09:02:00Z', [])));
    expect(reasons(items)).toEqual(['conversation', 'unknown-record']);
    expect(rejections(items)[0].detail).toContain('ticket events are read from a file of them only');
  });
});

/** A line of a fixture, parsed, for tests that change one field. */
const fixtureLine = (name: string, n: number) =>
  JSON.parse(fixture('formats', name).toString('utf8').split('\n')[n]) as Record<string, unknown> & {
    _results?: Record<string, unknown>[];
    data?: Record<string, unknown>[];
  };

/** The message list of a page: Front's `_results`, Crisp's and Zoho Desk's `data`. */
const listOf = (page: ReturnType<typeof fixtureLine>): Record<string, unknown>[] => page._results ?? page.data ?? [];

describe('Front, Crisp and Zoho Desk API pages', () => {
  test('each page is detected as its desk, and the messages in it as no record of their own (a page saved as a document stays one record)', async () => {
    expect(records('formats', 'front_messages.jsonl').map((r) => jsonFamily(r))).toEqual(['front', 'front', 'front-comments']);
    for (const name of ['front_messages.jsonl', 'crisp_messages.jsonl', 'zoho_desk_threads.jsonl']) {
      const page = fixtureLine(name, 0);
      const elements = listOf(page);
      // A Crisp message spells a message row's keys (session_id, from, content): read as rows, its notes would be turns.
      expect({ name, families: elements.map((e) => jsonFamily(e)) }).toEqual({ name, families: elements.map(() => undefined) });
      const items = await parseAll(JSON.stringify(page, null, 2), {}, 64);
      expect({ name, reasons: reasons(items) }).toEqual({ name, reasons: ['conversation'] });
    }
  });

  test('Front: is_inbound → user, else assistant, in time order (the API lists the newest first), HTML cleaned, quotes cut; drafts never used; a comments page is quarantined whole', async () => {
    const items = await parseAll(fixture('formats', 'front_messages.jsonl'), {}, 64);
    // Message pages are grouped by conversation (a long thread spans pages); a line that is no
    // message page, such as the comments page, is read alone and comes out before them.
    expect(reasons(items)).toEqual(['internal-comments', 'conversation', 'conversation']);
    const [email, sms] = conversations(items);
    expect(email).toMatchObject({ conversationId: 'cnv_7tq2k9', channel: 'email', setAside: { draft: 1 } });
    expect(sms).toMatchObject({ conversationId: 'cnv_7tq3a0', channel: 'sms' });
    expect(sms.setAside).toBeUndefined();
    expect(said(items)).toEqual([
      [
        'user: Hello, my order 30417 was due last Friday and has not arrived. Can you check where it is?',
        'assistant: Sorry for the wait! Your parcel left our warehouse on Monday.\nTracking: https://track.example/TR9917',
        'user: Thanks, the tracking link works now. I will wait until Thursday.',
      ],
      [
        'user: Can I stop the marketing texts but keep the delivery ones?',
        'assistant: Yes: reply STOP to the number on your receipt and we remove it within a day.',
      ],
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(/Oskar|5521|voucher|0171|third late/);
    expect(rejections(items)[0].detail).toMatch(/comments are teammates' internal discussion.*GET \/conversations\/\{id\}\/messages/);
  });

  test('Front: a draft flag a converter rewrote, or a draft_mode alone, keeps the draft out; an unknown is_inbound and a redacted tweet are named', async () => {
    const page = fixtureLine('front_messages.jsonl', 1);
    const withReply = (fields: Record<string, unknown>) => ({
      ...page,
      _results: [
        { ...listOf(page)[0], text: 'Draft: ask Dana about the 0171 number.', created_at: 1772618500, ...fields },
        ...listOf(page),
      ],
    });
    for (const fields of [{ is_draft: 'true' }, { is_draft: 1 }, { is_draft: null }, { is_draft: undefined, draft_mode: 'private' }]) {
      const [item] = await parseAll(jsonl(withReply(fields)));
      expect({ fields, setAside: item.type === 'conversation' ? item.conversation.setAside : item }).toEqual({
        fields,
        setAside: { draft: 1 },
      });
      expect(JSON.stringify(item)).not.toMatch(/"content":"Draft/);
    }
    const unknown = await parseAll(jsonl(withReply({ is_inbound: 'maybe' })));
    expect(rejections(unknown)[0]).toMatchObject({ reason: 'unknown-speaker' });
    expect(rejections(unknown)[0].detail).toMatch(/message 1 \("msg_1b9e40"\) has "is_inbound" "maybe"/);
    const empty = await parseAll(
      jsonl(withReply({ is_draft: false, draft_mode: null, text: '', body: '<p>See <b>the STOP guide</b>.</p>' })),
    );
    expect(said(empty)[0]).toContain(
      'assistant: Yes: reply STOP to the number on your receipt and we remove it within a day.\nSee the STOP guide.',
    );
    const tweet = await parseAll(jsonl(withReply({ type: 'tweet', is_inbound: true, text: '[REDACTED]', body: '[REDACTED]' })));
    expect(conversations(tweet)[0]).toMatchObject({ setAside: { 'redacted-message': 1 } });
    expect(conversations(tweet)[0].turns).toHaveLength(2);
  });

  test('Crisp: user → user, operator (and its bots) → assistant; notes never used, events no turns, files and pickers passed over and counted', async () => {
    const items = await parseAll(fixture('formats', 'crisp_messages.jsonl'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
    const [chat, email] = conversations(items);
    expect(chat).toMatchObject({
      conversationId: 'session_700c65e1-85e2-465a-b9ac-ecb5ec2c9881',
      channel: 'chat',
      setAside: { 'private-note': 1, 'non-text-message': 2 },
    });
    expect(email).toMatchObject({ conversationId: 'session_2b1d9a47-c0f3-4e61-9d5b-8a7e3f61c204', channel: 'email' });
    expect(said(items)).toEqual([
      [
        'user: Hi, the discount code SPRING10 says it has expired but the banner says it runs until Sunday.',
        'assistant: Thanks! An agent will look at your code in a moment.\nSorry about that! The code was limited to one use per customer. I have added a new code, SPRING10-LV, to your account.',
        'user: It works now, thank you!',
      ],
      [
        'user: Hello,\nmy invoice 2026-0412 shows the wrong company name. Could you correct it?\nIvo',
        'assistant: Hello Ivo,\nI have corrected the company name and sent you the new invoice.',
      ],
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(
      /lena\.vogt|88213|What is it about|screenshot|state:resolved/,
    );
    expect(rejections(items)[0].detail).toMatch(/session_5e0c7a11.* has no reply from the support side/);
  });

  test('Crisp: messages in time order whatever the listed order; an unknown "from" is named; messages one per line are no message rows', async () => {
    const page = fixtureLine('crisp_messages.jsonl', 1);
    const reversed = await parseAll(jsonl({ ...page, data: [...listOf(page)].reverse() }));
    expect(said(reversed)[0][0]).toMatch(/^user: Hello,/);
    const unknown = await parseAll(jsonl({ ...page, data: [listOf(page)[0], { ...listOf(page)[1], from: 'visitor' }] }));
    expect(rejections(unknown)[0]).toMatchObject({ reason: 'unknown-speaker' });
    expect(rejections(unknown)[0].detail).toMatch(/message 2 \(fingerprint \d+\) has "from" "visitor"/);
    // Only `text` messages are turns: another type is counted even when a converter flattened its content to a string.
    const flattened = await parseAll(
      jsonl({ ...page, data: [...listOf(page), { ...listOf(page)[1], type: 'audio', content: 'voice.webm' }] }),
    );
    expect(conversations(flattened)[0]).toMatchObject({ setAside: { 'non-text-message': 1 } });
    expect(said(flattened)[0].join('\n')).not.toContain('voice.webm');
    // `jq -c '.data[]'`: read as message rows, the note would be an operator turn.
    const lines = await parseAll(jsonl(...listOf(fixtureLine('crisp_messages.jsonl', 0))));
    expect(conversations(lines)).toEqual([]);
    expect(reasons(lines)).toEqual(['unknown-format']);
  });

  test('Zoho Desk: END_USER → user, AGENT → assistant in time order, HTML cleaned, quotes cut; private threads never used; a threads list of summaries is rejected naming the endpoint', async () => {
    const items = await parseAll(fixture('formats', 'zoho_desk_threads.jsonl'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'truncated-reply']);
    const [email, web] = conversations(items);
    expect(email).toMatchObject({ conversationId: '1892000000093197', channel: 'email', setAside: { 'private-thread': 1 } });
    // The ticket id from the threads' own `ticketId` when the record has none.
    expect(web).toMatchObject({ conversationId: '1892000000094101', channel: 'web' });
    expect(said(items)).toEqual([
      [
        'user: Hello,\nthe charger of my e-reader (order 60233) stopped working after two weeks. Can you replace it?\nAnja',
        'assistant: Hello Anja,\nI am sorry the charger stopped working. I have sent a replacement charger today; you do not need to return the old one.\nBest regards,\nPriya',
        'user: Perfect, thank you for the quick help!',
      ],
      [
        'user: Do orders placed in the afternoon still ship the same day?',
        'assistant: Hi Rui, yes: orders placed before 15:00 on a weekday ship the same day.',
      ],
    ]);
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(/IBAN|DE89|55190|Internal/);
    expect(rejections(items)[0].detail).toMatch(
      /thread 1 \("1892000000095360"\) has only its "summary".*GET \/api\/v1\/tickets\/\{ticketId\}\/threads\/\{threadId\}/,
    );
  });

  test('Zoho Desk: only a "public" visibility is public; the ticket id from the record, else a rejection saying how to add it; the speaker by author type, else direction', async () => {
    const page = fixtureLine('zoho_desk_threads.jsonl', 1);
    const [reply, question] = listOf(page);
    const note = (visibility: unknown) => ({ ...reply, id: '7', visibility, content: '<p>Internal: card 4417 on file.</p>' });
    for (const visibility of ['PRIVATE', null, 1, 'internal']) {
      const [item] = await parseAll(jsonl({ data: [note(visibility), reply, question] }));
      expect({ visibility, item: item.type === 'conversation' ? item.conversation.setAside : item }).toEqual({
        visibility,
        item: { 'private-thread': 1 },
      });
      expect(JSON.stringify(item)).not.toMatch(/"content":"Internal/);
    }
    // The list writes an empty content beside the summary; a single thread may flag its content cut short.
    const listed = await parseAll(jsonl({ data: [{ ...reply, content: '', summary: 'Hi Rui, yes: orders placed before' }, question] }));
    expect(rejections(listed)[0]).toMatchObject({ reason: 'truncated-reply' });
    const cut = { ...reply, isContentTruncated: true, fullContentURL: 'https://desk.zoho.com/api/v1/tickets/1/threads/2/originalContent' };
    const truncated = await parseAll(jsonl({ data: [cut, question] }));
    expect(rejections(truncated)[0]).toMatchObject({ reason: 'truncated-reply' });
    expect(rejections(truncated)[0].detail).toMatch(/"isContentTruncated" true.*fullContentURL/);
    expect(conversations(await parseAll(jsonl({ data: [{ ...reply, isContentTruncated: false }, question] })))).toHaveLength(1);
    // Comments among the threads (GET /tickets/{id}/conversations), first or later, public or not: never used.
    const comment = {
      id: '9',
      type: 'comment',
      isPublic: true,
      commentedTime: '2026-03-03T14:10:00.000Z',
      commenter: { type: 'AGENT', name: 'Ben Okoro' },
      content: '<div>Rui is on the wholesale list, card 4417.</div>',
    };
    for (const data of [
      [comment, reply, question],
      [reply, comment, question],
    ]) {
      const [item] = await parseAll(jsonl({ ticketId: 1, data }));
      expect(item.type === 'conversation' ? item.conversation.setAside : item).toEqual({ comment: 1 });
      expect(JSON.stringify(item)).not.toMatch(/"content":"[^"]*wholesale/);
    }
    const { ticketId: _dropped, ...bareReply } = reply;
    const { ticketId: _alsoDropped, ...bareQuestion } = question;
    const bare = [bareReply, bareQuestion];
    expect(conversations(await parseAll(jsonl({ ticket_id: 5501, data: bare })))[0].conversationId).toBe('5501');
    const missing = await parseAll(jsonl({ data: bare }));
    expect(rejections(missing)[0]).toMatchObject({ reason: 'missing-field:ticketId' });
    expect(rejections(missing)[0].detail).toMatch(/jq -c/);
    const byDirection = await parseAll(jsonl({ ticketId: 1, data: bare.map(({ author: _author, ...rest }) => rest) }));
    expect(said(byDirection)[0].map((t) => t.split(':')[0])).toEqual(['user', 'assistant']);
    const unknown = await parseAll(jsonl({ ticketId: 1, data: [{ ...bareReply, author: { type: 'ZIA_BOT' } }, bareQuestion] }));
    expect(rejections(unknown)[0]).toMatchObject({ reason: 'unknown-speaker' });
    expect(rejections(unknown)[0].detail).toMatch(/thread 1 \("1892000000094115"\) has "author.type" "ZIA_BOT"/);
  });
});
