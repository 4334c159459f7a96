import type { ToolContract, WorkflowDefinition } from '@fanout/contracts';
import { findCycle } from './find-cycle';
import { hasReference, referencesIn } from './references';
import { dependenciesOf, parseDependency, phaseAncestors } from './task-graph';
import { describeIssue } from './validation-error';

/** A problem with its path as an array, so the caller can place it in the text. */
export interface SemanticError {
  path: (string | number)[];
  message: string;
}

/** Where each phase and each task of a phase stands in the document, by id. */
interface Index {
  phases: Map<string, number>;
  tasks: Map<string, Map<string, number>>;
}

/**
 * The checks a schema cannot express, one function per concern: unique ids, phase
 * dependencies without a cycle, each task's tool, input and references, task dependencies
 * that point at something that runs earlier, and a budget the document fits in.
 */
export function checkSemantics(
  workflow: WorkflowDefinition,
  tools: Readonly<Record<string, ToolContract>>,
): SemanticError[] {
  const errors: SemanticError[] = [];
  const index = checkIds(workflow, errors);
  // Past a phase cycle, "runs earlier" means nothing: the task checks would only echo it.
  if (!checkPhaseDependencies(workflow, index, errors)) return errors;
  const ancestors = phaseAncestors(workflow);
  workflow.phases.forEach((phase, p) => {
    phase.tasks.forEach((task, t) => {
      const at = ['phases', p, 'tasks', t];
      checkTool(task, tools, at, errors);
      checkForEach(task, at, errors);
      checkReferences(task, at, errors);
    });
    checkTaskDependencies(phase, p, index, ancestors, errors);
  });
  checkBudget(workflow, errors);
  return errors;
}

/** Phase ids unique in the document, task ids unique in their phase. */
function checkIds(workflow: WorkflowDefinition, errors: SemanticError[]): Index {
  const index: Index = { phases: new Map(), tasks: new Map() };
  workflow.phases.forEach((phase, p) => {
    const first = index.phases.get(phase.id);
    if (first !== undefined)
      errors.push({
        path: ['phases', p, 'id'],
        message: `duplicate phase id "${phase.id}" (first at phases[${first}])`,
      });
    else index.phases.set(phase.id, p);
  });
  workflow.phases.forEach((phase, p) => {
    const seen = index.tasks.get(phase.id) ?? new Map<string, number>();
    index.tasks.set(phase.id, seen);
    phase.tasks.forEach((task, t) => {
      if (seen.has(task.id))
        errors.push({
          path: ['phases', p, 'tasks', t, 'id'],
          message: `duplicate task id "${task.id}" in phase "${phase.id}"`,
        });
      else seen.set(task.id, t);
    });
  });
  return index;
}

/** Phases depend on known phases, not on themselves, and not in a cycle (false if one). */
function checkPhaseDependencies(
  workflow: WorkflowDefinition,
  index: Index,
  errors: SemanticError[],
): boolean {
  workflow.phases.forEach((phase, p) => {
    phase.dependsOn.forEach((dep, d) => {
      const path = ['phases', p, 'dependsOn', d];
      if (dep === phase.id) errors.push({ path, message: `phase "${phase.id}" depends on itself` });
      else if (!index.phases.has(dep)) errors.push({ path, message: `unknown phase "${dep}"` });
    });
  });
  const cycle = findCycle(
    workflow.phases.map((phase) => phase.id),
    new Map(
      workflow.phases.map((phase) => [phase.id, phase.dependsOn.filter((dep) => dep !== phase.id)]),
    ),
  );
  if (!cycle) return true;
  errors.push({
    path: ['phases'],
    message: `phases depend on each other in a cycle: ${cycle.join(' -> ')}`,
  });
  return false;
}

/** References parse, and `item` is used only by a forEach task, in its input. */
function checkReferences(task: Task, at: (string | number)[], errors: SemanticError[]): void {
  const fields: { field: 'input' | 'forEach'; value: unknown }[] = [
    { field: 'input', value: task.input },
  ];
  if (task.forEach !== undefined) fields.push({ field: 'forEach', value: task.forEach });
  for (const { field, value } of fields) {
    for (const ref of referencesIn(value, [...at, field])) {
      if ('error' in ref) errors.push({ path: ref.at, message: ref.error });
      else if (ref.reference.kind !== 'item') continue;
      else if (!task.forEach) {
        const message = `\${{ ${ref.expression} }} is only defined in a task with forEach`;
        errors.push({ path: ref.at, message });
      } else if (field === 'forEach') {
        errors.push({ path: ref.at, message: 'forEach cannot refer to its own item' });
      }
    }
  }
}

/**
 * A task depends on tasks that exist, not on itself, within its own phase without a
 * cycle, and in other phases only in those its phase depends on (they run earlier).
 */
