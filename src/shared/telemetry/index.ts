export type { Dimensions, Telemetry } from './telemetry';
export { createTelemetry, FanOutTelemetry, type CreateTelemetryOptions } from './createTelemetry';
export { LocalJsonlTelemetry, localTelemetryPath, LOCAL_TELEMETRY_FILE, type TelemetryRecord } from './localSink';
export { parseAuthenticationString } from './authenticationString';
export { readTelemetryRecords, metricSeries, type SinkProblem, type ReadTelemetryOptions } from './readSink';
