import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, UsageError, type CliCommand, type CliIo } from '../command';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { projectRoot } from '../../local/node22';
import type { InvocationRecord } from '../../local/host';
import { assembleDataset, type AssemblyOutcome } from '../../shared/dataset/assembly';
import { JobStore, FINAL_JOB_STATES, type JobRecord } from '../../shared/finetune/jobStore';
import { runDriftWatch } from '../../shared/drift/watch';
import type { RetrainDecision } from '../../shared/drift/decisionStore';
import { CONTAINERS } from '../../shared/storage/names';

interface DemoOptions {
  data: string;
  shifted?: string;
  out: string;
  speed: number;
  timeoutSeconds: number;
}

/**
 * `tuneloop demo` (`npm run demo`): the whole loop on the embedded local stack, start to finish —
 * drop the shipped demo files, preprocess them, assemble a dataset, fine-tune on the emulator,
 * deploy, evaluate and promote; then drop shifted data and watch drift trigger a retrain.
 */
export const demoCommand: CliCommand = {
  name: 'demo',
  usage: 'tuneloop demo [--data <dir>] [--shifted <dir> | --no-drift] [--out <dir>] [--speed <n>] [--timeout <seconds>]',
  summary: 'run the whole loop on the embedded local stack with the shipped demo data',
  async run(args, io) {
    const { flags } = parseArgs(args, { strings: ['data', 'shifted', 'out', 'speed', 'timeout'], booleans: ['no-drift'] });
    const root = projectRoot();
    const options: DemoOptions = {
      data: path.resolve(io.cwd, (flags.data as string | undefined) ?? path.join(root, 'demo', 'data')),
      shifted: flags['no-drift']
        ? undefined
        : path.resolve(io.cwd, (flags.shifted as string | undefined) ?? path.join(root, 'demo', 'data-shifted')),
      out: path.resolve(io.cwd, (flags.out as string | undefined) ?? path.join('out', 'demo')),
      speed: Number((flags.speed as string | undefined) ?? '10'),
      timeoutSeconds: Number((flags.timeout as string | undefined) ?? '300'),
    };
    if (!Number.isFinite(options.speed) || options.speed <= 0) throw new UsageError('--speed must be a positive number');
    if (!fs.existsSync(options.data)) throw new UsageError(`demo data folder ${options.data} does not exist`);
    return runDemo(options, io);
  },
};

async function runDemo(options: DemoOptions, io: CliIo): Promise<number> {
  const say = (line: string) => io.stdout(line + '\n');
  const invocations: InvocationRecord[] = [];
  fs.mkdirSync(options.out, { recursive: true });
  say('tuneloop demo: Azurite (in memory) + Azure OpenAI emulator + local Functions host');
  const stack = await startLocalStack({
    inMemory: true,
    freePorts: true,
    pollIntervalMs: 200,
    env: {
      ...io.env,
      TUNELOOP_STORAGE: undefined,
      APPLICATIONINSIGHTS_CONNECTION_STRING: io.env.APPLICATIONINSIGHTS_CONNECTION_STRING,
      TUNELOOP_LOCAL_DIR: path.join(options.out, 'local'),
      TUNELOOP_EMULATOR_SPEED: String(options.speed),
      TUNELOOP_POLL_DELAY_START_SECONDS: '1',
      TUNELOOP_POLL_DELAY_CAP_SECONDS: '2',
      // The demo runs its own assembly and drift check instead of waiting for their timers.
      TUNELOOP_RETRAIN_SCHEDULE: '0 0 0 1 1 *',
      TUNELOOP_DRIFT_SCHEDULE: '0 0 0 1 1 *',
    },
    print: (line) => say(`  | ${line}`),
    onInvocation: (record) => invocations.push(record),
  });
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  try {
    say(`\n1. Dropping the demo files of ${options.data} into "${CONTAINERS.raw}"`);
    const firstBatch = await dropFolder(stack, options.data, '');
    await waitForPreprocessing(invocations, firstBatch, deadline);
    say(
      `   preprocessed ${firstBatch.length} files; curated shards, quarantine and reports are in "${CONTAINERS.curated}" / "${CONTAINERS.quarantine}"`,
    );

    say('\n2. Nightly retrain (run now): assembling a dataset version');
    const first = await assembleDataset(stack.runtime, { trigger: 'demo' });
    printAssembly(first, say);
    if (first.outcome !== 'submitted') return 1;

    say('\n3. Fine-tuning on the emulator: upload, wait for processing, train, deploy, evaluate');
    const job = await followJob(stack, first.jobKey, deadline, say);
    await exportReport(stack, job, options.out, say);

    if (options.shifted && fs.existsSync(options.shifted)) {
      say(`\n4. The customers change: dropping ${options.shifted}`);
      const secondBatch = await dropFolder(stack, options.shifted, 'shifted-');
      await waitForPreprocessing(invocations, secondBatch, deadline);
      say("   drift watch (run now): recent curated data against the production model's training data");
      const run = await runDriftWatch(stack.runtime, { windowStart: new Date(Date.now() - 60_000) });
      for (const metric of run.metrics) say(`   ${metric.name.padEnd(34)} ${formatNumber(metric.value)}`);
      for (const skipped of run.skipped) say(`   ${skipped.name.padEnd(34)} skipped: ${skipped.reason}`);
      say(
        `   drift score ${formatNumber(run.score)} (threshold ${run.threshold}${run.scoreDrivenBy ? `, driven by ${run.scoreDrivenBy}` : ''}) -> ${describeDecision(run.decision)}`,
      );
      const retrain = run.decision.kind === 'retrain' ? run.decision.assembly : undefined;
      if (retrain?.outcome === 'submitted' && retrain.jobKey) {
        say(`\n5. Retraining on the new data (${retrain.datasetVersion}); the candidate must beat production to replace it`);
        const second = await followJob(stack, retrain.jobKey, deadline, say);
        await exportReport(stack, second, options.out, say);
      }
    }
    await stack.runtime.telemetry.flush();
    say(`\nDone. Reports are in ${options.out}; telemetry in ${path.join(options.out, 'local')}.`);
    say('Run `npx tuneloop dashboard --sink ' + path.join(options.out, 'local', 'telemetry.jsonl') + '` for the trends page.');
    return 0;
  } finally {
    await stack.stop();
  }
}

