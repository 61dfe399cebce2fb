import type { TableClient } from '@azure/data-tables';
import type { Runtime } from '../composition/runtime';
import { CONTAINERS, TABLES } from '../storage/names';
import { SIGNATURE_BANDING } from '../quality/dedup';
import { bucketAddress, decodeBucketHashes, encodeBucketHashes } from './legacySignatures';
import { storedSignatureBandKeys } from '../quality/minhash';
import { renderReportHtml, type EvaluationReport } from '../evaluation/evaluationReport';
import { isStatus } from '../errors';

/**
 * Erasure in the stores derived from conversations: duplicate signatures (rows earlier versions
 * wrote, `legacySignatures.ts`), evaluation reports
 * (their side-by-side reply sample quotes customer turns) and drift runs. Each returns where it
 * found the erased conversations; none of them holds personal data of its own afterwards.
 */

export interface DerivedFinding {
  location: 'dedup-signatures' | 'eval-reports' | 'drift-runs';
  name: string;
  records: number;
  action: 'removed' | 'deleted';
}

/** True for a conversation (by id, file when known, and text when the store keeps some) that is being erased. */
export type ErasedConversation = (conversationId: string, file: string | undefined, text: string) => boolean;

/**
 * Table `dedupsignatures`: the exact row of each erased conversation (conversation id, file, line,
 * text hash, MinHash signature) is deleted, and its hash taken out of the band buckets its
 * signature names, so the conversation is neither found as a duplicate nor listed as a candidate.
 */
