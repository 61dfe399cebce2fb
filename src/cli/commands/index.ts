import type { CliCommand } from '../command';

/**
 * A command known by name and summary (enough for `tuneloop --help`), whose module, with its
 * heavy dependencies (SDK clients, NLP models, Chart.js), is loaded only when it runs.
 * `test/cli/commands.test.ts` checks that name and summary match the loaded command.
 */
export interface LazyCommand {
  name: string;
  summary: string;
  load(): CliCommand;
}

export type CommandEntry = CliCommand | LazyCommand;

/** The command itself, loading its module if it is not loaded yet. */
export function resolveCommand(entry: CommandEntry): CliCommand {
  return 'load' in entry ? entry.load() : entry;
}

/**
 * Every `tuneloop` command; each lives in its own file in this folder. Add a new one as a
 * `LazyCommand` (its module is then not loaded by `tuneloop --help` or by other commands).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose (cold start of `tuneloop --help`).
   `resolveCommand` is synchronous (main.ts and test/functions/coldStart.test.ts call it so); an
   `await import()` gives the same laziness but would make it async. Each require is typed by its module. */
export const commands: CommandEntry[] = [
  {
    name: 'bleu',
    summary:
      'corpus BLEU of hypothesis files against reference files (sacreBLEU defaults); with several --hyp, paired bootstrap / approximate randomization against the first',
    load: () => (require('./bleu') as typeof import('./bleu')).bleuCommand,
  },
  {
    name: 'f1',
    summary: 'macro-F1, per-class F1 and confusion matrix of predicted labels (one per line); macro-F1 on the last line',
    load: () => (require('./f1') as typeof import('./f1')).f1Command,
  },
  {
    name: 'report',
    summary: "a candidate's evaluation report (decision, metrics with deltas); --out writes report.json and report.html",
    load: () => (require('./report') as typeof import('./report')).reportCommand,
  },
  {
    name: 'prepare',
    summary: 'turn local log files into train/validation/holdout fine-tuning files, quarantine.jsonl and report.json',
    load: () => (require('./prepare') as typeof import('./prepare')).prepareCommand,
  },
  {
    name: 'validate',
    summary: "check a fine-tuning JSONL file against Azure OpenAI's rules; every error as file:line: reason",
    load: () => (require('./validate') as typeof import('./validate')).validateCommand,
  },
  {
    name: 'drop',
    summary: 'upload log files into raw-logs of the running local stack (default: Azurite at TUNELOOP_LOCAL_PORT_BASE)',
    load: () => (require('./drop') as typeof import('./drop')).dropCommand,
  },
  {
    name: 'status',
    summary: 'datasets, fine-tuning jobs with states and timings, deployed models, last metrics and drift',
    load: () => (require('./status') as typeof import('./status')).statusCommand,
  },
  {
    name: 'dashboard',
    summary: 'writes a self-contained HTML page with metric trends (drift, BLEU, F1, CSAT, quarantine share) from the local telemetry sink',
    load: () => (require('./dashboard') as typeof import('./dashboard')).dashboardCommand,
  },
  {
    name: 'demo',
    summary: 'run the whole loop on the embedded local stack with the shipped demo data',
    load: () => (require('./demo') as typeof import('./demo')).demoCommand,
  },
  {
    name: 'forget',
    summary: 'erase a conversation (or every conversation mentioning an e-mail, phone or customer id) everywhere tuneloop keeps it',
    load: () => (require('./forget') as typeof import('./forget')).forgetCommand,
  },
  {
    name: 'approve',
    summary: 'approve a candidate awaiting approval (TUNELOOP_PROMOTION=manual): it is promoted, with who and when recorded',
    load: () => (require('./approval') as typeof import('./approval')).approveCommand,
  },
  {
    name: 'reject',
    summary: 'reject a candidate awaiting approval, with a reason: production stays',
    load: () => (require('./approval') as typeof import('./approval')).rejectCommand,
  },
  {
    name: 'emulator',
    summary: 'run the local Azure OpenAI emulator alone until Ctrl-C (default port TUNELOOP_LOCAL_PORT_BASE + 10)',
    load: () => (require('./emulator') as typeof import('./emulator')).emulatorCommand,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */
