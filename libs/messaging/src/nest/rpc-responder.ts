import type { LoggerService } from '@nestjs/common';
import { NatsContext, type MessageHandler } from '@nestjs/microservices';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { FanoutError } from '@fanout/contracts';
import { InvalidMessageError } from '../errors';
import { extractTrace, injectTrace } from '../tracing/propagation';
import type { RunHandler } from './command-settler';
import { failureOf } from './failure';
import { decodeJson, encodeJson, errorHeaders } from '../primitives/rpc-wire';

/** What one responder needs from the server that owns it. */
export interface RpcResponderDeps {
  connection: NatsConnection;
  subject: string;
  queue: string;
  handler: MessageHandler;
  tracer: Tracer;
  logger: LoggerService;
  run: RunHandler;
}

/**
 * Serves one `@MessagePattern` over core NATS request/reply: a queue-group subscription
 * (replicas share the requests), JSON in, JSON out, and failures as a `FanoutError` body
 * marked by the `Fanout-Error` header, so callers in any language can tell them apart.
 */
export class RpcResponder {
  private subscription: Subscription | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: RpcResponderDeps) {}

  start(): void {
    const { connection, subject, queue } = this.deps;
    this.subscription = connection.subscribe(subject, {
      queue,
      callback: (error, message) => {
        if (error) {
          this.deps.logger.error(`subscription to ${subject} failed: ${error.message}`);
          return;
        }
        const done = this.answer(message).finally(() => this.inFlight.delete(done));
        this.inFlight.add(done);
      },
    });
  }

  /** Stops taking requests, then waits for the replies already being worked on. */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
  }

  private answer(message: Msg): Promise<void> {
    const { tracer, subject } = this.deps;
    const parent = extractTrace(message.headers, ROOT_CONTEXT);
    const span = tracer.startSpan(
      `serve ${subject}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
      },
      parent,
    );
    return context.with(trace.setSpan(parent, span), async () => {
      try {
        const result = await this.deps.run(
          this.deps.handler,
          this.decode(message),
          natsContext(message),
        );
        this.reply(message, encodeJson(result));
        span.setStatus({ code: SpanStatusCode.OK });
      } catch (thrown) {
        const error: FanoutError = failureOf(thrown);
        span.recordException({ name: error.code, message: error.message });
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        this.reply(message, encodeJson(error), errorHeaders(error, injectTrace()));
      } finally {
        span.end();
      }
    });
  }

  private decode(message: Msg): unknown {
    try {
      return decodeJson(message.data);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidMessageError(message.subject, [`the request is not JSON (${reason})`], {
        cause: error,
      });
    }
  }

  private reply(message: Msg, body: Uint8Array, headers = injectTrace()): void {
    if (!message.reply) return; // a publish without a reply subject asks for no answer
    try {
      message.respond(body, { headers });
    } catch (error) {
      this.deps.logger.error(
        `could not reply to a request on ${this.deps.subject}: ${String(error)}`,
      );
    }
  }
}

function natsContext(message: Msg): NatsContext {
  return new NatsContext([message.subject, message.headers]);
}
