/**
 * The layout of table `dedupsignatures` as tuneloop wrote it before 2 December 2026, when the blob
 * path claimed each kept conversation's exact hash there (and, before that, listed its MinHash
 * band keys). Preprocessing writes no rows now — duplicates across files are the nightly
 * assembly's — but a deployment may still hold them, and the erasure removes the rows of erased
 * conversations:
 * - one row per exact hash: partition `x-<hash>`, row `<hash>` (or the earlier row key `-`), with
 *   the conversation id, file, line, hash and MinHash signature;
 * - one bucket row per LSH band key: partition `b<band index>`, row = band hash, the exact hashes
 *   of its records as 16-byte binary values in properties `h0`…`h14`.
 */

/** Exact hashes per band-bucket property: binary properties (limit 64 KiB) of 16-byte hashes. */
const HASHES_PER_PROPERTY = 4000;
/** Properties per bucket row (h0…h14): 15 × 64 KiB stays under the 1 MiB entity limit. */
const BUCKET_PROPERTIES = 15;

/** The exact row of a hash (exported for tests that plant such rows). */
export function exactRowAddress(hash: string): { partitionKey: string; rowKey: string } {
  return { partitionKey: `x-${hash}`, rowKey: hash };
}

/** Band key `<band index>-<band hash>` (from `bandKeys`) → bucket row address. */
export function bucketAddress(key: string): { partitionKey: string; rowKey: string } {
  const dash = key.indexOf('-');
  if (dash <= 0) throw new Error(`dedup signatures: malformed band key "${key}" (expected <band index>-<band hash>)`);
  return { partitionKey: `b${key.slice(0, dash)}`, rowKey: key.slice(dash + 1) };
}

/** Bucket properties `h0`, `h1`, … for a set of 32-hex-digit exact hashes. */
export function encodeBucketHashes(hashes: Set<string>): Record<string, Uint8Array> {
  const all = [...hashes];
  const out: Record<string, Uint8Array> = {};
  for (let p = 0; p * HASHES_PER_PROPERTY < all.length && p < BUCKET_PROPERTIES; p++) {
    const slice = all.slice(p * HASHES_PER_PROPERTY, (p + 1) * HASHES_PER_PROPERTY);
    out[`h${p}`] = new Uint8Array(Buffer.from(slice.join(''), 'hex'));
  }
  return out;
}

/** The exact hashes of a bucket row as read from the table. */
export function decodeBucketHashes(entity: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < BUCKET_PROPERTIES; p++) {
    const value = entity[`h${p}`];
    if (!(value instanceof Uint8Array)) break;
    const hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    for (let i = 0; i < hex.length; i += 32) out.add(hex.slice(i, i + 32));
  }
  return out;
}
