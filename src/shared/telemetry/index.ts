export type { Dimensions, Telemetry } from './telemetry';
export { createTelemetry, FanOutTelemetry, type CreateTelemetryOptions } from './createTelemetry';
export { LocalJsonlTelemetry, localTelemetryPath, LOCAL_TELEMETRY_FILE, type TelemetryRecord } from './localSink';
export { parseAuthenticationString } from './authenticationString';
export { readTelemetryRecords, metricSeries, type SinkProblem, type ReadTelemetryOptions } from './readSink';
export {
  EVENT_TYPES,
  EVENT_SOURCE,
  toCloudEvent,
  createEventPublisher,
  LocalEventSink,
  WebhookEventPublisher,
  EventGridEventPublisher,
  EventPublishError,
  type CloudEvent,
  type NewEvent,
  type EventPublisher,
  type TuneloopEventType,
} from './events';
export { notify, type NotifyPorts, type NotifyResult } from './notify';
export {
  collectMetricsStatus,
  renderMetricsStatus,
  latestMetrics,
  type MetricsStatus,
  type MetricStatus,
  type Trend,
} from './metricsStatus';
export {
  buildDashboardData,
  renderDashboardHtml,
  readChartJs,
  type DashboardData,
  type DashboardChart,
  type DashboardSeries,
} from './dashboard';
