import { createHash } from 'node:crypto';

/**
 * A conversation id derived from content, for inputs without one (FAQ rows, ready-made lines):
 * the same content always gets the same id, so the dataset split and duplicate removal stay stable.
 */
export function contentId(prefix: string, ...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return `${prefix}-${hash.digest('hex').slice(0, 16)}`;
}