function checkTaskDependencies(
  phase: WorkflowDefinition['phases'][number],
  p: number,
  index: Index,
  ancestors: ReturnType<typeof phaseAncestors>,
  errors: SemanticError[],
): void {
  const taskEdges = new Map<string, string[]>();
  phase.tasks.forEach((task, t) => {
    const at = ['phases', p, 'tasks', t];
    task.dependsOn.forEach((entry, d) => {
      const dep = parseDependency(entry, phase.id);
      if (dep.phase === phase.id && dep.task === task.id)
        errors.push({
          path: [...at, 'dependsOn', d],
          message: `task "${task.id}" depends on itself`,
        });
    });
    const samePhase: string[] = [];
    for (const dep of dependenciesOf(phase.id, task)) {
      const where = describe(dep.phase, dep.task);
      if (dep.phase === phase.id && dep.task === task.id) continue; // reported above (or a self-reference)
      if (!index.phases.has(dep.phase) || !index.tasks.get(dep.phase)?.has(dep.task)) {
        errors.push({ path: [...at, 'dependsOn'], message: `${where} does not exist` });
      } else if (dep.phase === phase.id) {
        samePhase.push(dep.task);
      } else if (!ancestors.get(phase.id)?.has(dep.phase)) {
        errors.push({
          path: [...at, 'dependsOn'],
          message: `${where} is in phase "${dep.phase}", which phase "${phase.id}" does not depend on`,
        });
      }
    }
    taskEdges.set(task.id, samePhase);
  });
  const cycle = findCycle(
    phase.tasks.map((task) => task.id),
    taskEdges,
  );
  if (cycle)
    errors.push({
      path: ['phases', p, 'tasks'],
      message: `tasks depend on each other in a cycle: ${cycle.map((id) => `${phase.id}.${id}`).join(' -> ')}`,
    });
}

/** The tasks the document lists fit in its task budget (a forEach's copies count at run time). */
function checkBudget(workflow: WorkflowDefinition, errors: SemanticError[]): void {
  const staticTasks = workflow.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
  if (staticTasks > workflow.budget.maxTasks) {
    errors.push({
      path: ['budget', 'maxTasks'],
      message: `the document has ${staticTasks} tasks, over the budget of ${workflow.budget.maxTasks}`,
    });
  }
}

function describe(phase: string, task: string): string {
  return `task "${phase}.${task}"`;
}

type Task = WorkflowDefinition['phases'][number]['tasks'][number];

/** The tool must exist and the input must fit its schema, except where a reference will fill it in. */
function checkTool(
  task: Task,
  tools: Readonly<Record<string, ToolContract>>,
  at: (string | number)[],
  errors: SemanticError[],
): void {
  for (const { path, message } of toolProblems(task.tool, task.input, tools)) {
    const [, ...field] = path;
    if (path[0] === 'input' && filledByReference(task.input, field)) continue;
    errors.push({ path: [...at, ...path], message });
  }
}

/**
 * Whether `tool` is in the catalogue and `input` fits its contract: the check of a task's
 * tool, and of a single call. Paths are the task's (`tool`, `input.<field>`).
 */
export function toolProblems(
  tool: string,
  input: unknown,
  tools: Readonly<Record<string, ToolContract>>,
): SemanticError[] {
  const contract = Object.hasOwn(tools, tool) ? tools[tool] : undefined;
  if (!contract) {
    const known = Object.keys(tools).sort().join(', ');
    return [{ path: ['tool'], message: `unknown tool "${tool}"; known tools: ${known}` }];
  }
  const result = contract.input.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: ['input', ...issue.path.map((part) => (typeof part === 'number' ? part : String(part)))],
    message: describeIssue(issue),
  }));
}

/**
 * True when the value at `path`, or a value on the way to it, is a string holding a
 * reference: its real value is known only at run time, so the schema cannot judge it yet.
 */
function filledByReference(input: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let current: unknown = input;
  for (const part of path) {
    if (typeof current === 'string') break;
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part))
      return false;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return typeof current === 'string' && hasReference(current);
}

/** `forEach` must be exactly one reference to an earlier result. */
function checkForEach(task: Task, at: (string | number)[], errors: SemanticError[]): void {
  if (task.forEach === undefined) return;
  const refs = referencesIn(task.forEach);
  const whole = /^\$\{\{.*\}\}$/.test(task.forEach.trim());
  if (
    refs.length !== 1 ||
    !whole ||
    !('reference' in refs[0]!) ||
    refs[0].reference.kind !== 'result'
  ) {
    errors.push({
      path: [...at, 'forEach'],
      message: 'expected exactly one reference "${{ <phase>.<task>.<path> }}" to a list',
    });
  }
}
