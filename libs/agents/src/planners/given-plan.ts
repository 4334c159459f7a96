import { AgentError } from '../errors';
import type { Planner, PlanRequest, PlanStep } from '../planner';

/**
 * The specialist "plan": runs the workflow its input gives as its one child, whose final
 * tasks' results are its answer (`last`: the engine answers for it when the child ends).
 * What turns any workflow into a sub-workflow with a budget of its own, nested up to the
 * depth limit.
 */
export const givenPlan: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    if (!request.plan) {
      throw new AgentError('PLAN_MISSING', 'the specialist "plan" needs a workflow in `plan`');
    }
    return { plan: request.plan, last: true, tokens: 0 };
  },
};
