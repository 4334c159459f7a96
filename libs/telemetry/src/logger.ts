import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Options of {@link createLogger}; the defaults suit a service writing JSON to stdout. */
export interface CreateLoggerOptions {
  /** Lowest level written; `LOG_LEVEL` from the environment, else `info`. */
  level?: LoggerOptions['level'];
  /** Where lines go; stdout unless a test captures them. */
  destination?: DestinationStream;
}

/**
 * The ids of the span active where the line is written, so a log line can be found from
 * its trace in Jaeger and the other way round. Empty outside any span.
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * A pino logger whose every line written inside a span carries that span's `trace_id` and
 * `span_id`, so logs and traces of one workflow can be joined.
 */
export function createLogger(name: string, options: CreateLoggerOptions = {}): Logger {
  const settings: LoggerOptions = {
    name,
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    mixin: traceFields,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
