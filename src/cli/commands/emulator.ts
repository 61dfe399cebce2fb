import { resolve } from 'node:path';
import { parseArgs, UsageError, type CliCommand } from '../command';
import { cliEnv } from '../localEnv';
import { loadSettings } from '../../shared/config/settings';
import { startEmulator } from '../../local/emulator';

/**
 * `tuneloop emulator`: the Azure OpenAI emulator on its own, like `azurite` for storage — for
 * `func start` (Core Tools) or any other client. `npm start` does not need it: the stack starts one.
 */
export const emulatorCommand: CliCommand = {
  name: 'emulator',
  usage: 'tuneloop emulator [--port <n>] [--host <address>] [--speed <x>] [--data-dir <dir> | --in-memory] [--no-https]',
  summary: 'run the local Azure OpenAI emulator alone until Ctrl-C (default port TUNELOOP_LOCAL_PORT_BASE + 10)',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['port', 'host', 'speed', 'data-dir'], booleans: ['in-memory', 'no-https'] });
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const env = cliEnv(io);
    const settings = loadSettings({ ...env, TUNELOOP_STORAGE: env.TUNELOOP_STORAGE ?? 'UseDevelopmentStorage=true' });
    const number = (name: string, fallback: number, check: (n: number) => boolean, rule: string) => {
      const raw = flags[name] as string | undefined;
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${rule} (got "${raw}")`);
      return n;
    };
    const port = number(
      'port',
      settings.TUNELOOP_LOCAL_PORT_BASE + 10,
      (n) => Number.isInteger(n) && n >= 0 && n < 65536,
      'a port number (0 = any free port)',
    );
    const speed = number('speed', settings.TUNELOOP_EMULATOR_SPEED, (n) => n > 0, 'a positive number');
    if (flags['in-memory'] && flags['data-dir']) throw new UsageError('--data-dir and --in-memory exclude each other');
    const dataDir = flags['in-memory']
      ? undefined
      : resolve(io.cwd, (flags['data-dir'] as string | undefined) ?? resolve(settings.TUNELOOP_LOCAL_DIR, 'emulator'));
    const emulator = await startEmulator({
      port,
      host: (flags.host as string | undefined) ?? '127.0.0.1',
      speed,
      dataDir,
      https: !flags['no-https'],
      outOfScopeThreshold: settings.TUNELOOP_EMULATOR_OUT_OF_SCOPE_THRESHOLD,
    });
    io.stdout(
      `Azure OpenAI emulator listening at ${emulator.url}${emulator.httpsUrl ? ` (and ${emulator.httpsUrl})` : ''}, speed ${speed}, ` +
        `${dataDir ? `data in ${dataDir}` : 'in memory'}\n` +
        `Point tuneloop at it with:\n  TUNELOOP_OPENAI_ENDPOINT=${emulator.url}\n  TUNELOOP_ARM_ENDPOINT=${emulator.url}\n  TUNELOOP_OPENAI_AUTH=local\n` +
        'Press Ctrl-C to stop.\n',
    );
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await emulator.close();
    io.stdout('emulator stopped.\n');
    return 0;
  },
};
