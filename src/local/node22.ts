import fs from 'node:fs';
import path from 'node:path';

/**
 * Path of a Node.js 22 binary for child processes. npm scripts already put the `node@22`
 * dev dependency first on PATH; this also covers running from a plain Node 20 shell.
 */
export function node22Path(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return process.execPath;
  const local = path.join(projectRoot(), 'node_modules', 'node', 'bin', 'node');
  if (fs.existsSync(local)) return local;
  throw new Error(
    `tuneloop needs Node.js 22 for Azurite, found ${process.versions.node}; run \`npm install\` (it installs node@22 locally) and start through npm scripts`,
  );
}

/** The folder holding package.json, whether we run from src (ts-jest) or dist. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tsconfig.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
