import { context, propagation, trace } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TelemetryOptions } from './telemetry-options';

/** A started tracer provider; stop it last, so the spans of the shutdown itself are sent. */
export interface Telemetry {
  /** The OTLP/HTTP traces URL spans are sent to, or undefined when they are not exported. */
  readonly endpoint: string | undefined;
  /** Flushes pending spans, then unregisters the provider so tracing can be started again. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for this process. The W3C trace-context propagator and the
 * AsyncLocalStorage context manager are always registered, so a trace crosses NATS
 * (through message headers) and `await`s even where no collector runs, as in tests;
 * spans leave the process over OTLP/HTTP (Jaeger accepts it) only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and are not even recorded when it is not.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (!options.serviceName) {
    throw new Error('startTelemetry: serviceName is required (it names the service in Jaeger)');
  }
  const env = options.env ?? process.env;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const endpoint = base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
  const spanProcessors: SpanProcessor[] = [];
  if (endpoint)
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint })));
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter));

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors,
    // With nowhere to send spans, none is recorded: ids are still made and passed on, so
    // logs keep their trace ids and a trace still crosses NATS, but a span costs nothing.
    // A deployment exports from every service or from none.
    ...(spanProcessors.length === 0 ? { sampler: new AlwaysOffSampler() } : {}),
  });
  // A provider registered earlier in this process (another startTelemetry) would win.
  trace.disable();
  context.disable();
  propagation.disable();
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    // undefined: NodeTracerProvider registers an AsyncLocalStorageContextManager.
    contextManager: undefined,
  });

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        context.disable();
        propagation.disable();
      });
      return stopped;
    },
  };
}
