/**
 * The telemetry port. Metric names are documented in docs/telemetry-and-drift.md; dimensions are
 * low-cardinality strings (model, dataset version, issue type, reason).
 */
export type Dimensions = Record<string, string | number | boolean | undefined>;

export interface Telemetry {
  /** A custom metric, e.g. `tuneloop.preprocess.records_quarantined`. */
  trackMetric(name: string, value: number, dimensions?: Dimensions): void;
  /** A custom event, e.g. `tuneloop.job.state_changed`, `tuneloop.model.promoted`. */
  trackEvent(name: string, properties?: Dimensions): void;
  /** Sends (or writes) everything buffered; call before an invocation ends. */
  flush(): Promise<void>;
}
