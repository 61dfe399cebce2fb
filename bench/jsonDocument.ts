import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoData } from '../tools/demo/generateDemoData';
import { parseInput } from '../src/shared/ingest/parse';
import { required } from '../src/shared/lookup';
import { timeMedian, type Benchmark } from './harness';

/**
 * JSON documents (issue 11): the same conversation records as JSON lines (the baseline, measured
 * in the same run), as one compact JSON array, as a pretty-printed array, and as a pretty-printed
 * `{"conversations": [...]}` wrapper. Then memory: peak RSS growth of a fresh process parsing a
 * pretty-printed array of 10 MB and of 100 MB (flat = the ratio stays near 1).
 */
const TARGET_BYTES = 24 * 1024 * 1024;
const MEMORY_BASE_BYTES = 10 * 1024 * 1024;
const REPEATS = 3;
const CHUNK = 64 * 1024;
const OLD_SPACE_LIMIT_MB = 32;

type Layout = 'jsonl' | 'array' | 'pretty-array' | 'pretty-wrapper';

function records(): Record<string, unknown>[] {
  const text = required(
    generateDemoData().find((f) => f.path === 'data/chat-logs.jsonl'),
    'the demo chat log',
  ).content.toString('utf8');
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value === 'object' && value !== null && 'messages' in value) out.push(value);
    } catch {
      // the demo's deliberately broken lines
    }
  }
  return out;
}

async function writeLayout(path: string, layout: Layout, sample: Record<string, unknown>[], bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  const put = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  const pretty = layout === 'pretty-array' || layout === 'pretty-wrapper';
  if (layout === 'array') await put('[');
  if (layout === 'pretty-array') await put('[\n');
  if (layout === 'pretty-wrapper') await put('{\n  "count": null,\n  "conversations": [\n');
  let first = true;
  for (let copy = 0; written < bytes; copy++) {
    for (const record of sample) {
      const value = { ...record, conversation_id: `${String(record.conversation_id)}-${copy}` };
      const text = pretty
        ? JSON.stringify(value, null, 2).replace(/^/gm, layout === 'pretty-wrapper' ? '    ' : '  ')
        : JSON.stringify(value);
      if (layout === 'jsonl') await put(text + '\n');
      else await put((first ? '' : pretty ? ',\n' : ',') + text);
      first = false;
    }
  }
  if (layout === 'array') await put(']\n');
  if (layout === 'pretty-array') await put('\n]\n');
  if (layout === 'pretty-wrapper') await put('\n  ]\n}\n');
  out.end();
  await once(out, 'finish');
  return written;
}

async function parseFile(path: string): Promise<number> {
  let items = 0;
  for await (const item of parseInput(createReadStream(path, { highWaterMark: CHUNK }), { fileName: path }))
    if (item.type === 'conversation') items++;
  return items;
}

const mbps = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function probe(file: string, nodeFlags: string[] = []): { items: number; growth: number } {
  const out = execFileSync(process.execPath, ['--expose-gc', ...nodeFlags, join(__dirname, 'ingestMemoryProbe.js'), file], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  const { items, startRss, maxRss } = JSON.parse(out) as { items: number; startRss: number; maxRss: number };
  return { items, growth: Math.max(0, maxRss - startRss) };
}

export const jsonDocumentBenchmark: Benchmark = {
  name: 'json-document',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-jsondoc-'));
    const lines: string[] = [];
    try {
      const sample = records();
      const layouts: Layout[] = ['jsonl', 'array', 'pretty-array', 'pretty-wrapper'];
      const files = [];
      for (const layout of layouts) {
        const path = join(dir, layout);
        // Each layout to the same size; pretty-printed files hold fewer records, so records/s is the fair comparison.
        const bytes = await writeLayout(path, layout, sample, TARGET_BYTES);
        files.push({ layout, path, bytes });
      }
      lines.push(
        `the demo's ${sample.length} conversation records, copied with fresh ids to ~${mb(TARGET_BYTES)} per layout; median of ${REPEATS} runs after a warm-up`,
      );
      lines.push('| layout | file | conversations | MB/s | records/s | records/s vs JSONL |');
      lines.push('|---|---:|---:|---:|---:|---:|');
      let baseline = 0;
      for (const file of files) {
        const items = await parseFile(file.path);
        const ms = await timeMedian(() => parseFile(file.path), REPEATS);
        const perSecond = items / (ms / 1000);
        if (file.layout === 'jsonl') baseline = perSecond;
        lines.push(
          `| ${file.layout} | ${mb(file.bytes)} | ${items} | ${mbps(file.bytes, ms).toFixed(1)} | ${Math.round(perSecond)} | ${(perSecond / baseline).toFixed(2)}× |`,
        );
      }
      lines.push('');
      lines.push(
        `memory: peak RSS growth of a fresh process (parseInput over a pretty-printed JSON array) for ${mb(MEMORY_BASE_BYTES)} and 10× that`,
      );
      const small = join(dir, 'mem-small');
      const large = join(dir, 'mem-large');
      await writeLayout(small, 'pretty-array', sample, MEMORY_BASE_BYTES);
      await writeLayout(large, 'pretty-array', sample, MEMORY_BASE_BYTES * 10);
      const a = probe(small);
      const b = probe(large);
      if (b.items < a.items * 9) throw new Error(`memory probe parsed too few items (${a.items} vs ${b.items})`);
      lines.push(`| file | items | peak RSS growth |`);
      lines.push('|---|---:|---:|');
      lines.push(`| ${mb(MEMORY_BASE_BYTES)} | ${a.items} | ${mb(a.growth)} |`);
      lines.push(`| ${mb(MEMORY_BASE_BYTES * 10)} | ${b.items} | ${mb(b.growth)} |`);
      lines.push(`ratio 10× file / base file: ${(b.growth / Math.max(a.growth, 1)).toFixed(2)} (1.0 = flat)`);
      // RSS growth includes garbage not yet collected; a small old space shows what is really held.
      const limited = probe(large, [`--max-old-space-size=${OLD_SPACE_LIMIT_MB}`]);
      lines.push(
        `the ${mb(MEMORY_BASE_BYTES * 10)} file again with --max-old-space-size=${OLD_SPACE_LIMIT_MB}: ${limited.items} items, completed (peak RSS growth ${mb(limited.growth)})`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'json-document', lines };
  },
};
