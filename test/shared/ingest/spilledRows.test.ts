import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  conversationIdAt,
  conversationIdOf,
  decodeRow,
  decodeRowAt,
  lineAt,
  readRecords,
  recordStarts,
  RowBlock,
} from '../../../src/shared/ingest/spilledRows';
import type { MessageRow } from '../../../src/shared/ingest/messageCsv';

describe('spilled message rows (length-prefixed UTF-8)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneloop-spilled-rows-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('rows come back whole, in order, with every optional field, long texts and any script', async () => {
    const rows: MessageRow[] = [
      { conversationId: 'c-1', line: 2, raw: 'c-1,user,hi', speaker: 'user', text: 'hi' },
      {
        conversationId: 'c-ü',
        line: 3,
        raw: 'raw "quoted"\nsecond line',
        speaker: 'Agent Smith',
        text: `${'long text, '.repeat(60_000)}😀 日本語 ✓`,
        timestamp: '2026-01-01T09:15:07.000Z',
        issueType: 'billing',
        channel: 'chat',
        csat: '4',
        model: 'gpt-4o-mini',
        messageId: 'msg-17',
        notice: true,
      },
      { conversationId: 'c-1', line: 4, raw: 'c-1,user,,photo.png', speaker: 'user', text: '', media: true },
      {
        conversationId: 'c-3',
        line: 70_000,
        raw: '',
        speaker: '',
        text: '',
        error: { reason: 'invalid-row', detail: 'line 70000 has 2 fields' },
      },
    ];
    const block = new RowBlock();
    for (const row of rows) block.add(row);
    const path = join(dir, 'bucket');
    writeFileSync(path, block.take());
    const read: MessageRow[] = [];
    const ids: string[] = [];
    for await (const record of readRecords(path)) {
      ids.push(conversationIdOf(record));
      read.push(decodeRow(record));
    }
    expect(ids).toEqual(['c-1', 'c-ü', 'c-1', 'c-3']);
    expect(read).toEqual(rows);
    expect(block.length).toBe(0);
  });

  test('a bucket read whole gives the same rows by offset, and one cut inside a record is an error', () => {
    const rows: MessageRow[] = [
      { conversationId: 'c-1', line: 2, raw: 'c-1,user,hi', speaker: 'user', text: 'hi' },
      { conversationId: 'c-ü', line: 9, raw: 'r', speaker: 'agent', text: '日本語 ✓', timestamp: '2026-01-01T09:15:07.000Z', csat: '4' },
    ];
    const block = new RowBlock();
    for (const row of rows) block.add(row);
    const bytes = Buffer.from(block.take());
    const starts = recordStarts(bytes, 'bucket');
    expect(starts.map((at) => conversationIdAt(bytes, at))).toEqual(['c-1', 'c-ü']);
    expect(starts.map((at) => lineAt(bytes, at))).toEqual([2, 9]);
    expect(starts.map((at) => decodeRowAt(bytes, at))).toEqual(rows);
    expect(() => recordStarts(bytes.subarray(0, bytes.length - 3), 'bucket')).toThrow(/bucket end inside a record \(\d+ bytes left\)/);
  });

  test('a file cut inside a record is an error, not a silently shorter bucket', async () => {
    const block = new RowBlock();
    block.add({ conversationId: 'c-1', line: 2, raw: 'x', speaker: 'user', text: 'hello there' });
    const path = join(dir, 'cut');
    writeFileSync(path, block.take().subarray(0, 20));
    await expect(async () => {
      for await (const _ of readRecords(path));
    }).rejects.toThrow(/end inside a record/);
  });
});
