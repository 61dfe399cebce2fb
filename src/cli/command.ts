import { modelInfo, UnknownModelError } from '../shared/dataset/models';
import { TuneloopError } from '../shared/errors';

/** What a CLI command gets: its arguments and where to write (so tests can capture output). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress lines are shown only then). */
  isTty: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** Returns the exit code: 0 success, 1 failure of the checked thing, 2 usage error. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A usage error: the CLI prints the message and the command's usage and exits 2. */
export class UsageError extends TuneloopError {
  constructor(message: string) {
    super(message);
  }
}

/** A `--model` value must be a model tuneloop knows (limits, prices); otherwise a usage error that lists them. */
export function assertKnownModel(model: string): void {
  try {
    modelInfo(model);
  } catch (err) {
    if (err instanceof UnknownModelError) throw new UsageError(err.message);
    throw err;
  }
}

/** Minimal flag parser: `--name value`, `--flag`, repeated flags collect into arrays. */
export function parseArgs(
  args: string[],
  spec: { strings?: string[]; booleans?: string[]; multiple?: string[] },
): { positional: string[]; flags: Record<string, string | boolean | string[]> } {
  const positional: string[] = [];
  const flags: Record<string, string | boolean | string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.booleans?.includes(rawName)) {
      flags[rawName] = true;
      continue;
    }
    if (spec.strings?.includes(rawName) || spec.multiple?.includes(rawName)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${rawName} needs a value`);
      if (spec.multiple?.includes(rawName)) flags[rawName] = [...((flags[rawName] as string[]) ?? []), value];
      else flags[rawName] = value;
      continue;
    }
    throw new UsageError(`unknown option --${rawName}`);
  }
  return { positional, flags };
}
