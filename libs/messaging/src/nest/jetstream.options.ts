import type { NatsConnection } from '@nats-io/transport-node';
import type { CommandName, Priority } from '@fanout/contracts';
import { DELIVERY_DEFAULTS, deliveryProblems, DeliveryOptions } from '../channels/delivery-options';
import type { NatsConfig } from '../connection/nats-config';

/**
 * Where a transport gets its connection: one the application already holds (from
 * `MessagingModule`, never closed by the transport), or a config to open its own (drained
 * when the transport closes). Neither: `natsConfigFromEnv()`.
 */
export interface TransportConnectionOptions {
  /** A connection to borrow; the transport never closes it. */
  connection?: NatsConnection;
  /** How to open a connection of the transport's own, when none is lent. */
  config?: NatsConfig;
  /**
   * Root of every subject and stream name. Default: the config's `subjectPrefix`
   * (`FANOUT_SUBJECT_PREFIX`, else `fanout`).
   */
  prefix?: string;
}

/**
 * How `@EventPattern` handlers consume the command bus. The defaults follow the design:
 * a worker that stops heartbeating is detected after ackWait (15 s), a live one says
 * `working()` every 5 s, and a command is tried at most `maxDeliver` times.
 */
export interface CommandConsumerOptions {
  /** Handler calls of one pattern running at once, in this process. Default 8. */
  concurrency?: number;
  /** Redelivery after this long without an ack or heartbeat. Default 15 000 ms. */
  ackWaitMs?: number;
  /** `working()` interval for a message a handler still holds. Default 5 000 ms. */
  heartbeatMs?: number;
  /**
   * Deliveries before a command that keeps failing is terminated and recorded on the
   * error channel (kind `deliveries-exhausted`). Default 5.
   */
  maxDeliver?: number;
  /**
   * Delay before redelivery after the n-th failed delivery (the last entry repeats).
   * Default [1 000, 5 000, 15 000] ms.
   */
  backoffMs?: number[];
  /**
   * Messages each priority level keeps pulled and waiting for a free slot (held by this
   * replica and heartbeated). Enough to keep every slot fed lets a busy handler take its
   * next command without waiting for a pull round trip (with 1, throughput fell to a fifth
   * of raw JetStream in `npm run bench -- messaging`); fewer leaves more of a backlog to
   * other replicas. Default: the handler's `concurrency`.
   */
  prefetch?: number;
  /**
   * Prefix of the durable consumer names, one per command and priority
   * (`<durablePrefix>_task_call_p0`). Every replica of a service uses the same names, so
   * they share the work. Default `cmd`.
   */
  durablePrefix?: string;
}

/** How the handling of one command ended. */
export type CommandOutcome = 'handled' | 'retried' | 'failed' | 'invalid';

/** A command that can never be handled, of a workflow its payload names. */
export interface InvalidCommand {
  command: CommandName;
  workflowId: string;
  /** Every problem, each with the path in the payload where it is. */
  problems: { path: string; message: string }[];
}

/** What a `JetStreamServer` needs beyond its connection. */
export interface JetStreamServerOptions extends TransportConnectionOptions {
  /**
   * The service name failures are recorded under, on `<prefix>.err.<service>.<kind>`;
   * also the OpenTelemetry instrumentation scope. Required: an error record must say where
   * it came from.
   */
  service: string;
  /** Defaults for every `@EventPattern` handler; `extras` of one handler override them. */
  commands?: CommandConsumerOptions;
  /**
   * Told of an invalid command whose payload names its workflow, before the command is
   * terminated and recorded on the error channel: the orchestrator rejects a workflow
   * whose submit was invalid, so a client watching the workflow's events learns it. If it
   * throws, the command is not terminated but tried again later.
   */
  onInvalidCommand?: (invalid: InvalidCommand) => Promise<void>;
  /**
   * Told how each command ended: `handled` (acked), `retried` (its handler failed and it
   * comes again), `failed` (it never will), `invalid` (it broke its contract). For metrics.
   */
  onCommandSettled?: (command: CommandName, outcome: CommandOutcome) => void;
  /**
   * Queue group of every `@MessagePattern` subscription. Default: the request subject,
   * so that each method is load-balanced across the replicas that serve it.
   */
  rpcQueue?: string;
}

/**
 * Per-handler overrides, given as the `extras` of a pattern decorator:
 * `@EventPattern('task.call', { concurrency: 32 })`, `@MessagePattern('status.get', { queue })`.
 */
export interface JetStreamHandlerExtras {
  /** For an `@EventPattern`: how many calls of this handler may run at once. */
  concurrency?: number;
  /** For a `@MessagePattern`: the queue group of its subscription. */
  queue?: string;
}

/** What a `JetStreamClient` needs beyond its connection. */
export interface JetStreamClientOptions extends TransportConnectionOptions {
  /** Longest wait for the reply to `send()`. Default 5 000 ms. */
  timeoutMs?: number;
  /**
   * Priority of an emitted command that carries none (`workflow.cancel`, `task.report`);
   * a command's own `priority` field wins. Default 2.
   */
  defaultPriority?: Priority;
}

/** The consumer options with every default filled in. */
export type ResolvedCommandConsumerOptions = Required<CommandConsumerOptions>;

/** Fills in the defaults of {@link CommandConsumerOptions} and checks what they must satisfy. */
export function resolveCommandOptions(
  options: CommandConsumerOptions = {},
): ResolvedCommandConsumerOptions {
  const concurrency = options.concurrency ?? 8;
  const problems = deliveryProblems(options);
  const resolved: ResolvedCommandConsumerOptions = {
    concurrency,
    ...(problems.length === 0 ? DeliveryOptions.parse(options) : DELIVERY_DEFAULTS),
    prefetch: options.prefetch ?? concurrency,
    durablePrefix: options.durablePrefix ?? 'cmd',
  };
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1)
    problems.unshift(`concurrency must be a positive integer, got ${resolved.concurrency}`);
  if (!Number.isInteger(resolved.prefetch) || resolved.prefetch < 1)
    problems.push(`prefetch must be a positive integer, got ${resolved.prefetch}`);
  if (!/^[A-Za-z0-9_-]+$/.test(resolved.durablePrefix))
    problems.push(
      `durablePrefix "${resolved.durablePrefix}" may use only letters, digits, "_" and "-"`,
    );
  if (problems.length > 0)
    throw new Error(`invalid JetStream command options: ${problems.join('; ')}`);
  return resolved;
}
