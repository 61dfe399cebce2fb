import type { CliCommand } from '../command';
import { bleuCommand } from './bleu';
import { f1Command } from './f1';
import { reportCommand } from './report';

/** Every `tuneloop` command; each lives in its own file in this folder. */
export const commands: CliCommand[] = [bleuCommand, f1Command, reportCommand];
