import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * Message rows as JSON lines (src/shared/ingest/jsonMessageRows.ts) make one conversation of lines
 * anywhere in the file; the erasure must take out every row of the erased conversation (not only
 * the one holding the e-mail) and leave the other conversations' rows as they were.
 */
describe('forget in a file of JSON message rows (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'jonas.weber@example.org';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-rows-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('every row of the erased conversation goes, interleaved rows of the others stay', async () => {
    const row = (id: string, speaker: string, text: string) => JSON.stringify({ chat_id: id, role: speaker, body: text });
    const rows = [
      row('e1', 'customer', `Hi, I am ${EMAIL} and my parcel is late.`),
      row('k1', 'customer', 'Can I change the delivery date of order 5521?'),
      row('e1', 'agent', 'I have opened a trace with the carrier for you.'),
      row('k1', 'agent', 'Yes, I have moved it to Friday.'),
    ];
    const name = 'warehouse/messages.jsonl';
    const body = Buffer.from(rows.join('\n') + '\n');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    const left = await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer();
    expect(left.toString('utf8')).toBe([rows[1], rows[3]].join('\n') + '\n');
  }, 60_000);

  it('a chat exported alone as CSV (no id column) is one conversation: its rows go, notices too, the header stays', async () => {
    const name = 'discord/help - refund.csv';
    const header = 'AuthorID,Author,Date,Content,Attachments,Reactions';
    const rows = [
      `"11","lena_k","12/1/2026 6:02 PM","Please refund order 7781, my e-mail is ${EMAIL}","",""`,
      '"22","kai_support","12/1/2026 6:09 PM","Done, the refund is on its way.","",""',
      // A notice by the customer is no message, but it names her: it goes with the rest.
      '"11","lena_k","12/1/2026 6:10 PM","Pinned a message.","",""',
    ];
    const body = Buffer.from([header, ...rows].join('\n') + '\n');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    const left = await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer();
    expect(left.toString('utf8')).toBe(header + '\n');
  }, 60_000);
});
