/**
 * Child process of the language benchmark: what one thread pays for language detection, measured
 * in a fresh process so nothing is loaded before. Usage: node languageProbe.js <mode> <texts.json>
 *
 * - `worker-none`: a worker thread that detects nothing (the cost of a thread itself, subtracted);
 * - `worker-tinyld`: a worker thread that loads tinyld and detects every text (before this change);
 * - `worker-shared`: a worker thread given the coordinating thread's shared model in `workerData`
 *   (the pool's way) that detects every text;
 * - `main-tinyld` / `main-model`: the coordinating thread loading tinyld / building the shared
 *   model and detecting every text (what a single-threaded run pays once);
 * - `main-build`: the coordinating thread building the shared model only (what a pool start pays).
 *
 * Prints {cpuMs, rssMb}: the process's CPU time (all threads) and RSS growth over the measured
 * step, RSS read while the worker is still alive.
 */
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { detectAll } from '../src/shared/language/detector';
import { languageModel, useLanguageModel, type LanguageModel } from '../src/shared/language/model';

type Mode = 'worker-none' | 'worker-tinyld' | 'worker-shared' | 'main-tinyld' | 'main-model' | 'main-build';
interface ProbeData {
  mode: Mode;
  texts: string[];
  model?: LanguageModel;
}

function detectEvery(mode: Mode, texts: string[]): number {
  let found = 0;
  if (mode === 'worker-tinyld' || mode === 'main-tinyld') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the code before this change loaded it so, on first use
    const tinyld = require('tinyld') as { detectAll(text: string): unknown[] };
    for (const text of texts) found += tinyld.detectAll(text).length;
  } else if (mode !== 'worker-none') {
    const model = languageModel();
    for (const text of texts) found += detectAll(model, text).length;
  }
  return found;
}

const sample = () => ({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
const report = (before: ReturnType<typeof sample>) => {
  const cpu = process.cpuUsage(before.cpu);
  process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rssMb: (process.memoryUsage().rss - before.rss) / 1e6 }));
};

async function main(): Promise<void> {
  const [mode, textsFile] = process.argv.slice(2) as [Mode, string];
  const texts = JSON.parse(readFileSync(textsFile, 'utf8')) as string[];
  if (mode === 'main-build') {
    const before = sample();
    languageModel({ shared: true });
    report(before);
    return;
  }
  if (mode.startsWith('main-')) {
    const before = sample();
    detectEvery(mode, texts);
    report(before);
    return;
  }
  // The shared model is the coordinating thread's, built once per process before any worker starts.
  const model = mode === 'worker-shared' ? languageModel({ shared: true }) : undefined;
  const before = sample();
  const worker = new Worker(__filename, { workerData: { mode, texts, model } satisfies ProbeData });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  report(before);
  await worker.terminate();
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  const data = workerData as ProbeData;
  if (data.model) useLanguageModel(data.model);
  detectEvery(data.mode, data.texts);
  parentPort?.postMessage('done');
}
