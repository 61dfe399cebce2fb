import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { QualityConfig } from '../quality/stages';
import type { Conversation } from '../ingest/types';
import { ConversationWork, type BatchResult, type ConversationWorkOptions, type LineBatch } from './conversationWork';
import type { ExampleBuilderOptions } from './examples';
import { modelInfo } from './modelLimits';
import { rankTable, type RankTable } from '../tokenizer/rankTable';
import { languageModel, type LanguageModel } from '../language/model';

/**
 * Where the per-conversation work of preprocessing runs (`ConversationWork`): inline on the
 * calling thread, or on a pool of worker threads that each build the same stages from the same
 * settings. Batches are handed out as they come and their results used in input order, so the
 * outputs do not depend on the number of workers.
 */
export interface ConversationExecutor {
  run(conversations: Conversation[], signal?: AbortSignal): Promise<BatchResult>;
  /** Raw JSON lines parsed where the work runs (`ConversationWork.runLines`); outcomes in `lines`. */
  runLines(batch: LineBatch, signal?: AbortSignal): Promise<BatchResult>;
  /**
   * True when the work runs on copies of the stages (worker threads): their counters arrive as
   * deltas to merge. False inline: the caller's stage objects count for themselves.
   */
  readonly pooled: boolean;
  /** Batches worth keeping in flight. */
  readonly concurrency: number;
  close(): Promise<void>;
}

/** The per-conversation work on the calling thread, with the caller's own stage objects. */
export function inlineExecutor(options: ConversationWorkOptions): ConversationExecutor {
  const work = new ConversationWork(options);
  return {
    pooled: false,
    concurrency: 1,
    run: (batch, signal) => work.run(batch, signal),
    runLines: (batch, signal) => work.runLines(batch, signal),
    close: async () => undefined,
  };
}

/** What a worker needs to build the same stages and example builder as the coordinating thread. */
export interface WorkerRecipe {
  quality: QualityConfig;
  builder: ExampleBuilderOptions;
  timings: boolean;
}

/**
 * Workers to use: the setting (or `--workers`) when given, else every core the process may use
 * (`os.availableParallelism()`).
 */
export function preprocessWorkers(requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1)
      throw new RangeError(`the number of preprocessing workers must be a positive integer, got ${requested}`);
    return requested;
  }
  return Math.max(1, availableParallelism());
}

/**
 * A pool of `workers` worker threads (piscina, loaded on first use so the function app entry does
 * not pay for it). With one worker, the work runs inline instead: a thread of its own would only
 * add copying.
 */
export function createConversationExecutor(
  recipe: WorkerRecipe,
  workers: number,
  inline: () => ConversationWorkOptions,
): ConversationExecutor {
  if (workers <= 1) return inlineExecutor(inline());
  return poolExecutor(recipe, workers, { minThreads: workers, idleTimeout: 60_000 });
}

const shared = new Map<string, { quality: QualityConfig; executor: ConversationExecutor }>();

/**
 * The pool of the function app: created on first use with the app's settings and kept across
 * invocations (workers load their NLP models and tokenizer once), its threads leaving after 30 s
 * idle. Undefined with one worker (the instance has one core, or the setting says 1).
 */
export function sharedConversationExecutor(recipe: WorkerRecipe, workers: number): ConversationExecutor | undefined {
  if (workers <= 1) return undefined;
  const key = JSON.stringify({ workers, builder: recipe.builder, timings: recipe.timings });
  const existing = shared.get(key);
  if (existing && existing.quality === recipe.quality) return existing.executor;
  const pool = poolExecutor(recipe, workers, { minThreads: 0, idleTimeout: 30_000 });
  // Never closed by an invocation (others may be using it); idle threads are unreferenced and exit.
  const executor: ConversationExecutor = { ...pool, close: async () => undefined };
  shared.set(key, { quality: recipe.quality, executor });
  return executor;
}

/**
 * Heap limits of a preprocessing worker: a small young generation, so each thread's short-lived
 * garbage (a batch's texts, spans and examples) is collected before it piles up on top of the
 * thread's tokenizer and PII tables; measured 407 → 377 MB peak RSS for 2 workers on 5 MB
 * (docs/preprocessing.md). Under the launchers' `--max-semi-space-size=2` V8 caps the workers'
 * semi-space at 2 MB too (measured: larger values here change nothing there). The old generation
 * keeps V8's default: a cap there would turn one huge conversation into a crashed worker.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 6 };

function poolExecutor(recipe: WorkerRecipe, workers: number, threads: { minThreads: number; idleTimeout: number }): ConversationExecutor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Piscina } = require('piscina') as typeof import('piscina');
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads.minThreads,
    maxThreads: workers,
    // Workers may await (Azure PII detection); do not block them between tasks.
    atomics: 'disabled',
    // Each worker holds its next batch: piscina hands a finished worker its next task from the
    // coordinating thread's event loop, which waits while that thread works through a batch's
    // results in order, so a worker with one task idled meanwhile (issue #10, tenth round: 1.83–1.86
    // → 1.87–1.91 of the 2 cores busy on 30 MB). Batches of one worker still run one after another
    // (their work never waits on a timer or I/O, except Azure PII detection, where interleaving is
    // harmless: the counters are sums, the results are used in input order).
    concurrentTasksPerWorker: 2,
    idleTimeout: threads.idleTimeout,
    workerData: { ...recipe, rankTables: sharedTables(recipe), languageModel: languageModel({ shared: true }) } satisfies WorkerData,
    resourceLimits: WORKER_HEAP,
  });
  return {
    pooled: true,
    // Two batches per worker: one running, one waiting, so no worker idles while results are used.
    concurrency: workers * 2,
    run: (conversations, signal) => pool.run({ conversations } satisfies WorkerTask, signal ? { signal } : {}) as Promise<BatchResult>,
    runLines: (lines, signal) => pool.run({ lines } satisfies WorkerTask, signal ? { signal } : {}) as Promise<BatchResult>,
    close: () => pool.destroy(),
  };
}

/** One task of a worker thread: parsed conversations, or raw JSON lines to parse there. */
export type WorkerTask = { conversations: Conversation[] } | { lines: LineBatch };

/**
 * What a worker thread receives: the recipe, and the token rank tables and language model to use
 * instead of building its own (shared memory: one copy of each per process, about 4 MB and 1 MB,
 * where each worker loading tinyld held ~48 MB).
 */
export interface WorkerData extends WorkerRecipe {
  rankTables: RankTable[];
  languageModel: LanguageModel;
}

/**
 * The model's token rank table, built here in shared memory (once per process): the workers read
 * it in place, so N workers cost one table (about 4 MB) instead of N, and none of them pays the
 * build at start-up.
 */
function sharedTables(recipe: WorkerRecipe): RankTable[] {
  return [rankTable(modelInfo(recipe.builder.model).encoding, { shared: true })];
}

/** The worker script; from the TypeScript sources (Jest), the compiled one of `npm run build`. */
function workerFile(): string {
  const beside = join(__dirname, 'conversationWorker.js');
  if (existsSync(beside)) return beside;
  const built = resolve(__dirname, '..', '..', '..', 'dist', 'src', 'shared', 'dataset', 'conversationWorker.js');
  if (existsSync(built)) return built;
  throw new Error(`the preprocessing worker script is missing (looked for ${beside} and ${built}); run npm run build`);
}
