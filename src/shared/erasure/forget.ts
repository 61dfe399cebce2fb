import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import type { Runtime } from '../composition/runtime';
import {
  contentTypeWithCharset,
  declaredEncodingOfBlobOrNone,
  decodeDeclaredFileText,
  decodeFileText,
  encodingToUse,
  isLegacyEncoding,
} from '../ingest/encoding';
import { parseInput } from '../ingest/parse';
import { isGzip } from '../ingest/source';
import { joinedRecords, mayBeJoined } from '../ingest/jsonLine';
import { isMboxFromLine } from '../ingest/formats/mailbox';
import type { SourceRef } from '../ingest/types';
import { CONTAINERS, TABLES } from '../storage/names';
import { blobOutputNames } from '../dataset/blobPreprocess';
import { tableKey } from '../dataset/keys';
import { readLines } from '../dataset/blobLines';
import { JobStore, type JobRecord } from '../finetune/jobStore';
import { notify } from '../telemetry/notify';
import { EVENT_TYPES } from '../telemetry/events';
import { ForgottenStore } from './exclusions';
import { conversationSource, sourceOfFile } from '../dataset/conversationIdentity';
import { ERASURE_REWRITE_METADATA, WRITTEN_AT_METADATA } from './markers';
import { describeTarget, textMatcher, type ErasureTarget } from './target';
import { isStatus, TuneloopError } from '../errors';
import { ownValue } from '../lookup';
import { FINAL_JOB_STATES } from '../finetune/jobStore';
import { eraseDriftRuns, eraseEvaluationReports, eraseSignatures, type ErasedConversation } from './derived';
import { ShardReportAmendments } from './shardReports';

export type ErasureLocation =
  | 'raw-logs'
  | 'curated'
  | 'quarantine'
  | 'feedback'
  | 'answered-by'
  | 'rated'
  | 'datasets'
  | 'dedup-signatures'
  | 'eval-reports'
  | 'drift-runs'
  | 'azure-openai-files';

export interface ErasureFinding {
  location: ErasureLocation;
  /** Blob name (or `table feedback`, or an Azure OpenAI file id). */
  name: string;
  /** Records (lines, rows, samples) of the erased conversations found there. */
  records: number;
  /**
   * removed: rewritten without them; deleted: nothing else was left (or the whole file went);
   * kept-running: a file a fine-tuning job still running may need, deleted by running the same
   * erasure again once the job has ended; failed: could not be deleted (the note says why; run
   * the same erasure again).
   */
  action: 'removed' | 'deleted' | 'kept-running' | 'failed';
  /** A dataset file (or its Azure OpenAI upload) a model was already trained on; that model is marked. */
  trained?: boolean;
  note?: string;
}

export interface MarkedModel {
  jobKey: string;
  datasetVersion: string;
  fineTunedModel?: string;
  deploymentName?: string;
}

/** Where the erased data was found and what happened to it; holds no personal data. */
export interface ErasureReport {
  requestId: string;
  at: string;
  target: { kind: ErasureTarget['kind']; hash: string };
  /** Distinct conversations (source + id) erased. */
  conversations: number;
  found: ErasureFinding[];
  modelsMarked: MarkedModel[];
}

export interface ForgetOptions {
  requestId?: string;
  now?: Date;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** A raw blob changed while the erasure was rewriting it; running the request again finishes it. */
export class ErasureConflictError extends TuneloopError {
  constructor(readonly blobName: string) {
    super(`raw-logs/${blobName} changed while the erasure was rewriting it; run the same erasure again to finish it`);
  }
}

/**
 * A record to take out of a raw blob where it stands: a JSON record over several lines (`line`,
 * its lines), or an e-mail of an mbox (`mbox`: its header lines, from its "From " line; `line` a
 * hint, 0 when unknown), which runs to the next message.
 */
interface RawRange {
  line: number;
  lines: string[];
  /** The line of the record the range is one element of (pages of a JSON document, messages of a thread): a record is counted once. */
  group?: number;
  mbox?: boolean;
}

/** The header lines of each e-mail in an mbox record (messages joined by line breaks, each from its "From " line to its first blank line). */
function mboxRecordHeaders(lines: readonly string[]): string[][] {
  const messages: string[][] = [];
  let current: string[] | undefined;
  let inHeaders = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isMboxFromLine(line) && (i === 0 || lines[i - 1].trim() === '')) {
      current = [line];
      messages.push(current);
      inHeaders = true;
    } else if (current && inHeaders) {
      if (line.trim() === '') inHeaders = false;
      else current.push(line);
    }
  }
  return messages;
}

/**
 * Takes an e-mail out of an mbox's lines: from its "From " line (at the hint, else wherever its
 * header lines stand; the last of them may be cut short, as a rejection's preview is) up to the
 * next message's "From " line after a blank line. Returns whether it was found.
 */
function removeMboxMessage(all: string[], range: RawRange): boolean {
  const n = range.lines.length;
  const at = (i: number) =>
    range.lines.every((want, k) => {
      const have = (all[i + k] ?? '').replace(/\r$/, '');
      return k === n - 1 ? have.startsWith(want) : have === want;
    });
  let start = range.line > 0 && at(range.line - 1) ? range.line - 1 : -1;
  for (let i = 0; start < 0 && i < all.length; i++) if (isMboxFromLine(all[i]) && at(i)) start = i;
  if (start < 0) return false;
  let end = start + 1;
  while (end < all.length && !(isMboxFromLine(all[end]) && (all[end - 1] ?? '').trim() === '')) end++;
  all.splice(start, end - start);
  return true;
}

