import { parseReference, readPath, type Reference } from '../definition/references';
import type { TaskState, WorkflowState } from './state';

/**
 * The value of a finished task as references see it: its result, or for a forEach
 * template the results of the copies that succeeded, in order — a `degrade` barrier goes
 * on with what arrived.
 */
export function resultOf(
  state: WorkflowState,
  taskId: string,
): { found: true; value: unknown } | { found: false; why: string } {
  const task = state.tasks[taskId];
  if (!task) return { found: false, why: `there is no task ${taskId}` };
  if (task.status !== 'succeeded')
    return { found: false, why: `task ${taskId} has not succeeded (it is ${task.status})` };
  if (!task.isTemplate) return { found: true, value: task.result };
  const values = (task.children ?? [])
    .map((id) => state.tasks[id])
    .filter((child): child is TaskState => child?.status === 'succeeded')
    .map((child) => child.result);
  return { found: true, value: values };
}

/** Looks a reference up in the state, for the task (and forEach element) that uses it. */
export function lookupIn(state: WorkflowState, task: TaskState) {
  return (
    reference: Reference,
  ): { found: true; value: unknown } | { found: false; why: string } => {
    if (reference.kind === 'item') {
      const found = readPath(task.item, reference.path);
      return found.found
        ? found
        : { found: false, why: `the element has no ${reference.path.join('.')}` };
    }
    const result = resultOf(state, `${reference.phase}/${reference.task}`);
    if (!result.found) return result;
    const found = readPath(result.value, reference.path);
    return found.found
      ? found
      : {
          found: false,
          why: `the result of ${reference.phase}.${reference.task} has no ${reference.path.join('.')}`,
        };
  };
}

/** The list a template fans out over, or why it is not one. */
export function forEachItems(
  state: WorkflowState,
  template: TaskState,
): { ok: true; items: unknown[] } | { ok: false; why: string } {
  const expression =
    /^\s*\$\{\{\s*(.*?)\s*\}\}\s*$/.exec(template.definition.forEach ?? '')?.[1] ?? '';
  const reference = parseReference(expression);
  if ('error' in reference) return { ok: false, why: reference.error };
  const found = lookupIn(state, template)(reference);
  if (!found.found) return { ok: false, why: found.why };
  if (!Array.isArray(found.value))
    return {
      ok: false,
      why: `forEach needs a list, but \${{ ${expression} }} is ${typeof found.value}`,
    };
  return { ok: true, items: found.value };
}
