export type { Dimensions, Telemetry } from './telemetry';
export { createTelemetry, FanOutTelemetry, type CreateTelemetryOptions } from './createTelemetry';
export { LocalJsonlTelemetry, localTelemetryPath, LOCAL_TELEMETRY_FILE, type TelemetryRecord } from './localSink';
