import { CodedError } from '@fanout/contracts';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { Command, PayloadRef, WorkflowEvent } from '@fanout/contracts';
import {
  FANOUT_TOPOLOGY,
  foldLog,
  type InvalidCommand,
  type Snapshot,
  type TopologyOptions,
} from '@fanout/messaging';
import {
  initialState,
  replay,
  type EngineCommand,
  type EngineOptions,
  type WorkflowState,
} from '@fanout/workflow';
import type { OrchestratorOptions } from '../orchestrator.options';
import { childEndedReport, pendingEnvelopes, type Effects } from './effects';
import { OwnedWorkflow, type OwnedWorkflowHooks } from './owned-workflow';
import { ORCHESTRATOR_OPTIONS, RUNNER_PORTS, type RunnerPorts } from './ports';
import { fitChildReport, storeLargeValues } from './large-values';
import { ReportClaims, ReportNotHeldError } from './report-claims';
import { restoreStoredResults, withoutStoredResults } from './snapshot-results';
import { toEngineCommand } from './to-engine-command';
import { TraceSizes } from './trace-sizes';

/** A command for a workflow another live replica owns; the receiver forwards it there. */
export class OwnedElsewhereError extends CodedError {
  readonly code = 'OWNED_ELSEWHERE';
  readonly retryable = true;
  constructor(
    readonly workflowId: string,
    readonly owner: string,
  ) {
    super(`workflow ${workflowId} is owned by ${owner}`);
  }
}

/**
 * The orchestrator's heart around the pure engine: it owns workflows through leases,
 * loads each by snapshot and replay, decides commands with the engine, appends the events,
 * dispatches tasks, keeps one timer per workflow for timeouts and retries, renews its
 * leases, and takes over workflows whose owner stopped renewing.
 */
