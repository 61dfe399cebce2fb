import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { ALL_CONTAINERS, ALL_QUEUES, ALL_TABLES } from './names';

/**
 * The storage port every handler receives from the composition root. The same SDK clients work
 * against Azurite (connection string) and Azure (keyless, DefaultAzureCredential).
 */
export interface StorageClients {
  readonly blobService: BlobServiceClient;
  readonly queueService: QueueServiceClient;
  container(name: string): ContainerClient;
  queue(name: string): QueueClient;
  table(name: string): TableClient;
  /** Creates every container, queue and table tuneloop uses (idempotent). */
  ensureResources(): Promise<void>;
}

/** A connection string (Azurite, or an account key), or the three service URIs for keyless access (built from settings by src/shared/composition/config.ts). */
export interface StorageClientOptions {
  connectionString?: string;
  blobServiceUri?: string;
  queueServiceUri?: string;
  tableServiceUri?: string;
  credential?: TokenCredential;
  /** User-assigned managed identity of the default credential (TUNELOOP_STORAGE__clientId, else AZURE_CLIENT_ID). */
  managedIdentityClientId?: string;
}

export { AZURITE_ACCOUNT, AZURITE_KEY, azuriteConnectionString, expandConnectionString } from './connectionString';

export function createStorageClients(options: StorageClientOptions): StorageClients {
  let blobService: BlobServiceClient;
  let queueService: QueueServiceClient;
  let tableFactory: (name: string) => TableClient;
  let tableService: TableServiceClient;
  if (options.connectionString) {
    const cs = options.connectionString;
    blobService = BlobServiceClient.fromConnectionString(cs);
    queueService = QueueServiceClient.fromConnectionString(cs);
    tableService = TableServiceClient.fromConnectionString(cs, { allowInsecureConnection: true });
    tableFactory = (name) => TableClient.fromConnectionString(cs, name, { allowInsecureConnection: true });
  } else {
    const credential = options.credential ?? new DefaultAzureCredential({ managedIdentityClientId: options.managedIdentityClientId });
    if (!options.blobServiceUri || !options.queueServiceUri || !options.tableServiceUri) {
      throw new Error(
        'createStorageClients: blobServiceUri, queueServiceUri and tableServiceUri are all required without a connection string',
      );
    }
    blobService = new BlobServiceClient(options.blobServiceUri, credential);
    queueService = new QueueServiceClient(options.queueServiceUri, credential);
    const tableUri = options.tableServiceUri;
    tableService = new TableServiceClient(tableUri, credential);
    tableFactory = (name) => new TableClient(tableUri, name, credential);
  }
  const tables = new Map<string, TableClient>();
  return {
    blobService,
    queueService,
    container: (name) => blobService.getContainerClient(name),
    queue: (name) => queueService.getQueueClient(name),
    table: (name) => {
      let client = tables.get(name);
      if (!client) {
        client = tableFactory(name);
        tables.set(name, client);
      }
      return client;
    },
    async ensureResources() {
      await Promise.all([
        ...ALL_CONTAINERS.map((c) => blobService.getContainerClient(c).createIfNotExists()),
        ...ALL_QUEUES.map((q) => queueService.getQueueClient(q).createIfNotExists()),
        ...ALL_TABLES.map((t) => tableService.createTable(t)),
      ]);
    },
  };
}
