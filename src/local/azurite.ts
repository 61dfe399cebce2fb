import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { azuriteConnectionString } from '../shared/storage/clients';
import { node22Path } from './node22';
import { TuneloopError } from '../shared/errors';

export interface AzuriteOptions {
  /** Ports to listen on; 0 picks free ports (tests). */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Folder for persisted data; ignored with inMemory. */
  location?: string;
  inMemory?: boolean;
  /** Azurite's debug log (every request in full) in `location`/debug.log; ignored with inMemory. Default false. */
  debugLog?: boolean;
  host?: string;
  /** Gives up when Azurite has not said it listens by then. */
  startupTimeoutMs?: number;
}

export interface RunningAzurite {
  readonly connectionString: string;
  readonly ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

/** Raised when a port Azurite needs is already taken; the message says which and what to do. */
export class PortInUseError extends TuneloopError {
  constructor(
    readonly port: number,
    what: string,
  ) {
    super(
      `port ${port} (${what}) is already in use: stop whatever listens there (another Azurite or \`npm start\`?) ` +
        `or choose other ports with TUNELOOP_LOCAL_PORT_BASE`,
    );
  }
}

export async function assertPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, what) : err));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  const requested = {
    blob: options.blobPort ?? 0,
    queue: options.queuePort ?? 0,
    table: options.tablePort ?? 0,
  };
  await assertPortFree(requested.blob, 'Azurite blob', host);
  await assertPortFree(requested.queue, 'Azurite queue', host);
  await assertPortFree(requested.table, 'Azurite table', host);

  const entry = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  const args = [
    '-e',
    EXIT_WITH_PARENT,
    // Azurite reads its options from process.argv after the first two entries, as if run as a script.
    'azurite',
    '--blobHost',
    host,
    '--blobPort',
    String(requested.blob),
    '--queueHost',
    host,
    '--queuePort',
    String(requested.queue),
    '--tableHost',
    host,
    '--tablePort',
    String(requested.table),
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
    // No access log: one line per request is most of what Azurite writes while a big blob runs.
    '--silent',
  ];
  if (options.inMemory) args.push('--inMemoryPersistence');
  else {
    const location = options.location ?? path.resolve('.tuneloop', 'azurite');
    fs.mkdirSync(location, { recursive: true });
    args.push('--location', location);
    if (options.debugLog) args.push('--debug', path.join(location, 'debug.log'));
  }
  const child = spawn(node22Path(), args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, TUNELOOP_AZURITE_ENTRY: entry },
  });
  // The channel is only there to close when this process dies: it must not keep this process alive.
  child.channel?.unref();
  // Generous: on a loaded 2-core machine Azurite has been seen to need more than 30 s to listen.
  const ports = await waitForPorts(child, options.startupTimeoutMs ?? 90_000);
  const connectionString = azuriteConnectionString(ports, host);
  return {
    connectionString,
    ports,
    stop: () => stopChild(child),
  };
}

/**
 * Azurite runs with an IPC channel to the process that started it, and shuts down as on SIGTERM
 * when the channel closes: a host that crashed or was killed (SIGKILL) without stopping it left it
 * listening, and the next `npm start` found its ports taken (found by QA).
 */
const EXIT_WITH_PARENT = `process.once('disconnect', () => process.kill(process.pid, 'SIGTERM')); require(process.env.TUNELOOP_AZURITE_ENTRY);`;

function waitForPorts(child: ChildProcess, timeoutMs: number): Promise<{ blob: number; queue: number; table: number }> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite did not start within ${timeoutMs} ms; its output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const re = /Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:]+:(\d+)/g;
      for (const m of output.matchAll(re)) found[m[1].toLowerCase() as 'blob' | 'queue' | 'table'] = Number(m[2]);
      if (found.blob && found.queue && found.table) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining so Azurite never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ blob: found.blob, queue: found.queue, table: found.table });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      const inUse = /EADDRINUSE.*?:(\d+)/.exec(output);
      if (inUse) reject(new PortInUseError(Number(inUse[1]), 'Azurite'));
      else reject(new Error(`Azurite exited with code ${String(code)} before it was ready; its output:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
