import type { Runtime } from '../composition/runtime';
import { CONTAINERS } from '../storage/names';
import { getProductionPointer, type ProductionPointer } from '../deployments/registry';
import type { ChatModel } from '../evaluation/chat';
import { assembleDataset, type AssemblyOutcome, type AssembleOptions } from '../dataset/assembly';
import { notify } from '../telemetry/notify';
import { EVENT_TYPES } from '../telemetry/events';
import type { Dimensions } from '../telemetry/telemetry';
import { analyzeDrift, type DriftMetric, type SkippedDriftMetric } from './analyze';
import { oldestCuratedShardTime, readDriftSample, type DriftSample } from './samples';
import { productionModelQuality } from './quality';
import {
  invertedTimeKey,
  latestRetrainDecision,
  saveDriftRun,
  type AssemblySummary,
  type DriftReference,
  type DriftRun,
  type RetrainDecision,
} from './decisionStore';
import { isStatus, TuneloopError } from '../errors';

/** How drift is measured and acted on (built from settings by src/shared/composition/config.ts). */
export interface DriftWatchConfig {
  /** Length of the recent window (TUNELOOP_DRIFT_WINDOW_HOURS). */
  readonly windowHours: number;
  /** Fewer samples than this on either side and a metric is skipped (TUNELOOP_DRIFT_MIN_SAMPLES). */
  readonly minSamples: number;
  /** Combined score at which a retrain is decided (TUNELOOP_DRIFT_THRESHOLD). */
  readonly threshold: number;
  /** Recent conversations asked of the production model; 0 skips the quality check (TUNELOOP_DRIFT_QUALITY_MAX_CONVERSATIONS). */
  readonly qualityMaxConversations: number;
  /** No second drift retrain within this many hours (TUNELOOP_DRIFT_RETRAIN_COOLDOWN_HOURS). */
  readonly retrainCooldownHours: number;
  /** From this score on, retrain from the base model instead of continuing (TUNELOOP_FULL_RETRAIN_DRIFT_SCORE). */
  readonly fullRetrainScore: number;
}

export interface DriftWatchOptions {
  /** End of the recent window (default now). */
  now?: Date;
  /** Start of the recent window (default now − TUNELOOP_DRIFT_WINDOW_HOURS). */
  windowStart?: Date;
  signal?: AbortSignal;
  /** How to reach the production deployment for the quality check (default: Azure OpenAI / emulator from settings). */
  chatModel?: (deploymentName: string) => ChatModel;
  /** What a retrain decision runs (default: the nightly dataset assembly, trigger "drift"). */
  assemble?: (runtime: Runtime, options: AssembleOptions) => Promise<AssemblyOutcome>;
}

/** Thrown when the production model's dataset manifest cannot be read; says what to check. */
export class DriftReferenceError extends TuneloopError {}

async function readManifestCreatedAt(runtime: Runtime, datasetVersion: string, signal?: AbortSignal): Promise<Date | undefined> {
  const blob = runtime.storage.container(CONTAINERS.datasets).getBlobClient(`${datasetVersion}/manifest.json`);
  let text: string;
  try {
    text = (await blob.downloadToBuffer(undefined, undefined, { abortSignal: signal })).toString('utf8');
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
  let createdAt: unknown;
  try {
    createdAt = (JSON.parse(text) as { createdAt?: unknown }).createdAt;
  } catch (err) {
    throw new DriftReferenceError(
      `${CONTAINERS.datasets}/${datasetVersion}/manifest.json is not valid JSON (${(err as Error).message}); the production model's reference data cannot be found`,
    );
  }
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw new DriftReferenceError(
      `${CONTAINERS.datasets}/${datasetVersion}/manifest.json has no valid "createdAt"; the production model's reference data cannot be found`,
    );
  }
  return new Date(createdAt);
}

/**
 * The reference: the production model's training data — the train split of the curated shards its
 * dataset version was assembled from (shards written up to the manifest's createdAt) — or, before
 * any model, the oldest curated data: the train split of the shards written in the first window
 * (TUNELOOP_DRIFT_WINDOW_HOURS after the oldest shard, and before the recent window starts), so the
 * reference stays put while data accumulates.
 */
