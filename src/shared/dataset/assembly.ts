import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { BlobClient } from '@azure/storage-blob';
import type { Runtime } from '../composition/runtime';
import { CONTAINERS, TABLES } from '../storage/names';
import { RatedIndexBackfill } from './feedbackStore';
import { estimateTrainingCost, DEFAULT_EPOCHS, type TrainingCostEstimate } from './cost';
import { MIN_TRAINING_EXAMPLES } from './modelLimits';
import type { Split } from './split';
import { enqueueJobMessage } from '../finetune/queue';
import { notify } from '../telemetry/notify';
import { EVENT_TYPES } from '../telemetry/events';
import { readLines } from './blobLines';
import { capQuotas, UNTYPED } from '../quality/balance';
import { curatedRecordSchema, type CuratedRecord } from './assemblyRecords';
import { conversationSource, identityHash, type ConversationIdentity } from './conversationIdentity';
import { HashPartitions, LineWriter, ScratchDir, readFileLines } from './spill';
import { defaultAssemblyStages, type AssemblyStage, type ScannedConversation, type StageDecision } from './assemblyStages';
import { compareIndexes, indexLine, type DatasetChange } from './datasetChanges';
import { tryAcquireLock } from './singleFlight';
import { planTraining, writeContinuationFile, type TrainingPlan } from './continuation';
import { trainingPriceFor } from './trainingPrices';
import type { BalanceConfig } from './datasetConfig';
import { getOrThrow, required } from '../lookup';
import { joinConversationParts, partsOfConversation, type ConversationExport } from './joinedExports';
import { WRITTEN_AT_METADATA } from '../erasure/markers';
import { JobStore } from '../finetune/jobStore';
import { describeEnd, resubmissionPlanFor } from './resubmission';

export { curatedRecordSchema, type CuratedRecord } from './assemblyRecords';

/** A curated shard the version was built from: enough to find the exact bytes again. */
export interface ShardLineage {
  name: string;
  etag: string;
  sha256: string;
  bytes: number;
  lastModified: string;
  records: number;
  invalidLines: number;
}

/** The feedback ratings joined into the version (`<version>/feedback.jsonl` holds them, one per conversation). */
export interface FeedbackSnapshot {
  blob: string;
  /** Rows read from table `feedback`. */
  rows: number;
  /** Conversations with a rating (the newest row of each). */
  conversations: number;
  /** Ratings joined to a conversation of this version. */
  ratingsJoined: number;
  sha256: string;
  newestReceivedAt?: string;
}

/**
 * Where every curated record went. Records are shard lines; conversations are input records
 * (a shard's distinct source lines), the unit preprocessing counts in `records_used`.
 * `in = used + superseded + balanceDropped + dropped` for conversations, and for records
 * `in + madeByJoining = used + superseded + joined + balanceDropped + dropped + invalid`: the
 * records of a conversation's parts joined into one (`joined`) are replaced by the records built
 * from the whole conversation (`madeByJoining`), which are then used, capped or dropped.
 */
export interface AssemblyAccounting {
  records: {
    in: number;
    used: number;
    superseded: number;
    /** Records of parts of a conversation exported in several files, joined into one conversation. */
    joined: number;
    /** Records built from such joined conversations. */
    madeByJoining: number;
    balanceDropped: number;
    dropped: number;
    invalid: number;
    upsampled: number;
  };
  conversations: { in: number; used: number; superseded: number; balanceDropped: number; dropped: number };
  droppedByReason: Record<string, number>;
}

export interface DatasetManifest {
  version: string;
  createdAt: string;
  /** The model family this dataset is for (TUNELOOP_BASE_MODEL). The job starts from `training.baseModel`. */
  baseModel: string;
  /** Hash of the whole dataset (every split, full training split even in continue mode). */
  contentHash: string;
  /** Examples in the uploaded files (in continue mode, train is the continuation file). */
  counts: Record<Split, number>;
  tokens: Record<Split, number>;
  /** The whole training split before a continuation was cut from it. */
  fullTrain: { examples: number; tokens: number };
  issueTypes: { before: Record<string, number>; after: Record<string, number> };
  /** Conversations whose rating came from table feedback (ratings, not examples). */
  feedbackJoined: number;
  downWeightedLowCsat: number;
  balanceDropped: number;
  shardCount: number;
  shards: ShardLineage[];
  feedback: FeedbackSnapshot;
  invalidLines: number;
  /** Curated records left out because their conversation was erased (`tuneloop forget`). */
  forgottenExcluded?: number;
  accounting: AssemblyAccounting;
  change: DatasetChange;
  training: TrainingPlan;
  cost: TrainingCostEstimate;
  /**
   * `sources`: one line per train and validation example, `{split, example_sha256, conversation_id,
   * source: {file, line, system?}}`, keyed by the sha256 of the example's line as written.
   */
  files: Record<Split | 'holdoutRecords' | 'index' | 'sources', string>;
}

export type AssemblyOutcome =
  | { outcome: 'submitted'; manifest: DatasetManifest; jobKey: string }
  /**
   * No new version was due, but the latest one never gave a model (its jobs failed or were
   * cancelled), so a new job trains `datasetVersion` again. `reason` says why no new version
   * (`unchanged`, `too-little-new-data`); `manifest` is this run's assembly, not recorded.
   */
  | {
      outcome: 'resubmitted';
      datasetVersion: string;
      jobKey: string;
      resubmission: number;
      reason: string;
      detail: string;
      manifest: DatasetManifest;
    }
  | { outcome: 'skipped'; reason: string; detail: string; manifest?: DatasetManifest };

export interface AssembleOptions {
  /** Fixes the clock (tests); defaults to now. */
  now?: Date;
  /** Why this run happens (nightly timer, drift, manual); recorded on the manifest row. */
  trigger?: string;
  signal?: AbortSignal;
  /** Assemble and write the version but do not enqueue a job (dry run, `tuneloop assemble --no-submit`). */
  submit?: boolean;
  /** Retrain from the base model on all data even when TUNELOOP_TRAINING_MODE=continue (large drift). */
  forceFull?: boolean;
  /** Stages that may leave conversations out (default `defaultAssemblyStages`). */
  stages?: AssemblyStage[];
  /** Target size of one spill partition held in memory at a time (default 4 MB). */
  partitionBytes?: number;
}

const DEFAULT_PARTITION_BYTES = 4 * 1024 * 1024;

/**
 * The nightly step: every curated shard → one versioned dataset (train / validation / frozen
 * holdout) in container `datasets`, its cost checked against the budget, and a `submit` message
 * for the fine-tuning job loop. One assembly per base model at a time (nightly and drift share
 * the lock). Nothing is submitted when too little changed since the last version.
 *
 * Memory stays bounded whatever the data size: shards are streamed once into hash-partitioned
 * scratch files, each partition is resolved on its own, and the outputs are written to scratch
 * files and streamed to blobs.
 */
