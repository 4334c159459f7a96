import type { LoggerService } from '@nestjs/common';
import { createLogger } from '@fanout/telemetry';
import type { Logger } from 'pino';

/**
 * Nest's logger as JSON lines through pino, each written inside a span carrying that span's
 * `trace_id` and `span_id`: a service's log of a workflow is found from its trace in Jaeger
 * and the other way round. What a service process logs with (`FANOUT_LOG_FORMAT=console` for
 * Nest's own lines instead).
 */
export class TraceLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(service: string) {
    this.logger = createLogger(service);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.logger.info(this.fields(params), String(message));
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack?, context?); an Error passed as the message keeps its stack.
    const [stack] = params;
    const err = message instanceof Error ? message : undefined;
    this.logger.error(
      {
        ...this.fields(params.slice(1)),
        ...(typeof stack === 'string' ? { stack } : {}),
        ...(err ? { err } : {}),
      },
      err ? err.message : String(message),
    );
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(this.fields(params), String(message));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug(this.fields(params), String(message));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.trace(this.fields(params), String(message));
  }

  /** Nest's last parameter is the context (the class that logs). */
  private fields(params: unknown[]): { context?: string } {
    const context = params.at(-1);
    return typeof context === 'string' ? { context } : {};
  }
}
