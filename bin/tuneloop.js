#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by npm install's prepare step).
const path = require('path');
const fs = require('fs');
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
