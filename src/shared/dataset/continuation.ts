import type { Runtime } from '../composition/runtime';
import { CONTAINERS, TABLES } from '../storage/names';
import { getProductionPointer } from '../deployments/registry';
import { hashUnit } from './split';
import { compareIndexes } from './datasetChanges';
import { LineWriter, readFileLines, type ScratchDir } from './spill';
import { readLines } from './blobLines';
import { required } from '../lookup';

/**
 * How the next model is trained. `full`: from the base model on the whole training split.
 * `continue` (TUNELOOP_TRAINING_MODE=continue): from the production model, on the conversations
 * that are new or changed since the production model's dataset, plus a replay sample of
 * unchanged earlier training conversations (TUNELOOP_REPLAY_SHARE of the file, each issue type in
 * proportion to its share of the earlier data) so the model does not forget what it knew.
 */
export interface TrainingPlan {
  mode: 'full' | 'continue';
  reason: string;
  /** The model the fine-tuning job starts from. */
  baseModel: string;
  /** 0 for a full retrain; n for the n-th continuation since the last full retrain. */
  continuation: number;
  parent?: { jobKey: string; fineTunedModel: string; datasetVersion: string };
  replay?: { share: number; target: number; examples: number; byIssueType: Record<string, number> };
  /** Examples of new or changed conversations in the continuation file. */
  newExamples?: number;
  /** Scratch file with the change status of every conversation (continue mode only; not in the manifest). */
  statusFile?: string;
  /** Per-type replay probability and quota (continue mode only). */
  replayQuota?: Record<string, { p: number; quota: number }>;
}

export async function planTraining(
  runtime: Runtime,
  options: { scratch: ScratchDir; indexFile: string; forceFull: boolean; version: string; signal?: AbortSignal },
): Promise<TrainingPlan> {
  const config = runtime.config.assembly;
  const full = (reason: string): TrainingPlan => ({ mode: 'full', reason, baseModel: config.baseModel, continuation: 0 });
  if (config.training.mode === 'full') return full('TUNELOOP_TRAINING_MODE=full');
  if (options.forceFull) return full('drift at or above TUNELOOP_FULL_RETRAIN_DRIFT_SCORE: a full retrain from the base model');
  const production = await getProductionPointer(runtime.storage);
  if (!production) return full('no production model to continue from yet');
  const container = runtime.storage.container(CONTAINERS.datasets);
  let parentContinuation = 0;
  try {
    const text = (
      await container
        .getBlobClient(`${production.datasetVersion}/manifest.json`)
        .downloadToBuffer(undefined, undefined, { abortSignal: options.signal })
    ).toString('utf8');
    parentContinuation = Number((JSON.parse(text) as { training?: { continuation?: unknown } }).training?.continuation ?? 0) || 0;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404)
      return full(`the production model's dataset ${production.datasetVersion} has no manifest`);
    throw err;
  }
  if (parentContinuation >= config.training.continueMax) {
    return full(`${parentContinuation} continuations since the last full retrain (TUNELOOP_CONTINUE_MAX=${config.training.continueMax})`);
  }
  // A continuation keeps what its ancestors learned: erased data can only be dropped by starting over.
  const erased = await erasedAncestor(runtime, production, options.signal);
  if (erased) {
    return full(
      `model ${erased.model} (job ${erased.jobKey}), which production descends from, was trained on data erased by request ${erased.requestId}; a continuation cannot unlearn it`,
    );
  }
  const parentIndex = container.getBlobClient(`${production.datasetVersion}/index.tsv`);
  if (!(await parentIndex.exists({ abortSignal: options.signal })))
    return full(`the production model's dataset ${production.datasetVersion} has no index.tsv to compare with`);

  const statusFile = options.scratch.file('status.tsv');
  const status = new LineWriter(statusFile);
  const unchangedByType = new Map<string, number>();
  const change = await compareIndexes(readFileLines(options.indexFile), readLines(parentIndex, options.signal), {
    comparedWith: production.datasetVersion,
    statusOut: status,
    unchangedByType,
  });
  await status.close();
  const share = config.training.replayShare;
  const fresh = change.added.examples + change.changed.examples;
  const target = share >= 1 ? Number.POSITIVE_INFINITY : Math.ceil((fresh * share) / (1 - share));
  const unchangedTotal = [...unchangedByType.values()].reduce((a, b) => a + b, 0);
  const replayQuota: Record<string, { p: number; quota: number }> = {};
  for (const [type, count] of unchangedByType) {
    const quota = Number.isFinite(target) ? Math.round((target * count) / Math.max(1, unchangedTotal)) : count;
    replayQuota[type] = { p: Math.min(1, quota / Math.max(1, count)), quota };
  }
  return {
    mode: 'continue',
    reason: `continuation ${parentContinuation + 1} of at most ${config.training.continueMax} from production model ${production.fineTunedModel}`,
    baseModel: production.fineTunedModel,
    continuation: parentContinuation + 1,
    parent: { jobKey: production.jobKey, fineTunedModel: production.fineTunedModel, datasetVersion: production.datasetVersion },
    replay: { share, target: Number.isFinite(target) ? target : unchangedTotal, examples: 0, byIssueType: {} },
    statusFile,
    replayQuota,
  };
}

