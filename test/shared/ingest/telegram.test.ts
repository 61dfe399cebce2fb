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
const ACCOUNT = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'telegram', 'account-result.json'));
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

  test("an account export: each personal chat of chats.list read, groups, channels and saved messages not-support-chat, the account's own data no records", async () => {
    // Telegram Desktop's Settings, Advanced, Export Telegram data (hand-written, SOURCE.md). Before,
    // the whole file was one rejection saying to export every customer's chat on its own.
    for (const chunk of [7, 4096]) {
      const items = await parseAll(ACCOUNT, { fileName: 'DataExport/result.json' }, chunk);
      expect(reasons(items)).toEqual(['conversation', 'not-support-chat', 'not-support-chat', 'conversation', 'not-support-chat']);
      const chats = conversations(items);
      expect(chats.map((c) => c.conversationId)).toEqual(['telegram-5123456789', 'telegram-5234567890']);
      expect(chats[1].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      const rejected = rejections(items);
      expect(rejected.map((r) => r.detail?.replace(/ \(line \d+\)/, ''))).toEqual([
        'element 1 of "chats.list": the Telegram chat "Kedai Harmoni resellers" is a group (private_supergroup) where no member is known as the support side; a support group is read when TUNELOOP_SPEAKER_ROLES names the support side\'s members ({"<name>":"assistant"}), otherwise only personal chats between a customer and the business are',
        'element 2 of "chats.list": the Telegram chat 6000000001 is the account\'s saved messages (saved_messages), no support conversation; only personal chats between a customer and the business are read',
        'element 0 of "left_chats.list": the Telegram chat "Kedai Harmoni news" is a public channel (public_channel), no support conversation; only personal chats between a customer and the business are read',
      ]);
      // Each rejection names the line its chat starts on, and keeps the chat's text.
      const lines = ACCOUNT.toString('utf8').split('\n');
      for (const r of rejected) {
        expect(lines[r.line - 1]).toBe('   {');
        expect(r.record).toMatch(/^\{\n {4}"name"/);
      }
      // Contacts, profile pictures and personal information are no records: no item holds them.
      expect(JSON.stringify(items)).not.toContain('+60 13 222 3344');
      expect(JSON.stringify(items)).not.toContain('profile_pictures/photo_1');
    }
  });

  test('an account export on one line, and with its chats before its other sections, reads the same', async () => {
    const account = JSON.parse(ACCOUNT.toString('utf8')) as Record<string, unknown>;
    const compact = await parseAll(JSON.stringify(account) + '\n', { fileName: 'result.json' });
    expect(reasons(compact)).toEqual(['conversation', 'not-support-chat', 'not-support-chat', 'conversation', 'not-support-chat']);
    // Sections' lists hold the records: the profile pictures and contacts after them are no records.
    const { chats, left_chats, ...rest } = account;
    const reordered = await parseAll(JSON.stringify({ chats, ...rest, left_chats }, null, 1), { fileName: 'result.json' });
    expect(reasons(reordered)).toEqual(reasons(compact));
  });

  test('an account export without chats is rejected with what to export instead', async () => {
    const account = {
      about: 'Here is the data you requested.',
      personal_information: { user_id: 6000000001 },
      contacts: { about: '', list: [] },
    };
    const rejected = rejections(await parseAll(JSON.stringify(account, null, 1), { fileName: 'result.json' }));
    expect(rejected[0].reason).toBe('unknown-format');
    expect(rejected[0].detail).toMatch(/Telegram account export without chats.*Personal chats/);
  });
});

/**
 * A Telegram support group (a product's or community's help group): read once the support side is
 * known (TUNELOOP_SPEAKER_ROLES, or a role word in a member's name), every other member a customer,
 * several customers asking at once divided into a thread each. Before, every group was
 * `not-support-chat`.
 */
describe('a Telegram support group', () => {
  const member = (id: number, name: string) => ({ from: name, from_id: `user${id}` });
  const TEAM = member(6000000001, 'Kedai Harmoni');
  const LINA = member(5345678901, 'Lina Park');
  const OMAR = member(5456789012, 'Omar Haddad');
  let next = 300;
  const message = (who: typeof TEAM, minute: number, text: unknown, extra: Record<string, unknown> = {}) => ({
    id: ++next,
    type: 'message',
    date: '2026-12-02T16:00:00',
    date_unixtime: String(1796198400 + minute * 60),
    ...who,
    text,
    ...extra,
  });
  const group = () => {
    next = 300;
    return JSON.stringify({
      name: 'Kedai Harmoni help',
      type: 'private_supergroup',
      id: 1700000002,
      messages: [
        message(LINA, 0, 'Are the new mugs in stock this week?'),
        message(OMAR, 1, 'Do you ship to Brunei?'),
        { id: 399, type: 'service', action: 'pin_message', date_unixtime: String(1796198400 + 90), actor_id: 'user6000000001' },
        // Replies to Omar's message (302).
        message(TEAM, 2, 'We do, in 5 days.', { reply_to_message_id: 302 }),
        // Mentions Lina by id.
        message(TEAM, 3, [{ type: 'mention_name', text: 'Lina', user_id: 5345678901 }, ', yes, from Thursday.'], {
          text_entities: [
            { type: 'mention_name', text: 'Lina', user_id: 5345678901 },
            { type: 'plain', text: ', yes, from Thursday.' },
          ],
        }),
        message(OMAR, 4, 'Great, thanks'),
      ],
    });
  };

  test('with the team named, each customer is a thread of its own; without, the group is not-support-chat saying what to do', async () => {
    const items = await parseAll(group(), { fileName: 'result.json', speakerRoles: { 'Kedai Harmoni': 'assistant' } });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('telegram-1700000002');
    expect(chat.turns.map((t) => `${t.opensSession ? '| ' : ''}${t.role}: ${t.content}`)).toEqual([
      'user: Are the new mugs in stock this week?',
      'assistant: Lina, yes, from Thursday.',
      '| user: Do you ship to Brunei?',
      'assistant: We do, in 5 days.',
      'user: Great, thanks',
    ]);
    // Every member not named is taken for a customer: the report says whom, in case one is the team's.
    expect(chat.notices).toEqual([
      'result.json: the Telegram group "Kedai Harmoni help" read with 2 members as customers ("Lina Park", "Omar Haddad") because only the support side was named; name any other team member in TUNELOOP_SPEAKER_ROLES',
    ]);
    const unnamed = rejections(await parseAll(group(), { fileName: 'result.json' }));
    expect(unnamed).toHaveLength(1);
    expect(unnamed[0].reason).toBe('not-support-chat');
    expect(unnamed[0].detail).toContain('TUNELOOP_SPEAKER_ROLES');
  });

  test('a member whose name says support is the support side without a mapping', async () => {
    const named = group().replaceAll('"Kedai Harmoni"', '"Kedai Harmoni Support"');
    const [chat] = conversations(await parseAll(named, { fileName: 'result.json' }));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
  });
});
