import type { CliIo } from '../../src/cli/command';

/** A CliIo for in-process `runCli` tests that keeps what the command wrote in `out` and `err`. */
export interface CapturedIo extends CliIo {
  out: string;
  err: string;
}

export function captureIo(
  cwd: string = process.cwd(),
  options: { env?: Record<string, string | undefined>; isTty?: boolean } = {},
): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    stdout: (text) => void (io.out += text),
    stderr: (text) => void (io.err += text),
    isTty: options.isTty ?? false,
    env: options.env ?? {},
    cwd,
  };
  return io;
}
