import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startLocalStack, type LocalStack } from '../../src/local/stack';
import type { InvocationRecord } from '../../src/local/host';
import { assembleDataset } from '../../src/shared/dataset/assembly';
import { splitFor } from '../../src/shared/dataset/split';
import { runDriftWatch } from '../../src/shared/drift/watch';
import { loadReport } from '../../src/shared/evaluation/evaluationReport';
import { FINAL_JOB_STATES, JobStore, type JobRecord } from '../../src/shared/finetune/jobStore';
import { TableServiceClient } from '@azure/data-tables';
import { CONTAINERS, TABLES } from '../../src/shared/storage/names';
import { exactRowAddress } from '../../src/shared/erasure/legacySignatures';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { conversationLine, conversationsJsonl } from '../shared/dataset/fixtures';

jest.setTimeout(600_000);

/**
 * The right to be forgotten on the whole local stack (Azurite, the Azure OpenAI emulator over
 * HTTP, the local Functions host running every function): planted conversations go through
 * preprocessing (curated, quarantine, feedback), the nightly assembly (dataset
 * version, holdout), fine-tuning (upload to the emulator), evaluation (report with the
 * side-by-side reply sample) and drift watch. Then `tuneloop forget --match <e-mail>` and
 * `--conversation <source>/<id>`, and a scan of every container, table, queue, local file and
 * emulator file: neither the e-mail, nor the planted words, nor the conversation ids remain.
 * Table `dedupsignatures` gets no rows from today's preprocessing; rows an earlier version wrote
 * there (one per kept conversation) are planted for the three conversations, and must go too.
 */

/** The first id `<prefix>-<k>` that the split puts where the test needs it (the split hashes the id alone). */
function idIn(prefix: string, split: 'train' | 'holdout'): string {
  for (let k = 0; ; k++) if (splitFor(`${prefix}-${k}`, { validation: 0.1, holdout: 0.1 }) === split) return `${prefix}-${k}`;
}

const EMAIL = 'rosa.lindqvist@example.org';
const MAIL_TRAIN = idIn('planted-mail-train', 'train');
const MAIL_HOLD = idIn('planted-mail-hold', 'holdout');
const BY_ID = idIn('planted-by-id', 'holdout');
/** Words of the planted conversations that redaction leaves in place (the e-mail itself is redacted in curated data). */
const WORDS = {
  [MAIL_TRAIN]: 'marmalade subscription for the lighthouse cottage',
  [MAIL_HOLD]: 'harpsichord tuning appointment in Tromsoe',
  [BY_ID]: 'saffron tablecloth with the embroidered heron',
};
const SOURCE = 'planted/day-1.jsonl';

function planted(): string {
  const line = (id: string, customer: string, agent: string) =>
    conversationLine(id, {
      issue: 'account',
      turns: [
        ['customer', customer],
        ['agent', agent],
      ],
    });
  return (
    [
      conversationsJsonl(30, 'bulk').trim(),
      line(
        MAIL_TRAIN,
        `Please move my ${WORDS[MAIL_TRAIN]} to ${EMAIL} from next month.`,
        `Done: the ${WORDS[MAIL_TRAIN]} now goes to the new address.`,
      ),
      line(
        MAIL_HOLD,
        `I booked a ${WORDS[MAIL_HOLD]}, confirm it to ${EMAIL} please.`,
        `Your ${WORDS[MAIL_HOLD]} is confirmed for Thursday.`,
      ),
      line(BY_ID, `Where is my ${WORDS[BY_ID]}? It was due last week.`, `The ${WORDS[BY_ID]} left the warehouse this morning.`),
      // A broken record quoting the e-mail: it goes to quarantine.
      `{"conversation_id": "broken", "messages": [{"role": "customer", "text": "write to ${EMAIL} about the ${WORDS[MAIL_TRAIN]}"}`,
    ].join('\n') + '\n'
  );
}

const FEEDBACK =
  [
    JSON.stringify({ conversation_id: MAIL_HOLD, rating: 5, comment: `lovely, reach me at ${EMAIL}` }),
    JSON.stringify({ conversation_id: BY_ID, rating: 2, comment: 'slow' }),
    JSON.stringify({ conversation_id: 'bulk-3', rating: 4 }),
  ].join('\n') + '\n';

interface Hit {
  where: string;
  needle: string;
}

