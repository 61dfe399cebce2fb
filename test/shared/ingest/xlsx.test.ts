import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { resolveEncodingLabel } from '../../../src/shared/ingest/encoding';
import { mayHoldFeedbackRecords, mayHoldFeedbackRecordsInFile } from '../../../src/shared/ingest/parse';
import { dateKindOfFormat, serialToIso } from '../../../src/shared/ingest/xlsx';
import { chunked, conversations, feedbacks, parseAll, rejections } from './helpers';
import { DATETIME_STYLE, TEXT_QUOTE_STYLE, workbook, zip } from './xlsxFiles';

async function read(file: Buffer, chunk = 4096) {
  const notices: string[] = [];
  const items = await parseAll(file, { fileName: 'export.xlsx', onNotice: (m) => notices.push(m) }, chunk);
  return { items, notices };
}

describe('Excel workbooks (.xlsx)', () => {
  test('an FAQ sheet: shared strings, inline strings, rich-text runs (phonetic runs left out), escaped characters', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'FAQ',
          rows: [
            ['Question', 'Answer'],
            ['How do I reset my password?', 'Use "Forgot password", then check your inbox, spam too.'],
            [
              { xml: '<c r="REF" t="inlineStr"><is><t>Where is my parcel?</t></is></c>' },
              {
                xml: '<c r="REF" t="inlineStr"><is><r><t>Track it </t></r><r><rPr><b/></rPr><t>online</t></r><rPh sb="0" eb="1"><t>トラック</t></rPh></is></c>',
              },
            ],
            [{ xml: `<c r="REF" t="s"><v>5</v></c>` }, 'Line one_x000D_\nline two'],
          ],
        },
      ],
      sharedStrings: ['Can I pay by invoice?'],
    });
    const { items } = await read(file);
    expect(rejections(items)).toEqual([]);
    const faq = conversations(items);
    expect(faq.map((c) => c.kind)).toEqual(['faq', 'faq', 'faq']);
    expect(faq.map((c) => c.turns.map((t) => t.content))).toEqual([
      ['How do I reset my password?', 'Use "Forgot password", then check your inbox, spam too.'],
      ['Where is my parcel?', 'Track it online'],
      ['Can I pay by invoice?', 'Line one\nline two'],
    ]);
    expect(faq.map((c) => [c.source.file, c.source.line])).toEqual([
      ['export.xlsx', 2],
      ['export.xlsx', 3],
      ['export.xlsx', 4],
    ]);
  });

  test('a declared text encoding (prepare --encoding, a Content-Type charset) does not touch a workbook: its parts are XML in UTF-8', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'FAQ',
          rows: [
            ['Question', 'Answer'],
            ['料金はいくらですか？', '月額1,000円です。'],
          ],
        },
      ],
    });
    const declared = await parseAll(file, { fileName: 'export.xlsx', encoding: resolveEncodingLabel('shift_jis', '--encoding') }, 4096);
    expect(rejections(declared)).toEqual([]);
    expect(conversations(declared).map((c) => c.turns.map((t) => t.content))).toEqual([['料金はいくらですか？', '月額1,000円です。']]);
  });

  test('message-per-row: dates become ISO 8601, a multi-line cell and skipped rows do not shift the row a rejection names', async () => {
    const chats = workbook({
      sheets: [
        {
          name: 'Chats',
          rows: [
            ['conversation_id', 'speaker', 'text', 'timestamp'],
            ['c1', 'customer', 'My order has not arrived.\nIt was due Monday.\nOrder 5521.', { date: 45292.375 }],
            ['c1', 'agent', 'Sorry about that, it ships today.', { xml: `<c r="REF" s="${DATETIME_STYLE}"><v>45292.3958333333</v></c>` }],
            [],
            ['c2', 'customer', 'Hi, can I change my address?'],
            ['c2', 'agent', 'Yes, in your account settings.'],
            ['c3', 'customer', 'Is the shop open on Sunday?'],
            ['c3', 'agent', 'No, Monday to Saturday.', 'next Tuesday'],
          ],
        },
      ],
    });
    const { items } = await read(chats, 5);
    const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
    const [c1, c2] = [byId.get('c1'), byId.get('c2')].map((c) => c ?? fail('missing conversation'));
    expect(c1.turns.map((t) => [t.role, t.timestamp])).toEqual([
      ['user', '2024-01-01T09:00:00.000Z'],
      ['assistant', '2024-01-01T09:30:00.000Z'],
    ]);
    expect(c1.turns[0].content).toBe('My order has not arrived.\nIt was due Monday.\nOrder 5521.');
    expect(c1.source.line).toBe(2);
    // Row 4 is empty: c2 starts on row 5, though it is the fifth CSV line only after two line breaks in a cell.
    expect(c2.source.line).toBe(5);
    expect(c2.turns.map((t) => t.timestamp)).toEqual([undefined, undefined]);
    const [bad] = rejections(items);
    expect(bad).toMatchObject({ file: 'export.xlsx', line: 7, reason: 'invalid-field:timestamp' });
    expect(bad.detail).toMatch(/^row 8 of sheet 'Chats' has timestamp "next Tuesday"/);
  });

  test('other sheets are named in the notices; hidden sheets are not read, the first visible worksheet is', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'Old',
          state: 'hidden',
          rows: [
            ['question', 'answer'],
            ['hidden q', 'hidden a'],
          ],
        },
        {
          name: 'FAQ',
          rows: [
            ['question', 'answer'],
            ['Do you ship abroad?', 'Yes, to the EU.'],
          ],
        },
        { name: "Editor's notes", rows: [['not data']] },
      ],
    });
    const { items, notices } = await read(file);
    expect(conversations(items).map((c) => c.turns[0].content)).toEqual(['Do you ship abroad?']);
    expect(notices).toEqual([
      "export.xlsx: hidden sheet 'Old' not read (only the first visible worksheet, 'FAQ', is)",
      "export.xlsx: sheet 'Editor''s notes' not read (only the first visible worksheet, 'FAQ', is)",
    ]);
  });

  test('sparse rows, numbers, booleans, formula results and error values (read as empty, with a notice)', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'Ratings',
          rows:
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
            // No cell B2: the comment column is the third.
            '<row r="2"><c r="A2"><v>1001</v></c><c r="C2"><f>2+3</f><v>5</v></c></row>' +
            '<row r="3"><c r="A3" t="str"><f>"c"&amp;"1002"</f><v>c1002</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3"><v>0.30000000000000004</v></c></row>' +
            `<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="b"><v>1</v></c><c r="C4" s="${TEXT_QUOTE_STYLE}"><v>4</v></c></row>`,
        },
      ],
      sharedStrings: ['conversation_id', 'comment', 'rating', 'c1003'],
    });
    const { items, notices } = await read(file);
    const ratings = feedbacks(items);
    expect(ratings.map((f) => [f.conversationId, f.rating, f.comment])).toEqual([
      ['1001', 5, undefined],
      ['c1003', 4, 'TRUE'],
    ]);
    // 0.30000000000000004 is shown as 0.3, which is no rating; the #N/A comment is empty.
    expect(rejections(items).map((r) => [r.line, r.record])).toEqual([[3, 'c1002,,0.3']]);
    expect(notices).toEqual(["export.xlsx: 1 cell(s) of sheet 'Ratings' held an error value (#N/A ×1) and were read as empty"]);
  });

  test("prepare's rating pass reads a workbook's header only: a sheet without a rating or score column holds no feedback", async () => {
    const faq = workbook({
      sheets: [
        {
          name: 'FAQ',
          rows: [
            ['question', 'answer'],
            ['Can I pay by invoice?', 'Yes, over 100 EUR.'],
          ],
        },
      ],
    });
    const ratings = workbook({
      sheets: [
        {
          name: 'Ratings',
          rows: [
            ['conversation_id', 'Rating'],
            ['c-1', '5'],
          ],
        },
      ],
    });
    const scores = workbook({
      sheets: [
        {
          name: 'CSAT',
          rows: [
            ['Ticket ID', 'Score'],
            ['35436', 'good'],
          ],
        },
      ],
    });
    const notWorkbook = zip([['chats.csv', 'conversation_id,rating\nc-1,5\n']]);
    const scan = (file: Buffer) => mayHoldFeedbackRecords(chunked(file, 4096), { fileName: 'export.xlsx' });
    expect(await scan(faq)).toBe(false);
    expect(await scan(gzipSync(faq))).toBe(false);
    expect(await scan(ratings)).toBe(true);
    expect(await scan(scores)).toBe(true);
    // Any file of an archive of exports may be ratings: it is parsed to find them.
    expect(await scan(notWorkbook)).toBe(true);
    // The file version leaves a workbook to the stream version, which unzips it.
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-xlsx-scan-'));
    try {
      writeFileSync(join(dir, 'faq.xlsx'), faq);
      expect(mayHoldFeedbackRecordsInFile(join(dir, 'faq.xlsx'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a gzipped workbook and a 1904-date workbook are read', async () => {
    const file = workbook({
      date1904: true,
      sheets: [
        {
          name: 'Chats',
          rows: [
            ['conversation_id', 'speaker', 'text', 'timestamp'],
            ['c1', 'customer', 'Hello?', { date: 43830 }],
            ['c1', 'agent', 'Hello, how can I help?', { date: 43830 }],
          ],
        },
      ],
    });
    const { items } = await read(gzipSync(file));
    expect(conversations(items).map((c) => c.turns.map((t) => t.timestamp))).toEqual([
      ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ]);
  });

  test('many shared strings (read back from the spill file by index) land in the right cells', async () => {
    const rows: string[][] = [['question', 'answer']];
    for (let i = 0; i < 6000; i++) rows.push([`question number ${i} ${'é'.repeat(i % 7)}?`, `answer ${i}: ${'ü'.repeat(i % 300)}`]);
    const { items } = await read(workbook({ sheets: [{ name: 'FAQ', rows }] }), 65536);
    const faq = conversations(items);
    expect(faq).toHaveLength(6000);
    for (const i of [0, 1, 299, 4095, 4096, 5999]) {
      expect(faq[i].turns.map((t) => t.content)).toEqual([
        `question number ${i} ${'é'.repeat(i % 7)}?`,
        `answer ${i}: ${'ü'.repeat(i % 300)}`.trim(),
      ]);
    }
  });

  test.each([
    [
      'an OpenDocument spreadsheet',
      zip([
        ['mimetype', 'application/vnd.oasis.opendocument.spreadsheet'],
        ['content.xml', '<office:document-content/>'],
      ]),
      'an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV UTF-8',
    ],
    [
      'an .xls workbook',
      Buffer.concat([
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        Buffer.alloc(1000),
        Buffer.from('Workbook', 'utf16le'),
      ]),
      'an Excel 97–2003 workbook (.xls); save it as .xlsx or CSV UTF-8',
    ],
    [
      'a password-protected workbook',
      Buffer.concat([
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        Buffer.alloc(1000),
        Buffer.from('EncryptionInfo', 'utf16le'),
        Buffer.alloc(50),
        Buffer.from('EncryptedPackage', 'utf16le'),
      ]),
      'password-protected (encrypted)',
    ],
    [
      'a workbook without a visible worksheet',
      workbook({ sheets: [{ name: 'Only', state: 'hidden', rows: [['question', 'answer']] }] }),
      "worksheets are all hidden ('Only')",
    ],
  ])('%s is rejected whole, saying what to do', async (_, file, detail) => {
    const { items } = await read(file);
    expect(items).toHaveLength(1);
    expect(rejections(items)[0]).toMatchObject({ file: 'export.xlsx', line: 1, reason: 'unknown-format' });
    expect(rejections(items)[0].detail).toContain(detail);
  });

  test('a damaged sheet ends the file with a rejection naming the sheet row; the rows before it are read', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'FAQ',
          rows:
            `<row r="1"><c r="A1" t="inlineStr"><is><t>question</t></is></c><c r="B1" t="inlineStr"><is><t>answer</t></is></c></row>` +
            `<row r="2"><c r="A2" t="inlineStr"><is><t>Q1?</t></is></c><c r="B2" t="inlineStr"><is><t>A1.</t></is></c></row>` +
            `<row r="3"><c r="A3" t="s"><v>99</v></c></row>`,
        },
      ],
    });
    const { items } = await read(file);
    expect(conversations(items)).toHaveLength(1);
    expect(rejections(items)).toEqual([
      expect.objectContaining({ line: 3, reason: 'invalid-workbook', detail: expect.stringContaining("row 3 of sheet 'FAQ'") }),
    ]);
  });
});

