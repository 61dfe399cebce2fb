import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { PreprocessConfig } from './datasetConfig';
import { noExport } from '../ingest/archive';
import { emailFilesAsMbox, joinedFilesText, JOINED_MAILBOX, mailKindOf } from '../ingest/emailFiles';
import {
  JOINED_SLACK,
  slackExportFiles,
  slackExportOf,
  slackExportRows,
  slackJoinNotice,
  type SlackExportLayout,
} from '../ingest/slackExport';
import { listLogFiles, readFileUpTo } from '../ingest/files';
import {
  mayHoldFeedback,
  mayHoldFeedbackRecords,
  mayHoldFeedbackRecordsInFile,
  parseInputDeferring,
  parseJsonLine,
  type ParseOptions,
} from '../ingest/parse';
import { createRoleMapper } from '../ingest/roles';
import { isLegacyEncoding, type DeclaredEncoding } from '../ingest/encoding';
import type { DeclaredTimeZone } from '../ingest/timeZone';
import { MAPPING_FILE_NAME, MappingError, parseMappingText, type Mapping } from '../ingest/mapping';
import { createConversationExecutor, preprocessWorkers } from './conversationPool';
import { preprocessStages } from './pipelineStages';
import { emptyStats, preprocessStream, runQualitySummary } from './preprocess';
import type { FeedbackStore } from './feedbackStore';
import { exampleText, quarantineLine } from './records';
import { buildReport, FILE_NOTICE, type PreprocessReport } from './preprocessReport';
import { openScratchDatabase, ScratchFeedbackStore, ScratchSignatureStore, WriteBatcher } from './scratchStore';
import { SpilledTrainingSplit } from './spilledBalance';
import type { Split } from './split';
import { StepTimings } from './timings';
import { TuneloopError } from '../errors';
import { UNDATED } from '../quality/dedup';

export const PREPARE_OUTPUTS = ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json'] as const;

export interface PrepareOptions {
  /** Files or folders (folders are read recursively, in name order; hidden entries skipped). */
  inputs: string[];
  outDir: string;
  /** Paths are resolved against it and shown relative to it (so outputs do not depend on where the repo lives). */
  cwd: string;
  /** From `preprocessConfig(settings)` (src/shared/composition/config.ts). */
  config: PreprocessConfig;
  /** Overrides TUNELOOP_BASE_MODEL. */
  model?: string;
  /** Overrides TUNELOOP_SYSTEM_PROMPT. */
  systemPrompt?: string;
  /** Epochs for the cost estimate (default: TUNELOOP_FINETUNE_EPOCHS, else 3). */
  epochs?: number;
  /**
   * Worker threads for the per-conversation work; default TUNELOOP_PREPROCESS_WORKERS, else every
   * core. Outputs are byte-identical for any number.
   */
  workers?: number;
  /**
   * The encoding every input file is in (`--encoding`; `resolveEncodingLabel`); absent: UTF-8
   * (with UTF-16 and Windows-1252 lines read as described in docs/input-formats.md).
   */
  encoding?: DeclaredEncoding;
  /**
   * The zone every input file's zone-less timestamps were written in (`--timezone`;
   * `resolveTimeZone`); absent: the config's (TUNELOOP_INPUT_TIMEZONE, default UTC).
   */
  timeZone?: DeclaredTimeZone;
  /** Progress (the CLI shows it on a terminal only), every few hundred records and at the end of each file. */
  onProgress?: (progress: PrepareProgress) => void;
  signal?: AbortSignal;
}

export interface PrepareProgress {
  /** The file being read (as shown in reports). */
  file: string;
  /** Records handled so far, over all files. */
  records: number;
  /** Bytes read so far (as stored: compressed for .gz files), over all files. */
  bytesRead: number;
  /** Bytes of all inputs. */
  totalBytes: number;
  elapsedMs: number;
  /** True once the last file is read (the balance step and renames follow). */
  done: boolean;
}