interface Found {
  /** `<source>\u0000<conversation id>` of every erased conversation. */
  conversations: Set<string>;
  /** `<identity source>\u0000<conversation id>`: the same conversations as the assembly names them (source field, else top folder). */
  identities: Set<string>;
  ids: Set<string>;
  /**
   * `rawRecordKey` of every raw record removed (quarantine entries carry the same): `<file>#<line>`,
   * and for one of several records joined on a line, its text after it, as the line holds others.
   */
  rawRecords: Set<string>;
  /** Raw blob name → records to remove by their exact line texts (JSON lines, CSV rows, rejected lines). */
  rawLines: Map<string, string[][]>;
  /**
   * Raw blob name → records of a JSON document (pretty-printed over several lines) to remove by
   * their place: their lines' texts (`},`, `"type": "Comment",`) also stand in other records.
   */
  /** `group`: the line of the record a range is one element of (pages grouped from a JSON document); a record is counted once. */
  rawRanges: Map<string, RawRange[]>;
  /** Examples (weights left out) of erased curated records, to find them in dataset files. */
  examples: Set<string>;
  /** Raw blob name → feedback records found in it (its shard report counted them as used). */
  rawFeedback: Map<string, number>;
}

/**
 * Erases a conversation (or every conversation mentioning an e-mail, phone number or customer
 * id) from raw logs, curated shards, quarantine, feedback and dataset versions not yet trained;
 * records the conversations so the next assembly leaves them out, marks models already trained
 * on them, and records an audit row and event without the personal data.
 * Idempotent: running the same request again finds nothing more and changes nothing.
 */
export async function forget(runtime: Runtime, target: ErasureTarget, options: ForgetOptions = {}): Promise<ErasureReport> {
  const requestId = options.requestId ?? randomUUID();
  const now = options.now ?? new Date();
  const { signal } = options;
  const found: Found = {
    conversations: new Set(),
    identities: new Set(),
    ids: new Set(),
    rawRecords: new Set(),
    rawLines: new Map(),
    rawRanges: new Map(),
    examples: new Set(),
    rawFeedback: new Map(),
  };
  const findings: ErasureFinding[] = [];
  const reports = new ShardReportAmendments();
  if (target.kind === 'conversation') found.ids.add(target.conversationId);

  await scanRaw(runtime, target, found, signal);
  for (const blobName of new Set([...found.rawLines.keys(), ...found.rawRanges.keys()])) {
    const lines = found.rawLines.get(blobName) ?? [];
    const { finding, etag } = await rewriteRaw(runtime, blobName, lines, found.rawRanges.get(blobName) ?? [], requestId, signal, found);
    findings.push(finding);
    reports.feedback(blobOutputNames(blobName, etag).report, found.rawFeedback.get(blobName) ?? 0);
  }
  findings.push(...(await eraseCurated(runtime, target, found, reports, signal)));
  findings.push(...(await eraseQuarantine(runtime, target, found, reports, signal)));
  // The shards' reports say what the shards hold now, and what this request took out.
  await reports.write(runtime, requestId, now, signal);
  for (const [table, location] of [
    [TABLES.feedback, 'feedback'],
    [TABLES.answeredBy, 'answered-by'],
    [TABLES.rated, 'rated'],
  ] as const) {
    const rows = await eraseConversationRows(runtime, table, location, target, found, signal);
    if (rows) findings.push(rows);
  }
  const datasets = await eraseDatasets(runtime, target, found, requestId, signal);
  findings.push(...datasets.findings);
  findings.push(...(await finishUploadDeletions(runtime, signal)));
  const isErased = curatedMatcher(target, found);
  const textHit = target.kind === 'conversation' ? () => false : textMatcher(target);
  const erasedConversation: ErasedConversation = (conversationId, file, text) =>
    isErased(conversationId, file, text) || (text !== '' && textHit(text));
  findings.push(...(await eraseSignatures(runtime, erasedConversation, signal)));
  findings.push(...(await eraseEvaluationReports(runtime, erasedConversation, requestId, now, signal)));
  const idTokens = [...found.ids].map((id) => textMatcher({ kind: 'conversation', conversationId: id }));
  findings.push(...(await eraseDriftRuns(runtime, (text) => textHit(text) || idTokens.some((m) => m(text)), signal)));

  const forgotten: { conversationId: string; source?: string; identitySource?: string }[] = [...found.conversations].map((key) => {
    const [source, conversationId] = key.split('\u0000');
    return source === '*' ? { conversationId } : { source, conversationId };
  });
  for (const key of found.identities) {
    const [identitySource, conversationId] = key.split('\u0000');
    forgotten.push({ conversationId, identitySource });
  }
  // Also when found nowhere: the same conversation dropped again later is still left out. Its
  // source may name a blob or, as the assembly does, a source (field or top folder): both are kept.
  if (target.kind === 'conversation')
    forgotten.push({
      conversationId: target.conversationId,
      ...(target.source ? { source: target.source, identitySource: target.source } : {}),
    });
  await new ForgottenStore(runtime.storage).add(forgotten, requestId, now);

  const report: ErasureReport = {
    requestId,
    at: now.toISOString(),
    target: describeTarget(target),
    conversations: found.conversations.size,
    found: findings,
    modelsMarked: datasets.marked,
  };
  await recordAudit(runtime, report);
  options.log?.(
    `erasure ${requestId}: ${report.conversations} conversation(s), ${findings.length} place(s), ${report.modelsMarked.length} model(s) marked`,
  );
  return report;
}

