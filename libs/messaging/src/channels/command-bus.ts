import { jetstream, JetStreamApiError, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Command,
  Priority,
  subjects,
  type CommandName,
  type ReportTask,
  type Subjects,
} from '@fanout/contracts';
import type { z } from 'zod';
import { BusFullError } from '../errors';
import { publishTraced } from '../tracing/propagation';
import { decode, encode, encodeJson } from './codec';
import { checkBodySize } from './message-size';
import { missingStreamOf } from './missing-stream';
import type { PriorityLevel } from './priority-consumer';

/** The priority of a command that carries none and is not a cancel (`task.report`). */
export const DEFAULT_COMMAND_PRIORITY: Priority = 2;

/**
 * A cancel goes at p0 whoever sends it: stopping work is never behind starting more, and a
 * cancel that waited behind a flood of submits would let that work run for nothing.
 */
const CANCEL_PRIORITY: Priority = 0;

/** What the bus said about one publish. */
export interface CommandReceipt {
  subject: string;
  /** Stream sequence of the stored command (of the original, for a duplicate). */
  seq: number;
  /** True when a command with this `commandId` was already on the bus: nothing new was stored. */
  duplicate: boolean;
}

/** JetStream's "store failed" code; its description says which limit refused the message. */
const STORE_FAILED = 10077;
const LIMIT_REACHED = /maximum (messages|bytes) exceeded/i;

/**
 * The command bus: how any service asks Fanout to do something. Commands are validated
 * before they leave, deduplicated by `commandId` (a publisher may retry blindly), and a
 * full bus answers with {@link BusFullError} instead of dropping the command, so that
 * back-pressure reaches the publisher.
 */
export class CommandBus {
  private readonly js: JetStreamClient;
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
  }

  /**
   * Publishes one command on `<prefix>.cmd.p<priority>.<type>`. The priority is the
   * option's, else the command's own, else p0 for a cancel and
   * {@link DEFAULT_COMMAND_PRIORITY} for the rest. A command larger than one message may
   * carry throws `MessageTooLargeError` before anything is sent.
   */
  async publish(
    command: z.input<typeof Command>,
    options: { priority?: Priority; timeoutMs?: number } = {},
  ): Promise<CommandReceipt> {
    const where = this.names.commands();
    const { value, data } = encode(Command, command, where);
    const priority = Priority.parse(options.priority ?? priorityOf(value));
    const subject = this.names.command(value.type, priority);
    checkBodySize(this.connection, subject, data);
    try {
      const attributes = {
        'fanout.command': value.type,
        'fanout.workflow_id': value.workflowId,
        ...(value.type === 'task.report'
          ? { 'fanout.task_id': value.taskId, 'fanout.attempt': value.attempt }
          : {}),
      };
      const ack = await publishTraced(subject, attributes, (headers) =>
        this.js.publish(subject, data, {
          msgID: value.commandId,
          headers,
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        }),
      );
      return { subject, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      throw await this.refused(subject, `command ${value.commandId}`, error);
    }
  }

  /**
   * Publishes reports already validated (`ReportBatcher` checks each as it comes) as one
   * message, a JSON array, on `<prefix>.cmd.p<priority>.task.report`, with the message id
   * `<first commandId>+<count>`: a publish repeated after a timeout is stored once. The
   * orchestrator handles each as if it came alone (`decodeCommands`).
   */
  async publishReports(
    reports: readonly ReportTask[],
    priority: Priority,
  ): Promise<CommandReceipt> {
    const subject = this.names.command('task.report', priority);
    const data = encodeJson(reports);
    checkBodySize(this.connection, subject, data);
    const first = reports[0]!.commandId;
    try {
      const attributes = { 'fanout.command': 'task.report', 'fanout.batch_size': reports.length };
      const ack = await publishTraced(subject, attributes, (headers) =>
        this.js.publish(subject, data, { msgID: `${first}+${reports.length}`, headers }),
      );
      return { subject, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      throw await this.refused(subject, `${reports.length} reports from ${first}`, error);
    }
  }

  /** Why a publish was refused, as the publisher should hear it. */
  private async refused(subject: string, what: string, error: unknown): Promise<Error> {
    if (isLimitReached(error)) return new BusFullError(subject, { cause: error });
    const missing = await missingStreamOf(this.connection, subject, error);
    if (missing) return missing;
    const reason = error instanceof Error ? error.message : String(error);
    return new Error(`${what} was not accepted on ${subject}: ${reason}`, { cause: error });
  }
}

function priorityOf(command: Command): Priority {
  if ('priority' in command) return command.priority;
  return command.type === 'workflow.cancel' ? CANCEL_PRIORITY : DEFAULT_COMMAND_PRIORITY;
}

function isLimitReached(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    error.code === STORE_FAILED &&
    LIMIT_REACHED.test(error.apiError().description)
  );
}

/**
 * The levels a {@link PriorityConsumer} of one command reads (in the stream
 * `names.commandStream(command)`): one durable per priority, p0 first. Every replica of a
 * service passes the same `durablePrefix`, so they share work.
 */
export function commandLevels(
  names: Subjects,
  durablePrefix: string,
  command: CommandName,
): PriorityLevel[] {
  return ([0, 1, 2, 3, 4] as const).map((priority) => ({
    durable: `${durablePrefix}_p${priority}`,
    filterSubject: names.command(command, priority),
  }));
}

/** Reads a command off the bus; an invalid one throws `InvalidMessageError` (never valid). */
export function decodeCommand(message: JsMsg): Command {
  return decode(Command, message.data, message.subject);
}