export interface PrepareResult {
  report: PreprocessReport & { inputs: string[] };
  files: Record<(typeof PREPARE_OUTPUTS)[number], string>;
}

/** An input path that does not exist or holds no files. */
export class PrepareInputError extends TuneloopError {}

/**
 * `tuneloop prepare`: the preprocessing pipeline of the blob function over local files, with
 * in-memory feedback and duplicate signatures instead of tables. Writes train / validation /
 * holdout fine-tuning files, quarantine.jsonl and report.json; the same inputs give byte-identical
 * outputs. All or nothing: outputs are written under temporary names and renamed at the end.
 */
export async function prepareDataset(options: PrepareOptions): Promise<PrepareResult> {
  const { config, signal } = options;
  const model = options.model ?? config.model;
  const folderNotices: string[] = [];
  const inputs = await expandInputs(options.inputs, options.cwd, folderNotices);
  const files = inputs.map((i) => i.path);
  const shown = new Map(inputs.map((i) => [i.path, i.display]));
  // E-mail files joined into one mailbox: read from their own files (see `expandInputs`).
  const joinedEmails = new Map(inputs.flatMap((i) => (i.emails ? [[i.path, i.emails] as const] : [])));
  // A Slack export's day files joined into message rows: read from their own files (see `expandInputs`).
  const joinedSlack = new Map(inputs.flatMap((i) => (i.slack ? [[i.path, i.slack] as const] : [])));
  const open = (file: string) => {
    const emails = joinedEmails.get(file);
    const slack = joinedSlack.get(file);
    if (slack) {
      // Progress counts the day files read (their sizes are the input's), not the longer rows made of them.
      const users = `${slack.layout.root}users.json`;
      const readDay = async (name: string, limit: number) => {
        const bytes = await readFileUpTo(join(slack.dir, name), limit);
        if (bytes && name !== users) read.bytes += bytes.length;
        return bytes;
      };
      return slackExportRows(slack.layout, readDay, { roles: createRoleMapper(config.speakerRoles), signal });
    }
    return emails
      ? emailFilesAsMbox(
          emails.map((e) => ({ name: e.name, bytes: () => createReadStream(e.path, { highWaterMark: 256 * 1024 }) })),
          signal,
        )
      : createReadStream(file, { highWaterMark: 256 * 1024 });
  };
  const display = (file: string) => shown.get(file) ?? file;
  const mappingOf = await mappingsNextTo(inputs);
  const outDir = resolve(options.cwd, options.outDir);
  await mkdir(outDir, { recursive: true });

  const started = performance.now();
  const sizeOf = async (path: string) => (await stat(path)).size;
  const sizes = await Promise.all(
    inputs.map(async ({ path, emails, slack }) => {
      if (emails) return (await Promise.all(emails.map((e) => sizeOf(e.path)))).reduce((a, b) => a + b, 0);
      if (slack) return (await Promise.all(slack.layout.days.map((d) => sizeOf(join(slack.dir, d.name))))).reduce((a, b) => a + b, 0);
      return sizeOf(path);
    }),
  );
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const read = { bytes: 0 };
  // Split counts, duplicate signatures, feedback and the held-back training split live in a
  // scratch database and spill file, so memory stays flat however large the inputs.
  const scratch = await mkdtemp(join(outDir, '.prepare-scratch-'));
  let db: ReturnType<typeof openScratchDatabase>;
  try {
    db = openScratchDatabase(join(scratch, 'scratch.db'));
  } catch (error) {
    // Nothing else is open yet; the scratch folder must not outlive the failed run.
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  const batch = new WriteBatcher(db);
  const feedback = new ScratchFeedbackStore(db);
  const train = new SpilledTrainingSplit(db, batch, join(scratch, 'train.spill'), 'tuneloop');
  const signatures = new ScratchSignatureStore(db, batch, { signatureFile: join(scratch, 'signatures.bin') });
  const stages = preprocessStages({ quality: config.quality, signatures, now: UNDATED });
  // Off by default: wall times differ run to run, and the report must be byte-identical.
  const timings = config.debugTimings ? new StepTimings() : undefined;
  const builder = { model, systemPrompt: options.systemPrompt ?? config.systemPrompt };
  const executor = createConversationExecutor(
    { quality: config.quality, builder, timings: !!timings },
    preprocessWorkers(options.workers ?? config.workers),
    () => ({ stages, builder, timings: !!timings }),
  );

  const tmpSuffix = `.tmp-${process.pid}`;
  const paths = Object.fromEntries(PREPARE_OUTPUTS.map((n) => [n, join(outDir, n)])) as PrepareResult['files'];
  const writers: Record<Split | 'quarantine', LineWriter> = {
    train: new LineWriter(paths['train.jsonl'] + tmpSuffix),
    validation: new LineWriter(paths['validation.jsonl'] + tmpSuffix),
    holdout: new LineWriter(paths['holdout.jsonl'] + tmpSuffix),
    quarantine: new LineWriter(paths['quarantine.jsonl'] + tmpSuffix),
  };
  const stats = emptyStats();
  for (const notice of folderNotices) stats.notes[`${FILE_NOTICE}${notice}`] = 1;
  const timeZone = options.timeZone ?? config.inputTimeZone;
  let balanceReport: Record<string, unknown> | undefined;
  try {
    // A rating may come after the conversation it rates (later in its file, or in a later file);
    // `prepare` is one run with no later assembly to join it (the blob path has the nightly one),
    // so the ratings of every file are stored before the main pass, which then counts them without
    // storing them again. A file without any is ruled out by a byte search (no parse).
    const feedbackFirst = new Set<string>();
    for (const file of files) {
      // A mailbox and a Slack export hold no ratings.
      if (joinedEmails.has(file) || joinedSlack.has(file)) continue;
      if (
        await storeFeedback(
          file,
          {
            fileName: display(file),
            speakerRoles: config.speakerRoles,
            mappings: mappingOf(file),
            signal,
            encoding: options.encoding,
            timeZone,
          },
          feedback,
        )
      )
        feedbackFirst.add(file);
    }
    for (const file of files) {
      const name = display(file);
      const progress = (done: boolean) =>
        options.onProgress?.({
          file: name,
          records: stats.records_in,
          bytesRead: read.bytes,
          totalBytes,
          elapsedMs: performance.now() - started,
          done,
        });
      await preprocessStream(
        joinedSlack.has(file) ? open(file) : countBytes(open(file), read),
        {
          fileName: name,
          model,
          systemPrompt: builder.systemPrompt,
          speakerRoles: config.speakerRoles,
          mappings: mappingOf(file),
          encoding: options.encoding,
          timeZone,
          shares: config.shares,
          stages,
          executor,
          feedback,
          feedbackStored: feedbackFirst.has(file),
          sink: {
            curated: (record) => (record.split === 'train' ? train.add(record) : writeLine(writers[record.split], exampleText(record))),
            quarantine: (record) => writers.quarantine.write(quarantineLine(record)),
          },
          onProgress: options.onProgress ? () => progress(false) : undefined,
          progressEvery: 250,
          timings,
          signal,
        },
        stats,
      );
      progress(file === files[files.length - 1]);
    }
    const maxShare = config.balance.maxShare;
    const balanced = await train.finish(
      { maxShare, minShare: config.balance.minShare, seed: 'tuneloop' },
      { train: (line) => writers.train.write(line), quarantine: (q) => writers.quarantine.write(quarantineLine(q)) },
    );
    stats.records_used -= balanced.conversationsDropped;
    stats.records_quarantined += balanced.conversationsDropped;
    if (balanced.conversationsDropped)
      stats.quarantine_reasons['balance-cap'] = (stats.quarantine_reasons['balance-cap'] ?? 0) + balanced.conversationsDropped;
    stats.examples.train += balanced.examplesAdded - balanced.examplesDropped;
    stats.train_tokens += balanced.tokensDelta;
    for (const [kind, n] of Object.entries(balanced.byKind)) stats.examples_by_kind[kind as keyof typeof stats.examples_by_kind] += n;
    balanceReport = {
      max_share: maxShare,
      effective_max_share: balanced.effectiveMaxShare,
      before: balanced.before,
      after: balanced.after,
      examples_dropped: balanced.examplesDropped,
      examples_upsampled: balanced.examplesAdded,
    };
    await Promise.all(Object.values(writers).map((w) => w.close()));
  } catch (err) {
    await Promise.all(Object.values(writers).map((w) => w.discard()));
    throw err;
  } finally {
    await executor.close();
    train.close();
    signatures.close();
    db.close();
    await rm(scratch, { recursive: true, force: true });
  }
  const trainBytes = writers.train.bytes;
  const report = {
    inputs: files.map(display),
    ...buildReport(stats, {
      model,
      epochs: options.epochs ?? config.epochs,
      quality: { ...runQualitySummary(stages, stats), balance: balanceReport },
      trainFileBytes: trainBytes,
      datasetComplete: true,
      timings: timings?.toJSON(),
    }),
  };
  for (const [split, writer] of Object.entries(writers)) {
    await rename(writer.path, paths[(split + '.jsonl') as keyof PrepareResult['files']]);
  }
  const reportTmp = paths['report.json'] + tmpSuffix;
  const reportWriter = new LineWriter(reportTmp);
  await reportWriter.write(JSON.stringify(report, null, 2) + '\n');
  await reportWriter.close();
  await rename(reportTmp, paths['report.json']);
  return { report, files: paths };
}

/**
 * Stores the feedback records of one file, in file order, when it may hold any
 * (`mayHoldFeedbackRecords`); true when it did so (the file's feedback is then all stored). Only
 * JSON lines that may be feedback (`mayHoldFeedback`) are parsed; CSV and JSON documents are
 * parsed whole, as the main pass parses them.
 */
async function storeFeedback(file: string, options: ParseOptions, store: FeedbackStore): Promise<boolean> {
  const scan = { fileName: options.fileName, signal: options.signal, encoding: options.encoding };
  // The file version reads bytes as UTF-8; the stream version transcodes a declared encoding.
  const inFile = options.encoding && isLegacyEncoding(options.encoding.name) ? undefined : mayHoldFeedbackRecordsInFile(file);
  const may = inFile ?? (await mayHoldFeedbackRecords(createReadStream(file, { highWaterMark: 256 * 1024 }), scan));
  if (!may) return false;
  const roles = createRoleMapper(options.speakerRoles);
  for await (const item of parseInputDeferring(createReadStream(file, { highWaterMark: 256 * 1024 }), options)) {
    const parsed =
      item.type !== 'line' ? item : mayHoldFeedback(item.text) ? parseJsonLine(item.line, item.text, item.context, roles) : undefined;
    if (parsed?.type === 'feedback') await store.put(parsed.feedback, options.signal);
  }
  return true;
}

export function isMappingFile(path: string): boolean {
  return basename(path) === MAPPING_FILE_NAME;
}

/**
 * The mappings for each input file: `tuneloop.mapping.json` in the file's folder, read and
 * validated once per folder. An invalid mapping stops `prepare` before anything is written.
 */
async function mappingsNextTo(inputs: readonly InputFile[]): Promise<(file: string) => Mapping[] | undefined> {
  const byDir = new Map<string, Mapping[] | undefined>();
  for (const input of inputs) {
    const dir = dirname(input.path);
    if (byDir.has(dir)) continue;
    const path = join(dir, MAPPING_FILE_NAME);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        byDir.set(dir, undefined);
        continue;
      }
      throw new PrepareInputError(`${mappingDisplay(input)}: cannot read the mapping (${(err as Error).message})`);
    }
    try {
      byDir.set(dir, parseMappingText(text, mappingDisplay(input)));
    } catch (err) {
      if (err instanceof MappingError) throw new PrepareInputError(err.message);
      throw err;
    }
  }
  return (file) => byDir.get(dirname(file));
}

