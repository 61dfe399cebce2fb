import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupMessageRows, type MessageRow } from '../../../src/shared/ingest/messageCsv';
import { parseInput } from '../../../src/shared/ingest/parse';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { chunked, conversations, feedbacks, parseAll, rejections } from './helpers';

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'ingest-test-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});
const leftovers = () => readdir(tempDir);

const summary = (items: IngestItem[]) =>
  items.map((i) =>
    i.type === 'conversation'
      ? i.conversation.conversationId
      : i.type === 'feedback'
        ? `fb:${i.feedback.conversationId}`
        : `${i.rejection.line}:${i.rejection.reason}`,
  );

describe('message-per-row CSV', () => {
  test('groups rows of a conversation from anywhere in the file and sorts them by timestamp', async () => {
    const csv = [
      'conversation_id,timestamp,speaker,text,issue_type,csat',
      'c2,2026-01-01T10:00:02Z,Agent Smith,"Hello,\nhow can I help?",,',
      'c1,2026-01-01T09:00:05Z,agent,Sure - it ships today.,shipping,',
      'c2,2026-01-01T10:00:00Z,customer,hi there,returns,',
      'c1,2026-01-01T09:00:00Z,customer,Can you ship my order?,,5',
      'c2,2026-01-01T10:00:09Z,customer,I want to return shoes,,',
      'c1,2026-01-01T09:00:01Z,Customer,Today please,,',
    ].join('\n');
    const items = await parseAll(csv, { tempDir });
    const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
    expect(items).toHaveLength(2);
    expect(byId.get('c1')).toMatchObject({
      kind: 'conversation',
      issueType: 'shipping',
      csat: 5,
      turns: [
        { role: 'user', content: 'Can you ship my order?\nToday please', timestamp: '2026-01-01T09:00:00.000Z' },
        { role: 'assistant', content: 'Sure - it ships today.', timestamp: '2026-01-01T09:00:05.000Z' },
      ],
      source: {
        file: 'input.file',
        line: 4,
        record:
          'c1,2026-01-01T09:00:05Z,agent,Sure - it ships today.,shipping,\nc1,2026-01-01T09:00:00Z,customer,Can you ship my order?,,5\nc1,2026-01-01T09:00:01Z,Customer,Today please,,',
      },
    });
    expect(byId.get('c2')!.turns.map((t) => `${t.role}:${t.content}`)).toEqual([
      'user:hi there',
      'assistant:Hello,\nhow can I help?',
      'user:I want to return shoes',
    ]);
    expect(byId.get('c2')!.source.line).toBe(2);
    expect(byId.get('c2')!.issueType).toBe('returns');
    expect(await leftovers()).toEqual([]);
  });

  test('rows without timestamps keep file order, right after the row before them; equal timestamps keep file order', async () => {
    const csv = [
      'conversation_id,timestamp,speaker,text',
      'c,2026-01-01T10:00:10Z,customer,third',
      'c,,agent,"fourth (no time, after third)"',
      'c,2026-01-01T10:00:00Z,customer,first',
      'c,2026-01-01T10:00:00Z,agent,second (same time as first)',
      'c,2026-01-01T10:00:20Z,customer,fifth',
    ].join('\n');
    const [c] = conversations(await parseAll(csv, { tempDir }));
    expect(c.turns.map((t) => t.content)).toEqual([
      'first',
      'second (same time as first)',
      'third',
      'fourth (no time, after third)',
      'fifth',
    ]);
  });

  test('the optional timestamp column may be missing entirely', async () => {
    const [c] = conversations(await parseAll('conversation_id,speaker,text\nc,user,hi\nc,bot,hello\n', { tempDir }));
    expect(c.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
  });

  test('rejects a conversation with an unknown speaker, a bad timestamp or a malformed row; a row without id alone', async () => {
    const csv = [
      'conversation_id,timestamp,speaker,text',
      'ok,1,customer,hi',
      'alien,1,customer,hi',
      'alien,2,Zorg,hello',
      'alien,3,agent,hey',
      'when,someday,customer,hi',
      'when,,agent,hello',
      ',,customer,orphan row',
      'short,1,customer',
      'short,2,agent,hello',
      'ok,2,agent,hello',
      'blank,1,,hello',
    ].join('\n');
    const items = await parseAll(csv, { tempDir });
    expect(items).toHaveLength(6);
    const byReason = new Map(rejections(items).map((r) => [r.reason, r]));
    expect([...byReason.keys()].sort()).toEqual([
      'invalid-field:timestamp',
      'invalid-row',
      'missing-field:conversation_id',
      'missing-field:speaker',
      'unknown-speaker',
    ]);
    expect(byReason.get('unknown-speaker')).toMatchObject({
      line: 3,
      record: 'alien,1,customer,hi\nalien,2,Zorg,hello\nalien,3,agent,hey',
    });
    expect(byReason.get('unknown-speaker')!.detail).toMatch(/"Zorg" \(line 4\)/);
    expect(byReason.get('invalid-field:timestamp')!.detail).toMatch(/line 6 has timestamp "someday"/);
    expect(byReason.get('invalid-row')).toMatchObject({ line: 9, detail: 'line 9 has 3 fields but the header has 4' });
    expect(byReason.get('missing-field:conversation_id')).toMatchObject({ line: 8, record: ',,customer,orphan row' });
    expect(conversations(items).map((c) => c.conversationId)).toEqual(['ok']);
  });

  test('line numbers count quoted line breaks, blank lines and CRLF', async () => {
    const csv = 'conversation_id,speaker,text\r\n\r\na,user,"one\r\ntwo\r\nthree"\r\nb,user,x\r\n\r\n\r\nc,user,y\r\n';
    const items = await parseAll(csv, { tempDir });
    expect(conversations(items).map((c) => [c.conversationId, c.source.line])).toEqual(
      expect.arrayContaining([
        ['a', 3],
        ['b', 6],
        ['c', 9],
      ]),
    );
    expect(conversations(items).find((c) => c.conversationId === 'a')!.turns[0].content).toBe('one\ntwo\nthree');
  });

  test('header names are matched loosely, semicolon and tab delimiters are detected, BOM tolerated', async () => {
    for (const [sep, bom] of [
      [';', '\ufeff'],
      ['\t', ''],
      ['|', ''],
    ]) {
      const csv = `${bom}Conversation ID${sep}Role${sep}Message${sep}Created At\nx${sep}Customer${sep}hi${sep}2026-01-01 10:00\nx${sep}Agent${sep}hello${sep}2026-01-01 10:01\n`;
      const [c] = conversations(await parseAll(csv, { tempDir }));
      expect(c.conversationId).toBe('x');
      expect(c.turns).toEqual([
        { role: 'user', content: 'hi', timestamp: '2026-01-01T10:00:00.000Z' },
        { role: 'assistant', content: 'hello', timestamp: '2026-01-01T10:01:00.000Z' },
      ]);
    }
  });

  test('a day-first export: every conversation is read (13/12 was quarantined), its ambiguous dates day-first, so replies after midnight stay after their question', async () => {
    const csv = [
      'conversation_id,speaker,text,timestamp',
      // Written out of order on purpose: the agent's reply after midnight comes first in the file.
      'late,agent,"I have refunded the double charge.",05/12/2026 00:01',
      'late,customer,"I was charged twice this month.",04/12/2026 23:59',
      'mid,customer,"Where is my parcel?",13/12/2026 09:15',
      'mid,agent,"It arrives tomorrow.",13/12/2026 09:16',
    ].join('\n');
    const items = await parseAll(csv, { tempDir });
    expect(rejections(items)).toEqual([]);
    const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
    expect(byId.get('late')?.turns.map((t) => [t.role, t.timestamp])).toEqual([
      ['user', '2026-12-04T23:59:00.000Z'],
      ['assistant', '2026-12-05T00:01:00.000Z'],
    ]);
    expect(byId.get('mid')?.turns.map((t) => t.timestamp)).toEqual(['2026-12-13T09:15:00.000Z', '2026-12-13T09:16:00.000Z']);
  });

  test("Excel's empty ghost columns after the last named one are no data; a row with text there is still invalid", async () => {
    const csv = [
      'conversation_id,speaker,text,,',
      'g,customer,"Where is my parcel?",,',
      'g,agent,"It arrives tomorrow.",,,',
      'h,customer,"Can I pay by invoice?"',
      'h,agent,"Yes, at checkout.",,',
      'x,customer,"Hello",,stray',
      'x,agent,"Hi",,',
    ].join('\r\n');
    const items = await parseAll(csv, { tempDir });
    expect(
      conversations(items)
        .map((c) => [c.conversationId, c.turns.length])
        .sort(),
    ).toEqual([
      ['g', 2],
      ['h', 2],
    ]);
    expect(rejections(items).map((r) => [r.line, r.reason, r.detail])).toEqual([
      [6, 'invalid-row', 'line 6 has 5 fields but the header has 3'],
    ]);
  });

  test("Excel's `sep=` first line names the delimiter and is not the header; line numbers stay the file's", async () => {
    for (const sep of [';', ',', '\t']) {
      const csv = `sep=${sep}\r\nconversation_id${sep}speaker${sep}text\r\ny${sep}customer${sep}"Where is it, please?"\r\ny${sep}agent${sep}On its way\r\n`;
      for (const chunkSize of [3, 64]) {
        const items = await parseAll(csv, { tempDir }, chunkSize);
        expect(rejections(items)).toEqual([]);
        const [c] = conversations(items);
        expect([c.conversationId, c.source.line, c.turns.map((t) => t.content)]).toEqual(['y', 3, ['Where is it, please?', 'On its way']]);
      }
    }
  });

  test('an unclosed quote ends the file with one rejection for the unreadable rest', async () => {
    const csv = 'conversation_id,speaker,text\na,user,hi\na,agent,"never closed\nb,user,lost\n';
    const items = await parseAll(csv, { tempDir });
    expect(summary(items)).toEqual(['3:invalid-csv', 'a']);
    expect(rejections(items)[0].detail).toMatch(/line 3 is never closed/);
    expect(rejections(items)[0].record).toBe('a,agent,"never closed\nb,user,lost\n');
  });

  test('a row over the size limit ends the file like an unclosed quote; rows before it in the same chunk are kept', async () => {
    const csv = `question,answer\nQ1,A1\nQ2,A2\nQ3,"${'x'.repeat(500)}"\nQ4,A4\n`;
    for (const chunkSize of [7, 65536]) {
      const items = await parseAll(csv, { tempDir, maxRecordBytes: 100 }, chunkSize);
      expect(summary(items).map((s) => s.replace(/^faq-.*/, 'faq'))).toEqual(['faq', 'faq', '4:invalid-csv']);
      expect(rejections(items)[0].detail).toMatch(/line 4 is over 100 bytes/);
      expect(rejections(items)[0].record.startsWith('Q3,"xxx')).toBe(true);
    }
  });

  test('many shuffled conversations come out complete and in timestamp order (one item per conversation)', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows: string[] = [];
    const expected = new Map<string, string[]>();
    for (let c = 0; c < 300; c++) {
      const id = `conv-${c}`;
      const turns = 2 + Math.floor(rand() * 6);
      const texts: string[] = [];
      for (let t = 0; t < turns; t++) {
        const text = `${id} turn ${t}`;
        texts.push(text);
        const ts = new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + c * 60_000 + t * 1000).toISOString();
        rows.push(`${id},${ts},${t % 2 ? 'agent' : 'customer'},${text}`);
      }
      expected.set(id, texts);
    }
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const items = await parseAll(['conversation_id,timestamp,speaker,text', ...rows].join('\n'), { tempDir }, 4096);
    expect(items).toHaveLength(300);
    for (const c of conversations(items)) expect(c.turns.map((t) => t.content)).toEqual(expected.get(c.conversationId));
    // Same input, same output order.
    expect(summary(await parseAll(['conversation_id,timestamp,speaker,text', ...rows].join('\n'), { tempDir }, 333))).toEqual(
      summary(items),
    );
    expect(await leftovers()).toEqual([]);
  });

  test('temp files are removed when the consumer stops early, aborts, or the input fails', async () => {
    const csv = 'conversation_id,speaker,text\n' + Array.from({ length: 50 }, (_, i) => `c${i},user,hi\nc${i},agent,hello`).join('\n');
    for await (const _ of parseInput(chunked(csv), { fileName: 'f', tempDir })) break;
    expect(await leftovers()).toEqual([]);

    const controller = new AbortController();
    const run = async () => {
      for await (const _ of parseInput(chunked(csv), { fileName: 'f', tempDir, signal: controller.signal })) controller.abort();
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(await leftovers()).toEqual([]);

    async function* failing(): AsyncIterable<Buffer> {
      yield Buffer.from(csv);
      throw new Error('disk gone');
    }
    const drain = async () => {
      for await (const _ of parseInput(failing(), { fileName: 'raw/f.csv', tempDir }));
    };
    await expect(drain()).rejects.toMatchObject({ code: 'read-failed', file: 'raw/f.csv' });
    expect(await leftovers()).toEqual([]);
  });
});

