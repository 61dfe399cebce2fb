import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
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
