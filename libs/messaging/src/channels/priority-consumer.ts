import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { resolveDelivery } from './delivery-options';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { toFanoutError, type FanoutError } from '@fanout/contracts';
import { ensureDurable } from './ensure-durable';
import { HeldMessage } from './held-message';
import { LevelPuller } from './level-puller';
import { defaultWeights, WeightedPicker } from './weighted-schedule';

/** One priority level: a durable pull consumer on one subject. */
export interface PriorityLevel {
  durable: string;
  filterSubject: string;
}

/** What a dead-letter sink is told about a message that used up its deliveries. */
export interface Exhaustion {
  /** Deliveries so far, this one included. */
  deliveries: number;
  /** Why the last handled delivery failed, or `DELIVERIES_EXHAUSTED` when it was never handled. */
  error: FanoutError;
}

/**
 * Keeps a message that used up its deliveries somewhere safe. It must resolve only once
 * the copy is stored: the consumer then removes the original from the work queue, and on
 * rejection keeps it (nak) to try again.
 */
export type DeadLetterSink = (message: JsMsg, exhaustion: Exhaustion) => Promise<void>;

/**
 * How a {@link PriorityConsumer} reads one stream. Every time has a default from the design
 * (ack wait 15 s, heartbeat 5 s, 5 deliveries) so a worker states only what differs.
 */
export interface PriorityConsumerOptions {
  stream: string;
  /** Index 0 is the highest priority. */
  levels: PriorityLevel[];
  /** Turns per cycle of each level; default halving from the top, `[16, 8, 4, 2, 1]` for five. */
  weights?: number[];
  /** Most messages handled at once. */
  concurrency: number;
  /** Redelivery after this long without an ack or a heartbeat (failure detection). Defaults: `DELIVERY_DEFAULTS`. */
  ackWaitMs?: number;
  /** `working()` on every held message this often, until it is settled. Default 5 000. */
  heartbeatMs?: number;
  /** Deliveries before a message is dead-lettered (or, without a sink, left to the server). Default 5. */
  maxDeliver?: number;
  /** Nak delay after the n-th failed delivery; the last entry repeats. Default [1 000, 5 000, 15 000]. */
  backoffMs?: number[];
  /** Buffered messages per level, waiting for a slot. Default 1: the least that lets priority choose. */
  prefetch?: number;
  /** Where exhausted messages go; see the class comment. */
  deadLetter?: DeadLetterSink;
  /**
   * Which buffered message of `level` may start now: an index into `buffers[level]`
   * (oldest first), or undefined when none of them may (the level loses its turn).
   * `buffers` holds every level's, so a choice can weigh what else waits. The handler is
   * called synchronously with the chosen message. Default: the oldest.
   */
  choose?: (level: number, buffers: readonly (readonly JsMsg[])[]) => number | undefined;
  /** Every failure the consumer meets or sees a handler meet. Default `process.emitWarning`. */
  onError?: (error: Error) => void;
}

/** Handles one message and settles it (ack, nak or term). */
type Handler = (message: JsMsg) => Promise<void>;

type Settings = Required<Omit<PriorityConsumerOptions, 'deadLetter' | 'choose'>> &
  Pick<PriorityConsumerOptions, 'deadLetter' | 'choose'>;

/** How long start() waits for levels known to have a backlog, so the first pick is fair. */
const PRIME_MAX_MS = 1_000;

/**
 * Reads several priority levels (one durable pull consumer each) as one stream of work,
 * used by the command bus, the NestJS transport and the workers' task queues.
 *
 * **Priority rule: weighted round-robin over levels.** Each level keeps `prefetch`
 * messages buffered. When a slot is free the consumer walks a fixed cycle of turns, in
 * which level i has `weights[i]` turns spread out (smooth weighted round-robin: p0 first,
 * then 16:8:4:2:1 by default), and takes from the first level with a buffered message. So
 * under a backlog on every level p0 gets 16 of every 31 slots and p4 gets 1: a higher
 * priority goes first without starving a lower one, and a level that has work waits at most
 * one cycle (31 picks by default). A level with nothing buffered loses its turn, so slots
 * are never left idle while any work waits. A `choose` option decides which buffered
 * message of the picked level starts, or that none may (the level then loses its turn). On start, levels that report a backlog are
 * given up to a second to fill their buffers, so the first pick is by priority rather
 * than by whichever reply came back first.
 *
 * **Failure detection.** Every held message (buffered or being handled) gets `working()`
 * every `heartbeatMs` until settled, so a slow handler keeps its message, while a dead
 * process stops heartbeating and the server redelivers after `ackWaitMs`.
 *
 * **Failures.** The handler acks, naks or terms itself. If it throws, or returns without
 * settling, the message is nak'ed with `backoffMs` by delivery count.
 *
 * **Dead letters.** With a `deadLetter` sink, the server's `max_deliver` is unlimited and
 * the consumer enforces `maxDeliver` itself: a failure on the last delivery, or a delivery
 * past the last (its consumer died or nak'ed it), goes to the sink and is then acked away.
 * This catches the poison message that kills its process every time, which a consumer
 * reacting only to failures never sees, and needs no listener for the server's
 * MAX_DELIVERIES advisory, which is core NATS and lost if nobody is subscribed when it
 * fires. Without a sink the server's `max_deliver` is `maxDeliver`: after the last try the
 * message stays in the stream (and is reported), never silently removed.
 */
