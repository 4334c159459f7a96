import type { ToolImplementation } from '@fanout/contracts';
import { AgentError } from './errors';
import type { Planner } from './planner';

/**
 * The `agent.run` tool: one round of the specialist the task names. It returns at once
 * with a plan (the engine starts the child and the task waits for it without holding this
 * worker's slot) or with the answer.
 */
export function agentRun(
  planners: Readonly<Record<string, Planner>>,
): ToolImplementation<'agent.run'> {
  return (input, context) => {
    const planner = planners[input.specialist];
    if (!planner) {
      const known = Object.keys(planners).sort().join(', ');
      throw new AgentError(
        'UNKNOWN_SPECIALIST',
        `there is no specialist "${input.specialist}" (known: ${known})`,
      );
    }
    return planner.step(input, context.signal);
  };
}
