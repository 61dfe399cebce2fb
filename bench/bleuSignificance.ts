import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Benchmark } from './harness';
import { median, timeMedian } from './harness';
import { corpusBleu, segmentStatisticsTables, tokenize13a } from '../src/shared/evaluation/bleu';
import { pairedBootstrap } from '../src/shared/evaluation/significance';
import { legacyCorpusBleu } from './legacyBleu';

/**
 * `tuneloop bleu` on 100,000 hypothesis/reference pairs, alone and with `--paired-bs` (1,000
 * resamples, two systems). References: BANKING77 test messages (CC BY 4.0,
 * test/fixtures/corpora/banking77) cycled to 100,000 lines; the two systems keep each word with
 * probability 0.7 and 0.72 (seeded), so the files look like real, imperfect replies.
 *
 * sacreBLEU cannot be installed on this machine (no PyPI), so the baselines measured in the same run
 * are: 13a tokenisation of the same lines alone (a floor any BLEU implementation pays), and corpus
 * BLEU as tuneloop computed it before this change (bench/legacyBleu.ts).
 */
const PAIRS = 100_000;

function makeFiles(dir: string): void {
  const csv = readFileSync(resolve(__dirname, '../../test/fixtures/corpora/banking77/test.csv'), 'utf8');
  const texts = csv
    .split('\n')
    .slice(1)
    .map((l) => /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => (m[1] ?? m[2]).replace(/""/g, '"'));
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

/**
 * Median CPU time (ms, user + system) of `fn` after one warm-up. On a machine shared with other
 * work, CPU time moves far less than wall time; both are printed.
 */
function cpuMedian(fn: () => unknown, repeats: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

/** Median wall time (ms) of a fresh process, as a user would run it. */
function timeProcess(args: string[], cwd: string, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

export const bleuSignificanceBenchmark: Benchmark = {
  name: 'bleu-significance',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-bleu-'));
    try {
      makeFiles(dir);
      const read = (f: string) => readFileSync(join(dir, f), 'utf8').replace(/\n$/, '').split('\n');
      const refs = read('ref.txt');
      const a = read('a.txt');
      const b = read('b.txt');
      const lines: string[] = [];

      // In process: what the computation costs, without start-up.
      const tokens = await timeMedian(() => {
        for (let i = 0; i < PAIRS; i++) {
          tokenize13a(a[i]);
          tokenize13a(refs[i]);
        }
      }, 3);
      const legacy = await timeMedian(() => legacyCorpusBleu(a, refs), 3);
      const current = await timeMedian(() => corpusBleu(a, [refs]), 3);
      const tables = segmentStatisticsTables([a, b], [refs]);
      const stats = await timeMedian(() => segmentStatisticsTables([a, b], [refs]), 3);
      const resampling = await timeMedian(() => pairedBootstrap(tables, { resamples: 1000 }), 3);
      const cpu = {
        tokens: cpuMedian(() => {
          for (let i = 0; i < PAIRS; i++) {
            tokenize13a(a[i]);
            tokenize13a(refs[i]);
          }
        }, 3),
        legacy: cpuMedian(() => legacyCorpusBleu(a, refs), 3),
        current: cpuMedian(() => corpusBleu(a, [refs]), 3),
        stats: cpuMedian(() => segmentStatisticsTables([a, b], [refs]), 3),
        resampling: cpuMedian(() => pairedBootstrap(tables, { resamples: 1000 }), 3),
      };
      lines.push(
        `in process, CPU time (median of 3): 13a tokenisation ${cpu.tokens.toFixed(0)} ms (baseline); corpus BLEU before ${cpu.legacy.toFixed(0)} ms = ${(cpu.legacy / cpu.tokens).toFixed(2)}x; now ${cpu.current.toFixed(0)} ms = ${(cpu.current / cpu.tokens).toFixed(2)}x baseline, ${(cpu.current / cpu.legacy).toFixed(2)}x before; statistics of 2 systems ${cpu.stats.toFixed(0)} ms; 1000 resamples ${cpu.resampling.toFixed(0)} ms`,
        `in process, ${PAIRS} pairs, wall time (median of 3): 13a tokenisation of hyp+ref ${tokens.toFixed(0)} ms (baseline); corpus BLEU before ${legacy.toFixed(0)} ms = ${(legacy / tokens).toFixed(2)}x; now ${current.toFixed(0)} ms = ${(current / tokens).toFixed(2)}x baseline, ${(current / legacy).toFixed(2)}x before`,
        `in process, paired bootstrap: statistics of 2 systems ${stats.toFixed(0)} ms + 1000 resamples ${resampling.toFixed(0)} ms (${(resampling / 1000).toFixed(2)} ms per resample of 2 × ${PAIRS} segments)`,
      );

      // As a user runs it: fresh processes, start-up included.
      const cli = resolve(__dirname, '../../bin/tuneloop.js');
      const baselineScript = `const fs=require('fs');const t=require(${JSON.stringify(resolve(__dirname, '../src/shared/evaluation/bleu.js'))}).tokenize13a;for(const f of ['a.txt','ref.txt'])for(const l of fs.readFileSync(f,'utf8').split('\\n'))t(l);`;
      const baselineProcess = timeProcess(['-e', baselineScript], dir, 3);
      const single = timeProcess([cli, 'bleu', '--hyp', 'a.txt', '--ref', 'ref.txt'], dir, 3);
      const paired = timeProcess([cli, 'bleu', '--hyp', 'a.txt', '--hyp', 'b.txt', '--ref', 'ref.txt', '--paired-bs'], dir, 3);
      lines.push(
        `fresh process (median of 3): node reading + 13a-tokenising both files ${(baselineProcess / 1000).toFixed(2)} s (baseline); tuneloop bleu ${(single / 1000).toFixed(2)} s = ${(single / baselineProcess).toFixed(2)}x; tuneloop bleu --paired-bs (2 systems, 1000 resamples) ${(paired / 1000).toFixed(2)} s = ${(paired / baselineProcess).toFixed(2)}x`,
      );
      return { name: 'bleu-significance', lines };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