export async function assembleDataset(runtime: Runtime, options: AssembleOptions = {}): Promise<AssemblyOutcome> {
  const config = runtime.config.assembly;
  const attempt = await tryAcquireLock(runtime.storage.table(TABLES.datasets), `assembly:${config.baseModel}`, {
    ttlMs: config.lockMinutes * 60_000,
    purpose: `dataset assembly (${options.trigger ?? 'manual'})`,
  });
  if (!attempt.acquired) {
    const h = attempt.holder;
    runtime.telemetry.trackEvent('tuneloop.dataset.skipped', { reason: 'busy', detail: h.purpose });
    await runtime.telemetry.flush();
    return {
      outcome: 'skipped',
      reason: 'busy',
      detail: `another ${h.purpose} for ${config.baseModel} holds the lock since ${h.acquiredAt} (expires ${h.expiresAt}); this run leaves it to that one`,
    };
  }
  const lock = attempt.lock;
  const signal = options.signal ? AbortSignal.any([options.signal, lock.signal]) : lock.signal;
  try {
    return await assembleHoldingLock(runtime, { ...options, signal });
  } finally {
    await lock.release();
  }
}

async function assembleHoldingLock(runtime: Runtime, options: AssembleOptions): Promise<AssemblyOutcome> {
  const config = runtime.config.assembly;
  const now = options.now ?? new Date();
  const signal = options.signal;
  const scratch = await ScratchDir.create(config.tempDir);
  try {
    const stages = options.stages ?? defaultAssemblyStages(runtime);
    for (const stage of stages) await stage.start?.(signal);

    // Pass 1: every shard and every feedback row into hash partitions.
    const shardList = await listShards(runtime, signal);
    const totalBytes = shardList.reduce((n, s) => n + s.bytes, 0);
    const partitionCount = Math.max(1, Math.min(4096, Math.ceil(totalBytes / (options.partitionBytes ?? DEFAULT_PARTITION_BYTES))));
    const partitions = new HashPartitions(scratch, partitionCount);
    const accounting: AssemblyAccounting = {
      records: { in: 0, used: 0, superseded: 0, joined: 0, madeByJoining: 0, balanceDropped: 0, dropped: 0, invalid: 0, upsampled: 0 },
      conversations: { in: 0, used: 0, superseded: 0, balanceDropped: 0, dropped: 0 },
      droppedByReason: {},
    };
    const shards: ShardLineage[] = [];
    for (let i = 0; i < shardList.length; i++) {
      shards.push(await spillShard(runtime, shardList[i], i, partitions, signal));
    }
    for (const s of shards) {
      accounting.records.in += s.records + s.invalidLines;
      accounting.records.invalid += s.invalidLines;
    }
    const feedbackRows = await spillFeedback(runtime, partitions, signal);
    await partitions.close();

    // Pass 2: per partition, newest export per conversation, ratings joined, stages applied.
    const resolved = new LineWriter(scratch.file('resolved.txt'));
    const feedbackOut = new LineWriter(scratch.file('feedback.jsonl'));
    const droppedOut = new LineWriter(scratch.file('dropped.jsonl'));
    const resolution = {
      feedbackConversations: 0,
      ratingsJoined: 0,
      downWeighted: 0,
      newestReceivedAt: '',
      trainByType: new Map<string, number>(),
    };
    for (let p = 0; p < partitionCount; p++) {
      signal?.throwIfAborted();
      await resolvePartition(partitions.read(p), { runtime, stages, accounting, resolution, resolved, feedbackOut, droppedOut, signal });
      await partitions.remove(p);
    }
    await resolved.close();
    // Pass 2b: stages that compare conversations with each other (the duplicate search) scan the
    // resolved conversations from disk, then filter them.
    let resolvedFile = resolved.file;
    const scanning = stages.filter((s) => s.scan !== undefined);
    for (let i = 0; i < scanning.length; i++) {
      const stage = scanning[i];
      await stage.scan?.(readResolved(resolvedFile), { scratch, expectedConversations: resolved.lines, signal });
      const filtered = new LineWriter(scratch.file(`resolved-${i}.txt`));
      resolution.trainByType.clear();
      await filterResolved(readResolved(resolvedFile), stage, { accounting, resolution, out: filtered, droppedOut, signal });
      await filtered.close();
      await fs.promises.rm(resolvedFile, { force: true });
      resolvedFile = filtered.file;
    }
    await Promise.all([feedbackOut.close(), droppedOut.close()]);

    // Pass 3: the balance cap in rank order, outputs to scratch files.
    const out = await writeOutputs(scratch, resolvedFile, resolution.trainByType, accounting, config.balance);
    const feedbackSha = await sha256OfFile(feedbackOut.file);

    const contentHash = createHash('sha256').update(`${out.sha.train}\n${out.sha.validation}\n${out.sha.holdout}`).digest('hex');
    const version = `ds-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${contentHash.slice(0, 8)}`;

    // What changed since the last version, conversation by conversation.
    const latest = await latestDataset(runtime);
    const change = latest
      ? await changeSince(runtime, latest, scratch.file('index.tsv'), out.counts.train, out.tokens.train, signal)
      : await firstChange(scratch.file('index.tsv'), out.counts.train, out.tokens.train);

    const training = await planTraining(runtime, {
      scratch,
      indexFile: scratch.file('index.tsv'),
      forceFull: options.forceFull ?? false,
      version,
      signal,
    });
    let uploadTrain: { file: string; keyed: boolean; copies: string | undefined; examples: number; tokens: number } = {
      file: out.trainFile,
      keyed: true,
      copies: out.copiesFile,
      examples: out.counts.train + accounting.records.upsampled,
      tokens: out.tokens.train + out.upsampledTokens,
    };
    if (training.mode === 'continue') {
      const cont = await writeContinuationFile(scratch, {
        trainFile: out.trainFile,
        statusFile: required(training.statusFile, 'the continuation status file'),
        plan: training,
        version,
      });
      uploadTrain = { file: cont.file, keyed: true, copies: undefined, examples: cont.examples, tokens: cont.tokens };
    }

    const epochs = config.epochs ?? DEFAULT_EPOCHS;
    const price = trainingPriceFor(training.baseModel, config.trainingPrices);
    const cost = estimateTrainingCost({ model: training.baseModel, fileTokens: uploadTrain.tokens, epochs, pricePerMillionUsd: price });
    const manifest: DatasetManifest = {
      version,
      createdAt: now.toISOString(),
      baseModel: config.baseModel,
      contentHash,
      counts: { train: uploadTrain.examples, validation: out.counts.validation, holdout: out.counts.holdout },
      tokens: { train: uploadTrain.tokens, validation: out.tokens.validation, holdout: out.tokens.holdout },
      fullTrain: { examples: out.counts.train + accounting.records.upsampled, tokens: out.tokens.train + out.upsampledTokens },
      issueTypes: { before: sortKeys(out.issueBefore), after: sortKeys(out.issueAfter) },
      feedbackJoined: resolution.ratingsJoined,
      downWeightedLowCsat: resolution.downWeighted,
      balanceDropped: accounting.records.balanceDropped,
      shardCount: shards.length,
      shards,
      feedback: {
        blob: `${version}/feedback.jsonl`,
        rows: feedbackRows,
        conversations: resolution.feedbackConversations,
        ratingsJoined: resolution.ratingsJoined,
        sha256: feedbackSha,
        ...(resolution.newestReceivedAt ? { newestReceivedAt: resolution.newestReceivedAt } : {}),
      },
      invalidLines: accounting.records.invalid,
      ...(accounting.droppedByReason.forgotten ? { forgottenExcluded: accounting.droppedByReason.forgotten } : {}),
      accounting,
      change,
      training: { ...training, statusFile: undefined },
      cost,
      files: {
        train: `${version}/train.jsonl`,
        validation: `${version}/validation.jsonl`,
        holdout: `${version}/holdout.jsonl`,
        holdoutRecords: `${version}/holdout.records.jsonl`,
        index: `${version}/index.tsv`,
        sources: `${version}/sources.jsonl`,
      },
    };
    delete (manifest.training as { statusFile?: string }).statusFile;

    if (out.counts.train < MIN_TRAINING_EXAMPLES) {
      return await skipped(
        runtime,
        'too-few-examples',
        `${out.counts.train} training examples; Azure OpenAI needs at least ${MIN_TRAINING_EXAMPLES}`,
        manifest,
      );
    }
    if (latest?.contentHash === contentHash) {
      // A run that stopped after recording the version but before queueing its job (storage down,
      // host killed) would otherwise leave that version untrained for ever.
      const resumed = options.submit !== false && !latest.submittedAt && (await queueIfNeverSubmitted(runtime, latest));
      const why = `the curated data and ratings are unchanged since dataset ${latest.version}`;
      if (!resumed) {
        const retrained = await retrainIfNoModel(runtime, latest, manifest, options, { reason: 'unchanged', why });
        if (retrained) return retrained;
      }
      return await skipped(
        runtime,
        'unchanged',
        `${why}${resumed ? `; its fine-tuning job had never been queued, so job-${latest.version} is queued now` : ''}`,
        manifest,
      );
    }
    const minExamples = config.retrainMinNewExamples;
    const minTokens = config.retrainMinChangedTokens;
    if (latest && (change.changedExamples < minExamples || change.changedTokens < minTokens)) {
      const why =
        `${change.changedExamples} changed training examples (${change.added.examples} added, ${change.removed.examples} removed, ${change.changed.examples} changed) and ` +
        `${change.changedTokens} changed training tokens since ${latest.version}; TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES is ${minExamples}, TUNELOOP_RETRAIN_MIN_CHANGED_TOKENS is ${minTokens}`;
      // Too little for a new version, but the latest one may never have given a model to compare with.
      const retrained = await retrainIfNoModel(runtime, latest, manifest, options, { reason: 'too-little-new-data', why });
      return retrained ?? (await skipped(runtime, 'too-little-new-data', why, manifest));
    }
    if (cost.estimated_cost_usd === null) {
      return await budgetRefused(
        runtime,
        manifest,
        'no-price',
        `no training price is known for model ${training.baseModel}; set its price per 1M training tokens in TUNELOOP_TRAINING_PRICES`,
      );
    }
    if (cost.estimated_cost_usd > config.maxTrainingCostUsd) {
      return await budgetRefused(
        runtime,
        manifest,
        'over-budget',
        `estimated training cost $${cost.estimated_cost_usd} exceeds TUNELOOP_MAX_TRAINING_COST_USD $${config.maxTrainingCostUsd}`,
      );
    }

    const container = runtime.storage.container(CONTAINERS.datasets);
    const upload = async (name: string, lines: AsyncIterable<string>, type: string) => {
      const body = Readable.from(asBuffers(lines));
      await container
        .getBlockBlobClient(name)
        .uploadStream(body, 4 * 1024 * 1024, 2, { blobHTTPHeaders: { blobContentType: type }, abortSignal: signal });
    };
    const jsonl = 'application/jsonl';
    await upload(
      manifest.files.train,
      concat(stripKeys(readFileLines(uploadTrain.file)), stripKeys(readFileLines(uploadTrain.copies ?? ''))),
      jsonl,
    );
    await upload(manifest.files.validation, readFileLines(out.validationFile), jsonl);
    await upload(manifest.files.holdout, readFileLines(out.holdoutFile), jsonl);
    await upload(manifest.files.holdoutRecords, readFileLines(out.holdoutRecordsFile), jsonl);
    await upload(manifest.files.sources, readFileLines(out.sourcesFile), jsonl);
    await upload(manifest.files.index, readFileLines(scratch.file('index.tsv')), 'text/tab-separated-values');
    await upload(manifest.feedback.blob, readFileLines(feedbackOut.file), jsonl);
    if (accounting.records.balanceDropped) await upload(`${version}/balance-dropped.jsonl`, readFileLines(out.balanceDroppedFile), jsonl);
    if (accounting.records.dropped) await upload(`${version}/dropped.jsonl`, readFileLines(droppedOut.file), jsonl);
    const manifestText = JSON.stringify(manifest, null, 2) + '\n';
    await container.getBlockBlobClient(`${version}/manifest.json`).upload(manifestText, Buffer.byteLength(manifestText), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      abortSignal: signal,
    });
    await runtime.storage.table(TABLES.datasets).upsertEntity(
      {
        partitionKey: 'dataset',
        rowKey: version,
        createdAt: manifest.createdAt,
        contentHash,
        trainExamples: manifest.fullTrain.examples,
        uploadedTrainExamples: manifest.counts.train,
        validationExamples: manifest.counts.validation,
        holdoutExamples: manifest.counts.holdout,
        trainTokens: manifest.tokens.train,
        estimatedCostUsd: cost.estimated_cost_usd,
        baseModel: manifest.baseModel,
        trainingMode: training.mode,
        jobBaseModel: training.baseModel,
        shardCount: shards.length,
        changedExamples: change.changedExamples,
        changedTokens: change.changedTokens,
        trigger: options.trigger ?? 'manual',
      },
      'Replace',
    );
    const dims = { dataset_version: version, model: manifest.baseModel };
    runtime.telemetry.trackMetric('tuneloop.dataset.train_examples', manifest.counts.train, dims);
    runtime.telemetry.trackMetric('tuneloop.dataset.training_tokens', cost.training_tokens, dims);
    runtime.telemetry.trackMetric('tuneloop.dataset.changed_examples', change.changedExamples, dims);
    runtime.telemetry.trackMetric('tuneloop.dataset.superseded_records', accounting.records.superseded, dims);
    runtime.telemetry.trackMetric('tuneloop.dataset.joined_records', accounting.records.joined, dims);
    runtime.telemetry.trackMetric('tuneloop.dataset.estimated_cost_usd', cost.estimated_cost_usd, dims);
    if (training.replay) {
      runtime.telemetry.trackMetric('tuneloop.dataset.replay_examples', training.replay.examples, {
        ...dims,
        training_mode: training.mode,
        job_base_model: training.baseModel,
      });
    }
    await notify(runtime, {
      type: EVENT_TYPES.datasetAssembled,
      subject: `datasets/${version}`,
      id: `assembled-${version}`,
      data: {
        dataset_version: version,
        train: manifest.counts.train,
        validation: manifest.counts.validation,
        holdout: manifest.counts.holdout,
        // Which model the job starts from, so a subscriber sees a continuation without reading the manifest.
        training_mode: training.mode,
        job_base_model: training.baseModel,
        continuation: training.continuation,
        ...(training.parent ? { parent_job: training.parent.jobKey } : {}),
        ...(training.replay ? { replay_examples: training.replay.examples } : {}),
      },
    });

    const jobKey = `job-${version}`;
    if (options.submit !== false) {
      signal?.throwIfAborted();
      await enqueueJobMessage(runtime, {
        kind: 'submit',
        jobKey,
        datasetVersion: version,
        ...(training.mode === 'continue' ? { baseModel: training.baseModel } : {}),
      });
      // Marks the version as queued; a run that stopped before this line is finished by the next one.
      await runtime.storage
        .table(TABLES.datasets)
        .updateEntity({ partitionKey: 'dataset', rowKey: version, submittedAt: new Date().toISOString() }, 'Merge');
    }
    await runtime.telemetry.flush();
    return { outcome: 'submitted', manifest, jobKey };
  } finally {
    await scratch.dispose();
  }
}

