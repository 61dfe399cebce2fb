import { userInfo } from 'node:os';
import { parseArgs, UsageError, type CliCommand, type CliIo } from '../command';
import { cliStorageEnv } from '../localEnv';
import { loadSettings } from '../../shared/config/settings';
import { createRuntime } from '../../shared/composition/runtime';
import { handleJobMessage } from '../../shared/finetune/loop';
import { JobService } from '../../shared/finetune/jobService';
import { enqueueJobMessage } from '../../shared/finetune/queue';
import type { DecisionMessage } from '../../shared/finetune/messages';

/**
 * `tuneloop approve <job>` / `tuneloop reject <job> --reason …`: a person's decision on a candidate
 * waiting in `awaiting-approval` (TUNELOOP_PROMOTION=manual). The decision is handled by the job
 * loop's own message handler (the single writer of job states), here in this process, or with
 * `--via-queue` put on the job queue for the Functions host, exactly as anyone can in Azure.
 */
function decisionCommand(kind: 'approve' | 'reject'): CliCommand {
  return {
    name: kind,
    usage: `tuneloop ${kind} <jobKey> ${kind === 'reject' ? '--reason <text>' : '[--reason <text>]'} [--by <name>] [--via-queue] [--connection-string <storage connection string>]`,
    summary:
      kind === 'approve'
        ? 'approve a candidate awaiting approval (TUNELOOP_PROMOTION=manual): it is promoted, with who and when recorded'
        : 'reject a candidate awaiting approval, with a reason: production stays',
    async run(args, io) {
      const { positional, flags } = parseArgs(args, { strings: ['reason', 'by', 'connection-string'], booleans: ['via-queue'] });
      if (positional.length !== 1) throw new UsageError('give exactly one job key');
      const reason = flags.reason as string | undefined;
      if (kind === 'reject' && !reason?.trim()) throw new UsageError('--reason <text> is required: say why, for the record');
      const message = {
        kind,
        jobKey: positional[0],
        by: decidedBy(io, flags.by as string | undefined),
        ...(reason ? { reason } : {}),
      } as DecisionMessage;
      const env = cliStorageEnv(io, flags['connection-string'] as string | undefined);
      const runtime = createRuntime(loadSettings(env));
      try {
        if (flags['via-queue']) {
          await enqueueJobMessage(runtime, message);
          io.stdout(
            `${kind} of ${message.jobKey} by ${message.by} put on the job queue; \`tuneloop status\` shows when the host has handled it\n`,
          );
          return 0;
        }
        // A mistyped key is the person's mistake, told here; given to the job loop it would be a
        // message for no job, which goes to the poison queue for operators.
        if (!(await new JobService(runtime).get(message.jobKey))) {
          io.stderr(`tuneloop ${kind}: no fine-tuning job "${message.jobKey}"; \`tuneloop status\` lists the jobs and their keys\n`);
          return 1;
        }
        const result = await handleJobMessage(runtime, message, {
          log: (level, text) => (level === 'info' ? undefined : io.stderr(`${text}\n`)),
        });
        if (result.action !== 'advanced') {
          io.stderr(`tuneloop ${kind}: nothing done for ${message.jobKey}: ${result.reason ?? result.action}\n`);
          return 1;
        }
        io.stdout(
          `${message.jobKey}: ${kind === 'approve' ? 'approved' : 'rejected'} by ${message.by}${reason ? ` (${reason})` : ''}; ` +
            `${kind === 'approve' ? 'promoted to production' : 'production stays'}\n`,
        );
        return 0;
      } catch (err) {
        if (/ECONNREFUSED/.test(String((err as { code?: string }).code) + (err as Error).message)) {
          io.stderr(
            `tuneloop ${kind}: cannot reach storage (${(err as Error).message}). Start the local stack with \`npm start\`, or pass --connection-string / set TUNELOOP_STORAGE.\n`,
          );
          return 1;
        }
        throw err;
      } finally {
        await runtime.telemetry.flush();
      }
    },
  };
}

function decidedBy(io: CliIo, given: string | undefined): string {
  if (given?.trim()) return given.trim();
  const fromEnv = io.env.TUNELOOP_USER ?? io.env.USER ?? io.env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');
