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

function startProcess(env: Record<string, string>, command: { file: string; args: string[]; cwd: string } = startJs()) {
  const child = spawn(command.file, command.args, {
    cwd: command.cwd,
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

function startJs() {
  return { file: process.execPath, args: [entry], cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-start-')) };
}

/**
 * `npm start` itself, in the repository. Without the prestart build (--ignore-scripts): npm test
 * built dist/ already, and building again would rewrite it under the test files running beside this one.
 */
function npmStart() {
  return { file: 'npm', args: ['start', '--ignore-scripts'], cwd: root };
}

/** Every process below `pid` (Linux), read before a signal re-parents them. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${String(pid)}/task`)) {
      const listed = fs.readFileSync(`/proc/${String(pid)}/task/${task}/children`, 'utf8').trim();
      if (listed) children = children.concat(listed.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Running, not a zombie waiting for a parent (in a container, PID 1 may never reap orphans). */
function running(pid: number): boolean {
  try {
    return (
      fs
        .readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
        .split(') ')[1]
        .split(' ')[0] !== 'Z'
    );
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return fs
      .readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
      .split('\0')
      .join(' ');
  } catch {
    return '(gone)';
  }
}

/** Waits until none of `pids` runs and the stack's ports are free; kills what is left when it gives up. */
async function expectAllStopped(pids: number[], base: number, timeoutMs = 30000): Promise<void> {
  const ports = [base, base + 1, base + 2, base + 10];
  for (let waited = 0; ; waited += 200) {
    const left = pids.filter(running);
    const taken = (await Promise.all(ports.map(async (port) => ((await isFree(port)) ? undefined : port)))).filter((p) => p !== undefined);
    if (left.length === 0 && taken.length === 0) return;
    if (waited > timeoutMs) {
      const described = left.map((pid) => `${String(pid)}: ${commandLine(pid)}`).join('\n');
      throw new Error(`${String(timeoutMs)} ms on, still running:\n${described}\nports taken: ${taken.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A failed test must not leave a stack running: its output pipe would keep jest from exiting. */
function killLeft(pids: number[]): void {
  for (const pid of pids.filter(running)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts the stack, waits until it is up, and hands the process and everything below it to
 * `stop`; whatever is still running afterwards is killed, so a failing test cannot keep jest alive.
 */
async function whileRunning(proc: ReturnType<typeof startProcess>, stop: (pid: number, pids: number[]) => Promise<void>): Promise<void> {
  const pid = proc.child.pid ?? 0;
  let pids: number[] = [];
  try {
    await proc.waitFor(/Press Ctrl-C to stop/);
    pids = descendants(pid);
    await stop(pid, pids);
  } finally {
    killLeft([pid, ...pids]);
  }
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

  it('stops the host, Azurite and the emulator when npm gets SIGTERM (QA: they kept running and holding the ports)', async () => {
    if (process.platform !== 'linux') return;
    const base = await freePortBase();
    const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-start-'));
    const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base), TUNELOOP_LOCAL_DIR: localDir }, npmStart());
    await whileRunning(proc, async (pid, pids) => {
      expect(pids.map(commandLine).filter((line) => line.includes('dist/src/local/start.js')).length).toBeGreaterThan(0);
      expect(pids.map(commandLine).filter((line) => line.includes(`--blobPort ${String(base)} `))).toHaveLength(1);
      process.kill(pid, 'SIGTERM');
      await proc.exited;
      await expectAllStopped(pids, base);
      expect(proc.output()).toContain('stopped.');
    });
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('stops everything it started when start.js gets %s', async (signal) => {
    if (process.platform !== 'linux') return;
    const base = await freePortBase();
    const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base), TUNELOOP_LOCAL_DIR: '.tuneloop' });
    await whileRunning(proc, async (_pid, pids) => {
      proc.child.kill(signal);
      expect(await proc.exited).toBe(0);
      await expectAllStopped(pids, base);
      expect(proc.output()).toContain(`${signal}: stopping`);
      expect(proc.output()).toContain('stopped.');
    });
  });

  it('stops the host and Azurite when the process that relaunched the host is killed (SIGKILL)', async () => {
    if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined) return;
    const base = await freePortBase();
    const proc = startProcess({ TUNELOOP_LOCAL_PORT_BASE: String(base), TUNELOOP_LOCAL_DIR: '.tuneloop' });
    await whileRunning(proc, async (_pid, pids) => {
      proc.child.kill('SIGKILL');
      await proc.exited;
      await expectAllStopped(pids, base);
      expect(proc.output()).toContain('stopped.');
    });
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
