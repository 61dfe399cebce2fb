#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=262144 node --max-semi-space-size=2 --heap-growing-percent=20 --no-parallel-scavenge
'use strict';
// The V8 flags above keep a long `prepare` within its memory budget (docs/preprocessing.md, "Memory"):
// a 2 MB young generation and old-generation growth of 20 % per collection instead of V8's
// default (up to 4x), so garbage is collected before it piles up; measured 395 -> 266 MB peak RSS
// with 2 workers on 10 MB at +4 % CPU. --no-parallel-scavenge: with so small a young generation
// a scavenge is short and frequent, and handing each one to V8's helper threads cost more than it
// saved once the preprocessing workers keep both cores busy: 2 workers on 100 MB, 4.30 -> 4.66 MB/s
// (medians of 6 alternating runs, no run slower), peak RSS unchanged, 1 worker unchanged
// (docs/preprocessing.md, twelfth round). The same flags are in package.json (`start`, `demo`) and
// in infra/main.bicep (`languageWorkers__node__arguments`); test/cli/memoryFlags.test.ts keeps them equal.
// MALLOC_ARENA_MAX=2 caps glibc's malloc arenas (by default up to 8 per core, one per busy thread:
// main, workers, libuv pool), whose freed but unreturned memory showed as RSS: 244 -> 221 MB for
// the blob function with 2 workers on a 10 MB gzip blob, same speed. Also set for the Function App
// (infra/main.bicep) and `npm start` (src/local/mallocArenas.ts), with glibc's mmap and trim
// thresholds pinned (GLIBC_MALLOC_ENV there says why).
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by npm install's prepare step).
const path = require('path');
const fs = require('fs');
// `node bin/tuneloop.js` runs on whatever `node` the shell finds; tuneloop needs Node 22 (node:sqlite,
// the Functions runtime it targets), and an older Node fails deep inside a command otherwise.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `tuneloop: needs Node.js 22, this is ${process.versions.node}; run \`npx tuneloop\` (it uses the Node 22 \`npm install\` put in node_modules/.bin) or node_modules/.bin/node bin/tuneloop.js.`,
  );
  process.exit(2);
}
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('tuneloop: dist/ is missing; run `npm run build` first.');
  process.exit(2);
}
require(entry)
  .runCli(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
