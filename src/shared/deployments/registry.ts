import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/clients';
import { TABLES } from '../storage/names';
import { isStatus, TuneloopError } from '../errors';

/**
 * Table `models` (owned by evaluation):
 * - `production` / `current`: the production pointer — which deployment answers customers. Switched
 *   only by an ETag-conditional replace of this one row, so two promotions cannot both win.
 * - `promotion` / `<seq, 10 digits>`: history of every promotion (for CSAT per model version and rollback).
 *   Written right after the pointer switch; a row lost to a crash in between is re-created from the
 *   pointer (it holds every field of the row) by the next promotion or the next lifecycle run.
 * - `deployment` / `<deploymentName>`: lifecycle of each fine-tuned deployment tuneloop created
 *   (candidate → production → superseded → retired, rejected → retired, or abandoned → retired when
 *   the candidate's job failed, was cancelled or got stuck before a verdict), last use, keep-alives.
 * - `hostingcost` / `<YYYY-MM-DD>|<deploymentName>`: hosting hours and cost per UTC day.
 */

export const PRODUCTION_PARTITION = 'production';
export const PRODUCTION_ROW = 'current';
export const PROMOTION_PARTITION = 'promotion';
export const DEPLOYMENT_PARTITION = 'deployment';
export const HOSTING_COST_PARTITION = 'hostingcost';

export interface ModelVersion {
  jobKey: string;
  fineTunedModel: string;
  deploymentName: string;
  datasetVersion: string;
}

export interface ProductionPointer extends ModelVersion {
  /** Increments with every promotion (1 = first production model). */
  sequence: number;
  promotedAt: string;
  reportBlob?: string;
  /** The production model this promotion replaced, if any. */
  previousJobKey?: string;
  /** The pointer row's ETag, for the next conditional switch. */
  etag: string;
}

export interface PromotionRecord extends ModelVersion {
  sequence: number;
  promotedAt: string;
  /** The model this promotion replaced, if any. */
  previousJobKey?: string;
}

/** Another promotion switched the pointer first; re-evaluate against the new production model. */
export class ProductionPointerConflictError extends TuneloopError {
  constructor(message: string) {
    super(message, { retryable: true });
  }
}

