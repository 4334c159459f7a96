import type { TaskOutcome, WorkflowDocument, WorkflowEvent } from '@fanout/contracts';
import type { EngineCommand } from '../commands';
import { evolve } from '../evolve';
import { handle } from '../handle';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from '../policies';
import { initialState, type WorkflowState } from '../state';

/** The clock of every scenario starts here; times in tests are offsets from it. */
export const T0 = 1_700_000_000_000;

/**
 * A workflow under test: commands go in, events come out, the state follows. Keeps the
 * whole log so a test can replay it or look back.
 */
export class Scenario {
  readonly log: WorkflowEvent[] = [];
  state: WorkflowState = initialState('wf');

  /** `options`: the engine's settings, the defaults unless a test is about one. */
  constructor(private readonly options: EngineOptions = DEFAULT_ENGINE_OPTIONS) {}

  /** Runs a command at `T0 + at` and returns the events it produced. */
  when(command: EngineCommand): WorkflowEvent[] {
    const { events } = handle(command, this.state, this.options);
    this.log.push(...events);
    return events;
  }

  submit(
    document: WorkflowDocument,
    at = 0,
    extra: Partial<Extract<EngineCommand, { type: 'Submit' }>> = {},
  ): WorkflowEvent[] {
    return this.when({
      type: 'Submit',
      workflowId: 'wf',
      definition: document,
      priority: 2,
      now: T0 + at,
      ...extra,
    });
  }

  report(taskId: string, outcome: TaskOutcome, at: number, attempt?: number): WorkflowEvent[] {
    const current = attempt ?? this.state.tasks[taskId]?.attempt ?? 1;
    return this.when({
      type: 'Report',
      taskId,
      attempt: current,
      worker: 'w1',
      outcome,
      now: T0 + at,
    });
  }

  succeed(taskId: string, at: number, result: unknown = {}): WorkflowEvent[] {
    return this.report(taskId, { kind: 'succeeded', result, durationMs: 5 }, at);
  }

  fail(taskId: string, at: number, retryable: boolean, code = 'TOOL_FAILED'): WorkflowEvent[] {
    return this.report(
      taskId,
      { kind: 'failed', error: { code, message: `${taskId} broke`, retryable }, durationMs: 5 },
      at,
    );
  }

  /** Folds an event in without deciding anything: a replay. */
  apply(event: WorkflowEvent): void {
    evolve(this.state, event);
    this.log.push(event);
  }

  tick(at: number): WorkflowEvent[] {
    return this.when({ type: 'Tick', now: T0 + at });
  }
}

/** Event types in order, each with the task or phase it is about: easy to read in a diff. */
export function summary(events: WorkflowEvent[]): string[] {
  return events.map((event) => {
    const about =
      'taskId' in event ? ` ${event.taskId}` : 'phaseId' in event ? ` ${event.phaseId}` : '';
    const status = 'status' in event ? ` ${event.status}` : '';
    return `${event.type}${about}${status}`;
  });
}

export function dispatched(events: WorkflowEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'TaskDispatched' ? [event.taskId] : []));
}

export function only<T extends WorkflowEvent['type']>(
  events: WorkflowEvent[],
  type: T,
): Extract<WorkflowEvent, { type: T }>[] {
  return events.filter(
    (event): event is Extract<WorkflowEvent, { type: T }> => event.type === type,
  );
}
