import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conversation, IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';
import { zip } from './xlsxFiles';

/**
 * A support mailbox exported as mbox (hand-written in the shape of Google Takeout's Gmail export,
 * test/fixtures/formats/mbox/SOURCE.md). Before, an mbox was taken for CSV and every line of it
 * rejected.
 */
const MBOX = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'mbox', 'support.mbox'), 'utf8');
const said = (c: Conversation) => c.turns.map((t) => `${t.role}: ${t.content}`);
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

/** The mailbox without Gmail's headers, as Thunderbird or Apple Mail writes it. */
function withoutGmailHeaders(text: string): string {
  return text.replace(/^X-G(?:M-THRID|mail-Labels): .*\n/gm, '');
}

describe('a support mailbox exported as mbox', () => {
  test("Google Takeout's mbox: a conversation per thread, the mailbox's side the support side, newsletters, spam and automatic replies quarantined on their own", async () => {
    const notices: string[] = [];
    const items = await parseAll(MBOX, { fileName: 'Takeout/Mail/Support.mbox', onNotice: (m) => notices.push(m) }, 64);
    const [aminah, carla] = conversations(items);
    expect(said(aminah)).toEqual([
      // The first message's subject above its text; the signature-less body as written.
      "user: Order 4521 not arrived\nHi, my order still hasn't arrived. It was due on Friday.\nAminah",
      // Quoted-printable soft break joined; the quoted thread below the reply cut.
      'assistant: Sorry about that! The courier says it is at the depot and will arrive tomorrow.',
      // ISO-8859-1 decoded; ">From" unescaped; "Sent from my iPhone" cut.
      'user: It came, but the box was torn and the café mugs are broken.\nFrom the photos you can see the damage.',
      // An agent at the shop's domain is the support side too; Outlook's quoted header cut.
      'assistant: I am sorry about the mugs. I have sent a replacement set with free shipping.',
    ]);
    expect(aminah.turns[0].timestamp).toBe('2026-12-01T02:02:11.000Z');
    expect(aminah.channel).toBe('email');
    // Base64 HTML with encoded-word headers; the automatic reply left out of the thread.
    expect(said(carla)).toEqual([
      'user: Doble cobro 😞\nHola, me cobraron dos veces el pedido 7788.\n¿Pueden devolverme uno?',
      'assistant: Hola Carla, ya devolvimos el segundo cobro. Lo verás en 3 a 5 días hábiles.',
    ]);
    // The question nobody answered teaches nothing; it is rejected, not lost.
    const unanswered = rejections(items).find((r) => r.reason === 'one-sided-conversation')!;
    expect(unanswered).toMatchObject({
      reason: 'one-sided-conversation',
      line: MBOX.split('\n').indexOf('From 1817263545100000001@xxx Fri Dec 04 05:00:00 +0000 2026') + 1,
    });
    expect(unanswered.detail).toMatch(/no reply from the support side/);
    // The newsletter, the spam and the automatic reply: quarantined on their own, each saying why.
    expect(
      rejections(items)
        .filter((r) => r.reason === 'not-support-mail')
        .map((r) => r.detail),
    ).toEqual([
      'the e-mail at line 95 is bulk or list mail (a newsletter: List-Id, List-Unsubscribe or Precedence), no support conversation',
      'the e-mail at line 110 is spam (Gmail labels it so), no support conversation',
      'the e-mail at line 140 is an automatic reply (Auto-Submitted), no support conversation',
    ]);
    expect(reasons(items)).toHaveLength(6);
    expect(notices).toEqual([]);
  });

  test('a message exported twice (two exports joined, or two labels) is read once, by its Message-ID', async () => {
    const messages = MBOX.split(/\n(?=From \S+ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )/);
    const twice = [...messages, messages[1]].join('\n');
    const [once] = conversations(await parseAll(MBOX, { fileName: 'a.mbox' }, 4096));
    const [again] = conversations(await parseAll(twice, { fileName: 'b.mbox' }, 4096));
    expect(twice.split('Message-ID: <reply-1@kedaiharmoni.example>')).toHaveLength(3);
    expect(said(again)).toEqual(said(once));
  });

  test("support@ as a Google Group: the group's list headers on a customer's e-mail do not make it list mail (a newsletter's do: first test)", async () => {
    const budi = MBOX.slice(MBOX.indexOf('From 1817263545100000001@xxx'));
    const viaGroup = budi.replace(
      'Delivered-To: support@kedaiharmoni.example\n',
      'Delivered-To: jane.tan@kedaiharmoni.example\nMailing-list: list support@kedaiharmoni.example; contact support+owners@kedaiharmoni.example\nList-ID: <support.kedaiharmoni.example>\nList-Unsubscribe: <mailto:googlegroups-manage+1+unsubscribe@googlegroups.com>\nPrecedence: list\n',
    );
    expect(viaGroup).not.toBe(budi);
    const reply = [
      'From 1817263545100000002@xxx Fri Dec 04 05:10:00 +0000 2026',
      'X-GM-THRID: 1817263545100000001',
      'X-Gmail-Labels: Sent',
      'From: Jane Tan <jane.tan@kedaiharmoni.example>',
      'To: Budi Santoso <budi@yahoo.example>',
      'Subject: Re: Do you ship to Ipoh?',
      'Date: Fri, 4 Dec 2026 13:10:00 +0800',
      'Message-ID: <jane-2@kedaiharmoni.example>',
      'In-Reply-To: <budi-1@yahoo.example>',
      'References: <budi-1@yahoo.example>',
      '',
      'Yes, we ship to Ipoh in 2 working days.',
      '',
    ].join('\n');
    const items = await parseAll(`${viaGroup}\n${reply}`, { fileName: 'group.mbox' }, 4096);
    expect(reasons(items)).toEqual(['conversation']);
    expect(said(conversations(items)[0])).toEqual([
      // The subject is in the text already, so it is not put above it.
      'user: Hello, do you ship to Ipoh?',
      'assistant: Yes, we ship to Ipoh in 2 working days.',
    ]);
  });

  test('each thread keeps its messages where they stand in the file, for the erasure', async () => {
    const [aminah] = conversations(await parseAll(MBOX, { fileName: 'support.mbox' }, 4096));
    const lines = MBOX.split('\n');
    expect(aminah.source.elements?.map((e) => e.line)).toEqual(
      lines.flatMap((l, i) => (l.startsWith('From 18172635441234567') ? [i + 1] : [])),
    );
    for (const element of aminah.source.elements ?? []) expect(MBOX).toContain(element.text);
  });

  test('without Gmail headers: threads from References and In-Reply-To, the mailbox from Delivered-To; CRLF line ends read the same', async () => {
    const plain = withoutGmailHeaders(MBOX);
    const items = await parseAll(plain.replace(/\n/g, '\r\n'), { fileName: 'Inbox' }, 4096);
    const [aminah, carla] = conversations(items);
    expect(aminah.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(carla.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    // The spam is no longer labelled: a message of its own that nobody answered.
    expect(reasons(items).filter((r) => r === 'one-sided-conversation')).toHaveLength(2);
    expect(reasons(items).filter((r) => r === 'not-support-mail')).toHaveLength(2);
  });

  test('a mailbox that names none of its own addresses is unknown-speaker, saying what to map; the mapping decides it', async () => {
    const bare = withoutGmailHeaders(MBOX).replace(/^Delivered-To: .*\n/gm, '');
    const rejected = rejections(await parseAll(bare, { fileName: 'Inbox' }, 4096)).filter((r) => r.reason !== 'not-support-mail');
    expect(rejected[0].reason).toBe('unknown-speaker');
    expect(rejected[0].detail).toMatch(/TUNELOOP_SPEAKER_ROLES=\{"support@yourcompany\.example":"assistant"\}/);
    const mapped = await parseAll(bare, { fileName: 'Inbox', speakerRoles: { '@kedaiharmoni.example': 'assistant' } }, 4096);
    expect(conversations(mapped).map((c) => c.turns.map((t) => t.role))).toEqual([
      ['user', 'assistant', 'user', 'assistant'],
      ['user', 'assistant'],
    ]);
  });

  test('an Inbox exported without its Sent folder: every thread one-sided, and a notice saying to join the folders; joined, they read', async () => {
    const messages = MBOX.split(/\n(?=From \S+ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )/).map((m) => withoutGmailHeaders(m));
    const sent = messages.filter((m) => /^From: .*@kedaiharmoni\.example>?$/m.test(m));
    const inbox = messages.filter((m) => !sent.includes(m));
    const notices: string[] = [];
    const items = await parseAll(inbox.join('\n'), { fileName: 'Inbox', onNotice: (m) => notices.push(m) }, 4096);
    expect(conversations(items)).toEqual([]);
    expect(notices).toEqual([
      expect.stringMatching(
        /^Inbox: none of its \d+ e-mail thread\(s\) has a message from the mailbox's own side.*give the folders together \(in one ZIP, tar or folder, or to one tuneloop prepare\)/,
      ),
    ]);
    const joined = await parseAll(`${inbox.join('\n')}\n${sent.join('\n')}`, { fileName: 'mailbox.mbox' }, 4096);
    expect(conversations(joined)).toHaveLength(2);
    // Thunderbird's folders zipped (files without extension) and Apple Mail's bundles: the folders are read as one mailbox.
    const zipNotices: string[] = [];
    const thunderbird = await parseAll(
      zip([
        ['Local Folders/Inbox', inbox.join('\n')],
        ['Local Folders/Sent', sent.join('\n')],
      ]),
      { fileName: 'Local Folders.zip', onNotice: (m) => zipNotices.push(m) },
      4096,
    );
    expect(conversations(thunderbird).map((c) => [c.source.file, c.turns.map((t) => t.role).join(' ')])).toEqual([
      ['Local Folders.zip/email-files.mbox', 'user assistant user assistant'],
      ['Local Folders.zip/email-files.mbox', 'user assistant'],
    ]);
    expect(zipNotices).toEqual([
      'Local Folders.zip: its 2 mailbox file(s) (mbox) are one mailbox, joined as Local Folders.zip/email-files.mbox',
    ]);
    const apple = await parseAll(
      zip([
        ['Inbox.mbox/mbox', inbox.join('\n')],
        ['Inbox.mbox/Info.plist', '<plist version="1.0"><dict></dict></plist>\n'],
        ['Sent Messages.mbox/mbox', sent.join('\n')],
      ]),
      { fileName: 'Mail.zip' },
      4096,
    );
    expect(conversations(apple)).toHaveLength(2);
  });

  test("a reply whose mail client dropped In-Reply-To and References joins the thread its subject answers between the same two addresses, even when the thread's first message comes later", async () => {
    const messages = MBOX.split(/\n(?=From \S+ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )/).map((m) => withoutGmailHeaders(m));
    // Aminah's second message ("Re: Order 4521 not arrived", from her phone) without the thread headers;
    // the answer to it names only it, as the answering client found no earlier ones to copy.
    const dropped = messages.map((m) =>
      m.startsWith('From 1817263544123456791@') ? m.replace(/^(?:In-Reply-To|References): .*\n/gm, '') : m,
    );
    const broken = dropped.map((m) =>
      m.startsWith('From 1817263544123456792@') ? m.replace(/^References: .*$/m, 'References: <CAJ4521b@mail.gmail.com>') : m,
    );
    const roles = (items: IngestItem[]) => conversations(items).map((c) => c.turns.map((t) => t.role).join(' '));
    const notices: string[] = [];
    const items = await parseAll(broken.join('\n'), { fileName: 'Inbox', onNotice: (m) => notices.push(m) }, 4096);
    expect(roles(items)).toEqual(['user assistant user assistant', 'user assistant']);
    // A reply: no subject put above its text, as for a message opening a thread.
    expect(conversations(items)[0].turns[2].content).toMatch(/^It came, but the box was torn/);
    expect(notices).toContainEqual(
      'Inbox: 1 reply without "In-Reply-To" or "References" (a mail client that drops them) joined to the thread whose subject they answer, between the same two addresses within 30 days',
    );
    // Read before the message it answers (a Sent folder joined after the Inbox, a file not in time order): held, then joined
    // (here the answer to it names the thread's first message, as a client threading by subject writes it).
    const reordered = [broken[2], ...broken.filter((_, i) => i !== 2)].map((m) =>
      m.replace('References: <CAJ4521b@mail.gmail.com>', 'References: <CAJ4521a@mail.gmail.com> <CAJ4521b@mail.gmail.com>'),
    );
    expect(roles(await parseAll(reordered.join('\n'), { fileName: 'Inbox' }, 4096))).toEqual([
      'user assistant user assistant',
      'user assistant',
    ]);
    // Held, but answered before the end of the file by a message naming only it: it keeps its answer, a thread of its own.
    const answeredFirst = [broken[2], ...broken.filter((_, i) => i !== 2)];
    expect(roles(await parseAll(answeredFirst.join('\n'), { fileName: 'Inbox' }, 4096))).toEqual([
      'user assistant',
      'user assistant',
      'user assistant',
    ]);

    // Another customer answering the same subject took no part in that thread: a thread of her own (one-sided), its subject above its text.
    const stranger = dropped.map((m) =>
      m.startsWith('From 1817263544123456791@') ? m.replaceAll('aminah.yusof@gmail.com', 'ina@yahoo.example') : m,
    );
    const strangerItems = await parseAll(stranger.join('\n'), { fileName: 'Inbox' }, 4096);
    // (Without her message the two replies of the support side are one turn.)
    expect(roles(strangerItems)).toEqual(['user assistant', 'user assistant']);
    const alone = rejections(strangerItems).find((r) => r.reason === 'one-sided-conversation' && r.record.includes('ina@yahoo.example'));
    expect(alone).toBeDefined();
    // Nor is a reply sent more than 30 days after the thread's first message.
    const late = dropped.map((m) =>
      m.startsWith('From 1817263544123456791@') ? m.replace('Date: Wed, 2 Dec 2026', 'Date: Sat, 9 Jan 2027') : m,
    );
    expect(roles(await parseAll(late.join('\n'), { fileName: 'Inbox' }, 4096))).toEqual(['user assistant', 'user assistant']);
  });

  test("the support side's reply without thread headers joins the thread of the customer it went to, not another's with the same subject", async () => {
    const mail = (n: number, from: string, to: string, subject: string, hour: number, body: string) =>
      [
        `From m${n}@x Tue Dec 01 0${hour}:00:00 +0000 2026`,
        'Delivered-To: support@shop.example',
        `From: ${from}`,
        `To: ${to}`,
        `Subject: ${subject}`,
        `Date: Tue, 1 Dec 2026 ${hour}:00:00 +0000`,
        `Message-ID: <m${n}@x>`,
        '',
        body,
        '',
      ].join('\n');
    const mbox = [
      mail(1, 'ana@mail.example', 'support@shop.example', 'Refund request', 8, 'Please refund order 111, it arrived broken.'),
      mail(2, 'bo@mail.example', 'support@shop.example', 'Refund request', 9, 'I would like a refund for order 222.'),
      mail(3, 'support@shop.example', 'ana@mail.example', 'Re: Refund request', 10, 'Hi Ana, the refund for order 111 is issued.'),
    ].join('\n');
    const items = await parseAll(mbox, { fileName: 'Inbox' }, 4096);
    const [ana] = conversations(items);
    expect(said(ana)).toEqual([
      'user: Refund request\nPlease refund order 111, it arrived broken.',
      'assistant: Hi Ana, the refund for order 111 is issued.',
    ]);
    // Bo's thread is untouched: one-sided, as before.
    expect(rejections(items).map((r) => r.reason)).toEqual(['one-sided-conversation']);
    expect(rejections(items)[0].record).toContain('bo@mail.example');
  });

  test('a message over the record size limit is rejected on its own, naming its line; its thread is read without it', async () => {
    // The third message grows to 1,324 bytes; the largest other is 1,049.
    const big = MBOX.replace('It came, but the box', `${'x'.repeat(600)}\nIt came, but the box`);
    const items = await parseAll(big, { fileName: 'support.mbox', maxRecordBytes: 1200 }, 4096);
    const tooLong = rejections(items).find((r) => r.reason === 'record-too-long');
    expect(tooLong?.detail).toMatch(/^the e-mail at line 53 is over the 1200-byte limit/);
    expect(tooLong?.record).toContain('Message-ID: <CAJ4521b@mail.gmail.com>');
    expect(conversations(items)[0].turns).toHaveLength(2);
  });

  test("Google Takeout's ZIP and an Apple Mail bundle zipped: the mbox inside read, the export's index and the bundle's parts passed over", async () => {
    const notices: string[] = [];
    const takeout = zip([
      ['Takeout/archive_browser.html', '<!DOCTYPE html><html><head><title>Archive Overview</title></head><body></body></html>'],
      ['Takeout/Mail/All mail Including Spam and Trash.mbox', MBOX],
    ]);
    const items = await parseAll(takeout, { fileName: 'takeout-20261205T101010Z-001.zip', onNotice: (m) => notices.push(m) }, 4096);
    expect(conversations(items)).toHaveLength(2);
    const apple = zip([
      ['Support.mbox/Info.plist', '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict></dict></plist>\n'],
      ['Support.mbox/table_of_contents', Buffer.from([0x00, 0x01, 0x02, 0x03])],
      ['Support.mbox/mbox', withoutGmailHeaders(MBOX)],
    ]);
    const fromApple = await parseAll(apple, { fileName: 'Support.mbox.zip', onNotice: (m) => notices.push(m) }, 4096);
    expect(conversations(fromApple)).toHaveLength(2);
    expect(rejections(fromApple).map((r) => r.reason)).not.toContain('unknown-format');
    expect(notices).toEqual([
      "takeout-20261205T101010Z-001.zip: ZIP entries that are no export were passed over (an export's own index ×1)",
      "Support.mbox.zip: ZIP entries that are no export were passed over (an export's own index ×2)",
    ]);
  });

  test('a Date header that is no date leaves the message where the file has it, not the thread rejected', async () => {
    const broken = MBOX.replace('Date: Wed, 2 Dec 2026 09:00:00 +0800', 'Date: sometime on Wednesday');
    expect(broken).not.toBe(MBOX);
    const [aminah] = conversations(await parseAll(broken, { fileName: 'support.mbox' }, 4096));
    expect(aminah.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(aminah.turns[2].timestamp).toBeUndefined();
  });

  test('8-bit bodies in the charset each message declares (KOI8-R, Shift_JIS, ISO-8859-1), as old mailboxes hold them, are read in it', async () => {
    const message = (n: number, from: string, charset: string, body: Buffer, extra = '') =>
      Buffer.concat([
        Buffer.from(
          `From ${n}@xxx Tue Dec 01 02:0${n}:00 +0000 2026\n` +
            `Delivered-To: support@shop.example\nFrom: ${from}\nTo: support@shop.example\nSubject: Order ${n}\n` +
            `Date: Tue, 1 Dec 2026 10:0${n}:00 +0800\nMessage-ID: <m${n}@example>\n${extra}` +
            `MIME-Version: 1.0\nContent-Type: text/plain; charset=${charset}\nContent-Transfer-Encoding: 8bit\n\n`,
        ),
        body,
        Buffer.from('\n\n'),
      ]);
    const reply = (n: number) =>
      Buffer.from(
        `From r${n}@xxx Tue Dec 01 03:00:00 +0000 2026\nFrom: support@shop.example\nTo: c${n}@mail.example\nSubject: Re: Order ${n}\n` +
          `Date: Tue, 1 Dec 2026 11:00:00 +0800\nMessage-ID: <r${n}@shop.example>\nIn-Reply-To: <m${n}@example>\nX-Gmail-Labels: Sent\n\nThank you, we are on it.\n\n`,
      );
    const koi8r = Buffer.from([0xe7, 0xc4, 0xc5, 0x20, 0xcd, 0xcf, 0xca, 0x20, 0xda, 0xc1, 0xcb, 0xc1, 0xda, 0x3f]); // "Где мой заказ?"
    const shiftJis = Buffer.from([
      0x92, 0x8d, 0x95, 0xb6, 0x82, 0xcd, 0x82, 0xc7, 0x82, 0xb1, 0x82, 0xc5, 0x82, 0xb7, 0x82, 0xa9, 0x81, 0x48,
    ]); // "注文はどこですか？"
    const latin1 = Buffer.from('Ol\xe1, onde est\xe1 a minha encomenda?', 'latin1');
    const mbox = Buffer.concat([
      message(1, 'c1@mail.example', 'koi8-r', koi8r),
      reply(1),
      message(2, 'c2@mail.example', 'shift_jis', shiftJis),
      reply(2),
      message(3, 'c3@mail.example', 'iso-8859-1', latin1),
      reply(3),
    ]);
    const items = await parseAll(mbox, { fileName: 'old.mbox' }, 5);
    expect(conversations(items).map((c) => c.turns[0].content)).toEqual([
      'Order 1\nГде мой заказ?',
      'Order 2\n注文はどこですか？',
      'Order 3\nOlá, onde está a minha encomenda?',
    ]);
  });

  test('one e-mail on its own (.eml) is rejected with what to export instead', async () => {
    const eml = MBOX.split('\n').slice(1, 17).join('\n');
    const [rejected] = rejections(await parseAll(eml, { fileName: 'Order 4521.eml' }));
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toMatch(/one e-mail message \(\.eml\).*\.eml files together in one ZIP .*or export the mailbox as mbox/);
  });
});
