import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads `local.settings.json` the way Core Tools does: its `Values` become environment
 * variables unless the environment already sets them.
 */
export function applyLocalSettings(file = path.resolve('local.settings.json'), env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  let parsed: { Values?: Record<string, string | number | boolean> };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  for (const [key, value] of Object.entries(parsed.Values ?? {})) {
    if (env[key] === undefined && value !== '') env[key] = String(value);
  }
  return file;
}
