import { resolve } from 'node:path';
import { applyLocalSettings } from '../local/localSettings';
import { useLocalEmulator } from '../local/emulatorEnv';
import type { CliIo } from './command';
import { loadSettings } from '../shared/config/settings';
import { azuriteConnectionString } from '../shared/storage/connectionString';

/**
 * The environment a command reads settings from: the shell's, plus the values of
 * `local.settings.json` in the working folder that the shell does not set (as `npm start` and
 * Core Tools read them), so `tuneloop drop` finds the same Azurite ports the local stack uses.
 */
export function cliEnv(io: CliIo): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...io.env };
  applyLocalSettings(resolve(io.cwd, 'local.settings.json'), env);
  return env;
}

/**
 * The environment of a command that reads tuneloop's storage: `--connection-string` when given;
 * else the configured storage; else — nothing set, or `UseDevelopmentStorage=true` — the Azurite
 * of `npm start`, whose ports follow TUNELOOP_LOCAL_PORT_BASE.
 */
export function cliStorageEnv(io: CliIo, connectionString?: string): Record<string, string | undefined> {
  const env = cliEnv(io);
  if (connectionString) {
    env.TUNELOOP_STORAGE = connectionString;
    return env;
  }
  const configured = env.TUNELOOP_STORAGE;
  const local = !configured ? !env.TUNELOOP_STORAGE__blobServiceUri : /^UseDevelopmentStorage=true;?$/i.test(configured.trim());
  if (local) {
    const base = loadSettings({ ...env, TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' }).TUNELOOP_LOCAL_PORT_BASE;
    env.TUNELOOP_STORAGE = azuriteConnectionString({ blob: base, queue: base + 1, table: base + 2 });
    // The stack's emulator too, as `npm start` gives it to its host.
    useLocalEmulator(env, `http://127.0.0.1:${base + 10}`);
  }
  return env;
}
