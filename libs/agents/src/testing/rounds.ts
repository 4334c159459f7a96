import {
  AgentAggregate,
  AgentRun,
  type ChildOutcome,
  type FanoutError,
  type WorkflowDocument,
} from '@fanout/contracts';
import { aggregate } from '../aggregate';
import type { PlanRequest } from '../planner';

/** A task of a finished child: its id `<phase>/<task>`, tool, and result or error. */
export interface EndedTask {
  id: string;
  tool: string;
  result?: unknown;
  error?: FanoutError;
}

/**
 * How a child ended, as the engine reports it to the next round: the results of its tasks
 * by `<phase>.<task>`, and a synthesis naming each task, failed ones with their error.
 */
export function childOutcome(round: number, tasks: readonly EndedTask[]): ChildOutcome {
  const failed = tasks.filter((task) => task.error).length;
  const status = failed > 0 ? 'degraded' : 'succeeded';
  return {
    round,
    childWorkflowId: `wf-agent-r${round}`,
    status,
    synthesis: {
      status,
      durationMs: 1,
      counts: {
        total: tasks.length,
        succeeded: tasks.length - failed,
        failed,
        cancelled: 0,
        skipped: 0,
      },
      phases: [...new Set(tasks.map((task) => task.id.split('/')[0] ?? task.id))].map((phaseId) => {
        const missing = tasks
          .filter((task) => task.error && task.id.startsWith(`${phaseId}/`))
          .map((task) => task.id);
        return {
          phaseId,
          status: missing.length ? ('degraded' as const) : ('succeeded' as const),
          missing,
        };
      }),
      omittedTasks: 0,
      tasks: tasks.map((task) => ({
        taskId: task.id,
        tool: task.tool,
        status: task.error ? ('failed' as const) : ('succeeded' as const),
        attempts: 1,
        ...(task.error ? { error: task.error } : {}),
      })),
    },
    result: Object.fromEntries(
      tasks.filter((task) => !task.error).map((task) => [task.id.replace('/', '.'), task.result]),
    ),
    usage: { tasks: tasks.length, toolCalls: tasks.length, durationMs: 1, tokens: 0 },
  };
}

/** An agent.run input as the engine hands it to a planner, defaults applied. */
export function planRequest(input: {
  specialist: string;
  goal: string;
  context?: unknown;
  budget?: PlanRequest['budget'];
  rounds?: ChildOutcome[];
}): PlanRequest {
  return AgentRun.input.parse(input);
}

/** A task of a plan, as a test's stand-in for a worker sees it. */
export interface PlannedTask {
  id: string;
  tool: string;
  input: Record<string, unknown>;
}

/**
 * Runs a plan's tasks as the engine would report them: `agent.aggregate` for real, every
 * other tool by `answer` (a result, or an error to fail with).
 */
export function runPlan(
  round: number,
  plan: unknown,
  answer: (task: PlannedTask) => { result: unknown } | { error: FanoutError },
): ChildOutcome {
  const tasks = (plan as WorkflowDocument).phases.flatMap((phase) =>
    phase.tasks.map((task): EndedTask => {
      const planned = { id: `${phase.id}/${task.id}`, tool: task.tool, input: task.input ?? {} };
      if (task.tool === 'agent.aggregate') {
        return { ...planned, result: aggregate(AgentAggregate.input.parse(planned.input)) };
      }
      return { ...planned, ...answer(planned) };
    }),
  );
  return childOutcome(round, tasks);
}
