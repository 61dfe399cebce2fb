import { TuneloopError } from '../../shared/errors';
/**
 * Fault injection. One syntax for the `x-emulator-fault` request header and the `faults` option:
 * comma-separated faults, each `name[;key=value...]`:
 *
 *   429[;retry-after=<s>][;retry-after-ms=<ms>]   throttled, Azure's 429 body and retry headers
 *   500                                            internal server error
 *   503                                            service unavailable
 *   slow=<ms>                                      answer after an extra delay (combines with others)
 *   job-fail                                       on job creation: the job is accepted but fails while running
 */
export type Fault =
  | { kind: 'throttle'; retryAfterSeconds: number; retryAfterMs?: number }
  | { kind: 'error'; status: 500 | 503 }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'job-fail' };

export class FaultSyntaxError extends TuneloopError {
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(
      `invalid fault "${spec}": ${reason}. Use e.g. "429;retry-after=1", "500", "503", "slow=200" or "job-fail" (comma-separated for several)`,
    );
  }
}

export function parseFaults(spec: string): Fault[] {
  const faults: Fault[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const [head, ...params] = part.split(';').map((p) => p.trim());
    const options = new Map<string, string>();
    for (const p of params) {
      const pair = p.split('=').map((x) => x.trim());
      const k = pair.at(0);
      const v = pair.at(1);
      if (!k || v === undefined) throw new FaultSyntaxError(part, `parameter "${p}" is not key=value`);
      options.set(k.toLowerCase(), v);
    }
    const number = (key: string, value: string | undefined) => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n < 0) throw new FaultSyntaxError(part, `${key} must be a non-negative number`);
      return n;
    };
    const name = head.toLowerCase();
    if (name === '429') {
      const ms = options.has('retry-after-ms') ? number('retry-after-ms', options.get('retry-after-ms')) : undefined;
      const seconds = options.has('retry-after')
        ? number('retry-after', options.get('retry-after'))
        : ms !== undefined
          ? Math.ceil(ms / 1000)
          : 1;
      faults.push({ kind: 'throttle', retryAfterSeconds: seconds, retryAfterMs: ms });
    } else if (name === '500' || name === '503') {
      faults.push({ kind: 'error', status: Number(name) as 500 | 503 });
    } else if (name.startsWith('slow=')) {
      faults.push({ kind: 'slow', delayMs: number('slow', name.slice(5)) });
    } else if (name === 'job-fail') {
      faults.push({ kind: 'job-fail' });
    } else {
      throw new FaultSyntaxError(part, `unknown fault "${head}"`);
    }
  }
  return faults;
}

/** A fault applied by the emulator itself to matching requests (the `faults` option). */
export interface FaultRule {
  /** Fault spec in the header syntax, e.g. `429;retry-after=1`. */
  fault: string;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** Only requests whose path (without query) matches (any when absent). */
  path?: RegExp | string;
  /** Apply to this many matching requests, then stop (unlimited when absent). */
  times?: number;
}

/** Keeps the configured rules and how often each has fired. */
export class FaultPlan {
  private readonly rules: { rule: FaultRule; faults: Fault[]; used: number }[] = [];

  constructor(rules: readonly FaultRule[] = []) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, faults: parseFaults(rule.fault), used: 0 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Faults for one request; counts the request against each matching rule's `times`. */
  take(method: string, path: string): Fault[] {
    const faults: Fault[] = [];
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined && !(typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path))) continue;
      entry.used++;
      faults.push(...entry.faults);
    }
    return faults;
  }
}
