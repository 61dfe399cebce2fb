import { createHash } from 'node:crypto';

/** Azure's limit on a blob name. */
export const MAX_BLOB_NAME_LENGTH = 1024;
/** Room tuneloop needs after a raw blob's name for the names it derives (`/<etag hash>.report.json`). */
const DERIVED_SUFFIX_ROOM = 64;

export type BlobNameProblem = 'dot-segment' | 'control-character' | 'backslash' | 'too-long' | 'empty';

/**
 * Why a blob name cannot be used as it is to name other blobs, or undefined when it can.
 * Dot segments (`a/../b`) are resolved by HTTP clients, so `curated/<name>` would land in another
 * container; control characters break listings (Azurite answers 500 for a whole container);
 * backslashes become slashes in some tools; derived names must stay within Azure's 1,024 characters.
 */
export function blobNameProblem(name: string): BlobNameProblem | undefined {
  if (!name) return 'empty';
  if (name.split('/').some((segment) => segment === '.' || segment === '..')) return 'dot-segment';
  // C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return 'control-character';
  if (name.includes('\\')) return 'backslash';
  if (name.length > MAX_BLOB_NAME_LENGTH - DERIVED_SUFFIX_ROOM) return 'too-long';
  return undefined;
}

export function describeBlobNameProblem(problem: BlobNameProblem): string {
  switch (problem) {
    case 'dot-segment':
      return 'the name has a "." or ".." path segment, which would resolve into another folder or container';
    case 'control-character':
      return 'the name has control characters (tab, newline, …)';
    case 'backslash':
      return 'the name has a backslash';
    case 'too-long':
      return `the name is longer than ${MAX_BLOB_NAME_LENGTH - DERIVED_SUFFIX_ROOM} characters`;
    case 'empty':
      return 'the name is empty';
  }
}

/**
 * The prefix under which outputs derived from a blob are written: the blob's own name when it is
 * safe, else `unsafe-names/<sha256 of the name>` (the original name is kept, JSON-escaped, inside
 * the outputs and the report).
 */
export function derivedBlobBase(name: string): string {
  return blobNameProblem(name) ? `unsafe-names/${createHash('sha256').update(name, 'utf8').digest('hex')}` : name;
}

/** A blob name for logs and messages: control characters escaped, very long names shortened. */
export function printableBlobName(name: string): string {
  const escaped = JSON.stringify(name).slice(1, -1);
  return escaped.length > 200 ? `${escaped.slice(0, 120)}…(${name.length} characters)` : escaped;
}
