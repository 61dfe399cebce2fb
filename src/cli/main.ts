import { UsageError, type CliCommand, type CliIo } from './command';

/**
 * Commands that need no Azure SDK load on their own: loading every command costs seconds of CPU,
 * which `tuneloop bleu` on a large file should not pay. Everything else loads the full list.
 */
const STANDALONE: Record<string, () => CliCommand> = {
  bleu: () => (require('./commands/bleu') as typeof import('./commands/bleu')).bleuCommand,
};

function allCommands(): CliCommand[] {
  return (require('./commands') as typeof import('./commands')).commands;
}

function defaultIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

export function usage(): string {
  const commands = allCommands();
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return (
    'usage: tuneloop <command> [options]\n\ncommands:\n' +
    commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n') +
    '\n\n`tuneloop <command> --help` shows the options of a command.\n'
  );
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = STANDALONE[name]?.() ?? allCommands().find((c) => c.name === name);
  if (!command) {
    io.stderr(`tuneloop: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`tuneloop ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    io.stderr(`tuneloop ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
