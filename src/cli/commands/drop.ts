import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient, type BlockBlobClient } from '@azure/storage-blob';
import { parseArgs, UsageError, type CliCommand, type CliIo } from '../command';
import { cliStorageEnv } from '../localEnv';
import { noExport } from '../../shared/ingest/archive';
import { emailFilesAsMbox, joinedFilesText, JOINED_MAILBOX, mailKindOf, type EmailFile } from '../../shared/ingest/emailFiles';
import { listLogFiles, readFileUpTo } from '../../shared/ingest/files';
import { createRoleMapper } from '../../shared/ingest/roles';
import {
  JOINED_SLACK,
  slackExportFiles,
  slackExportOf,
  slackExportRows,
  slackJoinNotice,
  type SlackExportLayout,
} from '../../shared/ingest/slackExport';
import type { ChatRole } from '../../shared/ingest/types';
import { isStatus } from '../../shared/errors';
import { expandConnectionString } from '../../shared/storage/clients';
import { CONTAINERS } from '../../shared/storage/names';
import { blobNameProblem, describeBlobNameProblem, printableBlobName } from '../../shared/storage/blobNames';

const CONTENT_TYPES: Record<string, string> = {
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.gz': 'application/gzip',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.zip': 'application/zip',
  '.tgz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.mbox': 'application/mbox',
};

export const dropCommand: CliCommand = {
  name: 'drop',
  usage:
    'tuneloop drop <file|dir>... [--overwrite] [--connection-string <storage connection string>]\n' +
    '  a file whose blob already exists is skipped when its content is the same, and refused (exit 1) when it differs;\n' +
    '  --overwrite replaces such blobs (the host processes them again)',
  summary: 'upload log files into raw-logs of the running local stack (default: Azurite at TUNELOOP_LOCAL_PORT_BASE)',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['connection-string'], booleans: ['overwrite'] });
    if (!positional.length) throw new UsageError('give at least one file or folder to upload');
    const connectionString = expandConnectionString(
      cliStorageEnv(io, flags['connection-string'] as string | undefined).TUNELOOP_STORAGE ?? '',
    );
    const uploads: Upload[] = [];
    // A mailbox saved one e-mail a file is uploaded as one mbox (ingest/emailFiles): a thread needs all its messages.
    const mailboxes: { blobName: string; shown: string; emails: MailFile[] }[] = [];
    const looseEmails: MailFile[] = [];
    // An unzipped Slack export is uploaded as one file of message rows (ingest/slackExport): a thread runs across day files.
    const slackExports: { blobName: string; shown: string; dir: string; layout: SlackExportLayout }[] = [];
    for (const input of positional) {
      const path = resolve(io.cwd, input);
      let info;
      try {
        info = await stat(path);
      } catch {
        throw new UsageError(`${input}: no such file or folder`);
      }
      if (info.isDirectory()) {
        // A chat export's folder holds its photos, styles and scripts beside the chat: not uploaded, and said.
        let passedOver = 0;
        const emails: MailFile[] = [];
        const files = await listLogFiles(path);
        const slack = slackExportOf(files.map((file) => relative(path, file).split(sep).join('/')));
        const slackFiles = slackExportFiles(slack);
        if (slack)
          slackExports.push({ blobName: `${basename(path)}/${slack.root}${JOINED_SLACK}`, shown: input, dir: path, layout: slack });
        for (const file of files) {
          const blobName = relative(path, file).split(sep).join('/');
          if (slackFiles.has(blobName)) continue;
          if (noExport(blobName)) passedOver++;
          // E-mail files and the folders of a mailbox (Inbox and Sent as mbox) are uploaded as one mailbox.
          else {
            const kind = mailKindOf(blobName, file);
            if (kind) emails.push(mailFile(file, blobName, kind === 'mailbox'));
            else uploads.push({ path: file, blobName });
          }
        }
        if (passedOver)
          io.stdout(`${input}: ${passedOver} file(s) that are no export (attachments, page assets, system files) not uploaded\n`);
        // One mbox alone is uploaded as it is.
        if (emails.length === 1 && emails[0].mailbox) uploads.push({ path: emails[0].path, blobName: emails[0].name });
        else if (emails.length) mailboxes.push({ blobName: `${basename(path)}/${JOINED_MAILBOX}`, shown: input, emails });
      } else {
        const kind = mailKindOf(input.split(sep).join('/'), path);
        if (kind) looseEmails.push(mailFile(path, input.split(sep).join('/'), kind === 'mailbox'));
        else uploads.push({ path, blobName: basename(path) });
      }
    }
    if (looseEmails.length === 1 && looseEmails[0].mailbox)
      uploads.push({ path: looseEmails[0].path, blobName: basename(looseEmails[0].path) });
    else if (looseEmails.length) mailboxes.push({ blobName: JOINED_MAILBOX, shown: 'the mail files given', emails: looseEmails });
    const scratch = mailboxes.length || slackExports.length ? await mkdtemp(join(tmpdir(), 'tuneloop-drop-')) : undefined;
    try {
      for (const [i, slack] of slackExports.entries()) {
        const joined = join(scratch ?? tmpdir(), `${i}.jsonl`);
        const roles = createRoleMapper(await speakerRolesOf(io.env));
        const rows = slackExportRows(slack.layout, (name, limit) => readFileUpTo(join(slack.dir, name), limit), { roles });
        await pipeline(Readable.from(rows), createWriteStream(joined));
        uploads.push({ path: joined, blobName: slack.blobName, shown: slack.blobName });
        io.stdout(`${slack.shown}: ${slackJoinNotice(slack.layout, slack.blobName)}\n`);
      }
      for (const [i, mailbox] of mailboxes.entries()) {
        const joined = join(scratch ?? tmpdir(), `${i}.mbox`);
        await pipeline(Readable.from(emailFilesAsMbox(mailbox.emails)), createWriteStream(joined));
        uploads.push({ path: joined, blobName: mailbox.blobName, shown: mailbox.blobName });
        const folders = mailbox.emails.filter((e) => e.mailbox).length;
        io.stdout(
          `${mailbox.shown}: ${joinedFilesText(folders, mailbox.emails.length - folders)} joined into one mailbox, ${mailbox.blobName}\n`,
        );
      }
      return await upload(uploads, connectionString, flags.overwrite === true, io);
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  },
};

