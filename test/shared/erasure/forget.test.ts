import fs from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings, type Settings } from '../../../src/shared/config/settings';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { assembleDataset, type DatasetManifest } from '../../../src/shared/dataset/assembly';
import { forget, conversationTarget, matchTarget, textMatcher, ERASURE_REWRITE_METADATA } from '../../../src/shared/erasure';
import { JobStore } from '../../../src/shared/finetune/jobStore';
import { TableFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { CONTAINERS, TABLES, QUEUES } from '../../../src/shared/storage/names';
import { LocalJsonlTelemetry } from '../../../src/shared/telemetry/localSink';
import { LocalEventSink } from '../../../src/shared/telemetry/events';
import { runCli } from '../../../src/cli/main';
import { functionDefinitions } from '../../../src/functions/registry';
import { LocalHost } from '../../../src/local/host';
import { givenRuntime } from '../../../src/functions/runtimeSource';
import { captureIo } from '../../setup/cli';
import { startPrivateAzurite } from '../../setup/storage';
import { conversationLine, conversationsJsonl, freshConversations } from '../dataset/fixtures';

/**
 * The right to be forgotten, end to end on a private Azurite: preprocess real blobs, assemble a
 * trained and an untrained dataset version, then erase by conversation and by e-mail and look in
 * every place tuneloop keeps data.
 */
describe('tuneloop forget (private Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let dir: string;
  let runtime: Runtime;
  let settings: Settings;
  let trained: DatasetManifest;
  let untrained: DatasetManifest;
  const EMAIL = 'jane.doe@example.com';
  const PHONE = '+44 7700 900123';

  const day1 =
    conversationsJsonl(24, 'c') +
    conversationLine('c-mail', {
      issue: 'account',
      turns: [
        ['customer', `Please change the e-mail on my account to ${EMAIL} before the renewal on Friday.`],
        ['agent', 'Done: the address on your account is updated and a confirmation goes out today.'],
      ],
    }) +
    '\n' +
    `{"conversation_id": "broken", "messages": [{"role": "customer", "text": "call me on ${PHONE} or write to ${EMAIL}"}\n`;
  const day2 = freshConversations(12, 'd', 1);
  const feedback =
    [
      JSON.stringify({ conversation_id: 'c-3', rating: 2, comment: 'slow' }),
      JSON.stringify({ conversation_id: 'c-mail', rating: 5, comment: `thanks, reach me at ${EMAIL}` }),
      JSON.stringify({ conversation_id: 'c-4', rating: 4 }),
    ].join('\n') + '\n';

  async function text(container: string, name: string): Promise<string> {
    return (await azurite.storage.container(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
  }
  async function allText(container: string): Promise<string> {
    let out = '';
    for await (const b of azurite.storage.container(container).listBlobsFlat()) out += (await text(container, b.name)) + '\n';
    return out;
  }
  async function rows(table: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for await (const r of azurite.storage.table(table).listEntities()) out.push(r);
    return out;
  }
  /** The conversation ids of a version's sources.jsonl; throws unless it names exactly the train and validation lines. */
  async function sourcesOf(m: DatasetManifest): Promise<string[]> {
    const sources = (await text(CONTAINERS.datasets, m.files.sources))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { split: string; example_sha256: string; conversation_id: string });
    for (const split of ['train', 'validation'] as const) {
      const hashes = (await text(CONTAINERS.datasets, m.files[split]))
        .split('\n')
        .filter((l) => l)
        .map((l) => createHash('sha256').update(l).digest('hex'));
      expect(
        sources
          .filter((s) => s.split === split)
          .map((s) => s.example_sha256)
          .sort(),
      ).toEqual([...new Set(hashes)].sort());
    }
    return sources.map((s) => s.conversation_id);
  }
  async function upload(name: string, body: string) {
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
  }

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-forget-'));
    settings = loadSettings({
      TUNELOOP_STORAGE: azurite.connectionString,
      TUNELOOP_LOCAL_DIR: dir,
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES: '1',
    });
    runtime = createRuntime(settings, {
      storage: azurite.storage,
      telemetry: new LocalJsonlTelemetry({ path: path.join(dir, 'telemetry.jsonl') }),
      events: new LocalEventSink(path.join(dir, 'events.jsonl')),
    });
    await upload('chats/day-1.jsonl', day1);
    await upload('feedback/ratings.jsonl', feedback);
    expect((await preprocessBlob(runtime, 'chats/day-1.jsonl')).status).toBe('processed');
    expect((await preprocessBlob(runtime, 'feedback/ratings.jsonl')).status).toBe('processed');
    const first = await assembleDataset(runtime, { now: new Date('2026-11-01T02:00:00Z'), submit: false });
    if (first.outcome !== 'submitted') throw new Error(JSON.stringify(first));
    trained = first.manifest;
    // A job uploaded the first version and produced a model: that version counts as trained.
    const jobs = new JobStore(azurite.storage);
    await jobs.ensure();
    await jobs.create({
      jobKey: `job-${trained.version}`,
      datasetVersion: trained.version,
      state: 'succeeded',
      baseModel: 'gpt-4o-mini-2024-07-18',
      trainingFileId: 'file-1',
      fineTunedModel: 'gpt-4o-mini-2024-07-18.ft-trained',
      pollCount: 0,
      retries: 0,
      quotaWaits: 0,
      createdAt: '2026-11-01T02:00:00Z',
      updatedAt: '2026-11-01T03:00:00Z',
      history: [],
    });
    await upload('chats/day-2.jsonl', day2);
    expect((await preprocessBlob(runtime, 'chats/day-2.jsonl')).status).toBe('processed');
    const second = await assembleDataset(runtime, { now: new Date('2026-11-02T02:00:00Z'), submit: false });
    if (second.outcome !== 'submitted') throw new Error(JSON.stringify(second));
    untrained = second.manifest;
  }, 300_000);

  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('erases one conversation from raw logs, curated shards, feedback and the untrained dataset; marks the trained model; reports where', async () => {
    const c3 = /"conversation_id":"c-3"/;
    expect(await text(CONTAINERS.raw, 'chats/day-1.jsonl')).toMatch(c3);
    const before =
      (await text(CONTAINERS.datasets, untrained.files.holdoutRecords)) +
      (await text(CONTAINERS.datasets, untrained.files.train)) +
      (await text(CONTAINERS.datasets, untrained.files.validation));
    expect(before).toContain('customer number 23757 '); // c-3's words (3 × 7919)
    // c-3 is a train or validation example of both versions, so each sources.jsonl names it.
    expect(await sourcesOf(untrained)).toContain('c-3');
    expect(await sourcesOf(trained)).toContain('c-3');
    const trainedBefore =
      (await text(CONTAINERS.datasets, trained.files.train)) +
      (await text(CONTAINERS.datasets, trained.files.validation)) +
      (await text(CONTAINERS.datasets, trained.files.holdout));

    // The row preprocessing writes when a log names its answering model (CSAT per model): c-3's and c-4's.
    const answered = new TableFeedbackStore(runtime.storage.table(TABLES.feedback), {
      answered: runtime.storage.table(TABLES.answeredBy),
      rated: runtime.storage.table(TABLES.rated),
    });
    for (const id of ['c-3', 'c-4'])
      await answered.answeredBy({ conversationId: id, answeringModel: 'support-bot', file: 'chats/day-1.jsonl', line: 4 });

    const report = await forget(runtime, conversationTarget('chats/day-1.jsonl/c-3'), { requestId: 'req-1' });

    expect(report.conversations).toBe(1);
    const places = Object.fromEntries(report.found.map((f) => [`${f.location}:${f.action}`, f]));
    const rawFound = report.found.filter((f) => f.location === 'raw-logs').map((f) => [f.name, f.records, f.action]);
    expect(rawFound.sort()).toEqual([
      ['chats/day-1.jsonl', 1, 'removed'],
      ['feedback/ratings.jsonl', 1, 'removed'],
    ]);
    expect(places['curated:removed'].records).toBeGreaterThanOrEqual(1);
    expect(places['feedback:deleted']).toMatchObject({ records: 1 });
    expect(places['answered-by:deleted']).toMatchObject({ name: `table ${TABLES.answeredBy}`, records: 1 });
    // c-3's rating had listed the conversation in the index of rated conversations.
    expect(places['rated:deleted']).toMatchObject({ name: `table ${TABLES.rated}`, records: 1 });
    expect((await rows(TABLES.answeredBy)).map((r) => r.conversationId)).toEqual(['c-4']);
    expect(report.found.some((f) => f.location === 'datasets' && f.action === 'removed' && f.name.startsWith(untrained.version))).toBe(
      true,
    );
    // The trained version is rewritten too (the model cannot forget, so it is marked); its uploads wait for the job to end.
    expect(
      report.found.some((f) => f.location === 'datasets' && f.action === 'removed' && f.trained && f.name.startsWith(trained.version)),
    ).toBe(true);
    expect(report.found.filter((f) => f.location === 'azure-openai-files')).toEqual([
      expect.objectContaining({ name: 'file-1', action: 'kept-running', trained: true }),
    ]);
    expect(report.modelsMarked).toEqual([
      { jobKey: `job-${trained.version}`, datasetVersion: trained.version, fineTunedModel: 'gpt-4o-mini-2024-07-18.ft-trained' },
    ]);

    // Raw: the line is gone, every other line is intact, and the rewrite is not preprocessed again.
    const raw = await text(CONTAINERS.raw, 'chats/day-1.jsonl');
    expect(raw).not.toMatch(c3);
    expect(raw.split('\n').length).toBe(day1.split('\n').length - 1);
    const props = await azurite.storage.container(CONTAINERS.raw).getBlobClient('chats/day-1.jsonl').getProperties();
    expect(props.metadata?.[ERASURE_REWRITE_METADATA]).toBe('req-1');
    expect(await preprocessBlob(runtime, 'chats/day-1.jsonl')).toMatchObject({ status: 'duplicate', previous: 'erased' });
    // The feedback file's line about c-3 is gone too; the others stay.
    const ratings = await text(CONTAINERS.raw, 'feedback/ratings.jsonl');
    expect(ratings).not.toMatch(c3);
    expect(ratings).toMatch(/c-4/);

    expect(await allText(CONTAINERS.curated)).not.toMatch(/"conversation_id":"c-3"/);
    expect((await rows(TABLES.feedback)).filter((r) => r.conversationId === 'c-3')).toEqual([]);
    expect((await rows(TABLES.feedback)).filter((r) => r.conversationId === 'c-4')).toHaveLength(1);
    expect((await rows(TABLES.rated)).filter((r) => r.conversationId === 'c-3')).toEqual([]);
    expect((await rows(TABLES.rated)).filter((r) => r.conversationId === 'c-4')).toHaveLength(1);

    // Both versions rewritten; each manifest notes the erasure, the trained one says so.
    const after =
      (await text(CONTAINERS.datasets, untrained.files.holdoutRecords)) +
      (await text(CONTAINERS.datasets, untrained.files.train)) +
      (await text(CONTAINERS.datasets, untrained.files.validation));
    expect(after).not.toContain('customer number 23757 ');
    expect(after).not.toMatch(/"conversationId":"c-3"|"conversation_id":"c-3"/);
    // sources.jsonl loses c-3's lines with train.jsonl / validation.jsonl, and still names exactly their lines.
    for (const m of [untrained, trained]) {
      const ids = await sourcesOf(m);
      expect(ids).not.toContain('c-3');
      expect(ids).toContain('c-4');
    }
    expect(report.found.some((f) => f.location === 'datasets' && f.name === untrained.files.sources && f.action === 'removed')).toBe(true);
    const manifest = JSON.parse(await text(CONTAINERS.datasets, `${untrained.version}/manifest.json`));
    expect(manifest.erasures).toEqual([expect.objectContaining({ requestId: 'req-1' })]);
    const trainedAfter =
      (await text(CONTAINERS.datasets, trained.files.train)) +
      (await text(CONTAINERS.datasets, trained.files.validation)) +
      (await text(CONTAINERS.datasets, trained.files.holdout));
    expect(trainedBefore).toContain('customer number 23757 ');
    expect(trainedAfter).not.toContain('customer number 23757 ');
    expect(JSON.parse(await text(CONTAINERS.datasets, `${trained.version}/manifest.json`)).erasures).toEqual([
      expect.objectContaining({ requestId: 'req-1', trained: true }),
    ]);
    const marks = (await rows(TABLES.erasures)).filter((r) => r.partitionKey === 'model');
    expect(marks).toEqual([expect.objectContaining({ jobKey: `job-${trained.version}`, trainedOnErasedData: true, requestId: 'req-1' })]);

    // Audit: a row and an event, neither holding the conversation id.
    const audit = (await rows(TABLES.erasures)).filter((r) => r.partitionKey === 'request');
    expect(audit).toEqual([expect.objectContaining({ rowKey: 'req-1', targetKind: 'conversation', conversations: 1 })]);
    const events = fs
      .readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const erased = events.filter((e) => e.type === 'tuneloop.erasure.completed');
    expect(erased).toHaveLength(1);
    expect(erased[0].data).toMatchObject({ request_id: 'req-1', conversations: 1, models_marked: 1 });
    expect(JSON.stringify(erased[0])).not.toMatch(/c-3/);

    // Running the same request again finds nothing more.
    const again = await forget(runtime, conversationTarget('chats/day-1.jsonl/c-3'), { requestId: 'req-1' });
    // Only the uploads of the job still running remain to do.
    expect(again.found.filter((f) => f.action !== 'kept-running')).toEqual([]);
  }, 300_000);

  it('the next retrain leaves an erased conversation out even when its shard comes back', async () => {
    // A shard written while the erasure ran (or a re-drop of the original export) still holds c-3.
    const line = JSON.stringify({
      conversation_id: 'c-3',
      kind: 'conversation',
      split: 'train',
      tokens: 20,
      source: { file: 'chats/day-1.jsonl', line: 4 },
      example: {
        messages: [
          { role: 'user', content: 'late copy of c-3' },
          { role: 'assistant', content: 'still here' },
        ],
      },
    });
    await azurite.storage
      .container(CONTAINERS.curated)
      .getBlockBlobClient('chats/late/x.jsonl')
      .upload(line + '\n', line.length + 1);
    await upload('chats/day-3.jsonl', freshConversations(3, 'e', 2));
    await preprocessBlob(runtime, 'chats/day-3.jsonl');
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-03T02:00:00Z'), submit: false });
    if (outcome.outcome !== 'submitted') throw new Error(JSON.stringify(outcome));
    expect(outcome.manifest.forgottenExcluded).toBe(1);
    const all =
      (await text(CONTAINERS.datasets, outcome.manifest.files.train)) +
      (await text(CONTAINERS.datasets, outcome.manifest.files.holdoutRecords));
    expect(all).not.toMatch(/late copy of c-3/);
  }, 300_000);

  it('an erased conversation dropped again under another blob name of its source stays out, and is counted, not copied (QA, 4 December)', async () => {
    const erased = await forget(runtime, conversationTarget('chats/day-2.jsonl/d-7'), { requestId: 'req-d7' });
    expect(erased.conversations).toBe(1);
    // The same CRM export again into a new date folder: another blob name, the same source (top folder `chats`).
    const comeback = conversationLine('d-7', {
      issue: 'billing',
      turns: [
        ['customer', 'd-7 came back in a new export folder and asks about the invoice again.'],
        ['agent', 'The invoice for d-7 was resent to the address on file this morning.'],
      ],
    });
    await upload('chats/export-2026-11-04/day-2.jsonl', comeback + '\n');
    expect((await preprocessBlob(runtime, 'chats/export-2026-11-04/day-2.jsonl')).status).toBe('processed');
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-04T02:00:00Z'), submit: false });
    if (outcome.outcome !== 'submitted') throw new Error(JSON.stringify(outcome));
    let everything = '';
    for await (const b of azurite.storage.container(CONTAINERS.datasets).listBlobsFlat({ prefix: `${outcome.manifest.version}/` }))
      everything += await text(CONTAINERS.datasets, b.name);
    expect(everything).not.toMatch(/came back in a new export/);
    // Counted as forgotten in the manifest, and not copied into dropped.jsonl.
    expect(everything).toMatch(/"reason":"forgotten"/);
  }, 300_000);

  it('forget --conversation <source>/<id> with the source as the assembly names it (the top folder) erases the conversation', async () => {
    expect(await allText(CONTAINERS.curated)).toMatch(/"conversation_id":"d-5"/);
    const report = await forget(runtime, conversationTarget('chats/d-5'), { requestId: 'req-folder' });
    expect(report.conversations).toBe(1);
    expect(await allText(CONTAINERS.curated)).not.toMatch(/"conversation_id":"d-5"/);
    expect(await allText(CONTAINERS.raw)).not.toMatch(/"conversation_id":\s*"d-5"/);
  }, 300_000);

  it('tuneloop forget --match <e-mail> finds the conversations, the quarantined line and the feedback comment that mention it', async () => {
    expect(await allText(CONTAINERS.quarantine)).toContain(EMAIL);
    // sources.jsonl holds no text to match: its c-mail line goes because the conversation was found elsewhere.
    expect(await sourcesOf(untrained)).toContain('c-mail');
    const io = captureIo(dir, { env: { TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir } });
    const code = await runCli(['forget', '--match', EMAIL, '--json', '--request-id', 'req-mail'], io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    const report = JSON.parse(io.out);
    expect(report.conversations).toBe(1);
    const where = new Set(report.found.map((f: { location: string }) => f.location));
    for (const place of ['raw-logs', 'curated', 'quarantine', 'feedback']) expect(where).toContain(place);
    expect(io.out).not.toContain(EMAIL);

    for (const container of [CONTAINERS.raw, CONTAINERS.quarantine, CONTAINERS.curated])
      expect(await allText(container)).not.toContain(EMAIL);
    expect(await allText(CONTAINERS.curated)).not.toMatch(/"conversation_id":"c-mail"/);
    expect(await sourcesOf(untrained)).not.toContain('c-mail');
    expect((await rows(TABLES.feedback)).filter((r) => r.conversationId === 'c-mail')).toEqual([]);
    // Nothing tuneloop wrote about the erasure holds the e-mail.
    for (const file of ['events.jsonl', 'telemetry.jsonl']) {
      const p = path.join(dir, file);
      if (fs.existsSync(p)) expect(fs.readFileSync(p, 'utf8')).not.toContain(EMAIL);
    }
    expect(JSON.stringify(await rows(TABLES.erasures))).not.toContain(EMAIL);
    // Everything else is still there: 24 - 1 c-conversations in day 1.
    const raw = await text(CONTAINERS.raw, 'chats/day-1.jsonl');
    expect(raw.trim().split('\n')).toHaveLength(23);
  }, 300_000);

  it('the same request as a queue message, through the erasureRequests function', async () => {
    await upload(
      'chats/day-4.jsonl',
      conversationLine('cust-42', {
        issue: 'billing',
        turns: [
          ['customer', 'My customer number is CUST-99812, please close the account.'],
          ['agent', 'The account is closed.'],
        ],
      }) +
        '\n' +
        freshConversations(2, 'f', 3),
    );
    await preprocessBlob(runtime, 'chats/day-4.jsonl');
    const host = new LocalHost({
      definitions: functionDefinitions(settings, givenRuntime(runtime)).filter((d) => d.name === 'erasureRequests'),
      storage: azurite.storage,
      print: () => undefined,
    });
    const queue = azurite.storage.queue(QUEUES.erasure);
    await queue.createIfNotExists();
    await queue.sendMessage(Buffer.from(JSON.stringify({ requestId: 'req-queue', match: 'CUST-99812' })).toString('base64'));
    await host.drain();
    const audit = (await rows(TABLES.erasures)).find((r) => r.rowKey === 'req-queue');
    expect(audit).toMatchObject({ targetKind: 'customer-id', conversations: 1 });
    expect(await allText(CONTAINERS.raw)).not.toContain('CUST-99812');
    expect(await allText(CONTAINERS.curated)).not.toContain('CUST-99812');
    expect(await text(CONTAINERS.raw, 'chats/day-4.jsonl')).toMatch(/"conversation_id":"f-1"/);

    // A malformed message is not dropped silently: it fails (and ends in the poison queue after retries).
    const failures: string[] = [];
    const strict = new LocalHost({
      definitions: functionDefinitions(settings, givenRuntime(runtime)).filter((d) => d.name === 'erasureRequests'),
      storage: azurite.storage,
      print: () => undefined,
      maxDequeueCount: 1,
      onInvocation: (r) => r.outcome === 'failed' && failures.push(r.error ?? ''),
    });
    await queue.sendMessage(Buffer.from(JSON.stringify({ conversation: 'a/b', match: 'x@y.z' })).toString('base64'));
    await strict.drain();
    expect(failures[0]).toMatch(/exactly one of "conversation"/);
    const poison = await azurite.storage.queue(QUEUES.erasurePoison).peekMessages();
    expect(poison.peekedMessageItems).toHaveLength(1);
  }, 300_000);

  it('tells an e-mail, a phone number and a customer id apart, and refuses nonsense', () => {
    expect(matchTarget('Jane.Doe@Example.com')).toEqual({ kind: 'email', value: 'jane.doe@example.com' });
    expect(matchTarget('+44 (0)7700-900123')).toMatchObject({ kind: 'phone' });
    expect(matchTarget('CUST-99812')).toMatchObject({ kind: 'customer-id' });
    expect(() => matchTarget('jane@')).toThrow(/not an e-mail/);
    expect(conversationTarget('c-1')).toEqual({ kind: 'conversation', conversationId: 'c-1' });
    expect(conversationTarget('a/b/c-1')).toEqual({ kind: 'conversation', source: 'a/b', conversationId: 'c-1' });
  });

  it('finds personal data in raw text written in full-width forms or other digits, as customers typed it', () => {
    expect(textMatcher(matchTarget('taro@example.com'))('メールは ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ です')).toBe(true);
    expect(textMatcher(matchTarget('+81 90-1234-5678'))('電話は０９０－１２３４－５６７８です')).toBe(true);
    expect(textMatcher(matchTarget('+971 50 123 4567'))('رقمي ٠٥٠١٢٣٤٥٦٧')).toBe(true);
    expect(textMatcher(matchTarget('CUST-99812'))('顧客番号 ＣＵＳＴ－９９８１２')).toBe(true);
    expect(textMatcher(matchTarget('taro@example.com'))('メールは ｈａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ です')).toBe(false);
  });

  it('reads a phone number on its own line: the next line of a chat export starts with a date, which is not more of its digits', () => {
    const chat = '01/12/2026, 10:02 - Aminah: call me on +60 12-345 6789\n01/12/2026, 10:05 - Shop: Will do.';
    expect(textMatcher(matchTarget('+60 12-345 6789'))(chat)).toBe(true);
    expect(textMatcher(matchTarget('012-345 6789'))(chat)).toBe(true);
    expect(textMatcher(matchTarget('+60 12-345 6780'))(chat)).toBe(false);
  });
});
