import { MemorySignatureStore, SIGNATURE_BANDING, UNDATED, conversationText, createDedupStage } from '../../../src/shared/quality/dedup';
import type { Conversation } from '../../../src/shared/ingest/types';
import {
  MinHasher,
  OnePermutationHasher,
  estimateJaccard,
  exactHash,
  exactJaccard,
  normaliseText,
  shingles,
} from '../../../src/shared/quality/minhash';
import { conversation } from './helpers';

const base = [
  'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge please.',
  'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
];
// A near-duplicate: same conversation with a few words changed (boilerplate with a different detail).
const near = [
  'Hi, I was charged twice for my subscription this month and I would like a refund for the extra charge thanks.',
  'I am sorry about the double charge. I have refunded the duplicate payment; it will show on your card within five business days.',
];
const different = [
  'How do I change the delivery address on an order that has already shipped?',
  'Once an order has shipped the address cannot be changed, but you can redirect it from the carrier tracking page.',
];

const convo = (id: string, texts: string[], file = 'day1.jsonl', line = 1) =>
  conversation(
    id,
    [
      ['user', texts[0]],
      ['assistant', texts[1]],
    ],
    { source: { file, line, record: id } },
  );

describe('MinHash', () => {
  it('estimates Jaccard similarity close to the exact value', () => {
    const hasher = new MinHasher(128);
    const a = shingles(normaliseText(base.join(' ')));
    const b = shingles(normaliseText(near.join(' ')));
    const c = shingles(normaliseText(different.join(' ')));
    expect(Math.abs(estimateJaccard(hasher.signature(a), hasher.signature(b)) - exactJaccard(a, b))).toBeLessThan(0.12);
    expect(estimateJaccard(hasher.signature(a), hasher.signature(c))).toBeLessThan(0.1);
    expect(estimateJaccard(hasher.signature(a), new MinHasher(128).signature(a))).toBe(1);
  });

  it('uses bands that make pairs above 0.7 Jaccard candidates with high probability', () => {
    const { bands, rows } = SIGNATURE_BANDING;
    const candidate = (j: number) => 1 - Math.pow(1 - Math.pow(j, rows), bands);
    expect(candidate(0.7)).toBeGreaterThan(0.9);
    expect(candidate(0.8)).toBeGreaterThan(0.99);
    expect(candidate(0.3)).toBeLessThan(0.02);
  });
});

describe('dedup stage (memory store)', () => {
  it('drops exact and near duplicates, says which conversation they duplicate, and keeps the rest', async () => {
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.7 });
    expect((await stage.apply(convo('a', base))).action).toBe('keep');
    const exact = await stage.apply(
      convo(
        'b',
        base.map((t) => t.toUpperCase() + '  '),
        'day1.jsonl',
        2,
      ),
    );
    expect(exact).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    expect(exact.action === 'drop' && exact.detail).toMatch(/conversation a \(day1.jsonl line 1/);
    const nearResult = await stage.apply(convo('c', near, 'day1.jsonl', 3));
    expect(nearResult).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    expect((await stage.apply(convo('d', different, 'day1.jsonl', 4))).action).toBe('keep');
    const summary = stage.summary!() as {
      checked: number;
      exact: number;
      near: number;
      duplicates: { kind: string; duplicateOf: { conversationId: string } }[];
    };
    expect(summary).toMatchObject({ checked: 4, exact: 1, near: 1 });
    expect(summary.duplicates.map((d) => [d.kind, d.duplicateOf.conversationId])).toEqual([
      ['exact', 'a'],
      ['near', 'a'],
    ]);
  });

  it('names the earlier copy as its file names records: a JSON line, a CSV row, a workbook sheet row', async () => {
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.7, now: UNDATED });
    const from = (id: string, texts: string[], file: string, line: number, unit?: Conversation['source']['unit']) => {
      const c = convo(id, texts, file, line);
      return unit === undefined ? c : { ...c, source: { ...c.source, unit } };
    };
    const detail = async (c: Conversation) => {
      const result = await stage.apply(c);
      return result.action === 'drop' ? result.detail : result.action;
    };
    expect(await detail(from('a', base, 'chats.csv', 7, 'csv-row'))).toBe('keep');
    expect(await detail(from('b', different, 'chats.xlsx', 26, { sheet: "'Chats'" }))).toBe('keep');
    // Copies in the same file and in other files (JSON lines, a workbook) name the CSV row the same way.
    expect(await detail(from('c', near, 'chats.csv', 12, 'csv-row'))).toMatch(
      /^near duplicate .* of conversation a \(chats\.csv, the row at line 7\)$/,
    );
    expect(await detail(from('d', base, 'more.jsonl', 3))).toBe('exact duplicate of conversation a (chats.csv, the row at line 7)');
    expect(await detail(from('e', different, 'more.jsonl', 4))).toBe(
      "exact duplicate of conversation b (chats.xlsx, row 26 of sheet 'Chats')",
    );
    expect(await detail(from('f', [base[0], 'Something else entirely, with no words in common.'], 'more.jsonl', 5))).toBe('keep');
    expect(await detail(from('g', [base[0], 'Something else entirely, with no words in common.'], 'chats.csv', 30, 'csv-row'))).toBe(
      'exact duplicate of conversation f (more.jsonl line 5)',
    );
  });

  it('respects the threshold: a strict threshold keeps the near duplicate', async () => {
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.99 });
    await stage.apply(convo('a', base));
    expect((await stage.apply(convo('c', near))).action).toBe('keep');
  });

  it('a conversation exported twice into one file is a duplicate; the same line again (a retried file) is not', async () => {
    // Undated (as `tuneloop prepare` runs it): the detail names the earlier record without a time.
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.8, now: UNDATED });
    expect((await stage.apply(convo('a', base, 'export.jsonl', 1))).action).toBe('keep');
    // Overlapping pages of an export: the same id and text on another line of the same file.
    const copy = await stage.apply(convo('a', base, 'export.jsonl', 7));
    expect(copy).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
    expect(copy.action === 'drop' && copy.detail).toBe('exact duplicate of conversation a (export.jsonl line 1)');
    // A near copy under the same id on another line is found too.
    expect(await stage.apply(convo('a', near, 'export.jsonl', 9))).toMatchObject({ action: 'drop', reason: 'duplicate-near' });
    // The file read again from the start finds its own records: not duplicates of themselves.
    const store = new MemorySignatureStore();
    const first = createDedupStage({ store, threshold: 0.8 });
    const again = createDedupStage({ store, threshold: 0.8 });
    expect((await first.apply(convo('a', base, 'export.jsonl', 1))).action).toBe('keep');
    expect((await again.apply(convo('a', base, 'export.jsonl', 1))).action).toBe('keep');
  });
});

