import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * Chats exported from Telegram Desktop as JSON (hand-written fixture, test/fixtures/formats/telegram/SOURCE.md).
 * Before, a chat's `result.json` was read as tuneloop's own conversation line (it holds `messages`)
 * and rejected: "message 1 has no role".
 */
const RESULT = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'telegram', 'result.json'));
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('chats exported from Telegram Desktop', () => {
  test("one chat's result.json: the chat's own user id is the customer, service messages and media without a caption left out", async () => {
    const items = await parseAll(RESULT, { fileName: 'telegram/result.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('telegram-5123456789');
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      "user: Hi, my order #4521 still hasn't arrived",
      'assistant: Sorry! Track it here: https://track.example/4521 - it arrives tomorrow.',
      // A photo's caption is its message.
      'user: It came with a torn box',
      'assistant: I am sorry about the box. I have sent a replacement with free shipping.',
    ]);
    // date_unixtime is UTC; "date" is the exporting computer's wall clock (18:02 in UTC+8).
    expect(chat.turns[0].timestamp).toBe('2026-12-01T10:02:11.000Z');
    expect(chat.setAside).toEqual({ 'media-omitted': 2 });
    expect(chat.channel).toBe('telegram');
  });

  test('a chat per JSON line reads the same', async () => {
    const line = JSON.stringify(JSON.parse(RESULT.toString('utf8')));
    const [chat] = conversations(await parseAll(line + '\n', { fileName: 'chats.jsonl' }));
    expect(chat.turns).toHaveLength(4);
  });

  test('a chat where only the business wrote is rejected as one-sided; a message without from_id names itself', async () => {
    const chat = JSON.parse(RESULT.toString('utf8')) as { messages: Record<string, unknown>[] };
    const business = { ...chat, messages: chat.messages.filter((m) => m.from_id === 'user6000000001') };
    const items = await parseAll(JSON.stringify(business), { fileName: 'result.json' });
    expect(reasons(items)).toEqual(['one-sided-conversation']);
    const broken = { ...chat, messages: [{ ...chat.messages[0], from_id: undefined }] };
    const rejected = rejections(await parseAll(JSON.stringify(broken), { fileName: 'result.json' }));
    expect(rejected[0]).toMatchObject({ reason: 'missing-field:from_id' });
    expect(rejected[0].detail).toMatch(/^message 1 has no "from_id"/);
  });

  test('a whole account export is rejected with what to export instead', async () => {
    const account = { about: 'Here is the data you requested.', personal_information: { user_id: 6000000001 }, chats: { list: [] } };
    const rejected = rejections(await parseAll(JSON.stringify(account, null, 1), { fileName: 'result.json' }));
    expect(rejected[0].reason).toBe('unknown-format');
    expect(rejected[0].detail).toMatch(/whole Telegram account export.*Export chat history/);
  });
});