function modelsTable(storage: StorageClients): TableClient {
  return storage.table(TABLES.models);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** One row of the models table; undefined when it does not exist. */
async function getModelsRow(table: TableClient, partitionKey: string, rowKey: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await table.getEntity(partitionKey, rowKey);
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
}

function listModelsPartition(storage: StorageClients, partitionKey: string): AsyncIterable<Record<string, unknown>> {
  return modelsTable(storage).listEntities({ queryOptions: { filter: `PartitionKey eq '${partitionKey}'` } });
}

/** What the production pointer row and a promotion history row both say about the promoted model. */
function promotedModel(e: Record<string, unknown>): ModelVersion & { sequence: number; promotedAt: string } {
  return {
    jobKey: String(e.jobKey),
    fineTunedModel: String(e.fineTunedModel),
    deploymentName: String(e.deploymentName),
    datasetVersion: String(e.datasetVersion),
    sequence: Number(e.sequence),
    promotedAt: String(e.promotedAt),
  };
}

export async function getProductionPointer(storage: StorageClients): Promise<ProductionPointer | undefined> {
  const e = await getModelsRow(modelsTable(storage), PRODUCTION_PARTITION, PRODUCTION_ROW);
  return e && { ...promotedModel(e), reportBlob: str(e.reportBlob), previousJobKey: str(e.previousJobKey), etag: String(e.etag) };
}

export interface SwitchProductionOptions {
  /** The pointer the decision was made against (undefined = there was no production model). */
  expected: ProductionPointer | undefined;
  reportBlob?: string;
  now?: Date;
}

/**
 * Points production at `candidate`, atomically: only if the pointer is still the one the gate
 * compared against (ETag match, or still absent). Records the promotion in the history, and first
 * makes sure the promotion it replaces is in the history too (its row is lost if a crash hit
 * between that switch and its history write).
 * @throws ProductionPointerConflictError when another promotion switched it in between.
 */
export async function switchProduction(
  storage: StorageClients,
  candidate: ModelVersion,
  options: SwitchProductionOptions,
): Promise<ProductionPointer> {
  const table = modelsTable(storage);
  if (options.expected) await ensurePromotionRecorded(storage, options.expected);
  const promotedAt = (options.now ?? new Date()).toISOString();
  const sequence = (options.expected?.sequence ?? 0) + 1;
  const entity = {
    partitionKey: PRODUCTION_PARTITION,
    rowKey: PRODUCTION_ROW,
    jobKey: candidate.jobKey,
    fineTunedModel: candidate.fineTunedModel,
    deploymentName: candidate.deploymentName,
    datasetVersion: candidate.datasetVersion,
    sequence,
    promotedAt,
    reportBlob: options.reportBlob ?? '',
    previousJobKey: options.expected?.jobKey ?? '',
  };
  let etag: string | undefined;
  try {
    if (options.expected) {
      etag = (await table.updateEntity(entity, 'Replace', { etag: options.expected.etag })).etag;
    } else {
      etag = (await table.createEntity(entity)).etag;
    }
  } catch (err) {
    if (isStatus(err, 412) || isStatus(err, 409)) {
      throw new ProductionPointerConflictError(
        `production pointer changed while ${candidate.jobKey} was being evaluated (HTTP ${isStatus(err, 412) ? 412 : 409}); evaluate it again against the new production model`,
      );
    }
    throw err;
  }
  // History after the switch: the pointer is the source of truth, the history may be re-derived.
  await table.upsertEntity(
    {
      partitionKey: PROMOTION_PARTITION,
      rowKey: promotionRowKey(sequence),
      ...candidate,
      sequence,
      promotedAt,
      previousJobKey: options.expected?.jobKey ?? '',
    },
    'Replace',
  );
  return { ...candidate, sequence, promotedAt, reportBlob: options.reportBlob, previousJobKey: options.expected?.jobKey, etag: etag ?? '' };
}

function promotionRowKey(sequence: number): string {
  return String(sequence).padStart(10, '0');
}

/**
 * Writes the history row of the promotion that made `pointer` production, unless it is there
 * already (an existing row is never overwritten). The pointer holds every field of the row, so the
 * re-created row equals the one the crashed promotion would have written.
 * @returns true when the row was missing and has been written now.
 */
export async function ensurePromotionRecorded(storage: StorageClients, pointer: ProductionPointer): Promise<boolean> {
  if (!Number.isInteger(pointer.sequence) || pointer.sequence < 1) {
    throw new Error(
      `production pointer (table ${TABLES.models}, ${PRODUCTION_PARTITION}/${PRODUCTION_ROW}) has sequence ${String(pointer.sequence)}; ` +
        'expected a whole number from 1 — fix the row by hand before the next promotion',
    );
  }
  try {
    await modelsTable(storage).createEntity({
      partitionKey: PROMOTION_PARTITION,
      rowKey: promotionRowKey(pointer.sequence),
      jobKey: pointer.jobKey,
      fineTunedModel: pointer.fineTunedModel,
      deploymentName: pointer.deploymentName,
      datasetVersion: pointer.datasetVersion,
      sequence: pointer.sequence,
      promotedAt: pointer.promotedAt,
      previousJobKey: pointer.previousJobKey ?? '',
    });
    return true;
  } catch (err) {
    if (isStatus(err, 409)) return false;
    throw err;
  }
}

/** Every promotion, oldest first. */
export async function listPromotions(storage: StorageClients): Promise<PromotionRecord[]> {
  const out: PromotionRecord[] = [];
  for await (const e of listModelsPartition(storage, PROMOTION_PARTITION))
    out.push({ ...promotedModel(e), previousJobKey: str(e.previousJobKey) });
  return out.sort((a, b) => a.sequence - b.sequence);
}

/** `abandoned`: a candidate whose job failed, was cancelled or got stuck before a verdict (retired like `rejected`). */
export type DeploymentRole = 'candidate' | 'production' | 'superseded' | 'rejected' | 'abandoned' | 'retired' | 'gone';

export interface DeploymentRecord {
  deploymentName: string;
  fineTunedModel: string;
  jobKey: string;
  role: DeploymentRole;
  /** When tuneloop first saw it deployed (start of hosting charges). */
  deployedAt: string;
  /** When it stopped being needed (superseded, rejected or abandoned): the grace period starts here. */
  releasedAt?: string;
  retiredAt?: string;
  /** Last request tuneloop sent it (evaluation or keep-alive). */
  lastUsedAt?: string;
  /** Up to when hosting cost has been recorded. */
  costRecordedUntil?: string;
  etag?: string;
}

function toDeploymentRecord(e: Record<string, unknown>): DeploymentRecord {
  return {
    deploymentName: String(e.rowKey),
    fineTunedModel: str(e.fineTunedModel) ?? '',
    jobKey: str(e.jobKey) ?? '',
    role: String(e.role) as DeploymentRole,
    deployedAt: String(e.deployedAt),
    releasedAt: str(e.releasedAt),
    retiredAt: str(e.retiredAt),
    lastUsedAt: str(e.lastUsedAt),
    costRecordedUntil: str(e.costRecordedUntil),
    etag: str(e.etag),
  };
}

export async function getDeploymentRecord(storage: StorageClients, deploymentName: string): Promise<DeploymentRecord | undefined> {
  const e = await getModelsRow(modelsTable(storage), DEPLOYMENT_PARTITION, deploymentName);
  return e && toDeploymentRecord(e);
}

export async function listDeploymentRecords(storage: StorageClients): Promise<DeploymentRecord[]> {
  const out: DeploymentRecord[] = [];
  for await (const e of listModelsPartition(storage, DEPLOYMENT_PARTITION)) out.push(toDeploymentRecord(e));
  return out;
}

/** Merges fields into a deployment's record (creating it if needed). Undefined fields are left as they are. */
export async function saveDeploymentRecord(
  storage: StorageClients,
  record: Partial<DeploymentRecord> & { deploymentName: string },
): Promise<void> {
  const { deploymentName, etag: _etag, ...fields } = record;
  const entity: Record<string, unknown> = { partitionKey: DEPLOYMENT_PARTITION, rowKey: deploymentName };
  // Optional fields arrive as explicit `undefined` too (`{ releasedAt: undefined }`), which the entity must not carry.
  for (const [k, v] of Object.entries(fields) as [string, unknown][]) if (v !== undefined) entity[k] = v;
  await modelsTable(storage).upsertEntity(entity as { partitionKey: string; rowKey: string }, 'Merge');
}

export interface HostingCostRow {
  day: string;
  deploymentName: string;
  hours: number;
  costUsd: number;
}

export async function addHostingCost(storage: StorageClients, row: HostingCostRow): Promise<void> {
  const table = modelsTable(storage);
  const rowKey = `${row.day}|${row.deploymentName}`;
  // Read-modify-write with ETag so two lifecycle runs cannot double-count an hour.
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await getModelsRow(table, HOSTING_COST_PARTITION, rowKey);
    const entity = {
      partitionKey: HOSTING_COST_PARTITION,
      rowKey,
      day: row.day,
      deploymentName: row.deploymentName,
      hours: Number(existing?.hours ?? 0) + row.hours,
      costUsd: Number(existing?.costUsd ?? 0) + row.costUsd,
    };
    try {
      if (existing) await table.updateEntity(entity, 'Replace', { etag: String(existing.etag) });
      else await table.createEntity(entity);
      return;
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409)) continue;
      throw err;
    }
  }
  throw new Error(`hosting cost row ${rowKey} kept changing under concurrent updates; the next lifecycle run will record it`);
}

