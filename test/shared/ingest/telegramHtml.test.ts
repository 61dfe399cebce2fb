import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';
import { zip } from './xlsxFiles';

/**
 * Chats exported from Telegram Desktop as HTML, its default format (hand-written fixture in the
 * layout of Telegram Desktop's HTML writer, test/fixtures/formats/telegram/SOURCE.md). Before, every
 * such page was rejected whole: "the file looks like HTML/XML".
 */
const PAGE = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'telegram', 'messages.html'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

/** A page with the fixture's header and these message blocks in its history. */
function page(header: string, blocks: string): string {
  return `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n<title>Exported Data</title>\n</head>\n<body>\n<div class="page_wrap">\n<div class="page_header"><div class="content"><div class="text bold">${header}</div></div></div>\n<div class="page_body chat_page">\n<div class="history">\n${blocks}\n</div>\n</div>\n</div>\n</body>\n</html>\n`;
}
function block(options: { from?: string; joined?: boolean; title?: string; html: string }): string {
  const head = options.joined ? 'message default clearfix joined' : 'message default clearfix';
  return `<div class="${head}" id="message1"><div class="body"><div class="pull_right date details" title="${options.title ?? '01.12.2026 10:00:00 UTC+00:00'}">10:00</div>${options.from === undefined ? '' : `<div class="from_name">${options.from}</div>`}<div class="text">${options.html}</div></div></div>`;
}

/** Message blocks of a group's page, numbered from 1 (`restart` numbers the next page's from 1 again). */
function groupMessages() {
  let id = 0;
  const head = (from: string, time: string) =>
    `<div class="message default clearfix" id="message${++id}"><div class="body"><div class="pull_right date details" title="02.03.2026 ${time}:00 UTC+00:00">${time}</div><div class="from_name">${from}</div>`;
  return {
    say: (from: string, time: string, html: string, replyTo?: number) =>
      head(from, time) +
      (replyTo
        ? `<div class="reply_to details">In reply to <a href="#go_to_message${replyTo}" onclick="return GoToMessage(${replyTo})">this message</a></div>`
        : '') +
      `<div class="text">${html}</div></div></div>`,
    photo: (from: string, time: string) =>
      head(from, time) +
      '<div class="media_wrap clearfix"><a class="media clearfix pull_left block_link media_photo" href="photos/1.jpg"></a></div></div></div>',
    restart: () => {
      id = 0;
    },
  };
}