/**
 * The first model in production's line (production, its parent, the parent's parent … as the
 * manifests' training plans name them) that erasure marked as trained on erased data.
 */
async function erasedAncestor(
  runtime: Runtime,
  production: { jobKey: string; fineTunedModel: string; datasetVersion: string },
  signal?: AbortSignal,
): Promise<{ jobKey: string; model: string; requestId: string } | undefined> {
  const marks = new Map<string, string>();
  try {
    for await (const row of runtime.storage
      .table(TABLES.erasures)
      .listEntities({ queryOptions: { filter: "PartitionKey eq 'model'" }, abortSignal: signal })) {
      if (row.trainedOnErasedData === true && typeof row.jobKey === 'string')
        marks.set(row.jobKey, typeof row.requestId === 'string' ? row.requestId : '');
    }
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
  if (!marks.size) return undefined;
  const container = runtime.storage.container(CONTAINERS.datasets);
  let current: { jobKey: string; fineTunedModel: string; datasetVersion: string } | undefined = production;
  for (let depth = 0; current && depth < 100; depth++) {
    const requestId = marks.get(current.jobKey);
    if (requestId !== undefined) return { jobKey: current.jobKey, model: current.fineTunedModel, requestId };
    try {
      const text = (
        await container
          .getBlobClient(`${current.datasetVersion}/manifest.json`)
          .downloadToBuffer(undefined, undefined, { abortSignal: signal })
      ).toString('utf8');
      current = (JSON.parse(text) as { training?: TrainingPlan }).training?.parent;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }
  return undefined;
}

/**
 * The continuation training file: every training line of a new or changed conversation, and the
 * replay sample of unchanged ones (hash-sampled per issue type, seeded by the version, so each
 * continuation replays a different sample). Both inputs are sorted by identity hash.
 */
export async function writeContinuationFile(
  scratch: ScratchDir,
  options: { trainFile: string; statusFile: string; plan: TrainingPlan; version: string },
): Promise<{ file: string; examples: number; tokens: number }> {
  const file = scratch.file('train.continuation');
  const out = new LineWriter(file);
  const statusIt = readFileLines(options.statusFile)[Symbol.asyncIterator]();
  let status: { hash: string; change: string } | undefined;
  const nextStatus = async () => {
    const r = await statusIt.next();
    if (r.done) return undefined;
    const [hash, change] = r.value.split('\t');
    return { hash, change };
  };
  status = await nextStatus();
  const taken = new Map<string, number>();
  const decided = new Map<string, boolean>();
  let examples = 0;
  let tokens = 0;
  let fresh = 0;
  const replay = required(options.plan.replay, 'the replay plan of a continue-mode training plan');
  for await (const line of readFileLines(options.trainFile)) {
    const [hash, type, tok] = line.split('\t', 3);
    while (status && status.hash < hash) status = await nextStatus();
    const change = status?.hash === hash ? status.change : 'new';
    let include = change !== 'same';
    if (!include) {
      let pick = decided.get(hash);
      if (pick === undefined) {
        const q = options.plan.replayQuota?.[type];
        pick = !!q && (taken.get(type) ?? 0) < q.quota && hashUnit(`${options.version}\u0000${hash}`) < q.p;
        decided.clear();
        decided.set(hash, pick);
      }
      include = pick;
      if (pick) {
        taken.set(type, (taken.get(type) ?? 0) + 1);
        replay.examples++;
        replay.byIssueType[type] = (replay.byIssueType[type] ?? 0) + 1;
      }
    } else fresh++;
    if (!include) continue;
    await out.write(line);
    examples++;
    tokens += Number(tok);
  }
  await out.close();
  options.plan.newExamples = fresh;
  return { file, examples, tokens };
}
