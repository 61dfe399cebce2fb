import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertKnownModel, parseArgs, UsageError, type CliCommand } from '../command';
import { cliEnv } from '../localEnv';
import { offlineSettings } from '../../shared/composition/config';
import { validateFile } from '../../shared/dataset/validate';

export const validateCommand: CliCommand = {
  name: 'validate',
  usage: 'tuneloop validate <file.jsonl> [--model <base model>]',
  summary: "check a fine-tuning JSONL file against Azure OpenAI's rules; every error as file:line: reason",
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { strings: ['model'] });
    if (positional.length !== 1) throw new UsageError(positional.length ? 'give exactly one file' : 'give the file to validate');
    const file = positional[0];
    const model = (flags.model as string | undefined) ?? offlineSettings(cliEnv(io)).TUNELOOP_BASE_MODEL;
    assertKnownModel(model);
    const path = resolve(io.cwd, file);
    try {
      if (!(await stat(path)).isFile()) throw new UsageError(`${file} is not a file`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${file}: no such file`);
    }
    const result = await validateFile(createReadStream(path), { model });
    if (result.issues.length) {
      io.stdout(result.issues.map((i) => (i.line > 0 ? `${file}:${i.line}: ${i.reason}` : `${file}: ${i.reason}`)).join('\n') + '\n');
      io.stderr(
        `${file}: ${result.issues.length} error${result.issues.length === 1 ? '' : 's'} in ${result.examples} example${result.examples === 1 ? '' : 's'} (${model})\n`,
      );
      return 1;
    }
    const max = result.tokens.reduce((m, t) => Math.max(m, t), 0);
    const total = result.tokens.reduce((s, t) => s + t, 0);
    io.stdout(
      `${file}: valid for ${model}: ${result.examples} examples, ${total} tokens (max ${max} per example), ${result.bytes} bytes\n`,
    );
    return 0;
  },
};
