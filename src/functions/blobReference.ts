import { ResourceFactoryResolver, type ModelBindingData } from '@azure/functions-extensions-base';
import { TuneloopError } from '../shared/errors';

/**
 * With deferred ("SDK type") binding, the Functions host does not read the blob into memory: it
 * hands the worker a reference (model binding data) and the worker asks a registered resource
 * factory to turn it into something the handler uses. tuneloop registers its own factory that
 * keeps only the reference; the handler then streams the blob through the storage port.
 */
export interface BlobReference {
  kind: 'blob-reference';
  connection?: string;
  containerName: string;
  blobName: string;
}

/** The `source` the host sets on blob model binding data. */
export const BLOB_BINDING_SOURCE = 'AzureStorageBlobs';

export class BlobReferenceError extends TuneloopError {
  constructor(message: string) {
    super(`${message}; the host's blob model binding data should be JSON like {"Connection":…,"ContainerName":…,"BlobName":…}`);
  }
}

export function blobReferenceFromModelBindingData(data: ModelBindingData | ModelBindingData[]): BlobReference {
  const single = Array.isArray(data) ? data.at(0) : data;
  if (!single?.content) throw new BlobReferenceError('blob model binding data has no content');
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(Buffer.from(single.content).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new BlobReferenceError(`blob model binding data is not JSON (${(err as Error).message})`);
  }
  const containerName = parsed.ContainerName;
  const blobName = parsed.BlobName;
  if (typeof containerName !== 'string' || !containerName || typeof blobName !== 'string' || !blobName) {
    throw new BlobReferenceError('blob model binding data lacks ContainerName or BlobName');
  }
  return {
    kind: 'blob-reference',
    connection: typeof parsed.Connection === 'string' ? parsed.Connection : undefined,
    containerName,
    blobName,
  };
}

/** The model binding data the host sends for a blob (the local host builds the same). */
export function blobModelBindingData(connection: string, containerName: string, blobName: string): ModelBindingData {
  return {
    source: BLOB_BINDING_SOURCE,
    contentType: 'application/json',
    version: '1.0',
    content: Buffer.from(JSON.stringify({ Connection: connection, ContainerName: containerName, BlobName: blobName })),
  };
}

export function isBlobReference(value: unknown): value is BlobReference {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'blob-reference';
}

/** Registers the factory once per process (the worker's converter looks it up by source). */
export function registerBlobReferenceFactory(): void {
  const resolver = ResourceFactoryResolver.getInstance();
  if (!resolver.hasResourceFactory(BLOB_BINDING_SOURCE)) {
    resolver.registerResourceFactory(BLOB_BINDING_SOURCE, blobReferenceFromModelBindingData);
  }
}

/** What the worker does with model binding data: look up the factory for its source. */
export function resolveModelBindingData(data: ModelBindingData): unknown {
  return ResourceFactoryResolver.getInstance().createClient(data.source, data);
}
