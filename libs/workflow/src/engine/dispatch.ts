import { ErrorCode, TOOLS, type ToolContract, type WorkflowEvent } from '@fanout/contracts';
import { resolveReferences } from '../definition/references';
import { describeIssue, formatPath } from '../definition/validation-error';
import { carveBudget, roundByReference } from './agents';
import { timeoutOf, type EngineOptions } from './policies';
import { lookupIn } from './results';
import type { TaskState, WorkflowState } from './state';

/**
 * The event that sends a task's next attempt to its tool: references resolved, input
 * checked against the tool's schema, and for `agent.run` the budget its child may have,
 * carved from what this workflow has left, and what its earlier rounds did. A task that cannot be sent fails here, with the reason, rather
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
  if (task.tool === 'agent.run') input = agentInput(state, task, input, now);
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
 * What an agent.run attempt is given besides its input: the budget it may grant its next
 * child (what it asked for, cut to what this workflow has left) and what the children of
 * its earlier rounds did.
 */
function agentInput(state: WorkflowState, task: TaskState, input: unknown, now: number): unknown {
  const given = input as { budget?: Record<string, unknown> };
  const { budget } = carveBudget(state, task, given.budget ?? {}, now);
  return { ...(input as object), budget, rounds: (task.rounds ?? []).map(roundByReference) };
}
