import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * Contact Center AI Insights conversations (hand-written in Google's layouts, SOURCE.md there).
 * Before, both were rejected whole as unknown-format.
 */
const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'ccai', name), 'utf8');
const UPLOAD = fixture('upload-chat.json');
const API = fixture('api-conversation.json');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('Google Contact Center AI Insights conversations', () => {
  test("the upload format: the end user asks, the agent answers, the virtual agent's greeting is set aside, the category is the issue type", async () => {
    const items = await parseAll(UPLOAD, { fileName: 'ccai/conv.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(chat.turns[0].content).toBe('I was charged twice for November.');
    // Microseconds since the epoch.
    expect(chat.turns[0].timestamp).toBe('2026-12-01T09:30:05.000Z');
    expect(chat.issueType).toBe('Billing');
    expect(chat.channel).toBe('chat');
    expect(chat.setAside).toEqual({ 'bot-message': 1 });
    expect(chat.conversationId).toMatch(/^ccai-/);
  });

  test('a Conversation of the Insights API: its id from the resource name, roles from segmentParticipant', async () => {
    const [chat] = conversations(await parseAll(API, { fileName: 'ccai/8841207733.json' }, 64));
    expect(chat.conversationId).toBe('ccai-8841207733');
    expect(chat.turns.map((t) => `${t.role}: ${t.content.split(' ').slice(0, 4).join(' ')}`)).toEqual([
      'user: Hi, the router you',
      'assistant: Sorry about that. A',
      'user: Brilliant, thank you.',
    ]);
    expect(chat.turns[1].timestamp).toBe('2026-12-01T09:33:40.000Z');
    expect(chat.setAside).toEqual({ 'bot-message': 1 });
    // A phone call's transcript is the voice channel.
    const [call] = conversations(await parseAll(API.replace('"medium": "CHAT"', '"medium": "PHONE_CALL"'), { fileName: 'call.json' }, 64));
    expect(call.channel).toBe('voice');
  });

  test('a segment of an audio transcript without a participant role is rejected naming it', async () => {
    const unlabelled = API.replace('"segmentParticipant": { "role": "HUMAN_AGENT", "userId": "2" },', '');
    const [rejected] = rejections(await parseAll(unlabelled, { fileName: 'call.json' }, 64));
    expect(rejected).toMatchObject({
      reason: 'unknown-speaker',
      detail:
        'transcript segment 3 has role undefined; expected END_USER, HUMAN_AGENT, ANY_AGENT or AUTOMATED_AGENT (segmentParticipant.role)',
    });
  });
});
