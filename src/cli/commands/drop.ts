import { stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { parseArgs, UsageError, type CliCommand } from '../command';
import { cliStorageEnv } from '../localEnv';
import { listLogFiles } from '../../shared/ingest/files';
import { expandConnectionString } from '../../shared/storage/clients';
import { CONTAINERS } from '../../shared/storage/names';
import { blobNameProblem, describeBlobNameProblem, printableBlobName } from '../../shared/storage/blobNames';

const CONTENT_TYPES: Record<string, string> = {
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.gz': 'application/gzip',
};

export const dropCommand: CliCommand = {
  name: 'drop',
  usage: 'tuneloop drop <file|dir>... [--connection-string <storage connection string>]',
  summary: 'upload log files into raw-logs of the running local stack (default: Azurite at TUNELOOP_LOCAL_PORT_BASE)',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['connection-string'] });
    if (!positional.length) throw new UsageError('give at least one file or folder to upload');
    const connectionString = expandConnectionString(
      cliStorageEnv(io, flags['connection-string'] as string | undefined).TUNELOOP_STORAGE ?? '',
    );
    const uploads: { path: string; blobName: string }[] = [];
    for (const input of positional) {
      const path = resolve(io.cwd, input);
      let info;
      try {
        info = await stat(path);
      } catch {
        throw new UsageError(`${input}: no such file or folder`);
      }
      if (info.isDirectory()) {
        for (const file of await listLogFiles(path)) uploads.push({ path: file, blobName: relative(path, file).split(sep).join('/') });
      } else uploads.push({ path, blobName: basename(path) });
    }
    if (!uploads.length) throw new UsageError('no files to upload');
    for (const u of uploads) {
      const problem = blobNameProblem(u.blobName);
      if (problem)
        throw new UsageError(
          `${u.path}: cannot be uploaded as "${printableBlobName(u.blobName)}": ${describeBlobNameProblem(problem)}; rename the file`,
        );
    }
    // Few retries: when nothing listens on the port, say so now rather than after a minute of back-off.
    const service = BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 2, retryDelayInMs: 200 } });
    const container = service.getContainerClient(CONTAINERS.raw);
    try {
      await container.createIfNotExists();
    } catch (err) {
      io.stderr(
        `tuneloop drop: cannot reach blob storage at ${service.url} (${(err as Error).message}); ` +
          'start the local stack with `npm start`, or pass --connection-string\n',
      );
      return 1;
    }
    for (const u of uploads) {
      const blob = container.getBlockBlobClient(u.blobName);
      const ext = Object.keys(CONTENT_TYPES).find((e) => u.blobName.toLowerCase().endsWith(e));
      const response = await blob.uploadFile(u.path, {
        blobHTTPHeaders: { blobContentType: ext ? CONTENT_TYPES[ext] : 'application/octet-stream' },
      });
      const size = (await stat(u.path)).size;
      io.stdout(`${relative(io.cwd, u.path) || u.path} → ${CONTAINERS.raw}/${u.blobName} (${size} bytes, ETag ${String(response.etag)})\n`);
    }
    return 0;
  },
};
