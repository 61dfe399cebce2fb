import { parseArgs, UsageError, type CliCommand } from '../command';
import { cliStorageEnv } from '../localEnv';
import { loadSettings } from '../../shared/config/settings';
import { createRuntime } from '../../shared/composition/runtime';
import { conversationTarget, matchTarget, forget, ErasureRequestError, type ErasureReport, type ErasureTarget } from '../../shared/erasure';

export const forgetCommand: CliCommand = {
  name: 'forget',
  usage:
    'tuneloop forget (--conversation <source>/<id> | --match <e-mail|phone|customer id>) [--request-id <id>] [--connection-string <storage connection string>] [--json]',
  summary: 'erase a conversation (or every conversation mentioning an e-mail, phone or customer id) everywhere tuneloop keeps it',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, {
      strings: ['conversation', 'match', 'request-id', 'connection-string'],
      booleans: ['json'],
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const conversation = flags.conversation as string | undefined;
    const match = flags.match as string | undefined;
    const exactlyOne = 'give exactly one of --conversation <source>/<id> or --match <e-mail|phone|customer id>';
    if (conversation !== undefined && match !== undefined) throw new UsageError(exactlyOne);
    let target: ErasureTarget;
    try {
      if (conversation !== undefined) target = conversationTarget(conversation);
      else if (match !== undefined) target = matchTarget(match);
      else throw new UsageError(exactlyOne);
    } catch (err) {
      if (err instanceof ErasureRequestError) throw new UsageError(err.message);
      throw err;
    }
    const settings = loadSettings(cliStorageEnv(io, flags['connection-string'] as string | undefined));
    const runtime = createRuntime(settings);
    await runtime.storage.ensureResources();
    const report = await forget(runtime, target, { ...(flags['request-id'] ? { requestId: flags['request-id'] as string } : {}) });
    io.stdout(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    // Everything else is erased; what failed is named in the report and a second run finishes it.
    return report.found.some((f) => f.action === 'failed') ? 1 : 0;
  },
};

/** The report names places and counts, never the erased value. */
export function formatReport(report: ErasureReport): string {
  const lines = [
    `erasure ${report.requestId} (${report.target.kind}, sha256 ${report.target.hash.slice(0, 12)}…): ${report.conversations} conversation(s)`,
  ];
  if (report.found.length === 0) lines.push('  found nowhere; the target is recorded so the next retrain leaves it out if it ever arrives');
  for (const f of report.found) {
    const what = f.location === 'azure-openai-files' ? 'uploaded training file' : `${f.records} record(s)`;
    lines.push(
      `  ${f.location.padEnd(18)} ${f.name}: ${what} ${f.action}${f.trained ? ' (trained on; models marked)' : ''}${f.note ? `: ${f.note}` : ''}`,
    );
  }
  for (const m of report.modelsMarked)
    lines.push(
      `  model trained on erased data: ${m.fineTunedModel ?? '(no model yet)'} (job ${m.jobKey}, dataset ${m.datasetVersion}${m.deploymentName ? `, deployment ${m.deploymentName}` : ''})`,
    );
  lines.push('  the next retrain excludes these conversations');
  return lines.join('\n') + '\n';
}
