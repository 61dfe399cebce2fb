import {
  blobModelBindingData,
  blobReferenceFromModelBindingData,
  BlobReferenceError,
  registerBlobReferenceFactory,
  resolveModelBindingData,
} from '../../src/functions/blobReference';

/**
 * The deferred blob binding: the worker's converter (`fromRpcTypedData` in @azure/functions) asks
 * the ResourceFactoryResolver for the factory of the model binding data's source. The data here is
 * built like the host's (JSON with Connection, ContainerName, BlobName); no Functions host runs here.
 */
describe('deferred blob binding', () => {
  it("turns the host's model binding data into a reference through the worker's resolver", () => {
    registerBlobReferenceFactory();
    registerBlobReferenceFactory(); // idempotent
    const reference = resolveModelBindingData(blobModelBindingData('TUNELOOP_STORAGE', 'raw-logs', 'day 1/chats.jsonl.gz'));
    expect(reference).toEqual({
      kind: 'blob-reference',
      connection: 'TUNELOOP_STORAGE',
      containerName: 'raw-logs',
      blobName: 'day 1/chats.jsonl.gz',
    });
  });

  it('says what is wrong with malformed binding data', () => {
    expect(() => blobReferenceFromModelBindingData({ source: 'AzureStorageBlobs', content: Buffer.from('not json') })).toThrow(
      BlobReferenceError,
    );
    expect(() =>
      blobReferenceFromModelBindingData({ source: 'AzureStorageBlobs', content: Buffer.from('{"ContainerName":"raw-logs"}') }),
    ).toThrow(/lacks ContainerName or BlobName/);
    expect(() => blobReferenceFromModelBindingData({ source: 'AzureStorageBlobs', content: null })).toThrow(/has no content/);
  });
});