/**
 * When no new version is due and every job on the latest version ended without a model (failed,
 * cancelled; e.g. the service failed the job, or its deployment failed for want of quota), nothing
 * else would ever train that data: queue a new job on the same version, at most
 * TUNELOOP_RETRAIN_MAX_RESUBMISSIONS times, then say a person is needed. Undefined: the version has
 * a judged model or a job under way (or this run must not submit), so the caller skips as before.
 */
async function retrainIfNoModel(
  runtime: Runtime,
  latest: LatestDataset,
  manifest: DatasetManifest,
  options: AssembleOptions,
  skip: { reason: 'unchanged' | 'too-little-new-data'; why: string },
): Promise<AssemblyOutcome | undefined> {
  if (options.submit === false) return undefined;
  const plan = await resubmissionPlanFor(runtime, latest.version);
  if (plan.action === 'none') return undefined;
  const max = runtime.config.assembly.retrainMaxResubmissions;
  const dims = { dataset_version: latest.version, model: manifest.baseModel, last_job: plan.last.jobKey, last_state: plan.last.state };
  if (plan.action === 'exhausted') {
    // Every night until a person acts (or the data changes): an alert on the metric sees it.
    runtime.telemetry.trackMetric('tuneloop.dataset.untrained', 1, { ...dims, resubmissions: String(plan.resubmissions) });
    return skipped(
      runtime,
      'resubmissions-exhausted',
      `${skip.why}; dataset ${latest.version} never gave a model: ${describeEnd(plan.last)}; ` +
        `${plan.resubmissions} resubmission(s) made, TUNELOOP_RETRAIN_MAX_RESUBMISSIONS is ${max}, so it needs a person: ` +
        `fix the cause in the job's error, then send a submit message with a new job key (or raise the setting)`,
      manifest,
    );
  }
  await queueJob(runtime, latest, plan.jobKey);
  const detail = `${skip.why}; dataset ${latest.version} never gave a model (${describeEnd(plan.last)}), so ${plan.jobKey} trains it again (resubmission ${plan.resubmission} of at most ${max})`;
  runtime.telemetry.trackEvent('tuneloop.dataset.resubmitted', {
    ...dims,
    job_key: plan.jobKey,
    resubmission: plan.resubmission,
    reason: skip.reason,
  });
  await runtime.telemetry.flush();
  return {
    outcome: 'resubmitted',
    datasetVersion: latest.version,
    jobKey: plan.jobKey,
    resubmission: plan.resubmission,
    reason: skip.reason,
    detail,
    manifest,
  };
}

