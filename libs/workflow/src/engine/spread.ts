import type { ToolContract, ToolSpread } from '@fanout/contracts';
import { resolveReferences } from '../definition/references';
import { lookupIn } from './results';
import type { TaskState, WorkflowState } from './state';

/**
 * The spread key of each task, worked out once: from the input it was sent with, or
 * before its first dispatch from its input resolved (which cannot change while it waits:
 * what it refers to has finished). Keyed by the task object, so nothing is kept for
 * states that are gone; a replay simply works the keys out again.
 */
const keys = new WeakMap<TaskState, string | null>();

/**
 * The order in which a template's copies should become ready so that no key's copies
 * queue ahead of the others: one copy of each key in turn (keys in order of first
 * appearance, each key's copies in list order). Undefined when that is the list order.
 * The scheduler only looks so far past the busy keys' tasks in the ready queue; spread
 * out like this, a batch of thousands of one host's pages and a few of others' puts the
 * others within reach at once.
 */
export function spreadOrder(
  state: WorkflowState,
  template: TaskState,
  items: readonly unknown[],
  spread: ToolSpread,
): number[] | undefined {
  const byKey = new Map<string | undefined, number[]>();
  items.forEach((item, index) => {
    const input = resolveReferences(
      template.definition.input,
      lookupIn(state, { ...template, item }),
    );
    const key = input.ok ? spread.key(input.value) : undefined;
    const group = byKey.get(key);
    if (group) group.push(index);
    else byKey.set(key, [index]);
  });
  if (byKey.size < 2) return undefined;
  const groups = [...byKey.values()];
  const order: number[] = [];
  for (let round = 0; order.length < items.length; round += 1) {
    for (const group of groups) if (round < group.length) order.push(group[round]!);
  }
  return order.every((index, position) => index === position) ? undefined : order;
}

/**
 * Counts, for one scheduling step, the dispatched tasks of each spread key (see
 * `ToolContract.spread`) and admits a ready task only while its key is under the limit.
 * Built per step and only counts the active tasks when a task with a key asks first, so
 * workflows of tools without a spread pay a lookup per task and nothing more.
 */
export class SpreadLimits {
  private counts: Map<string, number> | undefined;

  constructor(
    private readonly state: WorkflowState,
    private readonly tools: Readonly<Record<string, ToolContract>>,
    private readonly limits: Readonly<Record<string, number>> = {},
  ) {}

  /** Whether `task` may be dispatched now; if so, its key's slot is taken. */
  admit(task: TaskState): boolean {
    const spread = this.tools[task.tool]?.spread;
    if (!spread) return true;
    const key = this.keyOf(task, spread);
    if (key === undefined) return true;
    const counts = (this.counts ??= this.countActive());
    const taken = counts.get(key) ?? 0;
    if (taken >= (this.limits[task.tool] ?? spread.limit)) return false;
    counts.set(key, taken + 1);
    return true;
  }

  private keyOf(task: TaskState, spread: ToolSpread): string | undefined {
    let key = keys.get(task);
    if (key === undefined) {
      let input: unknown = task.dispatchedInput;
      if (input === undefined) {
        const resolved = resolveReferences(task.definition.input, lookupIn(this.state, task));
        input = resolved.ok ? resolved.value : undefined;
      }
      const found = input === undefined ? undefined : spread.key(input);
      key = found === undefined ? null : `${task.tool} ${found}`;
      keys.set(task, key);
    }
    return key ?? undefined;
  }

  /** The dispatched tasks by key. */
  private countActive(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const id of Object.keys(this.state.active)) {
      const task = this.state.tasks[id]!;
      const spread = this.tools[task.tool]?.spread;
      const key = spread && this.keyOf(task, spread);
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }
}
