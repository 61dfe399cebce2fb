import { withoutQuotedReply } from '../../../src/shared/ingest/emailQuotes';
import { conversations, parseAll } from './helpers';

// E-mail replies quote the thread they answer (src/shared/ingest/emailQuotes.ts). Hand-written in
// the shapes Gmail, Apple Mail, Outlook and mobile clients write, in the screened languages.

describe('withoutQuotedReply', () => {
  const reply = 'Thanks, that is great.';

  test.each([
    [
      'Gmail',
      `${reply}\n\nOn Mon, Mar 2, 2026 at 10:00 AM Acme Support <support@acme.example> wrote:\n> Hi, I have opened a trace.\n> Tom`,
    ],
    [
      'a header wrapped over two lines',
      `${reply}\nOn Mon, Mar 2, 2026 at 10:00 AM Acme Support <\nsupport@acme.example> wrote:\n> Hi, I have opened a trace.`,
    ],
    [
      'Apple Mail, German',
      `${reply}\n\nAm 02.03.2026 um 10:00 schrieb Acme Support <support@acme.example>:\n\n> Hallo, ich habe einen Nachforschungsauftrag gestellt.`,
    ],
    ['French', `${reply}\nLe lun. 2 mars 2026 à 10:00, Acme Support <support@acme.example> a écrit :\n> Bonjour`],
    ['Spanish', `${reply}\nEl lun, 2 mar 2026 a las 10:00, Acme Support (<support@acme.example>) escribió:\n> Hola`],
    [
      'Outlook',
      `${reply}\n\n________________________________\nFrom: Acme Support <support@acme.example>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Maria Keller\nSubject: Re: parcel\n\nHi, I have opened a trace.`,
    ],
    ['Outlook, German', `${reply}\nVon: Acme Support\nGesendet: Montag, 2. März 2026 10:00\nAn: Maria Keller\nBetreff: AW: Paket`],
    ['-----Original Message-----', `${reply}\n-----Original Message-----\nFrom: support@acme.example\nHi, I have opened a trace.`],
    ['a trailing block of quoted lines without a header', `${reply}\n\n> Hi, I have opened a trace.\n>\n> Tom`],
    ['a mobile footer', `${reply}\n\nSent from my iPhone`],
    [
      'a mobile footer under the quote',
      `${reply}\nSent from my iPhone\n\nOn 2 Mar 2026, at 10:00, Acme Support <support@acme.example> wrote:\n\n> Hi`,
    ],
    ['a signature below "-- "', `${reply}\n\n-- \nJane Tan\nCustomer Care | Acme\n+60 3-1234 5678`],
    [
      'a signature below "--" (its space cleaned away), above the quote',
      `${reply}\n--\nJane Tan | Acme\n\nOn Mon, Mar 2, 2026 at 10:00 AM Tom <tom@example.com> wrote:\n> Hi`,
    ],
  ])('%s: the reply stays, the quoted thread goes', (_, text) => {
    expect(withoutQuotedReply(text)).toBe(reply);
  });

  test('a separator with nothing above it, or more than a dozen lines above the end, is no signature', () => {
    const alone = '--\nJane Tan\nAcme';
    expect(withoutQuotedReply(alone)).toBe(alone);
    const long = `${reply}\n--\n${Array.from({ length: 13 }, (_, i) => `line ${i + 1}`).join('\n')}`;
    expect(withoutQuotedReply(long)).toBe(long);
  });

  test.each([
    ['a chat turn', 'On Monday the parcel was still not there.'],
    ['a text about what someone wrote', 'Hello,\nOn Monday my wife wrote to you about the refund.\nAny news?'],
    ['inline answers between quoted lines keep the quote above the answer', '> Which order is it?\n4471\n> And the postcode?\nLS2 7EY'],
    ['a message that is all quote', 'On Mon, Mar 2, 2026 at 10:00 AM Acme Support wrote:\n> Hi'],
    ['a "From:" line without Outlook\'s header block', 'Hello,\nFrom: my old address, the parcel was sent back.\nCan you resend it?'],
    ['an arrow in the text', 'Go to Settings\n> Account > Address and change it there.'],
  ])('%s: unchanged', (_, text) => {
    expect(withoutQuotedReply(text)).toBe(text);
  });
});

test('a message CSV of e-mail tickets: the customer turn loses the quoted agent reply (and the name in it)', async () => {
  const csv = [
    'conversation_id,timestamp,speaker,text',
    't1,2026-03-02T09:00:00Z,customer,"Hello, my parcel for order 4471 has not arrived."',
    't1,2026-03-02T10:00:00Z,agent,"I have opened a trace with the carrier. Tom"',
    't1,2026-03-02T11:00:00Z,customer,"Thanks, that is great.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Acme Support <support@acme.example> wrote:\n> I have opened a trace with the carrier. Tom"',
  ].join('\n');
  const [c] = conversations(await parseAll(csv));
  expect(c.turns.map((t) => t.content)).toEqual([
    'Hello, my parcel for order 4471 has not arrived.',
    'I have opened a trace with the carrier. Tom',
    'Thanks, that is great.',
  ]);
});