async function skipped(runtime: Runtime, reason: string, detail: string, manifest: DatasetManifest): Promise<AssemblyOutcome> {
  runtime.telemetry.trackEvent('tuneloop.dataset.skipped', { reason, detail, train_examples: manifest.counts.train });
  await runtime.telemetry.flush();
  return { outcome: 'skipped', reason, detail, manifest };
}

async function budgetRefused(
  runtime: Runtime,
  manifest: DatasetManifest,
  reason: 'over-budget' | 'no-price',
  detail: string,
): Promise<AssemblyOutcome> {
  const cost = manifest.cost.estimated_cost_usd;
  if (cost !== null) runtime.telemetry.trackMetric('tuneloop.budget.refused_cost_usd', cost, { dataset_version: manifest.version });
  await notify(runtime, {
    type: EVENT_TYPES.budgetRefused,
    subject: `datasets/${manifest.version}`,
    id: `budget-${manifest.version}`,
    data: {
      dataset_version: manifest.version,
      estimated_cost_usd: cost,
      budget_usd: runtime.config.assembly.maxTrainingCostUsd,
      reason: detail,
    },
  });
  return skipped(runtime, reason, detail, manifest);
}

// ---- pass 1 ---------------------------------------------------------------------------

interface ListedShard {
  name: string;
  etag: string;
  bytes: number;
  modified: number;
}

/** Curated shards, oldest first (a newer shard's export of a conversation supersedes an older one). */
async function listShards(runtime: Runtime, signal?: AbortSignal): Promise<ListedShard[]> {
  const container = runtime.storage.container(CONTAINERS.curated);
  const list: ListedShard[] = [];
  for await (const blob of container.listBlobsFlat({ includeMetadata: true, abortSignal: signal })) {
    if (!blob.name.endsWith('.jsonl')) continue;
    // A shard rewritten by an erasure keeps the time it was first written, so it does not become "newest".
    const writtenAt = Date.parse(blob.metadata?.[WRITTEN_AT_METADATA] ?? '');
    const modified = Number.isFinite(writtenAt) ? writtenAt : blob.properties.lastModified.getTime();
    list.push({ name: blob.name, etag: blob.properties.etag, bytes: blob.properties.contentLength ?? 0, modified });
  }
  list.sort((a, b) => a.modified - b.modified || a.name.localeCompare(b.name));
  return list;
}

