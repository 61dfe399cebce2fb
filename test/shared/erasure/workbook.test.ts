import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { workbook } from '../ingest/xlsxFiles';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * An Excel workbook in raw-logs is read by the blob path (streamed download, spooled to a temp
 * file); `forget` finds the erased conversation in it but does not rewrite the workbook: it says
 * which sheet rows to remove by hand, and erases the curated copy as always.
 */
describe('a workbook in raw-logs: preprocessed from the blob stream, not rewritten by forget (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'ines.moreau@example.org';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-xlsx-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('the erased conversation is named by sheet row, the workbook stays byte for byte, its curated copy goes', async () => {
    const file = workbook({
      sheets: [
        {
          name: 'Chats',
          rows: [
            ['conversation_id', 'speaker', 'text'],
            ['k1', 'customer', 'Can I change the delivery date of order 8812?'],
            ['k1', 'agent', 'Yes, I moved it to Friday for you.'],
            ['e1', 'customer', `Hello, this is ${EMAIL}.\nMy parcel 5530 never arrived.`],
            ['e1', 'agent', 'I am sorry, I have sent a replacement today.'],
          ],
        },
      ],
    });
    const name = 'excel/chats.xlsx';
    const raw = azurite.storage.container(CONTAINERS.raw);
    await raw.getBlockBlobClient(name).upload(file, file.length);
    const processed = await preprocessBlob(runtime, name);
    expect(processed.status).toBe('processed');
    if (processed.status === 'processed') expect(processed.report.records_in).toBe(2);

    const report = await forget(runtime, matchTarget(EMAIL));
    const rawFinding = report.found.find((f) => f.location === 'raw-logs' && f.name === name);
    expect(rawFinding).toMatchObject({ action: 'failed', records: 1 });
    expect(rawFinding?.note).toContain('an Excel workbook is not rewritten');
    expect(rawFinding?.note).toContain('sheet row 4 of its first visible worksheet');
    expect((await raw.getBlobClient(name).downloadToBuffer()).equals(file)).toBe(true);
    expect(report.found.some((f) => f.location === 'curated' && f.records === 1)).toBe(true);
  }, 120_000);
});
