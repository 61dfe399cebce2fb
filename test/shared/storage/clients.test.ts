import { ALL_CONTAINERS, ALL_QUEUES, ALL_TABLES, TABLES } from '../../../src/shared/storage/names';
import { expandConnectionString } from '../../../src/shared/storage/clients';
import { testStorage } from '../../setup/storage';

describe('storage clients against Azurite', () => {
  it('creates every container, queue and table, and doing it twice is harmless', async () => {
    const storage = testStorage();
    await storage.ensureResources();
    await storage.ensureResources();
    for (const c of ALL_CONTAINERS) expect(await storage.container(c).exists()).toBe(true);
    for (const q of ALL_QUEUES) expect(await storage.queue(q).exists()).toBe(true);
    const tables: string[] = [];
    for await (const t of (await import('@azure/data-tables')).TableServiceClient.fromConnectionString(process.env.TUNELOOP_TEST_STORAGE!, {
      allowInsecureConnection: true,
    }).listTables())
      tables.push(t.name!);
    for (const t of ALL_TABLES) expect(tables).toContain(t);
    await storage.table(TABLES.models).upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 7 });
    expect((await storage.table(TABLES.models).getEntity<{ value: number }>('p', 'r')).value).toBe(7);
  });

  it('expands UseDevelopmentStorage=true to explicit Azurite endpoints', () => {
    const cs = expandConnectionString('UseDevelopmentStorage=true');
    expect(cs).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1');
    expect(cs).toContain('TableEndpoint=http://127.0.0.1:10002/devstoreaccount1');
  });
});
