import { TOOLS, type ToolContract } from '@fanout/contracts';
import { SpreadLimits } from './spread';
import type { TaskState, WorkflowState } from './state';

/**
 * How many ready tasks one step may pass over because their spread key is at its limit
 * before it stops looking: a batch of thousands on one host must not make every step
 * walk the whole backlog. A fanned-out batch joins the queue spread over its keys (see
 * `spreadOrder`), so every key's next task is well within this reach; the cost is about
 * 0.1 ms a step while every key with ready tasks is at its limit.
 */
const MAX_PASSED_OVER = 512;

/**
 * The tasks to dispatch now, in order: higher priority first, then the order in which
 * they became ready; retries only once their `retryAt` has come; never more than
 * `maxConcurrency` on queues and with workers at once, nor more of one spread key (a
 * web.fetch's host, say) than its tool (or `spreadLimits`) allows, so the tasks behind a
 * busy key go first.
 */
export function readyTasks(
  state: WorkflowState,
  now: number,
  tools: Readonly<Record<string, ToolContract>> = TOOLS,
  spreadLimits: Readonly<Record<string, number>> = {},
): TaskState[] {
  if (state.status !== 'running' || !state.definition) return [];
  // Children that run hold the concurrency granted to them: the tree as a whole stays
  // within the root's maxConcurrency.
  const capacity =
    state.definition.budget.maxConcurrency - state.activeCount - state.reservedConcurrency;
  if (capacity <= 0) return [];
  const picked: TaskState[] = [];
  const spread = new SpreadLimits(state, tools, spreadLimits);
  let passedOver = 0;
  const consider = (task: TaskState): void => {
    if (spread.admit(task)) picked.push(task);
    else passedOver += 1;
  };
  const looking = () => picked.length < capacity && passedOver < MAX_PASSED_OVER;
  const retries = (state.retryingCount === 0 ? [] : Object.keys(state.retrying))
    .map((id) => state.tasks[id]!)
    .filter((task) => (task.retryAt ?? Infinity) <= now)
    .sort((a, b) => a.priority - b.priority);
  let retryIndex = 0;
  for (let priority = 0; priority < state.readyQueues.length && looking(); priority += 1) {
    while (retryIndex < retries.length && retries[retryIndex]!.priority <= priority && looking()) {
      consider(retries[retryIndex++]!);
    }
    for (const id of state.readyQueues[priority]!) {
      if (!looking()) break;
      const task = state.tasks[id]!;
      if (task.status === 'ready') consider(task);
    }
  }
  return picked;
}
