import type { TreeEvent, WorkflowHandle } from '@fanout/client';
import type { EventOf, FanoutError } from '@fanout/contracts';
import { ProgressModel } from '../render/progress-model';

/** One progress report: tasks ended of those known so far, and a line worth showing. */
export interface Progress {
  done: number;
  total: number;
  message: string;
}

/** How a followed workflow ended, with what its own tasks returned (not its children's). */
export interface Followed {
  /** Undefined when the caller stopped following (a cancel) before the end. */
  done?: EventOf<'WorkflowCompleted'>;
  results: Map<string, unknown>;
  errors: Map<string, FanoutError>;
  /** Every event of the tree, for whoever renders it (fanout_ask's agent tree). */
  tree: TreeEvent[];
}

/** A workflow the orchestrator refused: what was wrong with it. */
export class RefusedError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RefusedError';
  }
}

/** Tasks ended and known over the workflow and every child its agents started. */
function counts(model: ProgressModel): { done: number; total: number; failed: number } {
  const parts = [...model.phases.values(), ...model.children.values()];
  return {
    done: parts.reduce((sum, part) => sum + part.ended, 0),
    total: parts.reduce((sum, part) => sum + part.total, 0),
    failed: [...model.phases.values()].reduce((sum, phase) => sum + phase.failed, 0),
  };
}

/**
 * Follows a workflow (and its children) to its end, reporting progress when its
 * tasks are known and whenever a task ends (a failure says which and why). An aborted
 * `signal` (the MCP client cancelled its request) cancels the workflow and stops following
 * at once: nobody is waiting for the answer any more.
 */
export async function followWorkflow(
  handle: WorkflowHandle,
  { signal, onProgress }: { signal: AbortSignal; onProgress: (progress: Progress) => void },
): Promise<Followed> {
  const followed: Followed = { results: new Map(), errors: new Map(), tree: [] };
  const model = new ProgressModel();
  const iterator = handle.tree()[Symbol.asyncIterator]();
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const cancel = () => void handle.cancel('cancelled by the MCP client').catch(() => undefined);
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  let reported = -1;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.then(() => undefined)]);
      if (!next || next.done) break;
      const item = next.value;
      followed.tree.push(item);
      const failure = model.updateTree(item);
      const { done, total, failed } = counts(model);
      // MCP wants every report to say more than the last: the first, then each task ended.
      if (total > 0 && (reported < 0 || done > reported)) {
        reported = done;
        const state = `${handle.id}: ${done} of ${total} tasks done${failed ? `, ${failed} failed` : ''}`;
        onProgress({ done, total, message: failure ? `${state}; ${failure}` : state });
      }
      if (item.depth > 0) continue;
      const { event } = item;
      if (event.type === 'TaskSucceeded') followed.results.set(event.taskId, event.result);
      if (event.type === 'TaskFailed') followed.errors.set(event.taskId, event.error);
      if (event.type === 'WorkflowCompleted') followed.done = event;
      if (event.type === 'WorkflowRejected') {
        throw new RefusedError(event.errors.map((error) => `${error.path}: ${error.message}`));
      }
    }
  } finally {
    // A request cancelled after its workflow ended has nothing left to cancel.
    signal.removeEventListener('abort', cancel);
    // After a cancel the pending read ends once the workflow does; nobody waits for that.
    const stopped = iterator.return?.(undefined).catch(() => undefined);
    if (!signal.aborted) await stopped;
  }
  return followed;
}
