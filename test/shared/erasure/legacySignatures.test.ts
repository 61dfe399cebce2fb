import { createHash } from 'node:crypto';
import { decodeBucketHashes, encodeBucketHashes } from '../../../src/shared/erasure/legacySignatures';
import { testStorage, uniqueName } from '../../setup/storage';

describe('rows earlier versions wrote in table dedupsignatures (read and rewritten by the erasure)', () => {
  it('a big band bucket spans binary properties that the table service accepts and returns intact', async () => {
    const table = testStorage().table(uniqueName('dedup'));
    await table.createTable();
    const hashes = new Set(Array.from({ length: 4100 }, (_, i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 32)));
    const properties = encodeBucketHashes(hashes);
    expect(Object.keys(properties)).toEqual(['h0', 'h1']);
    expect(properties.h0.byteLength).toBe(64000);
    await table.createEntity({ partitionKey: 'b0', rowKey: 'big', ...properties });
    const read = await table.getEntity('b0', 'big');
    expect(decodeBucketHashes(read)).toEqual(hashes);
    await table.deleteTable();
  });
});
