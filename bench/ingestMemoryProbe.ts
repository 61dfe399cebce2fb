/**
 * Child process of the ingest benchmark: parses one file and reports its peak RSS, so every
 * measurement starts from a fresh heap. Usage: node ingestMemoryProbe.js <file>
 */
import { createReadStream } from 'node:fs';
import { parseInput } from '../src/shared/ingest/parse';

async function main(): Promise<void> {
  const file = process.argv[2];
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let items = 0;
  for await (const _ of parseInput(createReadStream(file, { highWaterMark: 64 * 1024 }), { fileName: file })) items++;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ items, startRss, maxRss }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
