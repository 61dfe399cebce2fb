import { UsageError, type CliIo } from './command';
import { commands, resolveCommand } from './commands';

function defaultIo(): CliIo {
  // Node types it as boolean, but it is undefined when stderr is a pipe or a file.
  const { isTTY: stderrIsTty } = process.stderr as { isTTY?: boolean };
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: stderrIsTty === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

export function usage(): string {
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
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`tuneloop: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = resolveCommand(entry);
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
  // runCli turns every command failure into an exit code; a rejection would be a bug, left to Node's crash on an unhandled rejection.
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
