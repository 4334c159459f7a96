import { createHash, randomUUID } from 'node:crypto';
import {
  MONITOR_RESOURCES,
  subjects,
  type LoadSnapshot,
  type ResourcesReport,
  type Priority,
  type Subjects,
  type WorkflowDocument,
  type WorkflowSynthesis,
} from '@fanout/contracts';
import {
  call,
  CommandBus,
  connectNats,
  DataPipeline,
  DeadLetters,
  ErrorChannel,
  EventStream,
  MetricsBus,
  natsConfigFromEnv,
  type ErrorFilter,
  type StoredErrorRecord,
  type StoredEvent,
  type Subscription,
} from '@fanout/messaging';
import { validateDefinition, validateWorkflow } from '@fanout/workflow';
import { ConnectionError, ValidationError } from './errors';
import { probeNats } from './probe';
import { WorkflowHandle } from './workflow-handle';

type Connection = Awaited<ReturnType<typeof connectNats>>;

/** Where Fanout's NATS is; unset fields come from `NATS_URL` and `FANOUT_SUBJECT_PREFIX`. */
export interface ConnectOptions {
  /** Server URLs (or one comma-separated string). */
  servers?: string | string[];
  /** Alias of `servers`, as the services' `NATS_URL`. */
  natsUrl?: string;
  /** Subject prefix of the installation (default `fanout`). */
  prefix?: string;
  /** How long to wait for the first connection before {@link ConnectionError}. */
  connectTimeoutMs?: number;
  /** Environment to read defaults from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/** How to submit a workflow. */
export interface SubmitOptions {
  priority?: Priority;
  /** The same key submits the same workflow once, however often the call is retried. */
  idempotencyKey?: string;
  /** Your own workflow id (letters, digits, `_`, `-`); derived from the key or random otherwise. */
  workflowId?: string;
}

/** How one tool call ended. */
export interface CallOutcome {
  status: WorkflowSynthesis['status'];
  result?: unknown;
  error?: { code: string; message: string; retryable: boolean };
}

/**
 * The way into Fanout for a program: submit workflows, watch them, call one tool. It
 * speaks only through `@fanout/messaging`, so it sees the same subjects, dedup and
 * back-pressure (`BusFullError`) as the services.
 */
export class FanoutClient {
  private readonly bus: CommandBus;
  private readonly stream: EventStream;
  private readonly pipeline: DataPipeline;

  private constructor(
    private readonly connection: Connection,
    /** The subjects of this installation. */
    readonly names: Subjects,
  ) {
    this.bus = new CommandBus(connection, names);
    this.stream = new EventStream(connection, names);
    this.pipeline = new DataPipeline(connection, names);
  }

  /** Connects, failing fast with {@link ConnectionError} when no server answers. */
  static async connect(options: ConnectOptions = {}): Promise<FanoutClient> {
    const env = { ...(options.env ?? process.env) };
    const servers = options.servers ?? options.natsUrl;
    if (servers !== undefined) env['NATS_URL'] = [servers].flat().join(',');
    if (options.prefix !== undefined) env['FANOUT_SUBJECT_PREFIX'] = options.prefix;
    const config = natsConfigFromEnv(env);
    const names = subjects(config.subjectPrefix);
    const timeoutMs = options.connectTimeoutMs ?? 5_000;
    await probeNats(config.servers, timeoutMs);
    try {
      const connection = await connectNats(
        { ...config, name: config.name ?? 'fanout-client' },
        undefined,
        { waitForServer: false },
      );
      return new FanoutClient(connection, names);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectionError(config.servers, reason, { cause: error });
    }
  }

  /**
   * Validates and submits a workflow (an object, or YAML/JSON text). Invalid input throws
   * {@link ValidationError} listing every problem; nothing is sent then.
   */
  async submit(
    workflow: WorkflowDocument | string,
    options: SubmitOptions = {},
  ): Promise<WorkflowHandle> {
    const checked =
      typeof workflow === 'string' ? validateWorkflow(workflow) : validateDefinition(workflow);
    if (!checked.ok) throw new ValidationError(checked.errors);
    const key = options.idempotencyKey;
    const workflowId = options.workflowId ?? (key ? `wf-${digest(key)}` : `wf-${randomUUID()}`);
    await this.bus.publish({
      type: 'workflow.submit',
      commandId: key ? `submit-${digest(key)}` : `submit-${workflowId}`,
      workflowId,
      workflow: checked.workflow,
      priority: options.priority ?? 2,
    });
    return this.workflow(workflowId);
  }

