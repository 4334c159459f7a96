import {
  ErrorCode,
  familyOf,
  type FamilyCapacity,
  type ToolFamily,
  type WorkflowDefinition,
} from '@fanout/contracts';

/** A problem of a workflow that is valid but cannot run, placed in its document. */
export interface Unschedulable {
  path: string;
  message: string;
  code: typeof ErrorCode.Unschedulable;
}

/**
 * The tasks that ask for more than a worker of their tool's family can ever be given
 * (`capacity`, its share of a host): such a task would wait forever, so the workflow is
 * refused at submit instead. A family missing from `capacity` is not limited.
 */
export function unschedulableTasks(
  workflow: WorkflowDefinition,
  capacity: Readonly<Partial<Record<ToolFamily, FamilyCapacity>>>,
): Unschedulable[] {
  const problems: Unschedulable[] = [];
  workflow.phases.forEach((phase, p) =>
    phase.tasks.forEach((task, t) => {
      const family = familyOf(task.tool);
      const most = capacity[family];
      if (!task.resources || !most) return;
      const asks = [
        ['cpu', task.resources.cpu, most.cpu, 'cores'],
        ['memoryMiB', task.resources.memoryMiB, most.memoryMiB, 'MiB'],
      ] as const;
      for (const [field, asked, given, unit] of asks) {
        if (asked === undefined || asked <= given) continue;
        problems.push({
          path: `phases[${p}].tasks[${t}].resources.${field}`,
          message: `${task.tool} asks ${asked} ${unit}, more than a ${family} worker can be given (${round(given)} ${unit})`,
          code: ErrorCode.Unschedulable,
        });
      }
    }),
  );
  return problems;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
