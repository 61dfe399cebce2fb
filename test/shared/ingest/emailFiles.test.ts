import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { emailFilesAsMbox, FromLineEscaper, isEmailFile } from '../../../src/shared/ingest/emailFiles';
import type { Conversation, IngestItem } from '../../../src/shared/ingest/types';
import { chunked, conversations, parseAll, rejections } from './helpers';
import { zip } from './xlsxFiles';

/**
 * E-mails saved one file each (.eml, a Maildir's messages): hand-written in Outlook's shape,
 * test/fixtures/formats/eml/SOURCE.md. Before, each file was rejected on its own as
 * `unknown-format` ("one e-mail message"), so a mailbox saved this way gave nothing.
 */
const EML_DIR = join(__dirname, '..', '..', 'fixtures', 'formats', 'eml');
const emlFiles: [string, Buffer][] = readdirSync(EML_DIR, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.eml'))
  .map((e) => {
    const path = join(e.parentPath, e.name);
    return [path.slice(EML_DIR.length + 1), readFileSync(path)] as [string, Buffer];
  })
  .sort(([a], [b]) => a.localeCompare(b));
const said = (c: Conversation) => c.turns.map((t) => `${t.role}: ${t.content}`);
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

const THREAD = [
  // The subject above the first message; the body line starting "From " comes back as written.
  'user: Order 3310 - wrong size\nHello,\nThe hiking boots from order 3310 arrived in size 42 but I ordered 41.\nFrom what I can see on the box label, the size was picked wrong at the warehouse.\nCan I swap them?\nPriya',
  // From Sent Items: the quoted message and the "-- " signature cut.
  'assistant: Hi Priya, sorry for the mix-up! I have booked a free courier pickup for tomorrow between 9 and 1; size 41 goes out as soon as the pair is scanned.',
  'user: The courier took them this morning. Thank you!',
  'assistant: Great, the size 41 pair is on its way: tracking LX 5531 0921.',
];

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

describe('e-mail files read together as one mailbox', () => {
  test('a ZIP of .eml files from Inbox and Sent Items: one thread across the files, in time order; the automatic reply quarantined naming its file', async () => {
    const notices: string[] = [];
    const archive = zip(emlFiles);
    const items = await parseAll(archive, { fileName: 'lantern-help.zip', onNotice: (m) => notices.push(m) }, 4096);
    expect(reasons(items)).toEqual(['not-support-mail', 'conversation']);
    const [thread] = conversations(items);
    expect(said(thread)).toEqual(THREAD);
    expect(thread.source.file).toBe('lantern-help.zip/email-files.mbox');
    expect(thread.turns[0].timestamp).toBe('2026-11-30T09:13:58.000Z');
    expect(rejections(items)[0]).toMatchObject({
      file: 'lantern-help.zip/email-files.mbox',
      detail: 'the e-mail in Inbox/Automatic reply Order 3310.eml is an automatic reply (Auto-Submitted), no support conversation',
    });
    expect(rejections(items)[0].record).toContain('I am away until Monday');
    expect(notices).toEqual([
      'lantern-help.zip: its 5 e-mail file(s) (.eml, .msg, Maildir) are one mailbox, joined as lantern-help.zip/email-files.mbox',
    ]);
  });

  test('a zipped Maildir (cur/ and new/, files named by the server): the same thread', async () => {
    const maildir = zip(
      emlFiles.map(([, bytes], i) => [`Maildir/${i % 2 ? 'new' : 'cur'}/${1764493000 + i}.M${i}P4242.mx1${i % 2 ? '' : ':2,S'}`, bytes]),
    );
    const items = await parseAll(maildir, { fileName: 'maildir.zip' }, 4096);
    expect(said(conversations(items)[0])).toEqual(THREAD);
    expect(rejections(items).map((r) => r.reason)).toEqual(['not-support-mail']);
  });

  test("the documents a mail export saves beside its messages (a PDF invoice, a calendar invite) are passed over; Outlook's .pst says what to drop instead", async () => {
    const notices: string[] = [];
    const items = await parseAll(
      zip([...emlFiles, ['Inbox/attachments/invoice-3310.pdf', '%PDF-1.7\n'], ['Inbox/attachments/pickup.ics', 'BEGIN:VCALENDAR\n']]),
      { fileName: 'mail.zip', onNotice: (m) => notices.push(m) },
      4096,
    );
    expect(reasons(items)).toEqual(['not-support-mail', 'conversation']);
    expect(notices).toContain('mail.zip: ZIP entries that are no export were passed over (attachment or page asset ×2)');
    // "!BDN" and the rest of an Outlook data file's header.
    const pst = Buffer.concat([Buffer.from('!BDN'), Buffer.alloc(508, 1)]);
    const [rejected] = rejections(await parseAll(pst, { fileName: 'support.pst' }, 4096));
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toMatch(
      /an Outlook data file \(\.pst or \.ost\), which is not read: .*drag them into a folder \(one \.msg file each\)/,
    );
  });

  test('one .eml file alone in a ZIP is a thread of one message: rejected as such, not as an unknown format', async () => {
    const items = await parseAll(zip([emlFiles[1]]), { fileName: 'one.zip' }, 4096);
    expect(reasons(items)).toEqual(['one-sided-conversation']);
    expect(rejections(items)[0].detail).toBe(
      'the e-mail thread of Inbox/Order 3310 - wrong size.eml has no reply from the support side, so there is nothing to learn from it',
    );
  });

  test('which files are e-mails of a mailbox: .eml, and Maildir messages in cur/ or new/', () => {
    expect(isEmailFile('Inbox/Order 3310.EML')).toBe(true);
    expect(isEmailFile('Maildir/cur/1764493000.M1P4242.mx1:2,S')).toBe(true);
    expect(isEmailFile('Maildir/new/1764493000.M1P4242.mx1')).toBe(true);
    expect(isEmailFile('Maildir/tmp/1764493000.M1P4242.mx1')).toBe(false);
    expect(isEmailFile('exports/cur/tickets.csv')).toBe(false);
    expect(isEmailFile('mail.mbox')).toBe(false);
  });
});

describe('the mbox the files are joined into', () => {
  const body = Buffer.from('Subject: x\r\n\r\nFrom here on\r\n>From there\r\n>>From afar\r\nFromage\r\n From the start\r\nFrom', 'latin1');
  const escaped = 'Subject: x\r\n\r\n>From here on\r\n>>From there\r\n>>>From afar\r\nFromage\r\n From the start\r\nFrom';

  test('a line starting "From " after any ">" gets one more ">", wherever the chunks split; other bytes pass untouched', () => {
    for (let size = 1; size <= body.length; size++) {
      const escaper = new FromLineEscaper();
      const parts: Buffer[] = [];
      for (let at = 0; at < body.length; at += size) parts.push(...escaper.push(body.subarray(at, at + size)));
      const rest = escaper.end();
      if (rest) parts.push(rest);
      expect(Buffer.concat(parts).toString('latin1')).toBe(escaped);
    }
  });

  test('each file after a "From " line naming it, a blank line between; bytes of any charset kept; an empty file is no message', async () => {
    const latin1 = Buffer.from('Subject: caf\xe9\n\nFrom Lisboa\n', 'latin1');
    const joined = await collect(
      emailFilesAsMbox([
        { name: 'a b/é.eml', bytes: () => chunked(latin1, 3) },
        { name: 'empty.eml', bytes: () => chunked(Buffer.alloc(0)) },
        { name: 'c.eml', bytes: () => chunked('Subject: no newline at the end', 5) },
      ]),
    );
    expect(joined.toString('latin1')).toBe(
      'From eml:a%20b%2F%C3%A9.eml Thu Jan  1 00:00:00 1970\nSubject: caf\xe9\n\n>From Lisboa\n\n' +
        'From eml:c.eml Thu Jan  1 00:00:00 1970\nSubject: no newline at the end\n\n',
    );
  });

  test('a file that already starts with an mbox "From " line is an mbox: passed through as it is, its messages its own', async () => {
    const escapedBody = emlFiles[1][1].toString('utf8').replace('\r\nFrom what', '\r\n>From what');
    const ownEnvelope = Buffer.from(
      `From - Mon Nov 30 09:14:02 2026\r\n${escapedBody}\r\nFrom - Tue Dec 01 16:05:00 2026\r\n${emlFiles[4][1].toString('utf8')}`,
    );
    const joined = await collect(emailFilesAsMbox([{ name: 'saved.eml', bytes: () => chunked(ownEnvelope, 64) }]));
    expect(joined.toString('utf8')).toBe(`${ownEnvelope.toString('utf8')}\n`);
    // Read as the two messages it holds, the body line unescaped once.
    const items = await parseAll(zip([['saved.eml', ownEnvelope]]), { fileName: 'saved.zip' }, 4096);
    expect(conversations(items)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(conversations(items)[0].turns[0].content).toContain('\nFrom what I can see');
  });
});

/** Outlook's .msg files: real ones, from msgreader's test data (test/fixtures/formats/msg/SOURCE.md). */
describe('Outlook message files (.msg) in a mailbox of files', () => {
  const MSG_DIR = join(__dirname, '..', '..', 'fixtures', 'formats', 'msg');
  const msg = (name: string): [string, Buffer] => [name, readFileSync(join(MSG_DIR, name))];
  const received = msg('newOutlook Microsoft Outlook test.msg');
  // The support side's answer, saved by another mail program, answers the Outlook message by its Message-ID.
  const reply: [string, string] = [
    'Sent/RE test.eml',
    [
      'From: Lantern Outdoor Help <help@lanternoutdoor.example>',
      'To: <ku@digitaldolphins.jp>',
      'Subject: RE: Microsoft Outlook test',
      'Date: Fri, 26 Sep 2025 11:05:00 +0900',
      'Message-ID: <reply-ku-1@lanternoutdoor.example>',
      'In-Reply-To: <202509260143.58Q1hBM7074242@www3707.sakura.ne.jp>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Your Outlook account is set up correctly; mail from it reaches us.',
      '',
    ].join('\r\n'),
  ];

  test('a received .msg (its internet headers, HTML body) threads with an .eml reply; a draft and a note quarantined, each naming its file', async () => {
    const items = await parseAll(
      zip([received, reply, msg('Hello +CJK.msg'), msg('A memo.msg')]),
      { fileName: 'outlook.zip', speakerRoles: { 'help@lanternoutdoor.example': 'assistant' } },
      4096,
    );
    expect(said(conversations(items)[0])).toEqual([
      'user: Microsoft Outlook テスト メッセージ\nこの電子メール メッセージは、アカウントの設定のテスト中に、Microsoft Outlook から自動送信されたものです。',
      'assistant: Your Outlook account is set up correctly; mail from it reaches us.',
    ]);
    expect(conversations(items)[0].turns[0].timestamp).toBe('2025-09-26T01:43:11.000Z');
    expect(rejections(items).map((r) => r.detail)).toEqual([
      'the e-mail in Hello +CJK.msg is a draft (Outlook marks it unsent), no support conversation',
      'the e-mail in A memo.msg is an Outlook item of class IPM.StickyNote, no e-mail, no support conversation',
    ]);
  });

  test("a sent .msg (no internet headers, an Exchange X.500 sender): headers from its properties, the sender's SMTP address, the mailbox's own side; the original file kept as an attachment", async () => {
    const [name, bytes] = msg('sent2.msg');
    const joined = (await collect(emailFilesAsMbox([{ name, bytes: () => chunked(bytes, 4096) }]))).toString('utf8');
    const lines = joined.split('\n');
    expect(lines[0]).toBe('From eml:sent2.msg Thu Jan  1 00:00:00 1970');
    expect(lines.slice(1, 6)).toEqual([
      '"UnoKenji" <ku@digitaldolphins.onmicrosoft.com>'.replace(/^/, 'From: '),
      'To: <ku@digitaldolphins.jp>',
      'Date: Tue, 31 Aug 2021 01:56:16 GMT',
      'Subject: Sending test',
      'Message-ID: <OS3P286MB0565639EF64566509A9EE31281CC9@OS3P286MB0565.JPNP286.PROD.OUTLOOK.COM>',
    ]);
    expect(joined).toContain('\nX-Tuneloop-Outlook: sent\n');
    const email = await PostalMime.parse(joined.slice(joined.indexOf('\n') + 1), { attachmentEncoding: 'arraybuffer' });
    expect(email.text?.trim()).toBe('Hello.');
    expect(email.attachments.map((a) => [a.filename, a.mimeType])).toEqual([['sent2.msg', 'application/vnd.ms-outlook']]);
    expect(Buffer.from(email.attachments[0].content as ArrayBuffer).equals(bytes)).toBe(true);
    // The mailbox's own side: a thread of it alone has no customer.
    const items = await parseAll(zip([msg('sent2.msg')]), { fileName: 'sent.zip' }, 4096);
    expect(rejections(items)[0].detail).toBe(
      'the e-mail thread of sent2.msg has no message from a customer, so there is nothing to learn from it',
    );
  });

  test('one .msg on its own is rejected saying to drop the files together', async () => {
    const [rejected] = rejections(await parseAll(msg('sent2.msg')[1], { fileName: 'sent2.msg' }, 4096));
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toMatch(
      /one Outlook message \(\.msg\); a thread needs all of its messages: drop the mailbox's \.msg \(or \.eml\) files together in one ZIP/,
    );
  });

  test("no Outlook message, or a sender's own X-Tuneloop field: read as no message, and never as the mailbox's side", async () => {
    const items = await parseAll(zip([['broken.msg', 'this is not a compound file']]), { fileName: 'broken.zip' }, 4096);
    expect(rejections(items)[0]).toMatchObject({ reason: 'invalid-email' });
    expect(rejections(items)[0].detail).toMatch(/^the e-mail in broken\.msg cannot be read: it is no Outlook message file/);
    // The original bytes stay in the record (base64), so quarantine holds them.
    expect(rejections(items)[0].record).toContain(Buffer.from('this is not a compound file').toString('base64'));
    // In an .eml the field is the sender's: a customer claiming to be the mailbox stays a customer.
    const forged = emlFiles[1][1].toString('utf8').replace('MIME-Version: 1.0', 'X-Tuneloop-Outlook: sent\r\nMIME-Version: 1.0');
    const withForged = await parseAll(zip([['Inbox/forged.eml', forged], emlFiles[3]]), { fileName: 'forged.zip' }, 4096);
    expect(conversations(withForged)[0].turns.map((t) => t.role)).toEqual(['user', 'assistant']);
  });
});