async function loadReference(
  runtime: Runtime,
  production: ProductionPointer | undefined,
  windowStart: Date,
  signal?: AbortSignal,
): Promise<{ sample?: DriftSample; reference: DriftReference }> {
  let cutoff = windowStart;
  let kind: DriftReference['kind'] = 'oldest-curated';
  let note: string | undefined;
  const firstWindow = async () => {
    cutoff = firstWindowCutoff(await oldestCuratedShardTime(runtime.storage, signal), windowStart, runtime.config.drift.windowHours);
  };
  if (production) {
    const createdAt = await readManifestCreatedAt(runtime, production.datasetVersion, signal);
    if (createdAt) {
      cutoff = createdAt;
      kind = 'production';
    } else {
      note = `${CONTAINERS.datasets}/${production.datasetVersion}/manifest.json not found; using the oldest curated data`;
      await firstWindow();
    }
  } else {
    await firstWindow();
  }
  // Blob times have one-second resolution: the production dataset includes shards of its own second
  // (written before it was assembled); the first-window reference ends strictly before the recent window.
  const sample = await readDriftSample(runtime.storage, {
    ...(kind === 'production' ? { notAfter: cutoff } : { before: cutoff }),
    splits: ['train'],
    signal,
  });
  const reference: DriftReference = {
    kind: sample.shards.length ? kind : 'none',
    ...(production
      ? { datasetVersion: production.datasetVersion, fineTunedModel: production.fineTunedModel, deploymentName: production.deploymentName }
      : {}),
    cutoff: cutoff.toISOString(),
    conversations: sample.conversations.length,
    shards: sample.shards.length,
    ...(note ? { note } : {}),
  };
  return { sample: sample.shards.length ? sample : undefined, reference };
}

/** End of the first window of curated data (oldest shard + window), never after the recent window's start. */
export function firstWindowCutoff(oldest: Date | undefined, windowStart: Date, windowHours: number): Date {
  if (!oldest) return windowStart;
  const end = new Date(oldest.getTime() + windowHours * 3600_000);
  return end < windowStart ? end : windowStart;
}

function defaultChatModel(runtime: Runtime): (deploymentName: string) => ChatModel {
  return (deploymentName) => {
    // Loaded on use: most runs without a production model never need the OpenAI client.
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose (cold start); the factory is
       synchronous (its caller builds the model in one step), so `await import()` does not fit. Typed by its module. */
    const { createOpenAIClient } = require('../finetune/client') as typeof import('../finetune/client');
    const { deploymentChatModel } = require('../evaluation/chat') as typeof import('../evaluation/chat');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return deploymentChatModel(createOpenAIClient(runtime.config.fineTune.openai), deploymentName);
  };
}

function summariseAssembly(outcome: AssemblyOutcome): AssemblySummary {
  switch (outcome.outcome) {
    case 'submitted':
      return { outcome: 'submitted', datasetVersion: outcome.manifest.version, jobKey: outcome.jobKey };
    case 'resubmitted':
      return { outcome: 'resubmitted', datasetVersion: outcome.datasetVersion, jobKey: outcome.jobKey, detail: outcome.detail };
    case 'skipped':
      return { outcome: 'skipped', reason: outcome.reason, detail: outcome.detail };
  }
}

/**
 * One driftWatch run: reads the recent window and the reference, computes every drift metric
 * it has enough data for (the rest are recorded as skipped, with the reason), asks the production
 * model about recent labelled conversations, emits `tuneloop.drift.*`, and when the combined
 * score reaches TUNELOOP_DRIFT_THRESHOLD decides to retrain: it runs the dataset assembly
 * (trigger "drift"), publishes a drift alert and records the decision in table `driftruns`.
 */
