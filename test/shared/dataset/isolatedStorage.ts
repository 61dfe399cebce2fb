import type { StorageClients } from '../../../src/shared/storage/clients';
import { ALL_CONTAINERS, ALL_QUEUES, ALL_TABLES } from '../../../src/shared/storage/names';
import { testStorage, uniqueName } from '../../setup/storage';

/**
 * Real Azurite storage whose fixed resource names (raw-logs, curated, blobreceipts, …) carry a
 * per-test suffix, so tests running in parallel on the one Azurite never see each other's blobs.
 * The suffix is the only difference from the production port.
 */
export function isolatedStorage(): StorageClients & { suffix: string } {
  const base = testStorage();
  const suffix = uniqueName('t');
  const container = (name: string) => base.container(`${name}-${suffix}`);
  const queue = (name: string) => base.queue(`${name}-${suffix}`);
  // Table names are letters and digits only.
  const table = (name: string) => base.table(`${name}${suffix}`);
  return {
    suffix,
    blobService: base.blobService,
    queueService: base.queueService,
    container,
    queue,
    table,
    async ensureResources() {
      await Promise.all([
        ...ALL_CONTAINERS.map((c) => container(c).createIfNotExists()),
        ...ALL_QUEUES.map((q) => queue(q).createIfNotExists()),
        ...ALL_TABLES.map((t) => table(t).createTable()),
      ]);
    },
  };
}
