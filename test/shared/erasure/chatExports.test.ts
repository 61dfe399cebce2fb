import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../../../src/shared/composition/runtime';
import { blobOutputNames, preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import type { PreprocessReport } from '../../../src/shared/dataset/preprocessReport';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * A chat exported from WhatsApp (the whole file one conversation, ingest/formats/transcript.ts)
 * dropped as a blob: the blob function reads it as one conversation, and `forget` of a phone
 * number said in it takes out the whole export, which is that one record.
 */
describe('a WhatsApp chat export on the blob path and in forget (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const PHONE = '+60 12-345 6789';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-whatsapp-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('is processed as one conversation, and forgetting a number said in it deletes the export', async () => {
    const fixture = readFileSync(
      join(__dirname, '..', '..', 'fixtures', 'formats', 'whatsapp', 'WhatsApp Chat with Aminah Yusof.txt'),
      'utf8',
    );
    const text = fixture.replace('It was due on Friday', `It was due on Friday, call me on ${PHONE}`);
    const name = 'whatsapp/WhatsApp Chat with Aminah Yusof.txt';
    const other = 'whatsapp/WhatsApp Chat with Carla Diaz.txt';
    const otherText = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'whatsapp', 'WhatsApp Chat with Carla Diaz.txt'));
    const raw = azurite.storage.container(CONTAINERS.raw);
    await raw.getBlockBlobClient(name).upload(Buffer.from(text), Buffer.byteLength(text));
    await raw.getBlockBlobClient(other).upload(otherText, otherText.length);
    const result = await preprocessBlob(runtime, name);
    expect(result.status).toBe('processed');
    expect(result).toMatchObject({ report: { records_in: 1, records_used: 1, set_aside: { 'media-omitted': 1, 'deleted-message': 1 } } });
    expect((await preprocessBlob(runtime, other)).status).toBe('processed');

    const report = await forget(runtime, matchTarget(PHONE));
    // Nothing of the export is left, so the blob itself goes.
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'deleted', records: 1 });
    expect(await raw.getBlobClient(name).exists()).toBe(false);
    expect((await raw.getBlobClient(other).downloadToBuffer()).equals(otherText)).toBe(true);
  }, 60_000);

  it('a Telegram HTML page is processed as one conversation, and a number Telegram wrote as a link is found and the page deleted', async () => {
    const page = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'telegram', 'messages.html'), 'utf8');
    const digits = '+60123456789';
    const text = page.replace('It came with a torn box', `It came with a torn box, call me on <a href="tel:${digits}">${PHONE}</a>`);
    expect(text).not.toBe(page);
    const name = 'telegram/ChatExport_2026-12-02/messages.html';
    const raw = azurite.storage.container(CONTAINERS.raw);
    await raw.getBlockBlobClient(name).upload(Buffer.from(text), Buffer.byteLength(text));
    const result = await preprocessBlob(runtime, name);
    expect(result).toMatchObject({ status: 'processed', report: { records_in: 1, records_used: 1, set_aside: { 'media-omitted': 2 } } });

    const report = await forget(runtime, matchTarget(PHONE));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'deleted', records: 1 });
    expect(await raw.getBlobClient(name).exists()).toBe(false);
  }, 60_000);

  it("an mbox: a customer's threads are processed per thread, and forgetting her address takes her messages out of the mailbox, leaving the others' byte for byte", async () => {
    const mbox = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'mbox', 'support.mbox'), 'utf8');
    const name = 'mail/Support.mbox';
    const raw = azurite.storage.container(CONTAINERS.raw);
    await raw.getBlockBlobClient(name).upload(Buffer.from(mbox), Buffer.byteLength(mbox));
    const result = await preprocessBlob(runtime, name);
    // Two threads used; the unanswered question, the newsletter, the spam and the automatic reply quarantined.
    expect(result).toMatchObject({ status: 'processed', report: { records_in: 6, records_used: 2 } });

    const report = await forget(runtime, matchTarget('aminah.yusof@gmail.com'));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    const left = (await raw.getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(left).not.toContain('aminah.yusof@gmail.com');
    // The other messages stay as they were, the line before each removed message included.
    const messages = (text: string) => text.split(/\n(?=From \S+ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )/);
    expect(messages(left)).toEqual(messages(mbox).filter((m) => !m.includes('aminah.yusof@gmail.com')));

    // A customer whose thread was used and whose automatic reply was quarantined; one whose question was rejected.
    await forget(runtime, matchTarget('carla.diaz@outlook.example'));
    await forget(runtime, matchTarget('budi@yahoo.example'));
    const rest = (await raw.getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(messages(rest)).toEqual(messages(mbox).filter((m) => !/aminah\.yusof@gmail|carla\.diaz@outlook|budi@yahoo/.test(m)));
    expect(messages(rest)).toHaveLength(2);
  }, 60_000);

  it('a session left out of a chat is quarantined on its own; forgetting the chat takes it out too and the report counts it as a session, not a record', async () => {
    const PHONE_2 = '+60 19-876 5432';
    const text = [
      `02/03/2026, 09:00 - Dana Reyes: Hi, my order 4521 is late, call me on ${PHONE_2}`,
      '02/03/2026, 09:04 - Kedai Harmoni: It ships today, the tracking link follows by e-mail.',
      '20/03/2026, 16:40 - Dana Reyes: I cannot log in, my password: Tulip7734 does not work',
      '20/03/2026, 16:45 - Kedai Harmoni: Please reset it with the link on the login page.',
      '02/04/2026, 11:00 - Dana Reyes: Do you have the jacket in green?',
      '02/04/2026, 11:20 - Kedai Harmoni: Not yet, it comes back in May.',
    ].join('\n');
    const name = 'whatsapp/WhatsApp Chat with Dana Reyes.txt';
    const raw = azurite.storage.container(CONTAINERS.raw);
    const { etag } = await raw.getBlockBlobClient(name).upload(Buffer.from(text), Buffer.byteLength(text));
    const outputs = blobOutputNames(name, etag!);
    expect(await preprocessBlob(runtime, name)).toMatchObject({
      status: 'processed',
      report: { records_in: 1, records_used: 1, records_quarantined: 0, sessions_quarantined: 1 },
    });
    const quarantine = azurite.storage.container(CONTAINERS.quarantine).getBlobClient(outputs.quarantine);
    const lines = (await quarantine.downloadToBuffer()).toString('utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { session?: number; reason: string }).session)).toEqual([2]);

    // The number is in session 1, which was used: the whole export is the one record, and goes.
    await forget(runtime, matchTarget(PHONE_2), { requestId: 'req-session', now: new Date('2026-12-06T10:00:00Z') });
    expect(await raw.getBlobClient(name).exists()).toBe(false);
    const left = (await quarantine.exists()) ? (await quarantine.downloadToBuffer()).toString('utf8') : '';
    expect(left).not.toContain('Tulip7734');
    const report = JSON.parse(
      (await azurite.storage.container(CONTAINERS.curated).getBlobClient(outputs.report).downloadToBuffer()).toString('utf8'),
    ) as PreprocessReport;
    expect(report).toMatchObject({ records_in: 0, records_used: 0, records_quarantined: 0, sessions_quarantined: 0 });
    expect(report.erasures).toEqual([
      {
        request_id: 'req-session',
        at: '2026-12-06T10:00:00.000Z',
        removed: { records: 1, records_used: 1, records_quarantined: 0, examples: 2, feedback: 0, sessions_quarantined: 1 },
      },
    ]);
  }, 60_000);

  it('a session line of a chat joined on one line with another chat goes when a number said in the chat is forgotten', async () => {
    // Two Telegram chats written on one line ({...}{...}): the raw key of such a record is its
    // text, which a session line does not hold; it goes with its chat by the chat's id.
    const PHONE_3 = '+60 17-222 3344';
    const telegram = (id: number, name: string, messages: [string, 'u' | 'a', string][]) => ({
      name,
      type: 'personal_chat',
      id,
      messages: messages.map(([at, from, text], i) => ({
        id: i + 1,
        type: 'message',
        date: at,
        date_unixtime: String(Date.parse(`${at}Z`) / 1000),
        from: from === 'u' ? name : 'Shop',
        from_id: from === 'u' ? `user${id}` : 'user999',
        text,
      })),
    });
    const dana = telegram(111, 'Dana Reyes', [
      ['2026-03-02T09:00:00', 'u', `Hi, my order 4521 is late, call me on ${PHONE_3}`],
      ['2026-03-02T09:04:00', 'a', 'It ships today, the tracking link follows by e-mail.'],
      ['2026-03-20T16:40:00', 'u', 'I cannot log in, my password: Tulip7734 does not work'],
      ['2026-03-20T16:45:00', 'a', 'Please reset it with the link on the login page.'],
    ]);
    const carla = telegram(222, 'Carla Diaz', [
      ['2026-03-03T09:00:00', 'u', 'Do you have the jacket in green?'],
      ['2026-03-03T09:04:00', 'a', 'Not yet, it comes back in May.'],
    ]);
    const text = JSON.stringify(dana) + JSON.stringify(carla) + '\n';
    const name = 'telegram/joined.jsonl';
    const { etag } = await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    expect(await preprocessBlob(runtime, name)).toMatchObject({ report: { records_in: 2, records_used: 2, sessions_quarantined: 1 } });
    const quarantine = azurite.storage.container(CONTAINERS.quarantine).getBlobClient(blobOutputNames(name, etag!).quarantine);
    expect((await quarantine.downloadToBuffer()).toString('utf8')).toContain('Tulip7734');

    await forget(runtime, matchTarget(PHONE_3));
    const left = (await quarantine.exists()) ? (await quarantine.downloadToBuffer()).toString('utf8') : '';
    expect(left).not.toContain('Tulip7734');
  }, 60_000);

  it("a Discord channel in DiscordChatExporter's text is one conversation, and forgetting an e-mail said in it deletes the export", async () => {
    const fixture = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'discord', 'thread.txt'), 'utf8');
    const email = 'ana.plays@example.net';
    const text = fixture.replace('I play on Steam Deck.', `I play on Steam Deck, my account is ${email}.`);
    expect(text).not.toBe(fixture);
    const name = 'discord/help-forum - Save file lost.txt';
    const raw = azurite.storage.container(CONTAINERS.raw);
    await raw.getBlockBlobClient(name).upload(Buffer.from(text), Buffer.byteLength(text));
    const result = await preprocessBlob(runtime, name);
    expect(result).toMatchObject({ status: 'processed', report: { records_in: 1, records_used: 1, set_aside: { 'media-omitted': 1 } } });

    const report = await forget(runtime, matchTarget(email));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'deleted', records: 1 });
    expect(await raw.getBlobClient(name).exists()).toBe(false);
  }, 60_000);
});
