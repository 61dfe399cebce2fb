import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient, type ServiceBusSender } from '@azure/service-bus';
import type { StorageClients } from '../storage/clients';
import { QUEUES } from '../storage/names';
import { jobMessageSchema, readableBody, type JobMessage } from './messages';

/** Where job messages travel (TUNELOOP_JOB_TRANSPORT, TUNELOOP_SERVICEBUS__fullyQualifiedNamespace). */
export interface JobQueueConfig {
  readonly transport: 'storage' | 'servicebus';
  /** <name>.servicebus.windows.net, needed for the servicebus transport. */
  readonly serviceBusNamespace?: string;
  readonly managedIdentityClientId?: string;
}

/** What the queue functions need of the runtime. */
export interface JobQueueRuntime {
  readonly config: { readonly jobQueue: JobQueueConfig };
  readonly storage: StorageClients;
}

export interface EnqueueOptions {
  /** Deliver no earlier than this many seconds from now (Storage: visibility timeout; Service Bus: scheduled message). */
  delaySeconds?: number;
}

// Storage queues hide a message for at most 7 days.
const MAX_DELAY_SECONDS = 7 * 24 * 3600 - 60;

const senders = new WeakMap<object, ServiceBusSender>();

function serviceBusSender(runtime: JobQueueRuntime): ServiceBusSender {
  let sender = senders.get(runtime);
  if (!sender) {
    const namespace = runtime.config.jobQueue.serviceBusNamespace;
    if (!namespace) throw new Error('TUNELOOP_JOB_TRANSPORT=servicebus needs TUNELOOP_SERVICEBUS__fullyQualifiedNamespace');
    const client = new ServiceBusClient(
      namespace,
      new DefaultAzureCredential({ managedIdentityClientId: runtime.config.jobQueue.managedIdentityClientId }),
    );
    sender = client.createSender(QUEUES.jobs);
    senders.set(runtime, sender);
  }
  return sender;
}

/**
 * Puts a job message on the job queue (validated first, so nobody can enqueue what the
 * handler would reject). The nightly assembly calls this with a `submit` message.
 */
export async function enqueueJobMessage(runtime: JobQueueRuntime, message: JobMessage, options: EnqueueOptions = {}): Promise<void> {
  const valid = jobMessageSchema.parse(message);
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(options.delaySeconds ?? 0)));
  if (runtime.config.jobQueue.transport === 'servicebus') {
    const sender = serviceBusSender(runtime);
    const sbMessage = { body: valid, contentType: 'application/json', subject: valid.kind };
    if (delaySeconds > 0) await sender.scheduleMessages(sbMessage, new Date(Date.now() + delaySeconds * 1000));
    else await sender.sendMessages(sbMessage);
    return;
  }
  const queue = runtime.storage.queue(QUEUES.jobs);
  // Azure Functions reads Storage queue messages as base64 by default.
  const text = Buffer.from(JSON.stringify(valid), 'utf8').toString('base64');
  await queue.sendMessage(text, { visibilityTimeout: delaySeconds, messageTimeToLive: -1 });
}

/** What lands on the poison queue when the handler rejects a message. */
export interface RejectedJobMessage {
  reason: string;
  rejectedAt: string;
  /** The message as received (parsed JSON, or the text). */
  message: unknown;
}

/**
 * Parks a message the handler can never process, with the reason, on `finetune-jobs-poison`
 * (Storage, for both transports: the Functions Node.js worker cannot dead-letter a Service Bus
 * message itself; Service Bus still dead-letters messages whose deliveries keep failing).
 */
export async function sendToPoison(runtime: JobQueueRuntime, raw: unknown, reason: string): Promise<RejectedJobMessage> {
  const body: RejectedJobMessage = {
    reason,
    rejectedAt: new Date().toISOString(),
    message: readableBody(raw),
  };
  let text = JSON.stringify(body);
  // Queue messages are limited to 64 KiB (48 KiB of JSON after base64).
  if (text.length > 45_000) text = JSON.stringify({ ...body, message: `${JSON.stringify(body.message).slice(0, 40_000)}…(truncated)` });
  const poison = runtime.storage.queue(QUEUES.jobsPoison);
  await poison.createIfNotExists();
  await poison.sendMessage(Buffer.from(text, 'utf8').toString('base64'), { messageTimeToLive: -1 });
  return body;
}
