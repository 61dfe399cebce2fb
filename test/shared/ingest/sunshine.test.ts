import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * A Zendesk messaging conversation as Sunshine Conversations' API lists its messages (hand-written,
 * SOURCE.md there). Before, it was read as tuneloop's own conversation line (it holds `messages`)
 * and rejected: "message 1 has no role".
 */
const MESSAGES = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'sunshine', 'messages.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('Zendesk messaging (Sunshine Conversations) messages', () => {
  test("the end user asks, the business answers; the AI agent's reply, the photo and the form are set aside", async () => {
    const items = await parseAll(MESSAGES, { fileName: 'sunshine/conversation-6740a1.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.channel).toBe('messaging');
    expect(chat.conversationId).toMatch(/^sunshine-/);
    expect(chat.turns.map((t) => `${t.role}: ${t.content.slice(0, 30)}`)).toEqual([
      'user: Hallo, my parcel 7781 shows de',
      'assistant: Hi, I have opened a trace with',
      'user: Thank you, that helps.',
    ]);
    expect(chat.turns[1].timestamp).toBe('2026-11-30T09:16:11.275Z');
    expect(chat.setAside).toEqual({ 'bot-message': 1, 'media-omitted': 2 });
  });

  test('the conversation id from "conversation" when the file holds it; one response per JSON line', async () => {
    const record = JSON.parse(MESSAGES) as Record<string, unknown>;
    const line = (id: string) => JSON.stringify({ ...record, conversation: { id } });
    const items = await parseAll(`${line('c-1')}\n${line('c-2')}\n`, { fileName: 'sunshine.jsonl' });
    expect(conversations(items).map((c) => c.conversationId)).toEqual(['sunshine-c-1', 'sunshine-c-2']);
  });

  test('the pages of one conversation in a file of JSON lines are one conversation, a message repeated by an overlapping page read once', async () => {
    const record = JSON.parse(MESSAGES) as { messages: unknown[] };
    const page = (messages: unknown[], hasMore: boolean) => JSON.stringify({ conversation: { id: 'c-9' }, messages, meta: { hasMore } });
    // Pages may come in any order: the messages' times order them.
    const lines = [page(record.messages.slice(3), false), page(record.messages.slice(0, 4), true)];
    const items = await parseAll(lines.join('\n') + '\n', { fileName: 'sunshine.jsonl' });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('sunshine-c-9');
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(chat.setAside).toEqual({ 'bot-message': 1, 'media-omitted': 2 });
  });

  test('pages saved as the API returns them (no conversation.id) are joined by the conversation their links name', async () => {
    const record = JSON.parse(MESSAGES) as { messages: unknown[] };
    const base = 'https://api.smooch.io/v2/apps/5f6e1a2b3c4d5e6f7a8b9c0d/conversations/0c7e3f9a1b2d4e6f8a0b1c2d/messages';
    // The newest page links to the older one, the older one to the newer; both name the conversation.
    const newest = JSON.stringify({
      messages: record.messages.slice(3),
      meta: { hasMore: true },
      links: { prev: `${base}?page%5Bbefore%5D=6740a1` },
    });
    const oldest = JSON.stringify({
      messages: record.messages.slice(0, 3),
      meta: { hasMore: false },
      links: { next: `${base}?page%5Bafter%5D=6740a4` },
    });
    const items = await parseAll(`${newest}\n${oldest}\n`, { fileName: 'sunshine.jsonl' });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('sunshine-0c7e3f9a1b2d4e6f8a0b1c2d');
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    // Before, each page was a conversation of its own (the older one without the agent's reply: one-sided).

    // A link with a broken escape still names its conversation, as written.
    const odd = JSON.stringify({ messages: record.messages, links: { prev: `${base.replace('0c7e3f9a', 'ab%zz')}?page%5Bbefore%5D=1` } });
    expect(conversations(await parseAll(`${odd}\n`, { fileName: 'sunshine.jsonl' }))[0].conversationId).toBe(
      'sunshine-ab%zz1b2d4e6f8a0b1c2d',
    );
  });

  test('an author type of neither side is rejected naming the message', async () => {
    const odd = MESSAGES.replace(
      '"type": "business",\n        "displayName": "Sofia",\n        "avatarUrl"',
      '"type": "agent",\n        "displayName": "Sofia",\n        "avatarUrl"',
    );
    expect(odd).not.toBe(MESSAGES);
    const [rejected] = rejections(await parseAll(odd, { fileName: 'sunshine.json' }, 64));
    expect(rejected).toMatchObject({
      reason: 'unknown-speaker',
      detail: `message 4 has "author.type" "agent"; Sunshine Conversations' are user and business`,
    });
  });

  test("tuneloop's own conversation lines are still read as such", async () => {
    const own = JSON.stringify({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello, how can I help?' },
      ],
    });
    expect(reasons(await parseAll(own, { fileName: 'own.jsonl' }))).toEqual(['conversation']);
  });
});
