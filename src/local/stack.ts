import fs from 'node:fs';
import path from 'node:path';
import { loadSettings, type Settings } from '../shared/config/settings';
import { createRuntime, type Runtime } from '../shared/composition/runtime';
import { createStorageClients } from '../shared/storage/clients';
import { functionDefinitions } from '../functions/registry';
import { startAzurite, type RunningAzurite } from './azurite';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator';
import { useLocalEmulator } from './emulatorEnv';
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
  /** Overrides for the Azure OpenAI emulator (speed, faults, latency…); port and persistence follow the stack. */
  emulator?: Omit<EmulatorOptions, 'port' | 'dataDir'>;
}

export interface LocalStack {
  readonly settings: Settings;
  /** The runtime the host's functions use now (see `useRuntime`). */
  readonly runtime: Runtime;
  /** The runtime the host's functions get from now on (a test switching a setting mid-run, as an app-settings change would). */
  useRuntime(next: Runtime): void;
  readonly azurite: RunningAzurite;
  /** The Azure OpenAI emulator; TUNELOOP_OPENAI_ENDPOINT and TUNELOOP_ARM_ENDPOINT point at it. */
  readonly emulator: RunningEmulator;
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
    debugLog: base.TUNELOOP_LOCAL_AZURITE_DEBUG_LOG,
  });
  const stoppers: (() => Promise<void>)[] = [() => azurite.stop()];
  try {
    env.TUNELOOP_STORAGE = azurite.connectionString;
    // The emulator persists beside Azurite so a restarted stack finds the jobs its tables remember.
    const emulator = await startEmulator({
      speed: base.TUNELOOP_EMULATOR_SPEED,
      outOfScopeThreshold: base.TUNELOOP_EMULATOR_OUT_OF_SCOPE_THRESHOLD,
      ...options.emulator,
      port: options.freePorts ? 0 : portBase + 10,
      dataDir: options.inMemory ? undefined : path.resolve(base.TUNELOOP_LOCAL_DIR, 'emulator'),
    });
    stoppers.unshift(() => emulator.close());
    useLocalEmulator(env, emulator.url);
    const settings = loadSettings(env);
    const storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    let runtime = createRuntime(settings, { storage });
    const host = new LocalHost({
      definitions: functionDefinitions(settings, () => Promise.resolve(runtime)),
      storage,
      // %SETTING% schedules resolve to the validated settings, defaults included.
      env: { ...settingsAsEnv(settings), ...env },
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      // The same parallelism Azure's host takes from host.json.
      blobConcurrency: hostJsonBlobParallelism(),
      print,
      onInvocation: options.onInvocation,
    });
    if (options.startHost !== false) await host.start();
    stoppers.unshift(() => host.stop());
    return {
      settings,
      get runtime() {
        return runtime;
      },
      useRuntime(next: Runtime) {
        runtime = next;
      },
      azurite,
      emulator,
      host,
      env,
      async stop() {
        for (const stop of stoppers) await stop();
      },
    };
  } catch (err) {
    for (const stop of stoppers) await stop().catch(() => undefined);
    throw err;
  }
}

function settingsAsEnv(settings: Settings): Record<string, string> {
  const env: Record<string, string> = {};
  // Values as the runtime sees them: an optional setting may be present as undefined; objects are not env values.
  const entries: [string, unknown][] = Object.entries(settings);
  for (const [key, value] of entries) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[key] = String(value);
  }
  return env;
}

/** host.json `extensions.blobs.maxDegreeOfParallelism` of the repository (1 when absent or unreadable). */
export function hostJsonBlobParallelism(file?: string): number {
  // src/local (ts-jest) or dist/src/local (built).
  const candidates = file
    ? [file]
    : [path.resolve(__dirname, '..', '..', 'host.json'), path.resolve(__dirname, '..', '..', '..', 'host.json')];
  for (const candidate of candidates) {
    try {
      const hostJson = JSON.parse(fs.readFileSync(candidate, 'utf8')) as {
        extensions?: { blobs?: { maxDegreeOfParallelism?: unknown } };
      } | null;
      const value = hostJson?.extensions?.blobs?.maxDegreeOfParallelism;
      return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
    } catch {
      // try the next location
    }
  }
  return 1;
}
