import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { offlineSettings, preprocessConfig } from '../../src/shared/composition/config';
import { prepareDataset } from '../../src/shared/dataset/prepare';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { conversationLine } from '../shared/ingest/helpers';

const fixtures = join(__dirname, '..', 'fixtures', 'formats');

describe('tuneloop prepare with other layouts', () => {
  let dir: string;
  let elsewhere: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-formats-'));
    elsewhere = await mkdtemp(join(tmpdir(), 'tuneloop-elsewhere-'));
    await cp(join(fixtures, 'mapped'), join(dir, 'mapped'), { recursive: true });
    await cp(join(fixtures, 'zendesk_tickets.json'), join(elsewhere, 'tickets.json'));
    await writeFile(join(dir, 'junk.json'), '[{"foo": 1}, {"bar": 2}]\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('reads a folder with its tuneloop.mapping.json (the mapping is not read as data)', async () => {
    const cli = captureIo(dir);
    const code = await runCli(['prepare', 'mapped', '--out', 'out-mapped'], cli);
    expect(cli.err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-mapped', 'report.json'), 'utf8'));
    expect(report.inputs).toEqual(['mapped/helpdesk-export.json']);
    expect(report.records_in).toBe(3);
    expect(report.records_in).toBe(report.records_used + report.records_quarantined);
    expect(report.quarantine_reasons).toMatchObject({ 'missing-field:/said': 1, 'missing-field:/ref': 1 });
    expect(report.set_aside).toEqual({ 'mapped-skip': 1 });
  });

  it("reads a chat export's folder: the chat read, its photos, styles and scripts passed over and said (as in a ZIP)", async () => {
    const folder = join(dir, 'ChatExport_2026-12-05');
    await mkdir(join(folder, 'css'), { recursive: true });
    await mkdir(join(folder, 'js'));
    await mkdir(join(folder, 'photos'));
    await cp(join(fixtures, 'telegram', 'messages.html'), join(folder, 'messages.html'));
    await writeFile(join(folder, 'css', 'style.css'), '.page_wrap { background-color: #ffffff; }\n');
    await writeFile(join(folder, 'js', 'script.js'), 'function CheckLocation() { return true; }\n');
    await writeFile(join(folder, 'photos', 'photo_1@01-12-2026_18-02-30.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    const cli = captureIo(dir);
    const code = await runCli(['prepare', 'ChatExport_2026-12-05', '--out', 'out-telegram'], cli);
    expect(cli.err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-telegram', 'report.json'), 'utf8'));
    expect(report.inputs).toEqual(['ChatExport_2026-12-05/messages.html']);
    expect(report).toMatchObject({ records_in: 1, records_used: 1, records_quarantined: 0 });
    expect(report.warnings).toContain('ChatExport_2026-12-05: files that are no export were passed over (attachment or page asset ×3)');
  });

  it('reads a folder of e-mail files (.eml from Inbox and Sent Items) as one mailbox: the thread across files used, the automatic reply quarantined naming its file', async () => {
    await cp(join(fixtures, 'eml'), join(dir, 'lantern-mail'), { recursive: true });
    await rm(join(dir, 'lantern-mail', 'SOURCE.md'));
    const cli = captureIo(dir);
    const code = await runCli(['prepare', 'lantern-mail', '--out', 'out-eml'], cli);
    expect(cli.err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-eml', 'report.json'), 'utf8'));
    expect(report.inputs).toEqual(['lantern-mail/email-files.mbox']);
    expect(report).toMatchObject({ records_in: 2, records_used: 1, records_quarantined: 1 });
    expect(report.warnings).toContain(
      'lantern-mail: 5 e-mail file(s) (.eml, .msg, Maildir) read together as one mailbox, lantern-mail/email-files.mbox',
    );
    const quarantined = JSON.parse(await readFile(join(dir, 'out-eml', 'quarantine.jsonl'), 'utf8'));
    expect(quarantined).toMatchObject({ file: 'lantern-mail/email-files.mbox', reason: 'not-support-mail' });
    expect(quarantined.detail).toMatch(/^the e-mail in Inbox\/Automatic reply Order 3310\.eml is an automatic reply/);

    // The same files given one by one are the same mailbox.
    const one = captureIo(join(dir, 'lantern-mail'));
    expect(
      await runCli(
        ['prepare', 'Inbox/Order 3310 - wrong size.eml', 'Sent Items/RE Order 3310 - wrong size.eml', '--out', '../out-eml-2'],
        one,
      ),
    ).toBe(0);
    const two = JSON.parse(await readFile(join(dir, 'out-eml-2', 'report.json'), 'utf8'));
    expect(two).toMatchObject({ inputs: ['email-files.mbox'], records_in: 1, records_used: 1 });
  });

  it("reads a mailbox's folders given together (Thunderbird's Inbox and Sent, no extension) as one mailbox; one mbox alone as it is", async () => {
    const mbox = (await readFile(join(fixtures, 'mbox', 'support.mbox'), 'utf8')).replace(/^X-G(?:M-THRID|mail-Labels): .*\n/gm, '');
    const messages = mbox.split(/\n(?=From \S+ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )/);
    const sent = messages.filter((m) => /^From: .*@kedaiharmoni\.example>?$/m.test(m));
    await mkdir(join(dir, 'Local Folders'), { recursive: true });
    await writeFile(join(dir, 'Local Folders', 'Inbox'), messages.filter((m) => !sent.includes(m)).join('\n'));
    await writeFile(join(dir, 'Local Folders', 'Sent'), sent.join('\n'));
    const cli = captureIo(dir);
    expect(await runCli(['prepare', 'Local Folders/Inbox', 'Local Folders/Sent', '--out', 'out-folders'], cli)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-folders', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ inputs: ['email-files.mbox'], records_used: 2 });
    expect(report.warnings).toContain('the mail files given: 2 mailbox file(s) (mbox) read together as one mailbox, email-files.mbox');
    // The folder given: the same; one mbox alone keeps its own name.
    const folder = captureIo(dir);
    expect(await runCli(['prepare', 'Local Folders', '--out', 'out-folders-2'], folder)).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'out-folders-2', 'report.json'), 'utf8'))).toMatchObject({
      inputs: ['Local Folders/email-files.mbox'],
      records_used: 2,
    });
    const alone = captureIo(dir);
    await runCli(['prepare', 'Local Folders/Inbox', '--out', 'out-folders-3'], alone);
    expect(JSON.parse(await readFile(join(dir, 'out-folders-3', 'report.json'), 'utf8')).inputs).toEqual(['Local Folders/Inbox']);
  });

  it("reads an unzipped Slack export (the folder a Mac's browser leaves) as its ZIP is read: one file of message rows", async () => {
    await cp(join(fixtures, 'slack', 'export'), join(dir, 'Kedai Slack export'), { recursive: true });
    const cli = captureIo(dir);
    expect(await runCli(['prepare', 'Kedai Slack export', '--out', 'out-slack'], cli)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-slack', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ inputs: ['Kedai Slack export/slack-messages.jsonl'], records_in: 4, records_used: 2 });
    expect(report.warnings).toContainEqual(
      expect.stringMatching(
        /^Kedai Slack export: a Slack export, its 3 day file\(s\) of 2 channel\(s\) joined as Kedai Slack export\/slack-messages\.jsonl/,
      ),
    );
    const train = (await readFile(join(dir, 'out-slack', 'train.jsonl'), 'utf8')).trim().split('\n');
    expect(train.join('\n')).toContain('Will the December invoice be right too?');
    // Progress counts the day files read, whose sizes are the input's (the rows made of them are longer).
    const progress: { bytesRead: number; totalBytes: number }[] = [];
    await prepareDataset({
      inputs: ['Kedai Slack export'],
      outDir: 'out-slack-progress',
      cwd: dir,
      config: preprocessConfig(offlineSettings({})),
      workers: 1,
      onProgress: (p) => progress.push(p),
    });
    const days = ['acme-support/2026-11-30.json', 'acme-support/2026-12-01.json', 'help/2026-12-01.json'];
    const daysBytes = (await Promise.all(days.map((d) => readFile(join(dir, 'Kedai Slack export', d))))).reduce((n, b) => n + b.length, 0);
    expect(progress.at(-1)).toMatchObject({ bytesRead: daysBytes, totalBytes: daysBytes });
  });

  it('shows an absolute path outside the working folder as given, and counts private comments as set aside', async () => {
    const cli = captureIo(dir);
    const input = join(elsewhere, 'tickets.json');
    const code = await runCli(['prepare', input, '--out', 'out-zendesk'], cli);
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-zendesk', 'report.json'), 'utf8'));
    expect(report.inputs).toEqual([input]);
    // The third ticket (one private note besides the question) is quarantined whole, so only the first ticket's note counts.
    expect(report.set_aside).toEqual({ 'private-comment': 1 });
    const quarantine = (await readFile(join(dir, 'out-zendesk', 'quarantine.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(quarantine.map((q) => [q.file, q.reason])).toContainEqual([input, 'one-sided-conversation']);
  });

  it('joins a Zendesk satisfaction-ratings export to the tickets it rates: a "bad" ticket\'s replies become context only', async () => {
    const tickets = JSON.parse(await readFile(join(fixtures, 'zendesk_tickets.json'), 'utf8')) as { tickets: Record<string, unknown>[] };
    for (const ticket of tickets.tickets) delete ticket.satisfaction_rating;
    await mkdir(join(dir, 'zendesk'));
    await writeFile(join(dir, 'zendesk', 'tickets.json'), JSON.stringify(tickets, null, 2));
    await writeFile(
      join(dir, 'zendesk', 'satisfaction_ratings.json'),
      JSON.stringify({ satisfaction_ratings: [{ id: 9, ticket_id: 35437, score: 'bad', comment: 'Still no parcel' }] }),
    );
    const cli = captureIo(dir);
    expect(await runCli(['prepare', 'zendesk', '--out', 'out-zendesk-ratings'], cli)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out-zendesk-ratings', 'report.json'), 'utf8'));
    expect(report.feedback).toEqual({ stored: 1, joined: 1 });
    expect(report.quality['reply-rules'].downWeightedTurns).toEqual({ 'low-csat': 1 });
  });

  it('redacts a short English conversation tinyld takes for Afrikaans, also read through a mapping', async () => {
    await mkdir(join(dir, 'billed'));
    await writeFile(
      join(dir, 'billed', 'tuneloop.mapping.json'),
      JSON.stringify({
        name: 'helpdesk export',
        turns: '/thread',
        id: '/ref',
        role: '/who',
        text: '/said',
        roles: { CUST: 'user', AGT: 'assistant' },
      }),
    );
    const thread = [
      { who: 'CUST', said: 'I was billed twice, my name is Pierre Martin' },
      { who: 'AGT', said: 'Refunded the second charge, Pierre.' },
    ];
    await writeFile(join(dir, 'billed', 'export.jsonl'), JSON.stringify({ ref: 'pm-1', thread }) + '\n');
    const plain = {
      conversation_id: 'pm-1',
      messages: thread.map((t) => ({ role: t.who === 'CUST' ? 'customer' : 'agent', text: t.said })),
    };
    await writeFile(join(dir, 'billed.jsonl'), JSON.stringify(plain) + '\n');
    for (const [input, out] of [
      ['billed', 'out-billed-mapped'],
      ['billed.jsonl', 'out-billed'],
    ]) {
      const cli = captureIo(dir);
      expect(await runCli(['prepare', input, '--out', out], cli)).toBe(0);
      const train = await readFile(join(dir, out, 'train.jsonl'), 'utf8');
      expect({ input, leaked: /Pierre|Martin/.test(train) }).toEqual({ input, leaked: false });
      expect(train).toContain('my name is [PERSON_1]');
      const report = JSON.parse(await readFile(join(dir, out, 'report.json'), 'utf8'));
      expect(report.languages).toEqual({ en: 1 });
      expect(report.quality['pii-redaction'].redactions.PERSON).toBe(2);
    }
  });

  it('exits 1 with a one-line reason when no record was usable', async () => {
    const cli = captureIo(dir);
    const code = await runCli(['prepare', 'junk.json', '--out', 'out-junk'], cli);
    expect(code).toBe(1);
    expect(cli.err).toMatch(
      /^tuneloop prepare: no usable record: all 1 record\(s\) were quarantined \(unknown-format 1\); see .*quarantine\.jsonl\n$/,
    );
  });

  it('a JSONL file with a cut-off first line and a tickets export with an odd first ticket lose only that record, with any number of workers', async () => {
    const conversation = conversationLine;
    await writeFile(
      join(dir, 'cut-off.jsonl'),
      [
        'e":"agent","text":"It ships today."}]}',
        conversation(
          'f-1',
          'My discount code SAVE10 does not work at checkout.',
          'I have applied the discount manually to your order now.',
        ),
        conversation('f-2', 'Where is my parcel? It was due on Monday.', 'It left the warehouse yesterday and arrives tomorrow.'),
      ].join('\n') + '\n',
    );
    const ticket = (id: number, question: string, reply: string) => ({
      id,
      requester_id: 557 + id,
      subject: 'Billing',
      comments: [
        { author_id: 557 + id, public: true, plain_body: question },
        { author_id: 77, public: true, plain_body: reply },
      ],
    });
    const tickets = [
      { id: 1, status: 'deleted', requester_id: null },
      ticket(2, 'How do I update my billing address?', 'Go to Settings, then Billing, and edit the address.'),
      ticket(3, 'Can I pay by invoice?', 'Yes, choose Invoice at checkout; it is due in 30 days.'),
    ];
    await writeFile(join(dir, 'tickets-export.json'), JSON.stringify({ tickets, count: 3 }));

    const outputs = ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json'];
    const read = async (out: string) =>
      Promise.all(outputs.map(async (name) => ({ name, text: await readFile(join(dir, out, name), 'utf8') })));
    for (const workers of ['1', '2']) {
      const cli = captureIo(dir);
      expect(
        await runCli(['prepare', 'cut-off.jsonl', 'tickets-export.json', '--out', `out-odd-first-${workers}`, '--workers', workers], cli),
      ).toBe(0);
    }
    expect(await read('out-odd-first-2')).toEqual(await read('out-odd-first-1'));

    const report = JSON.parse(await readFile(join(dir, 'out-odd-first-1', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ records_in: 6, records_used: 4, records_quarantined: 2 });
    const quarantine = (await readFile(join(dir, 'out-odd-first-1', 'quarantine.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(quarantine.map((q) => [q.file, q.line, q.reason])).toEqual([
      ['cut-off.jsonl', 1, 'invalid-json'],
      ['tickets-export.json', 1, 'unknown-record'],
    ]);
  });

  it('stops before writing anything when the mapping next to the data is invalid', async () => {
    await mkdir(join(dir, 'badmap'));
    await writeFile(join(dir, 'badmap', 'data.json'), '[]');
    await writeFile(join(dir, 'badmap', 'tuneloop.mapping.json'), JSON.stringify({ turns: '/t', role: 'who', text: '/x' }));
    const cli = captureIo(dir);
    const code = await runCli(['prepare', 'badmap', '--out', 'out-badmap'], cli);
    expect(code).toBe(2);
    expect(cli.err).toContain('badmap/tuneloop.mapping.json: invalid mapping at role');
  });
});
