import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metaText } from '../../../src/shared/ingest/formats/messenger';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * Messenger threads from Meta's "Download your information" (hand-written fixture in Meta's shape,
 * test/fixtures/formats/messenger/SOURCE.md). Before, a thread was read as tuneloop's own
 * conversation line (it holds `messages`) and rejected: "message 1 has no role".
 */
const THREAD = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'messenger', 'message_1.json'));
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
type Thread = { participants: { name: string }[]; messages: Record<string, unknown>[]; title?: string; thread_path: string };
const thread = () => JSON.parse(THREAD.toString('utf8')) as Thread;

describe('Messenger threads exported by Meta', () => {
  test("a Page inbox thread: the title is the customer, oldest first, Meta's escaped UTF-8 decoded, media set aside", async () => {
    const items = await parseAll(THREAD, { fileName: 'messages/inbox/zoemuller_10158123456789/message_1.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      "user: Hi, my order #4521 still hasn't arrived",
      'assistant: Sorry! It arrives tomorrow.',
      'user: The parcel came with a torn box, see the photo 👇',
      "assistant: I'm sorry about the box! We're sending a replacement with free shipping 😊",
    ]);
    expect(chat.turns[0].timestamp).toBe('2026-12-01T10:02:11.000Z');
    expect(chat.setAside).toEqual({ 'media-omitted': 2 });
    expect(chat.channel).toBe('messenger');
    // The thread path holds the customer's name: the id is a hash of it, the same for message_2.json.
    expect(chat.conversationId).toMatch(/^messenger-[0-9a-f]+$/);
    // The older half of a long thread, as message_2.json holds it.
    const second = { ...thread(), messages: thread().messages.slice(3) };
    const [part] = conversations(await parseAll(JSON.stringify(second), { fileName: 'message_2.json' }));
    expect(part.conversationId).toBe(chat.conversationId);
  });

  test('without a title naming one of two participants, the speaker roles setting decides; else unknown-speaker says what to map', async () => {
    const untitled = { ...thread(), title: undefined };
    const rejected = rejections(await parseAll(JSON.stringify(untitled), { fileName: 'message_1.json' }));
    expect(rejected[0].reason).toBe('unknown-speaker');
    expect(rejected[0].detail).toMatch(/TUNELOOP_SPEAKER_ROLES=\{"<Page name>":"assistant"\}/);
    const mapped = await parseAll(JSON.stringify(untitled), {
      fileName: 'message_1.json',
      speakerRoles: { 'Kedai Harmoni': 'assistant', 'Zoë Müller': 'user' },
    });
    expect(reasons(mapped)).toEqual(['conversation']);
  });

  test("Meta's text: UTF-8 bytes escaped one character each are decoded; real Latin-1 text and plain text stay", () => {
    expect(metaText('Zo\u00c3\u00ab M\u00c3\u00bcller')).toBe('Zoë Müller');
    expect(metaText('\u00f0\u009f\u0098\u008a')).toBe('😊');
    expect(metaText('café')).toBe('café');
    expect(metaText('Zoë already decoded 😊')).toBe('Zoë already decoded 😊');
    expect(metaText('plain')).toBe('plain');
  });

  test("Instagram's direct messages: the same shape; reactions, calls and posts shared without words are no turns, an unsent message set aside", async () => {
    const instagram = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'messenger', 'instagram_message_1.json'));
    const items = await parseAll(
      instagram,
      { fileName: 'your_instagram_activity/messages/inbox/aminahyusof_17845012345678901/message_1.json' },
      64,
    );
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: Hai, my mugs from order 4521 arrived broken 😢',
      'assistant: So sorry! Could you send a photo of the mugs?\nThank you! Your replacement ships today 🚚',
    ]);
    // The photo and the shared post; the unsent message.
    expect(chat.setAside).toEqual({ 'media-omitted': 2, 'deleted-message': 1 });
  });

  test('a Messenger call ("… called you.") is no message of the customer\'s', async () => {
    const withCall = thread();
    withCall.messages.splice(1, 0, {
      sender_name: 'Zo\u00c3\u00ab M\u00c3\u00bcller',
      timestamp_ms: 1796202100000,
      content: 'Zo\u00c3\u00ab M\u00c3\u00bcller called you.',
      call_duration: 35,
    });
    const [chat] = conversations(await parseAll(JSON.stringify(withCall), { fileName: 'message_1.json' }));
    expect(chat.turns.map((t) => t.content).join(' ')).not.toContain('called you');
    expect(chat.turns).toHaveLength(4);
  });
});
