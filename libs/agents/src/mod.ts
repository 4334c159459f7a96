/**
 * The agents: `agent.run` (a specialist turns a goal into child workflows, round after
 * round, and answers), and the executors plans use besides the other tools —
 * `agent.aggregate` (merge, dedupe, rank, group) and `agent.validate` (check claims
 * against evidence). They know nothing of NATS: the engine runs the children.
 */
import type { ToolImplementation } from '@fanout/contracts';
import { agentAggregate } from './aggregate';
import { agentRun } from './agent-run';
import type { Planner } from './planner';
import { givenPlan } from './planners/given-plan';
import { masterPlanner } from './planners/master/master';
import { agentValidate } from './validate';

export { agentRun } from './agent-run';
export { aggregate, agentAggregate } from './aggregate';
export { validate, agentValidate } from './validate';
export { AgentError } from './errors';
export type { Planner, PlanRequest, PlanStep } from './planner';
export { givenPlan } from './planners/given-plan';
export { masterPlanner } from './planners/master/master';
export { DOMAIN_SPECIALISTS } from './planners/master/pick-specialists';

/** The specialists an agent worker hosts, by name. */
export const PLANNERS: Readonly<Record<string, Planner>> = {
  plan: givenPlan,
  master: masterPlanner,
};

/** Every agent tool, as an agent worker hosts them. */
export const agentTools: {
  'agent.run': ToolImplementation<'agent.run'>;
  'agent.aggregate': ToolImplementation<'agent.aggregate'>;
  'agent.validate': ToolImplementation<'agent.validate'>;
} = {
  'agent.run': agentRun(PLANNERS),
  'agent.aggregate': agentAggregate,
  'agent.validate': agentValidate,
};
