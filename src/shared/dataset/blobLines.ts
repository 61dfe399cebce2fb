import readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { BlobClient } from '@azure/storage-blob';

/** Streams a blob's text line by line (memory stays flat for large shards). */
export async function* readLines(blob: BlobClient, signal?: AbortSignal): AsyncIterable<string> {
  const response = await blob.download(0, undefined, { abortSignal: signal });
  const body = response.readableStreamBody as Readable | undefined;
  if (!body) return;
  const rl = readline.createInterface({ input: body, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}
