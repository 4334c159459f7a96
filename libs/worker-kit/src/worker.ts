import {
  MONITOR_LIMITS,
  subjects,
  TOOLS,
  type Broadcast,
  type Subjects,
  type TaskEnvelope,
} from '@fanout/contracts';
import {
  Broadcaster,
  call,
  CommandBus,
  DataPipeline,
  DeadLetters,
  decodeTask,
  ErrorChannel,
  HeldMessage,
  maxBodyBytes,
  MetricsBus,
  PriorityConsumer,
  ReportBatcher,
  StoredResults,
  TaskQueue,
  taskLevels,
  ToolResultCache,
  type DeadLetterSink,
  type Subscription,
} from '@fanout/messaging';
import { NetworkBytes } from './byte-meters';
import { CallStats } from './call-stats';
import { Cancellations } from './cancellations';
import { invalidTaskRecord, reportingDeadLetterSink } from './last-resorts';
import { PreemptedError, WorkerDrainingError } from './errors';
import { preemptionVictim } from './preemption';
import { SlotChooser, type WaitingCall } from './slot-chooser';
import { poolsUnderLimits } from './pool-limits';
import { resolvePools } from './pools';
import { Reporter } from './reporter';
import type { ResultStore } from './result-reuse';
import { heartbeatPublisher } from './service-heartbeats';
import type { AttemptInterceptor } from './interceptors/attempt-interceptor';
import { countAttempt } from './interceptors/count-attempt';
import { traceAttempt } from './interceptors/trace-attempt';
import { TaskRunner, type Disposition } from './task-runner';
import type { Connection, TaskMessage } from './transport-types';
import { checkToken, checkTools, defaultInstance } from './worker-checks';
import {
  DEFAULT_DRAIN_GRACE_MS,
  resolveTiming,
  warningLogger,
  type AnyTool,
  type ToolRegistry,
  type WorkerLogger,
  type WorkerOptions,
  type WorkerTiming,
} from './worker-options';
import { ServiceVitals, type PoolLoad } from './service-vitals';

/**
 * Stored values (inputs, agents' rounds) kept after reading: an agent task's rounds are
 * read again by each of its later attempts, from whichever worker takes it.
 */
const STORED_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Messages buffered per priority level, per slot: a pool pulls more than it runs so that
 * its choice (a class's reserved slot, another workflow's fair share) sees more than the
 * head of the queue, and few enough that a backlog still spreads over replicas.
 */
const DEFAULT_LOOKAHEAD = 2;

/** How often a full pool looks for a p0 task waiting behind lower-priority work. */
const PREEMPT_CHECK_MS = 200;

/** A task message as read: its envelope or why it has none, and its call for the pool's choice. */
type ReadTask = { call: WaitingCall } & ({ envelope: TaskEnvelope } | { invalid: unknown });

/** Where a worker is in its life; it runs once (start, drain) and is not restarted. */
export type WorkerState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

/** What became of the task messages a worker took, since it started. */
export type WorkerCounts = Record<Disposition, number>;

/**
 * The runtime every worker shares: hosts tools by catalogue name, each with a pool of
 * slots, and reads each tool's task queue with a {@link PriorityConsumer} whose concurrency
 * is the pool's size, buffering a few messages per slot and priority level so that
 * priority, class reservations and workflow weights choose what starts ({@link SlotChooser}). Each task goes
 * through a {@link TaskRunner}. Load snapshots and heartbeats go out every few seconds;
 * `cancel` broadcasts abort running tasks; {@link Worker.drain} stops without losing any.
 */
