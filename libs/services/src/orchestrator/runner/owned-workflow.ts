import type { WorkflowEvent } from '@fanout/contracts';
import type { Lease } from '@fanout/messaging';
import {
  handle,
  nextWakeUp,
  type EngineCommand,
  type EngineOptions,
  type WorkflowState,
} from '@fanout/workflow';
import { effectsOf, type Effects } from './effects';
import type { TraceSizes } from './trace-sizes';
import { WorkflowTracer } from './workflow-tracer';

interface Pending {
  command: EngineCommand;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What an owned workflow asks of its runner: persist, carry out, and bookkeeping. */
export interface OwnedWorkflowHooks {
  /** Makes the events fit the log (large inputs stored by reference) before they are appended. */
  prepare(events: WorkflowEvent[], owned: OwnedWorkflow): Promise<WorkflowEvent[]>;
  append(owned: OwnedWorkflow, from: number, events: WorkflowEvent[]): Promise<number>;
  carryOut(effects: Effects, owned: OwnedWorkflow): Promise<void>;
  /**
   * Called at the end of every batch, when the state is exactly what the log holds; it
   * decides then what to record and starts it in the background ({@link OwnedWorkflow.records}).
   */
  afterBatch(owned: OwnedWorkflow): void;
  /** The workflow's in-memory state can no longer be trusted; forget it. */
  broken(owned: OwnedWorkflow, error: unknown): void;
  schedule(owned: OwnedWorkflow, at: number | undefined): void;
}

/**
 * One workflow this replica owns: its state, its lease, and a queue of commands. Commands
 * are decided one after another (one writer), but all that arrived while an append was in
 * flight are decided together and appended in one batch — a group commit — so the log
 * round trip is paid per batch, not per command.
 */
export class OwnedWorkflow {
  private pending: Pending[] = [];
  private running = false;
  private dead = false;
  snapshotVersion: number;
  /** Whether a snapshot of it may exist: it was loaded from one, or saved one. */
  snapshotSaved: boolean;
  /** The status the workflow's record in KV shows, so it is written only when it changes. */
  recordedStatus = '';
  /** Spans of the workflow, its phases and its running attempts. */
  readonly tracer: WorkflowTracer;
  /**
   * The writes of its record and snapshot, in order, beside the decisions: they only speed
   * a takeover up, so the next batch never waits for them (a snapshot of a large workflow
   * is megabytes). Each write's content is taken at the end of a batch.
   */
  records: Promise<void> = Promise.resolve();
  /** Record writes started and not yet done. */
  recordWrites = 0;

  constructor(
    readonly workflowId: string,
    public state: WorkflowState,
    public lease: Lease,
    public lastSeq: number,
    private readonly options: EngineOptions,
    private readonly hooks: OwnedWorkflowHooks,
    traceSizes?: TraceSizes,
  ) {
    this.snapshotVersion = state.version;
    this.snapshotSaved = false;
    this.tracer = new WorkflowTracer(workflowId, traceSizes);
  }

  /** Decides the command in turn; resolves once its events are in the log and carried out. */
  submit(command: EngineCommand): Promise<void> {
    if (this.dead)
      return Promise.reject(new Error(`workflow ${this.workflowId} is no longer owned here`));
    return new Promise((resolve, reject) => {
      this.pending.push({ command, resolve, reject });
      void this.pump();
    });
  }

  get finished(): boolean {
    return !['new', 'running', 'cancelling'].includes(this.state.status);
  }

  /** Stops taking commands; those waiting are refused so their messages are redelivered. */
  abandon(reason: unknown): void {
    this.dead = true;
    this.tracer.end();
    for (const item of this.pending.splice(0)) item.reject(reason);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length > 0 && !this.dead) {
        const batch = this.pending.splice(0);
        await this.decide(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async decide(batch: Pending[]): Promise<void> {
    const from = this.state.version;
    let events: WorkflowEvent[] = [];
    try {
      for (const item of batch) {
        events.push(...handle(item.command, this.state, this.options).events);
      }
      if (events.length > 0) {
        events = await this.hooks.prepare(events, this);
        this.lastSeq = await this.hooks.append(this, from, events);
        this.tracer.observe(events, this.state);
        await this.hooks.carryOut(effectsOf(events, this.state), this);
      }
    } catch (error) {
      // The state ran ahead of what is surely in the log: drop it and let a replay decide.
      this.abandon(error);
      for (const item of batch) item.reject(error);
      this.hooks.broken(this, error);
      return;
    }
    for (const item of batch) item.resolve();
    this.hooks.afterBatch(this);
    this.hooks.schedule(this, nextWakeUp(this.state, this.options));
  }
}
