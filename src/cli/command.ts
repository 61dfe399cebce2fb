import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { modelInfo, UnknownModelError } from '../shared/dataset/modelLimits';
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
export class UsageError extends TuneloopError {}

/** A `--model` value must be a model tuneloop knows (limits, prices); otherwise a usage error that lists them. */
export function assertKnownModel(model: string): void {
  try {
    modelInfo(model);
  } catch (err) {
    if (err instanceof UnknownModelError) throw new UsageError(err.message);
    throw err;
  }
}

/** Flags by name; a flag that was not given is absent, so every lookup may be undefined. */
export type ParsedFlags = Partial<Record<string, string | boolean | string[]>>;

/**
 * Flags for a command, parsed by `util.parseArgs` (strict): `--name value` or `--name=value` for
 * `strings`, `--flag` for `booleans`, repeated `multiple` flags collect into arrays; anything after
 * `--` is positional. Every parse error becomes a `UsageError` (exit 2 with the command's usage).
 * Short options are not used by any command: an argument with one leading dash (`-`, `-5`) stays
 * positional, as it always has.
 */
export function parseArgs(
  args: string[],
  spec: { strings?: string[]; booleans?: string[]; multiple?: string[] },
): { positional: string[]; flags: ParsedFlags } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const name of spec.strings ?? []) options[name] = { type: 'string' };
  for (const name of spec.multiple ?? []) options[name] = { type: 'string', multiple: true };
  for (const name of spec.booleans ?? []) options[name] = { type: 'boolean' };
  // util.parseArgs would read `-x` as a short option; tuneloop has none, so keep such arguments positional.
  const shortLike = (arg: string) => arg.length > 1 && arg.startsWith('-') && !arg.startsWith('--');
  const protectedArgs: string[] = [];
  const restAt = args.indexOf('--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const beforeRest = restAt < 0 || i < restAt;
    if (beforeRest && isStringFlag(arg, spec) && i + 1 < args.length && shortLike(args[i + 1])) {
      // `--limit -5`: a value that starts with one dash (util.parseArgs would call it ambiguous).
      protectedArgs.push(`${arg}=${args[++i]}`);
    } else {
      protectedArgs.push(beforeRest && shortLike(arg) ? `${POSITIONAL_MARK}${arg}` : arg);
    }
  }
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: protectedArgs, options, strict: true, allowPositionals: true, allowNegative: false });
  } catch (err) {
    throw new UsageError(usageMessage(err));
  }
  const flags: ParsedFlags = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value !== undefined) flags[name] = value as string | boolean | string[];
  }
  const positional = parsed.positionals.map((p) => (p.startsWith(POSITIONAL_MARK) ? p.slice(POSITIONAL_MARK.length) : p));
  return { positional, flags };
}

/** Prefix that hides a one-dash argument from util.parseArgs' short-option handling (a character no shell argument contains). */
const POSITIONAL_MARK = '\u0000';

function isStringFlag(arg: string, spec: { strings?: string[]; multiple?: string[] }): boolean {
  if (!arg.startsWith('--')) return false;
  const name = arg.slice(2);
  return Boolean(spec.strings?.includes(name) || spec.multiple?.includes(name));
}

/** util.parseArgs' error codes, reworded the way the CLI has always said them. */
function usageMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const option = /'(-{1,2}[^'\s]*)/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing|argument is ambiguous/.test(e.message ?? '')) return `${option ?? 'option'} needs a value`;
      if (/does not take an argument/.test(e.message ?? '')) return `${option ?? 'option'} takes no value`;
      return e.message ?? String(err);
    default:
      return e.message ?? String(err);
  }
}