export async function eraseSignatures(runtime: Runtime, isErased: ErasedConversation, signal?: AbortSignal): Promise<DerivedFinding[]> {
  const table = runtime.storage.table(TABLES.dedupSignatures);
  const doomed: { partitionKey: string; rowKey: string; exactHash: string; signature: string }[] = [];
  try {
    // Exact rows (partition `x-<hash>`, also those of the earlier row key `-`) are the only ones
    // with a conversation id; bucket rows hold binary hashes only.
    for await (const row of table.listEntities<{ conversationId?: string; file?: string; exactHash?: string; signature?: string }>({
      queryOptions: { filter: `PartitionKey ge 'x-' and PartitionKey lt 'x.'` },
      abortSignal: signal,
    })) {
      if (typeof row.conversationId !== 'string' || !isErased(row.conversationId, row.file, '')) continue;
      doomed.push({
        partitionKey: String(row.partitionKey),
        rowKey: String(row.rowKey),
        exactHash: row.exactHash ?? '',
        signature: row.signature ?? '',
      });
    }
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
  let bucketsChanged = 0;
  for (const row of doomed) {
    if (row.signature && row.exactHash) {
      for (const key of storedSignatureBandKeys(row.signature, SIGNATURE_BANDING)) {
        if (await removeFromBucket(table, key, row.exactHash, signal)) bucketsChanged++;
      }
    }
    await table.deleteEntity(row.partitionKey, row.rowKey, { abortSignal: signal }).catch((err: unknown) => {
      if (!isStatus(err, 404)) throw err;
    });
  }
  return doomed.length
    ? [
        {
          location: 'dedup-signatures',
          name: `table ${TABLES.dedupSignatures} (${bucketsChanged} band bucket(s) updated)`,
          records: doomed.length,
          action: 'deleted',
        },
      ]
    : [];
}

/** Takes one hash out of a band bucket, conditional on its ETag (concurrent preprocessing adds hashes). */
async function removeFromBucket(table: TableClient, key: string, exactHash: string, signal?: AbortSignal): Promise<boolean> {
  const { partitionKey, rowKey } = bucketAddress(key);
  for (let attempt = 1; attempt <= 8; attempt++) {
    let entity: Record<string, unknown>;
    try {
      entity = await table.getEntity(partitionKey, rowKey, { abortSignal: signal });
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
    const hashes = decodeBucketHashes(entity);
    if (!hashes.delete(exactHash)) return false;
    try {
      if (hashes.size === 0) await table.deleteEntity(partitionKey, rowKey, { etag: entity.etag as string, abortSignal: signal });
      else
        await table.updateEntity({ partitionKey, rowKey, ...encodeBucketHashes(hashes) }, 'Replace', {
          etag: entity.etag as string,
          abortSignal: signal,
        });
      return true;
    } catch (err) {
      if (!isStatus(err, 412) && !isStatus(err, 404)) throw err;
    }
  }
  throw new Error(
    `dedup signatures: band bucket ${partitionKey}/${rowKey} kept changing under 8 attempts to remove an erased hash; run the same erasure again`,
  );
}

/**
 * Container `eval-reports`: each report whose reply sample or error list names an erased
 * conversation is written again (JSON and HTML) without those entries, with a note of the erasure
 * (request id and counts, no personal data) so a reader knows the sample is shorter.
 */
export async function eraseEvaluationReports(
  runtime: Runtime,
  isErased: ErasedConversation,
  requestId: string,
  now: Date,
  signal?: AbortSignal,
): Promise<DerivedFinding[]> {
  const container = runtime.storage.container(CONTAINERS.evalReports);
  const findings: DerivedFinding[] = [];
  const names: string[] = [];
  try {
    for await (const blob of container.listBlobsFlat({ abortSignal: signal }))
      if (blob.name.endsWith('/report.json')) names.push(blob.name);
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
  for (const name of names) {
    const client = container.getBlockBlobClient(name);
    const props = await client.getProperties({ abortSignal: signal });
    let report: EvaluationReport;
    try {
      report = JSON.parse(
        (await client.downloadToBuffer(0, undefined, { abortSignal: signal, conditions: { ifMatch: props.etag } })).toString('utf8'),
      ) as EvaluationReport;
    } catch (err) {
      if (err instanceof SyntaxError) continue; // not a report tuneloop wrote
      throw err;
    }
    const sample = report.sample ?? [];
    const keptSample = sample.filter(
      (s) => !isErased(s.conversationId, undefined, [s.customer, s.human, s.production ?? '', s.candidate].join('\n')),
    );
    let errorsRemoved = 0;
    for (const model of [report.candidate, report.production]) {
      if (!model?.errors) continue;
      const kept = model.errors.filter((e) => !(e.conversationId !== undefined && isErased(e.conversationId, undefined, e.message)));
      errorsRemoved += model.errors.length - kept.length;
      model.errors = kept;
    }
    const samplesRemoved = sample.length - keptSample.length;
    if (samplesRemoved === 0 && errorsRemoved === 0) continue;
    if (report.sample) report.sample = keptSample;
    report.erasures = [...(report.erasures ?? []), { requestId, at: now.toISOString(), samplesRemoved, errorsRemoved }];
    const json = JSON.stringify(report, null, 2);
    await client
      .upload(json, Buffer.byteLength(json), {
        conditions: { ifMatch: props.etag },
        blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
        abortSignal: signal,
      })
      .catch((err: unknown) => {
        if (isStatus(err, 412))
          throw new Error(
            `${CONTAINERS.evalReports}/${name} changed while the erasure was rewriting it; run the same erasure again to finish it`,
          );
        throw err;
      });
    const html = renderReportHtml(report);
    const htmlName = name.replace(/report\.json$/, 'report.html');
    await container
      .getBlockBlobClient(htmlName)
      .upload(html, Buffer.byteLength(html), { blobHTTPHeaders: { blobContentType: 'text/html; charset=utf-8' }, abortSignal: signal });
    findings.push({
      location: 'eval-reports',
      name: `${name} (+ report.html)`,
      records: samplesRemoved + errorsRemoved,
      action: 'removed',
    });
  }
  return findings;
}

/**
 * Table `driftruns`: drift keeps no samples (each run reads the curated shards again, which the
 * erasure has already rewritten), only numbers, issue-type counts and up to 20 unreadable lines
 * (file, line, reason). A reason that quotes erased data is taken out of its run.
 */
export async function eraseDriftRuns(runtime: Runtime, quotes: (text: string) => boolean, signal?: AbortSignal): Promise<DerivedFinding[]> {
  const table = runtime.storage.table(TABLES.driftRuns);
  let removed = 0;
  let rowsChanged = 0;
  try {
    for await (const row of table.listEntities({ abortSignal: signal })) {
      const problemsJson = row.problemsJson;
      if (typeof problemsJson !== 'string' || !quotes(problemsJson)) continue;
      let problems: { file?: unknown; line?: unknown; reason?: unknown }[];
      try {
        problems = JSON.parse(problemsJson) as typeof problems;
      } catch {
        problems = [];
      }
      const kept = Array.isArray(problems) ? problems.filter((p) => !quotes(JSON.stringify(p))) : [];
      removed += (Array.isArray(problems) ? problems.length : 1) - kept.length;
      rowsChanged++;
      await table.updateEntity(
        { partitionKey: String(row.partitionKey), rowKey: String(row.rowKey), problemsJson: JSON.stringify(kept) },
        'Merge',
        { etag: row.etag, abortSignal: signal },
      );
    }
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
  return rowsChanged
    ? [{ location: 'drift-runs', name: `table ${TABLES.driftRuns} (${rowsChanged} run(s))`, records: removed, action: 'removed' }]
    : [];
}
