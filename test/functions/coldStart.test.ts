import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Cold start is behaviour, not timing: loading the function app entry (package.json `main`, the
 * built dist/ that `npm test`'s pretest builds) must load no npm package beyond those a
 * hello-world @azure/functions v4 app loads, so NLP models, tokenizer tables, SDK clients, zod and
 * Chart.js load on first use by the function that needs them. The same for `tuneloop --help`.
 * (`npm run bench -- coldstart` measures the time and memory.)
 */
const ROOT = join(__dirname, '..', '..');

/** npm packages (by name) a fresh node process has loaded after running `script`. */
function packagesLoadedBy(script: string, env: NodeJS.ProcessEnv = {}): { packages: string[]; modules: string[] } {
  const child = spawnSync(
    process.execPath,
    ['-e', `${script}\nPromise.resolve(loaded).then(() => process.stdout.write('\\n' + JSON.stringify(Object.keys(require.cache))));`],
    { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`child failed (${String(child.status)}): ${child.stderr}`);
  const modules = JSON.parse(child.stdout.trim().split('\n').pop()!) as string[];
  const packages = new Set<string>();
  for (const m of modules) {
    const at = m.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = m.slice(at + 'node_modules/'.length).split('/');
    packages.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return { packages: [...packages].sort(), modules };
}

describe('cold start', () => {
  let dir: string;
  let helloPackages: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-coldstart-'));
    const hello = join(dir, 'index.js');
    await writeFile(
      hello,
      `const { app } = require(${JSON.stringify(require.resolve('@azure/functions'))});\napp.http('hello', { handler: async () => ({ body: 'hi' }) });\n`,
    );
    helloPackages = packagesLoadedBy(`const loaded = require(${JSON.stringify(hello)});`).packages;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the function app entry loads no package a hello-world v4 app does not, and no domain code', () => {
    const main = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main;
    const { packages, modules } = packagesLoadedBy(`const loaded = require(${JSON.stringify(join(ROOT, main))});`, {
      TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
    });
    expect(helloPackages).toContain('@azure/functions');
    expect(packages.filter((p) => !helloPackages.includes(p))).toEqual([]);
    const own = modules.filter((m) => !m.includes('node_modules')).map((m) => m.slice(ROOT.length + 1));
    // Registration only: the function definitions, the few settings they need and the base error (no imports of its own).
    expect(
      own.filter(
        (m) => !/^dist\/src\/(functions\/|shared\/config\/registrationSettings\.js|shared\/storage\/names\.js|shared\/errors\.js)/.test(m),
      ),
    ).toEqual([]);
  });

  it('tuneloop --help loads no npm package and no command module', () => {
    const { packages, modules } = packagesLoadedBy(
      `const loaded = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'main.js'))}).runCli(['--help'], { stdout() {}, stderr() {}, isTty: false, env: {}, cwd: '.' });`,
    );
    expect(packages).toEqual([]);
    expect(modules.filter((m) => /cli[/\\]commands[/\\](?!index\.js)/.test(m))).toEqual([]);
  });

  it('each lazily listed command names the module it loads, with the same summary', () => {
    // In a child process: loading every command pulls in SDK clients that keep handles open.
    const script = `const { commands, resolveCommand } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'commands', 'index.js'))});
const out = commands.map((entry) => { const c = resolveCommand(entry); return { listed: [entry.name, entry.summary], loaded: [c.name, c.summary] }; });
process.stdout.write(JSON.stringify(out));
process.exit(0);`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(child.status).toBe(0);
    const pairs = JSON.parse(child.stdout) as { listed: string[]; loaded: string[] }[];
    expect(pairs.length).toBeGreaterThan(5);
    for (const p of pairs) expect(p.loaded).toEqual(p.listed);
  });

  it('tuneloop prepare loads no Azure SDK or credential package (it works offline, on files)', () => {
    // Loading @azure/identity and the storage SDKs costs about 0.65 s of CPU per run (measured
    // with --cpu-prof on 30 MB); a connection string for the local stack needs none of them.
    const { packages } = packagesLoadedBy(
      `const loaded = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'commands', 'prepare.js'))});`,
    );
    expect(packages.filter((p) => p.startsWith('@azure/'))).toEqual([]);
  });
});
