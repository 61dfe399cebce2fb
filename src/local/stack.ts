import path from 'node:path';
import { loadSettings, type Settings } from '../shared/config/settings';
import { createRuntime, setRuntime, type Runtime } from '../shared/composition/runtime';
import { createStorageClients } from '../shared/storage/clients';
import { functionDefinitions } from '../functions/registry';
import { startAzurite, type RunningAzurite } from './azurite';
import { LocalHost, type InvocationRecord } from './host';

export interface LocalStackOptions {
  env?: Record<string, string | undefined>;
  /** Keep Azurite's data in memory (tests, demo) instead of under TUNELOOP_LOCAL_DIR. */
  inMemory?: boolean;
  /** Use free ports instead of TUNELOOP_LOCAL_PORT_BASE (tests, demo). */
  freePorts?: boolean;
  pollIntervalMs?: number;
  print?: (line: string) => void;
  onInvocation?: (record: InvocationRecord) => void;
  /** Start the host's triggers (default true); false gives storage and runtime only. */
  startHost?: boolean;
}

export interface LocalStack {
  readonly settings: Settings;
  readonly runtime: Runtime;
  readonly azurite: RunningAzurite;
  readonly host: LocalHost;
  /** The environment the stack runs with (settings plus the endpoints it started). */
  readonly env: Record<string, string | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts everything the loop needs on one machine: Azurite, the resources, the composition
 * root and the local Functions host driving the registered handlers.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const print = options.print ?? ((line: string) => console.log(line));
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  const base = loadSettings({ ...env, TUNELOOP_STORAGE: env.TUNELOOP_STORAGE ?? 'UseDevelopmentStorage=true' });
  const portBase = base.TUNELOOP_LOCAL_PORT_BASE;
  const azurite = await startAzurite({
    blobPort: options.freePorts ? 0 : portBase,
    queuePort: options.freePorts ? 0 : portBase + 1,
    tablePort: options.freePorts ? 0 : portBase + 2,
    inMemory: options.inMemory,
    location: path.resolve(base.TUNELOOP_LOCAL_DIR, 'azurite'),
  });
  const stoppers: (() => Promise<void>)[] = [() => azurite.stop()];
  try {
    env.TUNELOOP_STORAGE = azurite.connectionString;
    const settings = loadSettings(env);
    const storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    const runtime = createRuntime(settings, { storage });
    setRuntime(runtime);
    const host = new LocalHost({
      definitions: functionDefinitions(settings),
      storage,
      // %SETTING% schedules resolve to the validated settings, defaults included.
      env: { ...settingsAsEnv(settings), ...env },
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      print,
      onInvocation: options.onInvocation,
    });
    if (options.startHost !== false) await host.start();
    stoppers.unshift(() => host.stop());
    return {
      settings,
      runtime,
      azurite,
      host,
      env,
      async stop() {
        for (const stop of stoppers) await stop();
        setRuntime(undefined);
      },
    };
  } catch (err) {
    for (const stop of stoppers) await stop().catch(() => undefined);
    throw err;
  }
}

function settingsAsEnv(settings: Settings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && value !== null && typeof value !== 'object') env[key] = String(value);
  }
  return env;
}
