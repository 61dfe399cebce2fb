import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { TuneloopError } from '../errors';

/**
 * tuneloop's own notifications (Azure OpenAI has no fine-tuning webhooks), as CloudEvents 1.0.
 * `type` names what happened; `subject` names the thing it happened to (a job, a model, a window).
 */
export const EVENT_TYPES = {
  jobSucceeded: 'tuneloop.job.succeeded',
  jobFailed: 'tuneloop.job.failed',
  modelPromoted: 'tuneloop.model.promoted',
  modelRejected: 'tuneloop.model.rejected',
  /** The holdout could not tell candidate and production apart within the margins; production stays. */
  modelInconclusive: 'tuneloop.model.inconclusive',
  /** A candidate passed the gate and waits for a person (TUNELOOP_PROMOTION=manual). */
  modelAwaitingApproval: 'tuneloop.model.awaiting_approval',
  /** A candidate has been waiting for approval for another TUNELOOP_APPROVAL_REMINDER_HOURS. */
  modelApprovalReminder: 'tuneloop.model.approval_reminder',
  driftAlert: 'tuneloop.drift.alert',
  budgetRefused: 'tuneloop.budget.refused',
  datasetAssembled: 'tuneloop.dataset.assembled',
  /** Drift crossed its threshold and a retrain was decided (recorded for the nightly assembly). */
  retrainDecided: 'tuneloop.retrain.decided',
  /** An erasure request was carried out (kind and hash of the target, counts; never the personal data). */
  erasureCompleted: 'tuneloop.erasure.completed',
} as const;

export type TuneloopEventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** A CloudEvents 1.0 event in structured JSON form. */
export interface CloudEvent<T = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface NewEvent<T = Record<string, unknown>> {
  type: TuneloopEventType;
  /** e.g. `jobs/<jobKey>`, `models/<deployment>`, `drift/<window end>` */
  subject: string;
  data: T;
  /** Defaults to now. */
  time?: Date;
  /** Defaults to a random UUID. Pass a deterministic id when the same fact may be published twice (retries), so subscribers can drop duplicates. */
  id?: string;
}

export const EVENT_SOURCE = '/tuneloop';

export function toCloudEvent<T>(event: NewEvent<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: event.id ?? randomUUID(),
    source: EVENT_SOURCE,
    type: event.type,
    subject: event.subject,
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  };
}

/** Where events go: an Event Grid topic, a webhook, or the local sink. */
export interface EventPublisher {
  /** A short description for logs, e.g. `webhook http://…`. */
  readonly target: string;
  publish(events: CloudEvent[], options?: { signal?: AbortSignal }): Promise<void>;
}

/** Thrown when a target refuses or cannot be reached; the message says which target and why. */
export class EventPublishError extends TuneloopError {
  constructor(
    readonly target: string,
    message: string,
    readonly status?: number,
  ) {
    // No status (unreachable), 429 and 5xx may pass later; other answers need a change of target or auth.
    super(`publishing tuneloop events to ${target} failed: ${message}`, {
      retryable: status === undefined || status === 429 || status >= 500,
    });
  }
}

/** Writes events to `<TUNELOOP_LOCAL_DIR>/events.jsonl`, one CloudEvent per line. */
export class LocalEventSink implements EventPublisher {
  readonly target: string;
  constructor(readonly path: string) {
    this.target = `local file ${path}`;
  }
  async publish(events: CloudEvent[]): Promise<void> {
    if (events.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
  }
}

/**
 * POSTs each event to a webhook in CloudEvents structured content mode
 * (`content-type: application/cloudevents+json`), one request per event so that a subscriber
 * needs no batch support. Any non-2xx answer is an error.
 */
export class WebhookEventPublisher implements EventPublisher {
  readonly target: string;
  constructor(
    readonly url: string,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    this.target = `webhook ${new URL(url).origin}${new URL(url).pathname}`;
  }
  async publish(events: CloudEvent[], options: { signal?: AbortSignal } = {}): Promise<void> {
    for (const event of events) {
      const signal = AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? 10_000), ...(options.signal ? [options.signal] : [])]);
      let response: Response;
      try {
        response = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
          body: JSON.stringify(event),
          signal,
        });
      } catch (err) {
        throw new EventPublishError(
          this.target,
          `${(err as Error).message}; check TUNELOOP_EVENTS_WEBHOOK_URL and that the subscriber is up`,
        );
      }
      if (!response.ok) {
        const text = (await response.text().catch(() => '')).slice(0, 200);
        throw new EventPublishError(
          this.target,
          `HTTP ${response.status} for event ${event.type} ${event.id}${text ? `: ${text}` : ''}`,
          response.status,
        );
      }
    }
  }
}

