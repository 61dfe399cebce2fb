import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Runtime } from '../composition/runtime';
import { CONTAINERS, TABLES } from '../storage/names';
import { estimateTrainingCost, DEFAULT_EPOCHS, type TrainingCostEstimate } from './cost';
import { MIN_TRAINING_EXAMPLES } from './models';
import type { Split } from './split';
import { enqueueJobMessage } from '../finetune/queue';
import { JobStore } from '../finetune/store';
import { notify } from '../telemetry/notify';
import { EVENT_TYPES } from '../telemetry/events';
import { readLines } from './blobLines';
import { balanceTrainingSplit } from '../quality/balance';
import { excludeForgotten } from '../erasure/exclusions';
import { WRITTEN_AT_METADATA } from '../erasure/markers';

/** One line of a curated shard, as preprocessing writes it (see docs/preprocessing.md). */
export const curatedRecordSchema = z.object({
  conversation_id: z.string().min(1),
  kind: z.enum(['conversation', 'faq', 'ready', 'intent']),
  issue_type: z.string().nullish().transform((v) => v ?? undefined),
  csat: z.number().nullish().transform((v) => v ?? undefined),
  split: z.enum(['train', 'validation', 'holdout']),
  tokens: z.number().int().nonnegative(),
  source: z.object({ file: z.string(), line: z.number() }).passthrough(),
  example: z.object({ messages: z.array(z.record(z.string(), z.unknown())).min(1) }).passthrough(),
});
export type CuratedRecord = z.infer<typeof curatedRecordSchema>;

export interface DatasetManifest {
  version: string;
  createdAt: string;
  baseModel: string;
  contentHash: string;
  counts: Record<Split, number>;
  tokens: Record<Split, number>;
  issueTypes: { before: Record<string, number>; after: Record<string, number> };
  feedbackJoined: number;
  downWeightedLowCsat: number;
  balanceDropped: number;
  shards: number;
  invalidLines: number;
  /** Curated records left out because their conversation was erased (`tuneloop forget`). */
  forgottenExcluded?: number;
  cost: TrainingCostEstimate;
  files: Record<Split | 'holdoutRecords', string>;
}

export type AssemblyOutcome =
  | { outcome: 'submitted'; manifest: DatasetManifest; jobKey: string }
  | { outcome: 'skipped'; reason: string; detail: string; manifest?: DatasetManifest };

export interface AssembleOptions {
  /** Fixes the clock (tests); defaults to now. */
  now?: Date;
  /** Why this run happens (nightly timer, drift, manual); recorded on the manifest row. */
  trigger?: string;
  signal?: AbortSignal;
  /** Assemble and write the version but do not enqueue a job (dry run, `tuneloop assemble --no-submit`). */
  submit?: boolean;
}

/**
 * The nightly step: every curated shard → one versioned dataset (train / validation / frozen
 * holdout) in container `datasets`, its cost estimated against the budget, and a `submit`
 * message for the fine-tuning job loop. Nothing changes when the data has not changed.
 */
