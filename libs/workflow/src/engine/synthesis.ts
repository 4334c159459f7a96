import type { FanoutError, OutcomeStatus, TaskStatus, WorkflowSynthesis } from '@fanout/contracts';
import type { TaskState, WorkflowState } from './state';

/**
 * Above this many tasks, or this many bytes of them, the summary lists the ones that did
 * not succeed first (and as many succeeded ones as fit), so that the completion event
 * stays well inside one message; every task's own terminal event is in the log all the
 * same, with its error whole. Errors here leave out their details for the same reason.
 */
export const SYNTHESIS_TASK_LIMIT = 1_000;
export const SYNTHESIS_BYTE_LIMIT = 256 * 1_024;

/**
 * The summary of a finished workflow. A forEach template that fanned out is represented
 * by its copies; every other task appears once, with its one terminal status.
 */
export function synthesize(
  state: WorkflowState,
  status: OutcomeStatus,
  now: number,
): WorkflowSynthesis {
  const counts = { total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
  const tasks: WorkflowSynthesis['tasks'] = [];
  for (const id of state.taskOrder) {
    const task = state.tasks[id]!;
    if (task.isTemplate && (task.children?.length ?? 0) > 0) continue;
    const taskStatus = terminalStatus(task);
    counts.total += 1;
    counts[taskStatus] += 1;
    const duration =
      task.durationMs ??
      (task.finishedAt !== undefined && task.firstDispatchedAt !== undefined
        ? task.finishedAt - task.firstDispatchedAt
        : undefined);
    tasks.push({
      taskId: id,
      tool: task.tool,
      status: taskStatus,
      attempts: task.attempt,
      ...(duration === undefined ? {} : { durationMs: duration }),
      ...(task.error && taskStatus !== 'succeeded' ? { error: summarised(task.error) } : {}),
    });
  }
  const listed = withinLimits(tasks);
  const omittedTasks = tasks.length - listed.length;
  const phases = state.phaseOrder.map((id) => {
    const phase = state.phases[id]!;
    return { phaseId: id, status: phase.status as OutcomeStatus, missing: phase.missing };
  });
  const durationMs = now - (state.acceptedAt ?? now);
  return {
    status,
    durationMs,
    counts,
    phases,
    usage: usageOf(state, counts.total, durationMs),
    omittedTasks,
    tasks: listed,
  };
}

/**
 * What the workflow and the children it waited for used: its own tasks and tool calls, and
 * for each agent task what its rounds' children used and what its planning spent.
 */
function usageOf(state: WorkflowState, ownTasks: number, durationMs: number) {
  const usage = { tasks: ownTasks, toolCalls: state.toolCalls, durationMs, tokens: 0 };
  for (const task of Object.values(state.tasks)) {
    if (task.tool !== 'agent.run') continue;
    const total = (task.result as { usage?: typeof usage } | undefined)?.usage;
    if (task.status === 'succeeded' && total) {
      usage.tasks += total.tasks;
      usage.toolCalls += total.toolCalls;
      usage.tokens += total.tokens;
      continue;
    }
    for (const round of task.rounds ?? []) {
      usage.tasks += round.usage.tasks;
      usage.toolCalls += round.usage.toolCalls;
      usage.tokens += round.usage.tokens;
    }
    usage.tokens += task.tokens ?? 0;
  }
  return usage;
}

/** The tasks as listed: all of them when they fit, else the unsuccessful first, then what fits. */
function withinLimits(tasks: WorkflowSynthesis['tasks']): WorkflowSynthesis['tasks'] {
  const sizes = tasks.map((task) => JSON.stringify(task).length);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (tasks.length <= SYNTHESIS_TASK_LIMIT && total <= SYNTHESIS_BYTE_LIMIT) return tasks;
  const order = tasks
    .map((task, index) => ({ task, size: sizes[index]! }))
    .sort((a, b) => Number(a.task.status === 'succeeded') - Number(b.task.status === 'succeeded'));
  const listed: WorkflowSynthesis['tasks'] = [];
  let bytes = 0;
  for (const { task, size } of order) {
    if (listed.length === SYNTHESIS_TASK_LIMIT || bytes + size > SYNTHESIS_BYTE_LIMIT) break;
    listed.push(task);
    bytes += size;
  }
  return listed;
}

/** A message cut to at most 1,000 characters, for events that sum up others. */
export function clip(text: string): string {
  return text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text;
}

/** An error as the summary gives it: code, message (at most 1,000 characters) and causes. */
function summarised(error: FanoutError): FanoutError {
  return {
    code: error.code,
    message: clip(error.message),
    retryable: error.retryable,
    ...(error.cause ? { cause: summarised(error.cause) } : {}),
  };
}

function terminalStatus(task: TaskState): TaskStatus {
  switch (task.status) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
    case 'skipped':
      return task.status;
    default:
      // Only reachable for a workflow summarised before it settled; report it as not run.
      return 'skipped';
  }
}
