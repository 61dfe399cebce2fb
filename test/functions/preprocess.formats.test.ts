import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { preprocessHandler } from '../../src/functions/preprocess';
import { loadSettings } from '../../src/shared/config/settings';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import { blobOutputNames } from '../../src/shared/dataset/blobPreprocess';
import { CONTAINERS } from '../../src/shared/storage/names';
import { LocalJsonlTelemetry } from '../../src/shared/telemetry/localSink';
import { isolatedStorage } from '../shared/dataset/isolatedStorage';
import { testStorageConnectionString } from '../setup/storage';
import { conversationLine } from '../shared/ingest/helpers';
import { zip } from '../shared/ingest/xlsxFiles';

const fixtures = join(__dirname, '..', 'fixtures', 'formats');

/** The blob function on exports of other tools and with a mapping in the config container, against real Azurite. */
describe('preprocess blob function: other layouts', () => {
  let dir: string;
  // The runtime of the test running now: each test builds its own in setup().
  let current: Runtime | undefined;
  const handle = preprocessHandler(() => (current ? Promise.resolve(current) : Promise.reject(new Error('setup() was not called'))));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-preprocess-formats-'));
  });
  afterAll(async () => {
    current = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function setup() {
    const storage = isolatedStorage();
    await storage.ensureResources();
    const settings = loadSettings({ TUNELOOP_STORAGE: testStorageConnectionString(), TUNELOOP_MAX_BLOB_ATTEMPTS: '2' });
    current = createRuntime(settings, { storage, telemetry: new LocalJsonlTelemetry({ path: join(dir, `${storage.suffix}.jsonl`) }) });
    return storage;
  }
  const context = (name: string) =>
    new InvocationContext({ functionName: 'preprocess', invocationId: 'test', triggerMetadata: { name }, logHandler: () => undefined });
  async function upload(storage: ReturnType<typeof isolatedStorage>, container: string, name: string, body: string | Buffer) {
    return storage.container(container).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
  }

  it('reads a layout with config/mapping.json; records the mapping does not fit are quarantined with the field', async () => {
    const storage = await setup();
    await upload(storage, CONTAINERS.config, 'mapping.json', readFileSync(join(fixtures, 'mapped', 'tuneloop.mapping.json')));
    const name = 'exports/helpdesk.json';
    const uploaded = await upload(storage, CONTAINERS.raw, name, readFileSync(join(fixtures, 'mapped', 'helpdesk-export.json')));
    expect(await handle(null, context(name))).toMatchObject({
      status: 'processed',
      records_in: 3,
      records_used: 1,
      records_quarantined: 2,
    });
    const out = blobOutputNames(name, uploaded.etag!);
    const quarantine = (await storage.container(CONTAINERS.quarantine).getBlobClient(out.quarantine).downloadToBuffer())
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantine.map((q) => q.reason)).toEqual(['missing-field:/said', 'missing-field:/ref']);
    const report = JSON.parse((await storage.container(CONTAINERS.curated).getBlobClient(out.report).downloadToBuffer()).toString('utf8'));
    expect(report.set_aside).toEqual({ 'mapped-skip': 1 });
  });

  it('without a mapping blob the same layout is one unknown-format record; a Zendesk export needs none', async () => {
    const storage = await setup();
    await upload(storage, CONTAINERS.raw, 'helpdesk.json', readFileSync(join(fixtures, 'mapped', 'helpdesk-export.json')));
    expect(await handle(null, context('helpdesk.json'))).toMatchObject({
      status: 'processed',
      records_in: 1,
      records_used: 0,
      records_quarantined: 1,
    });
    const uploaded = await upload(storage, CONTAINERS.raw, 'zendesk/tickets.json', readFileSync(join(fixtures, 'zendesk_tickets.json')));
    expect(await handle(null, context('zendesk/tickets.json'))).toMatchObject({
      status: 'processed',
      records_in: 3,
      records_used: 2,
      records_quarantined: 1,
    });
    const report = JSON.parse(
      (
        await storage
          .container(CONTAINERS.curated)
          .getBlobClient(blobOutputNames('zendesk/tickets.json', uploaded.etag!).report)
          .downloadToBuffer()
      ).toString('utf8'),
    );
    expect(report.set_aside).toEqual({ 'private-comment': 1 });
  });

  it('contact-centre exports (Amazon Connect, Contact Lens, CCAI Insights, Genesys Cloud, Zendesk messaging, Twilio, LivePerson, Salesforce messaging, DiscordChatExporter HTML, text and CSV): each blob read with no setting', async () => {
    const storage = await setup();
    const files: [string, string][] = [
      ['connect/ChatTranscripts/2026/11/28/5d3f9a2b.json', join(fixtures, 'amazon-connect', 'chat-transcript.json')],
      ['connect/ContactLens/0b7e4c2a.json', join(fixtures, 'amazon-connect', 'contact-lens-call.json')],
      ['ccai/upload-chat.json', join(fixtures, 'ccai', 'upload-chat.json')],
      ['ccai/8841207733.json', join(fixtures, 'ccai', 'api-conversation.json')],
      ['genesys/a7c3e9f1.json', join(fixtures, 'genesys', 'chat-transcript.json')],
      ['sunshine/6740a1.json', join(fixtures, 'sunshine', 'messages.json')],
      ['twilio/CH6b1f.json', join(fixtures, 'twilio', 'messages.json')],
      ['liveperson/search.json', join(fixtures, 'liveperson', 'conversations.json')],
      ['salesforce/0MwHs000000Q7rL.json', join(fixtures, 'salesforce-messaging', 'entries.json')],
      ['discord/help-forum.html', join(fixtures, 'discord', 'thread.html')],
      ['discord/help-forum.txt', join(fixtures, 'discord', 'thread.txt')],
      ['discord/help-forum.csv', join(fixtures, 'discord', 'thread.csv')],
    ];
    for (const [name, path] of files) {
      await upload(storage, CONTAINERS.raw, name, readFileSync(path));
      expect({ name, result: await handle(null, context(name)) }).toMatchObject({
        name,
        result: { status: 'processed', records_in: 1, records_used: 1, records_quarantined: 0 },
      });
    }
  });

  it('a blob whose first line or first ticket is odd quarantines only that record', async () => {
    const storage = await setup();
    // Two conversations far enough apart that the duplicate stages keep both.
    const conversation = conversationLine;
    const good = [
      conversation('f-1', 'My discount code SAVE10 does not work at checkout.', 'I have applied the discount manually to your order now.'),
      conversation('f-2', 'Where is my parcel? It was due on Monday.', 'It left the warehouse yesterday and arrives tomorrow.'),
    ];
    const commented = ['# exported 2026-11-30', ...good].join('\n') + '\n';
    const uploaded = await upload(storage, CONTAINERS.raw, 'commented.jsonl', commented);
    expect(await handle(null, context('commented.jsonl'))).toMatchObject({
      status: 'processed',
      records_in: 3,
      records_used: 2,
      records_quarantined: 1,
    });
    const [line] = (
      await storage
        .container(CONTAINERS.quarantine)
        .getBlobClient(blobOutputNames('commented.jsonl', uploaded.etag!).quarantine)
        .downloadToBuffer()
    )
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({ file: 'commented.jsonl', line: 1, reason: 'invalid-json' });

    const tickets = JSON.parse(readFileSync(join(fixtures, 'zendesk_tickets.json'), 'utf8')).tickets as unknown[];
    const oddFirst = JSON.stringify({ tickets: [{ id: 1, status: 'deleted', requester_id: null }, ...tickets], count: tickets.length + 1 });
    await upload(storage, CONTAINERS.raw, 'odd-first.json', oddFirst);
    expect(await handle(null, context('odd-first.json'))).toMatchObject({
      status: 'processed',
      records_in: 4,
      records_used: 2,
      records_quarantined: 2,
    });
  });

  it('an invalid mapping blob fails the blob with the mapping error (retried, then quarantined)', async () => {
    const storage = await setup();
    await upload(storage, CONTAINERS.config, 'mapping.json', JSON.stringify({ turns: '/t', role: 'who', text: '/x' }));
    const uploaded = await upload(storage, CONTAINERS.raw, 'a.jsonl', '{"question": "q", "answer": "a"}\n');
    await expect(handle(null, context('a.jsonl'))).rejects.toThrow(/config\/mapping\.json: invalid mapping at role/);
    expect(await handle(null, context('a.jsonl'))).toMatchObject({ status: 'quarantined' });
    const out = blobOutputNames('a.jsonl', uploaded.etag!);
    const [line] = (await storage.container(CONTAINERS.quarantine).getBlobClient(out.quarantine).downloadToBuffer())
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({
      file: 'a.jsonl',
      reason: 'blob-failed',
      detail: expect.stringContaining('config/mapping.json: invalid mapping at role'),
    });
  });

  it('a ZIP archive of exports: each file is stored as raw-logs/<archive>/<path> and preprocessed as its own blob; the archive goes', async () => {
    const storage = await setup();
    const chats = [
      conversationLine(
        'z-1',
        'My discount code SAVE10 does not work at checkout.',
        'I have applied the discount manually to your order now.',
      ),
      conversationLine('z-2', 'Where is my parcel? It was due on Monday.', 'It left the warehouse yesterday and arrives tomorrow.'),
    ].join('\n');
    const name = 'exports/week-49.zip';
    const uploaded = await upload(
      storage,
      CONTAINERS.raw,
      name,
      zip([
        ['__MACOSX/tickets/._chats.jsonl', 'resource fork'],
        ['tickets/chats.jsonl', chats],
        ['inner.zip', zip([['more.jsonl', chats]])],
      ]),
    );
    const archive = await handle(null, context(name));
    expect(archive).toMatchObject({ status: 'processed', archive_files: 2, records_in: 0 });
    const report = JSON.parse(
      (await storage.container(CONTAINERS.curated).getBlobClient(blobOutputNames(name, uploaded.etag!).report).downloadToBuffer()).toString(
        'utf8',
      ),
    );
    expect(report.warnings).toEqual([
      'exports/week-49.zip: ZIP entries that are no export were passed over (system file ×1)',
      'exports/week-49.zip: an archive of 2 file(s), each stored as raw-logs/exports/week-49.zip/<its path> and preprocessed as a blob of its own; the archive is deleted once they are stored',
    ]);
    const raw = storage.container(CONTAINERS.raw);
    const stored: string[] = [];
    for await (const blob of raw.listBlobsFlat({ prefix: 'exports/', includeMetadata: true })) {
      stored.push(`${blob.name} ${blob.metadata?.tuneloop_archive ?? ''}`);
    }
    // The archive is gone; its files carry the archive's name (URI-encoded) in their metadata.
    expect(stored.sort()).toEqual([
      'exports/week-49.zip/inner.zip exports%2Fweek-49.zip',
      'exports/week-49.zip/tickets/chats.jsonl exports%2Fweek-49.zip',
    ]);
    expect(await handle(null, context(name))).toEqual({ status: 'gone' });

    const file = 'exports/week-49.zip/tickets/chats.jsonl';
    expect(await handle(null, context(file))).toMatchObject({ status: 'processed', records_in: 2, records_used: 2 });
    const inner = 'exports/week-49.zip/inner.zip';
    const props = await raw.getBlobClient(inner).getProperties();
    expect(await handle(null, context(inner))).toMatchObject({ status: 'processed', records_in: 1, records_quarantined: 1 });
    const [refused] = (
      await storage.container(CONTAINERS.quarantine).getBlobClient(blobOutputNames(inner, props.etag!).quarantine).downloadToBuffer()
    )
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(refused).toMatchObject({ file: inner, reason: 'unknown-format' });
    expect(refused.detail).toContain('a ZIP archive inside the archive exports/week-49.zip');
  });

  it('a ZIP of e-mail files (.eml): stored as one mbox blob, raw-logs/<archive>/email-files.mbox, whose thread runs across the files', async () => {
    const storage = await setup();
    const emlDir = join(fixtures, 'eml');
    const files: [string, Buffer][] = ['Inbox/Order 3310 - wrong size.eml', 'Sent Items/RE Order 3310 - wrong size.eml'].map((f) => [
      f,
      readFileSync(join(emlDir, f)),
    ]);
    const name = 'mail/lantern-help.zip';
    await upload(storage, CONTAINERS.raw, name, zip(files));
    expect(await handle(null, context(name))).toMatchObject({ status: 'processed', archive_files: 1 });
    const stored: string[] = [];
    for await (const blob of storage.container(CONTAINERS.raw).listBlobsFlat({ prefix: 'mail/' })) stored.push(blob.name);
    expect(stored).toEqual(['mail/lantern-help.zip/email-files.mbox']);
    expect(await handle(null, context(stored[0]))).toMatchObject({ status: 'processed', records_in: 1, records_used: 1 });
  });

  it('a Slack export ZIP: stored as one blob of message rows, raw-logs/<archive>/slack-messages.jsonl, whose thread runs across day files', async () => {
    const storage = await setup();
    const root = join(fixtures, 'slack', 'export');
    const files: [string, Buffer][] = [
      'users.json',
      'channels.json',
      'integration_logs.json',
      'acme-support/2026-11-30.json',
      'acme-support/2026-12-01.json',
      'help/2026-12-01.json',
    ].map((f) => [f, readFileSync(join(root, f))]);
    const name = 'slack/kedai-export.zip';
    await upload(storage, CONTAINERS.raw, name, zip(files));
    expect(await handle(null, context(name))).toMatchObject({ status: 'processed', archive_files: 1 });
    const stored: string[] = [];
    for await (const blob of storage.container(CONTAINERS.raw).listBlobsFlat({ prefix: 'slack/' })) stored.push(blob.name);
    expect(stored).toEqual(['slack/kedai-export.zip/slack-messages.jsonl']);
    // The thread and the channel's day are used; the app's post and the internal channel are quarantined.
    expect(await handle(null, context(stored[0]))).toMatchObject({
      status: 'processed',
      records_in: 4,
      records_used: 2,
      records_quarantined: 2,
    });
  });

  it("Google Takeout's .tgz: its files stored as raw-logs/<archive>/<path> (the export's index passed over), the archive deleted, the mbox preprocessed", async () => {
    const storage = await setup();
    const name = 'takeout/takeout-20261205T101010Z-001.tgz';
    await upload(storage, CONTAINERS.raw, name, readFileSync(join(fixtures, 'tar', 'takeout-20261205T101010Z-001.tgz')));
    expect(await handle(null, context(name))).toMatchObject({ status: 'processed', archive_files: 2 });
    const stored: string[] = [];
    for await (const blob of storage.container(CONTAINERS.raw).listBlobsFlat({ prefix: 'takeout/' })) stored.push(blob.name);
    const mbox = `${name}/Takeout/Mail/All mail Including Spam and Trash.mbox`;
    expect(stored.sort()).toEqual([
      mbox,
      `${name}/Takeout/Support exports from the help desk for the whole of the year two thousand and twenty six/chats-exported-from-the-help-desk.jsonl`,
    ]);
    expect(await handle(null, context(mbox))).toMatchObject({ status: 'processed', records_used: 2 });
  });
});
