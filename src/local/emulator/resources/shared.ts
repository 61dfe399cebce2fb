import type { ChatReply } from '../model/chatModel';
import type { TrainingExample } from '../model/chatModel';
import type { EmulatorStore, StoredDeployment } from '../state';

/** Base models the emulated resource can fine-tune and deploy (Azure names: dashes and a version). */
export const BASE_MODELS = [
  'gpt-4o-mini-2024-07-18',
  'gpt-4o-2024-08-06',
  'gpt-4.1-2025-04-14',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano-2025-04-14',
  'gpt-35-turbo-0125',
  'gpt-35-turbo-1106',
  'o4-mini-2025-04-16',
] as const;

/** Durations of the emulated service at speed 1, in milliseconds (divided by `speed`). */
export const BASE_DURATIONS_MS = {
  fileProcessing: 1000,
  jobQueued: 2000,
  epoch: 1500,
  deployment: 1500,
} as const;

export interface ServiceOptions {
  speed: number;
  quota: { running: number; queued: number };
  maxFineTunedDeployments: number;
  /** Tokens Per Minute quota (thousands) shared by the deployments' capacity. */
  tokensPerMinuteQuota: number;
  outOfScopeThreshold?: number;
  /**
   * Forgetting in continued fine-tuning: each continuation multiplies how strongly the model
   * remembers what its ancestors were trained on by this factor (default 0.5), unless the new
   * training file contains it again (replay). Two continuations without replay leave a quarter.
   */
  continuedTrainingRetention?: number;
  dataDir?: string;
  /** Extra latency of a chat completion (ms, before `speed` — latency is not scaled). */
  latencyMs?: (target: { deployment: string; model: string; fineTuned: boolean }) => number;
  /** Content filter verdicts to return instead of "safe" (see ContentFilterRule). */
  contentFilter?: readonly ContentFilterRule[];
}

export type ContentFilterCategory = 'hate' | 'self_harm' | 'sexual' | 'violence';

/**
 * Makes the emulated content filter flag text, as Azure's would: a completion (or the last user
 * message, `on: 'prompt'`) matching `pattern`, on `deployment` when given, gets `severity` in
 * `category`. With `filtered: true` a completion is withheld (`finish_reason: "content_filter"`,
 * empty content) and a prompt is refused with Azure's 400 `content_filter` error; otherwise the
 * text is only annotated (`filtered: false`).
 */
export interface ContentFilterRule {
  pattern: RegExp | string;
  category: ContentFilterCategory;
  on?: 'completion' | 'prompt';
  severity?: 'low' | 'medium' | 'high';
  filtered?: boolean;
  /** Only on this deployment (exact name, case-insensitive, or a pattern). */
  deployment?: string | RegExp;
}

export interface ListQuery {
  after?: string;
  limit?: number;
}

export interface ChatCompletionResult {
  body: Record<string, unknown>;
  reply: ChatReply;
  latencyMs: number;
  deployment: StoredDeployment;
}

export const DEFAULT_CONTINUED_TRAINING_RETENTION = 0.5;

/** What every resource of the emulated service shares: its state, its options and its clock. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  readonly options: ServiceOptions;
  readonly clock: EmulatorClock;
}

/**
 * Emulated time: `later` runs after `ms / speed` unless the service closed first; timers of one
 * job can be cleared together (cancel, pause).
 */
export class EmulatorClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly jobTimers = new Map<string, Set<NodeJS.Timeout>>();
  private isClosed = false;

  constructor(private readonly speed: number) {}

  get closed(): boolean {
    return this.isClosed;
  }

  later(ms: number, fn: () => void, jobId?: string): void {
    if (this.isClosed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (jobId) this.jobTimers.get(jobId)?.delete(timer);
        if (!this.isClosed) fn();
      },
      Math.max(0, ms / this.speed),
    );
    this.timers.add(timer);
    if (jobId) {
      let set = this.jobTimers.get(jobId);
      if (!set) this.jobTimers.set(jobId, (set = new Set()));
      set.add(timer);
    }
  }

  /** After `ms` of real time (not scaled by speed). */
  afterRealTime(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  clearJobTimers(jobId: string): void {
    for (const t of this.jobTimers.get(jobId) ?? []) {
      clearTimeout(t);
      this.timers.delete(t);
    }
    this.jobTimers.delete(jobId);
  }

  close(): void {
    this.isClosed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.jobTimers.clear();
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cursor page over items already in list order: items after `after`, at most `limit`. */
export function page<T extends { id: string }>(
  items: T[],
  query: ListQuery,
  defaultLimit: number,
): { object: 'list'; data: T[]; has_more: boolean } {
  let start = 0;
  if (query.after) {
    const at = items.findIndex((i) => i.id === query.after);
    start = at >= 0 ? at + 1 : items.length;
  }
  const limit = query.limit ?? defaultLimit;
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length };
}

export function parseJsonl(content: string): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const line of content.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const value = JSON.parse(line) as { messages?: unknown };
    if (Array.isArray(value.messages)) examples.push({ messages: value.messages as TrainingExample['messages'] });
  }
  return examples;
}
