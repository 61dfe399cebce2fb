import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { testStorageConnectionString, uniqueName } from '../setup/storage';

/** `tuneloop approve` / `reject` on Azurite (the decisions themselves: test/shared/finetune/approval.test.ts). */
describe('tuneloop approve / reject with a job key that does not exist', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneloop-approval-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['approve', 'reject'])('%s says so and exits 1, without a message for the poison queue (QA, 4 December)', async (kind) => {
    const io = captureIo(dir);
    const jobKey = uniqueName('typo');
    const code = await runCli([kind, jobKey, '--reason', 'checked by hand', '--connection-string', testStorageConnectionString()], io);
    expect(code).toBe(1);
    expect(io.err).toBe(`tuneloop ${kind}: no fine-tuning job "${jobKey}"; \`tuneloop status\` lists the jobs and their keys\n`);
  });
});
