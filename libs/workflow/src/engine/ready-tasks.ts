import type { TaskState, WorkflowState } from './state';

/**
 * The tasks to dispatch now, in order: higher priority first, then the order in which
 * they became ready; retries only once their `retryAt` has come; never more than
 * `maxConcurrency` on queues and with workers at once.
 */
export function readyTasks(state: WorkflowState, now: number): TaskState[] {
  if (state.status !== 'running' || !state.definition) return [];
  const capacity = state.definition.budget.maxConcurrency - state.activeCount;
  if (capacity <= 0) return [];
  const picked: TaskState[] = [];
  const retries = (state.retryingCount === 0 ? [] : Object.keys(state.retrying))
    .map((id) => state.tasks[id]!)
    .filter((task) => (task.retryAt ?? Infinity) <= now)
    .sort((a, b) => a.priority - b.priority);
  let retryIndex = 0;
  for (
    let priority = 0;
    priority < state.readyQueues.length && picked.length < capacity;
    priority += 1
  ) {
    while (
      retryIndex < retries.length &&
      retries[retryIndex]!.priority <= priority &&
      picked.length < capacity
    ) {
      picked.push(retries[retryIndex++]!);
    }
    for (const id of state.readyQueues[priority]!) {
      if (picked.length >= capacity) break;
      const task = state.tasks[id]!;
      if (task.status === 'ready') picked.push(task);
    }
  }
  return picked;
}
