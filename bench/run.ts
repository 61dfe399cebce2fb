import type { Benchmark } from './harness';
import { tokensBenchmark } from './tokens';
import { ingestBenchmark } from './ingest';
import { jsonDocumentBenchmark } from './jsonDocument';
import { qualityBenchmark } from './quality';
import { driftBenchmark } from './drift';
import { bleuBenchmark } from './bleu';
import { bleuSignificanceBenchmark } from './bleuSignificance';
import { oosResolutionBenchmark } from './oosResolution';
import { emulatorBenchmark } from './emulator';
import { preprocessBlobBenchmark } from './preprocessBlob';
import { piiBenchmark } from './pii';
import { coldstartBenchmark } from './coldstart';
import { preprocessBlobScaleBenchmark } from './preprocessBlobScale';
import { preprocessBlobLargeBenchmark } from './preprocessBlobLarge';
import { prepareBenchmark } from './prepare';
import { rulesBenchmark } from './rules';
import { loadBenchmark } from './load';
import { assemblyBenchmark } from './assembly';
import { assemblyDedupBenchmark } from './assemblyDedup';
import { dedupFingerprintBenchmark } from './dedupFingerprint';
import { exampleTokensBenchmark } from './exampleTokens';
import { languageBenchmark } from './language';
import { feedbackLookupBenchmark } from './feedbackLookup';

/** Every benchmark; each lives in its own file in this folder. `npm run bench -- <name>` runs one. */
const benchmarks: Benchmark[] = [
  tokensBenchmark,
  ingestBenchmark,
  jsonDocumentBenchmark,
  qualityBenchmark,
  dedupFingerprintBenchmark,
  exampleTokensBenchmark,
  rulesBenchmark,
  piiBenchmark,
  languageBenchmark,
  driftBenchmark,
  bleuBenchmark,
  bleuSignificanceBenchmark,
  oosResolutionBenchmark,
  emulatorBenchmark,
  prepareBenchmark,
  preprocessBlobBenchmark,
  preprocessBlobScaleBenchmark,
  preprocessBlobLargeBenchmark,
  feedbackLookupBenchmark,
  coldstartBenchmark,
  loadBenchmark,
  assemblyBenchmark,
  assemblyDedupBenchmark,
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length ? benchmarks.filter((b) => only.includes(b.name)) : benchmarks;
  if (!selected.length) {
    console.log(`no benchmark matches ${only.join(', ')}; available: ${benchmarks.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const bench of selected) {
    console.log(`\n## ${bench.name}`);
    const result = await bench.run();
    for (const line of result.lines) console.log(line);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
