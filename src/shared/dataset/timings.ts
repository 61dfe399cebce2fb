import type { ConversationStage } from './stages';

/**
 * Wall time spent per preprocessing step (TUNELOOP_DEBUG_TIMINGS): parse, feedback, each quality
 * stage, example building, writes. For finding the slow step of a big file, not for metrics.
 */
export class StepTimings {
  private readonly ms = new Map<string, number>();

  add(step: string, elapsedMs: number): void {
    this.ms.set(step, (this.ms.get(step) ?? 0) + elapsedMs);
  }

  async time<T>(step: string, fn: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.add(step, performance.now() - start);
    }
  }

  /** Forgets what was collected (a worker reports per batch). */
  reset(): void {
    this.ms.clear();
  }

  /** Milliseconds per step, rounded, in the order the steps first ran. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.ms].map(([step, ms]) => [step, Math.round(ms)]));
  }

  format(): string {
    return Object.entries(this.toJSON())
      .map(([step, ms]) => `${step} ${ms} ms`)
      .join(', ');
  }
}

/**
 * The same stages, each timed under `stage:<name>`. A timed stage declares what its stage declares
 * (`ordered`, `prepare`, `preparedSuffices`) and hands `apply` every argument: the duplicate stage
 * on the coordinating thread works from the fingerprint a worker prepared, for a conversation whose
 * text stayed on that worker. (Dropping them made every such conversation an exact duplicate of
 * the first whenever TUNELOOP_DEBUG_TIMINGS was on with a worker pool.)
 */
export function timedStages(stages: readonly ConversationStage[], timings: StepTimings): ConversationStage[] {
  return stages.map((stage): ConversationStage => {
    const step = `stage:${stage.name}`;
    return {
      name: stage.name,
      ...(stage.ordered !== undefined ? { ordered: stage.ordered } : {}),
      ...(stage.preparedSuffices !== undefined ? { preparedSuffices: stage.preparedSuffices } : {}),
      ...(stage.perSession !== undefined ? { perSession: stage.perSession } : {}),
      ...(stage.prepare ? { prepare: stage.prepare.bind(stage) } : {}),
      apply: (conversation, signal, prepared) => timings.time(step, () => stage.apply(conversation, signal, prepared)),
      ...(stage.summary ? { summary: stage.summary.bind(stage) } : {}),
    };
  });
}