describe('Excel dates', () => {
  test('the 1900 system keeps the Lotus leap-year bug; the 1904 system does not', () => {
    expect(serialToIso(1, 'date', false)).toBe('1900-01-01');
    expect(serialToIso(59, 'date', false)).toBe('1900-02-28');
    expect(serialToIso(61, 'date', false)).toBe('1900-03-01');
    expect(serialToIso(45292.5, 'date', false)).toBe('2024-01-01T12:00:00Z');
    expect(serialToIso(45292.5, 'datetime', false)).toBe('2024-01-01T12:00:00Z');
    expect(serialToIso(0, 'date', true)).toBe('1904-01-01');
    expect(serialToIso(0.75, 'time', false)).toBe('18:00:00');
    expect(serialToIso(-1, 'date', false)).toBeUndefined();
  });

  test('custom formats are dates by d, m, y, h or s outside quotes, escapes and brackets', () => {
    expect(dateKindOfFormat('yyyy-mm-dd')).toBe('date');
    expect(dateKindOfFormat('dd/mm/yyyy\\ hh:mm')).toBe('datetime');
    expect(dateKindOfFormat('[$-409]h:mm AM/PM')).toBe('time');
    expect(dateKindOfFormat('[h]:mm:ss')).toBe('time');
    expect(dateKindOfFormat('mmm')).toBe('date');
    expect(dateKindOfFormat('0 "days"')).toBeUndefined();
    expect(dateKindOfFormat('General')).toBeUndefined();
    expect(dateKindOfFormat('[Red]#,##0.00_);(#,##0.00)')).toBeUndefined();
    expect(dateKindOfFormat('0.00E+00')).toBeUndefined();
  });
});
