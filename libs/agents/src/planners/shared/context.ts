import { isAbsolute } from 'node:path';
import { AgentError } from '../../errors';
import type { PlanRequest } from '../../planner';

/**
 * The directory a specialist works in: `context.root`, an absolute path. Checked before
 * anything is planned, so a bad request fails with what was wrong rather than as tool
 * errors one round later.
 */
export function rootOf(request: PlanRequest): string {
  const context = request.context;
  const root =
    context !== null && typeof context === 'object' && 'root' in context
      ? (context as { root: unknown }).root
      : undefined;
  if (typeof root !== 'string' || root.trim() === '') {
    throw new AgentError(
      'CONTEXT_INVALID',
      `the specialist "${request.specialist}" needs \`context.root\`, the directory to work in, as a string (got ${describe(root)})`,
    );
  }
  if (!isAbsolute(root)) {
    throw new AgentError(
      'CONTEXT_INVALID',
      `the specialist "${request.specialist}" needs \`context.root\` to be an absolute path (got "${root}")`,
    );
  }
  return root;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'an empty string' : `a ${typeof value}`;
}

/** Tasks the children of the rounds to come may still use: the grant less what earlier rounds used. */
export function tasksLeft(request: PlanRequest): number {
  const granted = request.budget.maxTasks;
  if (granted === undefined) return Number.POSITIVE_INFINITY;
  const used = request.rounds.reduce((sum, round) => sum + round.usage.tasks, 0);
  return Math.max(0, granted - used);
}

/** Why a stage was cut short for lack of tasks, in the words a report shows. */
export function budgetReason(request: PlanRequest): string {
  return `budget.maxTasks (${request.budget.maxTasks ?? 'unlimited'}) leaves no tasks for it`;
}
