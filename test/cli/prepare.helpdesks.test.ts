import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

const fixtures = join(__dirname, '..', 'fixtures', 'formats');
const OUTPUTS = ['train.jsonl', 'validation.jsonl', 'holdout.jsonl'];

/**
 * Each help desk fixture through `tuneloop prepare`: every record yields one item (records in =
 * used + quarantined, and records in = the export's records), the internal notes are counted as set
 * aside, and no word of them (names, card digits, phone numbers, e-mail addresses, the notes' own
 * wording) reaches any split.
 */
const cases: { file: string; records: number; used: number; setAside: Record<string, number>; notes: RegExp }[] = [
  {
    file: 'freshdesk_tickets.json',
    records: 3,
    used: 2,
    // The third ticket (its only other message a private note) is quarantined whole, so only the first ticket's note counts.
    setAside: { 'private-note': 1 },
    notes: /Kowalczyk|4417|7946|Second damaged order|half-price|okafor/i,
  },
  {
    file: 'helpscout_conversations.json',
    records: 3,
    used: 2,
    // The third conversation's note goes with it into quarantine.
    setAside: { 'internal-note': 1, forwarded: 1, 'unpublished-thread': 1 },
    notes: /Raman|1987|Elm Grove|Warehouse|tom\.baker|Half-written|GB 123/i,
  },
  {
    file: 'gorgias_tickets.json',
    records: 3,
    used: 2,
    setAside: { 'internal-note': 1 },
    notes: /Lilas|06 12 34|mixed up bins|marek|credit limit/i,
  },
  // Zendesk's incremental ticket event export: 8 events of 3 tickets, each ticket one record (7103 has field changes only).
  ...['zendesk_ticket_events.jsonl', 'zendesk_ticket_events.json'].map((file) => ({
    file,
    records: 3,
    used: 2,
    setAside: { 'private-comment': 1 },
    notes: /Priya|Raman|7700|4417|fraud/i,
  })),
  {
    file: 'livechat_archives.json',
    records: 3,
    used: 2,
    setAside: { 'internal-note': 2 },
    notes: /Haddad|Harbour|07700|fraud|Supervisor|88-1402/i,
  },
  {
    file: 'front_messages.jsonl',
    records: 3,
    used: 2,
    // The third record is a comments page, quarantined whole (internal-comments).
    setAside: { draft: 1 },
    notes: /Oskar|5521|voucher|0171|third late parcel/i,
  },
  {
    file: 'crisp_messages.jsonl',
    records: 3,
    used: 2,
    // The third conversation's note goes with it into quarantine (one-sided once the note is left out).
    setAside: { 'private-note': 1, 'non-text-message': 2 },
    notes: /lena\.vogt|88213|marketing knows|203\.0\.113|Spam check|What is it about/i,
  },
  {
    file: 'zoho_desk_threads.jsonl',
    records: 3,
    used: 2,
    setAside: { 'private-thread': 1 },
    notes: /IBAN|DE89|3704|55190|Internal/i,
  },
];

describe('tuneloop prepare with help desk exports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-helpdesks-'));
    for (const { file } of cases) await cp(join(fixtures, file), join(dir, file));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(cases)('$file: one item per record, notes set aside and never in any split', async ({ file, records, used, setAside, notes }) => {
    const out = `out-${file}`;
    const cli = captureIo(dir);
    expect(await runCli(['prepare', file, '--out', out], cli)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ records_in: records, records_used: used, records_quarantined: records - used });
    expect(report.set_aside).toEqual(setAside);
    const written = await Promise.all(OUTPUTS.map((name) => readFile(join(dir, out, name), 'utf8')));
    expect(written.join('').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(used);
    for (const [i, text] of written.entries())
      expect({ file: OUTPUTS[i], leaked: text.match(notes)?.[0] }).toEqual({ file: OUTPUTS[i], leaked: undefined });
  });

  it('Freshchat pages of one conversation on two lines: one record, one conversation, the same outputs with 1 and 2 workers', async () => {
    const [first, second] = (await readFile(join(fixtures, 'freshchat_messages.jsonl'), 'utf8')).trim().split('\n');
    const page = JSON.parse(first) as { messages: unknown[] };
    // The older messages' page saved after the newer one's, the other conversation between them.
    const pages = [{ ...page, messages: page.messages.slice(0, 2) }, JSON.parse(second), { ...page, messages: page.messages.slice(2) }];
    await writeFile(join(dir, 'freshchat_pages.jsonl'), pages.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const outputs = [...OUTPUTS, 'quarantine.jsonl', 'report.json'];
    for (const workers of ['1', '2']) {
      const cli = captureIo(dir);
      expect(await runCli(['prepare', 'freshchat_pages.jsonl', '--out', `out-pages-${workers}`, '--workers', workers], cli)).toBe(0);
    }
    const read = (out: string) => Promise.all(outputs.map((name) => readFile(join(dir, out, name), 'utf8')));
    expect(await read('out-pages-2')).toEqual(await read('out-pages-1'));
    const report = JSON.parse(await readFile(join(dir, 'out-pages-1', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ records_in: 2, records_used: 1, records_quarantined: 1 });
    expect(report.set_aside).toEqual({ 'private-message': 1 });
    const quarantined = (await readFile(join(dir, 'out-pages-1', 'quarantine.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { line: number; reason: string });
    // Only the other conversation (no reply in it), named by its own line.
    expect(quarantined.map((q) => [q.line, q.reason])).toEqual([[2, 'one-sided-conversation']]);
    const train = (await Promise.all(OUTPUTS.map((name) => readFile(join(dir, 'out-pages-1', name), 'utf8')))).join('');
    expect(train).toContain('I was charged twice for order 5521.');
    expect(train).toContain('Your refund of 24.90 EUR');
  });
});
