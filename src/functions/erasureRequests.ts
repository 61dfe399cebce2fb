import type { InvocationContext } from '@azure/functions';
import { QUEUES } from '../shared/storage/names';
import type { FunctionDefinition } from './definition';
import type { RuntimeSource } from './runtimeSource';

/**
 * An erasure request as a queue message (`{"conversation": "<source>/<id>"}` or
 * `{"match": "<e-mail|phone|customer id>"}`, optional `requestId`): the same as `tuneloop forget`.
 * A malformed message throws, so it ends in the poison queue instead of being dropped silently.
 */
export function erasureRequestsHandler(runtimeSource: RuntimeSource) {
  return async (message: unknown, context: InvocationContext): Promise<unknown> => {
    // Loaded on first use, not when the worker loads the entry: cold start stays a hello-world app's (docs/architecture.md).
    const { erasureMessageSchema, forget, targetFromMessage, ErasureRequestError } = await import('../shared/erasure');
    const parsed = erasureMessageSchema.safeParse(typeof message === 'string' ? safeJson(message) : message);
    if (!parsed.success) {
      throw new ErasureRequestError(
        `erasure message ${context.invocationId} is not valid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    const runtime = await runtimeSource();
    // The queue trigger's metadata is untyped; its message id is a string.
    const messageId = context.triggerMetadata?.id;
    const report = await forget(runtime, targetFromMessage(parsed.data), {
      // A redelivered message repeats the same request id; the erasure itself is idempotent.
      requestId:
        parsed.data.requestId ??
        (typeof messageId === 'string' || typeof messageId === 'number' ? String(messageId) : context.invocationId),
      log: (m) => context.log(m),
    });
    const failed = report.found.filter((f) => f.action === 'failed');
    // Everything else is erased; the redelivery (same request id) retries what failed.
    if (failed.length) {
      throw new ErasureRequestError(
        `erasure ${report.requestId}: ${failed.map((f) => `${f.location} ${f.name}: ${f.note ?? 'failed'}`).join('; ')}; the redelivered message retries it`,
        { retryable: true },
      );
    }
    return {
      requestId: report.requestId,
      conversations: report.conversations,
      places: report.found.length,
      modelsMarked: report.modelsMarked.length,
    };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const erasureRequests = (runtime: RuntimeSource): FunctionDefinition => ({
  name: 'erasureRequests',
  summary: 'erases a conversation, or every conversation mentioning an e-mail, phone or customer id',
  trigger: { type: 'storageQueue', queueName: QUEUES.erasure, connection: 'TUNELOOP_STORAGE' },
  handler: erasureRequestsHandler(runtime),
});
