/**
 * Connection strings, apart from the storage SDKs: configuration reads them at start-up, and a
 * process that only prepares files (the CLI's `prepare`) must not load the SDKs or @azure/identity
 * for that (about a second of start-up).
 */

/** Azurite's well-known development account; the only key that may appear in this repository. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(ports: { blob: number; queue: number; table: number }, host = '127.0.0.1'): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=http://${host}:${ports.blob}/${AZURITE_ACCOUNT};` +
    `QueueEndpoint=http://${host}:${ports.queue}/${AZURITE_ACCOUNT};` +
    `TableEndpoint=http://${host}:${ports.table}/${AZURITE_ACCOUNT};`
  );
}

/** `UseDevelopmentStorage=true` does not name a table endpoint for every SDK; spell it out. */
export function expandConnectionString(connectionString: string): string {
  if (/^UseDevelopmentStorage=true;?$/i.test(connectionString.trim())) {
    return azuriteConnectionString({ blob: 10000, queue: 10001, table: 10002 });
  }
  return connectionString;
}
