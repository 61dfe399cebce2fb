import type { InvocationContext } from '@azure/functions';
import type { FunctionDefinition } from './definition';
import type { Settings } from '../shared/config/settings';
import { isBlobReference } from './blobReference';
import type { RuntimeSource } from './runtimeSource';

/**
 * Blob trigger on raw-logs with deferred binding: the trigger hands over a reference to the blob
 * (see blobReference.ts), never its bytes; the blob is streamed through the storage port by name,
 * so memory stays flat and the ETag receipt applies.
 */
export function preprocessHandler(runtimeSource: RuntimeSource) {
  return async (blob: unknown, context: InvocationContext): Promise<unknown> => {
    if (isBlobReference(blob) && blob.containerName !== 'raw-logs') {
      throw new Error(`preprocess: triggered for container "${blob.containerName}", expected raw-logs`);
    }
    const name = isBlobReference(blob) ? blob.blobName : context.triggerMetadata?.name;
    if (typeof name !== 'string' || !name) {
      throw new Error('preprocess: the trigger metadata has no blob "name"; the trigger path must be raw-logs/{name}');
    }
    // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
    const [runtime, { preprocessBlob }, { printableBlobName }] = await Promise.all([
      runtimeSource(),
      import('../shared/dataset/blobPreprocess'),
      import('../shared/storage/blobNames'),
    ]);
    const outcome = await preprocessBlob(runtime, name, { log: (m) => context.warn(m), progress: (m) => context.log(m) });
    // Names may hold newlines or control characters: never let them forge log lines.
    const shown = printableBlobName(name);
    switch (outcome.status) {
      case 'processed': {
        const r = outcome.report;
        if (outcome.archiveFiles)
          context.log(
            `raw-logs/${shown}: an archive; its ${outcome.archiveFiles} file(s) are stored as raw-logs/${shown}/<path>, each preprocessed as a blob of its own, and the archive is deleted` +
              (r.records_quarantined ? `; ${r.records_quarantined} of its files refused → quarantine/${outcome.outputs.quarantine}` : ''),
          );
        else
          context.log(
            `raw-logs/${shown}: ${r.records_in} records, ${r.records_used} used, ${r.records_quarantined} quarantined` +
              (r.sessions_quarantined ? ` (and ${r.sessions_quarantined} chat session(s) of used chats)` : '') +
              '; ' +
              `examples ${r.examples.train}/${r.examples.validation}/${r.examples.holdout} (train/validation/holdout) → curated/${outcome.outputs.curated}`,
          );
        return {
          status: outcome.status,
          ...(outcome.archiveFiles ? { archive_files: outcome.archiveFiles } : {}),
          records_in: r.records_in,
          records_used: r.records_used,
          records_quarantined: r.records_quarantined,
          curated: outcome.outputs.curated,
        };
      }
      case 'duplicate':
        context.log(`raw-logs/${shown}: this version was already ${outcome.previous}; nothing to do`);
        return { status: outcome.status };
      case 'quarantined':
        context.warn(`raw-logs/${shown}: quarantined after ${outcome.attempts} attempt(s): ${outcome.error}`);
        return { status: outcome.status, quarantine: outcome.outputs.quarantine };
      case 'gone':
        context.log(`raw-logs/${shown}: deleted before it could be read; nothing to do`);
        return { status: outcome.status };
    }
  };
}

/** Event Grid in Azure (Flex Consumption requires it); container scanning for `func start` on one machine. */
export function preprocess(settings: Pick<Settings, 'TUNELOOP_BLOB_TRIGGER_SOURCE'>, runtime: RuntimeSource): FunctionDefinition {
  return {
    name: 'preprocess',
    summary: 'turns a raw log blob into curated fine-tuning examples, quarantine and a report',
    trigger: { type: 'blob', path: 'raw-logs/{name}', connection: 'TUNELOOP_STORAGE', source: settings.TUNELOOP_BLOB_TRIGGER_SOURCE },
    handler: preprocessHandler(runtime),
  };
}