/** Spill line: `hash \t shard index \t curated line`; feedback: `hash \t F \t json`. */
async function spillShard(
  runtime: Runtime,
  shard: ListedShard,
  index: number,
  partitions: HashPartitions,
  signal?: AbortSignal,
): Promise<ShardLineage> {
  const blob = runtime.storage.container(CONTAINERS.curated).getBlobClient(shard.name);
  const hash = createHash('sha256');
  let records = 0;
  let invalidLines = 0;
  let bytes = 0;
  for await (const line of hashedLines(blob, shard.etag, signal, (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
  })) {
    if (!line.trim()) continue;
    let parsed: CuratedRecord;
    try {
      parsed = curatedRecordSchema.parse(JSON.parse(line));
    } catch {
      invalidLines++;
      continue;
    }
    records++;
    const identity: ConversationIdentity = { source: conversationSource(parsed.source), conversationId: parsed.conversation_id };
    const h = identityHash(identity);
    await partitions.write(h, `${h}\t${index}\t${line}`);
  }
  return {
    name: shard.name,
    etag: shard.etag,
    sha256: hash.digest('hex'),
    bytes,
    lastModified: new Date(shard.modified).toISOString(),
    records,
    invalidLines,
  };
}

/** The blob's lines, reading exactly the listed version (ETag), every byte passed to `onChunk`. */
async function* hashedLines(
  blob: BlobClient,
  etag: string,
  signal: AbortSignal | undefined,
  onChunk: (chunk: Buffer) => void,
): AsyncIterable<string> {
  const response = await blob.download(0, undefined, { abortSignal: signal, ...(etag ? { conditions: { ifMatch: etag } } : {}) });
  const body = response.readableStreamBody;
  if (!body) return;
  let rest = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of body as AsyncIterable<Buffer>) {
    onChunk(chunk);
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    let start = 0;
    while ((at = rest.indexOf('\n', start)) >= 0) {
      yield rest.slice(start, at).replace(/\r$/, '');
      start = at + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest) yield rest.replace(/\r$/, '');
}

interface FeedbackRow {
  source: string;
  conversationId: string;
  rating: number;
  receivedAt: string;
  file: string;
  line: number;
}

