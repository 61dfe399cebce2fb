import { randomBytes } from 'node:crypto';
import { createStorageClients, type StorageClients } from '../../src/shared/storage/clients';

/** Storage clients on the Azurite that globalSetup started (real Azurite, in memory). */
export function testStorage(): StorageClients {
  const connectionString = process.env.TUNELOOP_TEST_STORAGE;
  if (!connectionString) throw new Error('TUNELOOP_TEST_STORAGE is not set: run tests through jest (globalSetup starts Azurite)');
  return createStorageClients({ connectionString });
}

export function testStorageConnectionString(): string {
  const cs = process.env.TUNELOOP_TEST_STORAGE;
  if (!cs) throw new Error('TUNELOOP_TEST_STORAGE is not set');
  return cs;
}

/** A name unique to this test, valid for containers, queues and tables (lower-case letters and digits). */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Storage clients on the shared test Azurite whose tables `tables` (tuneloop's names, TABLES.*)
 * are fresh ones of this test, created empty; `absent` ones are fresh names never created (a
 * deployment from before the table existed). Other tables are the shared ones.
 */
export async function storageWithPrivateTables(tables: string[], absent: string[] = []): Promise<StorageClients> {
  const base = testStorage();
  const names = new Map<string, string>();
  for (const table of [...tables, ...absent]) names.set(table, uniqueName(table));
  for (const table of tables) await base.table(names.get(table) ?? table).createTable();
  return { ...base, table: (name) => base.table(names.get(name) ?? name) };
}

/**
 * A private in-memory Azurite for tests that read whole containers or tables (assembly, drift),
 * so other test files writing into the shared one in parallel cannot disturb them.
 */
export async function startPrivateAzurite(): Promise<{ storage: StorageClients; connectionString: string; stop: () => Promise<void> }> {
  const { startAzurite } = await import('../../src/local/azurite');
  const azurite = await startAzurite({ inMemory: true });
  const storage = createStorageClients({ connectionString: azurite.connectionString });
  await storage.ensureResources();
  return { storage, connectionString: azurite.connectionString, stop: () => azurite.stop() };
}
