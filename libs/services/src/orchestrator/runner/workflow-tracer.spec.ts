import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type Telemetry } from '@fanout/telemetry';
import { handle, initialState, type EngineCommand } from '@fanout/workflow';
import type { WorkflowEvent } from '@fanout/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPANS_PER_ATTEMPT, TraceSizes } from './trace-sizes';
import { WorkflowTracer } from './workflow-tracer';

/**
 * Event times are epoch milliseconds. A real one here: OpenTelemetry reads a number below
 * the process's uptime as a `performance.now()` reading, so a toy time like 1000 would
 * come back shifted by the time origin once the test process has run for a second.
 */
const T0 = Date.UTC(2026, 0, 1);

describe('WorkflowTracer', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'orchestrator-test', exporter, env: {} });
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('makes one trace of a workflow: a root span, a span per phase, a span per attempt, and hands workers the attempt span', () => {
    const state = initialState('wf-trace');
    const tracer = new WorkflowTracer('wf-trace');
    const run = (command: EngineCommand): WorkflowEvent[] => {
      const { events } = handle(command, state);
      tracer.observe(events, state);
      return events;
    };
    run({
      type: 'Submit',
      workflowId: 'wf-trace',
      priority: 2,
      now: T0,
      definition: {
        phases: [
          { id: 'a', tasks: [{ id: 'x', tool: 'noop' }] },
          { id: 'b', dependsOn: ['a'], tasks: [{ id: 'y', tool: 'noop' }] },
        ],
      },
    });
    const handedToWorker = trace.getSpanContext(tracer.contextOf('a/x'));
    run({
      type: 'Report',
      taskId: 'a/x',
      attempt: 1,
      worker: 'w',
      outcome: { kind: 'succeeded', result: {}, durationMs: 1 },
      now: T0 + 10,
    });
    run({
      type: 'Report',
      taskId: 'b/y',
      attempt: 1,
      worker: 'w',
      outcome: { kind: 'succeeded', result: {}, durationMs: 1 },
      now: T0 + 20,
    });

    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((span) => [span.name, span]));
    expect([...byName.keys()].sort()).toEqual([
      'phase a',
      'phase b',
      'task a/x',
      'task b/y',
      'workflow wf-trace',
    ]);
    const root = byName.get('workflow wf-trace')!;
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(
      new Set([root.spanContext().traceId]),
    );
    expect(byName.get('phase a')!.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(byName.get('task a/x')!.parentSpanContext?.spanId).toBe(
      byName.get('phase a')!.spanContext().spanId,
    );
    expect(handedToWorker?.spanId).toBe(byName.get('task a/x')!.spanContext().spanId);
    expect(root.startTime[0] * 1000 + root.startTime[1] / 1e6).toBe(T0);
  });

  /** A parent workflow with `count` agent tasks running, its tracer counting into `sizes`. */
  function parentWith(workflowId: string, count: number, sizes: TraceSizes) {
    const state = initialState(workflowId);
    const tracer = new WorkflowTracer(workflowId, sizes);
    const { events } = handle(
      {
        type: 'Submit',
        workflowId,
        priority: 2,
        now: T0,
        definition: {
          phases: [
            {
              id: 'agents',
              tasks: Array.from({ length: count }, (_, i) => ({ id: `a${i}`, tool: 'noop' })),
            },
          ],
        },
      },
      state,
    );
    tracer.observe(events, state);
    return tracer;
  }

  it('submits a child in the span of its agent task while the trace is small, so the tree is one trace', () => {
    const sizes = new TraceSizes();
    const tracer = parentWith('wf-small', 3, sizes);
    const task = trace.getSpanContext(tracer.contextOf('agents/a0'))!;
    // The root, the phase, and three attempts with the spans each brings.
    expect(sizes.of(task.traceId)).toBe(2 + 3 * (1 + SPANS_PER_ATTEMPT));

    const child = tracer.childContext('agents/a0', 'wf-small.child', 1_000);
    expect(trace.getSpanContext(child.context)).toEqual(task);
    child.done();
    tracer.end();
  });

  it('past the size, starts the child in a new trace whose root links to the agent task', () => {
    const sizes = new TraceSizes();
    const tracer = parentWith('wf-large', 3, sizes);
    const task = trace.getSpanContext(tracer.contextOf('agents/a1'))!;

    const child = tracer.childContext('agents/a1', 'wf-large.child', 10);
    const started = trace.getSpanContext(child.context)!;
    expect(started.traceId).not.toBe(task.traceId);
    child.done();
    tracer.end();

    const root = exporter.getFinishedSpans().find((span) => span.name === 'child wf-large.child')!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.spanContext().spanId).toBe(started.spanId);
    expect(root.links.map((link) => link.context.spanId)).toEqual([task.spanId]);
    expect(root.attributes).toMatchObject({
      'fanout.workflow_id': 'wf-large',
      'fanout.child_workflow_id': 'wf-large.child',
    });
  });
});

describe('TraceSizes', () => {
  it('adds up spans per trace and forgets the least recently grown trace past its bound', () => {
    const sizes = new TraceSizes(2);
    sizes.add('t1', 3);
    sizes.add('t2', 1);
    sizes.add('t1', 4);
    sizes.add('t3', 1);
    expect([sizes.of('t1'), sizes.of('t2'), sizes.of('t3')]).toEqual([7, 0, 1]);
  });
});
