import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutRepeatedRows, type MessageRow } from '../../../src/shared/ingest/messageCsv';
import { conversations, parseAll, rejections } from './helpers';

// Exports as support teams join them: `cat day1.csv day2.csv`, a spreadsheet's appended sheets,
// and incremental exports whose windows overlap (the same rows twice).

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'joined-test-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

const MESSAGE_HEADER = 'conversation_id,timestamp,speaker,text,issue_type,csat';
const day1 = [
  MESSAGE_HEADER,
  'c1,2026-01-01T09:00:00Z,customer,Can you ship my order today?,shipping,',
  'c1,2026-01-01T09:00:05Z,agent,"Yes, it ships this afternoon.",,',
  'c2,2026-01-01T10:00:00Z,customer,I want to return my shoes,returns,',
  'c2,2026-01-01T10:00:09Z,agent,I have sent you a return label by e-mail.,,',
];
// The next day's export overlaps: it repeats c2 (now rated) and adds a reply to it.
const day2 = [
  MESSAGE_HEADER,
  'c2,2026-01-01T10:00:00Z,customer,I want to return my shoes,returns,4',
  'c2,2026-01-01T10:00:09Z,agent,I have sent you a return label by e-mail.,,',
  'c2,2026-01-02T08:00:00Z,customer,Got it thanks,,',
  'c2,2026-01-02T08:00:30Z,agent,You are welcome; the refund follows once the parcel arrives.,,',
];

describe('files joined into one CSV', () => {
  test('a repeated header (after a byte-order mark, with an Excel sep= line) is skipped, not read as a record, and the report is told', async () => {
    const notices: string[] = [];
    const joined = [...day1, 'sep=,', `\uFEFF${day2[0]}`, ...day2.slice(1)].join('\n');
    const items = await parseAll(joined, { tempDir, fileName: 'joined.csv', onNotice: (m) => notices.push(m) });
    expect(rejections(items)).toEqual([]);
    expect(
      conversations(items)
        .map((c) => c.conversationId)
        .sort(),
    ).toEqual(['c1', 'c2']);
    expect(notices).toContainEqual(expect.stringMatching(/^joined\.csv: 2 row\(s\) repeat the header \(line 6, line 7\)/));
  });

  test('overlapping exports: rows repeated in a conversation are read once, the new ones are added, and the record keeps every row', async () => {
    const notices: string[] = [];
    const items = await parseAll([...day1, ...day2.slice(1)].join('\n'), {
      tempDir,
      fileName: 'overlap.csv',
      onNotice: (m) => notices.push(m),
    });
    const c2 = conversations(items).find((c) => c.conversationId === 'c2');
    expect(c2?.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: I want to return my shoes',
      'assistant: I have sent you a return label by e-mail.',
      'user: Got it thanks',
      'assistant: You are welcome; the refund follows once the parcel arrives.',
    ]);
    expect(c2?.csat).toBe(4);
    // The erasure removes a conversation's raw rows by its record: the repeats are in the file too.
    expect(c2?.source.record.split('\n')).toHaveLength(6);
    expect(notices).toEqual([
      'overlap.csv: 2 message row(s) of 1 conversation(s) repeated an earlier row of the same conversation (same speaker, time and text: overlapping or joined exports) and were read once',
    ]);
  });

  test('an FAQ file joined to itself gives no "question → answer" pair from its second header', async () => {
    const faq = ['question,answer,category', 'Do you ship to Ireland?,"Yes, in 3 to 5 working days.",shipping'];
    const items = await parseAll([...faq, ...faq].join('\n'), { tempDir });
    const pairs = conversations(items).map((c) => c.turns.map((t) => t.content).join(' → '));
    expect(pairs).not.toContain('question → answer');
    expect(pairs).toHaveLength(2);
  });

  test('a row that only looks like part of the header is a record', async () => {
    const items = await parseAll(
      [MESSAGE_HEADER, 'c1,2026-01-01T09:00:00Z,customer,text,issue_type,', 'c1,2026-01-01T09:00:01Z,agent,Sure thing here.,,'].join('\n'),
      {
        tempDir,
      },
    );
    expect(conversations(items)[0].turns[0].content).toBe('text');
  });
});

const row = (speaker: string, text: string, timestamp?: string, line = 0): MessageRow => ({
  conversationId: 'c',
  line,
  raw: `c,${timestamp ?? ''},${speaker},${text}`,
  speaker,
  text,
  ...(timestamp !== undefined ? { timestamp } : {}),
});

describe('withoutRepeatedRows', () => {
  test('the same speaker, text and time of day is one message; the same text at another time, or on a date without a time, is another', () => {
    const rows = [
      row('customer', 'hello?', '2026-01-01 09:00:00'),
      row('customer', 'hello?', '2026-01-01 09:00:00'),
      row('customer', 'hello?', '2026-01-01 09:02:00'),
      row('agent', 'ok', '2026-01-01'),
      row('agent', 'ok', '2026-01-01'),
      row('agent', 'ok', '1767258000'),
      row('agent', 'ok', '1767258000'),
    ];
    expect(withoutRepeatedRows(rows).map((r) => `${r.text}@${r.timestamp ?? ''}`)).toEqual([
      'hello?@2026-01-01 09:00:00',
      'hello?@2026-01-01 09:02:00',
      'ok@2026-01-01',
      'ok@2026-01-01',
      'ok@1767258000',
    ]);
  });

  test('without timestamps, only a conversation that is its first rows over again is cut', () => {
    const once = [row('customer', 'Where is my parcel?'), row('agent', 'It arrives tomorrow.')];
    expect(withoutRepeatedRows([...once, ...once, ...once])).toEqual(once);
    const typedTwice = [row('customer', 'ok'), row('customer', 'ok'), row('agent', 'Anything else?')];
    expect(withoutRepeatedRows(typedTwice)).toEqual(typedTwice);
    const notWhole = [...once, once[0]];
    expect(withoutRepeatedRows(notWhole)).toEqual(notWhole);
  });
});

describe('JSON lines files joined without a line break', () => {
  test('a line holding two records is quarantined saying where the second starts', async () => {
    const a = JSON.stringify({
      conversation_id: 'a1',
      messages: [
        { role: 'customer', text: 'Hi' },
        { role: 'agent', text: 'Hello there, how can I help?' },
      ],
    });
    const b = JSON.stringify({
      conversation_id: 'b1',
      messages: [
        { role: 'customer', text: 'Hey' },
        { role: 'agent', text: 'Good morning, what can I do?' },
      ],
    });
    const items = await parseAll(`${a}\n${a}${b}\n${b}\n`, { fileName: 'joined.jsonl' });
    const [rejected] = rejections(items);
    expect(rejected.line).toBe(2);
    expect(rejected.reason).toBe('invalid-json');
    expect(rejected.detail).toContain(
      `it holds a second JSON record from character ${a.length + 1} on (files joined without a line break between them?)`,
    );
    // A line that is broken otherwise gets no such advice.
    const broken = rejections(await parseAll(`${a}\n${a.slice(0, -1)}x\n`, { fileName: 'broken.jsonl' }))[0];
    expect(broken.detail).not.toContain('second JSON record');
  });
});
