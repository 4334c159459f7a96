import { AgentError } from '../errors';
import type { Planner, PlanRequest, PlanStep } from '../planner';

/**
 * The specialist "plan": runs the workflow its input gives as its one child, then answers
 * with what that child's final tasks returned. What turns any workflow into a sub-workflow
 * with a budget of its own, nested up to the depth limit.
 */
export const givenPlan: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    const last = request.rounds.at(-1);
    if (last) return { answer: last.result ?? {}, tokens: 0 };
    if (!request.plan) {
      throw new AgentError('PLAN_MISSING', 'the specialist "plan" needs a workflow in `plan`');
    }
    return { plan: request.plan, tokens: 0 };
  },
};