/**
 * Whether a request's `<source>/` names this blob: the blob itself, or its source as the
 * assembly gives it (top folder), so `crm/jn-2` finds jn-2 in `crm/2026/01/chats.jsonl`.
 */
function sourceMatches(source: string | undefined, file: string): boolean {
  return !source || file === source || sourceOfFile(file) === source;
}

function conversationKey(source: string, conversationId: string): string {
  return `${source}\u0000${conversationId}`;
}

/** `<file>#<line>`; for one of several records joined on a line (`SourceRef.part`), its text after that. */
function rawRecordKey(file: string, line: number | string, joinedRecord?: string): string {
  return joinedRecord !== undefined ? `${file}#${String(line)}\u0000${joinedRecord}` : `${file}#${String(line)}`;
}

function splitRecordLines(record: string): string[] {
  return record.split('\n').map((l) => l.replace(/\r$/, ''));
}

/** Field values of a quarantined or rejected record: its JSON id fields, or its CSV-ish cells. */
function recordIds(record: string): string[] {
  try {
    const parsed: unknown = JSON.parse(record);
    if (parsed && typeof parsed === 'object') {
      const value = parsed as Record<string, unknown>;
      return ['conversation_id', 'conversationId', 'id'].map((k) => value[k]).filter((v): v is string => typeof v === 'string');
    }
  } catch {
    // not JSON: fall through to cells
  }
  return record.split(/[,;\t|\n]/).map((c) => c.trim().replace(/^"|"$/g, ''));
}

async function scanRaw(runtime: Runtime, target: ErasureTarget, found: Found, signal?: AbortSignal): Promise<void> {
  const container = runtime.storage.container(CONTAINERS.raw);
  const matches = textMatcher(target);
  const feedbackBlobs: string[] = [];
  const remove = (file: string, line: number, lines: string[], whole = false, part?: SourceRef['part'], group?: number) => {
    found.rawRecords.add(rawRecordKey(file, line, part ? lines.join('\n') : undefined));
    // The e-mails of an mbox (a thread's, or one rejected on its own): each taken out whole, found by its headers.
    if (isMboxFromLine(lines[0] ?? '')) {
      let ranges = found.rawRanges.get(file);
      if (!ranges) found.rawRanges.set(file, (ranges = []));
      for (const [k, headers] of mboxRecordHeaders(lines).entries()) {
        const key = headers.join('\n');
        if (!ranges.some((r) => r.mbox && r.lines.join('\n') === key))
          ranges.push({ line: k === 0 ? line : 0, lines: headers, mbox: true, group: group ?? line });
      }
      return;
    }
    // A JSON record over several lines: taken out where it stands, not line by line.
    if (whole && lines.length > 1 && /^\s*[[{]/.test(lines[0] ?? '')) {
      let ranges = found.rawRanges.get(file);
      if (!ranges) found.rawRanges.set(file, (ranges = []));
      if (!ranges.some((r) => r.line === line)) ranges.push({ line, lines, ...(group !== undefined ? { group } : {}) });
      return;
    }
    const kept = lines.filter((l) => l.trim());
    if (!kept.length) return;
    let records = found.rawLines.get(file);
    if (!records) found.rawLines.set(file, (records = []));
    records.push(kept);
  };
  const scan = async (blobName: string, feedbackOnly: boolean) => {
    const download = await container.getBlobClient(blobName).download(0, undefined, { abortSignal: signal });
    const body = download.readableStreamBody;
    if (!body) return;
    // Read in the encoding the blob declares, as preprocessing read it, or its records would not be found.
    const encoding = declaredEncodingOfBlobOrNone(download);
    let hasFeedback = false;
    for await (const item of parseInput(body, { fileName: blobName, signal, encoding })) {
      if (item.type === 'conversation' && !feedbackOnly) {
        const c = item.conversation;
        const hit =
          target.kind === 'conversation'
            ? c.conversationId === target.conversationId && sourceMatches(target.source, c.source.file)
            : matches(c.source.record);
        if (hit) {
          found.conversations.add(conversationKey(c.source.file, c.conversationId));
          found.identities.add(conversationKey(sourceOfFile(c.source.file), c.conversationId));
          found.ids.add(c.conversationId);
          // Pages grouped from a JSON document: each page where it stands in the array.
          if (c.source.elements)
            for (const element of c.source.elements)
              remove(c.source.file, element.line, splitRecordLines(element.text), true, undefined, c.source.line);
          else remove(c.source.file, c.source.line, splitRecordLines(c.source.record), true, c.source.part);
        }
      } else if (item.type === 'feedback') {
        hasFeedback = true;
        const f = item.feedback;
        // Feedback names the conversation by id only; it arrives in a file of its own.
        if (found.ids.has(f.conversationId) || (target.kind !== 'conversation' && matches(f.source.record))) {
          if (!found.rawRecords.has(rawRecordKey(f.source.file, f.source.line, f.source.part ? f.source.record : undefined)))
            found.rawFeedback.set(f.source.file, (found.rawFeedback.get(f.source.file) ?? 0) + 1);
          remove(f.source.file, f.source.line, splitRecordLines(f.source.record), true, f.source.part);
        }
      } else if (item.type === 'rejected' && !feedbackOnly) {
        const r = item.rejection;
        const hit =
          target.kind === 'conversation'
            ? sourceMatches(target.source, r.file) && recordIds(r.record).includes(target.conversationId)
            : matches(r.record);
        // Only the lines that hold the data: a whole-file rejection previews many unrelated lines.
        // A rejected e-mail thread of an mbox goes whole, message by message.
        if (hit && isMboxFromLine(r.record.split('\n', 1)[0])) remove(r.file, r.line, splitRecordLines(r.record), true);
        else if (hit)
          remove(
            r.file,
            r.line,
            splitRecordLines(r.record).filter((l) =>
              target.kind === 'conversation' ? recordIds(l).includes(target.conversationId) : matches(l),
            ),
          );
      }
    }
    if (hasFeedback && !feedbackOnly) feedbackBlobs.push(blobName);
  };
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ abortSignal: signal })) names.push(blob.name);
  for (const name of names) await scan(name, false);
  // Feedback files read before the conversation they rate was found get a second look.
  if (target.kind !== 'conversation' && found.ids.size > 0) for (const name of feedbackBlobs) await scan(name, true);
}