  /** A handle on a workflow submitted earlier (by anyone), by its id. */
  workflow(workflowId: string): WorkflowHandle {
    return new WorkflowHandle(workflowId, this.stream, this.pipeline, async (reason) => {
      await this.bus.publish({
        type: 'workflow.cancel',
        commandId: `cancel-${workflowId}-${randomUUID()}`,
        workflowId,
        reason,
      });
    });
  }

  /**
   * Runs one tool call (`task.call`) and resolves with how it ended; a failed tool is an
   * outcome, not an exception. Throws `TimeoutError` after `timeoutMs` of waiting.
   */
  async call(
    tool: string,
    input: Record<string, unknown>,
    options: { timeoutMs?: number; priority?: Priority } = {},
  ): Promise<CallOutcome> {
    const workflowId = `call-${randomUUID()}`;
    await this.bus.publish({
      type: 'task.call',
      commandId: workflowId,
      workflowId,
      tool,
      input,
      priority: options.priority ?? 2,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    const outcome: CallOutcome = { status: 'failed' };
    const handle = this.workflow(workflowId);
    for await (const event of handle.events({ timeoutMs: (options.timeoutMs ?? 60_000) + 5_000 })) {
      if (event.type === 'TaskSucceeded') outcome.result = event.result;
      if (event.type === 'TaskFailed') outcome.error = event.error;
      if (event.type === 'WorkflowRejected') {
        throw new ValidationError(event.errors);
      }
      if (event.type === 'WorkflowCompleted') {
        outcome.status = event.status;
        outcome.error ??= event.synthesis.tasks.find((task) => task.error)?.error;
      }
    }
    return outcome;
  }

  /**
   * Every workflow's events, from the oldest still kept, then live, as logged (a result
   * too large to travel inline comes as its reference): what a live list of workflows
   * follows. Stop it with `stop()`.
   */
  everyEvent(): Promise<Subscription<StoredEvent>> {
    return this.stream.subscribe({}, 'all', { results: 'refs', order: 'log' });
  }

  /**
   * Task attempts that used up their deliveries, kept per tool until someone retries them
   * (back on their queue, as they were) or discards them: what `fanout dlq` works on.
   */
  deadLetters(): DeadLetters {
    return new DeadLetters(this.connection, this.names, 'fanout-client');
  }

  /**
   * The error channel's records (invalid messages, failed handlers: whatever a service met
   * and could not act on), of one service or kind or all, oldest first, as kept now.
   */
  errorRecords(filter: ErrorFilter = {}): Promise<StoredErrorRecord[]> {
    return new ErrorChannel(this.connection, this.names).read(filter);
  }

  /**
   * Every worker instance's load (slots busy and free per pool): the latest snapshot each
   * instance left, stopped ones included (look at `at`), then each new one every few
   * seconds, for as long as it is iterated. What a progress display shows beside the
   * phases. Stop it with `stop()`.
   */
  load(): Promise<Subscription<LoadSnapshot>> {
    return new MetricsBus(this.connection, this.names).follow();
  }

  /**
   * The services' instances as they last reported (load snapshots kept for about ten
   * minutes); one whose `at` is older than a few of its 5 s ticks has stopped.
   */
  instances(): Promise<LoadSnapshot[]> {
    return new MetricsBus(this.connection, this.names).latest();
  }

  /** Whether the connection to NATS is closed for good. */
  isClosed(): boolean {
    return this.connection.isClosed();
  }

  /** Whether the connection is draining, on its way to closed. */
  isDraining(): boolean {
    return this.connection.isDraining();
  }

  /**
   * The monitor's view (`fanout resources`): the allocation matrix in percent, every
   * instance, what waits per tool and priority, and its latest decisions. A `RemoteError`
   * with code `NO_RESPONDERS` when no monitor runs.
   */
  resources(timeoutMs = 5_000): Promise<ResourcesReport> {
    return call(this.connection, MONITOR_RESOURCES, {}, { names: this.names, timeoutMs });
  }

  /** Lets go of NATS after everything sent has been flushed. */
  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }
}

/** A short stable digest, to turn any idempotency key into a subject-safe id. */
function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
