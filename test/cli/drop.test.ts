import { createServer } from 'node:net';
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobClient } from '@azure/storage-blob';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { CONTAINERS } from '../../src/shared/storage/names';
import { testStorage, testStorageConnectionString, uniqueName } from '../setup/storage';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Uploads into raw-logs of the test Azurite (real storage); blob names are unique to this test. */
describe('tuneloop drop', () => {
  let dir: string;
  const prefix = uniqueName('drop');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-drop-'));
    await mkdir(join(dir, prefix, 'sub'), { recursive: true });
    await writeFile(join(dir, prefix, 'a.jsonl'), '{"conversation_id":"1","messages":[]}\n');
    await writeFile(join(dir, prefix, 'sub', 'b.csv'), 'conversation_id,rating\n1,5\n');
    await writeFile(join(dir, `${prefix}-single.csv`), 'question,answer\nq,a\n');
    // Two exports with the same file name from different folders.
    for (const [folder, id] of [
      ['exportA', 'a'],
      ['exportB', 'b'],
    ]) {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, `${prefix}-tickets.json`), `[{"conversation_id":"${id}"}]`);
    }
  });
  afterAll(async () => {
    const container = testStorage().container(CONTAINERS.raw);
    const names = [
      `${prefix}-single.csv`,
      'a.jsonl',
      'sub/b.csv',
      `${prefix}-tickets.json`,
      `${prefix}-other.csv`,
      `${prefix}-blocks.json`,
      `${prefix}-raced.json`,
    ];
    for (const name of names) await container.deleteBlob(name).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads files and folders into raw-logs with their content types', async () => {
    const cli = captureIo(dir);
    const code = await runCli(['drop', `${prefix}-single.csv`, '--connection-string', testStorageConnectionString()], cli);
    expect(cli.err).toBe('');
    expect(code).toBe(0);
    expect(cli.out).toMatch(new RegExp(`${prefix}-single\\.csv → raw-logs/${prefix}-single\\.csv \\(\\d+ bytes, ETag`));
    const blob = testStorage().container(CONTAINERS.raw).getBlobClient(`${prefix}-single.csv`);
    expect((await blob.downloadToBuffer()).toString()).toBe('question,answer\nq,a\n');
    expect((await blob.getProperties()).contentType).toBe('text/csv');

    const folder = captureIo(dir);
    expect(await runCli(['drop', prefix, '--connection-string', testStorageConnectionString()], folder)).toBe(0);
    const names: string[] = [];
    for await (const b of testStorage().container(CONTAINERS.raw).listBlobsFlat()) names.push(b.name);
    expect(names).toEqual(expect.arrayContaining(['a.jsonl', 'sub/b.csv']));
  });

  it("leaves out what a chat export's folder holds beside the chat (photos, styles), and says so", async () => {
    const folder = join(dir, `${prefix}-chat`);
    await mkdir(join(folder, 'photos'), { recursive: true });
    await writeFile(join(folder, `${prefix}-messages.html`), '<!DOCTYPE html>\n<html></html>\n');
    await writeFile(join(folder, 'photos', `${prefix}-photo_1.jpg`), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    const cli = captureIo(dir);
    expect(await runCli(['drop', `${prefix}-chat`, '--connection-string', testStorageConnectionString()], cli)).toBe(0);
    expect(cli.out).toContain(`${prefix}-chat: 1 file(s) that are no export (attachments, page assets, system files) not uploaded`);
    const names: string[] = [];
    for await (const b of testStorage().container(CONTAINERS.raw).listBlobsFlat()) names.push(b.name);
    expect(names).toContain(`${prefix}-messages.html`);
    expect(names).not.toContain(`photos/${prefix}-photo_1.jpg`);
  });

  it('uploads a folder of e-mail files (.eml) as one mbox blob, so its threads are read across the files', async () => {
    const folder = join(dir, `${prefix}-mail`);
    await cp(join(__dirname, '..', 'fixtures', 'formats', 'eml'), folder, { recursive: true });
    await rm(join(folder, 'SOURCE.md'));
    const cli = captureIo(dir);
    expect(await runCli(['drop', `${prefix}-mail`, '--connection-string', testStorageConnectionString()], cli)).toBe(0);
    const blobName = `${prefix}-mail/email-files.mbox`;
    expect(cli.out).toContain(`${prefix}-mail: 5 e-mail file(s) (.eml, .msg, Maildir) joined into one mailbox, ${blobName}\n`);
    const names: string[] = [];
    for await (const b of testStorage()
      .container(CONTAINERS.raw)
      .listBlobsFlat({ prefix: `${prefix}-mail` }))
      names.push(b.name);
    expect(names).toEqual([blobName]);
    const mbox = (await testStorage().container(CONTAINERS.raw).getBlobClient(blobName).downloadToBuffer()).toString('utf8');
    expect(mbox.match(/^From eml:\S+ Thu Jan {2}1 00:00:00 1970$/gm)).toHaveLength(5);
    // Escaped for the mbox, unescaped by its reader.
    expect(mbox).toContain('\r\n>From what I can see');
    await testStorage().container(CONTAINERS.raw).deleteBlob(blobName);
  });

  it('uploads an unzipped Slack export as one blob of message rows, its people mapped with TUNELOOP_SPEAKER_ROLES', async () => {
    const folder = join(dir, `${prefix}-slack`);
    await cp(join(__dirname, '..', 'fixtures', 'formats', 'slack', 'export'), folder, { recursive: true });
    const cli = captureIo(dir, { env: { TUNELOOP_SPEAKER_ROLES: JSON.stringify({ 'Priya Nair': 'user' }) } });
    expect(await runCli(['drop', `${prefix}-slack`, '--connection-string', testStorageConnectionString()], cli)).toBe(0);
    const blobName = `${prefix}-slack/slack-messages.jsonl`;
    expect(cli.out).toContain(`${prefix}-slack: a Slack export, its 3 day file(s) of 2 channel(s) joined as ${blobName}`);
    const names: string[] = [];
    for await (const b of testStorage()
      .container(CONTAINERS.raw)
      .listBlobsFlat({ prefix: `${prefix}-slack` }))
      names.push(b.name);
    expect(names).toEqual([blobName]);
    const rows = (await testStorage().container(CONTAINERS.raw).getBlobClient(blobName).downloadToBuffer())
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { speaker: string; slack_user: string });
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.slack_user === 'Priya Nair').map((r) => r.speaker)).toEqual(['customer']);
    await testStorage().container(CONTAINERS.raw).deleteBlob(blobName);
  });

  it("uploads a mailbox's folders (Inbox and Sent as mbox) as one mbox blob; one mbox alone as it is", async () => {
    const folder = join(dir, `${prefix}-tb`);
    await mkdir(folder, { recursive: true });
    const message = (n: number) =>
      `From ${n}@xxx Tue Dec 01 02:02:11 +0000 2026\nFrom: a${n}@mail.example\nSubject: s${n}\nDate: Tue, 1 Dec 2026 10:02:11 +0800\n\nHello ${n}\n`;
    await writeFile(join(folder, 'Inbox'), message(1));
    await writeFile(join(folder, 'Sent'), message(2));
    const cli = captureIo(dir);
    expect(await runCli(['drop', `${prefix}-tb`, '--connection-string', testStorageConnectionString()], cli)).toBe(0);
    expect(cli.out).toContain(`${prefix}-tb: 2 mailbox file(s) (mbox) joined into one mailbox, ${prefix}-tb/email-files.mbox\n`);
    const blob = testStorage().container(CONTAINERS.raw).getBlobClient(`${prefix}-tb/email-files.mbox`);
    expect((await blob.downloadToBuffer()).toString('utf8')).toBe(`${message(1)}\n${message(2)}\n`);
    await blob.delete();
    const alone = captureIo(dir);
    expect(await runCli(['drop', `${prefix}-tb/Inbox`, '--connection-string', testStorageConnectionString()], alone)).toBe(0);
    await testStorage().container(CONTAINERS.raw).deleteBlob('Inbox');
  });

  it('keeps a blob of the same name with other content: that file is refused, the others upload, exit 1 (QA: two exports named tickets.json)', async () => {
    const tickets = `${prefix}-tickets.json`;
    await writeFile(join(dir, `${prefix}-other.csv`), 'question,answer\nq,a\n');
    const drop = async (...args: string[]) => {
      const cli = captureIo(dir);
      const code = await runCli(['drop', ...args, '--connection-string', testStorageConnectionString()], cli);
      return { code, out: cli.out, err: cli.err };
    };
    const blob = testStorage().container(CONTAINERS.raw).getBlobClient(tickets);
    expect((await drop(`exportA/${tickets}`)).code).toBe(0);

    const refused = await drop(`exportB/${tickets}`, `${prefix}-other.csv`);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`exportB/${tickets}: raw-logs/${tickets} already exists with different content`);
    expect(refused.err).toContain('--overwrite');
    expect(refused.err).toContain('1 of 2 file(s) not uploaded');
    expect(refused.out).toContain(`${prefix}-other.csv → raw-logs/${prefix}-other.csv (`);
    expect((await blob.downloadToBuffer()).toString()).toBe('[{"conversation_id":"a"}]');

    const again = await drop(`exportA/${tickets}`);
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(again.out).toContain(`exportA/${tickets} → raw-logs/${tickets}: already uploaded (same content), skipped`);

    const replaced = await drop(`exportB/${tickets}`, '--overwrite');
    expect(replaced).toMatchObject({ code: 0, err: '' });
    expect((await blob.downloadToBuffer()).toString()).toBe('[{"conversation_id":"b"}]');
  });

  it('refuses a blob it cannot compare (no Content-MD5, as after a block upload by another tool)', async () => {
    const name = `${prefix}-blocks.json`;
    const content = '[{"conversation_id":"c"}]';
    await writeFile(join(dir, name), content);
    const blob = testStorage().container(CONTAINERS.raw).getBlockBlobClient(name);
    const blockId = Buffer.from('block-0').toString('base64');
    await blob.stageBlock(blockId, Buffer.from(content), content.length);
    await blob.commitBlockList([blockId]);
    expect((await blob.getProperties()).contentMD5).toBeUndefined();
    const cli = captureIo(dir);
    expect(await runCli(['drop', name, '--connection-string', testStorageConnectionString()], cli)).toBe(1);
    expect(cli.err).toContain(`raw-logs/${name} already exists (${content.length} bytes, uploaded `);
    expect(cli.err).toContain('without a Content-MD5 to compare its content with; not replaced');
  });

  it('does not replace a blob created between its check and its upload (conditional upload)', async () => {
    const name = `${prefix}-raced.json`;
    await writeFile(join(dir, name), '[{"conversation_id":"mine"}]');
    await testStorage().container(CONTAINERS.raw).getBlockBlobClient(name).upload('[{"conversation_id":"theirs"}]', 29);
    // The check before the upload finds nothing, as if the other upload had not landed yet.
    const check = jest
      .spyOn(BlobClient.prototype, 'getProperties')
      .mockRejectedValueOnce(Object.assign(new Error('not found'), { statusCode: 404 }));
    try {
      const cli = captureIo(dir);
      expect(await runCli(['drop', name, '--connection-string', testStorageConnectionString()], cli)).toBe(1);
      expect(cli.err).toContain(`raw-logs/${name} already exists with different content`);
    } finally {
      check.mockRestore();
    }
    const blob = testStorage().container(CONTAINERS.raw).getBlobClient(name);
    expect((await blob.downloadToBuffer()).toString()).toBe('[{"conversation_id":"theirs"}]');
  });

  it('refuses two files of one command that would get the same blob name', async () => {
    const cli = captureIo(dir);
    const code = await runCli(['drop', `exportA/${prefix}-tickets.json`, `exportB/${prefix}-tickets.json`], cli);
    expect(code).toBe(2);
    expect(cli.err).toContain(`would both be uploaded as "${prefix}-tickets.json"; rename one of them`);
  });

  it('says clearly when no local stack is listening', async () => {
    const port = await freePort();
    const cli = captureIo(dir, { env: { TUNELOOP_LOCAL_PORT_BASE: String(port) } });
    expect(await runCli(['drop', `${prefix}-single.csv`], cli)).toBe(1);
    expect(cli.err).toMatch(new RegExp(`cannot reach blob storage at http://127\\.0\\.0\\.1:${port}/devstoreaccount1.*npm start`));
  });

  it('exits 2 on usage errors', async () => {
    expect(await runCli(['drop'], captureIo(dir))).toBe(2);
    expect(await runCli(['drop', 'missing.csv'], captureIo(dir))).toBe(2);
  });
});
