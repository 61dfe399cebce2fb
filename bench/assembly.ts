import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { median, type Benchmark, type BenchResult } from './harness';
import { startAzurite } from '../src/local/azurite';
import { createStorageClients } from '../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../src/shared/storage/names';
import { tableKey } from '../src/shared/dataset/keys';

const run = promisify(execFile);

/**
 * The nightly assembly (`assembleDataset`, the real function body) on Azurite (on disk) with
 * 10k, 100k and 1M curated conversations (`TUNELOOP_BENCH_ASSEMBLY_SIZES` to change), in shards
 * of 10k like a day's exports, 5% of them re-exported later (superseded) and 1 feedback row per
 * 1,000 conversations. Each assembly runs in a fresh child process; reported: wall time and peak
 * RSS (median of REPEATS), and the peak-RSS ratio of each size to the smallest, plus the RSS of a
 * process that only loads the assembly code (the floor) in the same run.
 */
const SHARD = 10_000;
/**
 * The V8 heap cap of the assembly process, as the Function App sets it
 * (`languageWorkers__node__arguments`, docs/fine-tuning-jobs.md). Without a cap V8 lets garbage
 * pile up to far more than the assembly keeps alive; TUNELOOP_BENCH_ASSEMBLY_NODE_ARGS='' shows that.
 */
const HEAP_MB = 128;
const REPEATS = Number(process.env.TUNELOOP_BENCH_ASSEMBLY_REPEATS ?? 3);
const TYPES = ['billing', 'shipping', 'returns', 'account', 'technical'];

function conversationLine(source: string, i: number, version: number): string {
  const type = TYPES[i % TYPES.length];
  const split = i % 20 === 0 ? 'holdout' : i % 20 === 1 ? 'validation' : 'train';
  return JSON.stringify({
    conversation_id: `c-${i}`,
    kind: 'conversation',
    issue_type: type,
    split,
    tokens: 60,
    source: { file: `${source}/export-${Math.floor(i / SHARD)}.jsonl`, line: (i % SHARD) + 1 },
    example: {
      messages: [
        { role: 'system', content: 'You are a helpful customer-service agent.' },
        {
          role: 'user',
          content: `Hello, I have a ${type} question about order ${(i * 7919) % 1_000_003}: it has not arrived yet and the tracking page shows nothing new.`,
        },
        {
          role: 'assistant',
          content: `Thank you for waiting. Order ${(i * 7919) % 1_000_003} is with the courier (${type}, revision ${version}); you will get an email with the new delivery date today.`,
        },
      ],
    },
  });
}

async function writeShard(
  storage: ReturnType<typeof createStorageClients>,
  name: string,
  from: number,
  to: number,
  version: number,
): Promise<void> {
  async function* lines(): AsyncIterable<Buffer> {
    let batch: string[] = [];
    for (let i = from; i < to; i++) {
      batch.push(conversationLine('crm', i, version));
      if (batch.length === 1000) {
        yield Buffer.from(batch.join('\n') + '\n');
        batch = [];
      }
    }
    if (batch.length) yield Buffer.from(batch.join('\n') + '\n');
  }
  await storage
    .container(CONTAINERS.curated)
    .getBlockBlobClient(name)
    .uploadStream(Readable.from(lines()), 4 * 1024 * 1024, 4);
}

async function probe(
  connectionString: string,
  dir: string,
  baseline = false,
): Promise<{ ms: number; maxRss: number; [k: string]: unknown }> {
  const nodeArgs = (process.env.TUNELOOP_BENCH_ASSEMBLY_NODE_ARGS ?? `--max-old-space-size=${HEAP_MB}`).split(' ').filter(Boolean);
  const { stdout } = await run(process.execPath, [...nodeArgs, join(__dirname, 'assemblyProbe.js'), ...(baseline ? ['--baseline'] : [])], {
    env: {
      ...process.env,
      TUNELOOP_STORAGE: connectionString,
      TUNELOOP_LOCAL_DIR: dir,
      TUNELOOP_ASSEMBLY_TEMP_DIR: join(dir, 'scratch'),
      TUNELOOP_BALANCE_MAX_SHARE: '1',
    },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as { ms: number; maxRss: number; [k: string]: unknown };
}

export const assemblyBenchmark: Benchmark = {
  name: 'assembly',
  async run(): Promise<BenchResult> {
    const sizes = (process.env.TUNELOOP_BENCH_ASSEMBLY_SIZES ?? '10000,100000,1000000').split(',').map(Number);
    const lines: string[] = [
      `nightly assembly on Azurite (disk), curated shards of ${SHARD} conversations, 5% re-exported later, 1 rating per 1,000 conversations; ` +
        `each run in a fresh process (node ${process.env.TUNELOOP_BENCH_ASSEMBLY_NODE_ARGS ?? `--max-old-space-size=${HEAP_MB}`}); median of ${REPEATS} runs. ` +
        'Baseline: a process that loads the assembly code and connects, same run.',
      '',
      '| conversations | curated MB | wall s | conv/s | peak RSS MB | RSS ratio to smallest | RSS ratio to baseline |',
      '|---|---|---|---|---|---|---|',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-assembly-'));
    const azurite = await startAzurite({ location: join(dir, 'azurite') });
    try {
      const storage = createStorageClients({ connectionString: azurite.connectionString });
      await storage.ensureResources();
      const baseRss = median(await Promise.all([0, 1, 2].map(async () => (await probe(azurite.connectionString, dir, true)).maxRss)));
      let written = 0;
      let smallest: number | undefined;
      let supersededExpected = 0;
      for (const size of sizes) {
        // Grow the same container: shards for [written, size), then 5% re-exported and ratings.
        for (let from = written; from < size; from += SHARD)
          await writeShard(storage, `crm/day-${from / SHARD}.jsonl`, from, Math.min(size, from + SHARD), 1);
        const reexport = Math.floor(size * 0.05);
        await writeShard(storage, `crm/reexport-${size}.jsonl`, size - reexport, size, 2);
        const feedback = storage.table(TABLES.feedback);
        for (let i = written; i < size; i += 1000) {
          await feedback.upsertEntity(
            {
              partitionKey: tableKey(`c-${i}`),
              rowKey: 'bench',
              conversationId: `c-${i}`,
              rating: 1 + (i % 5),
              file: 'crm/feedback.jsonl',
              line: i,
              receivedAt: new Date().toISOString(),
            },
            'Replace',
          );
        }
        written = size;
        let bytes = 0;
        for await (const b of storage.container(CONTAINERS.curated).listBlobsFlat()) bytes += b.properties.contentLength ?? 0;
        const runs = [];
        for (let r = 0; r < REPEATS; r++) runs.push(await probe(azurite.connectionString, dir));
        const ms = median(runs.map((r) => r.ms));
        const rss = median(runs.map((r) => r.maxRss));
        smallest ??= rss;
        const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
        lines.push(
          `| ${size.toLocaleString('en-US')} | ${mb(bytes)} | ${(ms / 1000).toFixed(1)} | ${Math.round((runs[0].conversationsIn as number) / (ms / 1000)).toLocaleString('en-US')} | ${mb(rss)} | ${(rss / smallest).toFixed(2)} | ${(rss / baseRss).toFixed(2)} |`,
        );
        supersededExpected += reexport;
        if (runs[0].superseded !== supersededExpected)
          lines.push(`  (check: superseded ${String(runs[0].superseded)}, expected ${supersededExpected})`);
      }
      lines.push('', `baseline process peak RSS: ${(baseRss / 1024 / 1024).toFixed(0)} MB`);
    } finally {
      await azurite.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'assembly', lines };
  },
};