/** Every row of table `feedback` into the partitions of its conversation. Returns the number of rows. */
async function spillFeedback(runtime: Runtime, partitions: HashPartitions, signal?: AbortSignal): Promise<number> {
  let rows = 0;
  // The first assembly after table `rated` appeared lists every rated conversation there, so
  // the blob path's rating lookups become point reads (see TableFeedbackStore.latest).
  const backfill = await RatedIndexBackfill.start(runtime.storage.table(TABLES.rated), signal);
  try {
    for await (const row of runtime.storage.table(TABLES.feedback).listEntities({ abortSignal: signal })) {
      const conversationId = typeof row.conversationId === 'string' ? row.conversationId : decodeURIComponent(String(row.partitionKey));
      const rating = Number(row.rating);
      if (!Number.isFinite(rating)) continue;
      await backfill?.add(conversationId);
      const file = typeof row.file === 'string' ? row.file : '';
      const fb: FeedbackRow = {
        source: conversationSource({ file, system: row.source }),
        conversationId,
        rating,
        receivedAt: propertyText(row.receivedAt),
        file,
        line: Number(row.line ?? 0),
      };
      const h = identityHash({ source: fb.source, conversationId });
      await partitions.write(h, `${h}\tF\t${JSON.stringify(fb)}`);
      rows++;
    }
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  await backfill?.finish();
  return rows;
}

// ---- pass 2 ---------------------------------------------------------------------------

interface ResolveContext {
  runtime: Runtime;
  stages: AssemblyStage[];
  accounting: AssemblyAccounting;
  resolution: {
    feedbackConversations: number;
    ratingsJoined: number;
    downWeighted: number;
    newestReceivedAt: string;
    trainByType: Map<string, number>;
  };
  resolved: LineWriter;
  feedbackOut: LineWriter;
  droppedOut: LineWriter;
  signal?: AbortSignal;
}

interface Group {
  records: { shard: number; raw: string }[];
  feedback?: FeedbackRow;
}

/**
 * One partition: group by conversation identity, keep the newest shard's records (older ones are
 * superseded), join the newest rating, run the stages, and append the survivors to the resolved
 * file in identity-hash order (`hash \t curated record`).
 */
async function resolvePartition(lines: AsyncIterable<string>, ctx: ResolveContext): Promise<void> {
  const groups = new Map<string, Group>();
  for await (const line of lines) {
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    const hash = line.slice(0, t1);
    const tag = line.slice(t1 + 1, t2);
    let group = groups.get(hash);
    if (!group) groups.set(hash, (group = { records: [] }));
    if (tag === 'F') {
      const fb = JSON.parse(line.slice(t2 + 1)) as FeedbackRow;
      if (!group.feedback || newerFeedback(fb, group.feedback)) group.feedback = fb;
    } else {
      group.records.push({ shard: Number(tag), raw: line.slice(t2 + 1) });
    }
  }
  const { accounting, resolution, runtime } = ctx;
  const threshold = runtime.config.assembly.csatThreshold;
  const hashes = [...groups.keys()].sort();
  for (const hash of hashes) {
    const group = getOrThrow(groups, hash, 'the feedback group of conversation hash');
    groups.delete(hash);
    const fb = group.feedback;
    if (fb) {
      resolution.feedbackConversations++;
      if (fb.receivedAt > resolution.newestReceivedAt) resolution.newestReceivedAt = fb.receivedAt;
      await ctx.feedbackOut.write(
        JSON.stringify({
          source: fb.source,
          conversation_id: fb.conversationId,
          rating: fb.rating,
          received_at: fb.receivedAt,
          file: fb.file,
          line: fb.line,
        }),
      );
    }
    if (!group.records.length) continue;
    let firstSeen = '';
    const inputRecords = new Set<string>();
    const supersededRecords = new Set<string>();
    const exports = new Map<number, ConversationExport>();
    // Records joined on one raw line (`source.part`) are input records of their own.
    const inputKey = (shard: number, record: CuratedRecord) => `${shard}:${record.source.line}${partSuffix(record.source)}`;
    for (const r of group.records) {
      const record = normalise(JSON.parse(r.raw) as StoredCuratedRecord);
      inputRecords.add(inputKey(r.shard, record));
      const seen = firstSeenKey(r.shard, record.source.line);
      if (!firstSeen || seen < firstSeen) firstSeen = seen;
      let exported = exports.get(r.shard);
      if (!exported) exports.set(r.shard, (exported = { shard: r.shard, records: [] }));
      exported.records.push(record);
    }
    // The newest export supersedes older ones, unless they are earlier or later parts of the
    // conversation (a daily export of a chat that ran past midnight): those are joined.
    const resolved = partsOfConversation([...exports.values()]);
    let { parts, superseded } = resolved;
    let records: CuratedRecord[];
    const joined =
      parts.length > 1 && !resolved.asTheyAre ? joinConversationParts(parts, { model: runtime.config.assembly.baseModel }) : undefined;
    if (resolved.asTheyAre) {
      // A whole chat: each export's sessions that no newer export says again, as they are.
      records = parts.flatMap((part) => part.records);
    } else if (joined) {
      records = joined;
      for (const part of parts) accounting.records.joined += part.records.length;
      accounting.records.madeByJoining += joined.length;
    } else {
      if (parts.length > 1) {
        const newest = parts.reduce((a, b) => (b.shard > a.shard ? b : a));
        superseded = [...exports.values()].filter((e) => e !== newest);
        parts = [newest];
      }
      records = parts[0].records;
    }
    for (const part of superseded) {
      for (const record of part.records) {
        accounting.records.superseded++;
        supersededRecords.add(inputKey(part.shard, record));
      }
    }
    // An input some of whose sessions still count is not superseded.
    if (resolved.asTheyAre)
      for (const part of parts) for (const record of part.records) supersededRecords.delete(inputKey(part.shard, record));
    accounting.conversations.in += inputRecords.size;
    accounting.conversations.superseded += supersededRecords.size;
    records.sort((a, b) => a.kind.localeCompare(b.kind) || a.source.line - b.source.line);
    if (fb) {
      resolution.ratingsJoined++;
      for (const record of records) record.csat = fb.rating;
    }
    for (const record of records) {
      if (typeof record.csat === 'number' && record.csat < threshold && record.kind === 'conversation') {
        let changed = false;
        for (const message of record.example.messages) {
          if (message.role === 'assistant' && message.weight !== 0) {
            message.weight = 0;
            changed = true;
          }
        }
        if (changed) resolution.downWeighted++;
      }
    }
    const identity = { source: conversationSource(records[0].source), conversationId: records[0].conversation_id };
    let drop: StageDecision;
    for (const stage of ctx.stages) {
      if (stage.scan) continue; // decides after its scan (pass 2b)
      drop = await stage.decide({ identity, hash, records });
      if (drop) break;
    }
    const newestInputs = inputRecords.size - supersededRecords.size;
    if (drop) {
      await recordDrop(drop, records, newestInputs, accounting, ctx.droppedOut);
      continue;
    }
    await writeResolved(ctx.resolved, { identity, hash, records, firstSeen }, newestInputs, resolution.trainByType);
  }
}

/** `.2` for the 2nd of the records joined on a raw line (`SourceRef.part`), else empty. */
function partSuffix(source: object): string {
  const part = (source as { part?: { index?: unknown } }).part;
  return typeof part?.index === 'number' ? `.${part.index}` : '';
}

function isPart(value: unknown): value is { index: number; of: number } {
  const part = value as { index?: unknown; of?: unknown } | undefined;
  return typeof part?.index === 'number' && typeof part.of === 'number';
}

/** Sorts by shard (oldest first), then line. */
function firstSeenKey(shard: number, line: number): string {
  return `${String(shard).padStart(7, '0')}:${String(Math.max(0, line)).padStart(10, '0')}`;
}

async function recordDrop(
  drop: NonNullable<StageDecision>,
  records: CuratedRecord[],
  inputs: number,
  accounting: AssemblyAccounting,
  droppedOut: LineWriter,
): Promise<void> {
  accounting.records.dropped += records.length;
  accounting.conversations.dropped += inputs;
  accounting.droppedByReason[drop.reason] = (accounting.droppedByReason[drop.reason] ?? 0) + records.length;
  // An erased conversation that came back is counted, never copied: a copy here would be one more
  // place the next erasure has to find it.
  const withRecord = drop.reason !== 'forgotten';
  for (const record of records)
    await droppedOut.write(
      JSON.stringify({ reason: drop.reason, ...(drop.detail ? { detail: drop.detail } : {}), ...(withRecord ? { record } : {}) }),
    );
}

/** Resolved line: `hash \t input records \t first seen \t curated record`. */
async function writeResolved(
  out: LineWriter,
  conversation: ScannedConversation,
  inputs: number,
  trainByType: Map<string, number>,
): Promise<void> {
  for (const record of conversation.records) {
    if (record.split === 'train') {
      const type = record.issue_type || UNTYPED;
      trainByType.set(type, (trainByType.get(type) ?? 0) + 1);
    }
    await out.write(`${conversation.hash}\t${inputs}\t${conversation.firstSeen}\t${JSON.stringify(record)}`);
  }
}

/** The resolved file, a conversation (all its records) at a time, in identity-hash order. */
async function* readResolved(file: string): AsyncIterable<ScannedConversation & { inputs: number }> {
  let current: (ScannedConversation & { inputs: number }) | undefined;
  for await (const line of readFileLines(file)) {
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    const t3 = line.indexOf('\t', t2 + 1);
    const hash = line.slice(0, t1);
    const record = JSON.parse(line.slice(t3 + 1)) as CuratedRecord;
    if (current?.hash !== hash) {
      if (current) yield current;
      current = {
        hash,
        inputs: Number(line.slice(t1 + 1, t2)),
        firstSeen: line.slice(t2 + 1, t3),
        identity: { source: conversationSource(record.source), conversationId: record.conversation_id },
        records: [],
      };
    }
    current.records.push(record);
  }
  if (current) yield current;
}

/** Pass 2b's second half: a scanning stage decides on each resolved conversation; the rest go on. */
async function filterResolved(
  conversations: AsyncIterable<ScannedConversation & { inputs: number }>,
  stage: AssemblyStage,
  ctx: {
    accounting: AssemblyAccounting;
    resolution: ResolveContext['resolution'];
    out: LineWriter;
    droppedOut: LineWriter;
    signal?: AbortSignal;
  },
): Promise<void> {
  for await (const conversation of conversations) {
    ctx.signal?.throwIfAborted();
    const drop = await stage.decide(conversation);
    if (drop) await recordDrop(drop, conversation.records, conversation.inputs, ctx.accounting, ctx.droppedOut);
    else await writeResolved(ctx.out, conversation, conversation.inputs, ctx.resolution.trainByType);
  }
}

/** A curated record as read back from a spill file: JSON keeps the nulls the schema turns into undefined. */
type StoredCuratedRecord = Omit<CuratedRecord, 'issue_type' | 'csat'> & { issue_type?: string | null; csat?: number | null };

function normalise(record: StoredCuratedRecord): CuratedRecord {
  if (record.issue_type === null) record.issue_type = undefined;
  if (record.csat === null) record.csat = undefined;
  return record as CuratedRecord;
}

/** A table property as text, printed as String() prints it ('' when absent). */
function propertyText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : (value as { toString(): string }).toString();
}

function newerFeedback(a: FeedbackRow, b: FeedbackRow): boolean {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt > b.receivedAt;
  if (a.file !== b.file) return a.file > b.file;
  return a.line > b.line;
}

