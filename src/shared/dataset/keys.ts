import { hash } from 'node:crypto';

/**
 * A table PartitionKey/RowKey for any string: Azure Tables forbids `/ \ # ?` and control
 * characters and allows 1 KiB; long values become their sha256 (prefixed so they cannot collide
 * with a short encoded value).
 */
export function tableKey(value: string): string {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return encoded.length <= 400 ? encoded : `sha256-${sha256Hex(value)}`;
}

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}
