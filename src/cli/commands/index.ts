import type { CliCommand } from '../command';

/** Every `tuneloop` command; each lives in its own file in this folder. */
export const commands: CliCommand[] = [];