export class Worker {
  readonly service: string;
  readonly instance: string;
  /** Slots per tool at start, as resolved from options, environment and defaults. */
  readonly basePools: ReadonlyMap<string, number>;
  /** Slots per tool now: the start's, or what the latest `limits` broadcast made them. */
  private readonly sizes: Map<string, number>;
  private readonly connection: Connection;
  private readonly names: Subjects;
  private readonly tools: ToolRegistry;
  private readonly timing: WorkerTiming;
  private readonly maxDeliver: number;
  private readonly logger: WorkerLogger;
  private readonly stopping = new AbortController();
  private readonly cancellations: Cancellations;
  private readonly reporter: Reporter;
  private readonly vitals: ServiceVitals;
  private readonly consumers = new Map<string, PriorityConsumer>();
  private readonly choosers = new Map<string, SlotChooser>();
  /**
   * What each buffered message is, read once: the pool's choice looks at it on every pick
   * and its runner needs the envelope; a second check of the same bytes would find the same.
   */
  private readonly read = new WeakMap<TaskMessage, ReadTask>();
  private readonly counts: WorkerCounts = { acked: 0, returned: 0, terminated: 0 };
  private broadcasts: Subscription<Broadcast> | undefined;
  private preemptions: NodeJS.Timeout | undefined;
  private readonly callStats = new CallStats();
  private readonly networkBytes = new NetworkBytes();
  private results: ResultStore | undefined;
  private stored: StoredResults | undefined;
  private started: Promise<void> | undefined;
  private drained: Promise<WorkerCounts> | undefined;
  #state: WorkerState = 'idle';

