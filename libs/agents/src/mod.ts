/**
 * The agents: `agent.run` (a specialist turns a goal into child workflows, round after
 * round, and answers), and the executors plans use besides the other tools —
 * `agent.aggregate` (merge, dedupe, rank, group) and `agent.validate` (check claims
 * against evidence). They know nothing of NATS: the engine runs the children.
 */
import type { ToolImplementation } from '@fanout/contracts';
import { agentAggregate } from './aggregate';
import { agentRun } from './agent-run';
import type { LlmConfig } from './llm-config';
import type { Planner } from './planner';
import { codebasePlanner } from './planners/codebase/codebase-planner';
import { givenPlan } from './planners/given-plan';
import { masterPlanner } from './planners/master/master';
import type { Chat } from './planners/model/chat';
import { withModel } from './planners/model/planners';
import { opsPlanner } from './planners/ops/ops-planner';
import { testPlanner } from './planners/test/test-planner';
import { webPlanner } from './planners/web/web-planner';
import { agentValidate } from './validate';

export { agentRun } from './agent-run';
export { aggregate, agentAggregate } from './aggregate';
export { validate, agentValidate } from './validate';
export { AgentError } from './errors';
export type { Planner, PlanRequest, PlanStep } from './planner';
export { givenPlan } from './planners/given-plan';
export { masterPlanner } from './planners/master/master';
export { DOMAIN_SPECIALISTS } from './planners/master/pick-specialists';
export { codebasePlanner } from './planners/codebase/codebase-planner';
export { SEARCH_CALLS } from './planners/codebase/stages';
export { opsPlanner } from './planners/ops/ops-planner';
export { testPlanner } from './planners/test/test-planner';
export { webPlanner } from './planners/web/web-planner';
export { llmConfigFromEnv, type LlmConfig } from './llm-config';
export { modelPlanner, type ModelPlannerOptions } from './planners/model/model-planner';
export { openAiChat, type Chat } from './planners/model/chat';
export { SPECIALIST_TOOLS } from './planners/model/specialist-tools';

/**
 * The domain specialists that plan from templates, without a model: deterministic, so a
 * replay plans the same, and what a model-driven planner falls back on.
 */
export const TEMPLATE_PLANNERS = {
  codebase: codebasePlanner,
  web: webPlanner,
  ops: opsPlanner,
  test: testPlanner,
} as const satisfies Readonly<Record<string, Planner>>;

/** The specialists an agent worker hosts, by name, as their templates plan them, and the master. */
export const PLANNERS: Readonly<Record<string, Planner>> = {
  plan: givenPlan,
  master: masterPlanner,
  ...TEMPLATE_PLANNERS,
};

/** Every agent tool, as an agent worker hosts them. */
export type AgentTools = {
  'agent.run': ToolImplementation<'agent.run'>;
  'agent.aggregate': ToolImplementation<'agent.aggregate'>;
  'agent.validate': ToolImplementation<'agent.validate'>;
};

/**
 * The agent tools over the planners `llm` calls for: the templates, or with a model
 * configured the model planners wrapping them (`chat` stands in for the endpoint in tests).
 */
export function createAgentTools(
  llm?: LlmConfig,
  options: { templates?: Readonly<Record<string, Planner>>; chat?: Chat } = {},
): AgentTools {
  return {
    'agent.run': agentRun(withModel(options.templates ?? PLANNERS, llm, options.chat)),
    'agent.aggregate': agentAggregate,
    'agent.validate': agentValidate,
  };
}
