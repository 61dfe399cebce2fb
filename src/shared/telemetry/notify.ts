import type { Telemetry, Dimensions } from './telemetry';
import { EventPublishError, toCloudEvent, type CloudEvent, type EventPublisher, type NewEvent } from './events';

export interface NotifyPorts {
  telemetry: Telemetry;
  events: EventPublisher;
}

export interface NotifyResult {
  event: CloudEvent;
  delivered: boolean;
  error?: EventPublishError;
}

/** Top-level primitive fields of the event data become telemetry properties (objects are left out). */
function flatProperties(event: CloudEvent): Dimensions {
  const props: Dimensions = { subject: event.subject, event_id: event.id };
  for (const [key, value] of Object.entries(event.data)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') props[key] = value;
  }
  return props;
}

/**
 * Announces something that happened: a custom telemetry event (same name as the CloudEvent type)
 * and a CloudEvent to the configured subscribers.
 *
 * Delivery is best effort and never throws for a refused or unreachable target: the job table and
 * the `models` pointer are the record of truth, and a queue handler that threw here would be
 * retried and repeat its state change. A failed delivery is tracked as
 * `tuneloop.events.publish_failed` and returned, so the caller can log it.
 */
export async function notify(ports: NotifyPorts, input: NewEvent, options: { signal?: AbortSignal } = {}): Promise<NotifyResult> {
  const event: CloudEvent = toCloudEvent(input);
  ports.telemetry.trackEvent(event.type, flatProperties(event));
  try {
    await ports.events.publish([event], options);
    return { event, delivered: true };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const error = err instanceof EventPublishError ? err : new EventPublishError(ports.events.target, (err as Error).message);
    ports.telemetry.trackEvent('tuneloop.events.publish_failed', {
      event_type: event.type,
      event_id: event.id,
      target: ports.events.target,
      status: error.status,
      reason: error.message.slice(0, 500),
    });
    return { event, delivered: false, error };
  }
}
