import { context, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { WorkflowEvent } from '@fanout/contracts';
import type { WorkflowState } from '@fanout/workflow';

const tracer = () => trace.getTracer('@fanout/orchestrator');

/**
 * Turns a workflow's events into spans as they are decided: one root span for the
 * workflow, one per phase under it, one per task attempt under its phase. An attempt's
 * envelope is published inside its span's context, so the worker's span continues the
 * same trace: an operator follows one workflow as one trace in Jaeger. Spans live in the
 * owner's memory; after a takeover the new owner opens a root span of its own, linked by
 * the workflow id attribute.
 */
export class WorkflowTracer {
  private root?: Span;
  private readonly phases = new Map<string, Span>();
  private readonly tasks = new Map<string, Span>();
  /** How deep the workflow sits in its agent tree; on every span, with its id. */
  private depth = 0;

  constructor(private readonly workflowId: string) {}

  private common() {
    return { 'fanout.workflow_id': this.workflowId, 'fanout.depth': this.depth };
  }

  /** Opens the spans a resumed workflow would have had open. */
  resume(state: WorkflowState, parent: Context = context.active()): void {
    if (state.acceptedAt === undefined) return;
    this.depth = state.depth;
    this.openRoot(state.acceptedAt, parent, true);
    for (const id of state.phaseOrder) {
      const phase = state.phases[id]!;
      if (phase.status === 'running') this.openPhase(id, phase.startedAt ?? state.acceptedAt);
    }
    for (const id of Object.keys(state.active)) {
      const task = state.tasks[id]!;
      this.openTask(
        id,
        task.phaseId,
        task.attempt,
        task.tool,
        task.dispatchedAt ?? state.acceptedAt,
      );
    }
  }

  /** Opens and closes spans for a batch of events, in order. */
  observe(
    events: readonly WorkflowEvent[],
    state: WorkflowState,
    parent: Context = context.active(),
  ): void {
    for (const event of events) {
      switch (event.type) {
        case 'WorkflowAccepted':
          this.depth = event.depth;
          this.openRoot(event.at, parent, false);
          break;
        case 'PhaseStarted':
          this.openPhase(event.phaseId, event.at);
          break;
        case 'TaskDispatched':
          this.openTask(
            event.taskId,
            state.tasks[event.taskId]?.phaseId ?? '',
            event.attempt,
            event.tool,
            event.at,
          );
          break;
        case 'TaskSucceeded':
          this.closeTask(event.taskId, event.at);
          break;
        case 'TaskAttemptFailed':
          this.closeTask(event.taskId, event.at, `${event.error.code}: ${event.error.message}`);
          break;
        case 'TaskCancelled':
        case 'TaskSkipped':
          this.closeTask(event.taskId, event.at, event.reason);
          break;
        case 'PhaseCompleted':
          this.close(
            this.phases,
            event.phaseId,
            event.at,
            event.status === 'failed' ? `phase ${event.status}` : undefined,
          );
          break;
        case 'WorkflowCompleted':
        case 'WorkflowRejected':
          this.end(
            event.at,
            event.type === 'WorkflowCompleted' && event.status === 'failed' ? 'failed' : undefined,
          );
          break;
        default:
          break;
      }
    }
  }

  /** The context to publish a task's envelope in, so the worker continues its span. */
  contextOf(taskId: string): Context {
    const span = this.tasks.get(taskId);
    return span ? trace.setSpan(context.active(), span) : context.active();
  }

  /** Ends every open span (the workflow ended, or this replica let it go). */
  end(at: number = Date.now(), error?: string): void {
    for (const id of [...this.tasks.keys()]) this.close(this.tasks, id, at);
    for (const id of [...this.phases.keys()]) this.close(this.phases, id, at);
    if (this.root) {
      if (error) this.root.setStatus({ code: SpanStatusCode.ERROR, message: error });
      this.root.end(at);
      this.root = undefined;
    }
  }

  private openRoot(at: number, parent: Context, resumed: boolean): void {
    if (this.root) return;
    this.root = tracer().startSpan(
      `workflow ${this.workflowId}`,
      {
        startTime: at,
        attributes: { ...this.common(), 'fanout.resumed': resumed },
      },
      parent,
    );
  }

  private openPhase(phaseId: string, at: number): void {
    if (!this.root || this.phases.has(phaseId)) return;
    const parent = trace.setSpan(context.active(), this.root);
    this.phases.set(
      phaseId,
      tracer().startSpan(
        `phase ${phaseId}`,
        { startTime: at, attributes: { ...this.common(), 'fanout.phase_id': phaseId } },
        parent,
      ),
    );
  }

  private openTask(
    taskId: string,
    phaseId: string,
    attempt: number,
    tool: string,
    at: number,
  ): void {
    this.close(this.tasks, taskId, at);
    const owner = this.phases.get(phaseId) ?? this.root;
    if (!owner) return;
    const parent = trace.setSpan(context.active(), owner);
    const attributes = {
      ...this.common(),
      'fanout.task_id': taskId,
      'fanout.attempt': attempt,
      'fanout.tool': tool,
    };
    this.tasks.set(
      taskId,
      tracer().startSpan(`task ${taskId}`, { startTime: at, attributes }, parent),
    );
  }

  private closeTask(taskId: string, at: number, error?: string): void {
    this.close(this.tasks, taskId, at, error);
  }

  private close(spans: Map<string, Span>, id: string, at: number, error?: string): void {
    const span = spans.get(id);
    if (!span) return;
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end(at);
    spans.delete(id);
  }
}
