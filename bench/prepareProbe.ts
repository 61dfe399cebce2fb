/**
 * Child process of the prepare benchmark: runs `prepareDataset` on one input with the settings of
 * the environment and reports wall time and peak RSS of the whole process (every worker thread
 * included) and CPU time (all threads, start-up included), so each measurement starts fresh. Usage: node prepareProbe.js <input> <out dir> [workers]
 */
import { prepareDataset } from '../src/shared/dataset/prepare';
import { offlineSettings, preprocessConfig } from '../src/shared/composition/config';

async function main(): Promise<void> {
  const [input, outDir, workers] = process.argv.slice(2);
  const started = process.hrtime.bigint();
  const { report } = await prepareDataset({
    inputs: [input],
    outDir,
    cwd: process.cwd(),
    config: preprocessConfig(offlineSettings(process.env)),
    ...(workers ? { workers: Number(workers) } : {}),
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // CPU time of every thread (user + system): what the run costs however busy the machine is.
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      records: report.records_in,
      maxRss: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
