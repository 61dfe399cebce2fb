import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './harness';
import { cpuMedian } from './harness';
import { writeStarJsonl } from './starCorpus';
import { ExampleBuilder } from '../src/shared/dataset/examples';
import { intentTaskExample } from '../src/shared/dataset/intentTask';
import { tokenCounter } from '../src/shared/dataset/tokens';
import { parseJsonLine } from '../src/shared/ingest/jsonLine';
import { createRoleMapper } from '../src/shared/ingest/roles';
import type { Conversation } from '../src/shared/ingest/types';

/**
 * Example building with token counts (what every preprocessing worker does per conversation) over
 * conversations of real STAR turns with an issue type: "before" counts the intent example's
 * transcript in full (the conversation examples built as now, then the whole intent example
 * counted, as the builder did until issue #10's third round); "after" derives the transcript's
 * count from the turns' own counts (`spacedLineTokens`). CPU ms per pass, median of `REPEATS`
 * warm passes; the before pass is the same-run baseline. Token totals must be equal.
 */
const BYTES = Number(process.env.TUNELOOP_BENCH_EXAMPLE_TOKENS_BYTES ?? 3_000_000);
const REPEATS = 5;
const MODEL = 'gpt-4o-mini';

export const exampleTokensBenchmark: Benchmark = {
  name: 'exampleTokens',
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-example-tokens-'));
    try {
      const file = join(dir, 'star.jsonl');
      const { bytes } = await writeStarJsonl(file, BYTES, { seed: 5 });
      const roles = createRoleMapper();
      const conversations: Conversation[] = [];
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const item = text ? parseJsonLine(i + 1, text, { file: 'star.jsonl', family: 'messages' }, roles) : undefined;
          if (item?.type === 'conversation') conversations.push(item.conversation);
        });
      const builder = new ExampleBuilder({ model: MODEL, systemPrompt: '' });
      const withoutIntent = new ExampleBuilder({ model: MODEL, systemPrompt: '', intentExamples: false });
      const counter = tokenCounter(MODEL);
      const before = () => {
        let tokens = 0;
        for (const c of conversations) {
          const built = withoutIntent.build(c);
          if (!built.ok) continue;
          for (const e of built.examples) tokens += e.tokens;
          if (c.issueType) tokens += counter.messages(intentTaskExample(c.turns, c.issueType));
        }
        return tokens;
      };
      const after = () => {
        let tokens = 0;
        for (const c of conversations) {
          const built = builder.build(c);
          if (built.ok) for (const e of built.examples) tokens += e.tokens;
        }
        return tokens;
      };
      const same = before() === after();
      const beforeMs = cpuMedian(before, REPEATS);
      const afterMs = cpuMedian(after, REPEATS);
      return {
        name: 'exampleTokens',
        lines: [
          `input: ${(bytes / 1e6).toFixed(1)} MB of STAR-turn JSONL, ${conversations.length} conversations (${conversations.filter((c) => c.issueType).length} with an issue type, so an intent example), ${MODEL}; CPU ms per pass, median of ${REPEATS} warm passes`,
          `token totals equal: ${same ? 'yes' : 'NO'}`,
          '',
          '| example building | CPU ms | × baseline |',
          '|---|---:|---:|',
          `| baseline: intent transcript counted in full | ${beforeMs.toFixed(0)} | 1.00 |`,
          `| transcript from the turns' counts | ${afterMs.toFixed(0)} | ${(afterMs / beforeMs).toFixed(2)} |`,
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
