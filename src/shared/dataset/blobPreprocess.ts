import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import type { BlockBlobClient } from '@azure/storage-blob';
import type { Runtime } from '../composition/runtime';
import { IngestError, isAbortError } from '../ingest/errors';
import { declaredEncodingOfBlob, EncodingLabelError, type DeclaredEncoding } from '../ingest/encoding';
import { declaredTimeZoneOfBlob, TimeZoneError, type DeclaredTimeZone } from '../ingest/timeZone';
import { MAPPING_BLOB_NAME, parseMappingText, type Mapping } from '../ingest/mapping';
import type { ArchiveEntry } from '../ingest/archive';
import { CONTAINERS, TABLES } from '../storage/names';
import { trackQualityMetrics } from '../quality/stages';
import type { SignatureStore } from '../quality/dedup';
import { WindowedSignatureStore } from '../quality/windowedSignatureStore';
import { TableFeedbackStore } from './feedbackStore';
import { sha256Hex, tableKey } from './keys';
import { buildReport, FILE_NOTICE, type PreprocessReport } from './preprocessReport';
import { emptyStats, preprocessStream, runQualitySummary } from './preprocess';
import { inlineExecutor, preprocessWorkers, sharedConversationExecutor } from './conversationPool';
import { curatedLine, quarantineLine, type QuarantineRecord } from './records';
import { preprocessStages } from './pipelineStages';
import { StepTimings } from './timings';
import { isStatus, TuneloopError } from '../errors';
import { BlobClaimLostError, BlobInProgressError, claimBlobVersion, ClaimRenewal } from './blobClaim';
import { ERASURE_REWRITE_METADATA } from '../erasure/markers';
import { blobNameProblem, derivedBlobBase, describeBlobNameProblem, printableBlobName, type BlobNameProblem } from '../storage/blobNames';

/** Where the outputs of one blob version go; deterministic from blob name + ETag, so a retry overwrites, never duplicates. */
export interface BlobOutputNames {
  etagHash: string;
  curated: string;
  report: string;
  quarantine: string;
}

export function blobOutputNames(blobName: string, etag: string): BlobOutputNames {
  const etagHash = sha256Hex(etag).slice(0, 16);
  // Names with dot segments, control characters or no room left get a hashed folder (blobNames.ts).
  const base = derivedBlobBase(blobName);
  return {
    etagHash,
    curated: `${base}/${etagHash}.jsonl`,
    report: `${base}/${etagHash}.report.json`,
    quarantine: `${base}/${etagHash}.jsonl`,
  };
}

export type BlobOutcome =
  | {
      status: 'processed';
      blob: string;
      etag: string;
      outputs: BlobOutputNames;
      report: PreprocessReport;
      /** A ZIP archive: how many of its files were stored as blobs of their own (the archive is then deleted). */
      archiveFiles?: number;
    }
  /** This blob version was already processed (or quarantined): nothing written. */
  | { status: 'duplicate'; blob: string; etag: string; previous: string }
  /** The blob failed TUNELOOP_MAX_BLOB_ATTEMPTS times (or cannot ever succeed): quarantined whole and acknowledged. */
  | { status: 'quarantined'; blob: string; etag: string; attempts: number; error: string; outputs: BlobOutputNames }
  /** The blob was deleted before it was read. */
  | { status: 'gone'; blob: string };

/** A row of table `blobreceipts`: PartitionKey = blob name, RowKey = hash of its ETag. */
interface ReceiptEntity {
  partitionKey: string;
  rowKey: string;
  blobName: string;
  blobEtag: string;
  status: 'processing' | 'processed' | 'quarantined';
  attempts: number;
  lastError?: string;
  /** While `processing`: until when this attempt holds the blob (a crashed host's claim runs out). */
  leaseUntil?: string;
  recordsIn?: number;
  recordsUsed?: number;
  recordsQuarantined?: number;
  updatedAt: string;
}

export interface PreprocessBlobOptions {
  signal?: AbortSignal;
  /** Log lines for the invocation (context.warn in the function). */
  log?: (message: string) => void;
  /** Progress lines (context.log in the function): records, bytes read of the blob, MB/s, every `progressSeconds`. */
  progress?: (message: string) => void;
  /** Seconds between progress lines; default 10. */
  progressSeconds?: number;
  /**
   * Where duplicate signatures live; default a `WindowedSignatureStore` (exact and near
   * duplicates within the blob, in memory; the nightly assembly searches across files and days).
   */
  signatures?: SignatureStore;
}

