import type { ToolContract, ToolSpread } from '@fanout/contracts';
import { resolveReferences } from '../definition/references';
import { lookupIn } from './results';
import type { TaskState, WorkflowState } from './state';

/**
 * The spread key of each ready task, once: its input is resolved to find it, and the
 * answer cannot change while it waits (what it refers to has finished). Keyed by the
 * task object, so a state's tasks take their keys with them and nothing is kept for
 * states that are gone; a replay simply works them out again.
 */
const keys = new WeakMap<TaskState, string | null>();

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
  ) {}

  /** Whether `task` may be dispatched now; if so, its key's slot is taken. */
  admit(task: TaskState): boolean {
    const spread = this.tools[task.tool]?.spread;
    if (!spread) return true;
    const key = this.readyKey(task, spread);
    if (key === undefined) return true;
    const counts = (this.counts ??= this.countActive());
    const taken = counts.get(key) ?? 0;
    if (taken >= spread.limit) return false;
    counts.set(key, taken + 1);
    return true;
  }

  private readyKey(task: TaskState, spread: ToolSpread): string | undefined {
    let key = keys.get(task);
    if (key === undefined) {
      const input = resolveReferences(task.definition.input, lookupIn(this.state, task));
      key = (input.ok ? spread.key(input.value) : undefined) ?? null;
      keys.set(task, key);
    }
    return key === null ? undefined : `${task.tool} ${key}`;
  }

  /** The dispatched tasks by key, from the inputs they were sent with. */
  private countActive(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const id of Object.keys(this.state.active)) {
      const task = this.state.tasks[id]!;
      const key = this.tools[task.tool]?.spread?.key(task.dispatchedInput);
      if (key === undefined) continue;
      const scoped = `${task.tool} ${key}`;
      counts.set(scoped, (counts.get(scoped) ?? 0) + 1);
    }
    return counts;
  }
}