export async function runDriftWatch(runtime: Runtime, options: DriftWatchOptions = {}): Promise<DriftRun> {
  const { storage, telemetry } = runtime;
  const config = runtime.config.drift;
  const signal = options.signal;
  const windowEnd = options.now ?? new Date();
  const windowStart = options.windowStart ?? new Date(windowEnd.getTime() - config.windowHours * 3600_000);
  if (windowStart >= windowEnd)
    throw new RangeError(`drift window start ${windowStart.toISOString()} is not before its end ${windowEnd.toISOString()}`);
  const minSamples = config.minSamples;
  const threshold = config.threshold;

  const production = await getProductionPointer(storage);
  const { sample: referenceSample, reference } = await loadReference(runtime, production, windowStart, signal);
  const recent = await readDriftSample(storage, { from: windowStart, notAfter: windowEnd, signal });
  const analysis = analyzeDrift(referenceSample, recent, { minSamples });
  const metrics: DriftMetric[] = [...analysis.metrics];
  const skipped: SkippedDriftMetric[] = [...analysis.skipped];

  if (!production) {
    skipped.push({ name: 'model_intent_f1', reason: 'no production model yet' }, { name: 'model_bleu', reason: 'no production model yet' });
  } else if (config.qualityMaxConversations === 0) {
    const reason = 'TUNELOOP_DRIFT_QUALITY_MAX_CONVERSATIONS is 0';
    skipped.push({ name: 'model_intent_f1', reason }, { name: 'model_bleu', reason });
  } else {
    const model = (options.chatModel ?? defaultChatModel(runtime))(production.deploymentName);
    const quality = await productionModelQuality(model, recent.conversations, {
      maxConversations: config.qualityMaxConversations,
      minSamples,
      signal,
    });
    metrics.push(...quality.metrics);
    skipped.push(...quality.skipped);
  }

  const dims: Dimensions = {
    model: production?.fineTunedModel ?? 'none',
    dataset_version: production?.datasetVersion ?? 'none',
    reference: reference.kind,
    window_hours: Math.round((windowEnd.getTime() - windowStart.getTime()) / 3600_000),
  };
  for (const m of metrics) telemetry.trackMetric(`tuneloop.drift.${m.name}`, m.value, dims);
  telemetry.trackMetric('tuneloop.drift.recent_conversations', recent.conversations.length, dims);
  telemetry.trackMetric('tuneloop.drift.reference_conversations', reference.conversations, dims);
  if (analysis.score !== undefined)
    telemetry.trackMetric('tuneloop.drift.score', analysis.score, { ...dims, driven_by: analysis.scoreDrivenBy });
  for (const s of skipped) telemetry.trackEvent('tuneloop.drift.metric_skipped', { ...dims, metric: s.name, reason: s.reason });

  const id = invertedTimeKey(windowEnd);
  let decision: RetrainDecision;
  if (analysis.score === undefined) {
    decision = {
      kind: 'insufficient-data',
      reason: skipped.find((s) => s.name === 'issue_type_psi' || s.name === 'length_psi')?.reason ?? 'no score component could be computed',
    };
  } else if (analysis.score < threshold) {
    decision = { kind: 'below-threshold' };
  } else {
    const last = await latestRetrainDecision(storage);
    const cooldownMs = config.retrainCooldownHours * 3600_000;
    const lastAt = last ? new Date(last.windowEnd) : undefined;
    if (last && lastAt && cooldownMs > 0 && windowEnd.getTime() - lastAt.getTime() < cooldownMs && last.id !== id) {
      decision = { kind: 'cooldown', lastRetrainAt: lastAt.toISOString(), until: new Date(lastAt.getTime() + cooldownMs).toISOString() };
    } else {
      decision = { kind: 'retrain' };
      // Recorded before the assembly runs, so a crash in between still shows the decision (and holds the cooldown).
      await saveDriftRun(storage, buildRun());
      try {
        const assemble = options.assemble ?? ((r: Runtime, o: AssembleOptions) => assembleDataset(r, o));
        // Large drift: a continuation would not be enough, retrain from the base model (continue mode only).
        const forceFull = analysis.score >= config.fullRetrainScore;
        decision = { kind: 'retrain', assembly: summariseAssembly(await assemble(runtime, { trigger: 'drift', signal, forceFull })) };
      } catch (err) {
        if (signal?.aborted) throw err;
        decision = { kind: 'retrain', error: (err as Error).message.slice(0, 1000) };
      }
    }
  }

  function buildRun(): DriftRun {
    return {
      id,
      windowStart: windowStart.toISOString(),
      windowEnd: windowEnd.toISOString(),
      reference,
      recent: {
        conversations: recent.conversations.length,
        shards: recent.shards.length,
        recordsUsed: recent.recordsUsed,
        recordsQuarantined: recent.recordsQuarantined,
      },
      metrics,
      skipped,
      score: analysis.score,
      scoreDrivenBy: analysis.scoreDrivenBy,
      threshold,
      decision,
      problems: [...(referenceSample?.problems ?? []), ...recent.problems].slice(0, 20),
    };
  }
  const run = buildRun();
  await saveDriftRun(storage, run);

  telemetry.trackEvent('tuneloop.drift.run', {
    ...dims,
    decision: decision.kind,
    score: analysis.score,
    threshold,
    skipped: skipped.length,
  });
  if (decision.kind === 'retrain') {
    const data = {
      score: analysis.score,
      threshold,
      driven_by: analysis.scoreDrivenBy,
      window_start: run.windowStart,
      window_end: run.windowEnd,
      model: production?.fineTunedModel ?? null,
      dataset_version: production?.datasetVersion ?? null,
      metrics: Object.fromEntries(metrics.map((m) => [m.name, m.value])),
    };
    await notify(runtime, { type: EVENT_TYPES.driftAlert, subject: `drift/${run.windowEnd}`, id: `drift-alert-${id}`, data }, { signal });
    await notify(
      runtime,
      {
        type: EVENT_TYPES.retrainDecided,
        subject: `drift/${run.windowEnd}`,
        id: `retrain-${id}`,
        data: {
          ...data,
          outcome: decision.assembly?.outcome ?? 'error',
          ...(decision.assembly?.outcome === 'submitted'
            ? { new_dataset_version: decision.assembly.datasetVersion, job_key: decision.assembly.jobKey }
            : {}),
          ...(decision.assembly?.outcome === 'resubmitted'
            ? {
                // dataset_version above is production's; this is the version trained again.
                resubmitted_dataset_version: decision.assembly.datasetVersion,
                job_key: decision.assembly.jobKey,
                resubmitted_detail: decision.assembly.detail,
              }
            : {}),
          ...(decision.assembly?.outcome === 'skipped'
            ? { skipped_reason: decision.assembly.reason, skipped_detail: decision.assembly.detail }
            : {}),
          ...(decision.error ? { error: decision.error } : {}),
        },
      },
      { signal },
    );
  }
  await telemetry.flush();
  return run;
}