@Injectable()
export class WorkflowRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkflowRunner');
  private readonly owned = new Map<string, OwnedWorkflow>();
  private readonly claiming = new Map<string, Promise<OwnedWorkflow | OwnedElsewhereError>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private loops: NodeJS.Timeout[] = [];
  private readonly engine: EngineOptions;
  private readonly hooks: OwnedWorkflowHooks;
  /** How large each trace has grown, so a large agent tree is split into linked traces. */
  private readonly traceSizes = new TraceSizes();
  /** Set with `FANOUT_REPORT_KEY`: attempts are dispatched with claims, reports checked. */
  private readonly claims?: ReportClaims;
  /**
   * Ownerships that followed another and have no event in the log yet, with the stream
   * sequence their replay read to: their first append checks that no earlier owner's write
   * slipped in between (see {@link checkFenced}).
   */
  private readonly unfenced = new WeakMap<OwnedWorkflow, number>();

  /** How long a finished workflow's log is kept (`FANOUT_EVENT_RETENTION`). */
  private readonly retentionMs: number;

  constructor(
    @Inject(RUNNER_PORTS) private readonly ports: RunnerPorts,
    @Inject(ORCHESTRATOR_OPTIONS) private readonly options: OrchestratorOptions,
    @Inject(FANOUT_TOPOLOGY) topology: TopologyOptions,
  ) {
    this.retentionMs = topology.events.retentionMs;
    if (options.reportKey) this.claims = new ReportClaims(options.reportKey);
    this.engine = {
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      defaultTimeoutMs: options.defaultTimeoutMs,
      spreadLimits: options.spreadLimits,
      ...(options.capacity ? { capacity: options.capacity } : {}),
    };
    this.hooks = {
      prepare: (events, owned) => storeLargeValues(events, owned.state, this.ports),
      append: (owned, from, events) => this.append(owned, from, events),
      carryOut: (effects, owned) => this.carryOut(effects, owned),
      afterBatch: (owned) => this.afterBatch(owned),
      broken: (owned, error) => this.forget(owned, error),
      schedule: (owned, at) => this.schedule(owned, at),
    };
  }

  get instance(): string {
    return this.options.instance;
  }

  /** Workflows this replica owns right now. */
  ownedIds(): string[] {
    return [...this.owned.keys()];
  }

  /** How many of the workflows it owns are in each status, for the metrics. */
  ownedByStatus(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const owned of this.owned.values()) {
      counts[owned.state.status] = (counts[owned.state.status] ?? 0) + 1;
    }
    return counts;
  }

  onApplicationBootstrap(): void {
    this.loops = [
      setInterval(
        () =>
          void this.renewLeases().catch((error) => this.logger.error(`renewing leases: ${error}`)),
        this.options.renewEveryMs,
      ),
      setInterval(
        () =>
          void this.takeOverOrphans().catch((error) =>
            this.logger.error(`looking for orphans: ${error}`),
          ),
        this.options.scanEveryMs,
      ),
      setInterval(
        () =>
          void this.purgeEnded().catch((error) =>
            this.logger.error(`purging ended workflows: ${error}`),
          ),
        this.options.scanEveryMs,
      ),
    ];
    void this.takeOverOrphans().catch((error) =>
      this.logger.error(`looking for orphans: ${error}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const loop of this.loops) clearInterval(loop);
    for (const timer of this.timers.values()) clearTimeout(timer);
    const leases = [...this.owned.values()].map((owned) => {
      owned.abandon(new Error('the orchestrator is shutting down'));
      return this.ports.leases.release(owned.lease).catch(() => undefined);
    });
    this.owned.clear();
    await Promise.all(leases);
  }

  /**
   * Takes one command of the bus. Resolves once its consequences are in the log; rejects
   * (so the message is redelivered) when the workflow's owner cannot be reached.
   */
  async accept(command: Command): Promise<void> {
    this.checkHeld(command);
    const owned = await this.ownedOrClaimed(command.workflowId);
    if (owned instanceof OwnedElsewhereError) {
      await this.ports.forward(owned.owner, command);
      return;
    }
    await owned.submit(toEngineCommand(await this.withResult(command), Date.now()));
    if (owned.finished) await this.release(owned);
  }

  /**
   * A submit (or call) arrived invalid: the workflow it names is rejected with every
   * problem, as an event of its own, so that whoever watches it is told. A workflow that
   * exists already (owned here or elsewhere) is left alone; other commands are only
   * recorded on the error channel, by the transport.
   */
  async reject(invalid: InvalidCommand): Promise<void> {
    if (invalid.command !== 'workflow.submit' && invalid.command !== 'task.call') return;
    const owned = await this.ownedOrClaimed(invalid.workflowId);
    if (owned instanceof OwnedElsewhereError) return;
    await owned.submit({ type: 'Reject', errors: invalid.problems, now: Date.now() });
    if (owned.finished) await this.release(owned);
  }

  /** A command forwarded by another replica: handled only if this replica owns the workflow. */
  async acceptForwarded(command: Command): Promise<void> {
    this.checkHeld(command);
    const owned = this.owned.get(command.workflowId);
    if (!owned) throw new OwnedElsewhereError(command.workflowId, 'nobody here');
    await owned.submit(toEngineCommand(await this.withResult(command), Date.now()));
  }

  /**
   * Refuses a report without its attempt's claim, before any work is done for it: the
   * error is not retryable, so the transport terminates the command and records it on the
   * error channel with its code. Checked here, at the edge, so the engine stays pure.
   */
  private checkHeld(command: Command): void {
    if (command.type !== 'task.report' || !this.claims || this.claims.holds(command)) return;
    throw new ReportNotHeldError(command);
  }

  /**
   * A report whose result was stored by reference, with the value fetched: the engine
   * reads results for references and forEach, and never does I/O itself.
   */
  private async withResult(command: Command): Promise<Command> {
    if (command.type !== 'task.report') return command;
    const where = `the report of ${command.workflowId}/${command.taskId}#${command.attempt}`;
    const { outcome } = command;
    if (outcome.kind === 'succeeded' && outcome.resultRef && outcome.result === undefined) {
      const result = await this.ports.results.get(outcome.resultRef, where);
      return { ...command, outcome: { ...outcome, result } };
    }
    if (outcome.kind === 'child-ended' && outcome.outcome.resultRef && !outcome.outcome.result) {
      const result = await this.ports.results.get(outcome.outcome.resultRef, where);
      const ended = { ...outcome.outcome, result: result as Record<string, unknown> };
      return { ...command, outcome: { kind: 'child-ended', outcome: ended } };
    }
    return command;
  }

  private async ownedOrClaimed(workflowId: string): Promise<OwnedWorkflow | OwnedElsewhereError> {
    const owned = this.owned.get(workflowId);
    if (owned) return owned;
    let claim = this.claiming.get(workflowId);
    if (!claim) {
      claim = this.claim(workflowId).finally(() => this.claiming.delete(workflowId));
      this.claiming.set(workflowId, claim);
    }
    return claim;
  }

  /** Takes the lease, rebuilds the state by snapshot and replay, and resumes the work. */
  private async claim(workflowId: string): Promise<OwnedWorkflow | OwnedElsewhereError> {
    const lease = await this.ports.leases.acquire(workflowId, this.instance, Date.now());
    if (!lease) {
      const holder = await this.ports.leases.holder(workflowId);
      return new OwnedElsewhereError(workflowId, holder?.owner ?? 'another replica');
    }
    const loading = performance.now();
    const { state, lastSeq } = await this.load(workflowId);

    const owned = new OwnedWorkflow(
      workflowId,
      state,
      lease,
      lastSeq,
      this.engine,
      this.hooks,
      this.traceSizes,
    );
    if (lease.follows) this.unfenced.set(owned, lastSeq);
    this.owned.set(workflowId, owned);
    owned.recordedStatus = state.status;
    try {
      await this.resume(owned);
    } catch (error) {
      // Half resumed (an envelope not sent again, no timer set), it must not stay owned:
      // nothing else would send what it waits on. Dropped (unless a failed decision did
      // that already), it is claimed again: by the command's redelivery, or the orphan scan.
      if (this.owned.get(workflowId) === owned) {
        owned.abandon(error);
        this.forget(owned, error);
      }
      throw error;
    }
    if (state.version > 0 && !owned.finished) {
      const ms = (performance.now() - loading).toFixed(0);
      this.logger.log(
        `took over ${workflowId} at event ${state.version}: replayed and resumed in ${ms} ms`,
      );
    }
    return owned;
  }

  /**
   * Carries out again what the log says was decided and perhaps not done (its owner may
   * have died in between): the envelopes of attempts not yet reported, or the report of a
   * child's end to its agent task. Each is sent with its first id, so a repeat is harmless.
   */
  private async resume(owned: OwnedWorkflow): Promise<void> {
    const { state } = owned;
    if (owned.finished && state.parent) {
      const ended = childEndedReport(state, state.completedAt ?? Date.now());
      if (ended) await this.carryOut({ envelopes: [], broadcasts: [], commands: [ended] }, owned);
    }
    if (state.version > 0 && !owned.finished) {
      owned.tracer.resume(state);
      await this.carryOut(
        { envelopes: pendingEnvelopes(state), broadcasts: [], commands: [] },
        owned,
      );
      await owned.submit({ type: 'Resume', owner: this.instance, now: Date.now() });
    }
  }

  /** The state by the latest snapshot and the log after it, or by the whole log. */
  private async load(workflowId: string): Promise<{ state: WorkflowState; lastSeq: number }> {
    const snapshot = await this.ports.store.loadSnapshot<WorkflowState>(workflowId);
    return (
      (snapshot && (await this.replay(workflowId, snapshot))) ??
      (await this.replay(workflowId, undefined))!
    );
  }

  /**
   * Replays the log folded by position and epoch (`foldLog`: a repaired batch stored out of
   * order, a gap left by an owner that died, an earlier owner's late writes) onto the
   * snapshot or a new state. Undefined when the log says the snapshot is not part of it.
   */
  private async replay(
    workflowId: string,
    snapshot: Snapshot<WorkflowState> | undefined,
  ): Promise<{ state: WorkflowState; lastSeq: number } | undefined> {
    const state = snapshot?.state ?? initialState(workflowId);
    const start = snapshot && { length: state.version, epoch: snapshot.record.epoch ?? 0 };
    if (snapshot) await restoreStoredResults(state, this.ports.results);
    const from = snapshot ? { seq: snapshot.record.lastSeq + 1 } : ('all' as const);
    const stored = await this.ports.events.read({ workflowId }, from);
    const log = foldLog(stored, start);
    if (log.belowStart) {
      this.logger.warn(`the snapshot of ${workflowId} is not part of its log: replaying it all`);
      return undefined;
    }
    if (log.leftOut > 0)
      this.logger.log(`replaying ${workflowId}: ${log.leftOut} stored events are not in its log`);
    replay(
      log.entries.map((item) => item.event as WorkflowEvent),
      state,
    );
    const lastSeq = stored.reduce(
      (last, item) => Math.max(last, item.seq),
      snapshot?.record.lastSeq ?? 0,
    );
    return { state, lastSeq };
  }

  /** Appends a decision's events under the ownership's epoch, checking its first append. */
  private async append(
    owned: OwnedWorkflow,
    from: number,
    events: WorkflowEvent[],
  ): Promise<number> {
    const seq = await this.ports.log.append(owned.workflowId, from, events, owned.lease.epoch);
    const replayedTo = this.unfenced.get(owned);
    if (replayedTo !== undefined) {
      await this.checkFenced(owned, replayedTo);
      this.unfenced.delete(owned);
    }
    return seq;
  }

  /**
   * An ownership's first events fence the earlier ones' off (`foldLog` leaves out their
   * later writes). An earlier owner's write stored after this replay but before them is in
   * the log and not in the state the replay built: rather than trust that state, the
   * append fails, so the workflow is dropped and replayed again under a new epoch.
   */
  private async checkFenced(owned: OwnedWorkflow, replayedTo: number): Promise<void> {
    const { workflowId, lease } = owned;
    const after = await this.ports.events.read(
      { workflowId },
      { seq: replayedTo + 1 },
      { results: 'refs' },
    );
    const first = after.find((item) => item.epoch === lease.epoch);
    const slipped = after.find(
      (item) =>
        item.position !== undefined &&
        (item.epoch ?? 0) < lease.epoch &&
        (!first || item.seq < first.seq),
    );
    if (slipped)
      throw new Error(
        `an earlier owner's event of ${workflowId} (position ${slipped.position}, epoch ${slipped.epoch ?? 0}) was stored at ${slipped.seq}, after the replay to ${replayedTo}: replaying again`,
      );
  }

  private async carryOut(effects: Effects, owned: OwnedWorkflow): Promise<void> {
    await Promise.all([
      // Each envelope goes out in its attempt's span, so the worker continues that trace.
      // Built here from the engine's events: typed, so not validated again on the way out.
      ...effects.envelopes.map((envelope) =>
        context.with(owned.tracer.contextOf(envelope.taskId), () =>
          this.ports.tasks.dispatch(this.claims?.stamp(envelope) ?? envelope, { typed: true }),
        ),
      ),
      ...effects.broadcasts.map((message) => this.ports.broadcast.publish(message)),
      ...effects.commands.map((command) => this.publishCommand(command, owned)),
    ]);
  }

  /** A child's submit goes out in its agent task's trace, or a new one linked to it. */
  private async publishCommand(command: Command, owned: OwnedWorkflow): Promise<void> {
    const fitted = await fitChildReport(this.claimed(command), this.ports);
    if (fitted.type !== 'workflow.submit' || !fitted.parent) {
      await this.ports.commands.publish(fitted);
      return;
    }
    const child = owned.tracer.childContext(
      fitted.parent.taskId,
      fitted.workflowId,
      this.options.traceMaxSpans,
    );
    try {
      await context.with(child.context, () => this.ports.commands.publish(fitted));
    } finally {
      child.done();
    }
  }

  /** A report of this orchestrator's own (a child's end) holds its attempt like a worker's. */
  private claimed(command: Command): Command {
    return command.type === 'task.report' && this.claims ? this.claims.stamp(command) : command;
  }

  /**
   * Keeps the workflow's record and snapshot up to date after a batch. They only speed a
   * takeover up (the log is the truth), so they are written in the background, one after
   * another (`owned.records`); a failure is logged and the write tried again after a later
   * batch, never allowed to stop the orchestrator. What each write holds is taken here, at
   * the end of the batch, when the state is exactly what the log holds.
   */
  private afterBatch(owned: OwnedWorkflow): void {
    const write = this.recordWrite(owned);
    if (!write) return;
    owned.recordWrites++;
    owned.records = owned.records
      .then(write.run)
      .catch((error: unknown) => {
        write.failed?.();
        this.logger.warn(
          `keeping the record of ${owned.workflowId} failed (tried again later): ${error}`,
        );
      })
      .finally(() => owned.recordWrites--);
  }

  /** The record write this batch calls for, with its content taken now; none if none. */
  private recordWrite(
    owned: OwnedWorkflow,
  ): { run: () => Promise<void>; failed?: () => void } | undefined {
    // A command for a workflow nobody submitted (or whose log is long purged) leaves no record.
    if (owned.state.version === 0) return undefined;
    const status = owned.state.status;
    const record = {
      workflowId: owned.workflowId,
      status,
      version: owned.state.version,
      lastSeq: owned.lastSeq,
      // A snapshot is saved only after this ownership appended: its last events are ours.
      epoch: owned.lease.epoch,
      updatedAt: Date.now(),
    };
    if (owned.finished) {
      if (owned.recordedStatus === 'ended') return undefined;
      owned.recordedStatus = 'ended';
      this.logger.debug(`workflow ${owned.workflowId} ended ${status}`);
      const endedAt = owned.state.completedAt ?? Date.now();
      const ended = {
        workflowId: owned.workflowId,
        endedAt,
        purgeAt: endedAt + this.retentionMs,
        stored: storedValues(owned.state),
      };
      return {
        // Behind a snapshot still being written, so that none is left after the end.
        run: () => this.ports.store.end(ended, { snapshot: owned.snapshotSaved }),
        failed: () => (owned.recordedStatus = status),
      };
    }
    if (this.snapshotDue(owned) && owned.recordWrites === 0) {
      owned.snapshotSaved = true;
      const previous = owned.snapshotVersion;
      // Serialized now, by the call; stored while the next batches are decided.
      const saving = this.ports.store.saveSnapshot(record, withoutStoredResults(owned.state));
      owned.snapshotVersion = record.version;
      owned.recordedStatus = status;
      return { run: () => saving, failed: () => (owned.snapshotVersion = previous) };
    }
    if (owned.recordedStatus === status) return undefined;
    this.logger.debug(`workflow ${owned.workflowId} is ${status}`);
    owned.recordedStatus = status;
    // The record lists the workflow as live from its first event, so a restart finds it.
    return {
      run: () => this.ports.store.put({ ...record, version: 0, lastSeq: 0 }),
      failed: () => (owned.recordedStatus = ''),
    };
  }

  /**
   * A snapshot is due after `snapshotEvery` events, or after as many events as the workflow
   * has tasks when it has more: a snapshot costs in proportion to its tasks, so this keeps
   * its cost per event bounded (a 100,000-task workflow is not serialized every 5,000
   * events), and a takeover replays at most about that many events after it.
   */
  private snapshotDue(owned: OwnedWorkflow): boolean {
    const every = Math.max(this.options.snapshotEvery, owned.state.taskOrder.length);
    return owned.state.version - owned.snapshotVersion >= every;
  }

  private schedule(owned: OwnedWorkflow, at: number | undefined): void {
    clearTimeout(this.timers.get(owned.workflowId));
    this.timers.delete(owned.workflowId);
    if (at === undefined || owned.finished) return;
    const delay = Math.min(Math.max(0, at - Date.now()) + 1, 2_000_000_000);
    const tick: EngineCommand = { type: 'Tick', now: 0 };
    const timer = setTimeout(() => {
      this.timers.delete(owned.workflowId);
      void owned
        .submit({ ...tick, now: Date.now() })
        .then(() => (owned.finished ? this.release(owned) : undefined))
        .catch((error) => this.logger.warn(`tick of ${owned.workflowId} failed: ${error}`));
    }, delay);
    timer.unref();
    this.timers.set(owned.workflowId, timer);
  }

  private async release(owned: OwnedWorkflow): Promise<void> {
    if (this.owned.get(owned.workflowId) !== owned) return;
    this.forget(owned);
    await this.ports.leases.release(owned.lease);
  }

  private forget(owned: OwnedWorkflow, error?: unknown): void {
    if (error) this.logger.warn(`dropped ${owned.workflowId} to reload it: ${error}`);
    owned.tracer.end();
    if (this.owned.get(owned.workflowId) === owned) this.owned.delete(owned.workflowId);
    clearTimeout(this.timers.get(owned.workflowId));
    this.timers.delete(owned.workflowId);
  }

  /** Renews every lease this replica holds; a workflow whose lease was lost is let go at once. */
  private async renewLeases(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.owned.values()].map(async (owned) => {
        const renewed = await this.ports.leases.renew(owned.lease, now);
        if (renewed) {
          owned.lease = renewed;
          return;
        }
        this.logger.warn(`lost the lease of ${owned.workflowId}; another replica owns it now`);
        owned.abandon(new Error(`lost the lease of ${owned.workflowId}`));
        this.forget(owned);
      }),
    );
  }

  /**
   * Purges the logs of workflows that ended longer ago than the retention: their events,
   * streamed items and stored values. Any replica may do it; doing it twice is harmless.
   */
  private async purgeEnded(): Promise<void> {
    for (const ended of await this.ports.store.duePurges(Date.now())) {
      const removed = await this.ports.log.purge(ended.workflowId);
      await this.ports.results.delete(ended.stored);
      await this.ports.store.purged(ended.workflowId);
      this.logger.log(
        `purged the log of ${ended.workflowId} (${removed} messages, ${ended.stored.length} stored values), ended ${new Date(ended.endedAt).toISOString()}`,
      );
    }
  }

  /**
   * Claims live workflows whose lease is missing or expired (their owner died), and those
   * still leased to this replica that it dropped (an append failed): no need to wait out
   * its own lease before replaying them.
   */
  private async takeOverOrphans(): Promise<void> {
    const now = Date.now();
    for (const workflowId of await this.ports.store.live()) {
      if (this.owned.has(workflowId) || this.claiming.has(workflowId)) continue;
      // One workflow that cannot be claimed now does not keep the scan from the others.
      await this.takeOver(workflowId, now).catch((error) =>
        this.logger.warn(`taking over ${workflowId} failed (tried again next scan): ${error}`),
      );
    }
  }

  private async takeOver(workflowId: string, now: number): Promise<void> {
    const holder = await this.ports.leases.holder(workflowId);
    if (holder && holder.expiresAt > now && holder.owner !== this.instance) return;
    const claimed = await this.ownedOrClaimed(workflowId);
    if (claimed instanceof OwnedWorkflow) await claimed.submit({ type: 'Tick', now: Date.now() });
  }
}

/** The values of a workflow kept by reference (results, inputs), which go with its log. */
function storedValues(state: WorkflowState): PayloadRef[] {
  const refs: PayloadRef[] = [];
  for (const task of Object.values(state.tasks)) {
    if (task.resultRef) refs.push(task.resultRef);
    if (task.dispatchedInputRef) refs.push(task.dispatchedInputRef);
    for (const round of task.rounds ?? []) if (round.resultRef) refs.push(round.resultRef);
  }
  return refs;
}
