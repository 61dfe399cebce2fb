/**
 * parseInput on the stream a real blob download gives (Azurite, started by jest's globalSetup):
 * the shape the preprocess function reads raw-logs blobs in.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseInput } from '../../../src/shared/ingest/parse';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { testStorage, uniqueName } from '../../setup/storage';
import { conversations, parseAll } from './helpers';

const demo = resolve(__dirname, '../../../demo/data');

test('a gzip blob and a CSV blob downloaded from Azurite parse like the local files', async () => {
  const container = testStorage().blobService.getContainerClient(uniqueName('ingest'));
  await container.create();
  try {
    for (const name of ['chat-logs-week2.jsonl.gz', 'chat-export.csv']) {
      const bytes = readFileSync(resolve(demo, name));
      const blob = container.getBlockBlobClient(`2026/01/${name}`);
      // Uploaded in several blocks so the download arrives as several chunks.
      await blob.uploadData(bytes, { blockSize: 4 * 1024 * 1024, maxSingleShotSize: 1024 });
      const download = await blob.download();
      const items: IngestItem[] = [];
      for await (const item of parseInput(download.readableStreamBody!, { fileName: `raw-logs/2026/01/${name}` })) items.push(item);
      const local = await parseAll(bytes, { fileName: `raw-logs/2026/01/${name}` }, 65536);
      expect(items).toEqual(local);
      expect(conversations(items).length).toBeGreaterThan(30);
    }
  } finally {
    await container.delete();
  }
});
