import type { FanoutClient, Problem } from '@fanout/client';
import type { FanoutError, TaskStatus, WorkflowDocument } from '@fanout/contracts';
import { ArgumentError, problemsOfRefusal } from './arguments';
import { followWorkflow, type Followed, type Progress } from './follow';
import type { RecentWorkflows } from './resources';
import { mcpNameOf, type ExposedTool } from './tool-table';

/** One call of a batch: a tool and its input, checked against its contract beforehand. */
export interface BatchCall {
  tool: ExposedTool;
  input: Record<string, unknown>;
}

/** How one call of a batch ended, in the shape `fanout_batch` answers with. */
export interface CallResult {
  tool: string;
  status: TaskStatus;
  result: unknown;
  error: FanoutError | null;
  /** The task the call ran as, whose whole result a resource holds. */
  taskId: string;
}

/** What a call does while it runs: the request's signal and where progress goes. */
export interface CallContext {
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
}

/** The phase every call of a batch runs in; call i is task `batch/c<i>`. */
const PHASE = 'batch';
const taskIdOf = (index: number) => `${PHASE}/c${index}`;

/**
 * The calls as one workflow: one phase whose barrier degrades, so a call that fails
 * leaves its own hole and the others go on; the budget is exactly the calls.
 */
export function batchWorkflow(calls: BatchCall[], maxConcurrency?: number): WorkflowDocument {
  return {
    description: `MCP batch of ${calls.length} call(s)`,
    budget: { maxTasks: calls.length, ...(maxConcurrency ? { maxConcurrency } : {}) },
    phases: [
      {
        id: PHASE,
        barrier: { policy: 'degrade' },
        tasks: calls.map((call, index) => ({
          id: `c${index}`,
          tool: call.tool,
          input: call.input,
        })),
      },
    ],
  };
}

/** A refusal of the batch's workflow, its paths (`phases[0].tasks[3].input…`) as calls'. */
function refusal(problems: readonly Problem[], single: boolean): ArgumentError {
  return new ArgumentError(
    problems.map(({ path, message }) => {
      const call = path.replace(/^phases\[0\]\.tasks\[(\d+)\]\.?/, single ? '' : 'calls[$1].');
      return `${call.replace(/\.$/, '') || 'arguments'}: ${message}`;
    }),
  );
}

/** Each call's outcome, in the order asked; a call the workflow never ended was cancelled. */
function outcomes(calls: BatchCall[], followed: Followed): CallResult[] {
  const tasks = new Map(followed.done?.synthesis.tasks.map((task) => [task.taskId, task]));
  return calls.map((call, index) => {
    const taskId = taskIdOf(index);
    const ended = tasks.get(taskId);
    return {
      tool: mcpNameOf(call.tool),
      status: ended?.status ?? 'cancelled',
      result: followed.results.get(taskId) ?? null,
      error: followed.errors.get(taskId) ?? ended?.error ?? null,
      taskId,
    };
  });
}

/**
 * Runs the calls in parallel as one workflow and resolves with its id, how it ended and
 * every call's outcome in order. Refusals come back as {@link ArgumentError}s naming the
 * call and field.
 */
export async function runBatch(
  client: FanoutClient,
  recent: RecentWorkflows,
  calls: BatchCall[],
  context: CallContext,
  maxConcurrency?: number,
): Promise<{ workflowId: string; status: string; results: CallResult[] }> {
  const workflow = batchWorkflow(calls, maxConcurrency);
  const handle = await client.submit(workflow).catch((error: unknown) => {
    const problems = problemsOfRefusal(error);
    throw problems ? refusal(problems, calls.length === 1) : error;
  });
  const [first] = calls;
  const title =
    calls.length === 1 && first ? mcpNameOf(first.tool) : `fanout_batch of ${calls.length}`;
  recent.add(handle.id, title);
  const followed = await followWorkflow(handle, context);
  return {
    workflowId: handle.id,
    status: followed.done?.status ?? 'cancelled',
    results: outcomes(calls, followed),
  };
}
