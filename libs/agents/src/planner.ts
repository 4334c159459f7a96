import type { ToolOutputOf, ToolParamsOf } from '@fanout/contracts';

/** What a planner is asked: the goal, its context, its budget and what earlier rounds did. */
export type PlanRequest = ToolParamsOf<'agent.run'>;

/** What a planner answers for one round: a plan for the next child workflow, or its answer. */
export type PlanStep = ToolOutputOf<'agent.run'>;

/**
 * Turns a goal into work, one round at a time: given the goal and what the children of the
 * earlier rounds did, it returns the plan of the next child workflow, or its answer. The
 * engine records every plan it returns, so a replay never asks again; a planner is free to
 * call a model, and says how many tokens it spent.
 */
export interface Planner {
  step(request: PlanRequest, signal: AbortSignal): Promise<PlanStep>;
}
