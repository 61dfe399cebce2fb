import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineSettings, preprocessConfig } from '../../../src/shared/composition/config';
import { prepareDataset } from '../../../src/shared/dataset/prepare';
import { withoutRepeatedRows, type MessageRow } from '../../../src/shared/ingest/messageCsv';
import { parseInputDeferring, parseJsonLine, type DeferredLine } from '../../../src/shared/ingest/parse';
import { recordPlace } from '../../../src/shared/ingest/records';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { chunked, conversations, feedbacks, parseAll, rejections, conversationLine } from './helpers';

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

  test('with message ids, an edited message repeated by an overlapping export is read once, as the later export has it', async () => {
    const header = 'conversation_id,message_id,timestamp,speaker,text';
    const monday = [
      header,
      'c7,m1,2026-01-05T09:00:00Z,customer,My card 4111 1111 1111 1111 was charged twice',
      'c7,m2,2026-01-05T09:00:30Z,agent,I have refnded the second charge.',
    ];
    // Tuesday's export repeats c7: the agent fixed the typo, someone redacted the card number, and a new message came.
    const tuesday = [
      header,
      'c7,m1,2026-01-05T09:00:00Z,customer,My card ▇▇▇▇ was charged twice',
      'c7,m2,2026-01-05T09:00:30Z,agent,I have refunded the second charge.',
      'c7,m3,2026-01-05T09:05:00Z,customer,Thanks!',
    ];
    const said = (items: IngestItem[]) => conversations(items).map((c) => c.turns.map((t) => `${t.role}: ${t.content}`));
    const expected = [['user: My card ▇▇▇▇ was charged twice', 'assistant: I have refunded the second charge.', 'user: Thanks!']];
    const csv = [...monday, ...tuesday.slice(1)].join('\n');
    const read = await parseAll(csv, { tempDir, fileName: 'edits.csv' });
    expect(said(read)).toEqual(expected);
    // The record keeps every row: the erasure finds the old copies too.
    expect(conversations(read)[0].source.record.split('\n')).toHaveLength(5);
    // The same rows as JSON lines, keyed as a warehouse writes them.
    const rows = [...monday.slice(1), ...tuesday.slice(1)].map((line) => {
      const [chat_id, msg_id, sent_at, role, ...text] = line.split(',');
      return JSON.stringify({ chat_id, msg_id, sent_at, role, body: text.join(',') });
    });
    expect(said(await parseAll(rows.join('\n'), { tempDir, fileName: 'edits.jsonl' }))).toEqual(expected);
    // Without message ids the edit cannot be told from a second message: both stay, as one turn (not handled).
    const withoutIds = [...monday, ...tuesday.slice(1)]
      .map((line) => line.replace(/^(c7|conversation_id),(m\d|message_id),/, '$1,'))
      .join('\n');
    expect(said(await parseAll(withoutIds, { tempDir, fileName: 'no-ids.csv' }))[0][0]).toBe(
      'user: My card 4111 1111 1111 1111 was charged twice\nMy card ▇▇▇▇ was charged twice',
    );
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
  const record = conversationLine;
  const a = record('a1', 'Hi', 'Hello there, how can I help?');
  const b = record('b1', 'Hey', 'Good morning, what can I do?');
  const c = record('c1', 'My parcel is late', 'I have asked the carrier where it is.');
  // Records in: one per line, as many as a joined line holds.
  const accounted = (items: IngestItem[]) => conversations(items).length + feedbacks(items).length + rejections(items).length;

  test('a line holding two records gives two conversations, each with its own text, place and id; the report is told', async () => {
    const notices: string[] = [];
    const items = await parseAll(`${a}\n${a}${b}\n${b}\n`, { fileName: 'joined.jsonl', onNotice: (m) => notices.push(m) });
    expect(rejections(items)).toEqual([]);
    const read = conversations(items);
    expect(read.map((r) => `${r.conversationId} ${recordPlace(r.source)}`)).toEqual([
      'a1 joined.jsonl line 1',
      'a1 joined.jsonl line 2, record 1 of 2',
      'b1 joined.jsonl line 2, record 2 of 2',
      'b1 joined.jsonl line 3',
    ]);
    // Each record's own text: what its content id is taken of and what the erasure cuts out of the line.
    expect(read[1].source.record).toBe(a);
    expect(read[2].source.record).toBe(b);
    expect(accounted(items)).toBe(4);
    expect(notices).toEqual([
      'joined.jsonl: 1 line(s) held more than one JSON record (line 2): files joined without a line break between them; each record was read on its own',
    ]);
  });

  test('three records with whitespace between them, of a format without ids, get three distinct content ids', async () => {
    const ready = (question: string) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: 'Our shop opens at nine.' },
        ],
      });
    const line = `${ready('When do you open?')} ${ready('Are you open on Sunday?')}\t${ready('Do you open early?')}`;
    const items = await parseAll(`${ready('Hours?')}\n${line}\n`, { fileName: 'ready.jsonl' });
    expect(rejections(items)).toEqual([]);
    const read = conversations(items);
    expect(read.map((r) => r.source.part)).toEqual([undefined, { index: 1, of: 3 }, { index: 2, of: 3 }, { index: 3, of: 3 }]);
    expect(new Set(read.map((r) => r.conversationId)).size).toBe(4);
    expect(read.every((r) => r.source.line === (r.source.part ? 2 : 1))).toBe(true);
  });

  test('the first line of a file may be the joined one: its first record tells the format', async () => {
    const items = await parseAll(`${a}${b}\n${c}\n`, { fileName: 'first.jsonl' });
    expect(conversations(items).map((r) => r.conversationId)).toEqual(['a1', 'b1', 'c1']);
  });

  test('a joined record that is not usable is quarantined alone, its detail naming which record of the line it is', async () => {
    const empty = JSON.stringify({ conversation_id: 'x1', messages: [] });
    const items = await parseAll(`${a}\n${b}${empty}\n`, { fileName: 'half.jsonl' });
    expect(conversations(items).map((r) => r.conversationId)).toEqual(['a1', 'b1']);
    const [rejected] = rejections(items);
    expect(rejected).toMatchObject({ line: 2, record: empty });
    expect(rejected.detail).toMatch(/^line 2, record 2 of 2: /);
    expect(accounted(items)).toBe(3);
  });

  test.each([
    ['text after the record', `${a}${b} trailing garbage`],
    ['an array after the record', `${a}${b}[1]`],
    ['a broken second record', `${a}${b.slice(0, -1)}`],
    ['a comma between them', `${a}${b},${c}`],
  ])('a line with %s stays invalid-json, with the hint where the second record starts', async (_what, line) => {
    const items = await parseAll(`${a}\n${line}\n${c}\n`, { fileName: 'broken.jsonl' });
    expect(conversations(items).map((r) => r.conversationId)).toEqual(['a1', 'c1']);
    const [rejected] = rejections(items);
    expect(rejected).toMatchObject({ line: 2, reason: 'invalid-json', record: line });
    expect(rejected.detail).toContain(
      `it holds a second JSON record from character ${a.length + 1} on (files joined without a line break between them?)`,
    );
    expect(accounted(items)).toBe(3);
  });

  test.each([
    ['broken', `${a.slice(0, -1)}x`],
    ['one record and text after it', `${a} trailing garbage`],
    ['one record and an array after it', `${a}[1]`],
  ])('a line that is %s stays invalid-json, with no advice about a second record', async (_what, line) => {
    const items = await parseAll(`${a}\n${line}\n`, { fileName: 'broken.jsonl' });
    const [broken] = rejections(items);
    expect(broken).toMatchObject({ line: 2, reason: 'invalid-json', record: line });
    expect(broken.detail).not.toContain('second JSON record');
    expect(accounted(items)).toBe(2);
  });

  test('lines handed to preprocessing workers: a joined line is read on the reading thread, into the same items', async () => {
    const text = `${a}\n${b}${c}\n${c}\n`;
    const direct = await parseAll(text, { fileName: 'chats.jsonl' });
    const deferred: (IngestItem | DeferredLine)[] = [];
    for await (const item of parseInputDeferring(chunked(text), { fileName: 'chats.jsonl' })) deferred.push(item);
    // A worker answers one line with one item: no joined line may reach it.
    expect(deferred.filter((i) => i.type === 'line').map((i) => i.text)).toEqual([c]);
    const viaWorkers = deferred.flatMap((item) => {
      if (item.type !== 'line') return [item];
      const parsed = parseJsonLine(item.line, item.text, item.context, createRoleMapper());
      return parsed ? [parsed] : [];
    });
    expect(viaWorkers).toEqual(direct);
    expect(conversations(direct).map((r) => recordPlace(r.source))).toEqual([
      'chats.jsonl line 1',
      'chats.jsonl line 2, record 1 of 2',
      'chats.jsonl line 2, record 2 of 2',
      'chats.jsonl line 3',
    ]);
  });

  test('a later copy of the second record of a joined line is a duplicate whose detail names that record', async () => {
    const dir = await mkdtemp(join(tempDir, 'prepare-'));
    const first = record('x1', 'Can I change the delivery address of my order?', 'Yes: open the order and choose Change address.');
    const second = record('y1', 'My parcel is three days late, where is it?', 'I have asked the carrier; it arrives tomorrow morning.');
    const copy = record('y2', 'My parcel is three days late, where is it?', 'I have asked the carrier; it arrives tomorrow morning.');
    await writeFile(join(dir, 'chats.jsonl'), `${first}${second}\n${copy}\n`);
    const { files } = await prepareDataset({
      inputs: ['chats.jsonl'],
      outDir: 'out',
      cwd: dir,
      config: preprocessConfig(
        offlineSettings({ TUNELOOP_SPLIT_VALIDATION: '0', TUNELOOP_SPLIT_HOLDOUT: '0', TUNELOOP_BALANCE_MAX_SHARE: '1' }),
      ),
      workers: 1,
    });
    const quarantined = (await readFile(files['quarantine.jsonl'], 'utf8'))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { line: number; reason: string; detail: string });
    expect(quarantined).toEqual([
      expect.objectContaining({
        line: 2,
        reason: 'duplicate-exact',
        detail: expect.stringMatching(/of conversation y1 \(.*chats\.jsonl line 1, record 2 of 2/),
      }),
    ]);
  });

  test('message rows as JSON lines: rows joined on a line are grouped as rows of their own', async () => {
    const row = (id: string, speaker: string, text: string) => JSON.stringify({ chat_id: id, role: speaker, body: text });
    const items = await parseAll(
      [
        row('m1', 'customer', 'Is the blue one in stock?'),
        row('m1', 'agent', 'Yes, two are left.') + row('m2', 'customer', 'Hello?'),
        row('m2', 'agent', 'Hi, how can I help?'),
      ].join('\n'),
      { fileName: 'rows.jsonl', tempDir },
    );
    expect(rejections(items)).toEqual([]);
    expect(conversations(items).map((r) => `${r.conversationId}: ${r.turns.map((t) => t.content).join(' / ')}`)).toEqual([
      'm1: Is the blue one in stock? / Yes, two are left.',
      'm2: Hello? / Hi, how can I help?',
    ]);
  });
});