export async function listHostingCosts(storage: StorageClients): Promise<HostingCostRow[]> {
  const out: HostingCostRow[] = [];
  for await (const e of listModelsPartition(storage, HOSTING_COST_PARTITION)) {
    out.push({ day: String(e.day), deploymentName: String(e.deploymentName), hours: Number(e.hours), costUsd: Number(e.costUsd) });
  }
  return out.sort((a, b) => (a.day + a.deploymentName).localeCompare(b.day + b.deploymentName));
}

/** Makes sure the production deployment has a lifecycle record (a pointer set before tuneloop tracked deployments has none). */
export async function ensureProductionRecord(storage: StorageClients, pointer: ProductionPointer): Promise<DeploymentRecord> {
  const existing = await getDeploymentRecord(storage, pointer.deploymentName);
  if (existing) return existing;
  const record: DeploymentRecord = {
    deploymentName: pointer.deploymentName,
    fineTunedModel: pointer.fineTunedModel,
    jobKey: pointer.jobKey,
    role: 'production',
    deployedAt: pointer.promotedAt,
  };
  await saveDeploymentRecord(storage, record);
  return record;
}

/**
 * Moves `costRecordedUntil` of a deployment forward only if nobody else did (ETag), so two
 * lifecycle runs cannot both charge the same hours. False when another run got there first.
 */
export async function claimCostInterval(storage: StorageClients, record: DeploymentRecord, until: string): Promise<boolean> {
  if (!record.etag) throw new Error(`deployment record ${record.deploymentName} was read without its ETag`);
  try {
    await modelsTable(storage).updateEntity(
      { partitionKey: DEPLOYMENT_PARTITION, rowKey: record.deploymentName, costRecordedUntil: until },
      'Merge',
      { etag: record.etag },
    );
    return true;
  } catch (err) {
    if (isStatus(err, 412)) return false;
    throw err;
  }
}
