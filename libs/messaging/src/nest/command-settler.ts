import { CodedError } from '@fanout/contracts';
import type { LoggerService } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import type { CommandName, ErrorRecord, FanoutError } from '@fanout/contracts';
import type { Exhaustion } from '../channels/priority-consumer';
import type { ErrorChannel } from '../channels/error-channel';
import { extractTrace, unsampledSpanIn } from '../tracing/propagation';
import { decodeCommands, workflowIdOf, type Decoded } from './decode-command';
import { failureOf, payloadHead, retryableOf } from './failure';
import { JetStreamContext } from './jetstream.context';
import type {
  CommandOutcome,
  InvalidCommand,
  ResolvedCommandConsumerOptions,
} from './jetstream.options';

/** Runs a Nest handler to completion: its promise, then the last value of its stream. */
export type RunHandler = (handler: MessageHandler, data: unknown, ctx: unknown) => Promise<unknown>;

/** What one settler needs from the server that owns it. */
export interface CommandSettlerDeps {
  service: string;
  pattern: CommandName;
  handler: MessageHandler;
  options: ResolvedCommandConsumerOptions;
  errors: ErrorChannel;
  tracer: Tracer;
  logger: LoggerService;
  run: RunHandler;
  onInvalid?: (invalid: InvalidCommand) => Promise<void>;
  onSettled?: (command: CommandName, outcome: CommandOutcome) => void;
}

/**
 * Takes one command of the bus through an `@EventPattern` handler and settles it, so that
 * every message ends in exactly one of: ack (handled), nak with backoff (may succeed
 * later: the handler's error is rethrown for the `PriorityConsumer` to nak, or to
 * dead-letter on the last delivery), or term plus a record on the error channel (never
 * will: invalid, or failed with `retryable: false`).
 * The handler runs in a consumer span that continues the publisher's trace.
 */
export class CommandSettler {
  constructor(private readonly deps: CommandSettlerDeps) {}

