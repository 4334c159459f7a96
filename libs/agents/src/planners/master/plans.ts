import type { AgentBudget, ToolParamsOf } from '@fanout/contracts';
import { defused } from './defuse';

/** The phase of the first round, one agent.run task per specialist, named after it. */
export const SPECIALISTS_PHASE = 'specialists';
/** The phase and task of the second round, which checks the specialists' evidence. */
export const VALIDATE_PHASE = 'validate';
export const VALIDATE_TASK = 'evidence';

/** How long the check of the evidence may take: it reads files, and nothing else. */
const VALIDATE_TIMEOUT_MS = 60_000;

/**
 * Round one: every specialist asked at once, each with the goal, the master's root and its
 * share of the budget. The barrier degrades rather than fails, so that one specialist that
 * fails (or is not hosted) leaves the others to answer.
 */
export function specialistsPlan(input: {
  goal: string;
  root: string | undefined;
  specialists: readonly string[];
  round: AgentBudget;
  each: AgentBudget;
}) {
  const context = input.root === undefined ? {} : { root: input.root };
  return {
    name: 'ask the specialists',
    budget: input.round,
    phases: [
      {
        id: SPECIALISTS_PHASE,
        barrier: { policy: 'degrade' },
        tasks: input.specialists.map((specialist) => ({
          id: specialist,
          tool: 'agent.run',
          // A specialist that failed once would plan the same again: one try.
          retry: { attempts: 1 },
          input: { specialist, goal: defused(input.goal), context, budget: input.each },
        })),
      },
    ],
  };
}

/**
 * Round two: one agent.validate over every citation the specialists made. Its barrier
 * degrades too, so that a check that could not run still leaves the master to answer.
 */
export function validationPlan(input: ToolParamsOf<'agent.validate'>) {
  return {
    name: 'check the evidence',
    phases: [
      {
        id: VALIDATE_PHASE,
        barrier: { policy: 'degrade' },
        tasks: [
          {
            id: VALIDATE_TASK,
            tool: 'agent.validate',
            timeoutMs: VALIDATE_TIMEOUT_MS,
            input,
          },
        ],
      },
    ],
  };
}
