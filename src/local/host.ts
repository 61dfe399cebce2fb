import { randomUUID } from 'node:crypto';
import { InvocationContext, type LogLevel } from '@azure/functions';
import { CronExpressionParser } from 'cron-parser';
import type { StorageClients } from '../shared/storage/clients';
import { blobTriggerContainer, resolveSettingExpression, type FunctionDefinition } from '../functions/definition';
import { tableKey } from '../shared/dataset/keys';
import { blobModelBindingData, registerBlobReferenceFactory, resolveModelBindingData } from '../functions/blobReference';

export interface InvocationRecord {
  functionName: string;
  invocationId: string;
  trigger: string;
  outcome: 'succeeded' | 'failed';
  durationMs: number;
  result?: unknown;
  error?: string;
}

export interface LocalHostOptions {
  definitions: FunctionDefinition[];
  storage: StorageClients;
  /** Where `%SETTING%` schedules are resolved. */
  env?: Record<string, string | undefined>;
  /** How often blob containers and queues are polled. */
  pollIntervalMs?: number;
  /** A queue message that failed this many times moves to `<queue>-poison` (Azure's default is 5). */
  maxDequeueCount?: number;
  /** A blob whose handler failed this many times is not dispatched again until it changes. */
  maxBlobAttempts?: number;
  /** Blobs handled at the same time per blob trigger (Azure: host.json extensions.blobs.maxDegreeOfParallelism). Default 1. */
  blobConcurrency?: number;
  /** One line per invocation start and outcome. */
  print?: (line: string) => void;
  onInvocation?: (record: InvocationRecord) => void;
}

/** Table where the host remembers which blob versions it has dispatched (Azure keeps blob receipts likewise). */
export const HOST_RECEIPTS_TABLE = 'localhostreceipts';

/**
 * Drives the same handlers Azure would call, from Azurite: new or changed blobs, queue messages
 * (with Azure's dequeue count and poison queue), and NCRONTAB timers.
 */
export class LocalHost {
  private readonly options: Required<Omit<LocalHostOptions, 'onInvocation'>> & Pick<LocalHostOptions, 'onInvocation'>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;
  private blobFailures = new Map<string, number>();
  private blobsInFlight = 0;
  private peakBlobs = 0;

  /** The most blob invocations that ran at the same time (load tests check the concurrency setting). */
  get peakBlobConcurrency(): number {
    return this.peakBlobs;
  }

  constructor(options: LocalHostOptions) {
    this.options = {
      env: process.env,
      pollIntervalMs: 1000,
      maxDequeueCount: 5,
      maxBlobAttempts: 5,
      blobConcurrency: 1,
      print: (line) => console.log(line),
      ...options,
    };
  }

  get definitions(): readonly FunctionDefinition[] {
    return this.options.definitions;
  }

  async start(): Promise<void> {
    await this.options.storage.table(HOST_RECEIPTS_TABLE).createTable();
    for (const def of this.options.definitions) {
      const t = def.trigger;
      if (t.type === 'blob') this.loop(() => this.scanBlobs(def));
      else if (t.type === 'storageQueue') this.loop(() => this.pollQueue(def, t.queueName));
      else if (t.type === 'serviceBusQueue') {
        throw new Error(
          `function ${def.name} uses a Service Bus queue, which has no local emulator here: set TUNELOOP_JOB_TRANSPORT=storage for the local host`,
        );
      } else this.scheduleTimer(def, resolveSettingExpression(t.schedule, this.options.env), t.runOnStartup ?? false);
    }
  }

  /** Stops polling and waits for invocations under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Runs one scan/poll pass over every blob and queue trigger now (tests and `--once`). */
  async drain(): Promise<void> {
    await this.options.storage.table(HOST_RECEIPTS_TABLE).createTable();
    for (const def of this.options.definitions) {
      if (def.trigger.type === 'blob') await this.scanBlobs(def);
      if (def.trigger.type === 'storageQueue') await this.pollQueue(def, def.trigger.queueName);
    }
  }