/** Sends CloudEvents to an Event Grid topic with Entra ID (the identity needs "EventGrid Data Sender"). */
export class EventGridEventPublisher implements EventPublisher {
  readonly target: string;
  private client?: import('@azure/eventgrid').EventGridPublisherClient<'CloudEvent'>;
  constructor(
    private readonly endpoint: string,
    private readonly credential: TokenCredential,
  ) {
    this.target = `Event Grid topic ${endpoint}`;
  }
  async publish(events: CloudEvent[], options: { signal?: AbortSignal } = {}): Promise<void> {
    if (events.length === 0) return;
    // Loaded on first use: only the Azure target needs the Event Grid SDK.
    if (!this.client) {
      const { EventGridPublisherClient } = await import('@azure/eventgrid');
      this.client = new EventGridPublisherClient(this.endpoint, 'CloudEvent', this.credential);
    }
    const client = this.client;
    try {
      await client.send(
        events.map((e) => ({
          id: e.id,
          source: e.source,
          type: e.type,
          subject: e.subject,
          time: new Date(e.time),
          datacontenttype: e.datacontenttype,
          data: e.data,
        })),
        { abortSignal: options.signal },
      );
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      const hint =
        status === 401 || status === 403 ? '; grant the Function App identity the "EventGrid Data Sender" role on the topic' : '';
      throw new EventPublishError(this.target, `${(err as Error).message}${hint}`, status);
    }
  }
}

export const LOCAL_EVENTS_FILE = 'events.jsonl';

/** Where events go (built from settings by src/shared/composition/config.ts). */
export interface EventTargetConfig {
  /** TUNELOOP_EVENTGRID_TOPIC_ENDPOINT: an Event Grid topic, keyless. */
  readonly eventGridTopicEndpoint?: string;
  /** TUNELOOP_EVENTS_WEBHOOK_URL: a webhook, when there is no topic. */
  readonly webhookUrl?: string;
  /** TUNELOOP_LOCAL_DIR: the local sink writes events.jsonl there when neither is set. */
  readonly localDir: string;
  readonly managedIdentityClientId?: string;
}

/**
 * The publisher: Event Grid when TUNELOOP_EVENTGRID_TOPIC_ENDPOINT is set, else a
 * webhook when TUNELOOP_EVENTS_WEBHOOK_URL is set, else the local sink under TUNELOOP_LOCAL_DIR.
 */
export function createEventPublisher(
  config: EventTargetConfig,
  options: { cwd?: string; credential?: () => TokenCredential } = {},
): EventPublisher {
  if (config.eventGridTopicEndpoint) {
    const credential =
      options.credential?.() ??
      // Required lazily: identity is only needed for the Azure target.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (cold start); createEventPublisher is synchronous, so `await import()` does not fit
      new (require('@azure/identity') as typeof import('@azure/identity')).DefaultAzureCredential({
        managedIdentityClientId: config.managedIdentityClientId,
      });
    return new EventGridEventPublisher(config.eventGridTopicEndpoint, credential);
  }
  if (config.webhookUrl) return new WebhookEventPublisher(config.webhookUrl);
  return new LocalEventSink(resolve(options.cwd ?? process.cwd(), join(config.localDir, LOCAL_EVENTS_FILE)));
}
