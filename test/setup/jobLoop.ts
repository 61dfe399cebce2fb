import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../src/local/azurite';
import type { EmulatorOptions, RunningEmulator } from '../../src/local/emulator';
import { LocalHost, type InvocationRecord } from '../../src/local/host';
import { fineTuneJobs } from '../../src/functions/fineTuneJobs';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import type { Settings } from '../../src/shared/config/settings';
import { FINAL_JOB_STATES, JobStore, type JobRecord } from '../../src/shared/finetune/jobStore';
import { createStorageClients, type StorageClients } from '../../src/shared/storage/clients';
import { CONTAINERS } from '../../src/shared/storage/names';
import { emulatorSettings, startTestEmulator } from '../shared/finetune/fixtures';

/**
 * The whole fine-tuning job loop on one machine, for end-to-end tests: a private in-memory Azurite
 * (the job queue, job table and models table have fixed names, so a test file that drives the loop
 * must not share them with other test files), the emulator over HTTP, and the real fineTuneJobs
 * function on the local Functions host.
 */
export interface JobLoopStack {
  azurite: RunningAzurite;
  emulator: RunningEmulator;
  storage: StorageClients;
  settings: Settings;
  host: LocalHost;
  /** The runtime the host's fineTuneJobs handler uses from its next invocation on (default: one built from `settings`). */
  useRuntime(runtime: Runtime): void;
  /** TUNELOOP_LOCAL_DIR: local telemetry and events land here. */
  localDir: string;
  /** Every line the host printed, for failure messages. */
  hostLog: string[];
  /** Stops everything and removes localDir. */
  stop(): Promise<void>;
}

export interface JobLoopStackOptions {
  /** Prefix of the temporary TUNELOOP_LOCAL_DIR. */
  tempPrefix: string;
  emulator?: EmulatorOptions;
  /**
   * Settings over the emulator settings. Defaults keep jobs short: polls from 0.5 s capped at 1 s,
   * and 2 epochs.
   */
  settings?: Record<string, string>;
  onInvocation?: (record: InvocationRecord) => void;
}

export async function startJobLoopStack(options: JobLoopStackOptions): Promise<JobLoopStack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const azurite = await startAzurite({ inMemory: true });
    cleanups.push(() => azurite.stop());
    const emulator = await startTestEmulator(options.emulator);
    cleanups.push(() => emulator.close());
    const localDir = mkdtempSync(path.join(os.tmpdir(), options.tempPrefix));
    cleanups.push(() => rmSync(localDir, { recursive: true, force: true }));
    const settings = emulatorSettings(emulator, azurite.connectionString, {
      TUNELOOP_LOCAL_DIR: localDir,
      TUNELOOP_POLL_DELAY_START_SECONDS: '0.5',
      TUNELOOP_POLL_DELAY_CAP_SECONDS: '1',
      TUNELOOP_FINETUNE_EPOCHS: '2',
      ...options.settings,
    });
    const storage = createStorageClients({ connectionString: azurite.connectionString });
    await storage.ensureResources();
    let runtime = createRuntime(settings, { storage });
    const hostLog: string[] = [];
    const host = new LocalHost({
      definitions: [fineTuneJobs(settings, () => Promise.resolve(runtime))],
      storage,
      pollIntervalMs: 50,
      print: (line) => hostLog.push(line),
      onInvocation: options.onInvocation,
    });
    await host.start();
    cleanups.push(() => host.stop());
    const useRuntime = (next: Runtime) => {
      runtime = next;
    };
    return { azurite, emulator, storage, settings, host, useRuntime, localDir, hostLog, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Writes the blobs of a dataset version as nightly assembly does (container `datasets`,
 * `<version>/<name>`), in the order given.
 */
export async function writeDatasetBlobs(storage: StorageClients, version: string, files: Record<string, string>): Promise<void> {
  const container = storage.container(CONTAINERS.datasets);
  for (const [name, text] of Object.entries(files))
    await container.getBlockBlobClient(`${version}/${name}`).upload(text, Buffer.byteLength(text));
}

export interface WaitForJobOptions {
  /** Default: a final state, and no invocation holds the job's lease any more. */
  until?: (record: JobRecord) => boolean;
  timeoutMs?: number;
  /** The host's log, whose tail goes into the error when the job does not get there. */
  hostLog?: readonly string[];
}

/** Polls the job table until the job's record satisfies `until`; throws with the last state after the timeout. */
export async function waitForJobRecord(storage: StorageClients, jobKey: string, options: WaitForJobOptions = {}): Promise<JobRecord> {
  const until = options.until ?? ((r: JobRecord) => FINAL_JOB_STATES.has(r.state) && !r.leaseOwner);
  const timeoutMs = options.timeoutMs ?? 40_000;
  const store = new JobStore(storage);
  const deadline = Date.now() + timeoutMs;
  let last: JobRecord | undefined;
  while (Date.now() < deadline) {
    last = (await store.get(jobKey))?.record;
    if (last && until(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `job ${jobKey} did not get there in ${timeoutMs} ms; last state ${String(last?.state)} (${last?.detail ?? ''}); host log:\n${(options.hostLog ?? []).slice(-30).join('\n')}`,
  );
}