function isZipArchive(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * An Excel workbook is not rewritten: writing back only the sheet that was read would lose the
 * other sheets, formulas and formatting, and a workbook writer is more than erasure should carry.
 * The finding fails (the command exits 1) and says which sheet rows hold the erased records, so a
 * person deletes the blob or uploads the workbook without them; every derived copy is erased as usual.
 */
function workbookLeftAsIs(blobName: string, found: Found): ErasureFinding {
  const prefix = `${blobName}#`;
  const rows = [...found.rawRecords]
    .filter((key) => key.startsWith(prefix))
    .map((key) => Number(key.slice(prefix.length)))
    .sort((a, b) => a - b);
  return {
    location: 'raw-logs',
    name: blobName,
    records: rows.length,
    action: 'failed',
    note: `an Excel workbook is not rewritten; delete raw-logs/${blobName}, or remove the rows of the erased conversation(s) (starting at sheet row${rows.length === 1 ? '' : 's'} ${rows.join(', ')} of its first visible worksheet) and upload it again; its copies in curated, quarantine and datasets are erased as usual`,
  };
}

/**
 * Rewrites a raw blob without the found records: those of a pretty-printed JSON document by their
 * place, the others by their lines' texts. The finding counts records, not lines: a ticket of a
 * pretty-printed export spans dozens of lines, a conversation of message-per-row CSV several rows.
 */
async function rewriteRaw(
  runtime: Runtime,
  blobName: string,
  lineRecords: string[][],
  ranges: RawRange[],
  requestId: string,
  signal: AbortSignal | undefined,
  found: Found,
): Promise<{ finding: ErasureFinding; etag: string }> {
  const blob = runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(blobName);
  const props = await blob.getProperties({ abortSignal: signal });
  const etag = props.etag ?? '';
  let bytes = await blob.downloadToBuffer(0, undefined, { abortSignal: signal, conditions: { ifMatch: etag } });
  let layers = 0;
  while (isGzip(bytes.subarray(0, 2)) && layers < 3) {
    bytes = gunzipSync(bytes);
    layers++;
  }
  if (isZipArchive(bytes)) return { finding: workbookLeftAsIs(blobName, found), etag };
  // Decoded as the parsers decoded it (UTF-16, Windows-1252 lines, a declared encoding), or the
  // records found would not match.
  const used = encodingToUse(bytes.subarray(0, 3), declaredEncodingOfBlobOrNone(props));
  const file =
    'how' in used && used.how === 'declared' && isLegacyEncoding(used.name)
      ? decodeDeclaredFileText(bytes, used.name)
      : decodeFileText(bytes);
  const all = file.text.split('\n');
  let removed = 0;
  const records = [...lineRecords];
  // From the last record up, so the lines of the ones before stay where they were read.
  const removedGroups = new Set<number>();
  for (const range of [...ranges].sort((a, b) => b.line - a.line)) {
    if (range.mbox) {
      // Never line by line: its header lines (MIME-Version, boundaries) stand in other messages too.
      if (removeMboxMessage(all, range)) removedGroups.add(range.group ?? range.line);
      continue;
    }
    if (removeRange(all, range)) removedGroups.add(range.group ?? range.line);
    // Not where it was read (cannot happen for an unchanged blob): remove its lines wherever they stand.
    else records.push(range.lines.filter((l) => l.trim()));
  }
  removed += removedGroups.size;
  const lines = new Set(records.flat());
  // Records read from a line that held several (files joined without a line break): cut out of it.
  const objects = [...lines].filter((l) => l.startsWith('{'));
  const cut = new Set<string>();
  const kept: string[] = [];
  for (const line of all) {
    const text = line.replace(/\r$/, '');
    if (lines.has(text)) cut.add(text);
    else if (objects.length && mayBeJoined(text) && objects.some((o) => text.includes(o))) {
      const rest = withoutJoinedRecords(text, lines, cut);
      if (rest !== '') kept.push(rest === text ? line : `${rest}${line.endsWith('\r') ? '\r' : ''}`);
    } else kept.push(line);
  }
  removed += records.filter((record) => record.some((l) => cut.has(l))).length;
  const text = kept.join('\n');
  if (!text.trim()) {
    await blob.delete({ conditions: { ifMatch: etag }, abortSignal: signal }).catch((err: unknown) => conflict(err, blobName));
    return { finding: { location: 'raw-logs', name: blobName, records: removed, action: 'deleted' }, etag };
  }
  let contentType = props.contentType;
  let metadata = { ...props.metadata };
  let encoded = file.encode(text);
  if (!encoded) {
    // A changed line the declared multi-byte encoding cannot be written in without an encoder:
    // the file becomes UTF-8, and says so, so that it is read right from now on.
    encoded = Buffer.from(text, 'utf8');
    contentType = contentTypeWithCharset(contentType, 'utf-8');
    metadata = Object.fromEntries(Object.entries(metadata).filter(([key]) => key.toLowerCase() !== 'encoding'));
  }
  let out: Buffer = encoded;
  for (let i = 0; i < layers; i++) out = gzipSync(out);
  // The rest of this version was preprocessed already; the marker tells preprocessing not to do it twice.
  const receipt = await runtime.storage
    .table(TABLES.blobReceipts)
    .getEntity<{ status: string }>(tableKey(blobName), blobOutputNames(blobName, etag).etagHash)
    .catch(() => undefined);
  const done = receipt && receipt.status !== 'processing';
  await blob
    .upload(out, out.length, {
      conditions: { ifMatch: etag },
      abortSignal: signal,
      blobHTTPHeaders: { blobContentType: contentType, blobContentEncoding: props.contentEncoding },
      metadata: { ...metadata, ...(done ? { [ERASURE_REWRITE_METADATA]: requestId } : {}) },
    })
    .catch((err: unknown) => conflict(err, blobName));
  return { finding: { location: 'raw-logs', name: blobName, records: removed, action: 'removed' }, etag };
}

/**
 * A line of records joined without a line break (`{...}{...}`, read record by record as
 * ingest/jsonLine's `joinedRecords` reads it) without those in `erased` (added to `cut`): the
 * others stay on the line, as they were written. The line as it was when it is no such line.
 */
function withoutJoinedRecords(text: string, erased: ReadonlySet<string>, cut: Set<string>): string {
  let error: string;
  try {
    JSON.parse(text);
    return text;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const records = joinedRecords(text, error);
  if (!records?.some((r) => erased.has(r.text))) return text;
  const left: string[] = [];
  for (const r of records) {
    if (erased.has(r.text)) cut.add(r.text);
    else left.push(r.text);
  }
  return left.join('');
}

/**
 * Takes a record of a pretty-printed JSON document out of `all` (the blob's lines) where it was
 * read: `range.line` (1-based) and on, the same lines but for indentation and the comma after it.
 * When it was the last element of its array, the comma left after the element before it goes too.
 * Returns whether it was there (false when the lines there are not the record's).
 */
function removeRange(all: string[], range: { line: number; lines: string[] }): boolean {
  const start = range.line - 1;
  const n = range.lines.length;
  if (start < 0 || start + n > all.length) return false;
  const strip = (l: string) => l.replace(/\r$/, '').trim();
  for (let i = 0; i < n; i++) {
    const have = strip(all[start + i] ?? '');
    const want = strip(range.lines[i] ?? '');
    if (have !== want && !(i === n - 1 && have === `${want},`)) return false;
  }
  const hadComma = strip(all[start + n - 1] ?? '').endsWith(',');
  all.splice(start, n);
  if (!hadComma) {
    let before = start - 1;
    while (before >= 0 && !strip(all[before] ?? '')) before--;
    if (before >= 0) all[before] = all[before].replace(/,(\s*\r?)$/, '$1');
  }
  return true;
}

function conflict(err: unknown, blobName: string): never {
  if (isStatus(err, 412)) throw new ErasureConflictError(blobName);
  throw err;
}

function stripWeights(example: unknown): string {
  const messages = (example as { messages?: unknown[] } | null | undefined)?.messages;
  if (!Array.isArray(messages)) return JSON.stringify(example);
  return JSON.stringify({
    ...(example as object),
    messages: messages.map((m) => {
      if (!m || typeof m !== 'object') return m;
      const { weight: _weight, ...rest } = m as Record<string, unknown>;
      return rest;
    }),
  });
}

/** True for a curated (or holdout) record of an erased conversation. */
function curatedMatcher(
  target: ErasureTarget,
  found: Found,
): (conversationId: string, file: string | undefined, exampleText: string) => boolean {
  const matches = textMatcher(target);
  return (conversationId, file, exampleText) => {
    if (file !== undefined && found.conversations.has(conversationKey(file, conversationId))) return true;
    if (target.kind === 'conversation')
      return conversationId === target.conversationId && (file === undefined || sourceMatches(target.source, file));
    if (file === undefined && found.ids.has(conversationId)) return true;
    // Redaction replaces e-mails and phones, but a customer id may stay in curated text.
    return target.kind === 'customer-id' && matches(exampleText);
  };
}

/** Rewrites every `.jsonl` blob of a container without the lines `drop` picks; empty blobs are deleted. */
async function filterBlobs(
  container: ContainerClient,
  location: ErasureLocation,
  drop: (line: string) => boolean,
  options: {
    keepWrittenAt?: boolean;
    only?: (name: string) => boolean;
    /** Told the lines each rewritten (or deleted) blob lost and kept. */
    onRewrite?: (name: string, removed: string[], kept: string[]) => void;
    signal?: AbortSignal;
  },
): Promise<ErasureFinding[]> {
  const findings: ErasureFinding[] = [];
  for await (const blob of container.listBlobsFlat({ includeMetadata: true, abortSignal: options.signal })) {
    if (!blob.name.endsWith('.jsonl') || (options.only && !options.only(blob.name))) continue;
    const client = container.getBlockBlobClient(blob.name);
    const kept: string[] = [];
    const dropped: string[] = [];
    for await (const line of readLines(client, options.signal)) {
      if (line.trim() && drop(line)) dropped.push(line);
      else kept.push(line);
    }
    const removed = dropped.length;
    if (removed === 0) continue;
    const etag = blob.properties.etag;
    const text = kept.filter((l) => l.trim()).join('\n');
    options.onRewrite?.(blob.name, dropped, kept);
    if (!text) {
      await client
        .delete({ conditions: { ifMatch: etag }, abortSignal: options.signal })
        .catch((err: unknown) => conflict(err, `${location}/${blob.name}`));
      findings.push({ location, name: blob.name, records: removed, action: 'deleted' });
      continue;
    }
    const body = text + '\n';
    const writtenAt = ownValue(blob.metadata ?? {}, WRITTEN_AT_METADATA) ?? blob.properties.lastModified.toISOString();
    await client
      .upload(body, Buffer.byteLength(body), {
        conditions: { ifMatch: etag },
        abortSignal: options.signal,
        blobHTTPHeaders: { blobContentType: blob.properties.contentType ?? 'application/x-ndjson' },
        metadata: { ...blob.metadata, ...(options.keepWrittenAt ? { [WRITTEN_AT_METADATA]: writtenAt } : {}) },
      })
      .catch((err: unknown) => conflict(err, `${location}/${blob.name}`));
    findings.push({ location, name: blob.name, records: removed, action: 'removed' });
  }
  return findings;
}

async function eraseCurated(
  runtime: Runtime,
  target: ErasureTarget,
  found: Found,
  reports: ShardReportAmendments,
  signal?: AbortSignal,
): Promise<ErasureFinding[]> {
  const isErased = curatedMatcher(target, found);
  return filterBlobs(
    runtime.storage.container(CONTAINERS.curated),
    'curated',
    (line) => {
      let record: { conversation_id?: unknown; source?: { file?: unknown; system?: unknown }; example?: unknown; unanswered?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        return false;
      }
      if (typeof record.conversation_id !== 'string') return false;
      const file = typeof record.source?.file === 'string' ? record.source.file : undefined;
      // The customer's unanswered turns are curated text too (a customer id may be in them alone).
      const text = JSON.stringify(record.example ?? '') + (record.unanswered === undefined ? '' : JSON.stringify(record.unanswered));
      if (!isErased(record.conversation_id, file, text)) return false;
      found.conversations.add(conversationKey(file ?? '*', record.conversation_id));
      if (file !== undefined)
        found.identities.add(conversationKey(conversationSource({ file, system: record.source?.system }), record.conversation_id));
      found.ids.add(record.conversation_id);
      found.examples.add(stripWeights(record.example));
      return true;
    },
    { keepWrittenAt: true, onRewrite: (name, removed, kept) => reports.curated(name, removed, kept), signal },
  );
}

async function eraseQuarantine(
  runtime: Runtime,
  target: ErasureTarget,
  found: Found,
  reports: ShardReportAmendments,
  signal?: AbortSignal,
): Promise<ErasureFinding[]> {
  const matches = textMatcher(target);
  return filterBlobs(
    runtime.storage.container(CONTAINERS.quarantine),
    'quarantine',
    (line) => {
      let q: { file?: unknown; line?: unknown; session?: unknown; record?: unknown };
      try {
        q = JSON.parse(line) as typeof q;
      } catch {
        return false;
      }
      // Quarantine rows carry the file name and the raw record as strings.
      const file = typeof q.file === 'string' ? q.file : '';
      const record = typeof q.record === 'string' ? q.record : '';
      if (found.rawRecords.has(rawRecordKey(file, String(q.line)))) return true;
      // One of several records joined on a line: the line holds others that stay.
      if (found.rawRecords.has(rawRecordKey(file, String(q.line), record))) return true;
      // A session left out of a used chat goes with its chat, however the chat was found: its
      // record is the session's turns, not the chat's raw text (which the keys above name).
      if (typeof q.session === 'number' && recordIds(record).some((id) => found.conversations.has(conversationKey(file, id)))) return true;
      if (target.kind !== 'conversation') return matches(record);
      if (!sourceMatches(target.source, file)) return false;
      return recordIds(record).some((id) => found.ids.has(id));
    },
    { onRewrite: (name, removed) => reports.quarantine(name, removed), signal },
  );
}

/**
 * Rows of a table keyed by conversation (`feedback`: ratings and comments; `answeredby`: which
 * model answered) that belong to the found conversations, or whose comment matches the target.
 */
async function eraseConversationRows(
  runtime: Runtime,
  name: string,
  location: ErasureLocation,
  target: ErasureTarget,
  found: Found,
  signal?: AbortSignal,
): Promise<ErasureFinding | undefined> {
  const table = runtime.storage.table(name);
  const matches = textMatcher(target);
  const doomed: { partitionKey: string; rowKey: string }[] = [];
  try {
    for await (const row of table.listEntities<{ conversationId?: string; comment?: string }>({ abortSignal: signal })) {
      const hit =
        (row.conversationId !== undefined && found.ids.has(row.conversationId)) ||
        (target.kind !== 'conversation' && row.comment !== undefined && matches(row.comment));
      if (hit) doomed.push({ partitionKey: String(row.partitionKey), rowKey: String(row.rowKey) });
    }
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
  for (const row of doomed) await table.deleteEntity(row.partitionKey, row.rowKey, { abortSignal: signal });
  return doomed.length ? { location, name: `table ${name}`, records: doomed.length, action: 'deleted' } : undefined;
}

/** A dataset version counts as trained as soon as a job uploaded its files. */
function trainedOn(jobs: JobRecord[], version: string): JobRecord[] {
  return jobs.filter((j) => j.datasetVersion === version && (j.trainingFileId !== undefined || j.fineTunedModel !== undefined));
}

async function eraseDatasets(
  runtime: Runtime,
  target: ErasureTarget,
  found: Found,
  requestId: string,
  signal?: AbortSignal,
): Promise<{ findings: ErasureFinding[]; marked: MarkedModel[] }> {
  const container = runtime.storage.container(CONTAINERS.datasets);
  const jobs = await new JobStore(runtime.storage).list().catch((err: unknown) => {
    if (isStatus(err, 404)) return [] as JobRecord[];
    throw err;
  });
  const versions = new Set<string>();
  for await (const prefix of container.listBlobsByHierarchy('/', { abortSignal: signal })) {
    if (prefix.kind === 'prefix') versions.add(prefix.name.replace(/\/$/, ''));
  }
  const isErased = curatedMatcher(target, found);
  const findings: ErasureFinding[] = [];
  const marked: MarkedModel[] = [];
  const dropLine = (line: string): boolean => {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return false;
    }
    // holdout.records.jsonl (curated records) and balance-dropped.jsonl ({reason, record}).
    const record = (value.record && typeof value.record === 'object' ? value.record : value) as {
      conversation_id?: unknown;
      source?: { file?: unknown };
      example?: unknown;
    };
    if (typeof record.conversation_id === 'string') {
      const file = typeof record.source?.file === 'string' ? record.source.file : undefined;
      return isErased(record.conversation_id, file, JSON.stringify(record.example ?? ''));
    }
    if (typeof value.conversationId === 'string') return isErased(value.conversationId, undefined, JSON.stringify(value.messages ?? ''));
    return found.examples.has(stripWeights(value));
  };
  for (const version of [...versions].sort()) {
    const trained = trainedOn(jobs, version);
    // Every copy tuneloop keeps is rewritten, also of a version already trained on: the models
    // cannot forget, so they are marked, but the data itself does not stay.
    const changed = await filterBlobs(container, 'datasets', dropLine, { only: (name) => name.startsWith(`${version}/`), signal });
    if (changed.length === 0) continue;
    const trainedOnErased = trained.length > 0 && changed.some((f) => TRAINED_FILES.test(f.name));
    for (const f of changed) findings.push(trained.length > 0 && TRAINED_FILES.test(f.name) ? { ...f, trained: true } : f);
    await noteOnManifest(container, version, requestId, changed, trained.length > 0, signal);
    if (!trainedOnErased) continue;
    for (const job of trained) {
      const mark: MarkedModel = {
        jobKey: job.jobKey,
        datasetVersion: version,
        ...(job.fineTunedModel ? { fineTunedModel: job.fineTunedModel } : {}),
        ...(job.deploymentName ? { deploymentName: job.deploymentName } : {}),
      };
      marked.push(mark);
      await runtime.storage.table(TABLES.erasures).upsertEntity(
        {
          partitionKey: 'model',
          rowKey: tableKey(`${job.jobKey}|${requestId}`),
          ...mark,
          requestId,
          trainedOnErasedData: true,
          uploadsDeleted: false,
          markedAt: new Date().toISOString(),
        },
        'Replace',
      );
    }
  }
  return { findings, marked };
}

/** The dataset files a job uploads to Azure OpenAI (the holdout never leaves tuneloop). */
const TRAINED_FILES = /\/(train|validation)\.jsonl$/;

/**
 * Every marked model whose uploaded files are not yet known to be deleted: this request's, and
 * those an earlier request left (a job still running then, or Azure OpenAI unreachable), so
 * running any erasure again finishes them.
 */
async function finishUploadDeletions(runtime: Runtime, signal?: AbortSignal): Promise<ErasureFinding[]> {
  const table = runtime.storage.table(TABLES.erasures);
  const pending: { rowKey: string; jobKey: string }[] = [];
  try {
    for await (const row of table.listEntities<{ jobKey?: string; uploadsDeleted?: boolean }>({
      queryOptions: { filter: `PartitionKey eq 'model'` },
      abortSignal: signal,
    })) {
      if (row.uploadsDeleted !== true && typeof row.jobKey === 'string') pending.push({ rowKey: String(row.rowKey), jobKey: row.jobKey });
    }
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
  const findings: ErasureFinding[] = [];
  const store = new JobStore(runtime.storage);
  const done = new Map<string, ErasureFinding[]>();
  for (const mark of pending) {
    let result = done.get(mark.jobKey);
    if (!result) {
      const job = (await store.get(mark.jobKey))?.record;
      result = job ? await deleteUploadedFiles(runtime, job, signal) : [];
      done.set(mark.jobKey, result);
      findings.push(...result);
    }
    if (result.every((f) => f.action === 'deleted'))
      await table.updateEntity({ partitionKey: 'model', rowKey: mark.rowKey, uploadsDeleted: true }, 'Merge', { abortSignal: signal });
  }
  return findings;
}

/**
 * The copies of a version's training and validation files that the job uploaded to Azure OpenAI.
 * Deleted once the job has ended (the fine-tuned model does not need them); while it runs they are
 * kept and the report says so: the same erasure run again after the job deletes them.
 */
async function deleteUploadedFiles(runtime: Runtime, job: JobRecord, signal?: AbortSignal): Promise<ErasureFinding[]> {
  const ids = [job.trainingFileId, job.validationFileId].filter((id): id is string => typeof id === 'string' && id !== '');
  if (!FINAL_JOB_STATES.has(job.state)) {
    return ids.map((id) => ({
      location: 'azure-openai-files',
      name: id,
      records: 0,
      action: 'kept-running',
      trained: true,
      note: `job ${job.jobKey} is ${job.state}; run the same erasure again once it has ended`,
    }));
  }
  const findings: ErasureFinding[] = [];
  for (const id of ids) {
    try {
      await runtime.fineTune.client.openai.files.delete(id, { signal });
      findings.push({ location: 'azure-openai-files', name: id, records: 0, action: 'deleted', trained: true });
    } catch (err) {
      // Already deleted (a second run of the same request, or deleted by hand): nothing left there.
      if (isStatus(err, 404)) continue;
      const reason = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
      findings.push({
        location: 'azure-openai-files',
        name: id,
        records: 0,
        action: 'failed',
        trained: true,
        note: `could not delete it (${reason}); check TUNELOOP_OPENAI_ENDPOINT and the identity's access, then run the same erasure again`,
      });
    }
  }
  return findings;
}

async function noteOnManifest(
  container: ContainerClient,
  version: string,
  requestId: string,
  changed: ErasureFinding[],
  trained: boolean,
  signal?: AbortSignal,
): Promise<void> {
  const blob = container.getBlockBlobClient(`${version}/manifest.json`);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse((await blob.downloadToBuffer(0, undefined, { abortSignal: signal })).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    if (isStatus(err, 404)) return;
    throw err;
  }
  const counts = (manifest.counts ?? {}) as Record<string, number>;
  for (const f of changed) {
    const split = /\/(train|validation|holdout)\.jsonl$/.exec(f.name)?.[1];
    if (split && typeof counts[split] === 'number') counts[split] -= f.records;
  }
  const erasures: unknown[] = Array.isArray(manifest.erasures) ? manifest.erasures : [];
  // A trained version's counts say what the file holds now; `trained` says the models saw more.
  manifest.erasures = [
    ...erasures,
    { requestId, ...(trained ? { trained: true } : {}), removed: Object.fromEntries(changed.map((f) => [f.name, f.records])) },
  ];
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await blob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' }, abortSignal: signal });
}

async function recordAudit(runtime: Runtime, report: ErasureReport): Promise<void> {
  const table = runtime.storage.table(TABLES.erasures);
  await table.createTable().catch(() => undefined);
  await table.upsertEntity(
    {
      partitionKey: 'request',
      rowKey: tableKey(report.requestId),
      at: report.at,
      targetKind: report.target.kind,
      targetHash: report.target.hash,
      conversations: report.conversations,
      found: JSON.stringify(report.found).slice(0, 30_000),
      modelsMarked: JSON.stringify(report.modelsMarked).slice(0, 30_000),
    },
    'Replace',
  );
  const records = report.found.reduce((n, f) => n + f.records, 0);
  await notify(runtime, {
    type: EVENT_TYPES.erasureCompleted,
    subject: `erasures/${report.requestId}`,
    id: `erasure-${report.requestId}`,
    data: {
      request_id: report.requestId,
      target_kind: report.target.kind,
      target_hash: report.target.hash,
      conversations: report.conversations,
      records_removed: records,
      places: report.found.length,
      models_marked: report.modelsMarked.length,
      models: report.modelsMarked.map((m) => m.fineTunedModel ?? m.jobKey),
    },
  });
  await runtime.telemetry.flush();
}
