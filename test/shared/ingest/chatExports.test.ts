import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectContainer } from '../../../src/shared/ingest/detect';
import { chatExportCustomer } from '../../../src/shared/ingest/formats/transcript';
import type { Conversation, IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';
import { zip } from './xlsxFiles';

/**
 * Chats exported from WhatsApp as text (hand-written fixtures in the three shapes WhatsApp writes,
 * test/fixtures/formats/whatsapp/SOURCE.md): the whole file is one conversation. Before, such a
 * file was taken for CSV (Android) or a JSON document (iOS, "[" first) and rejected whole.
 */
const DIR = join(__dirname, '..', '..', 'fixtures', 'formats', 'whatsapp');
const fixture = (name: string) => readFileSync(join(DIR, name));
const said = (c: Conversation) => c.turns.map((t) => `${t.role}: ${t.content}`);
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const ANDROID = 'WhatsApp Chat with Aminah Yusof.txt';

describe('chats exported from WhatsApp as text', () => {
  test('an Android export is one conversation: the customer from the file name, notices and placeholders left out, dates day first', async () => {
    const items = await parseAll(fixture(ANDROID), { fileName: `exports/${ANDROID}` });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    // "Kedai Harmoni" has no role word: the file names Aminah Yusof, so the shop is the support side.
    expect(said(chat)).toEqual([
      "user: Hi, my order #4521 still hasn't arrived\nIt was due on Friday",
      'assistant: Sorry about that! Let me check.\nThe courier says it is at the depot and will arrive tomorrow.\nThanks for the photo. I have asked for a priority delivery.',
      'user: Got it, thank you!',
      "assistant: You're welcome, enjoy the dress!",
    ]);
    // 13/12/2026 settles the order for every line: 01/12 is 1 December.
    expect(chat.turns.map((t) => t.timestamp)).toEqual([
      '2026-12-01T10:02:00.000Z',
      '2026-12-01T10:05:00.000Z',
      '2026-12-13T18:31:00.000Z',
      '2026-12-13T18:33:00.000Z',
    ]);
    expect(chat.setAside).toEqual({ 'media-omitted': 1, 'deleted-message': 1 });
    expect(chat.channel).toBe('whatsapp');
    expect(JSON.stringify(chat.turns)).not.toMatch(/end-to-end|Media omitted|was deleted|was edited/);
    // The record is the whole file, so nothing of it is lost and `forget` can find it.
    expect(chat.source).toMatchObject({ file: `exports/${ANDROID}`, line: 1, record: fixture(ANDROID).toString('utf8') });
  });

  test('an iOS export from a phone in a language whose notices are not listed: what WhatsApp marks as its own is no message', async () => {
    const dutch = Buffer.from(
      [
        '[02/12/2026, 09:58:01] Budi Santoso: \u200eBerichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen.',
        '[02/12/2026, 14:10:05] Budi Santoso: Hallo, mijn pakket is nog niet aangekomen',
        '\u200e[02/12/2026, 14:10:40] Budi Santoso: \u200eafbeelding weggelaten',
        '[02/12/2026, 14:12:00] Toko Sinar: Sorry! We sturen het vandaag opnieuw.',
        '\u200e[02/12/2026, 14:12:30] Toko Sinar: \u200eJe beveiligingscode met Budi Santoso is gewijzigd.',
        '[02/12/2026, 14:13:00] Budi Santoso: Dank je',
      ].join('\n'),
    );
    const [chat] = conversations(await parseAll(zip([['_chat.txt', dutch]]), { fileName: 'WhatsApp Chat - Budi Santoso.zip' }));
    expect(said(chat)).toEqual([
      'user: Hallo, mijn pakket is nog niet aangekomen',
      'assistant: Sorry! We sturen het vandaag opnieuw.',
      'user: Dank je',
    ]);
    // A person's text with a mark inside it, or one in another export's shape, stays text.
    const android = Buffer.from('02/12/2026, 14:10 - Budi Santoso: \u200eHallo\n02/12/2026, 14:12 - Toko Sinar: Sorry!\n');
    const [plain] = conversations(await parseAll(android, { fileName: 'WhatsApp Chat with Budi Santoso.txt' }));
    expect(plain.turns.map((t) => t.content)).toEqual(['Hallo', 'Sorry!']);
  });

  test("the phone's clock is the file's declared time zone, when one is declared (else UTC)", async () => {
    const timeZone = { name: 'Asia/Kuala_Lumpur', by: 'the test' };
    const [chat] = conversations(await parseAll(fixture(ANDROID), { fileName: ANDROID, timeZone }));
    expect(chat.turns[0].timestamp).toBe('2026-12-01T02:02:00.000Z');
    const archive = zip([['_chat.txt', fixture('ios_chat.txt')]]);
    const [ios] = conversations(
      await parseAll(archive, { fileName: 'WhatsApp Chat - Budi Santoso.zip', timeZone: { name: 'Asia/Jakarta', by: 'the test' } }),
    );
    expect(ios.turns[0].timestamp).toBe('2026-12-02T07:10:05.000Z');
  });

  test('a later export of the same chat (more messages, the same start) keeps its conversation id', async () => {
    const first = conversations(await parseAll(fixture(ANDROID), { fileName: ANDROID }))[0];
    const later = Buffer.concat([
      fixture(ANDROID),
      Buffer.from('14/12/2026, 09:00 - Aminah Yusof: One more question: do you ship to Ipoh?\n'),
    ]);
    const again = conversations(await parseAll(later, { fileName: 'WhatsApp Chat with Aminah Yusof (1).txt' }))[0];
    expect(again.conversationId).toBe(first.conversationId);
    expect(again.turns).toHaveLength(5);
  });

  test('an iOS export in its ZIP: "_chat.txt", the customer from the archive name, marks and the notice of the chat title left out', async () => {
    const archive = zip([['_chat.txt', fixture('ios_chat.txt')]]);
    const items = await parseAll(archive, { fileName: 'WhatsApp Chat - Budi Santoso.zip' });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(said(chat)).toEqual([
      'user: Halo, paket saya belum sampai',
      'assistant: Mohon maaf kak, paket kakak dikirim ulang hari ini.\nNomor resi baru: JNE123456',
      'user: Sudah sampai, terima kasih',
      'assistant: Sama-sama kak, semoga suka!',
    ]);
    expect(chat.turns[0].timestamp).toBe('2026-12-02T14:10:05.000Z');
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
    expect(chat.source.file).toBe('WhatsApp Chat - Budi Santoso.zip/_chat.txt');
  });

  test('an export "with media": the photos, voice notes and contact cards beside _chat.txt are passed over and counted, not rejected', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
    const archive = zip([
      ['_chat.txt', fixture('ios_chat.txt')],
      ['00000012-PHOTO-2026-12-02-21-10-40.jpg', jpeg],
      ['00000013-AUDIO-2026-12-02-21-11-02.opus', Buffer.from('OggS\0\x02binary')],
      ['00000014-Budi.vcf', 'BEGIN:VCARD\nVERSION:3.0\nFN:Budi\nEND:VCARD\n'],
    ]);
    const notices: string[] = [];
    const items = await parseAll(archive, { fileName: 'WhatsApp Chat - Budi Santoso.zip', onNotice: (m) => notices.push(m) });
    expect(reasons(items)).toEqual(['conversation']);
    expect(notices).toEqual([
      'WhatsApp Chat - Budi Santoso.zip: ZIP entries that are no export were passed over (attachment or page asset ×3)',
    ]);
  });

  test('US English: AM/PM after a narrow no-break space; a chat whose dates all read either way is read month first, with a notice', async () => {
    const items = await parseAll(fixture('WhatsApp Chat with Carla Diaz.txt'), { fileName: 'WhatsApp Chat with Carla Diaz.txt' });
    const [chat] = conversations(items);
    expect(said(chat)[1]).toBe('assistant: Sorry about that! I have refunded the second charge.');
    expect(chat.turns.map((t) => t.timestamp)).toEqual([
      '2026-12-01T10:02:00.000Z',
      '2026-12-01T10:05:00.000Z',
      '2026-12-01T10:06:00.000Z',
      '2026-12-01T13:15:00.000Z',
    ]);
    expect(chat.notices?.[0]).toMatch(/read month first/);
  });

  test('without the file name, two unknown names are rejected with what to do; the speaker roles setting resolves them', async () => {
    const items = await parseAll(fixture(ANDROID), { fileName: 'chat.txt' });
    expect(reasons(items)).toEqual(['unknown-speaker']);
    const [rejection] = rejections(items);
    expect(rejection.detail).toMatch(/"Aminah Yusof".*"Kedai Harmoni"|"Kedai Harmoni".*"Aminah Yusof"/);
    expect(rejection.detail).toMatch(/WhatsApp Chat with <customer>\.txt.*TUNELOOP_SPEAKER_ROLES/);
    // The whole file is in the quarantine record.
    expect(rejection.record).toBe(fixture(ANDROID).toString('utf8'));

    const mapped = await parseAll(fixture(ANDROID), { fileName: 'chat.txt', speakerRoles: { 'Kedai Harmoni': 'assistant' } });
    expect(said(conversations(mapped)[0])[0]).toMatch(/^user: Hi, my order/);
  });

  test('over the record size limit: one rejection naming the limit, with the start of the file', async () => {
    const items = await parseAll(fixture(ANDROID), { fileName: ANDROID, maxRecordBytes: 200 });
    expect(reasons(items)).toEqual(['record-too-long']);
    expect(rejections(items)[0].detail).toMatch(/over the 200-byte limit of one record/);
    expect(rejections(items)[0].record).toMatch(/^01\/12\/2026, 09:58 - Messages/);
  });

  // How WhatsApp on a phone set to each language writes an entry (Android unless said), the
  // customer's message at 14:05 on 13 December 2026 and the shop's answer a minute later (a day over
  // 12 settles the order of day and month).
  test.each([
    ['English (UK)', '13/12/2026, 14:05 - ', '13/12/2026, 14:06 - '],
    ['English (US), iOS', '[12/13/26, 2:05:00\u202fPM] ', '[12/13/26, 2:06:00\u202fPM] '],
    ['German', '13.12.26, 14:05 - ', '13.12.26, 14:06 - '],
    ['French', '13/12/2026 à 14:05 - ', '13/12/2026 à 14:06 - '],
    ['Spanish, "p. m."', '13/12/26, 2:05 p. m. - ', '13/12/26, 2:06 p. m. - '],
    ['Portuguese (Brazil)', '13/12/2026 14:05 - ', '13/12/2026 14:06 - '],
    ['Dutch', '13-12-2026 14:05 - ', '13-12-2026 14:06 - '],
    ['Indonesian, a dot in the time', '13/12/26 14.05 - ', '13/12/26 14.06 - '],
    ['Finnish', '13.12.2026 klo 14.05 - ', '13.12.2026 klo 14.06 - '],
    ['Japanese', '2026/12/13 14:05 - ', '2026/12/13 14:06 - '],
    ['Chinese', '2026/12/13 下午2:05 - ', '2026/12/13 下午2:06 - '],
    ['Korean', '2026. 12. 13. 오후 2:05 - ', '2026. 12. 13. 오후 2:06 - '],
    [
      'Arabic: Arabic-Indic digits, right-to-left marks, "م" for the evening',
      '١٣\u200f/١٢\u200f/٢٠٢٦، ٢:٠٥ م - ',
      '١٣\u200f/١٢\u200f/٢٠٢٦، ٢:٠٦ م - ',
    ],
  ])('%s: "%s"', async (_language, customerAt, shopAt) => {
    const text = `${customerAt}Aminah Yusof: Hello, is my order on its way?\n${shopAt}Kedai Harmoni: Yes, it arrives tomorrow morning.\n`;
    const items = await parseAll(text, { fileName: ANDROID });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => `${t.role} ${t.timestamp ?? 'none'}`)).toEqual([
      'user 2026-12-13T14:05:00.000Z',
      'assistant 2026-12-13T14:06:00.000Z',
    ]);
  });

  test.each([
    ['Hijri, year first', '1448/06/25 14:05 - ', '1448/06/25 14:06 - '],
    ['Hijri, Arabic-Indic digits, day first', '٢٥\u200f/٠٦\u200f/١٤٤٨، ٢:٠٥ م - ', '٢٥\u200f/٠٦\u200f/١٤٤٨، ٢:٠٦ م - '],
    ['Solar Hijri, Persian digits', '۱۴۰۵/۰۹/۱۴، ۱۴:۰۵ - ', '۱۴۰۵/۰۹/۱۴، ۱۴:۰۶ - '],
    ['Solar Hijri, day first', '14/09/1405, 14:05 - ', '14/09/1405, 14:06 - '],
    ['Thai Buddhist era', '5/12/2569 14:05 - ', '13/12/2569 14:06 - '],
  ])('a phone set to another calendar (%s): "%s" is read as its Gregorian day', async (_calendar, customerAt, shopAt) => {
    const text = `${customerAt}Aminah Yusof: Hello?\n${shopAt}Kedai Harmoni: Hello, how can I help?\n`;
    const [chat] = conversations(await parseAll(text, { fileName: ANDROID }));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(chat.turns[0].timestamp).toBe('2026-12-05T14:05:00.000Z');
  });

  test('a year of no calendar we can tell (1300), or a day its calendar does not have (1448/13/01), gives no time, not a wrong one', async () => {
    for (const stamp of ['1300/06/12 14:05 - ', '1448/13/01 14:05 - ']) {
      const text = `${stamp}Aminah Yusof: Hello?\n${stamp}Kedai Harmoni: Hello, how can I help?\n`;
      const [chat] = conversations(await parseAll(text, { fileName: ANDROID }));
      expect(chat.turns.map((t) => t.timestamp)).toEqual([undefined, undefined]);
      expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    }
  });

  test('a dot between two numbers is a time only after a date: "10.50 Maria: …" inside a message stays text', async () => {
    const text =
      '13/12/2026, 14:05 - Aminah Yusof: The price is\n10.50 Maria: said my sister\n01/12/2026, 14:06 - Kedai Harmoni: Thanks, I will check it.\n';
    const [chat] = conversations(await parseAll(text, { fileName: ANDROID }));
    expect(chat.turns[0].content).toBe('The price is\n10.50 Maria: said my sister');
  });

  test('the file name WhatsApp gives an export names the customer, in the phone language', () => {
    expect(chatExportCustomer('WhatsApp Chat with Aminah Yusof.txt')).toBe('Aminah Yusof');
    expect(chatExportCustomer('uploads/2026-12/WhatsApp Chat - Budi Santoso.zip')).toBe('Budi Santoso');
    expect(chatExportCustomer('WhatsApp Chat with +60 12-345 6789 (2).txt')).toBe('+60 12-345 6789');
    expect(chatExportCustomer('Conversa do WhatsApp com Ana Souza.txt.gz')).toBe('Ana Souza');
    expect(chatExportCustomer('Chat de WhatsApp con Lucía.txt')).toBe('Lucía');
    expect(chatExportCustomer('chat.txt')).toBeUndefined();
    expect(chatExportCustomer(undefined)).toBeUndefined();
  });

  test('detection: both shapes are chat exports; a CSV, a JSON array and a message CSV with times are not', () => {
    expect(detectContainer(fixture(ANDROID))).toEqual({ kind: 'chat-export' });
    expect(detectContainer(fixture('ios_chat.txt'))).toEqual({ kind: 'chat-export' });
    expect(detectContainer(Buffer.from('conversation_id,timestamp,speaker,text\nc1,2026-12-01 10:02,customer,Hi\n'))).toMatchObject({
      kind: 'csv',
    });
    expect(detectContainer(Buffer.from('[{"conversation_id":"c1","messages":[]}]'))).toEqual({ kind: 'json-document' });
    expect(detectContainer(Buffer.from('01/12/2026 10:02,Aminah,Hi\n01/12/2026 10:05,Shop,Hello\n'))).toMatchObject({ kind: 'csv' });
  });

  test('a WhatsApp text inside a transcript field is read too: the notice on its first line no longer rejects the chat', async () => {
    const text = fixture(ANDROID).toString('utf8');
    const line = JSON.stringify({ conversation_id: 'wa-1', transcript: text });
    const items = await parseAll(line, { fileName: 'chats.jsonl', speakerRoles: { 'Kedai Harmoni': 'assistant' } });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('wa-1');
    expect(said(chat)[0]).toBe("user: Hi, my order #4521 still hasn't arrived\nIt was due on Friday");
    expect(JSON.stringify(chat.turns)).not.toMatch(/end-to-end|was deleted/);
  });
});
