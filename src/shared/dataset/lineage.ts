import type { StorageClients } from '../storage/clients';
import { CONTAINERS } from '../storage/names';
import { JobStore } from '../finetune/jobStore';
import { getProductionPointer } from '../deployments/registry';
import type { DatasetManifest } from './assembly';
import { TuneloopError } from '../errors';

/** A manifest as read back from storage: versions written before these sections existed lack them. */
export type StoredDatasetManifest = Omit<DatasetManifest, 'training' | 'accounting' | 'change' | 'feedback' | 'files'> &
  Partial<Pick<DatasetManifest, 'training' | 'accounting' | 'change' | 'feedback' | 'files'>>;

/** Everything known about where a dataset version came from and what was trained on it. */
export interface DatasetLineage {
  version: string;
  manifest: StoredDatasetManifest;
  jobs: { jobKey: string; state: string; baseModel: string; fineTunedModel?: string; decision?: string }[];
  /** The production model, when it was trained on this version. */
  production?: { jobKey: string; fineTunedModel: string; deploymentName: string };
  /** Continue mode: the dataset versions of the models this one continued from, newest first. */
  ancestors: { version: string; mode: string; baseModel: string }[];
}

export class DatasetNotFoundError extends TuneloopError {
  constructor(readonly version: string) {
    super(`dataset version ${version} has no ${CONTAINERS.datasets}/${version}/manifest.json; \`tuneloop status\` lists the versions`);
  }
}

export async function readManifest(storage: StorageClients, version: string): Promise<StoredDatasetManifest | undefined> {
  try {
    const buffer = await storage.container(CONTAINERS.datasets).getBlobClient(`${version}/manifest.json`).downloadToBuffer();
    return JSON.parse(buffer.toString('utf8')) as StoredDatasetManifest;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

export async function datasetLineage(storage: StorageClients, version: string): Promise<DatasetLineage> {
  const manifest = await readManifest(storage, version);
  if (!manifest) throw new DatasetNotFoundError(version);
  let jobs: DatasetLineage['jobs'] = [];
  try {
    jobs = (await new JobStore(storage).list())
      .filter((j) => j.datasetVersion === version)
      .map((j) => ({ jobKey: j.jobKey, state: j.state, baseModel: j.baseModel, fineTunedModel: j.fineTunedModel, decision: j.decision }));
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const pointer = await getProductionPointer(storage).catch((err: unknown) => {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  });
  const ancestors: DatasetLineage['ancestors'] = [];
  let parent = manifest.training?.parent?.datasetVersion;
  const seen = new Set([version]);
  while (parent && !seen.has(parent) && ancestors.length < 50) {
    seen.add(parent);
    const m = await readManifest(storage, parent);
    ancestors.push({ version: parent, mode: m?.training?.mode ?? 'full', baseModel: m?.training?.baseModel ?? m?.baseModel ?? '?' });
    parent = m?.training?.parent?.datasetVersion;
  }
  return {
    version,
    manifest,
    jobs,
    ...(pointer && pointer.datasetVersion === version
      ? { production: { jobKey: pointer.jobKey, fineTunedModel: pointer.fineTunedModel, deploymentName: pointer.deploymentName } }
      : {}),
    ancestors,
  };
}

export function formatLineage(l: DatasetLineage): string {
  const m = l.manifest;
  const out: string[] = [];
  out.push(`Dataset ${m.version} (created ${m.createdAt}, content ${m.contentHash.slice(0, 16)})`);
  out.push(`  files: ${Object.values(m.files ?? {}).join(', ')}`);
  out.push(
    `  examples: ${m.counts.train} train / ${m.counts.validation} validation / ${m.counts.holdout} holdout; ${m.tokens.train} training tokens`,
  );
  if (m.training) {
    const t = m.training;
    out.push(`  training: ${t.mode} from ${t.baseModel} (${t.reason})`);
    if (t.mode === 'continue' && t.replay) {
      out.push(
        `    ${t.newExamples ?? '?'} new/changed examples + ${t.replay.examples} replayed (share ${t.replay.share}): ${
          Object.entries(t.replay.byIssueType)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }`,
      );
    }
  }
  for (const a of l.ancestors) out.push(`    continues ${a.version} (${a.mode} from ${a.baseModel})`);
  if (m.accounting) {
    const r = m.accounting.records;
    const c = m.accounting.conversations;
    out.push(
      // Versions assembled before conversations were joined have no joined counts.
      r.joined
        ? `  records: ${r.in} in + ${r.madeByJoining} made by joining = ${r.used} used + ${r.superseded} superseded + ${r.joined} joined + ${r.balanceDropped} balance-capped + ${r.dropped} dropped + ${r.invalid} invalid (${r.upsampled} up-sampled copies)`
        : `  records: ${r.in} in = ${r.used} used + ${r.superseded} superseded + ${r.balanceDropped} balance-capped + ${r.dropped} dropped + ${r.invalid} invalid (${r.upsampled} up-sampled copies)`,
    );
    out.push(
      `  input records: ${c.in} in = ${c.used} used + ${c.superseded} superseded + ${c.balanceDropped} balance-capped + ${c.dropped} dropped`,
    );
  }
  if (m.change) {
    const ch = m.change;
    out.push(
      `  change since ${ch.comparedWith ?? '(first version)'} (${ch.method}): ${ch.changedExamples} examples / ${ch.changedTokens} tokens — ` +
        `${ch.added.conversations} added, ${ch.changed.conversations} changed, ${ch.removed.conversations} removed, ${ch.unchanged.conversations} unchanged conversations`,
    );
  }
  if (m.feedback) {
    const f = m.feedback;
    out.push(
      `  feedback snapshot: ${f.blob} — ${f.rows} rows, ${f.conversations} rated conversations, ${f.ratingsJoined} joined, sha256 ${f.sha256.slice(0, 16)}${f.newestReceivedAt ? `, newest ${f.newestReceivedAt}` : ''}`,
    );
  }
  const shards = Array.isArray(m.shards) ? m.shards : [];
  out.push(`  shards (${shards.length}):`);
  for (const s of shards)
    out.push(
      `    curated/${s.name}  etag ${s.etag}  sha256 ${s.sha256.slice(0, 16)}  ${s.records} records${s.invalidLines ? `, ${s.invalidLines} invalid` : ''}`,
    );
  out.push(`  jobs (${l.jobs.length}):`);
  for (const j of l.jobs)
    out.push(
      `    ${j.jobKey}  ${j.state}  from ${j.baseModel}${j.fineTunedModel ? ` → ${j.fineTunedModel}` : ''}${j.decision ? ` (${j.decision})` : ''}`,
    );
  out.push(
    l.production
      ? `  in production: ${l.production.fineTunedModel} (deployment ${l.production.deploymentName}, job ${l.production.jobKey})`
      : "  not the production model's dataset",
  );
  return out.join('\n');
}