/** TUNELOOP_SPEAKER_ROLES of this shell: who is who in a Slack export is decided as it is joined, here. */
async function speakerRolesOf(env: Record<string, string | undefined>): Promise<Record<string, ChatRole>> {
  if (!env.TUNELOOP_SPEAKER_ROLES) return {};
  // Only then: the settings module brings zod, which most drops do not need.
  const { offlineSettings } = await import('../../shared/composition/config');
  return offlineSettings({ TUNELOOP_SPEAKER_ROLES: env.TUNELOOP_SPEAKER_ROLES }).TUNELOOP_SPEAKER_ROLES ?? {};
}

/** A mail file to join: an mbox folder, or one e-mail. */
interface MailFile extends EmailFile {
  path: string;
  mailbox: boolean;
}

function mailFile(path: string, name: string, mailbox: boolean): MailFile {
  return { name, path, mailbox, bytes: () => createReadStream(path) };
}

async function upload(uploads: Upload[], connectionString: string, overwrite: boolean, io: CliIo): Promise<number> {
  if (!uploads.length) throw new UsageError('no files to upload');
  for (const u of uploads) {
    const problem = blobNameProblem(u.blobName);
    if (problem)
      throw new UsageError(
        `${u.path}: cannot be uploaded as "${printableBlobName(u.blobName)}": ${describeBlobNameProblem(problem)}; rename the file`,
      );
  }
  assertDistinctBlobNames(uploads);
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
  let refused = 0;
  for (const u of uploads) {
    const shown = u.shown ?? (relative(io.cwd, u.path) || u.path);
    const target = `${CONTAINERS.raw}/${u.blobName}`;
    const outcome = await dropFile(container.getBlockBlobClient(u.blobName), u, overwrite);
    if (outcome.kind === 'uploaded') io.stdout(`${shown} → ${target} (${outcome.size} bytes, ETag ${outcome.etag})\n`);
    else if (outcome.kind === 'same') io.stdout(`${shown} → ${target}: already uploaded (same content), skipped\n`);
    else {
      refused++;
      io.stderr(
        `tuneloop drop: ${shown}: ${describeConflict(target, outcome.existing)}; not replaced. Rename the file, or pass --overwrite to replace the blob\n`,
      );
    }
  }
  if (refused) io.stderr(`tuneloop drop: ${refused} of ${uploads.length} file(s) not uploaded\n`);
  return refused ? 1 : 0;
}

