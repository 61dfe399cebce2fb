import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { groupMessageRows, type MessageRow } from '../../../src/shared/ingest/messageCsv';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import { conversations, parseAll, rejections } from './helpers';

/**
 * A Discord forum post exported by DiscordChatExporter in JSON (hand-written, SOURCE.md there).
 * Before, it was read as tuneloop's own conversation line (it holds `messages`) and rejected:
 * "message 1 has no role".
 */
const THREAD = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'discord', 'thread.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('Discord channels exported by DiscordChatExporter', () => {
  test('a forum post is one conversation: staff roles answer, notices and bots left out, an attachment alone set aside', async () => {
    const items = await parseAll(THREAD, { fileName: 'discord/Lantern Isles - help-forum - Save file lost.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('discord-3300000000000000001');
    expect(chat.channel).toBe('discord');
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: After the 1.4 update my save file is gone and the game starts a new island. I play on Steam Deck.',
      // "Marco | Support" holds the "Support Team" role; the mention is the person's nickname.
      'assistant: Sorry about that @Ana! The update moved saves to a new folder. Open Settings, then Saves, then Import old save, and pick the file from before 1.4.',
      'user: That worked, my island is back. Thank you!',
      'assistant: Glad to hear it! I am marking this thread as solved.',
    ]);
    // The offset is kept: 18:02:12 at UTC+8.
    expect(chat.turns[0].timestamp).toBe('2026-12-01T10:02:12.000Z');
    expect(chat.setAside).toEqual({ 'bot-message': 1, 'media-omitted': 1 });
  });

  test('without a staff role, TUNELOOP_SPEAKER_ROLES names the support side; else the channel is one-sided', async () => {
    // A nickname that says so ("Marco | Support") is the support side by its words, as any speaker name is.
    const noRoles = THREAD.replaceAll('"Support Team"', '"Regulars"').replaceAll('"Marco | Support"', '"Marco"');
    expect(reasons(await parseAll(noRoles, { fileName: 'thread.json' }))).toEqual(['one-sided-conversation']);
    const [rejected] = rejections(await parseAll(noRoles, { fileName: 'thread.json' }));
    expect(rejected.detail).toContain(
      'the Discord channel "Save file lost after the 1.4 update" of "Lantern Isles" has no reply from the support side',
    );
    const mapped = await parseAll(noRoles, { fileName: 'thread.json', speakerRoles: { Marco: 'assistant' } });
    expect(conversations(mapped)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

/** The same forum post as DiscordChatExporter's CSV (hand-written, SOURCE.md there): no channel id, no server roles. */
const THREAD_CSV = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'discord', 'thread.csv'), 'utf8');

describe('a chat exported alone as CSV (DiscordChatExporter, a messenger): speaker and text columns, no conversation id', () => {
  test('the file is one conversation, named by the file, and the report says so', async () => {
    // Before: unknown-format ("has neither conversation_id+speaker+text …").
    const notices: string[] = [];
    const items = await parseAll(
      THREAD_CSV,
      { fileName: 'discord/Lantern Isles - help-forum - Save file lost.csv', onNotice: (n) => notices.push(n) },
      64,
    );
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    // A hash of the file's name (not its folders) and of the first message: the name may name the customer.
    expect(chat.conversationId).toMatch(/^discord-[0-9a-f]{16}$/);
    // "marco_support" is the support side by its words; the other speaker is then the customer.
    expect(chat.turns.map((t) => `${t.role}: ${t.content.slice(0, 24)}`)).toEqual([
      'user: After the 1.4 update my ',
      'assistant: Sorry about that @ana_pl',
      'user: That worked, my island i',
      'assistant: Glad to hear it! I am ma',
    ]);
    // Notices (the ticket bot's "Started a thread.", a pin) are no messages, and their authors need no role.
    expect(chat.turns.some((t) => t.content.includes('Pinned a message') || t.content.includes('Started a thread'))).toBe(false);
    // The "Date" column is the message's time (en-US short pattern, no zone: read as UTC without a declared zone).
    expect(chat.turns[1].timestamp).toBe('2026-12-01T18:09:00.000Z');
    // The screenshot posted without text is no turn but is counted, as the JSON and text readers count it.
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
    expect(notices).toEqual([
      expect.stringContaining(
        'has message columns but no conversation id column (conversation_id, ticket_id, chat_id, session_id…): its rows are read as one conversation (a DiscordChatExporter CSV: one channel or thread)',
      ),
    ]);
  });

  test('authors whose names do not tell the sides apart: the rejection says to map them or export JSON', async () => {
    const anonymous = THREAD_CSV.replaceAll('marco_support', 'marco');
    const [rejected] = rejections(await parseAll(anonymous, { fileName: 'thread.csv' }));
    expect(rejected.reason).toBe('unknown-speaker');
    expect(rejected.detail).toContain("DiscordChatExporter's CSV does not hold the authors' server roles");
    expect(rejected.detail).toContain('TUNELOOP_SPEAKER_ROLES');
    const mapped = await parseAll(anonymous, { fileName: 'thread.csv', speakerRoles: { marco: 'assistant' } });
    expect(conversations(mapped)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  test('a row of only an attachment is counted as media-omitted in any message CSV or JSON message rows, also when its rows were spilled to disk', async () => {
    const csv = [
      'conversation_id,speaker,text,media_url',
      'c-1,customer,My parcel arrived broken.,',
      'c-1,customer,,https://files.example/c-1/photo.jpg',
      'c-1,agent,Sorry! A replacement is on its way.,',
      'c-1,agent,,',
    ].join('\n');
    const [chat] = conversations(await parseAll(csv, { fileName: 'm.csv' }));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    // A blank row without an attachment says nothing and is not counted.
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });

    async function* rows(): AsyncIterable<MessageRow> {
      yield { conversationId: 'c-1', line: 2, raw: 'r2', speaker: 'customer', text: 'My parcel arrived broken.' };
      yield { conversationId: 'c-1', line: 3, raw: 'r3', speaker: 'customer', text: '', media: true };
      yield { conversationId: 'c-1', line: 4, raw: 'r4', speaker: 'agent', text: 'Sorry! A replacement is on its way.' };
    }
    // One message per JSON line: a list of attachments, or a URL, counts as in the CSV.
    const jsonLines = [
      { conversation_id: 'c-2', speaker: 'customer', text: 'My parcel arrived broken.' },
      { conversation_id: 'c-2', speaker: 'customer', text: '', attachments: [{ url: 'https://files.example/c-2/photo.jpg' }] },
      { conversation_id: 'c-2', speaker: 'customer', text: '', media_url: 'https://files.example/c-2/video.mp4' },
      { conversation_id: 'c-2', speaker: 'agent', text: 'Sorry! A replacement is on its way.', attachments: [] },
    ];
    const [jsonChat] = conversations(await parseAll(jsonLines.map((l) => JSON.stringify(l)).join('\n') + '\n', { fileName: 'm.jsonl' }));
    expect(jsonChat.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(jsonChat.setAside).toEqual({ 'media-omitted': 2 });

    const spilled: IngestItem[] = [];
    for await (const item of groupMessageRows(rows(), { file: 'm.csv', roles: createRoleMapper(), memoryBudgetChars: 0 }))
      spilled.push(item);
    expect(conversations(spilled)[0].setAside).toEqual({ 'media-omitted': 1 });
  });

  test('any message file without an id column: sender, message and time', async () => {
    const csv = [
      'time,sender,message',
      '2026-11-02 09:00,customer,Where is my parcel?',
      '2026-11-02 09:05,agent,It arrives tomorrow.',
    ].join('\n');
    const notices: string[] = [];
    const [chat] = conversations(await parseAll(csv, { fileName: 'exports/chat-4411.csv', onNotice: (n) => notices.push(n) }));
    expect(chat.conversationId).toMatch(/^chat-[0-9a-f]{16}$/);
    // A later export of the chat, with more messages and from another folder, is the same conversation;
    // another chat saved under the same name is another.
    const later = `${csv}\n2026-11-02 09:07,customer,Thanks!`;
    const [again] = conversations(await parseAll(later, { fileName: 'Downloads/chat-4411.csv' }));
    expect(again.conversationId).toBe(chat.conversationId);
    const other = csv.replace('Where is my parcel?', 'Can I change my address?');
    const [another] = conversations(await parseAll(other, { fileName: 'exports/chat-4411.csv' }));
    expect(another.conversationId).not.toBe(chat.conversationId);
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(notices[0]).not.toContain('DiscordChatExporter');
  });
});

/** The same forum post as DiscordChatExporter's plain text (hand-written, SOURCE.md there). */
const THREAD_TXT = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'discord', 'thread.txt'), 'utf8');

describe("DiscordChatExporter's plain-text export", () => {
  test('the file is one conversation: blocks, notices and the preamble are no text, an attachment alone is set aside', async () => {
    // Before: read as CSV, unknown-format ("the CSV header (=====…) has neither …").
    const items = await parseAll(THREAD_TXT, { fileName: 'discord/Lantern Isles - help-forum - Save file lost.txt' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toMatch(/^discord-[0-9a-f]{16}$/);
    expect(chat.channel).toBe('discord');
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: After the 1.4 update my save file is gone and the game starts a new island.\nI play on Steam Deck.',
      'assistant: Sorry about that @ana_plays! The update moved saves to a new folder. Open Settings, then Saves, then Import old save, and pick the file from before 1.4.',
      'user: That worked, my island is back. Thank you!',
      'assistant: Glad to hear it! I am marking this thread as solved.',
    ]);
    expect(chat.turns[0].timestamp).toBe('2026-12-01T18:02:00.000Z');
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
    // The exporting machine's clock, in the declared zone.
    const [inZone] = conversations(
      await parseAll(THREAD_TXT, { fileName: 'thread.txt', timeZone: { name: 'Asia/Singapore', by: 'the test' } }, 64),
    );
    expect(inZone.turns[0].timestamp).toBe('2026-12-01T10:02:00.000Z');
  });

  test("a pasted log line in brackets is text, and an embed's blank lines do not end it", async () => {
    const pasted = THREAD_TXT.replace(
      'I play on Steam Deck.',
      'I play on Steam Deck. The log says:\n\n[2026-12-01 18:01:55] ERROR save.cpp\nstack frame 1',
    ).replace('Moving saves after 1.4', 'Moving saves after 1.4\n\nSecond paragraph of the embed.');
    const [chat] = conversations(await parseAll(pasted, { fileName: 'thread.txt' }, 64));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(chat.turns[0].content).toContain('[2026-12-01 18:01:55] ERROR save.cpp\nstack frame 1');
    expect(chat.turns.some((t) => t.content.includes('Second paragraph of the embed'))).toBe(false);
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
  });

  test('authors the names do not tell apart: mapped, or rejected naming the author and saying what to do', async () => {
    const anonymous = THREAD_TXT.replaceAll('marco_support', 'marco');
    const [rejected] = rejections(await parseAll(anonymous, { fileName: 'thread.txt' }));
    expect(rejected.reason).toBe('unknown-speaker');
    expect(rejected.detail).toMatch(/^author "ana_plays" \(line 12\) is not a known role; DiscordChatExporter's text export does not hold/);
    const mapped = await parseAll(anonymous, { fileName: 'thread.txt', speakerRoles: { marco: 'assistant' } });
    expect(conversations(mapped)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

/** The same forum post as DiscordChatExporter's HTML, its default format (hand-written in its templates' layout, SOURCE.md there). */
const THREAD_HTML = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'discord', 'thread.html'), 'utf8');

describe("DiscordChatExporter's HTML export", () => {
  test('the file is one conversation: notices, the reply preview, embeds and reactions are no text; the bot set aside, an attachment alone counted', async () => {
    // Before: one unknown-format rejection ("the file looks like HTML/XML").
    const items = await parseAll(THREAD_HTML, { fileName: 'discord/Lantern Isles - help-forum [1100000000000000002].html' }, 512);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toMatch(/^discord-[0-9a-f]{16}$/);
    expect(chat.channel).toBe('discord');
    // "Marco | Support" answers by the role word of his nickname; the other author is then the customer.
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: After the 1.4 update my save file is gone and the game starts a new island.\nI play on Steam Deck 😢',
      'assistant: Sorry about that @Ana! The update moved saves to a new folder. Open Settings, then Saves, then Import old save, and pick the file from before 1.4.',
      // A group's second message (dated by its short timestamp) is the same author's.
      'user: That worked, my island is back.\nThank you!',
      // A newline of the text itself (the exporter's pre-wrap span) as well as a <br>.
      'assistant: Glad to hear it!\nI am marking this thread as solved.',
    ]);
    expect(chat.turns[1].timestamp).toBe('2026-12-01T18:20:00.000Z');
    expect(chat.setAside).toEqual({ 'bot-message': 1, 'media-omitted': 1 });
  });

  test("an older version's page: the bot label and the reply preview by their old names; a layout without message containers rejected saying what to do", async () => {
    const older = THREAD_HTML.replaceAll('chatlog__author-tag', 'chatlog__bot-label').replaceAll('chatlog__reply"', 'chatlog__reference"');
    const [chat] = conversations(await parseAll(older, { fileName: 'thread.html' }, 512));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(chat.setAside).toEqual({ 'bot-message': 1, 'media-omitted': 1 });
    const oldest = THREAD_HTML.replaceAll('chatlog__message-container', 'chatlog__message-old');
    const [rejected] = rejections(await parseAll(oldest, { fileName: 'thread.html' }));
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toMatch(
      /layout older than its message containers.*export the channel again with a current DiscordChatExporter, or as JSON/,
    );
  });

  test('authors whose names and nicknames do not tell the sides apart: mapped by either, or rejected saying what to do', async () => {
    const anonymous = THREAD_HTML.replaceAll('Marco | Support', 'Marco');
    const [rejected] = rejections(await parseAll(anonymous, { fileName: 'thread.html' }));
    expect(rejected.reason).toBe('unknown-speaker');
    expect(rejected.detail).toContain("DiscordChatExporter's HTML export does not hold the authors' server roles");
    for (const speakerRoles of [{ 'marco.kh': 'assistant' }, { Marco: 'assistant' }] as Record<string, 'assistant'>[]) {
      const mapped = await parseAll(anonymous, { fileName: 'thread.html', speakerRoles });
      expect(conversations(mapped)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    }
  });
});

describe('a CSV of message rows with a column that may group them, but no conversation_id', () => {
  test.each(['case_number', 'Case Number', 'thread_id', 'Room', 'interaction_id', 'chat'])(
    '%s: rejected naming the column, not read as one conversation',
    async (column) => {
      const csv = [
        `${column},speaker,text`,
        '1,customer,Where is my order?',
        '1,agent,It ships today.',
        '2,customer,Can I return shoes?',
        '2,agent,Yes, within 30 days.',
      ].join('\n');
      const items = await parseAll(csv, { fileName: 'cases.csv' });
      expect(reasons(items)).toEqual(['unknown-format']);
      expect(rejections(items)[0].detail).toContain(
        `the column ${JSON.stringify(column)} may be what groups the rows into conversations: rename it conversation_id`,
      );
    },
  );
});
