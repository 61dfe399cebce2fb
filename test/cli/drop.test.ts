import { createServer } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  });
  afterAll(async () => {
    const container = testStorage().container(CONTAINERS.raw);
    for (const name of [`${prefix}-single.csv`, 'a.jsonl', 'sub/b.csv']) await container.deleteBlob(name).catch(() => undefined);
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