interface Upload {
  path: string;
  blobName: string;
  /** How the upload is named in what is printed (default: its path). */
  shown?: string;
}

interface ExistingBlob {
  md5?: Uint8Array;
  size?: number;
  lastModified: string;
}

type DropOutcome = { kind: 'uploaded'; size: number; etag: string } | { kind: 'same' } | { kind: 'different'; existing: ExistingBlob };

/**
 * Two files of one command with the same blob name (two exports both called tickets.json): the
 * second would replace the first, or be refused as "already exists" although nothing was there.
 */
function assertDistinctBlobNames(uploads: Upload[]): void {
  const byName = new Map<string, string>();
  for (const u of uploads) {
    const other = byName.get(u.blobName);
    if (other !== undefined && other !== u.path)
      throw new UsageError(`${other} and ${u.path} would both be uploaded as "${printableBlobName(u.blobName)}"; rename one of them`);
    byName.set(u.blobName, u.path);
  }
}

/**
 * Uploads one file unless its blob exists. The same content is skipped (dropping a folder again
 * is harmless); different content is kept unless `overwrite`, since replacing a raw log silently
 * lost the export uploaded before under that name (found by QA). The upload is conditional
 * (If-None-Match: *), so a blob created meanwhile is not replaced either.
 */
async function dropFile(blob: BlockBlobClient, u: Upload, overwrite: boolean): Promise<DropOutcome> {
  const md5 = await fileMd5(u.path);
  const existing = await existingBlob(blob);
  if (existing) {
    if (sameMd5(existing.md5, md5)) return { kind: 'same' };
    if (!overwrite) return { kind: 'different', existing };
  }
  const ext = Object.keys(CONTENT_TYPES).find((e) => u.blobName.toLowerCase().endsWith(e));
  try {
    const response = await blob.uploadFile(u.path, {
      // Set by us, not left to the service: Azure computes no Content-MD5 for files uploaded in blocks.
      blobHTTPHeaders: { blobContentType: ext ? CONTENT_TYPES[ext] : 'application/octet-stream', blobContentMD5: md5 },
      conditions: overwrite ? {} : { ifNoneMatch: '*' },
    });
    return { kind: 'uploaded', size: (await stat(u.path)).size, etag: String(response.etag) };
  } catch (err) {
    // 409 from Azure, 412 from some emulators: created between the check and the upload.
    if (overwrite || !(isStatus(err, 409) || isStatus(err, 412))) throw err;
    const raced = await existingBlob(blob);
    if (!raced) throw err;
    return sameMd5(raced.md5, md5) ? { kind: 'same' } : { kind: 'different', existing: raced };
  }
}

async function existingBlob(blob: BlockBlobClient): Promise<ExistingBlob | undefined> {
  try {
    const props = await blob.getProperties();
    return { md5: props.contentMD5, size: props.contentLength, lastModified: props.lastModified?.toISOString() ?? 'at an unknown time' };
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
}

function describeConflict(target: string, existing: ExistingBlob): string {
  const which = `${existing.size === undefined ? '' : `${String(existing.size)} bytes, `}uploaded ${existing.lastModified}`;
  return existing.md5
    ? `${target} already exists with different content (${which})`
    : `${target} already exists (${which}) without a Content-MD5 to compare its content with`;
}

/** A blob without Content-MD5 (uploaded in blocks by another tool) cannot be shown to be the same. */
function sameMd5(stored: Uint8Array | undefined, md5: Buffer): boolean {
  return stored !== undefined && Buffer.from(stored).equals(md5);
}

async function fileMd5(path: string): Promise<Buffer> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}
