import type { CliCommand } from '../command';
import { bleuCommand } from './bleu';
import { f1Command } from './f1';
import { reportCommand } from './report';
import { prepareCommand } from './prepare';
import { validateCommand } from './validate';
import { dropCommand } from './drop';
import { statusCommand } from './status';
import { dashboardCommand } from './dashboard';
import { demoCommand } from './demo';
import { emulatorCommand } from './emulator';
import { approveCommand, rejectCommand } from './approval';

/** Every `tuneloop` command; each lives in its own file in this folder. */
export const commands: CliCommand[] = [bleuCommand, f1Command, reportCommand, prepareCommand, validateCommand, dropCommand, statusCommand, dashboardCommand, demoCommand, emulatorCommand, approveCommand, rejectCommand];