export async function assembleDataset(runtime: Runtime, options: AssembleOptions = {}): Promise<AssemblyOutcome> {
  const settings = runtime.settings;
  const now = options.now ?? new Date();
  const curated = await readCuratedRecords(runtime, options.signal);
  const { shards, invalidLines } = curated;
  // Erased conversations never come back, even when their export is dropped again.
  const { kept: records, excluded: forgottenExcluded } = await excludeForgotten(runtime.storage, curated.records, options.signal);

  const ratings = await readFeedbackRatings(runtime);
  let feedbackJoined = 0;
  let downWeightedLowCsat = 0;
  const threshold = settings.TUNELOOP_CSAT_THRESHOLD;
  for (const record of records) {
    const rating = ratings.get(record.conversation_id);
    if (rating !== undefined) {
      record.csat = rating;
      feedbackJoined++;
    }
    if (typeof record.csat === 'number' && record.csat < threshold && record.kind === 'conversation') {
      let changed = false;
      for (const message of record.example.messages) {
        if (message.role === 'assistant' && message.weight !== 0) {
          message.weight = 0;
          changed = true;
        }
      }
      if (changed) downWeightedLowCsat++;
    }
  }

  const bySplit: Record<Split, CuratedRecord[]> = { train: [], validation: [], holdout: [] };
  for (const r of records) bySplit[r.split].push(r);
  const before = countIssueTypes(bySplit.train);
  // Capped issue types lose their lowest-ranked records for this version only: they stay in the
  // curated shards and are listed beside the dataset, so nothing is lost.
  const balanced = balanceTrainingSplit(bySplit.train, {
    maxShare: settings.TUNELOOP_BALANCE_MAX_SHARE,
    minShare: settings.TUNELOOP_BALANCE_MIN_SHARE,
    seed: 'tuneloop',
  });
  bySplit.train = balanced.kept;
  const balanceDropped = balanced.dropped.length;
  const after = countIssueTypes(bySplit.train);

  const lines: Record<Split, string[]> = { train: [], validation: [], holdout: [] };
  const tokens: Record<Split, number> = { train: 0, validation: 0, holdout: 0 };
  for (const split of ['train', 'validation', 'holdout'] as Split[]) {
    bySplit[split].sort(compareRecords);
    for (const r of bySplit[split]) {
      lines[split].push(JSON.stringify(r.example));
      tokens[split] += r.tokens;
    }
  }
  const contentHash = createHash('sha256')
    .update(lines.train.join('\n'))
    .update('\u0000')
    .update(lines.validation.join('\n'))
    .update('\u0000')
    .update(lines.holdout.join('\n'))
    .digest('hex');
  const version = `ds-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${contentHash.slice(0, 8)}`;
  const epochs = settings.TUNELOOP_FINETUNE_EPOCHS ?? DEFAULT_EPOCHS;
  const cost = estimateTrainingCost({ model: settings.TUNELOOP_BASE_MODEL, fileTokens: tokens.train, epochs });
  const manifest: DatasetManifest = {
    version,
    createdAt: now.toISOString(),
    baseModel: settings.TUNELOOP_BASE_MODEL,
    contentHash,
    counts: { train: lines.train.length, validation: lines.validation.length, holdout: lines.holdout.length },
    tokens,
    issueTypes: { before, after },
    feedbackJoined,
    downWeightedLowCsat,
    balanceDropped,
    shards,
    invalidLines,
    ...(forgottenExcluded ? { forgottenExcluded } : {}),
    cost,
    files: {
      train: `${version}/train.jsonl`,
      validation: `${version}/validation.jsonl`,
      holdout: `${version}/holdout.jsonl`,
      holdoutRecords: `${version}/holdout.records.jsonl`,
    },
  };

  if (lines.train.length < MIN_TRAINING_EXAMPLES) {
    return skipped(runtime, 'too-few-examples', `${lines.train.length} training examples; Azure OpenAI needs at least ${MIN_TRAINING_EXAMPLES}`, manifest);
  }
  const latest = await latestDataset(runtime);
  if (latest?.contentHash === contentHash) {
    // A run that stopped after recording the version but before queueing its job (storage down,
    // host killed) would otherwise leave that version untrained for ever.
    const resumed = options.submit !== false && !latest.submittedAt && (await queueIfNeverSubmitted(runtime, latest.version));
    return skipped(
      runtime,
      'unchanged',
      `the curated data is unchanged since dataset ${latest.version}${resumed ? `; its fine-tuning job had never been queued, so job-${latest.version} is queued now` : ''}`,
      manifest,
    );
  }
  const minNew = settings.TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES;
  if (latest && Math.abs(lines.train.length - latest.trainExamples) < minNew) {
    return skipped(runtime, 'too-little-new-data', `${Math.abs(lines.train.length - latest.trainExamples)} new training examples since ${latest.version}; TUNELOOP_RETRAIN_MIN_NEW_EXAMPLES is ${minNew}`, manifest);
  }
  if (cost.estimated_cost_usd !== null && cost.estimated_cost_usd > settings.TUNELOOP_MAX_TRAINING_COST_USD) {
    runtime.telemetry.trackMetric('tuneloop.budget.refused_cost_usd', cost.estimated_cost_usd, { dataset_version: version });
    await notify(runtime, {
      type: EVENT_TYPES.budgetRefused,
      subject: `datasets/${version}`,
      id: `budget-${version}`,
      data: { dataset_version: version, estimated_cost_usd: cost.estimated_cost_usd, budget_usd: settings.TUNELOOP_MAX_TRAINING_COST_USD },
    });
    return skipped(
      runtime,
      'over-budget',
      `estimated training cost $${cost.estimated_cost_usd} exceeds TUNELOOP_MAX_TRAINING_COST_USD $${settings.TUNELOOP_MAX_TRAINING_COST_USD}`,
      manifest,
    );
  }

  const container = runtime.storage.container(CONTAINERS.datasets);
  const put = (name: string, text: string, type: string) =>
    container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: type }, abortSignal: options.signal });
  await put(manifest.files.train, joinLines(lines.train), 'application/jsonl');
  await put(manifest.files.validation, joinLines(lines.validation), 'application/jsonl');
  await put(manifest.files.holdout, joinLines(lines.holdout), 'application/jsonl');
  await put(manifest.files.holdoutRecords, joinLines(bySplit.holdout.map((r) => JSON.stringify(r))), 'application/jsonl');
  if (balanced.dropped.length) {
    await put(`${version}/balance-dropped.jsonl`, joinLines(balanced.dropped.map((r) => JSON.stringify({ reason: balanced.dropReason, record: r }))), 'application/jsonl');
  }
  await put(`${version}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n', 'application/json');
  await runtime.storage.table(TABLES.datasets).upsertEntity(
    {
      partitionKey: 'dataset',
      rowKey: version,
      createdAt: manifest.createdAt,
      contentHash,
      trainExamples: manifest.counts.train,
      validationExamples: manifest.counts.validation,
      holdoutExamples: manifest.counts.holdout,
      trainTokens: tokens.train,
      estimatedCostUsd: cost.estimated_cost_usd ?? -1,
      baseModel: manifest.baseModel,
      trigger: options.trigger ?? 'manual',
    },
    'Replace',
  );
  const dims = { dataset_version: version, model: manifest.baseModel };
  runtime.telemetry.trackMetric('tuneloop.dataset.train_examples', manifest.counts.train, dims);
  runtime.telemetry.trackMetric('tuneloop.dataset.training_tokens', cost.training_tokens, dims);
  if (cost.estimated_cost_usd !== null) runtime.telemetry.trackMetric('tuneloop.dataset.estimated_cost_usd', cost.estimated_cost_usd, dims);
  await notify(runtime, {
    type: EVENT_TYPES.datasetAssembled,
    subject: `datasets/${version}`,
    id: `assembled-${version}`,
    data: { dataset_version: version, train: manifest.counts.train, validation: manifest.counts.validation, holdout: manifest.counts.holdout },
  });

  const jobKey = `job-${version}`;
  if (options.submit !== false) {
    await enqueueJobMessage(runtime, { kind: 'submit', jobKey, datasetVersion: version });
    // Marks the version as queued; a run that stopped before this line is finished by the next one.
    await runtime.storage.table(TABLES.datasets).updateEntity({ partitionKey: 'dataset', rowKey: version, submittedAt: new Date().toISOString() }, 'Merge');
  }
  await runtime.telemetry.flush();
  return { outcome: 'submitted', manifest, jobKey };
}

async function queueIfNeverSubmitted(runtime: Runtime, version: string): Promise<boolean> {
  const jobKey = `job-${version}`;
  if (await new JobStore(runtime.storage).get(jobKey)) return false;
  // Should the first message be in the queue after all, the job loop treats this one as a duplicate.
  await enqueueJobMessage(runtime, { kind: 'submit', jobKey, datasetVersion: version });
  await runtime.storage.table(TABLES.datasets).updateEntity({ partitionKey: 'dataset', rowKey: version, submittedAt: new Date().toISOString() }, 'Merge');
  return true;
}

async function skipped(runtime: Runtime, reason: string, detail: string, manifest: DatasetManifest): Promise<AssemblyOutcome> {
  runtime.telemetry.trackEvent('tuneloop.dataset.skipped', { reason, detail, train_examples: manifest.counts.train });
  await runtime.telemetry.flush();
  return { outcome: 'skipped', reason, detail, manifest };
}

/** Reads every curated shard; for a conversation found in several shards, the newest shard wins. */
export async function readCuratedRecords(
  runtime: Runtime,
  signal?: AbortSignal,
): Promise<{ records: CuratedRecord[]; shards: number; invalidLines: number }> {
  const container = runtime.storage.container(CONTAINERS.curated);
  const shardInfo: { name: string; modified: number }[] = [];
  for await (const blob of container.listBlobsFlat({ includeMetadata: true, abortSignal: signal })) {
    // A shard rewritten by an erasure keeps the time it was first written, so it does not become "newest".
    const writtenAt = Date.parse(blob.metadata?.[WRITTEN_AT_METADATA] ?? '');
    if (blob.name.endsWith('.jsonl')) shardInfo.push({ name: blob.name, modified: Number.isFinite(writtenAt) ? writtenAt : (blob.properties.lastModified?.getTime() ?? 0) });
  }
  // Oldest first, so a newer shard's records replace an older one's.
  shardInfo.sort((a, b) => a.modified - b.modified || a.name.localeCompare(b.name));
  const byConversation = new Map<string, { shard: string; records: CuratedRecord[] }>();
  let invalidLines = 0;
  for (const shard of shardInfo) {
    const seenHere = new Set<string>();
    for await (const line of readLines(container.getBlobClient(shard.name), signal)) {
      if (!line.trim()) continue;
      let parsed: CuratedRecord;
      try {
        parsed = curatedRecordSchema.parse(JSON.parse(line));
      } catch {
        invalidLines++;
        continue;
      }
      const key = parsed.conversation_id;
      if (!seenHere.has(key)) {
        seenHere.add(key);
        byConversation.set(key, { shard: shard.name, records: [] });
      }
      byConversation.get(key)!.records.push(parsed);
    }
  }
  const records = [...byConversation.values()].flatMap((v) => v.records);
  return { records, shards: shardInfo.length, invalidLines };
}

/** Latest rating per conversation from the feedback table (feedback may arrive after the conversation). */
async function readFeedbackRatings(runtime: Runtime): Promise<Map<string, number>> {
  const ratings = new Map<string, number>();
  const table = runtime.storage.table(TABLES.feedback);
  try {
    for await (const row of table.listEntities<Record<string, unknown>>()) {
      const id = typeof row.conversationId === 'string' ? row.conversationId : String(row.partitionKey);
      const rating = Number(row.rating);
      if (Number.isFinite(rating)) ratings.set(id, rating);
    }
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  return ratings;
}

async function latestDataset(runtime: Runtime): Promise<{ version: string; contentHash: string; trainExamples: number; submittedAt?: string } | undefined> {
  let latest: { version: string; contentHash: string; trainExamples: number; createdAt: string; submittedAt?: string } | undefined;
  for await (const row of runtime.storage.table(TABLES.datasets).listEntities<Record<string, unknown>>({ queryOptions: { filter: "PartitionKey eq 'dataset'" } })) {
    const createdAt = String(row.createdAt ?? '');
    if (!latest || createdAt > latest.createdAt) {
      latest = {
        version: String(row.rowKey),
        contentHash: String(row.contentHash ?? ''),
        trainExamples: Number(row.trainExamples ?? 0),
        createdAt,
        ...(typeof row.submittedAt === 'string' ? { submittedAt: row.submittedAt } : {}),
      };
    }
  }
  return latest;
}

function countIssueTypes(records: CuratedRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) {
    if (r.kind === 'intent') continue;
    const type = r.issue_type ?? 'unknown';
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function compareRecords(a: CuratedRecord, b: CuratedRecord): number {
  return a.conversation_id.localeCompare(b.conversation_id) || a.kind.localeCompare(b.kind) || a.source.line - b.source.line;
}

function joinLines(lines: string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}
