import {
  ErrorCode,
  TOOLS,
  type OutcomeStatus,
  type ToolContract,
  type WorkflowEvent,
} from '@fanout/contracts';
import { cancelEvent } from './decide';
import { dispatchEvent } from './dispatch';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './policies';
import { readyTasks } from './ready-tasks';
import { spreadOrder } from './spread';
import { forEachItems } from './results';
import { isTerminal, type PhaseState, type WorkflowState } from './state';
import { clip, synthesize } from './synthesis';

/**
 * What the state calls for next, as events: a failed phase stops the workflow, tasks
 * whose inputs can no longer exist are skipped, finished phases close, phases whose
 * dependencies ended start, forEach templates fan out, ready tasks are dispatched, and a
 * workflow with every phase ended completes with its synthesis. Pure, like `decide`;
 * returns one step at a time (empty when the state is settled) so that each step sees
 * the previous one folded in.
 */
export function react(
  state: WorkflowState,
  now: number,
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
  tools: Readonly<Record<string, ToolContract>> = TOOLS,
): WorkflowEvent[] {
  if (state.status === 'cancelling') return stop(state, now);
  if (state.status !== 'running') return [];
  const base = { workflowId: state.workflowId, at: now };
  const phases = state.phaseOrder.map((id) => state.phases[id]!);

  const failing = phases.find(
    (phase) => phase.status === 'running' && phase.policy === 'fail' && phase.unsuccessful > 0,
  );
  if (failing) {
    const culprit = failing.tasks
      .map((id) => state.tasks[id]!)
      .find((task) => isTerminal(task) && task.status !== 'succeeded');
    const why = culprit
      ? `${culprit.id} ${culprit.status}${culprit.error ? `: ${culprit.error.message}` : culprit.reason ? `: ${culprit.reason}` : ''}`
      : 'a task did not succeed';
    return [
      {
        ...base,
        type: 'WorkflowCancelRequested',
        reason: `phase ${failing.id} failed (${clip(why)})`,
        endAs: 'failed',
      },
    ];
  }

  const doomed = Object.entries(state.doomed);
  if (doomed.length > 0)
    return doomed.map(([taskId, reason]) => ({ ...base, type: 'TaskSkipped', taskId, reason }));

  const closing = phases.filter((phase) => phase.status === 'running' && phase.open === 0);
  if (closing.length > 0) {
    return closing.map((phase) => ({
      ...base,
      type: 'PhaseCompleted',
      phaseId: phase.id,
      status:
        phase.unsuccessful === 0 ? 'succeeded' : phase.policy === 'degrade' ? 'degraded' : 'failed',
      missing: missingOf(state, phase),
    }));
  }

  const ended = (id: string) => ['succeeded', 'degraded'].includes(state.phases[id]?.status ?? '');
  const starting = phases.filter(
    (phase) => phase.status === 'pending' && phase.dependsOn.every(ended),
  );
  if (starting.length > 0)
    return starting.map((phase) => ({ ...base, type: 'PhaseStarted', phaseId: phase.id }));

  const expanding = Object.keys(state.toExpand);
  if (expanding.length > 0) return expanding.map((id) => expandEvent(state, id, now, tools));

  const ready = readyTasks(state, now, tools, options.spreadLimits);
  if (ready.length > 0) return ready.map((task) => dispatchEvent(state, task, now, options, tools));

  if (phases.every((phase) => phase.status !== 'pending' && phase.status !== 'running')) {
    const status: OutcomeStatus = phases.some((phase) => phase.status === 'degraded')
      ? 'degraded'
      : 'succeeded';
    return [
      { ...base, type: 'WorkflowCompleted', status, synthesis: synthesize(state, status, now) },
    ];
  }
  return [];
}

/**
 * A template fans out over its list, or fails when the list is missing or over budget. The
 * copies of a tool with a spread are put in the ready queue spread over their keys.
 */
function expandEvent(
  state: WorkflowState,
  templateId: string,
  now: number,
  tools: Readonly<Record<string, ToolContract>>,
): WorkflowEvent {
  const template = state.tasks[templateId]!;
  const base = { workflowId: state.workflowId, at: now, taskId: templateId };
  const items = forEachItems(state, template);
  if (!items.ok) {
    return {
      ...base,
      type: 'TaskFailed',
      attempts: 0,
      error: {
        code: ErrorCode.InvalidInput,
        message: `cannot fan out ${templateId}: ${items.why}`,
        retryable: false,
      },
    };
  }
  const budget = state.definition!.budget.maxTasks;
  if (state.taskCount + state.reservedTasks + items.items.length > budget) {
    const message = `fanning ${templateId} out to ${items.items.length} tasks would exceed budget.maxTasks ${budget}`;
    return {
      ...base,
      type: 'TaskFailed',
      attempts: 0,
      error: { code: ErrorCode.BudgetExceeded, message, retryable: false },
    };
  }
  const spread = tools[template.tool]?.spread;
  const order = spread && spreadOrder(state, template, items.items, spread);
  return { ...base, type: 'TasksExpanded', count: items.items.length, ...(order ? { order } : {}) };
}

/** Tasks of a phase that did not succeed; a fanned-out template is represented by its copies. */
function missingOf(state: WorkflowState, phase: PhaseState): string[] {
  return phase.tasks.filter((id) => {
    const task = state.tasks[id]!;
    if (task.isTemplate && (task.children?.length ?? 0) > 0) return false;
    return task.status !== 'succeeded';
  });
}

/**
 * A workflow that is stopping: cancel every task still open, close every phase still
 * open, then complete — as `cancelled`, or `failed` when a failure caused the stop.
 */
function stop(state: WorkflowState, now: number): WorkflowEvent[] {
  const reason = state.cancelReason ?? 'cancelled';
  const open = state.phaseOrder
    .map((id) => state.phases[id]!)
    .filter((phase) => phase.status === 'pending' || phase.status === 'running');
  const cancels: WorkflowEvent[] = [];
  for (const phase of open) {
    for (const id of phase.tasks) {
      const task = state.tasks[id]!;
      if (!isTerminal(task) && task.status !== 'expanded')
        cancels.push(cancelEvent(state, task, reason, now));
    }
  }
  if (cancels.length > 0) return cancels;
  const base = { workflowId: state.workflowId, at: now };
  if (open.length > 0) {
    return open.map((phase) => ({
      ...base,
      type: 'PhaseCompleted',
      phaseId: phase.id,
      status: phase.failing ? 'failed' : 'cancelled',
      missing: missingOf(state, phase),
    }));
  }
  const status = state.endAs ?? 'cancelled';
  return [
    { ...base, type: 'WorkflowCompleted', status, synthesis: synthesize(state, status, now) },
  ];
}
