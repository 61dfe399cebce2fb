import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { loadSettings } from '../../../src/shared/config/settings';
import { LocalJsonlTelemetry } from '../../../src/shared/telemetry/localSink';
import { LocalEventSink } from '../../../src/shared/telemetry/events';
import { startPrivateAzurite } from '../../setup/storage';

export interface ErasureRuntime {
  azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  runtime: Runtime;
  /** TUNELOOP_LOCAL_DIR: telemetry and events as JSON lines. */
  dir: string;
  stop(): Promise<void>;
}

/** A private Azurite and a runtime on it, with local telemetry and events files: what the erasure tests run `forget` on. */
export async function startErasureRuntime(tempPrefix: string): Promise<ErasureRuntime> {
  const azurite = await startPrivateAzurite();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
  const runtime = createRuntime(loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir }), {
    storage: azurite.storage,
    telemetry: new LocalJsonlTelemetry({ path: path.join(dir, 'telemetry.jsonl') }),
    events: new LocalEventSink(path.join(dir, 'events.jsonl')),
  });
  return {
    azurite,
    runtime,
    dir,
    stop: async () => {
      await azurite.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
