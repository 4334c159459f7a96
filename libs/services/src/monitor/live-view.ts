import {
  TOOL_FAMILIES,
  type InstanceView,
  type LoadSnapshot,
  type ResourceDecision,
  type ServiceHeartbeat,
  type ToolFamily,
} from '@fanout/contracts';

/** An instance heard of for none of this long is taken for dead (five missed 3 s ticks). */
export const SILENT_AFTER_MS = 15_000;

/** The family a service's instances count against: `codebase-worker` codebase, …. */
export function familyOfService(service: string): ToolFamily {
  const kind = service.replace(/-worker$/, '');
  return (TOOL_FAMILIES as readonly string[]).includes(kind)
    ? (kind as ToolFamily)
    : 'coordination';
}

/**
 * The live view of every instance, from heartbeats and load snapshots: who is alive, its
 * pools and load. Pure: each call brings its own time, and what it finds (an instance
 * gone silent, back, or stopped after a drain) is returned as decisions for the caller to
 * announce. An instance first heard of already silent (an old snapshot read at start) is
 * listed but not announced: it died before anyone here watched it.
 */
export class LiveView {
  private readonly views = new Map<string, InstanceView>();

  constructor(private readonly silentAfterMs = SILENT_AFTER_MS) {}

  heartbeat(heartbeat: ServiceHeartbeat, now: number): ResourceDecision[] {
    return this.heard(heartbeat.service, heartbeat.instance, heartbeat.at, now, (view) => {
      view.status = heartbeat.state;
    });
  }

  snapshot(snapshot: LoadSnapshot, now: number): ResourceDecision[] {
    return this.heard(snapshot.service, snapshot.instance, snapshot.at, now, (view) => {
      view.pools = snapshot.pools;
      view.cpuPercent = snapshot.cpuPercent;
      view.rssBytes = snapshot.rssBytes;
      view.eventLoopDelayMs = snapshot.eventLoopDelayMs;
      if (snapshot.io) view.io = snapshot.io;
      if (snapshot.network) view.network = snapshot.network;
    });
  }

  /** Marks the instances not heard of within the window: silent, or stopped if they drained. */
  sweep(now: number): ResourceDecision[] {
    const found: ResourceDecision[] = [];
    for (const view of this.views.values()) {
      if (view.status === 'silent' || view.status === 'stopped') continue;
      const quietMs = now - view.lastSeenAt;
      if (quietMs < this.silentAfterMs) continue;
      const drained = view.status === 'draining';
      view.status = drained ? 'stopped' : 'silent';
      found.push({
        at: now,
        kind: drained ? 'instance-stopped' : 'instance-silent',
        service: view.service,
        instance: view.instance,
        family: view.family,
        reason: drained
          ? `drained and not heard of for ${Math.round(quietMs / 1000)} s`
          : `no heartbeat or load for ${Math.round(quietMs / 1000)} s (limit ${this.silentAfterMs / 1000} s)`,
      });
    }
    return found;
  }

  /** Every instance, alive ones first, by service and instance. */
  list(): InstanceView[] {
    const rank = (view: InstanceView) =>
      view.status === 'silent' || view.status === 'stopped' ? 1 : 0;
    return [...this.views.values()]
      .map((view) => ({ ...view, pools: [...view.pools] }))
      .sort(
        (a, b) =>
          rank(a) - rank(b) ||
          a.service.localeCompare(b.service) ||
          a.instance.localeCompare(b.instance),
      );
  }

  private heard(
    service: string,
    instance: string,
    at: number,
    now: number,
    update: (view: InstanceView) => void,
  ): ResourceDecision[] {
    const key = `${service}/${instance}`;
    const seenAt = Math.min(at, now);
    const fresh = now - seenAt < this.silentAfterMs;
    let view = this.views.get(key);
    if (!view) {
      view = {
        service,
        instance,
        family: familyOfService(service),
        status: 'starting',
        lastSeenAt: seenAt,
        pools: [],
      };
      this.views.set(key, view);
      update(view);
      if (!fresh) view.status = 'silent';
      return [];
    }
    if (seenAt < view.lastSeenAt) return []; // an older message, read late
    const before = view.status;
    const wasGone = before === 'silent' || before === 'stopped';
    view.lastSeenAt = seenAt;
    update(view);
    if (!fresh) {
      if (wasGone) view.status = before; // a late message does not bring it back
      return [];
    }
    if (view.status === 'silent' || view.status === 'stopped') view.status = 'ready';
    return wasGone
      ? [
          {
            at: now,
            kind: 'instance-back',
            service,
            instance,
            family: view.family,
            reason: 'heard from again after it went silent',
          },
        ]
      : [];
  }
}
