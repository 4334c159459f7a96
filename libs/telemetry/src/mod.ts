/**
 * Tracing and logging for every Fanout process: one trace per workflow across services
 * (W3C trace context through NATS headers, spans to Jaeger over OTLP), and JSON logs that
 * carry the trace and span ids of the work they describe.
 */
export { startTelemetry, type Telemetry } from './start-telemetry';
export { type TelemetryOptions } from './telemetry-options';
export { createLogger, traceFields, type CreateLoggerOptions } from './logger';
export { FanoutMetrics, type GaugeName, type GaugeSetter } from './metrics';