describe('one item per record (CSV)', () => {
  test('a message CSV with random good and bad rows gives one item per conversation plus one per orphan row', async () => {
    let seed = 99;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows: string[] = [];
    const ids = new Set<string>();
    let orphans = 0;
    for (let i = 0; i < 1500; i++) {
      const id = `c${Math.floor(rand() * 300)}`;
      const r = rand();
      if (r < 0.03) {
        rows.push(`,2026-01-01T10:00:00Z,customer,orphan ${i}`);
        orphans++;
        continue;
      }
      ids.add(id);
      if (r < 0.05)
        rows.push(`${id},2026-01-01T10:00:00Z,customer`); // too few fields
      else if (r < 0.07) rows.push(`${id},not a time,agent,hi`);
      else if (r < 0.09) rows.push(`${id},,Zorg the Unmappable,hi`);
      else if (r < 0.11)
        rows.push(`${id},,agent,"<br> &nbsp; "`); // empty after clean-up
      else
        rows.push(
          `${id},2026-01-01T10:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00Z,${rand() < 0.5 ? 'customer' : 'Agent Smith'},"text, ${i}"`,
        );
    }
    const items = await parseAll(['conversation_id,timestamp,speaker,text', ...rows].join('\n'), { tempDir }, 1000);
    expect(items).toHaveLength(ids.size + orphans);
    expect(rejections(items).filter((r) => r.reason === 'missing-field:conversation_id')).toHaveLength(orphans);
    const seenIds = [
      ...conversations(items).map((c) => c.conversationId),
      ...rejections(items)
        .filter((r) => r.reason !== 'missing-field:conversation_id')
        .map((r) => r.record.split(',')[0]),
    ];
    expect(new Set(seenIds)).toEqual(ids);
    expect(seenIds).toHaveLength(ids.size);
    expect(await leftovers()).toEqual([]);
  });
});

