import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * A Salesforce messaging session's conversation entries (hand-written in the Connect REST API's
 * layout, SOURCE.md there). Before, the whole file was `unknown-format`.
 */
const ENTRIES = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'salesforce-messaging', 'entries.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
type Entry = { clientTimestamp: number; identifier: string; sender: { role: string }; messageText: string; relatedRecords: string[] };
const record = () => JSON.parse(ENTRIES) as { conversationEntries: Entry[] } & Record<string, unknown>;

describe('Salesforce messaging conversation entries', () => {
  test("the end user asks, the agent answers; the bot's and the channel's entries and a file without text are set aside", async () => {
    const items = await parseAll(ENTRIES, { fileName: 'salesforce/session.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('salesforce-0MwHs000000Q7rLKAS');
    expect(chat.channel).toBe('messaging');
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(chat.turns[0].content).toMatch(/^My plant order #GL-44817/);
    expect(chat.turns[1].timestamp).toBe('2025-12-05T09:01:30.000Z');
    expect(chat.setAside).toEqual({ 'bot-message': 2, 'media-omitted': 1 });
  });

  test('entries listed newest first (the API reads from the end by default) are put in time order', async () => {
    const reversed = record();
    reversed.conversationEntries.reverse();
    const [chat] = conversations(await parseAll(JSON.stringify(reversed), { fileName: 's.json' }, 64));
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(chat.turns[0].content).toMatch(/^My plant order/);
  });

  test("a script's conversationIdentifier names the conversation; without it or a session record the id is made from the content", async () => {
    const named = { conversationIdentifier: '9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b', ...record() };
    expect(conversations(await parseAll(JSON.stringify(named), { fileName: 's.json' }, 64))[0].conversationId).toBe(
      'salesforce-9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    );
    const bare = record();
    for (const entry of bare.conversationEntries) entry.relatedRecords = [];
    expect(conversations(await parseAll(JSON.stringify(bare), { fileName: 's.json' }, 64))[0].conversationId).toMatch(
      /^salesforce-[0-9a-f]{16,}$/,
    );
  });

  test('a conversation reopened in a later session, listed newest first, is named by its first session', async () => {
    const reopened = record();
    const later = reopened.conversationEntries.slice(1, 4).map((entry, i) => ({
      ...entry,
      identifier: `later-${i}`,
      clientTimestamp: entry.clientTimestamp + 7 * 86_400_000,
      relatedRecords: ['0MwHs000000Q9xYKAS'],
    }));
    reopened.conversationEntries = [...later.reverse(), ...reopened.conversationEntries.reverse()];
    const [chat] = conversations(await parseAll(JSON.stringify(reopened), { fileName: 's.json' }, 64));
    expect(chat.conversationId).toBe('salesforce-0MwHs000000Q7rLKAS');
    expect(chat.turns.at(-1)?.timestamp).toBe(new Date(1764925290000 + 7 * 86_400_000).toISOString());
  });

  test('a session the bot alone answered is one-sided; an unknown role names the entry', async () => {
    const botOnly = record();
    botOnly.conversationEntries = botOnly.conversationEntries.filter((e) => e.sender.role !== 'Agent');
    const [oneSided] = rejections(await parseAll(JSON.stringify(botOnly), { fileName: 's.json' }, 64));
    expect(oneSided.reason).toBe('one-sided-conversation');
    expect(oneSided.detail).toBe(
      'the Salesforce messaging session "0MwHs000000Q7rLKAS" has no reply from the support side, so there is nothing to learn from it',
    );
    const odd = record();
    odd.conversationEntries[3].sender.role = 'Observer';
    const [unknown] = rejections(await parseAll(JSON.stringify(odd), { fileName: 's.json' }, 64));
    expect(unknown.reason).toBe('unknown-speaker');
    expect(unknown.detail).toBe(
      'entry 4 has "sender.role" "Observer"; Salesforce\'s are EndUser, Agent, Supervisor, Chatbot, System and Router',
    );
  });

  test('the pages of one session in a file of JSON lines are one conversation, an entry two pages hold read once', async () => {
    const whole = record();
    const lines = [
      JSON.stringify({ conversationEntries: whole.conversationEntries.slice(4) }),
      JSON.stringify({ conversationEntries: whole.conversationEntries.slice(0, 5) }),
    ];
    const items = await parseAll(lines.join('\n') + '\n', { fileName: 'salesforce.jsonl' });
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(chat.setAside).toEqual({ 'bot-message': 2, 'media-omitted': 1 });
    expect(chat.source.record.split('\n')).toHaveLength(2);
  });
});