export class PriorityConsumer {
  private readonly picker: WeightedPicker;
  private readonly held = new Set<HeldMessage>();
  private readonly tasks = new Set<Promise<void>>();
  private handler: Handler | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private running = false;
  private primed = false;
  /** While priming: called as buffers fill, to end priming once every backlog answered. */
  private primeProgress: (() => void) | undefined;
  private active = 0;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly settings: Settings,
    private readonly pullers: LevelPuller[],
  ) {
    this.picker = new WeightedPicker(settings.weights);
  }

  /** Creates or updates the durable pull consumers of every level, then returns the consumer. */
  static async create(
    connection: NatsConnection,
    options: PriorityConsumerOptions,
  ): Promise<PriorityConsumer> {
    const settings = validate(options);
    const jsm = await jetstreamManager(connection);
    const js = jetstream(connection);
    const pullers: LevelPuller[] = [];
    const consumer = new PriorityConsumer(connection, settings, pullers);
    for (const level of settings.levels) {
      const info = await ensureDurable(jsm, settings.stream, {
        durable_name: level.durable,
        filter_subject: level.filterSubject,
        ack_wait: nanos(settings.ackWaitMs),
        max_deliver: settings.deadLetter ? -1 : settings.maxDeliver,
      });
      pullers.push(
        new LevelPuller(
          `${settings.stream}/${level.durable}`,
          js.consumers.getConsumerFromInfo(info),
          settings.prefetch,
          () => connection.isClosed(),
          () => consumer.pump(),
          (error) => settings.onError(error),
        ),
      );
    }
    return consumer;
  }

  /** Messages being handled right now. */
  get inFlight(): number {
    return this.active;
  }

  /** Messages of one level buffered here, waiting for a slot. */
  waitingAt(level: number): number {
    return this.pullers[level]?.buffer.length ?? 0;
  }

  /** The most messages handled at once, now. */
  get concurrency(): number {
    return this.settings.concurrency;
  }

  /**
   * Changes how many messages are handled at once, at run time: more start at once from
   * the buffers; with fewer, the ones in flight finish and no new one starts until the
   * count is under the new limit. 0 pauses the consumer without giving up its buffers.
   */
  resize(concurrency: number): void {
    if (!Number.isInteger(concurrency) || concurrency < 0) {
      throw new Error(
        `PriorityConsumer of ${this.settings.stream}: concurrency must be a whole number of 0 or more, got ${concurrency}`,
      );
    }
    this.settings.concurrency = concurrency;
    this.pump();
  }

  /** Starts pulling and handing messages to `handler`, at most `concurrency` at once. */
  start(handler: Handler): void {
    if (this.handler) throw new Error(`consumer of ${this.settings.stream} is already started`);
    this.handler = handler;
    this.running = true;
    this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatMs);
    void this.prime();
  }

  /**
   * Stops pulling, gives buffered (never handled) messages back at once with `nak()` so
   * another replica takes them, and resolves when every handler in flight has finished.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.primeProgress?.();
    const buffered = (await Promise.all(this.pullers.map((puller) => puller.stop()))).flat();
    for (const message of buffered) this.release(message);
    await Promise.allSettled([...this.tasks]);
    clearInterval(this.heartbeat);
  }

  private async prime(): Promise<void> {
    const backlog = await this.levelsWithBacklog();
    if (!this.running) return; // stopped while asking
    const ready = () => backlog.every((level) => (this.pullers[level]?.received ?? 0) > 0);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, PRIME_MAX_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.primeProgress = () => {
        if (!this.running || ready()) done();
      };
      for (const puller of this.pullers) puller.start();
      this.primeProgress();
    });
    this.primeProgress = undefined;
    this.primed = true;
    this.pump();
  }

  private async levelsWithBacklog(): Promise<number[]> {
    try {
      const jsm = await jetstreamManager(this.connection);
      const infos = await Promise.all(
        this.settings.levels.map((level) =>
          jsm.consumers.info(this.settings.stream, level.durable),
        ),
      );
      return infos.flatMap((info, level) => (info.num_pending > 0 ? [level] : []));
    } catch (error) {
      this.report(`cannot read the backlog of ${this.settings.stream}; starting unprimed`, error);
      return [];
    }
  }

  /** Fills free slots with the levels' buffered messages, in weighted round-robin order. */
  private pump(): void {
    if (!this.primed) this.primeProgress?.();
    const handler = this.handler;
    if (!this.running || !this.primed || !handler) return;
    const { choose } = this.settings;
    const buffers = this.pullers.map((puller) => puller.buffer);
    while (this.active < this.settings.concurrency) {
      let index: number | undefined;
      const level = this.picker.pick((l) => {
        if ((buffers[l]?.length ?? 0) === 0) return false;
        index = choose ? choose(l, buffers) : 0;
        return index !== undefined;
      });
      const message = level === undefined ? undefined : this.pullers[level]?.take(index);
      if (!message) return;
      this.active++;
      const task = this.process(new HeldMessage(message), handler)
        .catch((error) => this.report(`failed to settle ${describe(message)}`, error))
        .finally(() => {
          this.active--;
          this.tasks.delete(task);
          this.pump();
        });
      this.tasks.add(task);
    }
  }

  private async process(message: HeldMessage, handler: Handler): Promise<void> {
    const { maxDeliver, deadLetter } = this.settings;
    const deliveries = message.info.deliveryCount;
    this.held.add(message);
    try {
      if (deadLetter && deliveries > maxDeliver) {
        await this.exhaust(deadLetter, message, deliveries, {
          code: 'DELIVERIES_EXHAUSTED',
          message: `delivery ${deliveries} of ${describe(message)} is past maxDeliver ${maxDeliver}: the previous delivery was never acked (its consumer died, stalled past ack wait, or nak'ed it)`,
          retryable: false,
        });
        return;
      }
      const failure = await this.handle(message, handler);
      if (failure === undefined) return;
      if (this.connection.isClosed()) {
        this.report(
          `connection closed before ${describe(message)} was settled; it returns after ack wait`,
          failure,
        );
        return;
      }
      this.report(`handling ${describe(message)} failed (delivery ${deliveries})`, failure);
      if (deliveries < maxDeliver) {
        message.nak(this.backoff(deliveries));
      } else if (deadLetter) {
        await this.exhaust(deadLetter, message, deliveries, toFanoutError(failure));
      } else {
        message.nak();
        this.report(
          `${describe(message)} failed its last delivery (${deliveries} of ${maxDeliver}); ` +
            `with no dead-letter sink it stays in ${this.settings.stream}`,
        );
      }
    } finally {
      this.held.delete(message);
    }
  }

  /** Runs the handler; returns why the message is still unsettled, or undefined if all is well. */
  private async handle(message: HeldMessage, handler: Handler): Promise<unknown> {
    try {
      await handler(message);
    } catch (error) {
      if (!message.settled) return error;
      this.report(`the handler threw after it settled ${describe(message)}`, error);
      return undefined;
    }
    if (message.settled) return undefined;
    return new Error(`the handler returned without ack, nak or term of ${describe(message)}`);
  }

  private async exhaust(
    sink: DeadLetterSink,
    message: HeldMessage,
    deliveries: number,
    error: FanoutError,
  ): Promise<void> {
    try {
      await sink(message.raw, { deliveries, error });
    } catch (sinkError) {
      this.report(`cannot dead-letter ${describe(message)}; it will be retried`, sinkError);
      message.nak(this.backoff(deliveries));
      return;
    }
    await message.ackAck();
  }

  private backoff(deliveries: number): number {
    const { backoffMs } = this.settings;
    return backoffMs[Math.min(deliveries, backoffMs.length) - 1] ?? 0;
  }

  private beat(): void {
    try {
      for (const puller of this.pullers) for (const message of puller.buffer) message.working();
      for (const message of this.held) message.working();
    } catch (error) {
      if (!this.connection.isClosed()) this.report('heartbeat of held messages failed', error);
    }
  }

  private release(message: JsMsg): void {
    try {
      message.nak();
    } catch (error) {
      this.report(`cannot give back ${describe(message)}; it returns after ack wait`, error);
    }
  }

  private report(what: string, cause?: unknown): void {
    const reason =
      cause instanceof Error ? `: ${cause.message}` : cause ? `: ${String(cause)}` : '';
    this.settings.onError(new Error(`${this.settings.stream}: ${what}${reason}`, { cause }));
  }
}

function describe(message: JsMsg): string {
  return `message ${message.seq} on ${message.subject}`;
}

function validate(options: PriorityConsumerOptions): Settings {
  const where = `PriorityConsumer of ${options.stream}`;
  const levels = options.levels.length;
  if (levels === 0) throw new Error(`${where}: give at least one level`);
  const settings: Settings = {
    stream: options.stream,
    levels: options.levels,
    concurrency: options.concurrency,
    weights: options.weights ?? defaultWeights(levels),
    ...resolveDelivery(options, where),
    prefetch: options.prefetch ?? 1,
    deadLetter: options.deadLetter,
    choose: options.choose,
    onError: options.onError ?? ((error) => process.emitWarning(error)),
  };
  const positiveInt = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
    }
  };
  positiveInt('concurrency', settings.concurrency);
  positiveInt('prefetch', settings.prefetch);
  if (settings.weights.length !== levels) {
    throw new Error(`${where}: ${settings.weights.length} weights for ${levels} levels`);
  }
  return settings;
}
