import {
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { WorkflowEvent } from '@fanout/contracts';
import type { WorkflowState } from '@fanout/workflow';
import { SPANS_PER_ATTEMPT, TraceSizes } from './trace-sizes';

const tracer = () => trace.getTracer('@fanout/orchestrator');

/**
 * Turns a workflow's events into spans as they are decided: one root span for the
 * workflow, one per phase under it, one per task attempt under its phase. An attempt's
 * envelope is published inside its span's context, so the worker's span continues the
 * same trace: an operator follows one workflow as one trace in Jaeger. Spans live in the
 * owner's memory; after a takeover the new owner opens a root span of its own, linked by
 * the workflow id attribute. A child workflow an agent task starts continues its parent's
 * trace while that trace is below a size (`childContext`), and starts a new one linked to
 * the agent task past it.
 */
export class WorkflowTracer {
  private root?: Span;
  private readonly phases = new Map<string, Span>();
  private readonly tasks = new Map<string, Span>();
  /** How deep the workflow sits in its agent tree; on every span, with its id. */
  private depth = 0;

  constructor(
    private readonly workflowId: string,
    private readonly sizes: TraceSizes = new TraceSizes(),
  ) {}

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

  /**
   * The context to submit the child workflow an agent task planned in. Below `maxSpans`
   * spans in this trace, the agent task's own span: the child's spans join the parent's
   * trace, one tree in Jaeger. Past it, a new trace whose root `child <id>` span links to
   * the agent task, so each part of a large agent tree stays quick to load. `done` ends
   * that root once the submit is sent.
   */
  childContext(taskId: string, childWorkflowId: string, maxSpans: number): ChildTraceContext {
    const parent = this.tasks.get(taskId) ?? this.root;
    const traceId = parent?.spanContext().traceId;
    if (!parent || traceId === undefined || this.sizes.of(traceId) < maxSpans) {
      return { context: this.contextOf(taskId), done: () => undefined };
    }
    const root = tracer().startSpan(
      `child ${childWorkflowId}`,
      {
        root: true,
        links: [{ context: parent.spanContext(), attributes: { 'fanout.link': 'parent task' } }],
        attributes: {
          ...this.common(),
          'fanout.child_workflow_id': childWorkflowId,
          'fanout.parent_trace_spans': this.sizes.of(traceId),
        },
      },
      ROOT_CONTEXT,
    );
    return { context: trace.setSpan(context.active(), root), done: () => root.end() };
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
    this.count(this.root, 1);
  }

  /** Adds to the size of the trace a span of this workflow belongs to. */
  private count(span: Span, spans: number): void {
    if (span.isRecording()) this.sizes.add(span.spanContext().traceId, spans);
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
    this.count(this.root, 1);
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
    this.count(owner, 1 + SPANS_PER_ATTEMPT);
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

/** Where a child workflow's submit is published, and what to close once it is. */
export interface ChildTraceContext {
  context: Context;
  done(): void;
}
