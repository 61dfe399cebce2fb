import { loadSettings } from '../../../src/shared/config/settings';
import { preprocessConfig } from '../../../src/shared/composition/config';
import { parseInputDeferring, parseJsonLine } from '../../../src/shared/ingest/parse';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import {
  canonicalTimeZone,
  declaredTimeZoneOfBlob,
  offsetAt,
  resolveTimeZone,
  TimeZoneError,
  zonedWallClockToEpoch,
} from '../../../src/shared/ingest/timeZone';
import { parseTimestamp } from '../../../src/shared/ingest/turns';
import { serialToIso } from '../../../src/shared/ingest/xlsx';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { chunked, conversations, parseAll, rejections } from './helpers';
import { DATETIME_STYLE, workbook } from './xlsxFiles';

const BERLIN = 'Europe/Berlin';
const berlin = resolveTimeZone(BERLIN, '--timezone');

/** An Excel 1900-system serial for a wall-clock date-time (written as if UTC). */
const serialOf = (wallIso: string) => (Date.parse(`${wallIso}Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

describe('declared time zones: names', () => {
  test('IANA names resolve to their canonical spelling; UTC aliases to UTC', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe(BERLIN);
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
    expect(canonicalTimeZone(' UTC ')).toBe('UTC');
    // ICU knows Asia/Kolkata as an alias of Asia/Calcutta: the name given is kept.
    expect(resolveTimeZone('Asia/Kolkata', '--timezone')).toEqual({ name: 'Asia/Kolkata', by: '--timezone' });
  });

  test('an unknown name is a TimeZoneError naming the value and where it came from', () => {
    expect(() => resolveTimeZone('Europe/Berlinn', '--timezone')).toThrow(TimeZoneError);
    expect(() => resolveTimeZone('Europe/Berlinn', '--timezone')).toThrow(/--timezone: unknown time zone "Europe\/Berlinn".*IANA/);
    expect(() => resolveTimeZone('', 'x')).toThrow(TimeZoneError);
    expect(() => declaredTimeZoneOfBlob({ TimeZone: 'CEST' })).toThrow(/the blob's metadata timezone: unknown time zone "CEST"/);
  });

  test('blob metadata `timezone` in any case; absent or blank declares none', () => {
    expect(declaredTimeZoneOfBlob({ timezone: 'Europe/Berlin' })).toEqual({ name: BERLIN, by: "the blob's metadata timezone" });
    expect(declaredTimeZoneOfBlob({ TimeZone: 'America/New_York' })?.name).toBe('America/New_York');
    expect(declaredTimeZoneOfBlob({ encoding: 'cp1251' })).toBeUndefined();
    expect(declaredTimeZoneOfBlob({ timezone: '  ' })).toBeUndefined();
    expect(declaredTimeZoneOfBlob(undefined)).toBeUndefined();
  });

  test('TUNELOOP_INPUT_TIMEZONE: UTC by default, validated, canonical, carried by the preprocess config', () => {
    expect(preprocessConfig(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' })).inputTimeZone).toEqual({
      name: 'UTC',
      by: 'TUNELOOP_INPUT_TIMEZONE',
    });
    expect(
      preprocessConfig(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_INPUT_TIMEZONE: 'europe/berlin' }))
        .inputTimeZone,
    ).toEqual({
      name: BERLIN,
      by: 'TUNELOOP_INPUT_TIMEZONE',
    });
    expect(() => loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_INPUT_TIMEZONE: 'Mars/Olympus_Mons' })).toThrow(
      /TUNELOOP_INPUT_TIMEZONE.*"Mars\/Olympus_Mons"/s,
    );
  });
});

describe('declared time zones: reading wall-clock times', () => {
  test('offsets follow the date: Berlin +01:00 in winter, +02:00 in summer; half-hour zones too', () => {
    expect(offsetAt(Date.UTC(2026, 0, 15, 12), BERLIN)).toBe(3_600_000);
    expect(offsetAt(Date.UTC(2026, 6, 15, 12), BERLIN)).toBe(7_200_000);
    expect(offsetAt(Date.UTC(2026, 6, 15, 12), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(offsetAt(Date.UTC(2026, 6, 15, 12), 'America/New_York')).toBe(-4 * 3_600_000);
  });

  test('zone-less ISO and numeric dates are read in the zone, DST-correct; without one, as UTC as before', () => {
    const read = (value: string) => parseTimestamp(value, { timeZone: BERLIN });
    expect(read('2026-01-15 10:00')).toBe('2026-01-15T09:00:00.000Z');
    expect(read('2026-07-15T10:00:00')).toBe('2026-07-15T08:00:00.000Z');
    expect(read('2026-07-15T10:00:00,250')).toBe('2026-07-15T08:00:00.250Z');
    expect(read('2026-07-15')).toBe('2026-07-14T22:00:00.000Z');
    expect(read('15.07.2026 10:00')).toBe('2026-07-15T08:00:00.000Z');
    expect(parseTimestamp('13/01/2026 10:00 PM', { timeZone: 'America/New_York' })).toBe('2026-01-14T03:00:00.000Z');
    expect(parseTimestamp('2026-07-15 10:00')).toBe('2026-07-15T10:00:00.000Z');
    expect(parseTimestamp('2026-07-15 10:00', { timeZone: 'UTC' })).toBe('2026-07-15T10:00:00.000Z');
  });

  test('values with a zone or offset, and epoch numbers, are instants: the declared zone does not change them', () => {
    const read = (value: unknown) => parseTimestamp(value, { timeZone: BERLIN });
    expect(read('2026-07-15T10:00:00Z')).toBe('2026-07-15T10:00:00.000Z');
    expect(read('2026-07-15T10:00:00+05:30')).toBe('2026-07-15T04:30:00.000Z');
    expect(read('2026-07-15T10:00:00-04:00')).toBe('2026-07-15T14:00:00.000Z');
    expect(read('15/07/2026 10:00 +01:00')).toBe('2026-07-15T09:00:00.000Z');
    expect(read('15/07/2026 10:00 UTC')).toBe('2026-07-15T10:00:00.000Z');
    expect(read('Wed, 15 Jul 2026 10:00:00 GMT')).toBe('2026-07-15T10:00:00.000Z');
    expect(read(1_784_109_600)).toBe(new Date(1_784_109_600_000).toISOString());
    expect(read('1784109600000')).toBe(new Date(1_784_109_600_000).toISOString());
  });

  test('DST edges: a skipped time is read with the offset before the change, a repeated one as its first occurrence', () => {
    const read = (value: string) => parseTimestamp(value, { timeZone: BERLIN });
    // 29 March 2026: clocks go from 02:00 +01:00 to 03:00 +02:00.
    expect(read('2026-03-29 01:59')).toBe('2026-03-29T00:59:00.000Z');
    expect(read('2026-03-29 02:30')).toBe('2026-03-29T01:30:00.000Z'); // never shown; as 03:30 +02:00
    expect(read('2026-03-29 03:00')).toBe('2026-03-29T01:00:00.000Z');
    // 25 October 2026: clocks go from 03:00 +02:00 back to 02:00 +01:00; 02:30 happens twice.
    expect(read('2026-10-25 01:59')).toBe('2026-10-24T23:59:00.000Z');
    expect(read('2026-10-25 02:30')).toBe('2026-10-25T00:30:00.000Z'); // the first, +02:00
    expect(read('2026-10-25 03:00')).toBe('2026-10-25T02:00:00.000Z');
    // New York skips 02:00-03:00 on 8 March 2026 and repeats 01:00-02:00 on 1 November.
    expect(zonedWallClockToEpoch(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(zonedWallClockToEpoch(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  test('every wall-clock time of a DST year reads back as itself (outside the skipped hour)', () => {
    const format = new Intl.DateTimeFormat('sv-SE', { timeZone: BERLIN, dateStyle: 'short', timeStyle: 'medium' });
    for (let wall = Date.UTC(2026, 0, 1); wall < Date.UTC(2027, 0, 1); wall += 37 * 60_000 + 13_000) {
      const wallText = new Date(wall).toISOString().slice(0, 19).replace('T', ' ');
      const at = zonedWallClockToEpoch(wall, BERLIN);
      if (wallText.startsWith('2026-03-29 02:')) continue;
      expect(format.format(new Date(at))).toBe(wallText);
    }
  });

  test('workbook serials: datetimes in the zone, a date-only day and a time of day as written', () => {
    expect(serialToIso(serialOf('2026-01-15T10:00:00'), 'datetime', false, BERLIN)).toBe('2026-01-15T09:00:00Z');
    expect(serialToIso(serialOf('2026-07-15T10:00:00'), 'datetime', false, BERLIN)).toBe('2026-07-15T08:00:00Z');
    expect(serialToIso(serialOf('2026-07-15T10:00:00'), 'datetime', false)).toBe('2026-07-15T10:00:00Z');
    expect(serialToIso(serialOf('2026-07-15T00:00:00'), 'date', false, BERLIN)).toBe('2026-07-15');
    expect(serialToIso(0.75, 'time', false, BERLIN)).toBe('18:00:00');
  });
});

describe('declared time zones: files', () => {
  const turnTimes = (items: IngestItem[]) =>
    Object.fromEntries(conversations(items).map((c) => [c.conversationId, c.turns.map((t) => [t.role, t.timestamp])]));

  test('a message CSV: zone-less rows in the zone, a row with an offset as written, turns ordered by the instants', async () => {
    // The CRM writes local times; the bot's rows come from an API in UTC.
    const csv = [
      'conversation_id,timestamp,speaker,text',
      'c1,2026-07-15 10:00,customer,Where is my parcel?',
      'c1,2026-07-15T08:30:00Z,agent,It left the warehouse this morning.',
      'c2,15.01.2026 10:00,customer,Can I change my address?',
      'c2,2026-01-15T10:10:00+01:00,agent,"Yes, in your account."',
    ].join('\n');
    const items = await parseAll(csv, { fileName: 'local.csv', timeZone: berlin });
    expect(rejections(items)).toEqual([]);
    expect(turnTimes(items)).toEqual({
      c1: [
        ['user', '2026-07-15T08:00:00.000Z'],
        ['assistant', '2026-07-15T08:30:00.000Z'],
      ],
      c2: [
        ['user', '2026-01-15T09:00:00.000Z'],
        ['assistant', '2026-01-15T09:10:00.000Z'],
      ],
    });
    // Read as UTC (no zone declared), the customer's 10:00 is after the agent's 08:30Z reply.
    const utc = await parseAll(csv, { fileName: 'local.csv' });
    expect(turnTimes(utc).c1).toEqual([
      ['assistant', '2026-07-15T08:30:00.000Z'],
      ['user', '2026-07-15T10:00:00.000Z'],
    ]);
  });

  test('a workbook: date cells are read in the zone', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'Chats',
          rows: [
            ['conversation_id', 'speaker', 'text', 'timestamp'],
            [
              'w1',
              'customer',
              'My order has not arrived.',
              { xml: `<c r="REF" s="${DATETIME_STYLE}"><v>${serialOf('2026-03-29T01:45:00')}</v></c>` },
            ],
            ['w1', 'agent', 'It ships today.', { xml: `<c r="REF" s="${DATETIME_STYLE}"><v>${serialOf('2026-03-29T03:15:00')}</v></c>` }],
          ],
        },
      ],
    });
    expect(turnTimes(await parseAll(file, { fileName: 'chats.xlsx', timeZone: berlin }, 4096)).w1).toEqual([
      ['user', '2026-03-29T00:45:00.000Z'],
      ['assistant', '2026-03-29T01:15:00.000Z'],
    ]);
    expect(turnTimes(await parseAll(file, { fileName: 'chats.xlsx' }, 4096)).w1).toEqual([
      ['user', '2026-03-29T01:45:00.000Z'],
      ['assistant', '2026-03-29T03:15:00.000Z'],
    ]);
  });

  test('JSON lines, parsed here or handed to a worker: zone-less message times in the zone', async () => {
    const line = (id: string) =>
      JSON.stringify({
        conversation_id: id,
        messages: [
          { role: 'customer', text: 'Is the shop open on Sunday?', timestamp: '2026-12-06T09:00:00' },
          { role: 'agent', text: 'No, Monday to Saturday.', timestamp: '2026-12-06T09:05:00+01:00' },
        ],
      });
    const text = [line('j1'), line('j2')].join('\n') + '\n';
    const expected = [
      ['user', '2026-12-06T08:00:00.000Z'],
      ['assistant', '2026-12-06T08:05:00.000Z'],
    ];
    expect(turnTimes(await parseAll(text, { fileName: 'chats.jsonl', timeZone: berlin }))).toEqual({ j1: expected, j2: expected });

    const roles = createRoleMapper(undefined);
    const items: IngestItem[] = [];
    for await (const item of parseInputDeferring(chunked(text), { fileName: 'chats.jsonl', timeZone: berlin })) {
      const parsed = item.type === 'line' ? parseJsonLine(item.line, item.text, item.context, roles) : item;
      if (parsed) items.push(parsed);
    }
    expect(turnTimes(items)).toEqual({ j1: expected, j2: expected });
  });
});