describe('erasure end to end on the local stack', () => {
  let stack: LocalStack;
  let localDir: string;
  const invocations: InvocationRecord[] = [];
  let job: JobRecord;

  const needles = (ids: string[]): { name: string; test: (text: string) => boolean }[] => [
    { name: 'e-mail', test: (t) => t.toLowerCase().includes(EMAIL) },
    ...ids.map((id) => ({ name: `words of ${id}`, test: (t: string) => t.includes(WORDS[id]) })),
    ...ids.map((id) => ({ name: `id ${id}`, test: (t: string) => new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(t) })),
  ];

  /** Every container, table and queue of Azurite, every file under TUNELOOP_LOCAL_DIR, every file the emulator (Azure OpenAI) holds. */
  async function scan(ids: string[]): Promise<Hit[]> {
    const tests = needles(ids);
    const hits: Hit[] = [];
    const check = (where: string, text: string) => {
      for (const n of tests) if (n.test(text)) hits.push({ where, needle: n.name });
    };
    const storage = stack.runtime.storage;
    for await (const { name } of storage.blobService.listContainers()) {
      const container = storage.container(name);
      for await (const blob of container.listBlobsFlat()) {
        let bytes = await container.getBlobClient(blob.name).downloadToBuffer();
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
        check(`${name}/${blob.name}`, blob.name + '\n' + bytes.toString('utf8'));
      }
    }
    const tables = TableServiceClient.fromConnectionString(stack.azurite.connectionString, { allowInsecureConnection: true });
    for await (const table of tables.listTables()) {
      for await (const row of storage.table(table.name!).listEntities())
        check(`table ${String(table.name)}/${String(row.partitionKey)}/${String(row.rowKey)}`, JSON.stringify(row));
    }
    for await (const { name } of storage.queueService.listQueues()) {
      const queue = storage.queue(name);
      for (const m of (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems)
        check(`queue ${name}`, Buffer.from(m.messageText, 'base64').toString('utf8') + m.messageText);
    }
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else check(path.relative(localDir, full), fs.readFileSync(full, 'utf8'));
      }
    };
    walk(localDir);
    const openai = stack.runtime.fineTune.client.openai;
    for await (const file of openai.files.list()) {
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the emulator and Azure still report a deleted file's status here
      if ((file.status as string) === 'deleted') continue;
      const content = await openai.files.content(file.id);
      check(`azure-openai file ${file.id} (${file.filename})`, await content.text());
    }
    return hits;
  }

  async function forget(args: string[]): Promise<{
    code: number;
    report: { conversations: number; found: { location: string; name: string; records: number; action: string }[] };
    out: string;
  }> {
    const io = captureIo(localDir, { env: stack.env });
    const code = await runCli(['forget', ...args, '--json'], io);
    expect(io.err).toBe('');
    return { code, report: JSON.parse(io.out), out: io.out };
  }

  beforeAll(async () => {
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-e2e-erasure-'));
    stack = await startLocalStack({
      inMemory: true,
      freePorts: true,
      pollIntervalMs: 200,
      print: () => undefined,
      onInvocation: (r) => invocations.push(r),
      env: {
        PATH: process.env.PATH,
        TUNELOOP_LOCAL_DIR: localDir,
        TUNELOOP_EMULATOR_SPEED: '20',
        TUNELOOP_POLL_DELAY_START_SECONDS: '1',
        TUNELOOP_POLL_DELAY_CAP_SECONDS: '2',
        TUNELOOP_FINETUNE_EPOCHS: '2',
        TUNELOOP_BALANCE_MAX_SHARE: '1',
        // Templated fixtures differ in numbers only, which 5-character shingles see as near-duplicates.
        TUNELOOP_DEDUP_THRESHOLD: '0.99',
        // The test runs assembly and drift itself.
        TUNELOOP_RETRAIN_SCHEDULE: '0 0 0 1 1 *',
        TUNELOOP_DRIFT_SCHEDULE: '0 0 0 1 1 *',
      },
    });
    const raw = stack.runtime.storage.container(CONTAINERS.raw);
    for (const [name, body] of [
      [SOURCE, planted()],
      ['planted/ratings.jsonl', FEEDBACK],
    ] as const)
      await raw.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    const signatures = stack.runtime.storage.table(TABLES.dedupSignatures);
    for (const [i, id] of [MAIL_TRAIN, MAIL_HOLD, BY_ID].entries()) {
      const hash = createHash('md5').update(id).digest('hex');
      await signatures.createEntity({
        ...exactRowAddress(hash),
        conversationId: id,
        file: SOURCE,
        line: 31 + i,
        exactHash: hash,
        signature: '',
        seenAt: '2026-11-01T00:00:00.000Z',
      });
    }
    const deadline = Date.now() + 240_000;
    while (
      !['raw-logs/planted/day-1.jsonl', 'raw-logs/planted/ratings.jsonl'].every((t) =>
        invocations.some((r) => r.functionName === 'preprocess' && r.trigger === t),
      )
    ) {
      if (Date.now() > deadline) throw new Error(`preprocessing did not finish: ${JSON.stringify(invocations)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const assembly = await assembleDataset(stack.runtime, { trigger: 'test' });
    if (assembly.outcome !== 'submitted') throw new Error(`assembly: ${JSON.stringify(assembly)}`);
    const jobs = new JobStore(stack.runtime.storage);
    for (;;) {
      const current = (await jobs.get(assembly.jobKey))?.record;
      if (current && FINAL_JOB_STATES.has(current.state)) {
        job = current;
        break;
      }
      if (Date.now() > deadline + 240_000) throw new Error(`job ${assembly.jobKey} did not end: ${JSON.stringify(current)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    await runDriftWatch(stack.runtime, { windowStart: new Date(Date.now() - 3_600_000) });
    await stack.runtime.telemetry.flush();
  });

  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (stack as LocalStack | undefined)?.stop();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  it('the planted data reached every store before the erasure', async () => {
    expect(job.state).toBe('evaluated');
    const report = await loadReport(stack.runtime.storage, job.jobKey);
    expect(report.sample?.map((s) => s.conversationId)).toEqual(expect.arrayContaining([MAIL_HOLD, BY_ID]));
    const where = (await scan([MAIL_TRAIN, MAIL_HOLD, BY_ID])).map((h) => h.where);
    const stores = (prefix: string) => where.some((w) => w.startsWith(prefix));
    for (const store of [
      'raw-logs/',
      'curated/',
      'quarantine/',
      'datasets/',
      'eval-reports/',
      `table ${TABLES.dedupSignatures}/`,
      `table ${TABLES.feedback}/`,
      'azure-openai file',
    ])
      expect({ store, reached: stores(store) }).toEqual({ store, reached: true });
  });

  it('forget --match <e-mail>, then --conversation <source>/<id>: nothing of them remains anywhere but hashes', async () => {
    const byMail = await forget(['--match', EMAIL, '--request-id', 'erase-mail']);
    expect(byMail.code).toBe(0);
    expect(byMail.out).not.toContain(EMAIL);
    expect(byMail.report.conversations).toBe(2);
    const places = new Set(byMail.report.found.map((f) => f.location));
    for (const place of [
      'raw-logs',
      'curated',
      'quarantine',
      'feedback',
      'datasets',
      'dedup-signatures',
      'eval-reports',
      'azure-openai-files',
    ])
      expect({ place, found: places.has(place) }).toEqual({ place, found: true });
    // The uploads of the ended job are deleted from Azure OpenAI (the emulator); the model is marked.
    expect(byMail.report.found.filter((f) => f.location === 'azure-openai-files').map((f) => f.action)).toEqual(
      expect.arrayContaining(['deleted']),
    );
    expect(await scan([MAIL_TRAIN, MAIL_HOLD])).toEqual([]);

    const byId = await forget(['--conversation', `${SOURCE}/${BY_ID}`, '--request-id', 'erase-id']);
    expect(byId.code).toBe(0);
    expect(byId.report.conversations).toBe(1);
    const idPlaces = new Set(byId.report.found.map((f) => f.location));
    for (const place of ['raw-logs', 'curated', 'feedback', 'datasets', 'dedup-signatures', 'eval-reports'])
      expect({ place, found: idPlaces.has(place) }).toEqual({ place, found: true });
    expect(await scan([MAIL_TRAIN, MAIL_HOLD, BY_ID])).toEqual([]);

    // What stays: the hash-only audit (one row per request) and the exclusion hashes; the report knows it was cut.
    const audit: Record<string, unknown>[] = [];
    for await (const row of stack.runtime.storage.table(TABLES.erasures).listEntities()) audit.push(row);
    expect(
      audit
        .filter((r) => r.partitionKey === 'request')
        .map((r) => r.rowKey)
        .sort(),
    ).toEqual(['erase-id', 'erase-mail']);
    expect(audit.filter((r) => r.partitionKey === 'model')).toEqual([
      expect.objectContaining({ jobKey: job.jobKey, trainedOnErasedData: true, uploadsDeleted: true }),
    ]);
    const report = await loadReport(stack.runtime.storage, job.jobKey);
    expect(report.erasures?.map((e) => e.requestId)).toEqual(['erase-mail', 'erase-id']);
    // Everything else is still there.
    const rest = (await stack.runtime.storage.container(CONTAINERS.raw).getBlobClient(SOURCE).downloadToBuffer()).toString('utf8');
    expect(rest.trim().split('\n')).toHaveLength(30);
    expect(report.sample?.length).toBeGreaterThan(0);
  });
});
