import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatSessionsOf, CHAT_SESSION_GAP_HOURS, type RawTurn } from '../../../src/shared/ingest/turns';
import type { Conversation } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * A whole chat (a messenger's or a channel's export: months of one customer, or a help channel) is
 * cut into sessions where the customer, once answered, writes again after a quiet gap: each
 * session's examples stand alone (test/shared/dataset/chatSessions.test.ts). Before, a year of a
 * customer's WhatsApp chat was one conversation whose examples carried every earlier question as
 * context of the next.
 */
const FORMATS = join(__dirname, '..', '..', 'fixtures', 'formats');
const at = (day: number, time: string) => `2026-03-${String(day).padStart(2, '0')}T${time}:00.000Z`;
const turn = (role: RawTurn['role'], text: string, timestamp?: string): RawTurn => ({ role, text, ...(timestamp ? { timestamp } : {}) });
/** Each session as its texts. */
const cut = (raw: RawTurn[]) => chatSessionsOf(raw).map((s) => s.map((t) => t.text));
/** The conversation's turns, "|" before each turn that opens a session. */
const sessionsOf = (c: Conversation) => c.turns.map((t) => `${t.opensSession ? '| ' : ''}${t.role}: ${t.content}`);

describe('a whole chat cut into sessions', () => {
  test(`a customer writing again ${CHAT_SESSION_GAP_HOURS} hours or more after a reply opens a session; less does not`, () => {
    expect(CHAT_SESSION_GAP_HOURS).toBe(12);
    const raw = [
      turn('user', 'my order is late', at(2, '09:00')),
      turn('assistant', 'it ships today', at(2, '09:05')),
      // 11 h 55 min after the reply: the same session.
      turn('user', 'still nothing?', at(2, '21:00')),
      turn('assistant', 'it left the depot', at(2, '21:01')),
      // Exactly 12 h: a new one.
      turn('user', 'how do I return a jacket?', at(3, '09:01')),
      turn('assistant', 'use the returns form', at(3, '09:02')),
    ];
    expect(cut(raw)).toEqual([
      ['my order is late', 'it ships today', 'still nothing?', 'it left the depot'],
      ['how do I return a jacket?', 'use the returns form'],
    ]);
  });

  test('a question answered the next day, or asked twice before an answer, stays one session', () => {
    expect(
      cut([
        turn('user', 'is the shop open on Sunday?', at(2, '20:00')),
        turn('user', 'hello?', at(3, '19:00')),
        turn('assistant', 'yes, 10 to 4', at(4, '09:00')),
      ]),
    ).toEqual([['is the shop open on Sunday?', 'hello?', 'yes, 10 to 4']]);
  });

  test('the quiet is measured between messages: a "thanks" after the answer does not hide the next question', () => {
    expect(
      cut([
        turn('user', 'where is my parcel?', at(2, '09:00')),
        turn('assistant', 'at the depot', at(2, '09:02')),
        turn('user', 'thanks!', at(2, '09:03')),
        turn('user', 'can I change my address?', at(5, '14:00')),
        turn('assistant', 'yes, in your account', at(5, '14:10')),
      ]),
    ).toEqual([
      ['where is my parcel?', 'at the depot', 'thanks!'],
      ['can I change my address?', 'yes, in your account'],
    ]);
  });

  test('messages without a readable time neither open a session nor end the quiet; a reply without text does not answer', () => {
    expect(
      cut([
        turn('user', 'q1', at(2, '09:00')),
        turn('assistant', 'a1', at(2, '09:01')),
        turn('user', 'no time'),
        turn('user', 'q2', at(4, '09:00')),
        turn('assistant', '   ', at(4, '09:05')),
        turn('user', 'q3', at(6, '09:00')),
      ]),
    ).toEqual([
      ['q1', 'a1', 'no time'],
      ['q2', '   ', 'q3'],
    ]);
    expect(cut([turn('user', 'q1'), turn('assistant', 'a1'), turn('user', 'q2')])).toHaveLength(1);
  });

  test("the team's message before anyone asked, or one cleaning leaves empty, is no answer", () => {
    expect(
      cut([
        turn('assistant', 'Your order 4521 is confirmed.', at(1, '09:00')),
        turn('user', 'When does it ship?', at(3, '09:00')),
        // A zero-width space: nothing after cleaning.
        turn('assistant', '\u200b', at(3, '09:01')),
        turn('user', 'Hello??', at(4, '09:00')),
        turn('assistant', 'Tomorrow.', at(4, '09:05')),
      ]),
    ).toEqual([['Your order 4521 is confirmed.', 'When does it ship?', '\u200b', 'Hello??', 'Tomorrow.']]);
  });

  test("WhatsApp's export: the first turn of each later session is marked", async () => {
    const text = [
      '02/03/2026, 09:00 - Dana Reyes: Hi, my order #4521 is late',
      '02/03/2026, 09:04 - Kedai Harmoni: Sorry! It ships today.',
      '02/03/2026, 09:05 - Dana Reyes: Thanks',
      '20/03/2026, 16:40 - Dana Reyes: Can I return the blue jacket?',
      '20/03/2026, 16:45 - Kedai Harmoni: Yes, within 30 days, with the returns form.',
    ].join('\n');
    const [chat] = conversations(await parseAll(text, { fileName: 'WhatsApp Chat with Dana Reyes.txt' }));
    expect(sessionsOf(chat)).toEqual([
      'user: Hi, my order #4521 is late',
      'assistant: Sorry! It ships today.',
      'user: Thanks',
      '| user: Can I return the blue jacket?',
      'assistant: Yes, within 30 days, with the returns form.',
    ]);
  });

  test("Telegram's and DiscordChatExporter's JSON, and a chat exported alone as CSV, are cut the same way", async () => {
    const telegram = JSON.parse(readFileSync(join(FORMATS, 'telegram', 'result.json'), 'utf8')) as {
      messages: { date_unixtime?: string; date?: string }[];
    };
    // The chat's last exchange (a photo's caption and the reply) a week later.
    const week = 7 * 24 * 3600;
    const later = telegram.messages.map((m, i) =>
      i >= telegram.messages.length - 3 && m.date_unixtime ? { ...m, date_unixtime: String(Number(m.date_unixtime) + week) } : m,
    );
    const [fromTelegram] = conversations(await parseAll(JSON.stringify({ ...telegram, messages: later }), { fileName: 'result.json' }));
    expect(fromTelegram.turns.map((t) => t.opensSession === true)).toEqual([false, false, true, false]);

    const discord = JSON.parse(readFileSync(join(FORMATS, 'discord', 'thread.json'), 'utf8')) as {
      messages: { timestamp: string; type: string; author: { nickname: string } }[];
    };
    const [fromDiscord] = conversations(await parseAll(readFileSync(join(FORMATS, 'discord', 'thread.json')), { fileName: 'thread.json' }));
    const customer = fromDiscord.turns.findLastIndex((t) => t.role === 'user');
    expect(customer).toBeGreaterThan(1);
    // The customer's last message and everything after it two days later.
    const lastCustomer = discord.messages.findLastIndex((m) => m.author.nickname === 'Ana' && m.type === 'Default');
    const moved = discord.messages.map((m, i) =>
      i >= lastCustomer ? { ...m, timestamp: new Date(Date.parse(m.timestamp) + 2 * 86_400_000).toISOString() } : m,
    );
    const [cutDiscord] = conversations(await parseAll(JSON.stringify({ ...discord, messages: moved }), { fileName: 'thread.json' }));
    expect(cutDiscord.turns.map((t) => t.content)).toEqual(fromDiscord.turns.map((t) => t.content));
    expect(cutDiscord.turns.filter((t) => t.opensSession)).toHaveLength(1);
    expect(fromDiscord.turns.some((t) => t.opensSession)).toBe(false);

    const csv = [
      'author,message,timestamp',
      'customer,My card was charged twice,2026-03-02T09:00:00Z',
      'agent,I have refunded the second charge,2026-03-02T09:03:00Z',
      'customer,How do I close my account?,2026-03-09T11:00:00Z',
      'agent,Under Settings > Account,2026-03-09T11:02:00Z',
    ].join('\n');
    const [fromCsv] = conversations(await parseAll(csv, { fileName: 'chat.csv' }));
    expect(sessionsOf(fromCsv)).toEqual([
      'user: My card was charged twice',
      'assistant: I have refunded the second charge',
      '| user: How do I close my account?',
      'assistant: Under Settings > Account',
    ]);
  });

  test('a conversation that is a ticket or a chat of its own is never cut, however long its pauses', async () => {
    const line = JSON.stringify({
      conversation_id: 'T-1',
      messages: [
        { role: 'user', content: 'My card was charged twice', timestamp: '2026-03-02T09:00:00Z' },
        { role: 'assistant', content: 'I have refunded the second charge', timestamp: '2026-03-02T09:03:00Z' },
        { role: 'user', content: 'The refund has not arrived', timestamp: '2026-03-09T11:00:00Z' },
        { role: 'assistant', content: 'It takes up to 10 days', timestamp: '2026-03-09T11:02:00Z' },
      ],
    });
    const [ticket] = conversations(await parseAll(line + '\n', { fileName: 'tickets.jsonl' }));
    expect(ticket.turns.some((t) => t.opensSession)).toBe(false);
    const rows = [
      'conversation_id,author,message,timestamp',
      'T-2,customer,My card was charged twice,2026-03-02T09:00:00Z',
      'T-2,agent,Refunded,2026-03-02T09:03:00Z',
      'T-2,customer,Not arrived yet,2026-03-09T11:00:00Z',
      'T-2,agent,Up to 10 days,2026-03-09T11:02:00Z',
    ].join('\n');
    const [grouped] = conversations(await parseAll(rows, { fileName: 'messages.csv' }));
    expect(grouped.turns.some((t) => t.opensSession)).toBe(false);
  });
});

