import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type Benchmark, type BenchResult } from './harness';
import { writeStarJsonl } from './starCorpus';
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime, type Runtime } from '../src/shared/composition/runtime';
import { CONTAINERS } from '../src/shared/storage/names';
import { preprocessBlob } from '../src/shared/dataset/blobPreprocess';
import { startAzurite } from '../src/local/azurite';
import type { Telemetry } from '../src/shared/telemetry/telemetry';

/**
 * Does the blob path's per-conversation cost stay flat as the stored data grows? The blob path
 * keeps no row per conversation (duplicates across files are the nightly assembly's), so what
 * grows while it runs is the blob itself: its in-memory duplicate window, its shard uploads, the
 * feedback table it looks each conversation up in. Gzip blobs of real STAR turns with about N
 * conversations (default 1k, 10k, 100k; `TUNELOOP_BENCH_SCALE` overrides) through `preprocessBlob`
 * on in-memory Azurite, each after the earlier sizes' blobs (so the 100k blob also runs after
 * 11k conversations of earlier files); ms per conversation. Sizes up to
 * `TUNELOOP_BENCH_SCALE_REPEAT_UP_TO` (default 10,000) run three rounds. Baseline: the smallest
 * size, same run.
 */
const SIZES = (process.env.TUNELOOP_BENCH_SCALE ?? '1000,10000,100000').split(',').map(Number);
const REPEATS = 3;
const REPEAT_UP_TO = Number(process.env.TUNELOOP_BENCH_SCALE_REPEAT_UP_TO ?? 10_000);
/** JSONL bytes per generated STAR conversation, about (the generator writes by size). */
const BYTES_PER_CONVERSATION = 2_000;

const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

interface ScaleRun {
  ms: number;
  conversations: number;
}

export const preprocessBlobScaleBenchmark: Benchmark = {
  name: 'preprocessBlobScale',
  async run(): Promise<BenchResult> {
    const azurite = await startAzurite({ inMemory: true });
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-scale-'));
    const lines: string[] = [];
    try {
      const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString });
      const runtime = createRuntime(settings, { telemetry: noTelemetry });
      await runtime.storage.ensureResources();
      let seq = 0;
      // Warm-up (JIT, PII models, SDK clients, worker threads).
      const warm = join(dir, 'warm.jsonl.gz');
      await writeStarJsonl(warm, 500 * BYTES_PER_CONVERSATION, { gzip: true, seed: 3 });
      await runFile(runtime, warm, `warm/${seq++}.jsonl.gz`);
      const results: { size: number; perConversation: number[]; conversations: number }[] = [];
      for (const size of SIZES) {
        const file = join(dir, `star-${size}.jsonl.gz`);
        await writeStarJsonl(file, size * BYTES_PER_CONVERSATION, { gzip: true, seed: 7 });
        const perConversation: number[] = [];
        let conversations = 0;
        for (let round = 0; round < (size <= REPEAT_UP_TO ? REPEATS : 1); round++) {
          const run = await runFile(runtime, file, `scale/${seq++}/star-${size}.jsonl.gz`);
          conversations = run.conversations;
          perConversation.push(run.ms / run.conversations);
        }
        rmSync(file, { force: true });
        results.push({ size, perConversation, conversations });
        // Progress on stderr: the large sizes take minutes on a busy machine.
        console.error(`preprocessBlobScale: ${conversations} conversations: ${median(perConversation).toFixed(2)} ms per conversation`);
      }
      const base = median(results[0].perConversation);
      lines.push(
        'Gzip blobs of real STAR turns through preprocessBlob (default settings) on in-memory Azurite, smallest first, after one warm-up blob; ' +
          `ms per conversation, median of ${REPEATS} rounds up to ${REPEAT_UP_TO.toLocaleString('en')} conversations, one round above. ` +
          `Baseline: the ${results[0].conversations.toLocaleString('en')}-conversation blob, same run. The blob path writes no row per conversation.`,
      );
      lines.push('');
      lines.push('| conversations in the blob | ms per conversation | × baseline | rounds |');
      lines.push('|---|---|---|---|');
      for (const r of results) {
        const m = median(r.perConversation);
        lines.push(
          `| ${r.conversations.toLocaleString('en')} | ${m.toFixed(2)} (${r.perConversation.map((v) => v.toFixed(2)).join(', ')}) | ${(m / base).toFixed(2)} | ${r.perConversation.length} |`,
        );
      }
    } finally {
      await azurite.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'preprocessBlobScale', lines };
  },
};

async function runFile(runtime: Runtime, file: string, blobName: string): Promise<ScaleRun> {
  const body = readFileSync(file);
  await runtime.storage.container(CONTAINERS.raw).getBlockBlobClient(blobName).upload(body, body.length);
  const start = performance.now();
  const outcome = await preprocessBlob(runtime, blobName);
  const ms = performance.now() - start;
  if (outcome.status !== 'processed') throw new Error(`bench: ${blobName} was ${outcome.status}, expected processed`);
  return { ms, conversations: outcome.report.records_in };
}
