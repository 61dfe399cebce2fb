/**
 * Child process of the assembly benchmark (and of the bounded-memory test): runs the nightly
 * assembly once against the storage in TUNELOOP_STORAGE and reports its wall time and peak RSS,
 * so every measurement starts from a fresh process. Usage:
 *   node assemblyProbe.js [--partition-bytes N] [--baseline]
 * `--baseline` only loads the modules and connects (the floor a process with the assembly code has).
 */
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime } from '../src/shared/composition/runtime';
import { assembleDataset } from '../src/shared/dataset/assembly';
import type { Telemetry } from '../src/shared/telemetry/telemetry';

const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--partition-bytes');
  const partitionBytes = at >= 0 ? Number(args[at + 1]) : undefined;
  const settings = loadSettings(process.env);
  const runtime = createRuntime(settings, { telemetry: noTelemetry, events: { target: 'none', publish: async () => undefined } });
  const start = process.hrtime.bigint();
  let summary: Record<string, unknown> = {};
  if (!args.includes('--baseline')) {
    const outcome = await assembleDataset(runtime, { submit: false, trigger: 'bench', ...(partitionBytes ? { partitionBytes } : {}) });
    const m = outcome.manifest;
    summary = {
      outcome: outcome.outcome === 'submitted' ? 'submitted' : outcome.reason,
      train: m?.fullTrain.examples,
      conversationsIn: m?.accounting.conversations.in,
      superseded: m?.accounting.conversations.superseded,
      used: m?.accounting.conversations.used,
      sources: m?.files.sources,
    };
  } else {
    await runtime.storage.container('curated').exists();
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ ms, maxRss, ...summary }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