describe('chats exported from Telegram Desktop as HTML', () => {
  test('a messages.html page: the header names the customer, joined messages keep their sender, calls and media without a caption left out', async () => {
    const items = await parseAll(PAGE, { fileName: 'ChatExport_2026-12-02/messages.html' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      "user: Hi, my order #4521 still hasn't arrived",
      'assistant: Sorry! Track it here: https://track.example/4521 - it arrives tomorrow.',
      // A photo's caption is its message; <br> is its line break, entities decoded; "In reply to" is no text.
      'user: It came with a torn box\nand the lid is "crushed" & wet',
      'assistant: I am sorry about the box. I have sent a replacement with free shipping.',
    ]);
    // The title's wall clock with its UTC offset.
    expect(chat.turns[0].timestamp).toBe('2026-12-01T10:02:11.000Z');
    // The photo and the sticker without a caption; the call is no message and not counted.
    expect(chat.setAside).toEqual({ 'media-omitted': 2 });
    expect(chat.channel).toBe('telegram');
    expect(chat.conversationId).toMatch(/^telegram-html-/);
  });

  test('a later export of the chat keeps its id; another chat gets another', async () => {
    const [first] = conversations(await parseAll(PAGE, { fileName: 'a/messages.html' }, 4096));
    const later = PAGE.replace(
      // Before the closing tags of the history, the page body and the page.
      /(\n *<\/div>\n\n *<\/div>\n\n *<\/div>\n\n<\/body>)/,
      `${block({ from: 'Aminah Yusof', title: '03.12.2026 08:00:00 UTC+08:00', html: 'It arrived, thank you!' })}$1`,
    );
    expect(later).not.toBe(PAGE);
    const [again] = conversations(await parseAll(later, { fileName: 'b/messages.html' }, 4096));
    expect(again.turns.at(-1)?.content).toBe('It arrived, thank you!');
    expect(again.conversationId).toBe(first.conversationId);
    const other = page(
      'Budi Santoso',
      block({ from: 'Budi Santoso', html: 'Hello?' }) +
        block({ from: 'Kedai Harmoni', title: '01.12.2026 10:05:00 UTC+00:00', html: 'Hi Budi!' }),
    );
    const [budi] = conversations(await parseAll(other, { fileName: 'c/messages.html' }));
    expect(budi.conversationId).not.toBe(first.conversationId);
  });

  test('an export from before 2022 (no UTC offset) is read in the declared time zone, else as UTC', async () => {
    const old = page(
      'Budi Santoso',
      block({ from: 'Budi Santoso', title: '01.12.2020 18:00:00', html: 'Hello?' }) +
        block({ from: 'Kedai Harmoni', title: '01.12.2020 18:05:00', html: 'Hi, how can we help?' }),
    );
    const [zoned] = conversations(await parseAll(old, { fileName: 'messages.html', timeZone: { name: 'Asia/Jakarta', by: 'the test' } }));
    expect(zoned.turns.map((t) => t.timestamp)).toEqual(['2020-12-01T11:00:00.000Z', '2020-12-01T11:05:00.000Z']);
    const [plain] = conversations(await parseAll(old, { fileName: 'messages.html' }));
    expect(plain.turns[0].timestamp).toBe('2020-12-01T18:00:00.000Z');
  });

  test('a sender writing through a bot ("via @bot") and forwarded messages are the sender\'s', async () => {
    const forwarded =
      '<div class="message default clearfix" id="message9"><div class="body"><div class="pull_right date details" title="01.12.2026 10:06:00 UTC+00:00">10:06</div><div class="from_name">Kedai Harmoni</div>' +
      '<div class="forwarded body"><div class="from_name">Courier<span class="date details" title="01.12.2026 09:00:00 UTC+00:00"> 01.12.2026 09:00:00</span></div><div class="text">Parcel 4521 delivered to the locker</div></div></div></div>';
    const html = page(
      'Budi Santoso',
      block({ from: 'Budi Santoso', html: 'Where is it?' }) +
        forwarded +
        block({ from: 'Budi Santoso via @helperbot', title: '01.12.2026 10:07:00 UTC+00:00', html: 'Found it' }),
    );
    const [chat] = conversations(await parseAll(html, { fileName: 'messages.html' }));
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: Where is it?',
      'assistant: Parcel 4521 delivered to the locker',
      'user: Found it',
    ]);
  });

  test('a group chat (no sender is the header) is rejected with what to do; a message without a sender names its line', async () => {
    const group = page(
      'Support team',
      block({ from: 'Budi Santoso', html: 'Hello?' }) +
        block({ from: 'Kedai Harmoni', title: '01.12.2026 10:05:00 UTC+00:00', html: 'Hi!' }),
    );
    const [rejected] = rejections(await parseAll(group, { fileName: 'messages.html' }));
    expect(rejected.reason).toBe('unknown-speaker');
    expect(rejected.detail).toMatch(/header names "Support team", who wrote none of the messages.*TUNELOOP_SPEAKER_ROLES/);
    // With the business's name mapped, the one other sender is the customer.
    const [mapped] = conversations(await parseAll(group, { fileName: 'messages.html', speakerRoles: { 'Kedai Harmoni': 'assistant' } }));
    expect(mapped.turns.map((t) => t.role)).toEqual(['user', 'assistant']);

    const orphan = page('Budi Santoso', '\n' + block({ html: 'Nobody wrote me' }));
    const [missing] = rejections(await parseAll(orphan, { fileName: 'messages.html' }));
    expect(missing.reason).toBe('missing-field:from_name');
    expect(missing.line).toBe(13);
    expect(missing.detail).toMatch(/^the message at line 13 has no sender/);
  });

  test('a support group with several customers: once the team is named, each customer is a thread, by "In reply to", a mention or who wrote last', async () => {
    // Before: unknown-speaker (two customers and the team cannot be told apart by the header).
    const { say, photo, restart } = groupMessages();
    const group = page(
      'Kedai Harmoni Help',
      [
        say('Aminah Yusof', '09:00', 'My order 4521 has not arrived'),
        say('Budi Santoso', '09:01', 'Do you ship to Medan?'),
        say('Kedai Harmoni Support', '09:03', 'It arrives tomorrow, the courier was delayed.', 1),
        say('Kedai Harmoni Support', '09:04', '<a href="" onclick="return ShowMentionName()">Budi Santoso</a> yes, in 3 to 5 days.'),
        say('Aminah Yusof', '09:06', 'Thanks!'),
        say('Kedai Harmoni Support', '09:07', 'You are welcome.'),
        photo('Citra Dewi', '09:08'),
        say('Kedai Harmoni Support', '09:09', 'That is a customs form, sign it and send it back.', 7),
      ].join('\n'),
    );
    const [chat] = conversations(await parseAll(group, { fileName: 'ChatExport_2026-03-02/messages.html' }));
    expect(chat.turns.map((t) => `${t.opensSession ? '| ' : ''}${t.role}: ${t.content}`)).toEqual([
      'user: My order 4521 has not arrived',
      'assistant: It arrives tomorrow, the courier was delayed.',
      'user: Thanks!',
      'assistant: You are welcome.',
      '| user: Do you ship to Medan?',
      'assistant: Budi Santoso yes, in 3 to 5 days.',
      // The reply to Citra's photo is in her thread, which has no question (so no example).
      '| assistant: That is a customs form, sign it and send it back.',
    ]);
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
    // The team not named: as before, what to do.
    const unnamed = group.replaceAll('Kedai Harmoni Support', 'Kedai Harmoni');
    expect(rejections(await parseAll(unnamed, { fileName: 'messages.html' }))[0].reason).toBe('unknown-speaker');

    // A mention by first name (Telegram writes a member without a user name so), an agent's follow-up
    // without a link, and a customer who only sent a photo beside one who wrote (found by a review).
    restart();
    const second = page(
      'Kedai Harmoni Help',
      [
        say('Aminah Yusof', '09:00', 'My order 4521 has not arrived'),
        say('Budi Santoso', '09:01', 'Do you ship to Medan?'),
        say('Kedai Harmoni Support', '09:03', 'It arrives tomorrow.', 1),
        say('Kedai Harmoni Support', '09:03', 'The courier was<br>delayed.'),
        say('Aminah Yusof', '09:04', 'Any news on the tracking?'),
        say('Kedai Harmoni Support', '09:05', '<a href="" onclick="return ShowMentionName()">Budi</a> yes, we ship to Medan.'),
      ].join('\n'),
    );
    const [divided] = conversations(await parseAll(second, { fileName: 'messages.html' }));
    expect(divided.turns.map((t) => `${t.opensSession ? '| ' : ''}${t.role}: ${t.content}`)).toEqual([
      'user: My order 4521 has not arrived',
      'assistant: It arrives tomorrow.\nThe courier was\ndelayed.',
      'user: Any news on the tracking?',
      '| user: Do you ship to Medan?',
      'assistant: Budi yes, we ship to Medan.',
    ]);
    expect(divided.notices).toEqual([
      'messages.html: a group chat read with 2 members as customers ("Aminah Yusof", "Budi Santoso") because only the support side was named; name any other team member in TUNELOOP_SPEAKER_ROLES',
    ]);
    restart();
    const photoOnly = page(
      'Kedai Harmoni Help',
      [
        say('Aminah Yusof', '09:00', 'My order 4521 has not arrived'),
        photo('Citra Dewi', '09:01'),
        say('Kedai Harmoni Support', '09:03', 'That is a customs form, sign it and send it back.', 2),
      ].join('\n'),
    );
    const [withPhoto] = conversations(await parseAll(photoOnly, { fileName: 'messages.html' }));
    expect(withPhoto.turns.map((t) => `${t.opensSession ? '| ' : ''}${t.role}: ${t.content}`)).toEqual([
      'user: My order 4521 has not arrived',
      '| assistant: That is a customs form, sign it and send it back.',
    ]);
  });

  test("the team posting under the group's own name (Telegram's anonymous admins) is the support side once mapped; a chat whose header names the business too", async () => {
    // Before: the header's name was always read as the customer, so the team's own posts were a
    // customer's and the group was not divided.
    const { say } = groupMessages();
    const group = page(
      'Kedai Harmoni Help',
      [
        say('Aminah Yusof', '09:00', 'My order 4521 has not arrived'),
        say('Budi Santoso', '09:01', 'Do you ship to Medan?'),
        say('Kedai Harmoni Help', '09:03', 'It arrives tomorrow, the courier was delayed.', 1),
        say('Kedai Harmoni Help', '09:04', 'Yes, in 3 to 5 days.', 2),
      ].join('\n'),
    );
    const [chat] = conversations(await parseAll(group, { fileName: 'messages.html', speakerRoles: { 'Kedai Harmoni Help': 'assistant' } }));
    expect(chat.turns.map((t) => `${t.opensSession ? '| ' : ''}${t.role}: ${t.content}`)).toEqual([
      'user: My order 4521 has not arrived',
      'assistant: It arrives tomorrow, the courier was delayed.',
      '| user: Do you ship to Medan?',
      'assistant: Yes, in 3 to 5 days.',
    ]);
    expect(chat.notices?.[0]).toMatch(/read with 2 members as customers \("Aminah Yusof", "Budi Santoso"\)/);
    // Not mapped: the header's name is a customer, as before (two customers, no support side).
    expect(rejections(await parseAll(group, { fileName: 'messages.html' }))[0].reason).toBe('unknown-speaker');

    // A customer's own export of the chat with the business: the header names the business, mapped
    // (a role word alone does not do: a customer may be called so), so the one other sender is the customer.
    const customersExport = page(
      'Kedai Harmoni',
      block({ from: 'Budi Santoso', html: 'Hello, is the shop open on Sunday?' }) +
        block({ from: 'Kedai Harmoni', title: '01.12.2026 10:05:00 UTC+00:00', html: 'Yes, from 10 to 4.' }),
    );
    expect(conversations(await parseAll(customersExport, { fileName: 'messages.html' }))[0].turns[0].role).toBe('assistant');
    const [own] = conversations(
      await parseAll(customersExport, { fileName: 'messages.html', speakerRoles: { 'Kedai Harmoni': 'assistant' } }),
    );
    expect(own.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: Hello, is the shop open on Sunday?',
      'assistant: Yes, from 10 to 4.',
    ]);
  });

  test("the account's summary page is rejected with which files to drop; other HTML as before", async () => {
    const summary =
      '<!DOCTYPE html>\n<html>\n<head>\n<title>Exported Data</title>\n</head>\n<body>\n<div class="page_wrap"><div class="page_header"><div class="content"><div class="text bold">Exported Data</div></div></div><div class="page_body"><div class="sections"></div></div></div></body></html>';
    const [rejected] = rejections(await parseAll(summary, { fileName: 'export_results.html' }));
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toMatch(/Telegram export that holds no chat.*messages\.html/);
    const [other] = rejections(await parseAll('<html><body><p>Hello</p></body></html>', { fileName: 'page.html' }));
    expect(other.detail).toMatch(/looks like HTML\/XML/);
  });

  test("the export folder zipped: messages.html and messages2.html read, the page's styles, scripts and photos passed over", async () => {
    const second = page(
      'Aminah Yusof',
      block({ from: 'Aminah Yusof', title: '05.12.2026 10:00:00 UTC+08:00', html: 'Hello again' }) +
        block({ from: 'Kedai Harmoni', title: '05.12.2026 10:01:00 UTC+08:00', html: 'Welcome back!' }),
    );
    const archive = zip([
      ['ChatExport_2026-12-05/messages.html', PAGE],
      ['ChatExport_2026-12-05/messages2.html', second],
      ['ChatExport_2026-12-05/css/style.css', '.page_wrap { background-color: #ffffff; }\n'],
      ['ChatExport_2026-12-05/js/script.js', '"use strict";\nfunction CheckLocation() { return true; }\n'],
      ['ChatExport_2026-12-05/images/back.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
      ['ChatExport_2026-12-05/photos/photo_1@01-12-2026_18-02-30.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0])],
    ]);
    const notices: string[] = [];
    const items = await parseAll(archive, { fileName: 'ChatExport_2026-12-05.zip', onNotice: (m) => notices.push(m) }, 4096);
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    expect(conversations(items).map((c) => c.turns.length)).toEqual([4, 2]);
    expect(notices).toEqual(['ChatExport_2026-12-05.zip: ZIP entries that are no export were passed over (attachment or page asset ×4)']);
  });
});