  constructor(private readonly options: WorkerOptions) {
    this.connection = options.connection;
    this.names = options.names ?? subjects();
    this.service = checkToken('service', options.service);
    this.instance = checkToken('instance', options.instance ?? defaultInstance());
    this.tools = checkTools(options.tools);
    this.basePools = resolvePools(Object.keys(this.tools), {
      pools: options.pools,
      env: options.env ?? process.env,
      defaults: options.defaultPools,
    });
    this.sizes = new Map(this.basePools);
    if (
      options.lookahead !== undefined &&
      !(Number.isInteger(options.lookahead) && options.lookahead >= 1)
    ) {
      throw new Error(
        `worker lookahead must be a whole number of 1 or more, got ${options.lookahead}`,
      );
    }
    const unhosted = Object.keys(options.shares ?? {}).filter((tool) => !this.basePools.has(tool));
    if (unhosted.length > 0) {
      throw new Error(`shares names ${unhosted.join(', ')}, which this worker does not host`);
    }
    this.timing = resolveTiming(options.timing);
    this.maxDeliver = options.maxDeliver ?? 5;
    this.logger = options.logger ?? warningLogger;
    this.cancellations = new Cancellations(this.timing.cancelMemoryMs);
    this.reporter = new Reporter(
      // The reports of one turn travel together (one message, one round trip).
      new ReportBatcher(new CommandBus(this.connection, this.names), maxBodyBytes(this.connection)),
      this.instance,
      this.logger,
      this.stopping.signal,
    );
    this.vitals = new ServiceVitals(
      {
        service: this.service,
        instance: this.instance,
        pools: () => this.load(),
        calls: () => this.callStats.window(),
        networkBytes: () => this.networkBytes.totals(),
      },
      new MetricsBus(this.connection, this.names),
      heartbeatPublisher(this.connection, this.names),
      this.timing.vitalsMs,
      this.logger,
    );
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Outcomes of the messages taken so far. */
  get handled(): Readonly<WorkerCounts> {
    return { ...this.counts };
  }

  /** Slots per tool, right now. */
  get pools(): ReadonlyMap<string, number> {
    return this.sizes;
  }

  /**
   * Resizes pools at run time (a `limits` broadcast, or the host): more slots start
   * waiting tasks at once; fewer let the running ones finish. Tools not hosted are
   * ignored. Returns the pools whose size changed.
   */
  resize(sizes: ReadonlyMap<string, number>): string[] {
    const changed: string[] = [];
    for (const [tool, slots] of sizes) {
      if (!this.sizes.has(tool) || this.sizes.get(tool) === slots) continue;
      this.sizes.set(tool, slots);
      this.consumers.get(tool)?.resize(slots);
      changed.push(`${tool}=${slots}`);
    }
    return changed;
  }

  /** Slots busy and free per pool, right now. */
  load(): PoolLoad[] {
    return [...this.pools].map(([pool, size]) => ({
      pool,
      size,
      busy: this.consumers.get(pool)?.inFlight ?? 0,
    }));
  }

  /**
   * Starts taking tasks: listens for cancel broadcasts first (so none is missed), then
   * creates or joins each tool's durable consumers and starts them. Resolves once every
   * pool is pulling. Calling it again returns the same start.
   */
  start(): Promise<void> {
    this.started ??= this.begin();
    return this.started;
  }

  /**
   * Stops gracefully: pulls nothing more, gives buffered messages back at once, lets the
   * tasks in flight finish within `graceMs`, then aborts the rest and gives them back (nak)
   * so another worker runs them. No task is lost. Resolves with the outcome counts once
   * every slot is empty. Calling it again returns the same drain.
   */
  drain(graceMs: number = DEFAULT_DRAIN_GRACE_MS): Promise<WorkerCounts> {
    this.drained ??= this.stop(graceMs);
    return this.drained;
  }

  private async begin(): Promise<void> {
    if (this.#state !== 'idle')
      throw new Error(`worker ${this.instance} was already ${this.#state}`);
    this.#state = 'starting';
    this.vitals.start();
    try {
      this.broadcasts = await new Broadcaster(this.connection, this.names).subscribe({
        onInvalid: (error) => this.logger.warn(`ignored an invalid broadcast: ${error.message}`),
      });
      void this.listen(this.broadcasts);
      const deadLetters = reportingDeadLetterSink(
        new DeadLetters(this.connection, this.names, this.service),
        this.reporter,
      );
      await this.askLimits();
      await Promise.all(Object.values(this.options.shares ?? {}).map((pool) => pool.ready?.()));
      for (const [tool, slots] of this.pools) {
        const chooser = new SlotChooser(this.options.shares?.[tool]?.shares);
        // A consumer starts with a slot at least; a pool a broadcast paused meanwhile is resized to 0.
        const consumer = await this.consumer(tool, Math.max(1, slots), deadLetters, chooser);
        if (slots === 0) consumer.resize(0);
        this.consumers.set(tool, consumer);
        this.choosers.set(tool, chooser);
      }
      this.results = await this.openResults();
      this.stored = await StoredResults.open(this.connection, this.names, {
        cacheBytes: STORED_CACHE_BYTES,
      });
    } catch (error) {
      await this.shutdown(0).catch(() => undefined);
      throw new Error(`worker ${this.instance} could not start on ${this.names.streams.tasks}`, {
        cause: error,
      });
    }
    for (const [tool, consumer] of this.consumers) {
      const runner = this.runner(tool, this.tools[tool] as AnyTool);
      const chooser = this.choosers.get(tool) as SlotChooser;
      consumer.start(async (message) => {
        const { call } = this.readTask(tool, message);
        chooser.started(call);
        try {
          this.counts[await runner.handle(message)]++;
        } finally {
          chooser.ended(call);
        }
      });
    }
    this.#state = 'running';
    if (this.timing.preemptAfterMs > 0) {
      this.preemptions = setInterval(() => this.preempt(), PREEMPT_CHECK_MS);
    }
    this.vitals.enter('ready');
    this.observe();
    const sizes = [...this.pools].map(([tool, slots]) => `${tool}=${slots}`).join(', ');
    this.logger.log(`worker ${this.instance} of ${this.service} is taking tasks: ${sizes}`);
  }

  private async stop(graceMs: number): Promise<WorkerCounts> {
    await this.started?.catch(() => undefined);
    return this.shutdown(graceMs);
  }

  private async shutdown(graceMs: number): Promise<WorkerCounts> {
    if (this.#state === 'stopped') return this.handled;
    this.#state = 'draining';
    clearInterval(this.preemptions);
    this.vitals.enter('draining');
    const busy = this.load().reduce((sum, pool) => sum + pool.busy, 0);
    this.logger.log(
      `worker ${this.instance} draining: ${busy} tasks in flight, ${graceMs} ms grace`,
    );
    const timer = setTimeout(
      () => this.stopping.abort(new WorkerDrainingError(this.instance, graceMs)),
      graceMs,
    );
    try {
      await Promise.all([...this.consumers.values()].map((consumer) => consumer.stop()));
    } finally {
      clearTimeout(timer);
      this.stopping.abort(new WorkerDrainingError(this.instance, graceMs));
      await this.broadcasts?.stop().catch(() => undefined);
      this.vitals.stop();
      this.#state = 'stopped';
    }
    const { acked, returned, terminated } = this.counts;
    this.logger.log(
      `worker ${this.instance} stopped: ${acked} tasks reported, ${returned} given back, ${terminated} invalid`,
    );
    return this.handled;
  }

  private async consumer(
    tool: string,
    slots: number,
    deadLetter: DeadLetterSink,
    chooser: SlotChooser,
  ): Promise<PriorityConsumer> {
    const consumer: PriorityConsumer = await PriorityConsumer.create(this.connection, {
      stream: this.names.streams.tasks,
      levels: taskLevels(this.names, tool),
      concurrency: slots,
      // More than the pool runs: a free slot never waits a round trip, and the choice sees past the head.
      prefetch: slots * (this.options.lookahead ?? DEFAULT_LOOKAHEAD),
      choose: (level, buffers) =>
        chooser.choose(
          level,
          buffers,
          { size: consumer.concurrency, busy: consumer.inFlight },
          (message) => this.readTask(tool, message).call,
        ),
      ackWaitMs: this.timing.ackWaitMs,
      heartbeatMs: this.timing.heartbeatMs,
      maxDeliver: this.maxDeliver,
      deadLetter,
      onError: (error) => this.logger.warn(error.message),
    });
    return consumer;
  }

  /**
   * A message read once, as delivered (a handler's {@link HeldMessage} is the same
   * message): its envelope, or why it is none, and what it is to its pool's choice, its
   * workflow, weight and class. A message that does not decode is nobody's and of no
   * class; its runner records it.
   */
  private readTask(tool: string, message: TaskMessage): ReadTask {
    const delivered = message instanceof HeldMessage ? message.raw : message;
    let read = this.read.get(delivered);
    if (read) return read;
    try {
      const envelope = decodeTask(delivered);
      const call = {
        workflowId: envelope.workflowId,
        weight: envelope.weight ?? 1,
        kind: this.options.shares?.[tool]?.classOf(envelope),
      };
      read = { envelope, call };
    } catch (error) {
      read = { invalid: error, call: { workflowId: '', weight: 1 } };
    }
    this.read.set(delivered, read);
    return read;
  }

  /**
   * The shared results, when a hosted tool's results may be reused and the options allow
   * it. A worker that cannot open them runs every call instead, and says so.
   */
  private async openResults(): Promise<ResultStore | undefined> {
    const reusable = [...this.pools.keys()].some(
      (tool) => TOOLS[tool as keyof typeof TOOLS]?.cache,
    );
    const env = this.options.env ?? process.env;
    const off = this.options.reuseResults === false || env['FANOUT_REUSE_RESULTS'] === 'off';
    if (!reusable || off) return undefined;
    try {
      return await ToolResultCache.open(this.connection, { names: this.names });
    } catch (error) {
      this.logger.warn(`results will not be reused: ${String(error)}`);
      return undefined;
    }
  }

  /** Tracing outermost, so the metrics and a host's own interceptors run inside its span. */
  private get interceptors(): AttemptInterceptor[] {
    const { metrics, interceptors = [] } = this.options;
    return [
      traceAttempt,
      ...(metrics ? [countAttempt(metrics)] : []),
      this.callStats.interceptor(),
      this.networkBytes.interceptor(),
      ...interceptors,
    ];
  }

  private runner(tool: string, run: AnyTool): TaskRunner {
    const pipeline = new DataPipeline(this.connection, this.names);
    const errors = new ErrorChannel(this.connection, this.names);
    return new TaskRunner({
      tool,
      run,
      contract: TOOLS[tool as keyof typeof TOOLS],
      reporter: this.reporter,
      cancellations: this.cancellations,
      timing: this.timing,
      logger: this.logger,
      stopping: this.stopping.signal,
      decode: (message) => {
        const read = this.readTask(tool, message);
        if ('invalid' in read) throw read.invalid;
        return read.envelope;
      },
      openStream: (task) => pipeline.producer(task),
      recordInvalid: (message, error) =>
        errors.record(invalidTaskRecord(this.service, message, error)),
      stored: this.storedResults(),
      interceptors: this.interceptors,
      ...(this.results ? { results: this.results } : {}),
    });
  }

  /** At each scrape of the metrics: this worker's pools, and what waits on its tools' queues. */
  private observe(): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const queue = new TaskQueue(this.connection, this.names);
    metrics.collect(async (set) => {
      for (const { pool, size, busy } of this.load()) {
        set('fanout_pool_slots', { tool: pool, state: 'busy' }, busy);
        set('fanout_pool_slots', { tool: pool, state: 'free' }, size - busy);
      }
      for (const tool of this.pools.keys()) {
        let oldestMs = 0;
        for (const level of await queue.backlog(tool)) {
          set('fanout_queue_depth', { tool, priority: String(level.priority) }, level.waiting);
          oldestMs = Math.max(oldestMs, level.oldestAgeMs ?? 0);
        }
        set('fanout_queue_oldest_age_seconds', { tool }, oldestMs / 1_000);
      }
    });
  }

  /** The stored results, once the worker has opened them at start. */
  private storedResults(): Pick<StoredResults, 'put' | 'get'> {
    const opened = () => {
      if (!this.stored) throw new Error(`worker ${this.instance} has not started`);
      return this.stored;
    };
    return {
      put: (...args) => opened().put(...args),
      get: (...args) => opened().get(...args),
    };
  }

  /**
   * Asks the monitor for the current allocation before the pools start, so a worker
   * started after a change follows it at once; with no monitor (or no answer within a
   * second) it starts on the sizes it derived.
   */
  private async askLimits(): Promise<void> {
    try {
      const { factors } = await call(
        this.connection,
        MONITOR_LIMITS,
        { service: this.service, instance: this.instance },
        { names: this.names, timeoutMs: 1_000 },
      );
      const changed = this.resize(poolsUnderLimits(this.basePools, { pools: {}, factors }));
      if (changed.length > 0) {
        this.logger.log(
          `worker ${this.instance} starts as the monitor allocates: ${changed.join(', ')}`,
        );
      }
    } catch {
      // No monitor: the derived sizes stand until a limits broadcast says otherwise.
    }
  }

  /**
   * Preemption: a pool whose slots are all busy while a p0 task waits in its buffer stops
   * one preemptible attempt of lower priority that has run long enough
   * ({@link preemptionVictim}); the attempt is reported `PREEMPTED` and requeued by the
   * engine, and the freed slot goes to the waiting task.
   */
  private preempt(): void {
    const now = Date.now();
    for (const [tool, consumer] of this.consumers) {
      const full = consumer.concurrency > 0 && consumer.inFlight >= consumer.concurrency;
      if (!full || consumer.waitingAt(0) === 0) continue;
      const running = this.cancellations.runningNow();
      const victim = preemptionVictim(running, tool, now, this.timing.preemptAfterMs);
      if (!victim) continue;
      victim.preempted = true;
      const name = `${victim.workflowId}/${victim.taskId}#${victim.attempt}`;
      victim.abort(new PreemptedError(name));
      this.logger.log(`preempted ${name} (p${victim.priority}) for a waiting p0 task of ${tool}`);
    }
  }

  private async listen(broadcasts: Subscription<Broadcast>): Promise<void> {
    try {
      for await (const message of broadcasts) this.onBroadcast(message);
    } catch (error) {
      if (this.#state !== 'stopped') this.logger.error('the broadcast subscription failed', error);
    }
  }

  private onBroadcast(message: Broadcast): void {
    if (message.kind === 'cancel') {
      const aborted = this.cancellations.cancel(message);
      if (aborted > 0) this.logger.log(`cancel of ${message.workflowId} aborted ${aborted} tasks`);
      return;
    }
    if (message.kind === 'limits') {
      const changed = this.resize(poolsUnderLimits(this.basePools, message));
      if (changed.length > 0) {
        const why = message.reason ? ` (${message.reason})` : '';
        this.logger.log(`worker ${this.instance} resized ${changed.join(', ')}${why}`);
      }
    }
    if (this.options.onBroadcast) this.options.onBroadcast(message);
    else if (message.kind !== 'limits') {
      this.logger.log(`broadcast "${message.kind}" is not acted on by worker ${this.instance}`);
    }
  }
}
