import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Benchmark } from './harness';
import { cpuMedian, median } from './harness';
import { corpusBleu, segmentStatisticsTables, tokenize13a } from '../src/shared/evaluation/bleu';
import { pairedBootstrap } from '../src/shared/evaluation/significance';
import { legacyCorpusBleu } from './legacyBleu';

/**
 * `tuneloop bleu` on 100,000 hypothesis/reference pairs, alone and with `--paired-bs` (1,000
 * resamples, two systems), as a user runs it (`node bin/tuneloop.js`, a fresh process each time,
 * start-up included). References: BANKING77 test messages (CC BY 4.0,
 * test/fixtures/corpora/banking77) cycled to 100,000 lines; the two systems keep each word with
 * probability 0.7 and 0.72 (seeded), so the files look like real, imperfect replies.
 *
 * Baseline in the same run: sacreBLEU itself when TUNELOOP_BENCH_SACREBLEU names a command that
 * runs it, e.g.
 *   TUNELOOP_BENCH_SACREBLEU="PYTHONPATH=/opt/sacrebleu /usr/bin/python3 -m sacrebleu"
 * (leading NAME=value words become the environment, the rest is split on spaces: no quoting).
 * tuneloop never installs or downloads it. Without it the bench says so and compares against
 * baselines it always has: node reading and 13a-tokenising the same files, and in process corpus
 * BLEU as tuneloop computed it before (bench/legacyBleu.ts).
 */
const SACREBLEU_ENV = 'TUNELOOP_BENCH_SACREBLEU';
const PAIRS = 100_000;

function makeFiles(dir: string): void {
  const csv = readFileSync(resolve(__dirname, '../../test/fixtures/corpora/banking77/test.csv'), 'utf8');
  const texts = csv
    .split('\n')
    .slice(1)
    .map((l) => /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => (m.at(1) ?? m.at(2) ?? '').replace(/""/g, '"'));
  let seed = 1;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const refs: string[] = [];
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 0; refs.length < PAIRS; i++) {
    const ref = texts[i % texts.length];
    const words = ref.split(' ');
    refs.push(ref);
    a.push(words.filter(() => rnd() < 0.7).join(' ') || words[0]);
    b.push(words.filter(() => rnd() < 0.72).join(' ') || words[0]);
  }
  writeFileSync(join(dir, 'ref.txt'), `${refs.join('\n')}\n`);
  writeFileSync(join(dir, 'a.txt'), `${a.join('\n')}\n`);
  writeFileSync(join(dir, 'b.txt'), `${b.join('\n')}\n`);
}

/** CPU seconds of waited-for children so far (Linux /proc; undefined elsewhere). */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface ProcessTiming {
  wall: number;
  cpu?: number;
  stdout: string;
}

/** Median wall and CPU seconds of a fresh process, as a user would run it. */
function timeProcess(command: string, args: string[], cwd: string, repeats: number, env: NodeJS.ProcessEnv = process.env): ProcessTiming {
  const walls: number[] = [];
  const cpus: number[] = [];
  let stdout = '';
  for (let i = 0; i < repeats; i++) {
    const cpuBefore = childrenCpu();
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
    walls.push(Number(process.hrtime.bigint() - start) / 1e9);
    const cpuAfter = childrenCpu();
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpus.push(cpuAfter - cpuBefore);
    if (r.status !== 0)
      throw new Error(`${command} ${args.join(' ')} failed (${String(r.status ?? r.signal)}): ${String(r.stderr || r.error?.message)}`);
    stdout = r.stdout;
  }
  return { wall: median(walls), ...(cpus.length === repeats ? { cpu: median(cpus) } : {}), stdout };
}

/** `NAME=value ... program args...` → environment additions, program and arguments. */
function parseCommand(spec: string): { env: NodeJS.ProcessEnv; command: string; args: string[] } {
  const words = spec.trim().split(/\s+/);
  const env: NodeJS.ProcessEnv = { ...process.env };
  let first = 0;
  for (; first < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[first]); first++) {
    const word = words[first];
    env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
  }
  if (first >= words.length) throw new Error(`${SACREBLEU_ENV} names no program: ${JSON.stringify(spec)}`);
  return { env, command: words[first], args: words.slice(first + 1) };
}

