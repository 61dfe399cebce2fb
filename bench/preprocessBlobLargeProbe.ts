/**
 * Child process of the preprocessBlobLarge benchmark: runs `preprocessBlob` (the `preprocess`
 * function's body) on one raw-logs blob with the settings of the environment, prints its progress
 * lines as the host log would, stops after a time limit if one is given, and reports the peak RSS
 * of the whole process (worker threads included). Usage: node preprocessBlobLargeProbe.js <blob> [seconds]
 */
import { loadSettings } from '../src/shared/config/settings';
import { createRuntime } from '../src/shared/composition/runtime';
import { preprocessBlob } from '../src/shared/dataset/blobPreprocess';
import type { Telemetry } from '../src/shared/telemetry/telemetry';

const noTelemetry: Telemetry = { trackMetric() {}, trackEvent() {}, flush: async () => undefined };

async function main(): Promise<void> {
  const [blob, seconds] = process.argv.slice(2);
  const runtime = createRuntime(loadSettings(process.env), { telemetry: noTelemetry });
  const signal = seconds ? AbortSignal.timeout(Number(seconds) * 1000) : undefined;
  const started = process.hrtime.bigint();
  let lastProgress = '';
  let finished = false;
  try {
    const outcome = await preprocessBlob(runtime, blob, {
      signal,
      progressSeconds: 15,
      progress: (line) => {
        lastProgress = line;
        process.stderr.write(`[host] ${line}\n`);
      },
    });
    finished = outcome.status === 'processed';
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, finished, lastProgress, maxRss: process.resourceUsage().maxRSS * 1024 }), () =>
    process.exit(0),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
