import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MALLOC_ARENA_MAX } from '../../src/local/mallocArenas';

/**
 * `npm start` as a user runs it: the built entry point in a child process (npm test builds dist/
 * first). Ports come from TUNELOOP_LOCAL_PORT_BASE; a free base is found for each test.
 */
const root = path.resolve(__dirname, '../..');
const entry = path.join(root, 'dist', 'src', 'local', 'start.js');

async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ports = [base, base + 1, base + 2, base + 10];
    const free = await Promise.all(ports.map(isFree));
    if (free.every(Boolean)) return base;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], {
    cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-start-')),
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const waitFor = (pattern: RegExp, timeoutMs = 60000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (pattern.test(output)) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`did not see ${String(pattern)} in:\n${output}`));
        }
      }, 100);
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, waitFor, exited, output: () => output };
}

describe('npm start (built local host)', () => {
  beforeAll(() => {
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (npm test does it in pretest)`);
  });

  it('starts Azurite and the host, and stops cleanly on Ctrl-C', async () => {
    const base = await freePortBase();
    const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base), TUNELOOP_LOCAL_DIR: '.tuneloop' });
    await proc.waitFor(/Press Ctrl-C to stop/);
    expect(proc.output()).toContain(`Azurite: blob ${base}, queue ${base + 1}, table ${base + 2}`);
    expect(proc.output()).toContain(`Azure OpenAI emulator: http://127.0.0.1:${base + 10} (speed 1)`);
    if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
      // The host runs in a child started again with glibc's arena cap (src/local/mallocArenas.ts).
      const pid = String(proc.child.pid);
      const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
      expect(children).toHaveLength(1);
      expect(fs.readFileSync(`/proc/${children[0]}/environ`, 'utf8').split('\0')).toContain(`MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX}`);
    }
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('stopped.');
  });

  it('leaves no Azurite behind when the host is killed (SIGKILL), so the next start finds its ports free (QA, 4 December)', async () => {
    if (process.platform !== 'linux') return;
    const base = await freePortBase();
    const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base), TUNELOOP_LOCAL_DIR: '.tuneloop' });
    try {
      await proc.waitFor(/Press Ctrl-C to stop/);
      // Azurite is the process started with this stack's blob port; the host is its parent.
      const azurite = fs
        .readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .find((pid) => {
          try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(`--blobPort ${base} `);
          } catch {
            return false;
          }
        });
      if (!azurite) throw new Error(`no process listens with --blobPort ${base}`);
      const host = Number(fs.readFileSync(`/proc/${azurite}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      process.kill(host, 'SIGKILL');
      for (let waited = 0; !(await isFree(base)); waited += 200) {
        if (waited > 30000) throw new Error(`Azurite (pid ${azurite}) still listens on ${base} 30 s after its host was killed`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  });

  it('says clearly which port is taken', async () => {
    const base = await freePortBase();
    const blocker = net.createServer().listen(base, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base) });
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toContain(`port ${base} (Azurite blob) is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('says clearly when the emulator port (base + 10) is taken, and stops Azurite again', async () => {
    const base = await freePortBase();
    const blocker = net.createServer().listen(base + 10, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base) });
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toContain(`port ${base + 10} (Azure OpenAI emulator) is already in use`);
      expect(await isFree(base)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