// ---- pass 3 ---------------------------------------------------------------------------

interface Outputs {
  trainFile: string;
  copiesFile: string;
  validationFile: string;
  holdoutFile: string;
  holdoutRecordsFile: string;
  /** One `sources.jsonl` line per train and validation example (see `sourceLine`). */
  sourcesFile: string;
  balanceDroppedFile: string;
  counts: Record<Split, number>;
  tokens: Record<Split, number>;
  upsampledTokens: number;
  sha: Record<Split, string>;
  issueBefore: Record<string, number>;
  issueAfter: Record<string, number>;
}

/**
 * Streams the resolved file (identity-hash order = balance rank order) once: the cap keeps
 * whole conversations of a capped issue type while they fit its quota, exactly like
 * `balanceTrainingSplit`, then writes the split files and the training index. Up-sampling (a
 * minimum share) appends copies in further passes over the training file.
 */
async function writeOutputs(
  scratch: ScratchDir,
  resolvedFile: string,
  trainByType: Map<string, number>,
  accounting: AssemblyAccounting,
  balance: BalanceConfig,
): Promise<Outputs> {
  const { maxShare, minShare } = balance;
  const effectiveMaxShare = trainByType.size ? Math.max(maxShare, 1 / trainByType.size) : maxShare;
  const typed = new Map([...trainByType].filter(([t]) => t !== UNTYPED));
  const quota = capQuotas(typed, effectiveMaxShare, trainByType.get(UNTYPED) ?? 0);
  const kept = new Map<string, number>();
  const full = new Set<string>();

  const o: Outputs = {
    trainFile: scratch.file('train.keyed'),
    copiesFile: scratch.file('train.copies'),
    validationFile: scratch.file('validation.jsonl'),
    holdoutFile: scratch.file('holdout.jsonl'),
    holdoutRecordsFile: scratch.file('holdout.records.jsonl'),
    sourcesFile: scratch.file('sources.jsonl'),
    balanceDroppedFile: scratch.file('balance-dropped.jsonl'),
    counts: { train: 0, validation: 0, holdout: 0 },
    tokens: { train: 0, validation: 0, holdout: 0 },
    upsampledTokens: 0,
    sha: { train: '', validation: '', holdout: '' },
    issueBefore: {},
    issueAfter: {},
  };
  const train = new LineWriter(o.trainFile);
  const validation = new LineWriter(o.validationFile);
  const holdout = new LineWriter(o.holdoutFile);
  const holdoutRecords = new LineWriter(o.holdoutRecordsFile);
  const sources = new LineWriter(o.sourcesFile);
  const balanceDropped = new LineWriter(o.balanceDroppedFile);
  const index = new LineWriter(scratch.file('index.tsv'));
  const sha = { train: createHash('sha256'), validation: createHash('sha256'), holdout: createHash('sha256') };
  const countType = (into: Record<string, number>, r: CuratedRecord) => {
    if (r.kind === 'intent') return;
    const t = r.issue_type ?? 'unknown';
    into[t] = (into[t] ?? 0) + 1;
  };

  let current: { hash: string; inputs: number; records: CuratedRecord[] } | undefined;
  const flush = async () => {
    if (!current) return;
    const { hash, inputs, records } = current;
    current = undefined;
    let usedHere = 0;
    const trainRecords = records.filter((r) => r.split === 'train');
    for (const r of trainRecords) countType(o.issueBefore, r);
    // Whole conversation per issue type, in rank order, while it fits the type's quota.
    const byType = new Map<string, CuratedRecord[]>();
    for (const r of trainRecords) {
      const t = r.issue_type || UNTYPED;
      byType.set(t, [...(byType.get(t) ?? []), r]);
    }
    const keptTrain: CuratedRecord[] = [];
    for (const [type, members] of byType) {
      const limit = quota.get(type) ?? Number.POSITIVE_INFINITY;
      const have = kept.get(type) ?? 0;
      if (!full.has(type) && have + members.length <= limit) {
        kept.set(type, have + members.length);
        keptTrain.push(...members);
      } else {
        full.add(type);
        accounting.records.balanceDropped += members.length;
        for (const r of members) await balanceDropped.write(JSON.stringify({ reason: 'balance-cap', record: r }));
      }
    }
    const digest = createHash('sha256');
    let trainTokens = 0;
    for (const r of trainRecords) {
      if (!keptTrain.includes(r)) continue;
      const line = JSON.stringify(r.example);
      await train.write(`${hash}\t${r.issue_type || UNTYPED}\t${r.tokens}\t${line}`);
      await sources.write(sourceLine('train', line, r));
      sha.train.update(line + '\n');
      digest.update(line + '\n');
      o.counts.train++;
      o.tokens.train += r.tokens;
      trainTokens += r.tokens;
      countType(o.issueAfter, r);
      usedHere++;
    }
    if (keptTrain.length) {
      await index.write(
        indexLine({
          hash,
          digest: digest.digest('hex').slice(0, 32),
          tokens: trainTokens,
          examples: keptTrain.length,
          issueType: keptTrain[0].issue_type || UNTYPED,
        }),
      );
    }
    for (const r of records) {
      if (r.split === 'train') continue;
      const line = JSON.stringify(r.example);
      if (r.split === 'validation') {
        await validation.write(line);
        await sources.write(sourceLine('validation', line, r));
        sha.validation.update(line + '\n');
      } else {
        await holdout.write(line);
        await holdoutRecords.write(JSON.stringify(r));
        sha.holdout.update(line + '\n');
      }
      o.counts[r.split]++;
      o.tokens[r.split] += r.tokens;
      usedHere++;
    }
    accounting.records.used += usedHere;
    // An input record is used when any of its examples is in the version; else the cap took all of it.
    if (usedHere) accounting.conversations.used += inputs;
    else accounting.conversations.balanceDropped += inputs;
  };
  for await (const conversation of readResolved(resolvedFile)) {
    await flush();
    current = { hash: conversation.hash, inputs: conversation.inputs, records: conversation.records };
  }
  await flush();
  await Promise.all([
    train.close(),
    validation.close(),
    holdout.close(),
    holdoutRecords.close(),
    sources.close(),
    balanceDropped.close(),
    index.close(),
  ]);

  // Up-sampling: issue types below the minimum share get copies of their kept records.
  const copies = new LineWriter(o.copiesFile);
  if (minShare > 0) {
    const keptByType = new Map<string, number>();
    for (const [t, n] of kept) keptByType.set(t, n);
    const total = [...keptByType.values()].reduce((a, b) => a + b, 0);
    const remaining = new Map<string, number>();
    for (const [type, count] of keptByType) {
      if (!count || type === UNTYPED) continue;
      const needed = Math.ceil((minShare * total - count) / (1 - minShare));
      const add = Math.min(Math.max(needed, 0), count * 4);
      if (add > 0) remaining.set(type, add);
    }
    while ([...remaining.values()].some((n) => n > 0)) {
      for await (const line of readFileLines(o.trainFile)) {
        const [, type, tokens] = line.split('\t', 3);
        const left = remaining.get(type) ?? 0;
        if (left <= 0) continue;
        remaining.set(type, left - 1);
        await copies.write(line);
        sha.train.update(stripKey(line) + '\n');
        accounting.records.upsampled++;
        o.upsampledTokens += Number(tokens);
      }
    }
  }
  await copies.close();
  o.sha = { train: sha.train.digest('hex'), validation: sha.validation.digest('hex'), holdout: sha.holdout.digest('hex') };
  return o;
}