const seconds = (t: ProcessTiming) => `${t.wall.toFixed(2)} s wall${t.cpu !== undefined ? ` / ${t.cpu.toFixed(2)} s CPU` : ''}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');

export const bleuSignificanceBenchmark: Benchmark = {
  name: 'bleu-significance',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-bleu-'));
    const repeats = Number(process.env.TUNELOOP_BENCH_REPEATS ?? 3);
    try {
      makeFiles(dir);
      const read = (f: string) => readFileSync(join(dir, f), 'utf8').replace(/\n$/, '').split('\n');
      const refs = read('ref.txt');
      const a = read('a.txt');
      const b = read('b.txt');
      const lines: string[] = [`load average at start (1, 5, 15 min): ${load()} on ${cpus().length} cores`];

      // As a user runs it: fresh processes, start-up included.
      const cli = resolve(__dirname, '../../bin/tuneloop.js');
      const node = process.execPath;
      const baselineScript = `const fs=require('fs');const t=require(${JSON.stringify(resolve(__dirname, '../src/shared/evaluation/bleu.js'))}).tokenize13a;for(const f of ['a.txt','ref.txt'])for(const l of fs.readFileSync(f,'utf8').split('\\n'))t(l);`;
      const tokenising = timeProcess(node, ['-e', baselineScript], dir, repeats);
      const single = timeProcess(node, [cli, 'bleu', '--hyp', 'a.txt', '--ref', 'ref.txt', '--json'], dir, repeats);
      const paired = timeProcess(
        node,
        [cli, 'bleu', '--hyp', 'a.txt', '--hyp', 'b.txt', '--ref', 'ref.txt', '--paired-bs', '--paired-bs-n', '1000', '--json'],
        dir,
        repeats,
      );
      const ourScore = (JSON.parse(single.stdout) as { score: number }).score;
      const ourPaired = JSON.parse(paired.stdout) as { score: number; mean: number; ci: number; p_value: number | null }[];
      lines.push(
        `fresh processes, ${PAIRS} pairs, median of ${repeats}: node reading + 13a-tokenising hyp and ref ${seconds(tokenising)} (floor); ` +
          `tuneloop bleu ${seconds(single)} = ${(single.wall / tokenising.wall).toFixed(2)}x floor; ` +
          `tuneloop bleu --paired-bs (2 systems, 1000 resamples) ${seconds(paired)}`,
      );

      const spec = process.env[SACREBLEU_ENV];
      if (spec) {
        const { env, command, args } = parseCommand(spec);
        const theirs = timeProcess(command, [...args, 'ref.txt', '-i', 'a.txt', '-b', '-w', '4'], dir, repeats, env);
        const sacrePairedRuns = Number(process.env.TUNELOOP_BENCH_SACREBLEU_PAIRED_REPEATS ?? 1);
        const theirsPaired = timeProcess(
          command,
          [...args, 'ref.txt', '-i', 'a.txt', 'b.txt', '-m', 'bleu', '--paired-bs', '--paired-bs-n', '1000', '-f', 'json'],
          dir,
          sacrePairedRuns,
          env,
        );
        const theirScore = Number(theirs.stdout.trim());
        const agree = ourScore.toFixed(2) === theirScore.toFixed(2);
        lines.push(
          `sacreBLEU (${SACREBLEU_ENV}), median of ${repeats}: ${seconds(theirs)} (baseline); tuneloop bleu = ${(single.wall / theirs.wall).toFixed(3)}x of its wall time` +
            (single.cpu !== undefined && theirs.cpu !== undefined ? `, ${(single.cpu / theirs.cpu).toFixed(3)}x of its CPU time` : '') +
            ` (target ≤ 0.2: ${single.wall / theirs.wall <= 0.2 ? 'met' : 'NOT met'} on wall time)`,
          `sacreBLEU --paired-bs (2 systems, 1000 resamples), ${sacrePairedRuns} run(s): ${seconds(theirsPaired)}; tuneloop --paired-bs = ${(paired.wall / theirsPaired.wall).toFixed(3)}x of its wall time`,
          `scores: tuneloop ${ourScore.toFixed(4)}, sacreBLEU ${theirScore.toFixed(4)}: ${agree ? 'the same to 2 decimals' : 'DIFFERENT at 2 decimals'}; paired bootstrap: tuneloop ${ourPaired.map((r) => `${r.score.toFixed(2)} (${r.mean.toFixed(2)} ± ${r.ci.toFixed(2)})`).join(' vs ')}; sacreBLEU ${sacrePairedSummary(theirsPaired.stdout)}`,
        );
      } else {
        lines.push(
          `sacreBLEU not found; set ${SACREBLEU_ENV} to compare (e.g. ${SACREBLEU_ENV}="PYTHONPATH=/path/to/sacrebleu /usr/bin/python3 -m sacrebleu")`,
        );
      }
      lines.push(
        `--paired-bs target < 10 s wall on this machine: ${paired.wall < 10 ? 'met' : 'NOT met'} (${paired.wall.toFixed(2)} s wall${paired.cpu !== undefined ? `, ${paired.cpu.toFixed(2)} s CPU` : ''} at load ${load()})`,
      );

      // In process: what the computation costs, without start-up, against tuneloop's own previous BLEU.
      const tables = segmentStatisticsTables([a, b], [refs]);
      const cpu = {
        tokens: cpuMedian(() => {
          for (let i = 0; i < PAIRS; i++) {
            tokenize13a(a[i]);
            tokenize13a(refs[i]);
          }
        }, repeats),
        legacy: cpuMedian(() => legacyCorpusBleu(a, refs), repeats),
        current: cpuMedian(() => corpusBleu(a, [refs]), repeats),
        stats: cpuMedian(() => segmentStatisticsTables([a, b], [refs]), repeats),
        resampling: cpuMedian(() => pairedBootstrap(tables, { resamples: 1000 }), repeats),
      };
      lines.push(
        `in process, CPU time (median of ${repeats}): corpus BLEU before (bench/legacyBleu.ts) ${cpu.legacy.toFixed(0)} ms (baseline); now ${cpu.current.toFixed(0)} ms = ${(cpu.current / cpu.legacy).toFixed(2)}x; ` +
          `13a tokenisation of hyp+ref alone ${cpu.tokens.toFixed(0)} ms; statistics of 2 systems ${cpu.stats.toFixed(0)} ms; 1000 resamples of 2 × ${PAIRS} segments ${cpu.resampling.toFixed(0)} ms`,
        `load average at end: ${load()}`,
      );
      return { name: 'bleu-significance', lines };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** sacreBLEU's JSON output of a paired test, shortened to score (mean ± ci) per system. */
function sacrePairedSummary(stdout: string): string {
  try {
    const rows = JSON.parse(stdout) as { system?: string; BLEU?: { score?: number; mean?: number; ci?: number } }[];
    return rows
      .map(({ BLEU: r = {} }) => `${Number(r.score).toFixed(2)} (${Number(r.mean).toFixed(2)} ± ${Number(r.ci).toFixed(2)})`)
      .join(' vs ');
  } catch {
    return `(unreadable output: ${stdout.slice(0, 80)})`;
  }
}