  handle(message: JsMsg): Promise<void> {
    const { tracer, pattern } = this.deps;
    const parent = extractTrace(message.headers, ROOT_CONTEXT);
    // A sampled-out trace gets no span of its own here: none would be recorded.
    const span =
      unsampledSpanIn(parent) ??
      tracer.startSpan(
        `process ${message.subject}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'nats',
            'messaging.operation.type': 'process',
            'messaging.destination.name': message.subject,
            'messaging.message.id': String(message.seq),
            'messaging.nats.delivery_count': message.info.deliveryCount,
            'fanout.command': pattern,
          },
        },
        parent,
      );
    return context.with(trace.setSpan(parent, span), () =>
      this.settle(message, span).finally(() => span.end()),
    );
  }

  // term() carries no reason: nats-server 2.9 ignores a `+TERM` with one (and redelivers);
  // the reason goes to the error channel instead.
  private async settle(message: JsMsg, span: Span): Promise<void> {
    const all = decodeCommands(this.deps.pattern, message);
    if (all.length > 1) return this.settleBatch(message, span, all);
    const decoded = all[0]!;
    if (!decoded.ok) {
      const error = failureOf(decoded.error);
      if (decoded.workflowId && this.deps.onInvalid) {
        // Told first: if that fails, the command stays to be told again (nak with backoff).
        await this.deps.onInvalid({
          command: this.deps.pattern,
          workflowId: decoded.workflowId,
          problems: decoded.error.problems.map(splitProblem),
        });
      }
      message.term();
      fail(span, error);
      this.deps.onSettled?.(this.deps.pattern, 'invalid');
      await this.record(message, 'invalid-message', error, decoded.workflowId);
      return;
    }
    const { command } = decoded;
    span.setAttributes({
      'fanout.command_id': command.commandId,
      'fanout.workflow_id': command.workflowId,
      ...(command.type === 'task.report'
        ? { 'fanout.task_id': command.taskId, 'fanout.attempt': command.attempt }
        : {}),
      ...(command.type === 'workflow.submit' ? { 'fanout.depth': command.parent?.depth ?? 0 } : {}),
    });
    try {
      await this.deps.run(this.deps.handler, command, new JetStreamContext(message));
      message.ack();
      span.setStatus({ code: SpanStatusCode.OK });
      this.deps.onSettled?.(this.deps.pattern, 'handled');
    } catch (thrown) {
      const error = failureOf(thrown);
      fail(span, error);
      // May succeed later: the consumer naks it with backoff, or dead-letters the last try.
      if (retryableOf(thrown) !== false) {
        this.deps.onSettled?.(this.deps.pattern, 'retried');
        throw new HandlerFailedError(this.deps.pattern, error);
      }
      this.deps.onSettled?.(this.deps.pattern, 'failed');
      message.term();
      await this.record(message, 'handler-failed', error, command.workflowId);
    }
  }

  /**
   * A worker's reports sent together: each is handled as if it came alone, all at once
   * (they are of many workflows; one workflow's are decided together anyway). The message
   * is acked once every report is handled, or can never be (recorded on the error channel,
   * as a lone one would be). If any may succeed later, the whole message is redelivered:
   * the engine ignores a report of an attempt it has already taken.
   */
  private async settleBatch(message: JsMsg, span: Span, decoded: Decoded[]): Promise<void> {
    const { pattern } = this.deps;
    span.setAttribute('fanout.batch_size', decoded.length);
    const ctx = new JetStreamContext(message);
    const results = await Promise.allSettled(
      decoded.map((item) =>
        item.ok ? this.deps.run(this.deps.handler, item.command, ctx) : Promise.reject(item.error),
      ),
    );
    let retry: FanoutError | undefined;
    for (const [index, result] of results.entries()) {
      const item = decoded[index]!;
      if (result.status === 'fulfilled') {
        this.deps.onSettled?.(pattern, 'handled');
        continue;
      }
      const error = failureOf(result.reason);
      if (!item.ok) {
        this.deps.onSettled?.(pattern, 'invalid');
        await this.record(message, 'invalid-message', error, item.workflowId);
      } else if (retryableOf(result.reason) !== false) {
        this.deps.onSettled?.(pattern, 'retried');
        retry ??= error;
      } else {
        this.deps.onSettled?.(pattern, 'failed');
        await this.record(message, 'handler-failed', error, item.command.workflowId);
      }
    }
    if (retry) {
      fail(span, retry);
      throw new HandlerFailedError(pattern, retry);
    }
    message.ack();
    span.setStatus({ code: SpanStatusCode.OK });
  }

  /**
   * The dead-letter sink of the consumer: a command that used up its deliveries is
   * recorded (kind `deliveries-exhausted`) before the consumer removes it from the bus;
   * if the record cannot be stored this rejects, and the command stays for another try.
   */
  readonly deadLetter = async (message: JsMsg, exhaustion: Exhaustion): Promise<void> => {
    await this.deps.errors.record(
      this.recordOf(
        message,
        'deliveries-exhausted',
        exhaustion.error,
        workflowIdOf(message.data).workflowId,
      ),
    );
  };

  /** A record that cannot be written is logged in full: a termed command is never silent. */
  private async record(
    message: JsMsg,
    kind: string,
    error: FanoutError,
    workflowId: string | undefined,
  ): Promise<void> {
    const record = this.recordOf(message, kind, error, workflowId);
    try {
      await this.deps.errors.record(record);
    } catch (failure) {
      this.deps.logger.error(
        `terminated ${message.subject} (stream seq ${message.seq}) as ${kind}, and could not record it on the error channel: ${String(failure)}; record: ${JSON.stringify(record)}`,
      );
    }
  }

  private recordOf(
    message: JsMsg,
    kind: string,
    error: FanoutError,
    workflowId: string | undefined,
  ): ErrorRecord {
    return {
      service: this.deps.service,
      kind,
      at: Date.now(),
      error,
      subject: message.subject,
      payload: payloadHead(message.data),
      ...(workflowId ? { workflowId } : {}),
    };
  }
}

/**
 * A handler's failure in the wire shape, as an `Error` the consumer can report and turn
 * back into the same `FanoutError` (code, retryable, cause chain) for a dead letter.
 */
class HandlerFailedError extends CodedError {
  readonly code: string;
  readonly retryable: boolean;
  constructor(pattern: string, error: FanoutError) {
    super(`${pattern} handler failed: ${error.message}`, { cause: error.cause });
    this.code = error.code;
    this.retryable = error.retryable;
  }
}

/** `path: message`, as the codec words a problem, back into its two parts. */
function splitProblem(problem: string): { path: string; message: string } {
  const at = problem.indexOf(': ');
  return at < 0
    ? { path: '', message: problem }
    : { path: problem.slice(0, at), message: problem.slice(at + 2) };
}

function fail(span: Span, error: FanoutError): void {
  span.recordException({ name: error.code, message: error.message });
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