describe('grouping with bounded memory', () => {
  test('buckets larger than the limit are split again and every conversation still comes out whole', async () => {
    async function* rows(): AsyncIterable<MessageRow> {
      let line = 2;
      for (let round = 0; round < 4; round++) {
        for (let c = 0; c < 400; c++) {
          const speaker = round % 2 ? 'agent' : 'customer';
          yield {
            conversationId: `c${c}`,
            line: line,
            raw: `row ${line}`,
            speaker,
            text: `c${c} round ${round}`,
            timestamp: String(1_700_000_000 + round),
          };
          line++;
        }
      }
    }
    const items: IngestItem[] = [];
    const options = { file: 'f', roles: createRoleMapper(), tempDir, buckets: 4, maxBucketBytes: 4096, memoryBudgetChars: 0 };
    for await (const item of groupMessageRows(rows(), options)) items.push(item);
    expect(items).toHaveLength(400);
    for (const c of conversations(items)) {
      const n = c.conversationId.slice(1);
      expect(c.turns.map((t) => t.content)).toEqual([0, 1, 2, 3].map((r) => `c${n} round ${r}`));
    }
    expect(await leftovers()).toEqual([]);
  });

  test('with more buckets than files it may keep open, bucket files are closed and appended to again, and nothing is lost', async () => {
    // 40 buckets, blocks written every 64 bytes, at most 3 files open: every bucket's file is
    // opened, closed for another and opened again to append, many times over.
    const openDescriptors = () => (process.platform === 'linux' ? readdirSync('/proc/self/fd').length : 0);
    const before = openDescriptors();
    let most = before;
    async function* rows(): AsyncIterable<MessageRow> {
      let line = 2;
      for (let round = 0; round < 6; round++)
        for (let c = 0; c < 120; c++) {
          most = Math.max(most, openDescriptors());
          yield {
            conversationId: `c${c}`,
            line: line++,
            raw: `row ${line}`,
            speaker: round % 2 ? 'agent' : 'customer',
            text: `c${c} round ${round} ${'x'.repeat(40)}`,
            timestamp: String(1_700_000_000 + round),
          };
        }
    }
    const options = {
      file: 'f',
      roles: createRoleMapper(),
      tempDir,
      buckets: 40,
      blockBytes: 64,
      maxOpenFiles: 3,
      memoryBudgetChars: 0,
      onDecode: () => {
        most = Math.max(most, openDescriptors());
      },
    };
    const items: IngestItem[] = [];
    for await (const item of groupMessageRows(rows(), options)) items.push(item);
    expect(items).toHaveLength(120);
    for (const c of conversations(items)) {
      const n = c.conversationId.slice(1);
      expect(c.turns.map((t) => t.content)).toEqual([0, 1, 2, 3, 4, 5].map((r) => `c${n} round ${r} ${'x'.repeat(40)}`));
    }
    // While spilling and reading back: at most the 3 bucket files open (and the one being read), not 40.
    expect(most - before).toBeLessThanOrEqual(5);
    expect(await leftovers()).toEqual([]);
  });

  test('a spilled bucket is decoded one conversation at a time, not whole before its first conversation', async () => {
    // Rows of 300 conversations interleaved, all in one bucket: decoding the bucket whole would
    // hold all 900 rows while the first conversation is used.
    async function* rows(): AsyncIterable<MessageRow> {
      let line = 2;
      for (let round = 0; round < 3; round++)
        for (let c = 0; c < 300; c++)
          yield {
            conversationId: `c${c}`,
            line: line++,
            raw: `row ${line}`,
            speaker: round === 1 ? 'agent' : 'customer',
            text: `c${c} r${round}`,
          };
    }
    let decoded = 0;
    const options = {
      file: 'f',
      roles: createRoleMapper(),
      tempDir,
      buckets: 1,
      memoryBudgetChars: 0,
      onDecode: (n: number) => (decoded += n),
    };
    const decodedWhenOut: number[] = [];
    const ids: string[] = [];
    for await (const item of groupMessageRows(rows(), options)) {
      decodedWhenOut.push(decoded);
      if (item.type === 'conversation') ids.push(item.conversation.conversationId);
    }
    expect(ids).toEqual(Array.from({ length: 300 }, (_, c) => `c${c}`));
    // When the k-th conversation comes out, the rows of the first k conversations (3 each) have been decoded, no more.
    expect(decodedWhenOut).toEqual(Array.from({ length: 300 }, (_, k) => 3 * (k + 1)));
    expect(await leftovers()).toEqual([]);
  });

  test('rows held in memory, spilled from the first row, or spilled half-way give the same conversations in the same order', async () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows: MessageRow[] = [];
    for (let line = 2; line < 1500; line++) {
      const c = Math.floor(rand() * 200);
      const row: MessageRow = {
        conversationId: `c${c}`,
        line,
        raw: `row ${line}`,
        speaker: rand() < 0.5 ? 'customer' : 'agent',
        text: `text ${line} é 😀 ✓`,
      };
      // Every optional field, so spilled rows (written as bytes, read back) are compared whole.
      if (rand() < 0.5) row.timestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, line)).toISOString();
      if (rand() < 0.2) row.issueType = 'billing';
      if (rand() < 0.1) row.channel = 'chat';
      if (rand() < 0.1) row.csat = String(1 + (line % 5));
      if (rand() < 0.1) row.model = 'gpt-4o-mini';
      if (c === 7) row.error = { reason: 'invalid-row', detail: `line ${line} has 2 fields but the header has 3` };
      rows.push(row);
    }
    async function* source(): AsyncIterable<MessageRow[]> {
      for (let i = 0; i < rows.length; i += 100) yield rows.slice(i, i + 100);
    }
    const read = async (memoryBudgetChars: number | undefined) => {
      const items: IngestItem[] = [];
      const options = { file: 'f', roles: createRoleMapper(), tempDir, ...(memoryBudgetChars === undefined ? {} : { memoryBudgetChars }) };
      for await (const item of groupMessageRows(source(), options)) items.push(item);
      return items;
    };
    const inMemory = await read(undefined);
    expect(conversations(inMemory)).toHaveLength(199);
    expect(inMemory.filter((item) => item.type === 'rejected')).toHaveLength(1);
    expect(await read(0)).toEqual(inMemory);
    expect(await read(60_000)).toEqual(inMemory);
    expect(await leftovers()).toEqual([]);
  });
});

