/**
 * `buffer` when it holds `needed` bytes, else a buffer at least twice as large with its first
 * `used` bytes copied: appending chunk by chunk then costs linear time, not a copy per chunk.
 */
export function withCapacity(buffer: Buffer<ArrayBuffer>, used: number, needed: number): Buffer<ArrayBuffer> {
  if (needed <= buffer.length) return buffer;
  const grown = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2));
  buffer.copy(grown, 0, 0, used);
  return grown;
}
