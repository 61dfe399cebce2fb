import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launcherEnv, launcherFlags, type Benchmark, type BenchResult } from './harness';
import { writeStarJsonl } from './starCorpus';
import { startAzurite } from '../src/local/azurite';
import { createStorageClients } from '../src/shared/storage/clients';
import { CONTAINERS, TABLES } from '../src/shared/storage/names';

const run = promisify(execFile);

/**
 * Opt-in (`TUNELOOP_BENCH_BLOB_GZIP_MB`, e.g. 1024): a gzip blob of real STAR dialogue turns of
 * about that many compressed MB, generated under the temp folder (never committed), uploaded to
 * Azurite on disk and preprocessed by `preprocessBlob` in a child process, as the host runs it:
 * progress lines (records, MB read, MB/s, RSS) as in the host log, peak RSS of the process, and
 * how far it got when `TUNELOOP_BENCH_BLOB_SECONDS` (default: no limit) stopped it, compressed
 * MB/s, JSONL MB/s and conversations/s. Baseline for RSS and rate: the same child on a 10 MB
 * gzip blob (`TUNELOOP_BENCH_BLOB_BASELINE_MB`), same run. Every run starts from empty tables.
 */
const GZIP_MB = Number(process.env.TUNELOOP_BENCH_BLOB_GZIP_MB ?? 0);
const LIMIT_S = process.env.TUNELOOP_BENCH_BLOB_SECONDS;
const SMALL_MB = Number(process.env.TUNELOOP_BENCH_BLOB_BASELINE_MB ?? 10);
/** Bytes of text per compressed byte of gzip -6 on this JSONL, measured on a 20 MB sample in the run. */
async function compressionRatio(dir: string): Promise<number> {
  const sample = join(dir, 'sample.jsonl.gz');
  const { bytes } = await writeStarJsonl(sample, 20e6, { gzip: true, seed: 11 });
  const ratio = bytes / statSync(sample).size;
  rmSync(sample, { force: true });
  return ratio;
}

interface ProbeResult {
  ms: number;
  finished: boolean;
  lastProgress: string;
  /** Records and compressed bytes done after `countedMs` (the end, or the last progress line). */
  records: number;
  bytesRead: number;
  countedMs: number;
  maxRss: number;
  log: string[];
}

export const preprocessBlobLargeBenchmark: Benchmark = {
  name: 'preprocessBlobLarge',
  async run(): Promise<BenchResult> {
    if (!GZIP_MB)
      return {
        name: 'preprocessBlobLarge',
        lines: ['(opt-in: set TUNELOOP_BENCH_BLOB_GZIP_MB, e.g. 1024, and optionally TUNELOOP_BENCH_BLOB_SECONDS)'],
      };
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-large-'));
    const azurite = await startAzurite({ location: join(dir, 'azurite') });
    const lines: string[] = [];
    try {
      const storage = createStorageClients({ connectionString: azurite.connectionString });
      await storage.ensureResources();
      const ratio = await compressionRatio(dir);
      let seq = 0;
      const probe = async (name: string, compressedMb: number, seconds?: string): Promise<ProbeResult & { gzipBytes: number }> => {
        const file = join(dir, name);
        if (!existsSync(file)) await writeStarJsonl(file, compressedMb * 1e6 * ratio, { gzip: true, seed: 7 });
        const gzipBytes = statSync(file).size;
        // Each run from empty tables: no receipt or feedback of an earlier run.
        for (const table of [TABLES.dedupSignatures, TABLES.blobReceipts, TABLES.feedback]) {
          await storage.table(table).deleteTable();
          await storage.table(table).createTable();
        }
        const blobName = `large/${seq++}/${name}`;
        const blob = storage.container(CONTAINERS.raw).getBlockBlobClient(blobName);
        await blob.uploadStream(createReadStream(file), 8 * 1024 * 1024, 4);
        const env = {
          ...launcherEnv(),
          TUNELOOP_STORAGE: azurite.connectionString,
          TUNELOOP_LOCAL_DIR: join(dir, 'local'),
          TUNELOOP_BENCH_BLOB_BYTES: String(gzipBytes),
        };
        const { stdout, stderr } = await run(
          process.execPath,
          [...launcherFlags(), join(__dirname, 'preprocessBlobLargeProbe.js'), blobName, ...(seconds ? [seconds] : [])],
          {
            env,
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        const result = JSON.parse(stdout) as Omit<ProbeResult, 'log'>;
        return { ...result, log: stderr.split('\n').filter((l) => l.startsWith('[host]')), gzipBytes };
      };
      const small = await probe(`small-${SMALL_MB}mb.jsonl.gz`, SMALL_MB);
      const large = await probe(`large-${GZIP_MB}mb.jsonl.gz`, GZIP_MB, LIMIT_S);
      const mb = (n: number) => (n / 1e6).toFixed(0);
      lines.push(
        `STAR conversation JSONL, gzip -6 (≈${ratio.toFixed(1)} bytes of text per compressed byte), uploaded to Azurite (on disk), preprocessBlob in a fresh child process with default settings, from empty tables. Rates over the records done (at the end, or at the last progress line of a stopped run).`,
      );
      lines.push('');
      lines.push(
        '| blob | gzip MB | finished | wall s | gzip MB/s | JSONL MB/s | conversations/s | × baseline rate | peak RSS MB | × baseline RSS | last progress line |',
      );
      lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
      const rate = (r: ProbeResult) => r.records / Math.max(1e-9, r.countedMs / 1000);
      const stopped = LIMIT_S ? `, stopped after ${LIMIT_S} s` : '';
      for (const [label, r] of [
        [`${SMALL_MB} MB gzip (baseline)`, small],
        [`${GZIP_MB} MB gzip${stopped}`, large],
      ] as const) {
        const seconds = Math.max(1e-9, r.countedMs / 1000);
        lines.push(
          `| ${label} | ${mb(r.gzipBytes)} | ${r.finished ? 'yes' : 'no'} | ${(r.ms / 1000).toFixed(0)} | ${(r.bytesRead / 1e6 / seconds).toFixed(2)} | ${((r.bytesRead * ratio) / 1e6 / seconds).toFixed(2)} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(small)).toFixed(2)} | ${mb(r.maxRss)} | ${(r.maxRss / small.maxRss).toFixed(2)} | ${r.lastProgress.replace(/\|/g, '/')} |`,
        );
      }
      lines.push('');
      lines.push(`Progress lines of the ${GZIP_MB} MB run (host log):`);
      for (const l of large.log) lines.push(`- ${l.replace('[host] ', '')}`);
    } finally {
      await azurite.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'preprocessBlobLarge', lines };
  },
};