// Re-exported: callers and tests know them as errors of the blob path.
export { BlobClaimLostError, BlobInProgressError };

/** Thrown to make the Functions host retry the blob; says which attempt failed and how many remain. */
export class BlobAttemptError extends TuneloopError {
  constructor(
    readonly blobName: string,
    readonly attempt: number,
    readonly maxAttempts: number,
    cause: unknown,
  ) {
    super(
      `preprocessing raw-logs/${printableBlobName(blobName)} failed (attempt ${attempt} of ${maxAttempts}): ${(cause as { message?: string } | null | undefined)?.message ?? String(cause)}; ` +
        `it will be retried, and quarantined after ${maxAttempts} attempts`,
      { cause, retryable: attempt < maxAttempts },
    );
  }
}

/**
 * Preprocesses one blob of `raw-logs` once per version. The receipt in table `blobreceipts`
 * (blob name + ETag) makes a second delivery a no-op and counts attempts; the last allowed attempt
 * (or an error that cannot go away, like a corrupt gzip) quarantines the blob with its error and
 * returns normally, so the trigger is acknowledged instead of retried forever.
 */
export async function preprocessBlob(runtime: Runtime, blobName: string, options: PreprocessBlobOptions = {}): Promise<BlobOutcome> {
  const { signal } = options;
  const config = runtime.config.preprocess;
  const maxAttempts = config.maxBlobAttempts;
  const problem = blobNameProblem(blobName);
  if (problem === 'dot-segment' || problem === 'empty') return refuseBlobName(runtime, blobName, problem);
  const raw = runtime.storage.container(CONTAINERS.raw).getBlobClient(blobName);
  let etag: string;
  try {
    const props = await raw.getProperties({ abortSignal: signal });
    etag = props.etag ?? '';
    // An erasure rewrote an already preprocessed version without the erased records: the rest is curated already.
    if (props.metadata?.[ERASURE_REWRITE_METADATA]) return { status: 'duplicate', blob: blobName, etag, previous: 'erased' };
  } catch (err) {
    if (isStatus(err, 404)) return { status: 'gone', blob: blobName };
    throw err;
  }
  const outputs = blobOutputNames(blobName, etag);
  const receipts = runtime.storage.table(TABLES.blobReceipts);
  const pk = tableKey(blobName);
  const claim = await claimBlobVersion<ReceiptEntity>({
    table: receipts,
    partitionKey: pk,
    rowKey: outputs.etagHash,
    blobName,
    leaseSeconds: config.blobLeaseSeconds,
    signal,
    onWait: (heldUntil) =>
      (options.progress ?? options.log)?.(
        `raw-logs/${printableBlobName(blobName)}: held by another delivery until ${heldUntil} (renewed while it works); ` +
          'waiting for it to finish, or for its claim to run out if it died',
      ),
    receiptFor: (attempt, leaseUntil, previous) => ({
      partitionKey: pk,
      rowKey: outputs.etagHash,
      blobName,
      blobEtag: etag,
      status: 'processing',
      attempts: attempt,
      ...(previous?.lastError ? { lastError: previous.lastError } : {}),
      leaseUntil,
      updatedAt: new Date().toISOString(),
    }),
  });
  if (claim.kind === 'done') return { status: 'duplicate', blob: blobName, etag, previous: claim.receipt.status };
  const { receipt, attempt } = claim;
  const renewal = new ClaimRenewal(receipts, blobName, receipt, claim.etag, config.blobLeaseSeconds, options.log);
  const work = signal ? AbortSignal.any([signal, renewal.signal]) : renewal.signal;

  const curatedBlob = runtime.storage.container(CONTAINERS.curated).getBlockBlobClient(outputs.curated);
  const reportBlob = runtime.storage.container(CONTAINERS.curated).getBlockBlobClient(outputs.report);
  const quarantineBlob = runtime.storage.container(CONTAINERS.quarantine).getBlockBlobClient(outputs.quarantine);
  try {
    const { report, archiveFiles } = await processVersion(
      runtime,
      blobName,
      etag,
      { curatedBlob, reportBlob, quarantineBlob },
      { ...options, signal: work },
    );
    await renewal.stop();
    await receipts.upsertEntity(
      {
        ...receipt,
        status: 'processed',
        recordsIn: report.records_in,
        recordsUsed: report.records_used,
        recordsQuarantined: report.records_quarantined,
        updatedAt: new Date().toISOString(),
      },
      'Replace',
      { abortSignal: signal },
    );
    // An archive's files are raw blobs of their own now (each with its own lineage, erasure and
    // shard): the archive goes, so no second copy of the same personal data stays behind in
    // raw-logs where an erasure would not find it. Only this version: a newer upload is its own.
    if (archiveFiles > 0)
      await raw.deleteIfExists({ conditions: { ifMatch: etag }, abortSignal: signal }).catch(logDeleteFailure(blobName, options.log));
    emitMetrics(runtime, report);
    await runtime.telemetry.flush();
    return { status: 'processed', blob: blobName, etag, outputs, report, ...(archiveFiles ? { archiveFiles } : {}) };
  } catch (err) {
    const claimEtag = await renewal.stop();
    // The row belongs to the delivery that took over: leave it, and let the platform's retry find that one's outcome.
    if (renewal.signal.aborted) throw renewal.signal.reason as Error;
    if (isAbortError(err) || signal?.aborted) throw err;
    const message = (err as { message?: string } | null | undefined)?.message ?? String(err);
    const permanent = err instanceof IngestError && !err.retryable;
    if (attempt < maxAttempts && !permanent) {
      // The claim ends with the failed attempt, so the retry need not wait for the lease. Conditional:
      // a delivery that took over meanwhile keeps its claim.
      await receipts
        .updateEntity(
          { ...receipt, leaseUntil: undefined, lastError: message.slice(0, 8000), updatedAt: new Date().toISOString() },
          'Replace',
          { etag: claimEtag },
        )
        .catch((updateError: unknown) => {
          if (!isStatus(updateError, 412)) throw updateError;
        });
      throw new BlobAttemptError(blobName, attempt, maxAttempts, err);
    }
    // The caller says so (the `quarantined` outcome carries the attempts and the error).
    await quarantineWholeBlob(
      { curatedBlob, reportBlob, quarantineBlob },
      { blobName, etag, attempts: attempt, error: message, permanent },
    );
    await receipts.upsertEntity(
      { ...receipt, status: 'quarantined', lastError: message.slice(0, 8000), updatedAt: new Date().toISOString() },
      'Replace',
    );
    // The whole blob counts as one record in and one quarantined, so shares stay right.
    runtime.telemetry.trackMetric('tuneloop.preprocess.records_in', 1, {});
    runtime.telemetry.trackMetric('tuneloop.preprocess.records_quarantined', 1, {});
    runtime.telemetry.trackMetric('tuneloop.preprocess.quarantined_by_reason', 1, { reason: 'blob-failed' });
    await runtime.telemetry.flush();
    return { status: 'quarantined', blob: blobName, etag, attempts: attempt, error: message, outputs };
  }
}

