import { gzipSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestError } from '../../../src/shared/ingest/errors';
import { parseInput } from '../../../src/shared/ingest/parse';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { chunked, conversationLine, conversations, outline, parseAll, rejections } from './helpers';
import { workbook, zip } from './xlsxFiles';

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'archive-test-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

const chats = [
  conversationLine('c1', 'Where is my parcel?', 'It arrives tomorrow morning.'),
  conversationLine('c2', 'Can I change my address?', 'Yes, open the order and choose Edit.'),
].join('\n');
const messageRows = ['conversation_id,speaker,text', 'm1,customer,Do you ship to Ireland?', 'm1,agent,"Yes, in 3 to 5 working days."'].join(
  '\n',
);
const faqSheet = workbook({
  sheets: [
    {
      name: 'FAQ',
      rows: [
        ['question', 'answer'],
        ['Is gift wrap free?', 'It costs £3 at checkout.'],
      ],
    },
  ],
});

describe('ZIP archives of exports', () => {
  test('every file is read as an input of its own, by content (JSON lines, CSV, gzip, a workbook), named <archive>/<path>', async () => {
    const archive = zip([
      ['export/', ''],
      ['export/chats.jsonl', chats],
      ['export/rows.csv', messageRows],
      ['export/old/chats.jsonl.gz', gzipSync(conversationLine('g1', 'Is the shop open on Sunday?', 'Yes, from 10 to 4.'))],
      ['export/faq.xlsx', faqSheet],
    ]);
    const notices: string[] = [];
    const items = await parseAll(archive, { fileName: 'export.zip', tempDir, onNotice: (m) => notices.push(m) }, 4096);
    expect(outline(items)).toEqual([
      'export.zip/export/chats.jsonl: c1',
      'export.zip/export/chats.jsonl: c2',
      'export.zip/export/rows.csv: m1',
      'export.zip/export/old/chats.jsonl.gz: g1',
      expect.stringMatching(/^export\.zip\/export\/faq\.xlsx: faq-/),
    ]);
    // The same records as the files read one by one.
    const alone = [...(await parseAll(chats)), ...(await parseAll(messageRows, { tempDir }))];
    expect(
      conversations(items)
        .slice(0, 3)
        .map((c) => c.turns),
    ).toEqual(conversations(alone).map((c) => c.turns));
    expect(notices).toEqual(['export.zip: ZIP entries that are no export were passed over (folder ×1)']);
  });

  test('macOS and Windows system files are passed over; an encrypted file is one record saying so; an archive inside is not opened', async () => {
    const archive = zip([
      ['__MACOSX/export/._chats.jsonl', 'binary resource fork'],
      ['export/.DS_Store', 'binary'],
      ['export/Thumbs.db', 'binary'],
      ['export/chats.jsonl', chats],
      ['export/secret.csv', messageRows, { encrypted: true }],
      ['export/inner.zip', zip([['more.jsonl', chats]])],
    ]);
    const notices: string[] = [];
    const items = await parseAll(archive, { fileName: 'export.zip', tempDir, onNotice: (m) => notices.push(m) }, 4096);
    expect(outline(items)).toEqual([
      'export.zip/export/chats.jsonl: c1',
      'export.zip/export/chats.jsonl: c2',
      'export.zip/export/secret.csv: archive-entry-refused',
      'export.zip/export/inner.zip: unknown-format',
    ]);
    expect(rejections(items)[0].detail).toBe(
      'export.zip: export/secret.csv is encrypted; export the archive without a password, or upload the files themselves',
    );
    expect(rejections(items)[1].detail).toContain('a ZIP archive inside the archive export.zip; archives are opened one level deep');
    expect(notices).toEqual(['export.zip: ZIP entries that are no export were passed over (system file ×3)']);
  });

  test('a file whose compressed data is broken stops the archive with an error naming the file, after the files before it', async () => {
    const good = zip([['a.jsonl', chats]]);
    const archive = zip([
      ['a.jsonl', chats],
      ['b.jsonl', chats],
    ]);
    // Overwrite b.jsonl's deflated data (it starts right after a.jsonl's local entry and its own 30-byte header + name).
    const broken = Buffer.from(archive);
    const bData = good.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 30 + 'b.jsonl'.length;
    broken.fill(0xff, bData, bData + 20);
    const seen: IngestItem[] = [];
    let error: unknown;
    try {
      for await (const item of parseInput(chunked(broken, 4096), { fileName: 'export.zip', tempDir })) seen.push(item);
    } catch (err) {
      error = err;
    }
    expect(outline(seen)).toEqual(['export.zip/a.jsonl: c1', 'export.zip/a.jsonl: c2']);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('archive-corrupt');
    expect((error as IngestError).message).toMatch(/^export\.zip: entry b\.jsonl of the ZIP archive cannot be read/);
  });

  test('a handler given for the files receives each one whole instead (the blob path stores them); one it refuses is a record', async () => {
    const archive = zip([
      ['a.jsonl', chats],
      ['b.csv', messageRows],
    ]);
    const handed: string[] = [];
    const items: IngestItem[] = [];
    for await (const item of parseInput(chunked(archive, 4096), {
      fileName: 'export.zip',
      tempDir,
      archiveEntry: async (entry, bytes) => {
        const parts: Buffer[] = [];
        for await (const chunk of bytes) parts.push(chunk);
        handed.push(`${entry.name}=${Buffer.concat(parts).toString('utf8').length}`);
        return entry.name.endsWith('.csv') ? 'not wanted' : undefined;
      },
    }))
      items.push(item);
    expect(handed).toEqual([`a.jsonl=${chats.length}`, `b.csv=${messageRows.length}`]);
    expect(outline(items)).toEqual(['export.zip/b.csv: archive-entry-refused']);
  });
});
