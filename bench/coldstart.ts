import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type Benchmark, type BenchResult } from './harness';

/**
 * Cold start: a fresh node process loading the function app entry (`main` in package.json), as
 * the Functions worker does, against a hello-world `@azure/functions` v4 app the bench writes to a
 * temp folder (the baseline, same run, interleaved). Also `tuneloop --help`. Per process: wall time
 * from spawn to exit (node's own start included, as a cold start pays it), the time inside
 * `require` of the entry, and peak RSS; medians over RUNS processes each.
 */
const ROOT = join(__dirname, '..', '..');
const RUNS = 9;

interface Sample {
  wallMs: number;
  loadMs: number;
  rssMb: number;
  modules: number;
}

/** A child that loads `what` and prints how long that took, its peak RSS and how many modules it loaded. */
function probe(what: string): string {
  return `
const t0 = process.hrtime.bigint();
${what}
Promise.resolve(loaded).then(() => {
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write('\\n' + JSON.stringify({ loadMs, rssMb: process.resourceUsage().maxRSS / 1024, modules: Object.keys(require.cache).length }) + '\\n');
});`;
}

function run(script: string, env: NodeJS.ProcessEnv): Sample {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`coldstart bench: child failed (${String(child.status)}): ${child.stderr}`);
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return { wallMs, ...(JSON.parse(last) as Omit<Sample, 'wallMs'>) };
}

export const coldstartBenchmark: Benchmark = {
  name: 'coldstart',
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-coldstart-'));
    try {
      const hello = join(dir, 'index.js');
      writeFileSync(
        hello,
        `const { app } = require(${JSON.stringify(require.resolve('@azure/functions', { paths: [ROOT] }))});\n` +
          "app.http('hello', { methods: ['GET'], handler: async () => ({ body: 'Hello, world!' }) });\n",
      );
      const entry = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main);
      // Without Functions host variables @azure/functions runs in test mode for both apps alike (its warnings go to stderr).
      const env = { ...process.env, TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' };
      const cases = {
        hello: probe(`const loaded = require(${JSON.stringify(hello)});`),
        entry: probe(`const loaded = require(${JSON.stringify(entry)});`),
        cli: probe(
          `const loaded = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'main.js'))}).runCli(['--help'], { stdout() {}, stderr() {}, isTty: false, env: process.env, cwd: process.cwd() });`,
        ),
      };
      const samples: Record<keyof typeof cases, Sample[]> = { hello: [], entry: [], cli: [] };
      for (let i = 0; i <= RUNS; i++) {
        for (const name of Object.keys(cases) as (keyof typeof cases)[]) {
          const s = run(cases[name], env);
          if (i > 0) samples[name].push(s); // the first round warms the file cache
        }
      }
      const m = (name: keyof typeof cases, key: keyof Sample) => median(samples[name].map((s) => s[key]));
      const row = (label: string, name: keyof typeof cases) =>
        `| ${label} | ${m(name, 'wallMs').toFixed(0)} | ${(m(name, 'wallMs') / m('hello', 'wallMs')).toFixed(2)} | ${m(name, 'loadMs').toFixed(0)} | ${m(name, 'rssMb').toFixed(0)} | ${(m(name, 'rssMb') / m('hello', 'rssMb')).toFixed(2)} | ${m(name, 'modules')} |`;
      return {
        name: 'coldstart',
        lines: [
          `Median of ${RUNS} fresh node processes each (after one warm-up round), interleaved; baseline: a hello-world @azure/functions v4 app (one HTTP function) written to a temp folder.`,
          '',
          '| process | wall ms (spawn to exit) | × baseline | ms inside require / runCli | peak RSS MB | × baseline | modules loaded |',
          '|---|---|---|---|---|---|---|',
          row('hello-world v4 app (baseline)', 'hello'),
          row(`function app entry (${entry.slice(ROOT.length + 1)})`, 'entry'),
          row('tuneloop --help', 'cli'),
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