describe('tool calls in the duplicate fingerprint', () => {
  // A customer asks after an order; the agent looks it up with a tool and answers.
  const withTool = (id: string, orderId: string, line: number): Conversation => ({
    ...conversation(id, [], { source: { file: 'tools.jsonl', line, record: id } }),
    turns: [
      { role: 'user', content: 'Where is my order? I placed it last week and it still has not arrived.' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_1', type: 'function', function: { name: 'get_order_status', arguments: JSON.stringify({ order_id: orderId }) } },
        ],
        toolResults: [{ toolCallId: 'call_1', content: JSON.stringify({ order_id: orderId, status: 'in transit' }) }],
      },
      { role: 'assistant', content: 'Your order is on its way and should arrive within two business days.' },
    ],
  });
  type Fingerprint = { hash: string; signature?: Uint32Array };
  const fingerprint = (c: Conversation) => createDedupStage({ store: new MemorySignatureStore() }).prepare!(c) as Fingerprint;

  it('tells apart conversations that differ only in what a tool was called with and returned', async () => {
    const a = fingerprint(withTool('a', 'A-1001', 1));
    const b = fingerprint(withTool('b', 'B-2002', 2));
    expect(b.hash).not.toBe(a.hash);
    expect(estimateJaccard(a.signature!, b.signature!)).toBeLessThan(1);
    // A strict threshold keeps the second; a true copy is still an exact duplicate.
    const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 1 });
    expect((await stage.apply(withTool('a', 'A-1001', 1))).action).toBe('keep');
    expect((await stage.apply(withTool('b', 'B-2002', 2))).action).toBe('keep');
    expect(await stage.apply(withTool('c', 'A-1001', 3))).toMatchObject({ action: 'drop', reason: 'duplicate-exact' });
  });

  it('reads the calls of ready-made lines too (tool_calls and the legacy function_call)', () => {
    const ready = (args: string, legacy = false): Conversation => ({
      ...conversation('r', []),
      kind: 'ready',
      ready: {
        messages: [
          { role: 'user', content: 'Where is my order?' },
          legacy
            ? { role: 'assistant', content: null, function_call: { name: 'get_order_status', arguments: args } }
            : {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_order_status', arguments: args } }],
              },
          { role: 'tool', tool_call_id: 'c1', content: '{"status":"in transit"}' },
        ],
      },
    });
    for (const legacy of [false, true]) {
      const one = normaliseText(conversationText(ready('{"order_id":"A-1001"}', legacy)));
      expect(one).toContain('getorderstatus');
      expect(exactHash(one)).not.toBe(exactHash(normaliseText(conversationText(ready('{"order_id":"B-2002"}', legacy)))));
    }
  });

  it('leaves the fingerprint of a conversation without tools as it was (stored signatures stay comparable)', () => {
    const plain = convo('p', base);
    const before = normaliseText(plain.turns.map((t) => t.content).join('\n'));
    const now = fingerprint(plain);
    expect(now.hash).toBe(exactHash(before));
    expect([...now.signature!]).toEqual([
      ...new OnePermutationHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows).signatureOfText(before, 3)!,
    ]);
    const readyPlain: Conversation = {
      ...conversation('q', []),
      kind: 'ready',
      ready: {
        messages: [
          { role: 'user', content: base[0] },
          { role: 'assistant', content: base[1], tool_calls: null },
        ],
      },
    };
    expect(conversationText(readyPlain)).toBe(base.join('\n'));
  });
});
