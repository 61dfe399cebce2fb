/**
 * Child process of the preprocessBlob benchmarks: runs `preprocessBlob` (the `preprocess`
 * function's body) on one raw-logs blob with the settings of the environment, prints its progress
 * lines as the host log would, stops after a time limit if one is given, and reports the records
 * and compressed bytes it got through and the peak RSS of the whole process (worker threads
 * included).
 * Usage: node preprocessBlobLargeProbe.js <blob> [seconds]
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
  let records = 0;
  let bytesRead = 0;
  /** When the counts above were taken (the last progress line, or the end). */
  let countedMs = 0;
  try {
    const outcome = await preprocessBlob(runtime, blob, {
      signal,
      progressSeconds: 15,
      progress: (line) => {
        lastProgress = line;
        const match = /: (\d+) records, ([\d.]+) MB read/.exec(line);
        if (match)
          [records, bytesRead, countedMs] = [Number(match[1]), Number(match[2]) * 1e6, Number(process.hrtime.bigint() - started) / 1e6];
        process.stderr.write(`[host] ${line}\n`);
      },
    });
    finished = outcome.status === 'processed';
    if (outcome.status === 'processed') {
      [records, bytesRead, countedMs] = [
        outcome.report.records_in,
        Number(process.env.TUNELOOP_BENCH_BLOB_BYTES ?? 0),
        Number(process.hrtime.bigint() - started) / 1e6,
      ];
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    JSON.stringify({ ms, finished, lastProgress, records, bytesRead, countedMs, maxRss: process.resourceUsage().maxRSS * 1024 }),
    () => process.exit(0),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
