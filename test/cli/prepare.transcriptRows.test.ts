import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { workbook } from '../shared/ingest/xlsxFiles';

const question = 'Hello, my parcel for order 48213 was marked delivered yesterday but it never arrived at my door.';
const answer = 'I am sorry to hear that. I have opened a trace with the carrier and you will get an e-mail within 48 hours.';
const invoice = 'I was charged twice for my March invoice INV-2291 and would like the second charge refunded please.';
const voided = 'Sorry about that! I have voided the pending second charge, so it will drop off your statement in 1-3 days.';
const lost = 'I cannot sign in any more: the password reset link you sent me this morning says it has expired.';
const reset = 'Reset links are valid for 30 minutes. I have sent you a new one just now, please use it right away.';

/**
 * Duplicates named as their file names rows (a CSV row by the line it starts on, a workbook's
 * sheet row, a JSON line), and transcripts with numeric dates and word ratings, through
 * `tuneloop prepare` with 1 and 2 workers (JSON lines are parsed on the workers with 2).
 */
describe('tuneloop prepare: duplicate places, transcript dates and word ratings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-transcript-rows-'));
    await mkdir(join(dir, 'in'));
    // The first conversation's cell holds a line break: c2 starts on line 5, the 4th row. (Message
    // rows are grouped in hash buckets; with 256 of them c1 comes out first and c2 is the copy.)
    await writeFile(
      join(dir, 'in', 'a-chats.csv'),
      [
        'conversation_id,speaker,text',
        `c1,customer,"${question}`,
        `Thanks."`,
        `c1,agent,${answer}`,
        `c2,customer,"${question}`,
        `Thanks."`,
        `c2,agent,${answer}`,
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'in', 'b-chats.xlsx'),
      workbook({
        sheets: [
          {
            name: 'Chats',
            rows: [
              ['conversation_id', 'speaker', 'text'],
              ['x1', 'customer', invoice],
              ['x1', 'agent', voided],
              ['x2', 'customer', invoice],
              ['x2', 'agent', voided],
            ],
          },
        ],
      }),
    );
    const transcript = (stamp: (minute: number) => string) =>
      `${stamp(14)} Anna: my discount code SPRING26 is not accepted at checkout, it says expired.\n${stamp(15)} Agent Tom: That code ended on Sunday; I have added a new one, SPRING26B, to your account.`;
    await writeFile(
      join(dir, 'in', 'c-transcripts.jsonl'),
      [
        { id: 't-1', rating: 'bad', transcript: transcript((m) => `[14/03/2026 09:${m}]`) },
        {
          id: 't-2',
          rating: 'satisfied',
          transcript:
            '[14/03/2026 10:14] Anna: do you ship to Norway, and how long does delivery take there?\n[14/03/2026 10:15] Agent Tom: Yes, we ship to Norway; delivery takes 4 to 6 working days and customs are included.',
        },
        { id: 't-3', transcript: `[13/03/2026 09:00] Anna: ${question}\n[03/13/2026 09:01] Agent Tom: ${answer}` },
        { id: 't-4', transcript: `[03/13/2026 9:00 AM] Anna: ${lost}\n[03/13/2026 9:01 AM] Agent Tom: ${reset}` },
        { id: 't-5', transcript: `[13.03.2026 09:00] Anna: ${lost}\n[13.03.2026 09:01] Agent Tom: ${reset}` },
        { id: 't-6', transcript: `[13/03/2026 09:00] Anna: ${invoice}\n[13/03/2026 09:01] Agent Tom: ${voided}` },
        // Every date reads either way, and no "rating" key: with 2 workers this line is parsed on a worker.
        {
          id: 't-8',
          transcript:
            '[02/03/2026 11:14] Anna: can I pick up my order in the Leeds store instead?\n[02/03/2026 11:15] Agent Tom: Yes, I have switched it to click and collect in Leeds.',
        },
        { id: 't-7', transcript: `[13/03/2026 09:00] Anna: ${question}\n[13/03/2026 09:01] Agent Tom: ${answer}` },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the earlier copy by CSV row, sheet row or JSON line; reads day-first and word-rated transcripts; the same with 1 and 2 workers', async () => {
    const outputs = ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json'];
    for (const workers of ['1', '2']) {
      const cli = captureIo(dir);
      expect(await runCli(['prepare', 'in', '--out', `out-${workers}`, '--workers', workers], cli)).toBe(0);
      expect(cli.err).toBe('');
    }
    const read = (out: string) => Promise.all(outputs.map((name) => readFile(join(dir, out, name), 'utf8')));
    expect(await read('out-2')).toEqual(await read('out-1'));

    const quarantine = (await readFile(join(dir, 'out-1', 'quarantine.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { file: string; line: number; reason: string; detail?: string });
    expect(quarantine.map((q) => [q.file, q.line, q.reason, q.detail])).toEqual([
      ['in/a-chats.csv', 5, 'duplicate-exact', 'exact duplicate of conversation c1 (in/a-chats.csv, the row at line 2)'],
      ['in/b-chats.xlsx', 2, 'duplicate-exact', "exact duplicate of conversation x2 (in/b-chats.xlsx, row 4 of sheet 'Chats')"],
      // Anna: and "Hello, my parcel…" as in the CSV, but the dates cannot be read: quarantined before duplicate search.
      [
        'in/c-transcripts.jsonl',
        3,
        'invalid-field:transcript',
        expect.stringMatching(/^line 1 of the transcript .* the day first, line 2 .* the month first/),
      ],
      // t-4 and t-5 have the same text, dates aside (month first, dots): a copy named by its line.
      ['in/c-transcripts.jsonl', 5, 'duplicate-exact', 'exact duplicate of conversation t-4 (in/c-transcripts.jsonl line 4)'],
      // A copy in another file names the workbook's sheet row.
      ['in/c-transcripts.jsonl', 6, 'duplicate-exact', "exact duplicate of conversation x2 (in/b-chats.xlsx, row 4 of sheet 'Chats')"],
      // …and the CSV's row (the CSV copy has a "Thanks." more).
      [
        'in/c-transcripts.jsonl',
        8,
        'duplicate-near',
        expect.stringMatching(/^near duplicate \(estimated Jaccard 0\.\d+\) of conversation c1 \(in\/a-chats\.csv, the row at line 2\)$/),
      ],
    ]);

    const report = JSON.parse(await readFile(join(dir, 'out-1', 'report.json'), 'utf8')) as { warnings: string[] };
    expect(report.warnings.filter((w) => w.includes('either way'))).toEqual([
      expect.stringMatching(/^in\/c-transcripts\.jsonl: chat transcripts whose every date reads either way .* month first/),
    ]);

    const examples = (
      await Promise.all(['train.jsonl', 'validation.jsonl', 'holdout.jsonl'].map((f) => readFile(join(dir, 'out-1', f), 'utf8')))
    )
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string; weight?: number }[] });
    const reply = (text: string) => examples.flatMap((e) => e.messages).find((m) => m.role === 'assistant' && m.content.includes(text));
    // Rated "bad": the reply is context only, as a rating of 1 makes it; "satisfied" is trained on.
    expect(reply('SPRING26B')).toMatchObject({ weight: 0 });
    expect(reply('we ship to Norway')).toBeDefined();
    expect(reply('we ship to Norway')?.weight).not.toBe(0);
  }, 120_000);
});
