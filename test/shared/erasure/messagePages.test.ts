import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { freshchatMessage } from '../ingest/helpers';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * Freshchat message pages (src/shared/ingest/messagePages.ts) make one conversation of a
 * conversation's pages on any lines of the file; the erasure must take out every page of the erased
 * conversation (not only the one holding the e-mail) and leave the other conversations' pages as
 * they were.
 */
describe('forget in a file of Freshchat message pages (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'jonas.weber@example.org';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-pages-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('every page of the erased conversation goes, the pages of the others between them stay', async () => {
    const message = freshchatMessage;
    const page = (...messages: object[]) => JSON.stringify({ messages });
    const pages = [
      page(
        message('e-4', 'e1', 'agent', '2026-03-02T09:04:00Z', 'The trace is open; you hear from the carrier tomorrow.'),
        message('e-3', 'e1', 'user', '2026-03-02T09:03:00Z', 'It is order 5521.'),
      ),
      page(
        message('k-2', 'k1', 'agent', '2026-03-02T10:01:00Z', 'Yes, I have moved it to Friday.'),
        message('k-1', 'k1', 'user', '2026-03-02T10:00:00Z', 'Can I change the delivery date of order 7730?'),
      ),
      page(
        message('e-2', 'e1', 'agent', '2026-03-02T09:01:00Z', 'Sorry to hear that! Which order is it?'),
        message('e-1', 'e1', 'user', '2026-03-02T09:00:00Z', `Hi, I am ${EMAIL} and my parcel is late.`),
      ),
    ];
    const name = 'freshchat/pages.jsonl';
    const body = Buffer.from(pages.join('\n') + '\n');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    const left = await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer();
    expect(left.toString('utf8')).toBe(pages[1] + '\n');
  }, 60_000);

  it('in a pretty-printed JSON document of pages: each page of the erased conversation goes where it stands, the document stays valid', async () => {
    const message = freshchatMessage;
    const pages = [
      {
        messages: [
          message('e-4', 'e2', 'agent', '2026-03-02T09:04:00Z', 'The trace is open.'),
          message('e-3', 'e2', 'user', '2026-03-02T09:03:00Z', 'It is order 5521.'),
        ],
      },
      {
        messages: [
          message('k-2', 'k2', 'agent', '2026-03-02T10:01:00Z', 'Yes, moved to Friday.'),
          message('k-1', 'k2', 'user', '2026-03-02T10:00:00Z', 'Can I change the date of order 7730?'),
        ],
      },
      {
        messages: [
          message('e-2', 'e2', 'agent', '2026-03-02T09:01:00Z', 'Which order is it?'),
          message('e-1', 'e2', 'user', '2026-03-02T09:00:00Z', `Hi, I am ${EMAIL} and my parcel is late.`),
        ],
      },
    ];
    const name = 'freshchat/pages.json';
    const body = Buffer.from(JSON.stringify(pages, null, 2) + '\n');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');

    const report = await forget(runtime, matchTarget(EMAIL));
    // One conversation of two pages: one record.
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    const left = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(JSON.parse(left)).toEqual([pages[1]]);
  }, 60_000);
});
