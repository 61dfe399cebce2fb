import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectContainer } from '../../../src/shared/ingest/detect';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * Chats exported from LINE as text (hand-written fixtures in LINE's shape,
 * test/fixtures/formats/line/SOURCE.md). Before, such a file was read as CSV (a header line of
 * "[LINE] Chat history with …") or a JSON document ("[" first) and rejected whole.
 */
const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'line', name));
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('chats exported from LINE', () => {
  test('English export: the header names the customer, days and times, a quoted message over two lines, media and unsent set aside', async () => {
    const items = await parseAll(fixture('en.txt'), { fileName: 'line/en.txt' });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      "user: Hi, my order #4521 still hasn't arrived",
      'assistant: Sorry about that!\nThe courier says it arrives tomorrow.',
      'user: It came, thank you!',
      'assistant: Great, enjoy!',
    ]);
    expect(chat.turns.map((t) => t.timestamp)).toEqual([
      '2026-12-01T10:02:00.000Z',
      '2026-12-01T10:05:00.000Z',
      '2026-12-02T09:00:00.000Z',
      '2026-12-02T09:01:00.000Z',
    ]);
    expect(chat.setAside).toEqual({ 'media-omitted': 1, 'deleted-message': 1 });
    expect(chat.channel).toBe('line');
    expect(JSON.stringify(chat.turns)).not.toMatch(/called you|Saved on|\[Photo\]/);
    expect(chat.source.record).toBe(fixture('en.txt').toString('utf8'));
  });

  test("Japanese export, in the file's declared time zone", async () => {
    const items = await parseAll(fixture('ja.txt'), { fileName: 'line/ja.txt', timeZone: { name: 'Asia/Tokyo', by: 'the test' } });
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: 注文した商品がまだ届きません',
      'assistant: 申し訳ございません。明日お届けします。',
    ]);
    expect(chat.turns[0].timestamp).toBe('2026-12-13T05:05:00.000Z');
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
  });

  test('without the header, two unknown senders are rejected with what to do; the speaker roles setting resolves them', async () => {
    const headless = fixture('en.txt').toString('utf8').split('\n').slice(3).join('\n');
    expect(detectContainer(Buffer.from(headless))).toEqual({ kind: 'line-chat' });
    const rejected = rejections(await parseAll(headless, { fileName: 'chat.txt' }));
    expect(rejected[0].reason).toBe('unknown-speaker');
    expect(rejected[0].detail).toMatch(/header names no one.*TUNELOOP_SPEAKER_ROLES/);
    const mapped = conversations(await parseAll(headless, { fileName: 'chat.txt', speakerRoles: { 'Kedai Harmoni': 'assistant' } }));
    expect(mapped[0].turns[0]).toMatchObject({ role: 'user' });
  });

  test("a customer whose name holds a role word is still the header's customer; only the speaker roles setting names the header the support side", async () => {
    // Found by a review: reading role words in the header's name made "IT Support Kimura" the support side.
    const text = fixture('en.txt').toString('utf8').replaceAll('Aminah Yusof', 'IT Support Kimura');
    const [chat] = conversations(await parseAll(text, { fileName: 'line/en.txt' }));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    // A customer's own export of the chat with the business: the header names the business, mapped.
    const mapped = conversations(
      await parseAll(text, { fileName: 'line/en.txt', speakerRoles: { 'IT Support Kimura': 'assistant', 'Kedai Harmoni': 'user' } }),
    );
    expect(mapped[0].turns.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
  });

  test('detection: a LINE export by its header or its day and message lines; CSV and WhatsApp stay what they are', () => {
    expect(detectContainer(fixture('en.txt'))).toEqual({ kind: 'line-chat' });
    expect(detectContainer(fixture('ja.txt'))).toEqual({ kind: 'line-chat' });
    expect(detectContainer(Buffer.from('conversation_id,speaker,text\nc1,customer,Hi\n'))).toMatchObject({ kind: 'csv' });
    expect(detectContainer(Buffer.from('13/12/2026, 14:05 - Aminah: Hi\n13/12/2026, 14:06 - Shop: Hello\n'))).toEqual({
      kind: 'chat-export',
    });
  });

  test('a Thai phone dates its days in the Buddhist era (2569 is 2026)', async () => {
    const text =
      '[LINE] ประวัติการแชทกับ Aminah\nบันทึกเมื่อ: 2569/12/05 15:00\n\n2569/12/05(ศ.)\n14:05\tAminah\tสวัสดีค่ะ ของยังไม่มาถึงเลยค่ะ\n14:06\tKedai Harmoni\tขออภัยครับ จะส่งให้ใหม่พรุ่งนี้ครับ\n';
    const [chat] = conversations(await parseAll(text, { fileName: 'line/th.txt', timeZone: { name: 'Asia/Bangkok', by: 'the test' } }));
    expect(chat.turns.map((t) => `${t.role} ${t.timestamp ?? 'none'}`)).toEqual([
      'user 2026-12-05T07:05:00.000Z',
      'assistant 2026-12-05T07:06:00.000Z',
    ]);
  });
});