/**
 * A `sources.jsonl` line: where a train or validation example came from, keyed by the sha256 of
 * its line as written to train.jsonl / validation.jsonl (not by line number: an erasure rewrites
 * those files). Up-sampled copies of an example share its line. It carries `conversation_id` and
 * `source.file`, so the erasure drops it with the conversation.
 */
function sourceLine(split: 'train' | 'validation', line: string, r: CuratedRecord): string {
  return JSON.stringify({
    split,
    example_sha256: createHash('sha256').update(line).digest('hex'),
    conversation_id: r.conversation_id,
    source: {
      file: r.source.file,
      line: r.source.line,
      // Which of the records joined on that raw line (`SourceRef.part`), so lineage names the right one.
      ...(isPart(r.source.part) ? { part: r.source.part } : {}),
      ...(r.source.system ? { system: r.source.system } : {}),
    },
  });
}

/** A keyed training line is `hash \t type \t tokens \t example`. */
export function stripKey(line: string): string {
  let at = -1;
  for (let i = 0; i < 3; i++) at = line.indexOf('\t', at + 1);
  return line.slice(at + 1);
}

async function* stripKeys(lines: AsyncIterable<string>): AsyncIterable<string> {
  for await (const line of lines) yield stripKey(line);
}

async function* concat(...sources: AsyncIterable<string>[]): AsyncIterable<string> {
  for (const s of sources) yield* s;
}

async function* asBuffers(lines: AsyncIterable<string>): AsyncIterable<Buffer> {
  let batch: string[] = [];
  let size = 0;
  for await (const line of lines) {
    batch.push(line);
    size += line.length;
    if (size >= 1024 * 1024) {
      yield Buffer.from(batch.join('\n') + '\n', 'utf8');
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield Buffer.from(batch.join('\n') + '\n', 'utf8');
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const line of readFileLines(file)) hash.update(line + '\n');
  return hash.digest('hex');
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

// ---- change detection -----------------------------------------------------------------

interface LatestDataset {
  version: string;
  contentHash: string;
  trainExamples: number;
  trainTokens: number;
  trainingMode?: string;
  jobBaseModel?: string;
  /** When its submit message was queued; absent on a version whose run stopped before that. */
  submittedAt?: string;
}

async function latestDataset(runtime: Runtime): Promise<LatestDataset | undefined> {
  let latest: (LatestDataset & { createdAt: string }) | undefined;
  for await (const row of runtime.storage.table(TABLES.datasets).listEntities({ queryOptions: { filter: "PartitionKey eq 'dataset'" } })) {
    const createdAt = propertyText(row.createdAt);
    if (!latest || createdAt > latest.createdAt) {
      latest = {
        version: String(row.rowKey),
        contentHash: propertyText(row.contentHash),
        trainExamples: Number(row.trainExamples ?? 0),
        trainTokens: Number(row.trainTokens ?? 0),
        trainingMode: typeof row.trainingMode === 'string' ? row.trainingMode : undefined,
        jobBaseModel: typeof row.jobBaseModel === 'string' ? row.jobBaseModel : undefined,
        ...(typeof row.submittedAt === 'string' ? { submittedAt: row.submittedAt } : {}),
        createdAt,
      };
    }
  }
  return latest;
}

/** The first version: every conversation of its index is added. */
async function firstChange(indexFile: string, examples: number, tokens: number): Promise<DatasetChange> {
  const asIndexed = await compareIndexes(readFileLines(indexFile), noLines(), { comparedWith: '' });
  const added = { conversations: asIndexed.added.conversations, examples, tokens };
  const none = { conversations: 0, examples: 0, tokens: 0 };
  return { method: 'first', added, removed: none, changed: none, unchanged: none, changedExamples: examples, changedTokens: tokens };
}

/** Reads a dataset version's index blob lines; undefined when that version has none. */
export async function datasetIndexLines(
  runtime: Runtime,
  version: string,
  signal?: AbortSignal,
): Promise<AsyncIterable<string> | undefined> {
  const blob = runtime.storage.container(CONTAINERS.datasets).getBlobClient(`${version}/index.tsv`);
  if (!(await blob.exists({ abortSignal: signal }))) return undefined;
  return readLines(blob, signal);
}

async function* noLines(): AsyncIterable<string> {}

async function changeSince(
  runtime: Runtime,
  latest: LatestDataset,
  indexFile: string,
  examples: number,
  tokens: number,
  signal?: AbortSignal,
): Promise<DatasetChange> {
  const previous = await datasetIndexLines(runtime, latest.version, signal);
  if (previous) return compareIndexes(readFileLines(indexFile), previous, { comparedWith: latest.version });
  // A version from before indexes existed: only the example count can be compared.
  const diff = Math.abs(examples - latest.trainExamples);
  const tokenDiff = Math.abs(tokens - latest.trainTokens);
  const none = { conversations: 0, examples: 0, tokens: 0 };
  return {
    comparedWith: latest.version,
    method: 'count',
    added: { conversations: 0, examples: diff, tokens: tokenDiff },
    removed: none,
    changed: none,
    unchanged: none,
    changedExamples: diff,
    changedTokens: tokenDiff,
  };
}

async function queueIfNeverSubmitted(runtime: Runtime, latest: LatestDataset): Promise<boolean> {
  const jobKey = `job-${latest.version}`;
  if (await new JobStore(runtime.storage).get(jobKey)) return false;
  // Should the first message be in the queue after all, the job loop treats this one as a duplicate.
  await queueJob(runtime, latest, jobKey);
  return true;
}

/** A submit message for a recorded version, starting from the model its training plan chose; marks the version queued. */
async function queueJob(runtime: Runtime, latest: LatestDataset, jobKey: string): Promise<void> {
  await enqueueJobMessage(runtime, {
    kind: 'submit',
    jobKey,
    datasetVersion: latest.version,
    ...(latest.trainingMode === 'continue' && latest.jobBaseModel ? { baseModel: latest.jobBaseModel } : {}),
  });
  await runtime.storage
    .table(TABLES.datasets)
    .updateEntity({ partitionKey: 'dataset', rowKey: latest.version, submittedAt: new Date().toISOString() }, 'Merge');
}
