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
import { codebasePlanner } from './planners/codebase/codebase-planner';
import { givenPlan } from './planners/given-plan';
import { opsPlanner } from './planners/ops/ops-planner';
import { testPlanner } from './planners/test/test-planner';
import { agentValidate } from './validate';

export { agentRun } from './agent-run';
export { aggregate, agentAggregate } from './aggregate';
export { validate, agentValidate } from './validate';
export { AgentError } from './errors';
export type { Planner, PlanRequest, PlanStep } from './planner';
export { givenPlan } from './planners/given-plan';
export { codebasePlanner } from './planners/codebase/codebase-planner';
export { opsPlanner } from './planners/ops/ops-planner';
export { testPlanner } from './planners/test/test-planner';

/**
 * The domain specialists that plan from templates, without a model: deterministic, so a
 * replay plans the same, and what a model-driven planner falls back on.
 */
export const TEMPLATE_PLANNERS = {
  codebase: codebasePlanner,
  ops: opsPlanner,
  test: testPlanner,
} as const satisfies Readonly<Record<string, Planner>>;

/** The specialists an agent worker hosts, by name. */
export const PLANNERS: Readonly<Record<string, Planner>> = {
  plan: givenPlan,
  ...TEMPLATE_PLANNERS,
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
