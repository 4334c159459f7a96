import { ErrorCode, TOOLS, type ToolContract, type WorkflowEvent } from '@fanout/contracts';
import { resolveReferences } from '../definition/references';
import { describeIssue, formatPath } from '../definition/validation-error';
import { timeoutOf, type EngineOptions } from './policies';
import { lookupIn } from './results';
import type { TaskState, WorkflowState } from './state';

/**
 * The event that sends a task's next attempt to its tool: references resolved, input
 * checked against the tool's schema, and for `agent.run` a child budget carved from what
 * this workflow has left. A task that cannot be sent fails here, with the reason, rather
 * than on a worker.
 */
export function dispatchEvent(
  state: WorkflowState,
  task: TaskState,
  now: number,
  options: EngineOptions,
  tools: Readonly<Record<string, ToolContract>> = TOOLS,
): WorkflowEvent {
  const base = { workflowId: state.workflowId, at: now, taskId: task.id };
  const fail = (code: string, message: string): WorkflowEvent => ({
    ...base,
    type: 'TaskFailed',
    attempts: task.attempt,
    error: { code, message, retryable: false },
  });
  const resolved = resolveReferences(task.definition.input, lookupIn(state, task));
  if (!resolved.ok)
    return fail(
      ErrorCode.InvalidInput,
      `cannot resolve the input of ${task.id}: ${resolved.error}`,
    );
  let input = resolved.value;
  const contract = tools[task.tool];
  if (contract) {
    const checked = contract.input.safeParse(input);
    if (!checked.success) {
      const problems = checked.error.issues.map(
        (issue) => `input.${formatPath(issue.path)}: ${describeIssue(issue)}`,
      );
      return fail(
        ErrorCode.InvalidInput,
        `the resolved input of ${task.id} does not fit ${task.tool}: ${problems.join('; ')}`,
      );
    }
  }
  if (task.tool === 'agent.run') {
    const carved = carveChildBudget(state, input, now);
    if (!carved.ok) return fail(ErrorCode.BudgetExceeded, `${task.id}: ${carved.why}`);
    input = carved.input;
  }
  const deadline = Math.min(now + timeoutOf(state, task, options), state.deadline ?? Infinity);
  return {
    ...base,
    type: 'TaskDispatched',
    attempt: task.attempt + 1,
    tool: task.tool,
    input,
    priority: task.priority,
    deadline,
  };
}

/**
 * A child workflow gets at most what its parent has left: tasks not yet spent or
 * reserved, the time until the parent's deadline, the parent's concurrency, and one
 * level less of nesting.
 */
function carveChildBudget(
  state: WorkflowState,
  input: unknown,
  now: number,
): { ok: true; input: unknown } | { ok: false; why: string } {
  const budget = state.definition!.budget;
  if (state.depth + 1 > budget.maxDepth) {
    return {
      ok: false,
      why: `a child workflow would be at depth ${state.depth + 1}, over maxDepth ${budget.maxDepth}`,
    };
  }
  const asked = ((input as { budget?: Record<string, number | undefined> }).budget ?? {}) as Record<
    string,
    number | undefined
  >;
  const tasksLeft = budget.maxTasks - state.taskCount - state.reservedTasks;
  const timeLeft = (state.deadline ?? now) - now;
  if (tasksLeft < 1 || timeLeft < 1)
    return { ok: false, why: 'no budget left for a child workflow' };
  const carved = {
    maxTasks: Math.min(asked['maxTasks'] ?? tasksLeft, tasksLeft),
    maxDurationMs: Math.min(asked['maxDurationMs'] ?? timeLeft, timeLeft),
    maxConcurrency: Math.min(
      asked['maxConcurrency'] ?? budget.maxConcurrency,
      budget.maxConcurrency,
    ),
    maxDepth: budget.maxDepth,
  };
  return { ok: true, input: { ...(input as object), budget: carved } };
}
