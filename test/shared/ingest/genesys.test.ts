import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/** A Genesys Cloud transcript (hand-written in the documented layout, SOURCE.md there). Before: unknown-format. */
const TRANSCRIPT = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'genesys', 'chat-transcript.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('Genesys Cloud transcripts', () => {
  test("one communication is one conversation: the customer's and the agent's phrases as turns, the queue's message set aside", async () => {
    const items = await parseAll(TRANSCRIPT, { fileName: 'genesys/a7c3e9f1.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('genesys-a7c3e9f1-2b4d-4e6f-8a0b-1c2d3e4f5a6b-d2e4f6a8-0b1c-4d3e-9f5a-6b7c8d9e0f1a');
    expect(chat.channel).toBe('chat');
    // Consecutive phrases of one side are one turn; the punctuated text when there is one.
    expect(chat.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: My order says delivered but I never got it.\nit was order 55120',
      'assistant: Sorry about that. I have opened a claim with the courier.\nYou will get a refund or a new parcel within two working days.',
      'user: OK, thank you.',
    ]);
    expect(chat.turns[0].timestamp).toBe('2026-12-01T10:00:05.000Z');
    expect(chat.setAside).toEqual({ 'bot-message': 1 });
  });

  test("phrase times given from the conversation's start are placed after it; a call is the voice channel", async () => {
    const record = JSON.parse(TRANSCRIPT) as { mediaType: string; transcripts: { phrases: { startTimeMs: number }[] }[] };
    record.mediaType = 'call';
    for (const phrase of record.transcripts[0].phrases) phrase.startTimeMs -= 1796119200000;
    const [call] = conversations(await parseAll(JSON.stringify(record), { fileName: 'call.json' }));
    expect(call.channel).toBe('voice');
    expect(call.turns[0].timestamp).toBe('2026-12-01T10:00:05.000Z');
  });

  test('a participant purpose of no known side is rejected naming the phrase', async () => {
    const odd = TRANSCRIPT.replace('"participantPurpose": "internal"', '"participantPurpose": "coach"');
    const [rejected] = rejections(await parseAll(odd, { fileName: 'odd.json' }, 64));
    expect(rejected).toMatchObject({ reason: 'unknown-speaker' });
    expect(rejected.detail).toMatch(/^transcript 1, phrase 4 has "participantPurpose" "coach"/);
  });
});
