import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { workbook, zip } from '../shared/ingest/xlsxFiles';

/** `tuneloop prepare` on Excel workbooks dropped next to other exports: read by content, rows named by sheet row. */
describe('tuneloop prepare with Excel workbooks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-xlsx-'));
    await mkdir(join(dir, 'in'));
    await writeFile(
      join(dir, 'in', 'faq.xlsx'),
      workbook({
        sheets: [
          {
            name: 'FAQ',
            rows: [
              ['Question', 'Answer'],
              ['How do I reset my password?', 'Use "Forgot password" on the sign-in page, then follow the link we email you.'],
              ['Can I change my delivery address?', 'Yes, until the parcel ships: open the order and choose "Change address".'],
              [
                { xml: '<c r="REF" t="inlineStr"><is><t>Do you ship abroad?</t></is></c>' },
                'We ship to every EU country within five working days.',
              ],
            ],
          },
          { name: 'Notes', rows: [['draft answers, not for training']] },
        ],
      }),
    );
    const chats: (string | { date: number } | null)[][] = [['conversation_id', 'speaker', 'text', 'timestamp']];
    const topics = ['a refund for order', 'the delivery of order', 'an invoice for order', 'the warranty of item', 'a return for order'];
    for (let i = 0; i < 12; i++) {
      const topic = `${topics[i % topics.length]} ${4000 + i * 37}`;
      chats.push([
        `t${i}`,
        'customer',
        `Hello, I am writing about ${topic}.\nIt has been a week and I heard nothing.`,
        { date: 45300 + i },
      ]);
      chats.push([
        `t${i}`,
        'agent',
        `Thanks for waiting. I checked ${topic} and sent you an update by email just now.`,
        { date: 45300 + i + 0.01 },
      ]);
    }
    chats.push(['t99', 'customer', 'Where is my order?', 'yesterday-ish']);
    chats.push(['t99', 'agent', 'It ships today.', null]);
    await writeFile(join(dir, 'in', 'chats.xlsx'), workbook({ sheets: [{ name: 'Chats', rows: chats }] }));
    // An archive of exports: its files are read as inputs of their own (test/shared/ingest/archive.test.ts).
    await writeFile(join(dir, 'in', 'bundle.zip'), zip([['chats.csv', 'conversation_id,speaker,text\nz1,,Hello?\n']]));
    await writeFile(
      join(dir, 'in', 'old.xls'),
      Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600), Buffer.from('Workbook', 'utf16le')]),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the first sheet of each workbook, warns about the others, and names rejected rows by sheet row', async () => {
    const cli = captureIo(dir);
    const code = await runCli(['prepare', 'in', '--out', 'out', '--workers', '1'], cli);
    expect(cli.err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'));
    // 12 conversations + 1 bad one, 3 FAQ pairs, one rejection for each of the ZIP and the .xls.
    expect(report.records_in).toBe(18);
    expect(report.examples_by_kind).toMatchObject({ faq: 3 });
    expect(report.warnings).toContain("in/faq.xlsx: sheet 'Notes' not read (only the first visible worksheet, 'FAQ', is)");
    const quarantine = (await readFile(join(dir, 'out', 'quarantine.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { file: string; line: number; reason: string; detail?: string });
    const byFile = (file: string) => quarantine.filter((q) => q.file === file);
    // The generated chats are alike: near duplicates are quarantined too, not checked here.
    expect(byFile('in/chats.xlsx').filter((q) => q.reason !== 'duplicate-near')).toEqual([
      expect.objectContaining({
        line: 26,
        reason: 'invalid-field:timestamp',
        detail: expect.stringMatching(/^row 26 of sheet 'Chats' has timestamp "yesterday-ish"/),
      }),
    ]);
    expect(byFile('in/bundle.zip/chats.csv')).toEqual([
      expect.objectContaining({ line: 2, reason: 'missing-field:speaker', detail: 'line 2 has no speaker' }),
    ]);
    expect(byFile('in/old.xls')).toEqual([
      expect.objectContaining({ reason: 'unknown-format', detail: expect.stringContaining('save it as .xlsx or CSV UTF-8') }),
    ]);
    const train = await readFile(join(dir, 'out', 'train.jsonl'), 'utf8');
    const validation = await readFile(join(dir, 'out', 'validation.jsonl'), 'utf8');
    const holdout = await readFile(join(dir, 'out', 'holdout.jsonl'), 'utf8');
    const all = train + validation + holdout;
    expect(all).toContain('It has been a week and I heard nothing.');
    expect(all).not.toContain('draft answers');
  }, 120_000);
});
