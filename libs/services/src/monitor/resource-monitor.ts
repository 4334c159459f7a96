import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  ErrorCode,
  MONITOR_LIMITS,
  MONITOR_RESOURCES,
  TOOLS,
  type QueueView,
  type ResourceDecision,
  type ResourcesReport,
  type Subjects,
} from '@fanout/contracts';
import {
  Broadcaster,
  ErrorChannel,
  FANOUT_SUBJECTS,
  Heartbeats,
  MetricsBus,
  NATS_CONNECTION,
  serve,
  TaskQueue,
  type Responder,
  type Subscription,
} from '@fanout/messaging';
import { heartbeatPublisher, ServiceVitals } from '@fanout/worker-kit';
import type { Connection } from '../orchestrator/runner/ports.factory';
import { freemem, totalmem } from 'node:os';
import { decideAllocation, initialFactors, type AllocationDecision } from './allocation-rules';
import { CallTally } from './call-tally';
import { familyLoads } from './family-loads';
import { LiveView } from './live-view';
import { MONITOR_OPTIONS, type MonitorOptions } from './monitor.options';

/** Decisions kept for `fanout resources`, newest last. */
const DECISIONS_KEPT = 200;

/**
 * The monitor: follows the metrics bus and the heartbeats into the live view of every
 * instance, announces one silent for the failure window on the error channel
 * (`fanout.err.monitor.instance-silent`, code `INSTANCE_SILENT`), and answers
 * `fanout resources` (`rpc.monitor.resources`): the matrix, the instances, what waits on
 * each tool's queue by priority, and the latest decisions with their reasons.
 */
@Injectable()
export class ResourceMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ResourceMonitor');
  private readonly view: LiveView;
  private readonly decisions: ResourceDecision[] = [];
  private readonly subscriptions: Array<Subscription<unknown>> = [];
  private readonly vitals: ServiceVitals;
  private responder: Responder | undefined;
  private limitsResponder: Responder | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private allocator: NodeJS.Timeout | undefined;
  /** Each family's pools as a multiple of the sizes its workers derived at start. */
  private factors = initialFactors();
  private readonly calls = new CallTally();

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: Connection,
    @Inject(FANOUT_SUBJECTS) private readonly names: Subjects,
    @Inject(MONITOR_OPTIONS) private readonly options: MonitorOptions,
  ) {
    this.view = new LiveView(options.silentAfterMs);
    this.vitals = new ServiceVitals(
      { service: 'monitor', instance: options.instance, pools: () => [] },
      new MetricsBus(connection, names),
      heartbeatPublisher(connection, names),
      options.vitalsMs,
      {
        log: (m) => this.logger.log(m),
        warn: (m) => this.logger.warn(m),
        error: (m) => this.logger.error(m),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const onInvalid = (error: Error) => this.logger.warn(String(error));
    const snapshots = await new MetricsBus(this.connection, this.names).follow();
    const beats = await new Heartbeats(this.connection, this.names).subscribe({ onInvalid });
    this.subscriptions.push(snapshots, beats);
    void this.consume(snapshots, (snapshot) => {
      this.calls.add(snapshot);
      return this.view.snapshot(snapshot, Date.now());
    });
    void this.consume(beats, (beat) => this.view.heartbeat(beat, Date.now()));
    this.sweeper = setInterval(() => this.record(this.view.sweep(Date.now())), 1_000);
    if (this.options.adaptEveryMs > 0) {
      this.allocator = setInterval(
        () => void this.adapt().catch((e) => this.logger.warn(`allocation: ${String(e)}`)),
        this.options.adaptEveryMs,
      );
    }
    this.responder = await serve(this.connection, MONITOR_RESOURCES, () => this.report(), {
      names: this.names,
    });
    this.limitsResponder = await serve(
      this.connection,
      MONITOR_LIMITS,
      async () => ({ factors: { ...this.factors } }),
      { names: this.names },
    );
    this.vitals.start();
    this.vitals.enter('ready');
    this.logger.log(`monitor is watching (${this.options.instance})`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.allocator);
    this.vitals.enter('draining');
    this.vitals.stop();
    await this.responder?.stop();
    await this.limitsResponder?.stop();
    await Promise.all(this.subscriptions.map((subscription) => subscription.stop()));
  }

  /** The document `fanout resources` shows. */
  async report(now = Date.now()): Promise<ResourcesReport> {
    return {
      at: now,
      matrix: this.options.resources.matrix,
      instances: this.view.list(),
      queues: await this.queues(now),
      decisions: [...this.decisions],
    };
  }

  /**
   * One window of adaptive allocation: the rules decide on what the families have and
   * owe now; a change is broadcast as `limits` factors, which every worker applies to the
   * pools it derived at start. The factors go out again each window while any differs
   * from 1, so a worker started since follows them too.
   */
  async adapt(now = Date.now()): Promise<AllocationDecision[]> {
    const loads = familyLoads(this.view.list(), await this.queues(now), this.calls.close());
    const { factors, decisions } = decideAllocation(
      this.factors,
      this.options.resources.matrix,
      loads,
      freemem() / totalmem(),
    );
    this.factors = factors;
    this.record(
      decisions.map((d) => ({
        at: now,
        kind: `allocation-${d.rule}`,
        family: d.family,
        reason: `${d.family} x${d.from} -> x${d.to}: ${d.reason}`,
      })),
    );
    if (decisions.length > 0 || Object.values(factors).some((factor) => factor !== 1)) {
      const reason = decisions.map((d) => `${d.rule} ${d.family}`).join(', ') || undefined;
      await new Broadcaster(this.connection, this.names).publish({
        kind: 'limits',
        factors,
        ...(reason ? { reason } : {}),
      });
    }
    return decisions;
  }

  private async queues(now: number): Promise<QueueView[]> {
    const queue = new TaskQueue(this.connection, this.names);
    const tools = Object.keys(TOOLS);
    const backlogs = await Promise.all(tools.map((tool) => queue.backlog(tool, now)));
    return backlogs.flatMap((levels, index) =>
      levels.map((level) => ({ tool: tools[index] ?? '', ...level })),
    );
  }

  private async consume<T>(
    subscription: Subscription<T>,
    take: (value: T) => ResourceDecision[],
  ): Promise<void> {
    try {
      for await (const value of subscription) this.record(take(value));
    } catch (error) {
      this.logger.error(`a monitor subscription ended: ${String(error)}`);
    }
  }

  private record(found: ResourceDecision[]): void {
    for (const decision of found) {
      this.decisions.push(decision);
      if (this.decisions.length > DECISIONS_KEPT) this.decisions.shift();
      const who = decision.instance ? `${decision.service}/${decision.instance}` : decision.family;
      this.logger.log(`${decision.kind} ${who}: ${decision.reason}`);
      if (decision.kind === 'instance-silent') void this.announce(decision);
    }
  }

  /** A failure, on the error channel, where every other failure is kept and read. */
  private async announce(decision: ResourceDecision): Promise<void> {
    try {
      await new ErrorChannel(this.connection, this.names).record({
        service: 'monitor',
        kind: 'instance-silent',
        at: decision.at,
        error: {
          code: ErrorCode.InstanceSilent,
          message: `${decision.service}/${decision.instance}: ${decision.reason}`,
          retryable: true,
          details: { service: decision.service, instance: decision.instance },
        },
      });
    } catch (error) {
      this.logger.warn(`instance-silent not recorded: ${String(error)}`);
    }
  }
}