  private loop(pass: () => Promise<void>): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.track(pass());
      } catch (err) {
        this.options.print(`host: polling failed: ${(err as Error).message}`);
      }
      // stop() may have run while the pass was under way: later() schedules nothing then.
      this.later(() => void tick(), this.options.pollIntervalMs);
    };
    this.later(() => void tick(), 0);
  }

  /** Runs `fn` after `ms` unless the host is stopped (stop() clears what is pending). */
  private later(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    return p.finally(() => this.running.delete(p));
  }

  private async scanBlobs(def: FunctionDefinition): Promise<void> {
    if (def.trigger.type !== 'blob') return;
    const containerName = blobTriggerContainer(def.trigger.path);
    const container = this.options.storage.container(containerName);
    const receipts = this.options.storage.table(HOST_RECEIPTS_TABLE);
    const slots = Math.max(1, this.options.blobConcurrency);
    const running = new Set<Promise<void>>();
    for await (const blob of container.listBlobsFlat()) {
      if (this.stopped) break;
      const etag = blob.properties.etag;
      // Hashed when long: a table key holds at most 1 KiB, and one bad name must not stop the scan.
      const rowKey = tableKey(blob.name);
      const seen = await receipts.getEntity<{ blobEtag: string }>(def.name, rowKey).catch(() => undefined);
      if (seen?.blobEtag === etag) continue;
      while (running.size >= slots) await Promise.race(running);
      const task = this.dispatchBlob(def, containerName, blob, etag, rowKey).finally(() => running.delete(task));
      running.add(task);
    }
    await Promise.all(running);
  }

  private async dispatchBlob(
    def: FunctionDefinition,
    containerName: string,
    blob: { name: string; properties: { contentLength?: number; lastModified?: Date } },
    etag: string,
    rowKey: string,
  ): Promise<void> {
    if (def.trigger.type !== 'blob') return;
    const container = this.options.storage.container(containerName);
    const receipts = this.options.storage.table(HOST_RECEIPTS_TABLE);
    const failureKey = `${def.name}|${blob.name}|${etag}`;
    const failures = this.blobFailures.get(failureKey) ?? 0;
    this.blobsInFlight++;
    this.peakBlobs = Math.max(this.peakBlobs, this.blobsInFlight);
    try {
      // The same deferred-binding reference the Azure worker builds from the host's model binding data.
      registerBlobReferenceFactory();
      const reference = resolveModelBindingData(blobModelBindingData(def.trigger.connection, containerName, blob.name));
      const record = await this.invoke(def, reference, `${containerName}/${blob.name}`, {
        blobTrigger: `${containerName}/${blob.name}`,
        name: blob.name,
        uri: container.getBlobClient(blob.name).url,
        properties: { eTag: etag, length: blob.properties.contentLength, lastModified: blob.properties.lastModified },
      });
      if (record.outcome === 'succeeded' || failures + 1 >= this.options.maxBlobAttempts) {
        if (record.outcome === 'failed')
          this.options.print(`host: ${containerName}/${blob.name} failed ${failures + 1} times; not retried until it changes`);
        await receipts.upsertEntity({ partitionKey: def.name, rowKey, blobEtag: etag, outcome: record.outcome }, 'Replace');
        this.blobFailures.delete(failureKey);
      } else {
        this.blobFailures.set(failureKey, failures + 1);
      }
    } finally {
      this.blobsInFlight--;
    }
  }

  private async pollQueue(def: FunctionDefinition, queueName: string): Promise<void> {
    const queue = this.options.storage.queue(queueName);
    await queue.createIfNotExists();
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 16, visibilityTimeout: 300 });
    for (const msg of receivedMessageItems) {
      if (this.stopped) return;
      const body = decodeQueueMessage(msg.messageText);
      const record = await this.invoke(def, body, `queue ${queueName} message ${msg.messageId}`, {
        id: msg.messageId,
        dequeueCount: msg.dequeueCount,
        insertionTime: msg.insertedOn,
        expirationTime: msg.expiresOn,
        nextVisibleTime: msg.nextVisibleOn,
        popReceipt: msg.popReceipt,
      });
      if (record.outcome === 'succeeded') {
        await queue.deleteMessage(msg.messageId, msg.popReceipt);
      } else if (msg.dequeueCount >= this.options.maxDequeueCount) {
        const poison = this.options.storage.queue(`${queueName}-poison`);
        await poison.createIfNotExists();
        await poison.sendMessage(msg.messageText);
        await queue.deleteMessage(msg.messageId, msg.popReceipt);
        this.options.print(`host: message ${msg.messageId} failed ${msg.dequeueCount} times; moved to ${queueName}-poison`);
      } else {
        // Like Azure: the message becomes visible again and is retried.
        await queue.updateMessage(msg.messageId, msg.popReceipt, undefined, 1);
      }
    }
  }

  private scheduleTimer(def: FunctionDefinition, schedule: string, runOnStartup: boolean): void {
    const expr = CronExpressionParser.parse(schedule);
    let last: Date | undefined;
    const arm = () => {
      if (this.stopped) return;
      const next = expr.next().toDate();
      const delay = Math.max(0, next.getTime() - Date.now());
      // setTimeout cannot wait longer than ~24.8 days; re-arm in steps.
      const step = Math.min(delay, 2 ** 31 - 1);
      this.later(() => {
        if (Date.now() < next.getTime()) return arm();
        const timer = {
          isPastDue: Date.now() - next.getTime() > 60000,
          scheduleStatus: { last: last?.toISOString(), next: next.toISOString(), lastUpdated: new Date().toISOString() },
        };
        last = next;
        void this.track(this.invoke(def, timer, `timer ${schedule}`, {})).finally(arm);
      }, step);
    };
    if (runOnStartup) {
      void this.track(this.invoke(def, { isPastDue: false }, `timer ${schedule} (on startup)`, {})).finally(arm);
    } else arm();
  }

  private async invoke(
    def: FunctionDefinition,
    input: unknown,
    what: string,
    triggerMetadata: Record<string, unknown>,
  ): Promise<InvocationRecord> {
    const invocationId = randomUUID();
    const print = this.options.print;
    const context = new InvocationContext({
      invocationId,
      functionName: def.name,
      triggerMetadata,
      logHandler: (level: LogLevel, ...args: unknown[]) => {
        if (level === 'trace' || level === 'debug') return;
        print(`  [${def.name}] ${level}: ${args.map(String).join(' ')}`);
      },
    });
    const started = Date.now();
    print(`${new Date().toISOString()} ${def.name} <- ${what}`);
    try {
      const result = await def.handler(input, context);
      const record: InvocationRecord = {
        functionName: def.name,
        invocationId,
        trigger: what,
        outcome: 'succeeded',
        durationMs: Date.now() - started,
        result,
      };
      print(
        `${new Date().toISOString()} ${def.name} succeeded in ${record.durationMs} ms${result === undefined ? '' : ': ' + summarize(result)}`,
      );
      this.options.onInvocation?.(record);
      return record;
    } catch (err) {
      const record: InvocationRecord = {
        functionName: def.name,
        invocationId,
        trigger: what,
        outcome: 'failed',
        durationMs: Date.now() - started,
        error: (err as Error).message,
      };
      print(`${new Date().toISOString()} ${def.name} FAILED in ${record.durationMs} ms: ${(err as Error).message}`);
      this.options.onInvocation?.(record);
      return record;
    }
  }
}

/** Azure Functions base64-decodes queue messages by default; accept plain JSON too. */
export function decodeQueueMessage(text: string): unknown {
  const candidates = [text];
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) candidates.unshift(Buffer.from(text, 'base64').toString('utf8'));
  for (const c of candidates) {
    try {
      return JSON.parse(c);
    } catch {
      // try the next reading
    }
  }
  return text;
}

function summarize(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 300 ? text.slice(0, 297) + '...' : text;
}
