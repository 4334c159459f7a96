import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * How a process starts its tracing. Only `serviceName` is required: it is what Jaeger
 * groups spans by, so every service must name itself.
 */
export interface TelemetryOptions {
  /** `service.name` of every span this process records, e.g. `orchestrator`. */
  serviceName: string;
  /**
   * An extra exporter that receives every span as soon as it ends (no batching), so a test
   * can read spans back from an `InMemorySpanExporter` right after the work is done.
   */
  exporter?: SpanExporter;
  /**
   * Where `OTEL_EXPORTER_OTLP_ENDPOINT` is read from; the process environment unless a test
   * passes its own.
   */
  env?: NodeJS.ProcessEnv;
}
