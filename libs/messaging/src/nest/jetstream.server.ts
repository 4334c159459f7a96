import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { trace, type Tracer } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import { isObservable, lastValueFrom } from 'rxjs';
import { ErrorChannel } from '../channels/error-channel';
import { PriorityConsumer } from '../channels/priority-consumer';
import { CommandSettler, type RunHandler } from './command-settler';
import {
  resolveCommandOptions,
  type JetStreamHandlerExtras,
  type JetStreamServerOptions,
} from './jetstream.options';
import { INSTRUMENTATION, commandPattern, durableName, rpcSubject } from './patterns';
import { isHiddenByNest } from './jetstream-exception.filter';
import { RpcResponder } from './rpc-responder';
import { openTransportConnection, type TransportConnection } from './transport-connection';

/** Identifies this transport, for `@EventPattern(pattern, JETSTREAM_TRANSPORT)` in hybrid apps. */
export const JETSTREAM_TRANSPORT = Symbol.for('fanout.messaging.JetStreamTransport');

type Status = 'connected' | 'closed';

/**
 * The NestJS side of the command bus. `@EventPattern('<command>')` handlers consume the
 * bus through durable pull consumers (one per command and priority, p0 served most), at
 * most `concurrency` at a time, with heartbeats while they run; a command is acked when
 * its handler succeeds, retried with backoff when it fails and may succeed later, and
 * terminated and recorded on the error channel when it can never succeed.
 * `@MessagePattern('<service>.<method>')` handlers answer requests over core NATS.
 */
export class JetStreamServer
  extends Server<Record<string, never>, Status>
  implements CustomTransportStrategy
{
  override readonly transportId = JETSTREAM_TRANSPORT;
  /** Event handler failures come back to the transport, which settles and records them. */
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(JetStreamServer.name);

  private transport: TransportConnection | undefined;
  private readonly consumers: PriorityConsumer[] = [];
  private readonly responders: RpcResponder[] = [];
  /** Taken at listen(), from whatever tracer provider the process registered by then. */
  private tracer: Tracer = trace.getTracer(INSTRUMENTATION);

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    if (!options.service) throw new Error('JetStreamServer: options.service is required');
    resolveCommandOptions(options.commands); // fail at construction, not at listen
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.tracer = trace.getTracer(INSTRUMENTATION);
      this.transport = await openTransportConnection(this.options, {
        info: (message) => this.logger.log(message),
        warn: (message) => this.logger.warn(message),
      });
      for (const [pattern, handler] of this.messageHandlers) {
        if (handler.isEventHandler) await this.bindCommand(this.transport, pattern, handler);
        else this.bindRequest(this.transport, pattern, handler);
      }
      this._status$.next('connected');
      callback();
    } catch (error) {
      await this.close().catch(() => undefined);
      callback(error);
    }
  }

  /** Stops taking work, lets handlers in flight finish and settle, then lets go of NATS. */
  async close(): Promise<void> {
    const consumers = this.consumers.splice(0);
    const responders = this.responders.splice(0);
    await Promise.all([
      ...consumers.map((consumer) => consumer.stop()),
      ...responders.map((responder) => responder.stop()),
    ]);
    const transport = this.transport;
    this.transport = undefined;
    if (transport?.owned && !transport.connection.isClosed()) await transport.connection.drain();
    this._status$.next('closed');
  }

  /** The connection, once listening. */
  unwrap<T = NatsConnection>(): T {
    if (!this.transport) throw new Error('JetStreamServer: not listening; call listen() first');
    return this.transport.connection as T;
  }

  /** No events of its own: follow `status` for connected/closed. */
  on(event: string): never {
    throw new Error(`JetStreamServer emits no '${event}' events; subscribe to its status instead`);
  }

  private hinted = false;
  /** Runs a Nest handler to completion; rxjs only for a handler that returns a stream. */
  private readonly run: RunHandler = async (handler, data, ctx) => {
    try {
      const result: unknown = await handler(data, ctx);
      return isObservable(result)
        ? await lastValueFrom(result, { defaultValue: undefined })
        : result;
    } catch (thrown) {
      if (isHiddenByNest(thrown) && !this.hinted) {
        this.hinted = true;
        this.logger.warn(
          'a handler failed and Nest replaced its error with "Internal server error", so it is retried as if retryable; register JetStreamExceptionFilter to let the transport see the error itself',
        );
      }
      throw thrown;
    }
  };

  private async bindCommand(
    { connection, names }: TransportConnection,
    pattern: string,
    handler: MessageHandler,
  ): Promise<void> {
    const command = commandPattern(pattern);
    const extras = (handler.extras ?? {}) as JetStreamHandlerExtras;
    const options = resolveCommandOptions({
      ...this.options.commands,
      ...(extras.concurrency === undefined ? {} : { concurrency: extras.concurrency }),
    });
    const settler = new CommandSettler({
      service: this.options.service,
      pattern: command,
      handler,
      options,
      errors: new ErrorChannel(connection, names),
      tracer: this.tracer,
      logger: this.logger,
      run: this.run,
      ...(this.options.onInvalidCommand ? { onInvalid: this.options.onInvalidCommand } : {}),
      ...(this.options.onCommandSettled ? { onSettled: this.options.onCommandSettled } : {}),
    });
    const consumer = await PriorityConsumer.create(connection, {
      stream: names.commandStream(command),
      levels: ([0, 1, 2, 3, 4] as const).map((priority) => ({
        durable: durableName(options.durablePrefix, command, priority),
        filterSubject: names.command(command, priority),
      })),
      concurrency: options.concurrency,
      ackWaitMs: options.ackWaitMs,
      heartbeatMs: options.heartbeatMs,
      maxDeliver: options.maxDeliver,
      backoffMs: options.backoffMs,
      prefetch: options.prefetch,
      deadLetter: settler.deadLetter,
      onError: (error) => this.logger.warn(error.message),
    });
    this.consumers.push(consumer);
    consumer.start((message) => settler.handle(message));
  }

  private bindRequest(
    { connection, names }: TransportConnection,
    pattern: string,
    handler: MessageHandler,
  ): void {
    const subject = rpcSubject(names, pattern);
    const extras = (handler.extras ?? {}) as JetStreamHandlerExtras;
    const responder = new RpcResponder({
      connection,
      subject,
      queue: extras.queue ?? this.options.rpcQueue ?? subject,
      handler,
      tracer: this.tracer,
      logger: this.logger,
      run: this.run,
    });
    responder.start();
    this.responders.push(responder);
  }
}