/**
 * A name whose dot segments would make `raw-logs/<name>` resolve into another container is never
 * read: the refusal is quarantined (under a hashed name) with the name JSON-escaped.
 */
async function refuseBlobName(runtime: Runtime, blobName: string, problem: BlobNameProblem): Promise<BlobOutcome> {
  const outputs = blobOutputNames(blobName, 'refused');
  const detail = `not read: ${describeBlobNameProblem(problem)}`;
  const record: QuarantineRecord = { file: blobName, line: 0, reason: 'unsafe-blob-name', detail, record: JSON.stringify(blobName) };
  const line = quarantineLine(record);
  await runtime.storage
    .container(CONTAINERS.quarantine)
    .getBlockBlobClient(outputs.quarantine)
    .upload(line, Buffer.byteLength(line), { blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
  runtime.telemetry.trackMetric('tuneloop.preprocess.records_in', 1, {});
  runtime.telemetry.trackMetric('tuneloop.preprocess.records_quarantined', 1, {});
  runtime.telemetry.trackMetric('tuneloop.preprocess.quarantined_by_reason', 1, { reason: 'unsafe-blob-name' });
  await runtime.telemetry.flush();
  return { status: 'quarantined', blob: blobName, etag: '', attempts: 1, error: detail, outputs };
}

interface OutputBlobs {
  curatedBlob: BlockBlobClient;
  reportBlob: BlockBlobClient;
  quarantineBlob: BlockBlobClient;
}

async function processVersion(
  runtime: Runtime,
  blobName: string,
  etag: string,
  out: OutputBlobs,
  { signal, log, progress, progressSeconds = 10, signatures = new WindowedSignatureStore() }: PreprocessBlobOptions,
): Promise<{ report: PreprocessReport; archiveFiles: number }> {
  const config = runtime.config.preprocess;
  const timings = config.debugTimings ? new StepTimings() : undefined;
  const raw = runtime.storage.container(CONTAINERS.raw).getBlobClient(blobName);
  // Read exactly the version the receipt names; a newer upload gets its own event and receipt.
  const download = await raw.download(0, undefined, { conditions: { ifMatch: etag }, abortSignal: signal });
  const body = download.readableStreamBody;
  if (!body) throw new Error(`raw-logs/${blobName}: the download returned no body`);
  // Declared on the blob (Content-Type charset, metadata `encoding`): read from the download's own
  // headers, so the declaration is that of the version read, at no extra request.
  // The zone of its zone-less timestamps likewise (metadata `timezone`), else TUNELOOP_INPUT_TIMEZONE.
  let encoding: DeclaredEncoding | undefined;
  let timeZone: DeclaredTimeZone | undefined;
  try {
    encoding = declaredEncodingOfBlob({ contentType: download.contentType, metadata: download.metadata });
    timeZone = declaredTimeZoneOfBlob(download.metadata) ?? config.inputTimeZone;
  } catch (err) {
    // Not read at all: the download is cancelled rather than drained.
    (body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    // The same bytes and headers fail again: quarantined at once, saying which label is wrong.
    if (err instanceof EncodingLabelError) throw new IngestError('unknown-encoding', blobName, err.message, { retriable: false });
    if (err instanceof TimeZoneError) throw new IngestError('unknown-timezone', blobName, err.message, { retriable: false });
    throw err;
  }

  const archivedIn = archiveOfBlob(download.metadata);
  const archive = { files: 0 };
  const curated = new StreamingUpload(out.curatedBlob, 'application/x-ndjson', signal);
  const quarantine = new StreamingUpload(out.quarantineBlob, 'application/x-ndjson', signal);
  const stages = preprocessStages({ quality: config.quality, signatures });
  const mappings = await loadBlobMappings(runtime, signal);
  const builder = { model: config.model, systemPrompt: config.systemPrompt };
  // The same per-conversation work on every core of the instance (inline with one core).
  const pooled = sharedConversationExecutor({ quality: config.quality, builder, timings: !!timings }, preprocessWorkers(config.workers));
  const executor = pooled ?? inlineExecutor({ stages, builder, timings: !!timings });
  const read = { bytes: 0 };
  const started = performance.now();
  let lastProgress = started;
  const totalBytes = download.contentLength ?? 0;
  const onProgress = progress
    ? (records: number) => {
        const now = performance.now();
        if (now - lastProgress < progressSeconds * 1000) return;
        lastProgress = now;
        const seconds = (now - started) / 1000;
        const share = totalBytes ? ` of ${(totalBytes / 1e6).toFixed(1)} MB (${Math.floor((read.bytes / totalBytes) * 100)}%)` : '';
        progress(
          `raw-logs/${blobName}: ${records} records, ${(read.bytes / 1e6).toFixed(1)} MB read${share}, ${(read.bytes / 1e6 / seconds).toFixed(2)} MB/s, ` +
            `${Math.round(process.memoryUsage().rss / 1e6)} MB RSS`,
        );
      }
    : undefined;
  try {
    const stats = await preprocessStream(
      countBytes(body, read),
      {
        fileName: blobName,
        model: config.model,
        systemPrompt: config.systemPrompt,
        speakerRoles: config.speakerRoles,
        mappings,
        encoding,
        timeZone,
        archiveEntry: (entry, bytes) => storeArchiveFile(runtime, blobName, entry, bytes, archive, signal),
        ...(archivedIn !== undefined ? { archivedIn } : {}),
        shares: config.shares,
        stages,
        feedback: new TableFeedbackStore(runtime.storage.table(TABLES.feedback), {
          answered: runtime.storage.table(TABLES.answeredBy),
          rated: runtime.storage.table(TABLES.rated),
        }),
        sink: {
          curated: (record) => curated.write(curatedLine(record)),
          quarantine: (record) => quarantine.write(quarantineLine(record)),
        },
        timings,
        executor,
        onProgress,
        progressEvery: 25,
        signal,
      },
      emptyStats(),
    );
    if (archive.files) {
      const notice = `${FILE_NOTICE}${blobName}: an archive of ${archive.files} file(s), each stored as raw-logs/${blobName}/<its path> and preprocessed as a blob of its own; the archive is deleted once they are stored`;
      stats.notes[notice] = (stats.notes[notice] ?? 0) + 1;
    }
    // A store that buffers its writes has them stored before the receipt says processed.
    const flush = async () => signatures.flush?.(signal);
    await (timings ? timings.time('stage:dedup', flush) : flush());
    await (timings
      ? timings.time('write', () => Promise.all([curated.end(), quarantine.end()]))
      : Promise.all([curated.end(), quarantine.end()]));
    if (timings) log?.(`raw-logs/${printableBlobName(blobName)} timings: ${timings.format()}`);
    const report = buildReport(stats, {
      model: config.model,
      epochs: config.epochs,
      quality: runQualitySummary(stages, stats),
      timings: timings?.toJSON(),
    });
    const text = JSON.stringify({ blob: blobName, etag, ...report }, null, 2) + '\n';
    await out.reportBlob.upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      abortSignal: signal,
    });
    return { report, archiveFiles: archive.files };
  } catch (err) {
    // Abandon the uploads: uncommitted blocks never become visible, so a failed attempt leaves no shard.
    curated.abort(err);
    quarantine.abort(err);
    await Promise.allSettled([curated.done, quarantine.done]);
    throw err;
  }
}

/** Blob metadata on a file stored out of an archive: the archive's name (URI-encoded: metadata is ASCII). */
export const ARCHIVE_METADATA = 'tuneloop_archive';

function archiveOfBlob(metadata: Record<string, string> | undefined): string | undefined {
  const value = metadata?.[ARCHIVE_METADATA];
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * A file of an archive, stored as the raw blob `<archive>/<path>`, whose own trigger preprocesses
 * it like any upload. Written over an earlier copy (a retried or re-uploaded archive): the newer
 * shard's conversations supersede the older ones in the nightly assembly. Returns why not, for a
 * name that cannot be a safe blob name.
 */
async function storeArchiveFile(
  runtime: Runtime,
  archiveName: string,
  entry: ArchiveEntry,
  bytes: AsyncIterable<Buffer>,
  archive: { files: number },
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const name = `${archiveName}/${entry.name}`;
  const problem = blobNameProblem(name);
  if (problem) return `not stored as raw-logs/${printableBlobName(name)}: ${describeBlobNameProblem(problem)}`;
  await runtime.storage
    .container(CONTAINERS.raw)
    .getBlockBlobClient(name)
    .uploadStream(Readable.from(bytes), 4 * 1024 * 1024, 2, {
      metadata: { [ARCHIVE_METADATA]: encodeURIComponent(archiveName) },
      abortSignal: signal,
    });
  archive.files++;
  return undefined;
}

function logDeleteFailure(blobName: string, log: ((message: string) => void) | undefined) {
  return (err: unknown) => {
    // The files are stored and preprocessed; a left-over archive is reported, not a failure.
    log?.(`raw-logs/${printableBlobName(blobName)}: its files are stored, but the archive could not be deleted: ${(err as Error).message}`);
  };
}

/**
 * The input mappings of the blob path: the blob `mapping.json` in the `config` container (absent:
 * none). Read per raw blob, so a changed mapping applies to the next upload without a restart. An
 * invalid mapping fails the blob with the mapping's own error (what to fix, where), after retries.
 */
async function loadBlobMappings(runtime: Runtime, signal?: AbortSignal): Promise<Mapping[] | undefined> {
  const blob = runtime.storage.container(CONTAINERS.config).getBlobClient(MAPPING_BLOB_NAME);
  let text: string;
  try {
    text = (await blob.downloadToBuffer(undefined, undefined, { abortSignal: signal })).toString('utf8');
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
  return parseMappingText(text, `${CONTAINERS.config}/${MAPPING_BLOB_NAME}`);
}

async function quarantineWholeBlob(
  out: OutputBlobs,
  { blobName, etag, attempts, error, permanent }: { blobName: string; etag: string; attempts: number; error: string; permanent: boolean },
): Promise<void> {
  const reason = permanent ? 'unreadable-blob' : 'blob-failed';
  const record: QuarantineRecord = {
    file: blobName,
    line: 0,
    reason,
    detail: `${permanent ? 'cannot be read' : `failed ${attempts} time(s)`}: ${error}`,
    // The original text stays in raw-logs; name it rather than copying a file that may be huge.
    record: `raw-logs/${blobName} (ETag ${etag})`,
  };
  const line = quarantineLine(record);
  await out.quarantineBlob.upload(line, Buffer.byteLength(line), { blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
  // A shard from an earlier attempt must not be assembled as if this version had succeeded.
  await out.curatedBlob.deleteIfExists();
  const report = {
    blob: blobName,
    etag,
    status: 'quarantined',
    attempts,
    error,
    records_in: 1,
    records_used: 0,
    records_quarantined: 1,
    quarantine_reasons: { [reason]: 1 },
  };
  const text = JSON.stringify(report, null, 2) + '\n';
  await out.reportBlob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

function emitMetrics(runtime: Runtime, report: PreprocessReport): void {
  const t = runtime.telemetry;
  const model = report.model;
  t.trackMetric('tuneloop.preprocess.records_in', report.records_in, { model });
  t.trackMetric('tuneloop.preprocess.records_used', report.records_used, { model });
  t.trackMetric('tuneloop.preprocess.records_quarantined', report.records_quarantined, { model });
  for (const [reason, count] of Object.entries(report.quarantine_reasons)) {
    // A separate name, so sums of records_quarantined are never counted twice.
    t.trackMetric('tuneloop.preprocess.quarantined_by_reason', count, { model, reason });
  }
  // Sessions left out of used chats: not records, so a name of their own.
  for (const [reason, count] of Object.entries(report.session_quarantine_reasons ?? {})) {
    t.trackMetric('tuneloop.preprocess.sessions_quarantined', count, { model, reason });
  }
  t.trackMetric('tuneloop.preprocess.examples', report.examples.train + report.examples.validation + report.examples.holdout, { model });
  t.trackMetric('tuneloop.preprocess.tokens', report.tokens.total, { model });
  for (const [language, count] of Object.entries(report.languages)) {
    t.trackMetric('tuneloop.preprocess.conversations_by_language', count, { model, language });
  }
  trackQualityMetrics(t, report.quality, { model });
}

/** Counts the bytes of the blob as they are read (for progress lines). */
async function* countBytes(source: NodeJS.ReadableStream, counter: { bytes: number }): AsyncIterable<Buffer> {
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counter.bytes += buffer.length;
    yield buffer;
  }
}

/**
 * Lines written into a block blob as they come (uploadStream stages blocks and commits them
 * only at the end), with backpressure so memory stays flat however big the shard.
 */
class StreamingUpload {
  private readonly stream = new PassThrough();
  readonly done: Promise<unknown>;

  constructor(blob: BlockBlobClient, contentType: string, signal?: AbortSignal) {
    this.done = blob.uploadStream(this.stream, 4 * 1024 * 1024, 2, {
      blobHTTPHeaders: { blobContentType: contentType },
      abortSignal: signal,
    });
    // Surface upload errors through write()/end(), not as an unhandled rejection.
    this.done.catch(() => undefined);
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), this.done.then(() => undefined)]);
  }

  async end(): Promise<void> {
    this.stream.end();
    await this.done;
  }

  abort(err: unknown): void {
    this.stream.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
