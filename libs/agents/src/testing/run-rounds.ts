import { atPath, type ChildOutcome, type ToolContext } from '@fanout/contracts';
import type { Planner, PlanRequest } from '../planner';

/** A tool as the simulated engine calls it: input in, result out (or an async generator's return). */
export type AnyTool = (input: never, context: ToolContext) => unknown;

interface TaskDocument {
  id: string;
  tool: string;
  input?: Record<string, unknown>;
  dependsOn?: string[];
  forEach?: string;
}
interface PhaseDocument {
  id: string;
  tasks: TaskDocument[];
}

const REFERENCE = /^\$\{\{\s*([^}]+?)\s*\}\}$/;

/**
 * Drives a planner the way the engine does, in process: each plan's tasks are run with the
 * given tools (phase after phase, the tasks of a phase together), and the next request
 * carries the round's outcome as the engine builds it — the results of the tasks nothing
 * else depended on by "<phase>.<task>", a forEach's as the list of its copies' results, a
 * failed task left out and named in the synthesis. Whole-value references
 * `${{ <phase>.<task>.<path> }}` and `${{ item… }}` are resolved; nothing else of the
 * engine (budgets, retries, barriers) is.
 */
export async function runRounds(
  planner: Planner,
  request: Omit<PlanRequest, 'rounds'>,
  tools: Readonly<Record<string, AnyTool>>,
  maxRounds = 20,
): Promise<{ answer: unknown; rounds: ChildOutcome[]; plans: unknown[] }> {
  const rounds: ChildOutcome[] = [];
  const plans: unknown[] = [];
  const signal = new AbortController().signal;
  for (let round = 1; round <= maxRounds; round += 1) {
    const step = await planner.step({ ...request, rounds }, signal);
    if ('answer' in step) return { answer: step.answer, rounds, plans };
    plans.push(step.plan);
    rounds.push(await runChild(step.plan as { phases: PhaseDocument[] }, round, tools));
  }
  throw new Error(`the planner did not answer within ${maxRounds} rounds`);
}

async function runChild(
  plan: { phases: PhaseDocument[] },
  round: number,
  tools: Readonly<Record<string, AnyTool>>,
): Promise<ChildOutcome> {
  const results = new Map<string, unknown>();
  const tasks: ChildOutcome['synthesis']['tasks'] = [];
  const dependedOn = new Set<string>();
  for (const phase of plan.phases) {
    await Promise.all(
      phase.tasks.map(async (task) => {
        for (const dep of task.dependsOn ?? []) {
          dependedOn.add(dep.includes('.') ? dep : `${phase.id}.${dep}`);
        }
        const lookup = (path: string, item: unknown) => {
          if (path === 'item' || path.startsWith('item.')) return atPath(item, path.slice(5));
          const [p, t, ...rest] = path.split('.');
          dependedOn.add(`${p}.${t}`);
          return atPath(results.get(`${p}.${t}`), rest.join('.'));
        };
        const list = task.forEach ? REFERENCE.exec(task.forEach)?.[1] : undefined;
        const items = list ? (lookup(list, undefined) as unknown[]) : [undefined];
        const values = await Promise.all(
          items.map(async (item, index) => {
            const taskId = `${phase.id}/${task.id}${task.forEach ? `/${index}` : ''}`;
            const input = resolve(task.input ?? {}, (path) => lookup(path, item));
            try {
              const tool = tools[task.tool];
              if (!tool) throw new Error(`no tool ${task.tool}`);
              const value = await drain(tool(input as never, context(taskId)));
              tasks.push({ taskId, tool: task.tool, status: 'succeeded', attempts: 1 });
              return { ok: true as const, value };
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              const code = (error as { code?: string }).code ?? 'INTERNAL';
              const failure = { code, message, retryable: false };
              tasks.push({
                taskId,
                tool: task.tool,
                status: 'failed',
                attempts: 1,
                error: failure,
              });
              return { ok: false as const };
            }
          }),
        );
        if (task.forEach) {
          results.set(
            `${phase.id}.${task.id}`,
            values.filter((v) => v.ok).map((v) => v.value),
          );
        } else if (values[0]?.ok) {
          results.set(`${phase.id}.${task.id}`, values[0].value);
        }
      }),
    );
  }
  const result = Object.fromEntries([...results].filter(([key]) => !dependedOn.has(key)));
  const failed = tasks.filter((task) => task.status !== 'succeeded').length;
  const status = failed === 0 ? 'succeeded' : 'degraded';
  return {
    round,
    childWorkflowId: `child-${round}`,
    status,
    synthesis: {
      status,
      durationMs: 0,
      counts: {
        total: tasks.length,
        succeeded: tasks.length - failed,
        failed,
        cancelled: 0,
        skipped: 0,
      },
      phases: plan.phases.map((phase) => ({ phaseId: phase.id, status, missing: [] })),
      omittedTasks: 0,
      tasks,
    },
    result,
    usage: { tasks: tasks.length, toolCalls: tasks.length, durationMs: 0, tokens: 0 },
  };
}

function resolve(value: unknown, lookup: (path: string) => unknown): unknown {
  if (typeof value === 'string') {
    const reference = REFERENCE.exec(value);
    return reference?.[1] ? lookup(reference[1]) : value;
  }
  if (Array.isArray(value)) return value.map((element) => resolve(element, lookup));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, lookup)]));
  }
  return value;
}

async function drain(output: unknown): Promise<unknown> {
  const value = await output;
  if (value === null || typeof value !== 'object' || !(Symbol.asyncIterator in value)) return value;
  const generator = value as AsyncGenerator<unknown, unknown>;
  for (;;) {
    const step = await generator.next();
    if (step.done) return step.value;
  }
}

function context(taskId: string): ToolContext {
  return { signal: new AbortController().signal, workflowId: 'simulated', taskId, attempt: 1 };
}
