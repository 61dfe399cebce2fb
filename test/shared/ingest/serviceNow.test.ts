import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalEntries } from '../../../src/shared/ingest/formats/serviceNow';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';
import { workbook } from './xlsxFiles';

/**
 * ServiceNow incidents (hand-written, test/fixtures/formats/servicenow/SOURCE.md): a list export to
 * CSV and a Table API response. Before, the CSV was rejected whole (`unknown-format`: neither
 * messages, FAQ, feedback nor a transcript column) and the JSON's records were of no known format.
 */
const DIR = join(__dirname, '..', '..', 'fixtures', 'formats', 'servicenow');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('ServiceNow incidents', () => {
  test("a list export to CSV: the caller's description opens, additional comments are the messages, work notes set aside", async () => {
    const items = await parseAll(readFileSync(join(DIR, 'incident.csv')), { fileName: 'incident.csv' }, 64);
    expect(reasons(items)).toEqual(['conversation', 'one-sided-conversation', 'conversation']);
    const [vpn, mailbox] = conversations(items);
    expect(vpn.conversationId).toBe('INC0010041');
    expect(vpn.issueType).toBe('network');
    expect(vpn.channel).toBe('servicenow');
    expect(vpn.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      "user: Since this morning the VPN client says 'authentication failed' and I cannot reach the intranet.",
      'assistant: Hi Joe, your VPN certificate had expired. I have issued a new one: please restart the laptop, connect to the office Wi-Fi once and try the VPN again.',
      'user: That fixed it, the VPN connects again. Thanks!',
    ]);
    // Zone-less display times in the declared zone (UTC here).
    expect(vpn.turns.map((t) => t.timestamp)).toEqual(['2026-12-01T09:58:01.000Z', '2026-12-01T10:15:32.000Z', '2026-12-01T10:40:12.000Z']);
    expect(vpn.setAside).toEqual({ 'private-comment': 1 });
    // The platform's closing note is no reply; the entry with CRLF inside reads as one message.
    expect(rejections(items)[0].detail).toBe(
      'the ServiceNow record INC0010042 has no reply from the support side, so there is nothing to learn from it',
    );
    expect(mailbox.turns[1].content).toBe(
      // (Blank lines inside a message are one line break after clean-up, as in every format.)
      'Hello Abel,\nI have added you to the Finance mailbox group. Please close and reopen Outlook; the mailbox appears within an hour.',
    );
  });

  test('a Table API response: the caller as a reference with its display value; in a declared time zone', async () => {
    const items = await parseAll(readFileSync(join(DIR, 'incident-api.json')), {
      fileName: 'incident-api.json',
      timeZone: { name: 'Europe/Amsterdam', by: 'the test' },
    });
    const [battery] = conversations(items);
    expect(battery.conversationId).toBe('INC0010044');
    expect(battery.turns.map((t) => `${t.role}@${t.timestamp ?? 'none'}`)).toEqual([
      'user@2026-12-02T12:30:00.000Z',
      'assistant@2026-12-02T13:05:40.000Z',
    ]);
  });

  test("an export headed by the fields' labels (Excel's, and CSV from the list's context menu) reads the same", async () => {
    const csv = readFileSync(join(DIR, 'incident.csv'), 'utf8').replace(
      /^.*$/m,
      '"Number","Opened","Short description","Caller","Category","State","Assigned to","Description","Comments and Work notes"',
    );
    const [vpn] = conversations(await parseAll(csv, { fileName: 'incident.csv' }));
    expect(vpn.turns.map((t) => `${t.role}@${t.timestamp ?? 'none'}`)).toEqual([
      'user@2026-12-01T09:58:01.000Z',
      'assistant@2026-12-01T10:15:32.000Z',
      'user@2026-12-01T10:40:12.000Z',
    ]);
  });

  test('an export to Excel (labels as the header) reads the same', async () => {
    const journal =
      '2026-12-01 10:40:12 - Joe Employee (Additional comments)\nThat fixed it, thanks!\n\n' +
      '2026-12-01 10:15:32 - Beth Anglin (Additional comments)\nPlease restart the laptop and try the VPN again.\n\n';
    const file = workbook({
      sheets: [
        {
          name: 'Page 1',
          rows: [
            ['Number', 'Opened', 'Short description', 'Caller', 'Description', 'Comments and Work notes'],
            ['INC0010041', '2026-12-01 09:58:01', 'VPN does not connect', 'Joe Employee', 'The VPN says authentication failed.', journal],
          ],
        },
      ],
    });
    const [vpn] = conversations(await parseAll(file, { fileName: 'incident.xlsx' }, 4096));
    expect(vpn.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });

  test('without a caller column the comments cannot be told apart: one rejection saying what to export', async () => {
    const csv = readFileSync(join(DIR, 'incident.csv'), 'utf8').replace('"caller_id"', '"watch_list"');
    const [first] = rejections(await parseAll(csv, { fileName: 'incident.csv' }));
    expect(first.reason).toBe('unknown-speaker');
    expect(first.detail).toMatch(/^INC0010041: the record names no caller .*export the caller column/);
  });

  test('journal headers in other display formats', () => {
    const entries = journalEntries(
      '13-Jul-2026 10:29:21 - Incident BOT (Additional comments)\nBOT is unable to resolve\n\n12/01/2026 09:15:00 AM - Joe (Work notes)\nx\n',
    );
    expect(entries.map((e) => [e.at, e.author, e.kind, e.text])).toEqual([
      ['13-Jul-2026 10:29:21', 'Incident BOT', 'Additional comments', 'BOT is unable to resolve'],
      ['12/01/2026 09:15:00 AM', 'Joe', 'Work notes', 'x'],
    ]);
  });
});
