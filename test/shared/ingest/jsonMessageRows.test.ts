import { conversations, jsonl, parseAll, rejections } from './helpers';
import type { IngestItem } from '../../../src/shared/ingest/types';

// One message per JSON line (src/shared/ingest/jsonMessageRows.ts): what warehouses and
// `pandas.to_json(orient="records", lines=True)` write from a messages table. It was `unknown-format`.

const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('message rows as JSON lines', () => {
  test('rows of interleaved conversations, in any order and with export spellings, are grouped like message CSV rows', async () => {
    const rows = [
      { chat_id: 7, created_at: '2026-03-02T09:01:00Z', role: 'agent', body: 'I have opened a trace with the carrier.', rating: 4 },
      { chat_id: 8, created_at: '2026-03-02T09:02:00Z', role: 'customer', body: 'Can I change my delivery address?', category: 'delivery' },
      { chat_id: 7, created_at: '2026-03-02T09:00:00Z', role: 'customer', body: 'Where is my parcel?', csat: 4 },
      { chat_id: 8, created_at: '2026-03-02T09:03:00Z', role: 'agent', body: 'Yes, open the order and choose Change address.' },
    ];
    const text = jsonl(...rows);
    const items = await parseAll(text);
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
    expect(byId.get('7')?.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: Where is my parcel?',
      'assistant: I have opened a trace with the carrier.',
    ]);
    expect(byId.get('7')).toMatchObject({ csat: 4, source: { line: 1 } });
    expect(byId.get('8')).toMatchObject({ issueType: 'delivery', source: { line: 2 } });
    // The record is every row's line as written: what the erasure removes from the raw file.
    const lines = text.trim().split('\n');
    expect(byId.get('7')?.source.record).toBe([lines[0], lines[2]].join('\n'));
  });

  test('a row without a conversation id, a text that is not a string, a broken line: each rejected in place, nothing lost', async () => {
    const items = await parseAll(
      jsonl(
        { conversation_id: 'c1', speaker: 'customer', text: 'Where is my parcel?' },
        { conversation_id: '', speaker: 'agent', text: 'Hello?' },
        '{"conversation_id": "c1", "speaker": "agent", "text": "cut off',
        { conversation_id: 'c1', speaker: 'agent', text: 'It is out for delivery today.' },
        { conversation_id: 'c2', speaker: 'customer', text: 'Refund please, my order 4411 arrived broken.' },
        { conversation_id: 'c2', speaker: 'agent', text: true },
      ),
    );
    expect(reasons(items).sort()).toEqual(['conversation', 'invalid-field:text', 'invalid-json', 'missing-field:conversation_id'].sort());
    const [c1] = conversations(items);
    expect(c1.turns.map((t) => t.content)).toEqual(['Where is my parcel?', 'It is out for delivery today.']);
    const byReason = new Map(rejections(items).map((r) => [r.reason, r]));
    expect(byReason.get('missing-field:conversation_id')?.line).toBe(2);
    expect(byReason.get('invalid-json')?.line).toBe(3);
    expect(byReason.get('invalid-field:text')?.detail).toBe('line 6 has a "text" that is not a string: true');
  });

  test('rows an overlapping export repeats are read once, and the report is told', async () => {
    const notices: string[] = [];
    const row = (at: string, speaker: string, text: string) => ({ conversation_id: 'c1', timestamp: at, speaker, text });
    const first = [
      row('2026-03-02T09:00:00Z', 'customer', 'Where is my parcel?'),
      row('2026-03-02T09:01:00Z', 'agent', 'It is on its way.'),
    ];
    const items = await parseAll(jsonl(...first, ...first, row('2026-03-02T09:02:00Z', 'customer', 'Thanks!')), {
      onNotice: (m) => notices.push(m),
    });
    expect(conversations(items)[0].turns.map((t) => t.content)).toEqual(['Where is my parcel?', 'It is on its way.', 'Thanks!']);
    expect(notices).toEqual([expect.stringMatching(/2 message row\(s\) of 1 conversation\(s\) repeated/)]);
  });

  test('conversation lines stay conversation lines; a lone message row among them belongs to no conversation', async () => {
    const items = await parseAll(
      jsonl(
        {
          conversation_id: 'c1',
          messages: [
            { role: 'customer', text: 'Hi, where is my parcel?' },
            { role: 'agent', text: 'On its way.' },
          ],
        },
        { conversation_id: 'c2', speaker: 'customer', text: 'Hello?' },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'unknown-record']);
  });

  test('a JSON document of message rows is one clear rejection saying how to write them', async () => {
    const rows = [
      { conversation_id: 'c1', speaker: 'customer', text: 'Where is my parcel?' },
      { conversation_id: 'c1', speaker: 'agent', text: 'It is on its way.' },
    ];
    const items = await parseAll(JSON.stringify(rows), {}, 4096);
    expect(reasons(items)).toEqual(['unknown-format']);
    expect(rejections(items)[0].detail).toMatch(/write them as JSON lines, one row per line/);
  });
});
