import { TOOLS, type ToolContract, type WorkflowEvent } from '@fanout/contracts';
import type { EngineCommand } from './commands';
import { decide } from './decide';
import { evolve } from './evolve';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './policies';
import { react } from './react';
import type { WorkflowState } from './state';

/** Everything a command led to, in order, and the state after all of it. */
export interface Handled {
  events: WorkflowEvent[];
  state: WorkflowState;
}

/**
 * Runs a command to a settled state: `decide`, fold the events in, then `react` and fold
 * until nothing more follows. The orchestrator appends `events` to the log in this order;
 * replaying them through `evolve` gives back `state`.
 */
export function handle(
  command: EngineCommand,
  state: WorkflowState,
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
  tools: Readonly<Record<string, ToolContract>> = TOOLS,
): Handled {
  const events: WorkflowEvent[] = [];
  const fold = (batch: WorkflowEvent[]) => {
    for (const event of batch) {
      evolve(state, event);
      events.push(event);
    }
  };
  fold(decide(command, state, options));
  // Time alone can make something due (a retry), so react even when decide said nothing.
  // Each step moves some task or phase forward for good, so the loop ends; the guard
  // turns a bug into an error instead of a hung orchestrator.
  const limit = 10 * (state.taskOrder.length + state.phaseOrder.length + 100);
  for (let step = 0; ; step += 1) {
    if (step > limit)
      throw new Error(`workflow ${state.workflowId} did not settle after ${limit} steps`);
    const batch = react(state, command.now, options, tools);
    if (batch.length === 0) break;
    fold(batch);
  }
  return { events, state };
}

/** The state a log leads to: the fold of `evolve` over the events. */
export function replay(events: Iterable<WorkflowEvent>, state: WorkflowState): WorkflowState {
  for (const event of events) evolve(state, event);
  return state;
}
