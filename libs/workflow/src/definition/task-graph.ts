import type { WorkflowDefinition } from '@fanout/contracts';
import { referencesIn } from './references';

/** A task's place: its phase and its name there. */
export interface TaskRef {
  phase: string;
  task: string;
}

/**
 * Reads a `dependsOn` entry: `task` names a task of the same phase, `phase.task` one of
 * another phase.
 */
export function parseDependency(entry: string, ownPhase: string): TaskRef {
  const dot = entry.indexOf('.');
  return dot === -1
    ? { phase: ownPhase, task: entry }
    : { phase: entry.slice(0, dot), task: entry.slice(dot + 1) };
}

/**
 * Every task a task waits for: its `dependsOn` entries and the tasks its input and
 * `forEach` refer to (a reference is a dependency too — the value must exist first).
 */
export function dependenciesOf(
  phase: string,
  task: WorkflowDefinition['phases'][number]['tasks'][number],
): TaskRef[] {
  const found = new Map<string, TaskRef>();
  const add = (ref: TaskRef) => found.set(`${ref.phase}.${ref.task}`, ref);
  for (const entry of task.dependsOn) add(parseDependency(entry, phase));
  for (const ref of [
    ...referencesIn(task.input),
    ...(task.forEach ? referencesIn(task.forEach) : []),
  ]) {
    if ('reference' in ref && ref.reference.kind === 'result')
      add({ phase: ref.reference.phase, task: ref.reference.task });
  }
  return [...found.values()];
}

/**
 * Phases each phase depends on, directly or through others. Expects an acyclic phase
 * graph (check with findCycle first); unknown ids are ignored, they are reported elsewhere.
 */
export function phaseAncestors(workflow: WorkflowDefinition): Map<string, Set<string>> {
  const direct = new Map(workflow.phases.map((phase) => [phase.id, phase.dependsOn]));
  const ancestors = new Map<string, Set<string>>();
  // Kahn's order: a phase is done once every phase it depends on is.
  const pending = new Map(
    workflow.phases.map((phase) => [
      phase.id,
      new Set(phase.dependsOn.filter((id) => direct.has(id))),
    ]),
  );
  while (pending.size > 0) {
    const ready = [...pending].filter(([, waits]) => [...waits].every((id) => ancestors.has(id)));
    if (ready.length === 0) break; // a cycle: reported by findCycle
    for (const [id, parents] of ready) {
      const all = new Set<string>();
      for (const parent of parents) {
        all.add(parent);
        for (const grand of ancestors.get(parent) ?? []) all.add(grand);
      }
      ancestors.set(id, all);
      pending.delete(id);
    }
  }
  return ancestors;
}
