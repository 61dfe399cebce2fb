import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectAll } from '../src/shared/language/detector';
import { languageModel } from '../src/shared/language/model';
import { launcherEnv, launcherFlags, median, timeMedian, type Benchmark } from './harness';
import { STAR_DIR } from './starCorpus';

/**
 * Language detection (src/shared/language) against tinyld, whose algorithm and model it runs:
 * - speed, texts/s and MB/s of text, on the hand-written multilingual fixture texts and on real
 *   STAR turns (both must give tinyld's answers exactly, or the comparison is void);
 * - what a worker thread pays for it: CPU and RSS of a worker that loads tinyld (the code before)
 *   and of one given the coordinating thread's shared model, each net of an idle worker, and
 *   what the coordinating thread pays once to build the shared model; every figure a median of
 *   fresh child processes (`languageProbe.js`).
 */
const ROOT = join(__dirname, '..', '..');
const MULTILINGUAL = join(ROOT, 'test', 'fixtures', 'corpora', 'pii_multilingual');
const PROBE_RUNS = 3;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the reference, loaded only by the bench
const tinyld = () => require('tinyld') as { detectAll(text: string): { lang: string; accuracy: number }[] };

function multilingualTexts(): string[] {
  return readdirSync(MULTILINGUAL)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(MULTILINGUAL, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => line.replace(/\[[A-Z]+:([^\]]+)\]/g, '$1')),
    );
}

function starTurns(dialogues: number): string[] {
  return readdirSync(STAR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, dialogues)
    .flatMap((f) => {
      const d = JSON.parse(readFileSync(join(STAR_DIR, f), 'utf8')) as { Events: { Action: string; Text?: string }[] };
      return d.Events.flatMap((e) => (e.Text && e.Action === 'utter' ? [e.Text] : []));
    });
}

interface ProbeResult {
  cpuMs: number;
  rssMb: number;
}

function probe(mode: string, textsFile: string): ProbeResult {
  const runs: ProbeResult[] = [];
  for (let i = 0; i < PROBE_RUNS; i++) {
    const out = execFileSync(process.execPath, [...launcherFlags(), join(__dirname, 'languageProbe.js'), mode, textsFile], {
      encoding: 'utf8',
      env: launcherEnv(),
    });
    runs.push(JSON.parse(out) as ProbeResult);
  }
  return { cpuMs: median(runs.map((r) => r.cpuMs)), rssMb: median(runs.map((r) => r.rssMb)) };
}

export const languageBenchmark: Benchmark = {
  name: 'language',
  async run() {
    const lines: string[] = [];
    const model = languageModel();
    const reference = tinyld();
    const sets = [
      // The hand-written texts are few: five passes over them make a run long enough to time.
      {
        name: 'multilingual fixture texts (de/es/fr/it/nl/pt, pii_multilingual, 5 passes)',
        texts: Array.from({ length: 5 }, multilingualTexts).flat(),
      },
      { name: 'STAR turns (English support chat)', texts: starTurns(300) },
    ];
    for (const { name, texts } of sets) {
      for (const text of texts)
        if (JSON.stringify(detectAll(model, text)) !== JSON.stringify(reference.detectAll(text)))
          throw new Error(`the detector and tinyld disagree on ${JSON.stringify(text)}`);
      const mb = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / 1e6;
      const theirs = await timeMedian(() => texts.map((t) => reference.detectAll(t)), 7);
      const ours = await timeMedian(() => texts.map((t) => detectAll(model, t)), 7);
      const rate = (ms: number) =>
        `${Math.round(texts.length / (ms / 1000)).toLocaleString('en')} texts/s, ${(mb / (ms / 1000)).toFixed(2)} MB/s`;
      lines.push(
        `${name}: ${texts.length} texts, ${mb.toFixed(2)} MB, same answers; median of 7: tinyld ${theirs.toFixed(1)} ms (${rate(theirs)}), shared-model detector ${ours.toFixed(1)} ms (${rate(ours)}): ${(theirs / ours).toFixed(2)}x as fast`,
      );
    }

    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-language-'));
    try {
      const textsFile = join(dir, 'texts.json');
      const probeTexts = multilingualTexts();
      writeFileSync(textsFile, JSON.stringify(probeTexts));
      const idle = probe('worker-none', textsFile);
      const withTinyld = probe('worker-tinyld', textsFile);
      const withShared = probe('worker-shared', textsFile);
      const mainTinyld = probe('main-tinyld', textsFile);
      const mainModel = probe('main-model', textsFile);
      const build = probe('main-build', textsFile);
      const net = (r: ProbeResult) => `${(r.cpuMs - idle.cpuMs).toFixed(0)} ms CPU, ${(r.rssMb - idle.rssMb).toFixed(1)} MB RSS`;
      lines.push(
        `per worker thread, detecting the ${probeTexts.length} multilingual texts, net of an idle worker (${idle.cpuMs.toFixed(0)} ms, ${idle.rssMb.toFixed(1)} MB; medians of ${PROBE_RUNS} fresh processes, launcher V8 flags):`,
        `  loading tinyld (before):                     ${net(withTinyld)}`,
        `  the coordinating thread's shared model:      ${net(withShared)}`,
        `once per process on the coordinating thread (load/build + the same detections): tinyld ${mainTinyld.cpuMs.toFixed(0)} ms CPU, ${mainTinyld.rssMb.toFixed(1)} MB RSS; shared model ${mainModel.cpuMs.toFixed(0)} ms CPU, ${mainModel.rssMb.toFixed(1)} MB RSS`,
        `building the shared model alone (what starting a pool adds to the coordinating thread): ${build.cpuMs.toFixed(0)} ms CPU, ${build.rssMb.toFixed(1)} MB RSS`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'language', lines };
  },
};
