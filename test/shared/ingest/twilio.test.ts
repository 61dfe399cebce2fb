import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * A Twilio conversation's messages (hand-written in the Conversations API's layout, SOURCE.md
 * there). Before, it was read as tuneloop's own line (it holds `messages`) and rejected: "message 1
 * has no role".
 */
const MESSAGES = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'twilio', 'messages.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('Twilio Conversations messages', () => {
  test("the customer's address is the user, the identity with a role word the agent; a photo alone is set aside", async () => {
    const items = await parseAll(MESSAGES, { fileName: 'twilio/CH6b1f.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('twilio-CH6b1f3c9d2e4a5b6c7d8e9f0a1b2c3d4e');
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(chat.turns[1].timestamp).toBe('2026-11-29T17:05:48.000Z');
    expect(chat.setAside).toEqual({ 'media-omitted': 1 });
  });

  test('an agent identity without a role word: the one author left is the other side; two such authors need a mapping', async () => {
    const plain = MESSAGES.replaceAll('support_maya', 'maya');
    expect(conversations(await parseAll(plain, { fileName: 'c.json' }, 64))[0].turns.map((t) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    // A web-chat customer has an identity too, not an address: neither side is known.
    const web = plain.replaceAll('whatsapp:+447700900123', 'c-51c2');
    const [rejected] = rejections(await parseAll(web, { fileName: 'c.json' }, 64));
    expect(rejected.reason).toBe('unknown-speaker');
    expect(rejected.detail).toBe(
      'the authors "c-51c2", "maya" of the Twilio conversation "CH6b1f3c9d2e4a5b6c7d8e9f0a1b2c3d4e" are of no known side: Twilio names authors, not roles; map the agents\' identities with speakerRoles (TUNELOOP_SPEAKER_ROLES={"<agent identity>":"assistant"})',
    );
    const mapped = await parseAll(web, { fileName: 'c.json', speakerRoles: { maya: 'assistant' } }, 64);
    expect(conversations(mapped)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });

  test('the pages of one conversation in a file of JSON lines are one conversation', async () => {
    const record = JSON.parse(MESSAGES) as { messages: unknown[]; meta: unknown };
    const lines = [
      JSON.stringify({ ...record, messages: record.messages.slice(0, 2) }),
      JSON.stringify({ ...record, messages: record.messages.slice(2) }),
    ];
    const items = await parseAll(lines.join('\n') + '\n', { fileName: 'twilio.jsonl' });
    expect(reasons(items)).toEqual(['conversation']);
    expect(conversations(items)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });
});