function mappingDisplay(input: InputFile): string {
  const slash = input.display.lastIndexOf('/');
  return slash === -1 ? MAPPING_FILE_NAME : `${input.display.slice(0, slash)}/${MAPPING_FILE_NAME}`;
}

/** A file of a mailbox: an mbox folder, or one e-mail (.eml, .msg, a Maildir message). */
interface MailFile {
  path: string;
  /** Its path in the folder (what the joined mailbox names it by). */
  name: string;
  /** How it is shown when read alone (one mbox folder is read as it is). */
  display: string;
  mailbox: boolean;
}

interface InputFile {
  path: string;
  /** The path as the user gave it (a folder's files: the folder as given, then the path inside it). */
  display: string;
  /** E-mail files read together as one mailbox (`path` is then `<folder>/email-files.mbox`, no file). */
  emails?: MailFile[];
  /** A Slack export's day files read as one file of message rows (`path` is then `<folder>/slack-messages.jsonl`, no file). */
  slack?: { dir: string; layout: SlackExportLayout };
}

async function expandInputs(inputs: string[], cwd: string, notices: string[]): Promise<InputFile[]> {
  if (!inputs.length) throw new PrepareInputError('no input files given');
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const looseEmails: MailFile[] = [];
  const add = (file: string, display: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      out.push({ path: file, display });
    }
  };
  for (const input of inputs) {
    const path = resolve(cwd, input);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new PrepareInputError(`${input}: no such file or folder`);
    }
    if (info.isDirectory()) {
      const found = (await listLogFiles(path)).filter((f) => !isMappingFile(f));
      if (!found.length) throw new PrepareInputError(`${input}: the folder holds no files`);
      const base = input.replace(/[\\/]+$/, '') || input;
      // A chat export's folder holds its photos, styles and scripts beside the chat: passed over, and said.
      const skipped = new Map<string, number>();
      const emails: MailFile[] = [];
      // An unzipped Slack export: its day files are one file of message rows (ingest/slackExport).
      const slack = slackExportOf(found.map((file) => relative(path, file).split(sep).join('/')));
      const slackFiles = slackExportFiles(slack);
      if (slack) {
        const joined = `${base}/${slack.root}${JOINED_SLACK}`;
        out.push({ path: join(path, slack.root, JOINED_SLACK), display: joined, slack: { dir: path, layout: slack } });
        notices.push(`${base}: ${slackJoinNotice(slack, joined)}`);
      }
      for (const file of found) {
        const inside = relative(path, file).split(sep).join('/');
        if (slackFiles.has(inside)) continue;
        const why = noExport(inside);
        // E-mail files and the folders of a mailbox (Thunderbird's Inbox and Sent, Apple Mail's Inbox.mbox and Sent.mbox).
        const kind = why ? undefined : mailKindOf(inside, file);
        if (why) skipped.set(why, (skipped.get(why) ?? 0) + 1);
        else if (kind) emails.push({ path: file, name: inside, display: `${base}/${inside}`, mailbox: kind === 'mailbox' });
        else add(file, `${base}/${inside}`);
      }
      if (skipped.size)
        notices.push(`${base}: files that are no export were passed over (${[...skipped].map(([why, n]) => `${why} ×${n}`).join(', ')})`);
      if (emails.length) addEmails(join(path, JOINED_MAILBOX), `${base}/${JOINED_MAILBOX}`, emails, base);
    } else if (isMappingFile(path)) {
      throw new PrepareInputError(
        `${input}: this is a mapping, not data; it applies to the data files next to it, give those (or the folder)`,
      );
    } else {
      const name = input.split(sep).join('/');
      const kind = mailKindOf(name, path);
      if (kind) looseEmails.push({ path, name, display: input, mailbox: kind === 'mailbox' });
      else add(path, input);
    }
  }
  // Mail files given one by one are one mailbox too (`tuneloop prepare mail/*.eml`, `tuneloop prepare Inbox Sent`).
  if (looseEmails.length) addEmails(resolve(cwd, JOINED_MAILBOX), JOINED_MAILBOX, looseEmails, 'the mail files given');
  return out;

  // A thread needs all its messages, so a folder's mail files are one mailbox (ingest/emailFiles); one mbox alone is read as it is.
  function addEmails(path: string, display: string, emails: MailFile[], what: string) {
    const fresh = emails.filter((e) => !seen.has(e.path));
    if (fresh.length === 1 && fresh[0].mailbox) {
      add(fresh[0].path, fresh[0].display);
      return;
    }
    if (!fresh.length) return;
    for (const e of fresh) seen.add(e.path);
    out.push({ path, display, emails: fresh });
    const mailboxes = fresh.filter((e) => e.mailbox).length;
    notices.push(`${what}: ${joinedFilesText(mailboxes, fresh.length - mailboxes)} read together as one mailbox, ${display}`);
  }
}