async function dropFolder(stack: LocalStack, folder: string, prefix: string): Promise<string[]> {
  const container = stack.runtime.storage.container(CONTAINERS.raw);
  const names: string[] = [];
  for (const file of fs.readdirSync(folder).sort()) {
    const full = path.join(folder, file);
    if (!fs.statSync(full).isFile() || file.endsWith('.md')) continue;
    const name = `${prefix}${file}`;
    await container.getBlockBlobClient(name).uploadFile(full);
    names.push(name);
  }
  return names;
}

async function waitForPreprocessing(invocations: InvocationRecord[], names: string[], deadline: number): Promise<void> {
  const pending = new Set(names.map((n) => `${CONTAINERS.raw}/${n}`));
  while (pending.size) {
    for (const record of invocations) if (record.functionName === 'preprocess') pending.delete(record.trigger);
    if (!pending.size) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for preprocessing of ${[...pending].join(', ')}`);
    await sleep(200);
  }
}

async function followJob(stack: LocalStack, jobKey: string, deadline: number, say: (line: string) => void): Promise<JobRecord> {
  const store = new JobStore(stack.runtime.storage);
  let shown = 0;
  const started = Date.now();
  for (;;) {
    const current = await store.get(jobKey);
    if (current) {
      const { record } = current;
      for (const change of record.history.slice(shown)) {
        say(
          `   [${((Date.parse(change.at) - started) / 1000).toFixed(1).padStart(5)} s] ${change.state}${change.detail ? `: ${change.detail}` : ''}`,
        );
      }
      shown = record.history.length;
      if (FINAL_JOB_STATES.has(record.state)) {
        say(
          `   job ${jobKey} ended ${record.state}${record.decision ? `, decision: ${record.decision.toUpperCase()}` : ''}${record.error ? ` (${record.error})` : ''}`,
        );
        return record;
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for job ${jobKey}`);
    await sleep(300);
  }
}

async function exportReport(stack: LocalStack, job: JobRecord, out: string, say: (line: string) => void): Promise<void> {
  if (!job.reportBlob) return;
  const container = stack.runtime.storage.container(CONTAINERS.evalReports);
  const folder = path.join(out, job.jobKey);
  fs.mkdirSync(folder, { recursive: true });
  const json = job.reportBlob;
  const html = json.replace(/report\.json$/, 'report.html');
  for (const name of [json, html]) {
    const blobName = name.startsWith(`${CONTAINERS.evalReports}/`) ? name.slice(CONTAINERS.evalReports.length + 1) : name;
    const client = container.getBlobClient(blobName);
    if (await client.exists()) await client.downloadToFile(path.join(folder, path.basename(blobName)));
  }
  say(`   evaluation report: ${path.join(folder, 'report.html')}`);
}

function printAssembly(outcome: AssemblyOutcome, say: (line: string) => void): void {
  if (outcome.outcome === 'resubmitted') {
    say(`   dataset ${outcome.datasetVersion} again: ${outcome.detail}`);
    return;
  }
  if (outcome.outcome !== 'submitted') {
    say(`   no dataset: ${outcome.reason} (${outcome.detail})`);
    return;
  }
  const m = outcome.manifest;
  say(`   ${m.version}: ${m.counts.train} train / ${m.counts.validation} validation / ${m.counts.holdout} holdout examples`);
  say(
    `   ${m.tokens.train} training tokens x ${m.cost.epochs} epochs, estimated cost $${String(m.cost.estimated_cost_usd)} (${m.baseModel})`,
  );
  say(
    `   issue types in training: ${Object.entries(m.issueTypes.after)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  say(`   job ${outcome.jobKey} enqueued`);
}

function describeDecision(decision: RetrainDecision): string {
  switch (decision.kind) {
    case 'retrain':
      return decision.error
        ? `retrain (failed: ${decision.error})`
        : decision.assembly?.outcome === 'skipped'
          ? `retrain skipped: ${decision.assembly.detail}`
          : decision.assembly?.outcome === 'resubmitted'
            ? `retrain: ${decision.assembly.detail}`
            : 'retrain';
    case 'below-threshold':
      return 'no retrain (below threshold)';
    case 'insufficient-data':
      return `no decision (${decision.reason})`;
    case 'cooldown':
      return `no retrain (cooldown until ${decision.until})`;
  }
}

function formatNumber(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(4);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
