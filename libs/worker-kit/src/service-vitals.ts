import type { LoadSnapshot, ServiceHeartbeat } from '@fanout/contracts';
import type { z } from 'zod';
import type { CallWindow } from './call-stats';
import { RateMeter, type ByteTotals } from './byte-meters';
import { LoadSampler } from './load-sampler';
import type { HeartbeatPublisher } from './service-heartbeats';
import type { WorkerLogger } from './worker-options';

/** Where load snapshots go; `MetricsBus` of `@fanout/messaging` fits. */
export interface SnapshotPublisher {
  publish(snapshot: z.input<typeof LoadSnapshot>): void;
}

/** A pool's occupancy right now. */
export interface PoolLoad {
  pool: string;
  size: number;
  busy: number;
}

/** What the vitals need to know of the service. */
export interface VitalsSource {
  service: string;
  instance: string;
  pools(): PoolLoad[];
  /** The calls of each tool since the last snapshot, for a worker. */
  calls?(): CallWindow[];
  /** The network bytes its tools counted so far, for a worker. */
  networkBytes?(): ByteTotals;
}

type State = ServiceHeartbeat['state'];

/**
 * A service's signs of life (a worker's, the orchestrator's), every `everyMs`: a `LoadSnapshot` on the metrics bus (for
 * the allocator and autoscaling) and a `ServiceHeartbeat` on the control subject (missing
 * for 15 s means dead). A change of state (ready, draining) is announced at once. Both are
 * fire and forget: a failed publish is logged, and the next one supersedes it.
 */
export class ServiceVitals {
  private readonly sampler = new LoadSampler();
  private readonly network: RateMeter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private state: State = 'starting';

  constructor(
    private readonly source: VitalsSource,
    private readonly metrics: SnapshotPublisher,
    private readonly heartbeats: HeartbeatPublisher,
    private readonly everyMs: number,
    private readonly logger: WorkerLogger,
  ) {
    const counted = source.networkBytes?.bind(source);
    this.network = counted ? new RateMeter(counted) : undefined;
  }

  start(): void {
    this.timer ??= setInterval(() => this.publish(), this.everyMs);
    this.publish();
  }

  /** Announces a new state now, and in every heartbeat after. */
  enter(state: State): void {
    this.state = state;
    if (this.timer) this.heartbeat();
  }

  /** Stops publishing (a final snapshot goes out first). */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.publish();
    this.sampler.stop();
  }

  private publish(): void {
    this.heartbeat();
    try {
      this.metrics.publish({
        service: this.source.service,
        instance: this.source.instance,
        at: Date.now(),
        pools: this.source.pools(),
        ...(this.source.calls ? { calls: this.source.calls() } : {}),
        ...this.sampler.sample(),
        ...(this.network ? { network: this.network.sample() } : {}),
      });
    } catch (error) {
      this.logger.warn(`load snapshot of ${this.source.instance} not published: ${String(error)}`);
    }
  }

  private heartbeat(): void {
    try {
      this.heartbeats.publish({
        service: this.source.service,
        instance: this.source.instance,
        at: Date.now(),
        state: this.state,
      });
    } catch (error) {
      this.logger.warn(`heartbeat of ${this.source.instance} not published: ${String(error)}`);
    }
  }
}