/** Counts the bytes that pass (for progress and throughput). */
async function* countBytes(source: AsyncIterable<Buffer | string>, counter: { bytes: number }): AsyncIterable<Buffer> {
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counter.bytes += buffer.length;
    yield buffer;
  }
}

/**
 * Appends lines to a file with backpressure, handing the stream about 128 KB at a time: one write
 * per line cost a buffer, a request and a promise per line on the coordinating thread. Text is
 * encoded straight into the chunk and bytes are copied into it (issue #10, tenth round: joining
 * the pending lines into one string, which the stream then encoded again, was 80 MB of the main
 * thread's 590 MB of garbage per 30 MB of input).
 */
class LineWriter {
  private readonly stream: WriteStream;
  private chunk = Buffer.allocUnsafeSlow(WRITE_CHUNK);
  private used = 0;
  bytes = 0;
  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
  }
  /** Appends text (UTF-8 encoded) or bytes; a promise only when the stream asks to wait. */
  write(data: string | Uint8Array): Promise<void> | undefined {
    // A UTF-16 unit is at most 3 bytes of UTF-8.
    const most = typeof data === 'string' ? data.length * 3 : data.length;
    if (most <= WRITE_CHUNK - this.used) {
      this.append(data);
      return undefined;
    }
    let ready = this.handOff();
    if (most <= WRITE_CHUNK) this.append(data);
    else {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      this.bytes += bytes.length;
      ready = this.stream.write(bytes) && ready;
    }
    return ready ? undefined : this.drained();
  }
  async close(): Promise<void> {
    if (!this.handOff()) await this.drained();
    this.stream.end();
    await once(this.stream, 'close');
  }
  async discard(): Promise<void> {
    this.used = 0;
    this.stream.destroy();
    await rm(this.path, { force: true });
  }
  private append(data: string | Uint8Array): void {
    let length = data.length;
    if (typeof data === 'string') length = this.chunk.write(data, this.used, 'utf8');
    else this.chunk.set(data, this.used);
    this.used += length;
    this.bytes += length;
  }
  /** Gives the filled part of the chunk to the stream (which keeps it) and starts a new chunk; false when the stream is full. */
  private handOff(): boolean {
    if (!this.used) return true;
    const filled = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafeSlow(WRITE_CHUNK);
    this.used = 0;
    return this.stream.write(filled);
  }
  private async drained(): Promise<void> {
    await once(this.stream, 'drain');
  }
}

/** A line and its newline, without building the joined string (the writer would flatten it into a copy). */
function writeLine(writer: LineWriter, text: string): Promise<void> | undefined {
  const first = writer.write(text);
  if (first) return first.then(() => writer.write('\n'));
  return writer.write('\n');
}

/** Bytes handed to a file stream at once. */
const WRITE_CHUNK = 128 * 1024;