describe('FAQ and feedback CSV', () => {
  test('FAQ rows become faq conversations; category is the issue type', async () => {
    const csv =
      'question,answer,category\n"How do I return an item?","Use the <a href=""/returns"">returns page</a>.",returns\n,"no question",x\nShipping cost?,Free over €50,shipping,extra\n';
    const items = await parseAll(csv, { tempDir });
    expect(summary(items).slice(1)).toEqual(['3:missing-field:question', '4:invalid-row']);
    expect(conversations(items)[0]).toMatchObject({
      kind: 'faq',
      issueType: 'returns',
      turns: [
        { role: 'user', content: 'How do I return an item?' },
        { role: 'assistant', content: 'Use the returns page.' },
      ],
    });
  });

  test('feedback rows become feedback items', async () => {
    const csv = 'conversation_id,rating,comment\nc-1,5,great\nc-2,0,\nc-3,2,"slow, but ok"\n';
    const items = await parseAll(csv, { tempDir });
    expect(summary(items)).toEqual(['fb:c-1', '3:invalid-field:rating', 'fb:c-3']);
    expect(feedbacks(items)[1]).toMatchObject({ rating: 2, comment: 'slow, but ok', source: { line: 4, record: 'c-3,2,"slow, but ok"' } });
  });

  test('a header-only CSV has no records', async () => {
    expect(await parseAll('conversation_id,rating\n', { tempDir })).toEqual([]);
  });
});
