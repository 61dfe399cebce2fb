import { resolve } from 'node:path';
import { applyLocalSettings } from '../local/localSettings';
import type { CliIo } from './command';

/**
 * The environment a command reads settings from: the shell's, plus the values of
 * `local.settings.json` in the working folder that the shell does not set (as `npm start` and
 * Core Tools read them), so `tuneloop drop` finds the same Azurite ports the local stack uses.
 */
export function cliEnv(io: CliIo): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...io.env };
  applyLocalSettings(resolve(io.cwd, 'local.settings.json'), env as NodeJS.ProcessEnv);
  return env;
}
