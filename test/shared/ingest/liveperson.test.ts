import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * A LivePerson Messaging Interactions API response (hand-written after LivePerson's documented
 * example, SOURCE.md there). Before, `unknown-format`.
 */
const RESPONSE = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'liveperson', 'conversations.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('LivePerson conversations', () => {
  test('the response is split into its records: the consumer asks, the human agent answers; the bot, the private note and the card are set aside', async () => {
    const items = await parseAll(RESPONSE, { fileName: 'liveperson/search-2026-12-01.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('liveperson-7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f');
    expect(chat.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(chat.turns[0].content).toBe("Hi, my bill doubled this month and I don't know why.\nYes, the November one.");
    expect(chat.turns.some((t) => t.content.includes('two routers'))).toBe(false);
    expect(chat.turns[1].timestamp).toBe('2026-12-01T10:01:30.000Z');
    expect(chat.issueType).toBe('Billing');
    expect(chat.csat).toBe(4);
    expect(chat.setAside).toEqual({ 'bot-message': 2, 'private-comment': 1 });
  });

  test('one record per JSON line works as well; a sender of neither side is rejected naming the message', async () => {
    const record = (JSON.parse(RESPONSE) as { conversationHistoryRecords: unknown[] }).conversationHistoryRecords[0];
    expect(reasons(await parseAll(`${JSON.stringify(record)}\n`, { fileName: 'lp.jsonl' }))).toEqual(['conversation']);
    const odd = RESPONSE.replace('"sentBy": "Consumer"', '"sentBy": "Supervisor"');
    const [rejected] = rejections(await parseAll(odd, { fileName: 'lp.json' }, 64));
    expect(rejected).toMatchObject({
      reason: 'unknown-speaker',
      detail: `element 0 of "conversationHistoryRecords" (line 13): message record 1 has "sentBy" "Supervisor"; LivePerson's are Consumer and Agent`,
    });
  });
});
