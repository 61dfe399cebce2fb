import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file below `dir`, recursively, in code-point name order so the same folder always gives
 * the same order (and so the same output) on every platform. Hidden entries (names starting with
 * a dot, such as `.DS_Store` or `.git`) are skipped: they are never conversation logs.
 */
export async function listLogFiles(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await listLogFiles(full)));
    else if (e.isFile()) files.push(full);
  }
  return files;
}

/** A file's bytes, or undefined when it is missing or over `limit` bytes (a folder's Slack export, ingest/slackExport). */
export async function readFileUpTo(path: string, limit: number): Promise<Buffer | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  return info.size > limit ? undefined : readFile(path);
}