/**
 * A Discord help channel (not a forum post) where several customers ask at once: each customer's
 * messages and the support messages answering them are a thread of their own, cut into sessions
 * as any whole chat; a support message goes with the message it replies to, else the one customer
 * it mentions, else the customer who wrote last.
 */
/** The busy help channel's threads, one per customer, as the JSON and the HTML export both give them. */
const BUSY_CHANNEL_THREADS = [
  'assistant: Morning all, the help desk is open.',
  'user: My save file is gone after the update',
  'assistant: Open Settings, then Saves, then Import old save.',
  'user: That worked, thanks!',
  'assistant: Glad to hear it.',
  '| user: Is there a Linux build?',
  'assistant: @Ben not yet, it is planned for the summer.\nFollow the news channel for the date.',
];

describe('a busy Discord channel divided by whom it answers', () => {
  const STAFF = { id: '21', name: 'marco.kh', nickname: 'Marco', isBot: false, roles: [{ id: '1', name: 'Support Team' }] };
  const person = (id: string, nickname: string) => ({ id, name: nickname.toLowerCase(), nickname, isBot: false, roles: [] });
  const ANA = person('11', 'Ana');
  const BEN = person('12', 'Ben');
  let n = 0;
  const message = (
    author: typeof STAFF | typeof ANA,
    time: string,
    content: string,
    extra: { replyTo?: string; mentions?: (typeof ANA)[] } = {},
  ) => ({
    id: `m${++n}`,
    type: extra.replyTo ? 'Reply' : 'Default',
    timestamp: `2026-03-02T${time}:00.000+00:00`,
    content,
    author,
    attachments: [],
    embeds: [],
    stickers: [],
    mentions: extra.mentions ?? [],
    ...(extra.replyTo ? { reference: { messageId: extra.replyTo } } : {}),
  });
  const channel = (messages: unknown[]) =>
    JSON.stringify({
      guild: { id: '1', name: 'Lantern Isles' },
      channel: { id: '77', type: 'GuildTextChat', name: 'help' },
      messages,
    });

  test("replies, mentions and the last customer place each support message in its customer's thread", async () => {
    n = 0;
    const messages = [
      message(STAFF, '08:55', 'Morning all, the help desk is open.'),
      message(ANA, '09:00', 'My save file is gone after the update'),
      message(BEN, '09:01', 'Is there a Linux build?'),
      // Replies to Ana's message (m2).
      message(STAFF, '09:03', 'Open Settings, then Saves, then Import old save.', { replyTo: 'm2' }),
      // Mentions Ben only.
      message(STAFF, '09:04', '<@12> not yet, it is planned for the summer.', { mentions: [BEN] }),
      message(ANA, '09:06', 'That worked, thanks!'),
      // Neither: goes with Ana, who wrote last.
      message(STAFF, '09:07', 'Glad to hear it.'),
      // A reply to the support message in Ben's thread (m5) is Ben's.
      message(STAFF, '09:08', 'Follow the news channel for the date.', { replyTo: 'm5' }),
    ];
    const [chat] = conversations(await parseAll(channel(messages), { fileName: 'help.json' }));
    expect(chat.conversationId).toBe('discord-77');
    expect(sessionsOf(chat)).toEqual(BUSY_CHANNEL_THREADS);
  });

  test("a reply to a customer's screenshot goes to that customer's thread, not to whoever wrote last", async () => {
    n = 0;
    const screenshot = { ...message(ANA, '09:00', ''), attachments: [{ id: 'a1', fileName: 'error.png' }] };
    const messages = [
      screenshot,
      message(BEN, '09:01', 'How do I reset my password?'),
      message(STAFF, '09:02', 'That error means your licence expired.', { replyTo: 'm1' }),
      message(STAFF, '09:03', 'Use the link on the login page.', { replyTo: 'm2' }),
    ];
    const [chat] = conversations(await parseAll(channel(messages), { fileName: 'help.json' }));
    expect(sessionsOf(chat)).toEqual([
      'user: How do I reset my password?',
      'assistant: Use the link on the login page.',
      '| assistant: That error means your licence expired.',
    ]);
  });

  test('one customer: the channel is one thread, cut only by its quiet gaps', async () => {
    n = 0;
    const messages = [
      message(ANA, '09:00', 'My save file is gone after the update'),
      message(STAFF, '09:03', 'Open Settings, then Saves, then Import old save.'),
      message(ANA, '09:06', 'And is there a Linux build?'),
      message(STAFF, '09:08', 'Not yet.'),
    ];
    const [chat] = conversations(await parseAll(channel(messages), { fileName: 'help.json' }));
    expect(chat.turns.some((t) => t.opensSession)).toBe(false);
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

/**
 * The same busy channel as DiscordChatExporter's HTML, its default format (in its templates'
 * layout, as test/fixtures/formats/discord/thread.html): replies name the message they answer
 * (`scrollToMessage(event, '<id>')` in the reply preview) and mentions the user (`title`), so it
 * is divided per customer as the JSON is. Before, the channel was one thread cut only by its quiet.
 */
describe("a busy Discord channel in DiscordChatExporter's HTML", () => {
  let n = 0;
  const STAFF = { user: 'marco.kh', nickname: 'Marco | Support' };
  const ANA = { user: 'ana_plays', nickname: 'Ana' };
  const BEN = { user: 'ben.k', nickname: 'Ben' };
  const html = (messages: string[]) =>
    [
      '<!DOCTYPE html>',
      '<html lang="en"><head><title>Lantern Isles - help</title></head><body>',
      '<div class="preamble"><div class="preamble__entries-container">',
      '<div class="preamble__entry">Lantern Isles</div><div class="preamble__entry">Text Channels / help</div>',
      '</div></div>',
      '<div class="chatlog">',
      ...messages,
      '</div></body></html>',
    ].join('\n');
  const message = (
    author: typeof ANA,
    time: string,
    content: string,
    extra: { replyTo?: string; mention?: typeof ANA; screenshot?: boolean } = {},
  ) => {
    const id = `44000${++n}`;
    const reply = extra.replyTo
      ? `<div class="chatlog__reply"><div class="chatlog__reply-author" title="someone">Someone</div><div class="chatlog__reply-content"><span class="chatlog__reply-link" onclick="scrollToMessage(event, '${extra.replyTo}')">the message replied to</span></div></div>`
      : '';
    const mention = extra.mention
      ? `<span class="chatlog__markdown-mention" title="${extra.mention.user}">@${extra.mention.nickname}</span> `
      : '';
    const body = content
      ? `<div class="chatlog__content chatlog__markdown"><span class="chatlog__markdown-preserve">${mention}${content}</span></div>`
      : '';
    const attachment = extra.screenshot ? '<div class="chatlog__attachment"><img src="error.png" alt="Image attachment"></div>' : '';
    return [
      `<div class="chatlog__message-group"><div id="chatlog__message-container-${id}" class="chatlog__message-container " data-message-id="${id}">`,
      '<div class="chatlog__message"><div class="chatlog__message-primary">',
      reply,
      `<div class="chatlog__header"><span class="chatlog__author" title="${author.user}">${author.nickname}</span>`,
      `<span class="chatlog__timestamp"><a href="#chatlog__message-container-${id}">3/2/2026 ${time} AM</a></span></div>`,
      body,
      attachment,
      '</div></div></div></div>',
    ].join('');
  };

  test("replies, mentions and the last customer place each support message in its customer's thread", async () => {
    n = 0;
    const page = html([
      message(STAFF, '8:55', 'Morning all, the help desk is open.'),
      message(ANA, '9:00', 'My save file is gone after the update'),
      message(BEN, '9:01', 'Is there a Linux build?'),
      message(STAFF, '9:03', 'Open Settings, then Saves, then Import old save.', { replyTo: '440002' }),
      message(STAFF, '9:04', 'not yet, it is planned for the summer.', { mention: BEN }),
      message(ANA, '9:06', 'That worked, thanks!'),
      message(STAFF, '9:07', 'Glad to hear it.'),
      message(STAFF, '9:08', 'Follow the news channel for the date.', { replyTo: '440005' }),
    ]);
    const [chat] = conversations(await parseAll(page, { fileName: 'Lantern Isles - help.html' }, 512));
    // Whoever is not named is taken for a customer; the report says so, as a second agent is not one.
    expect(chat.notices).toEqual([
      'Lantern Isles - help.html: a Discord channel read with 2 authors as customers ("ana_plays", "ben.k") because only the support side was named; name any other team member in TUNELOOP_SPEAKER_ROLES',
    ]);
    expect(sessionsOf(chat)).toEqual(BUSY_CHANNEL_THREADS);
  });

  test("a reply to a customer's screenshot goes to that customer's thread; one customer is not divided", async () => {
    n = 0;
    const page = html([
      message(ANA, '9:00', '', { screenshot: true }),
      message(BEN, '9:01', 'How do I reset my password?'),
      message(STAFF, '9:02', 'That error means your licence expired.', { replyTo: '440001' }),
      message(STAFF, '9:03', 'Use the link on the login page.', { replyTo: '440002' }),
    ]);
    const [chat] = conversations(await parseAll(page, { fileName: 'help.html' }, 512));
    expect(sessionsOf(chat)).toEqual([
      'user: How do I reset my password?',
      'assistant: Use the link on the login page.',
      '| assistant: That error means your licence expired.',
    ]);
    n = 0;
    const alone = html([
      message(ANA, '9:00', 'My save file is gone after the update'),
      message(STAFF, '9:03', 'Open Settings, then Saves, then Import old save.'),
      message(ANA, '9:06', 'And is there a Linux build?'),
      message(STAFF, '9:08', 'Not yet.'),
    ]);
    const [one] = conversations(await parseAll(alone, { fileName: 'help.html' }, 512));
    expect(one.turns.some((t) => t.opensSession)).toBe(false);
  });

  test('the support side must be named (a role word or TUNELOOP_SPEAKER_ROLES); else two customers are unknown speakers, as before', async () => {
    n = 0;
    const LENA = { user: 'lena.k', nickname: 'Lena' };
    const page = html([
      message(ANA, '9:00', 'My save file is gone after the update'),
      message(BEN, '9:01', 'Is there a Linux build?'),
      message(LENA, '9:03', 'Open Settings, then Saves, then Import old save.', { replyTo: '440001' }),
      message(LENA, '9:04', 'not yet, it is planned for the summer.', { mention: BEN }),
    ]);
    const [rejected] = rejections(await parseAll(page, { fileName: 'help.html' }, 512));
    expect(rejected.reason).toBe('unknown-speaker');
    const [chat] = conversations(await parseAll(page, { fileName: 'help.html', speakerRoles: { 'lena.k': 'assistant' } }, 512));
    expect(sessionsOf(chat)).toEqual([
      'user: My save file is gone after the update',
      'assistant: Open Settings, then Saves, then Import old save.',
      '| user: Is there a Linux build?',
      'assistant: @Ben not yet, it is planned for the summer.',
    ]);
  });
});
