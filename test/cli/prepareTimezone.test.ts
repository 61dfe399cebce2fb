import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

/**
 * A Berlin team's message CSV: the customers' rows carry the CRM's local time without a zone, the
 * agents' replies come from the ticketing API in UTC. Read as UTC, every customer message lands
 * one to two hours late, after the reply to it.
 */
describe('tuneloop prepare --timezone', () => {
  let dir: string;
  const questions = [
    'Where is my parcel?',
    'How do I change my password?',
    'Can I get a refund?',
    'Where do I find my invoice?',
    'Can I change the delivery address?',
    'When will my order ship?',
  ];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-tz-'));
    // Winter and summer days, so both Berlin offsets (+01:00, +02:00) are in play.
    const days = ['2026-01-12', '2026-02-03', '2026-03-30', '2026-07-15', '2026-08-20', '2026-10-26'];
    const rows = questions.flatMap((q, i) => {
      const summer = days[i] > '2026-03-29' && days[i] < '2026-10-25';
      const replyUtc = `${days[i]}T${summer ? '08' : '09'}:20:00Z`; // 10:20 Berlin time
      return [
        `b${i},${days[i]} 10:05,Customer,${q} Order ${1000 + i}.`,
        `b${i},${replyUtc},Agent,Thanks for asking about order ${1000 + i}: done.`,
      ];
    });
    await writeFile(join(dir, 'berlin.csv'), ['conversation_id,timestamp,speaker,text', ...rows].join('\n') + '\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const examples = async (out: string) =>
    (await Promise.all(['train.jsonl', 'validation.jsonl', 'holdout.jsonl'].map((f) => readFile(join(dir, out, f), 'utf8'))))
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
  const report = async (out: string) => JSON.parse(await readFile(join(dir, out, 'report.json'), 'utf8')) as Record<string, unknown>;

  it('reads the zone-less times in Berlin time: every customer question comes before its reply, and the report says so', async () => {
    const io = captureIo(dir);
    expect(await runCli(['prepare', 'berlin.csv', '--out', 'berlin', '--timezone', 'Europe/Berlin', '--workers', '1'], io)).toBe(0);
    const r = await report('berlin');
    expect(r.records_quarantined).toBe(0);
    expect(r.time_zones).toEqual({ 'berlin.csv': 'Europe/Berlin (declared by --timezone)' });
    const chats = (await examples('berlin')).filter((e) => e.messages.some((m) => m.content.includes('Order 10')));
    expect(chats).toHaveLength(questions.length);
    for (const chat of chats) expect(chat.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
  }, 60_000);

  it('TUNELOOP_INPUT_TIMEZONE sets the default; as UTC (the default) the report has no time_zones field', async () => {
    const io = captureIo(dir, { env: { TUNELOOP_INPUT_TIMEZONE: 'Europe/Berlin' } });
    expect(await runCli(['prepare', 'berlin.csv', '--out', 'setting', '--workers', '1'], io)).toBe(0);
    expect((await report('setting')).time_zones).toEqual({ 'berlin.csv': 'Europe/Berlin (declared by TUNELOOP_INPUT_TIMEZONE)' });
    expect(await readFile(join(dir, 'setting', 'train.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'berlin', 'train.jsonl'), 'utf8'));

    expect(await runCli(['prepare', 'berlin.csv', '--out', 'utc', '--workers', '1'], captureIo(dir))).toBeLessThan(2);
    const utc = await report('utc');
    expect(Object.keys(utc)).not.toContain('time_zones');
    // Read as UTC, the customer's 10:05 comes after the agent's reply at 08:20Z / 09:20Z.
    const chats = (await examples('utc')).filter((e) => e.messages.some((m) => m.content.includes('Order 10')));
    expect(chats.some((c) => c.messages[1]?.role === 'user')).toBe(false);
  }, 60_000);

  it('an unknown zone is a usage error naming the value', async () => {
    const io = captureIo(dir);
    expect(await runCli(['prepare', 'berlin.csv', '--out', 'bad', '--timezone', 'Berlin'], io)).toBe(2);
    expect(io.err).toMatch(/--timezone: unknown time zone "Berlin".*IANA time zone name such as Europe\/Berlin/);
  });
});
