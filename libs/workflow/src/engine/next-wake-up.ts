import { lastSignOfLife } from './decide';
import type { EngineOptions } from './policies';
import type { WorkflowState } from './state';

/**
 * The earliest time at which the workflow needs a `Tick`: an attempt's deadline or
 * heartbeat limit, a retry coming due, a barrier closing, or the time budget running out.
 * The orchestrator sets one timer per workflow from this; undefined means nothing is due.
 */
export function nextWakeUp(state: WorkflowState, options: EngineOptions): number | undefined {
  if (state.status !== 'running') return undefined;
  let earliest = state.deadline ?? Infinity;
  for (const id of Object.keys(state.active)) {
    const task = state.tasks[id]!;
    if (task.deadline !== undefined) earliest = Math.min(earliest, task.deadline);
    if (task.status === 'running') {
      earliest = Math.min(earliest, lastSignOfLife(state, task) + options.heartbeatTimeoutMs);
    }
  }
  for (const id of Object.keys(state.retrying))
    earliest = Math.min(earliest, state.tasks[id]!.retryAt ?? Infinity);
  for (const id of state.phaseOrder) {
    const phase = state.phases[id]!;
    if (phase.status === 'running' && phase.barrierAt !== undefined)
      earliest = Math.min(earliest, phase.barrierAt);
  }
  return Number.isFinite(earliest) ? earliest : undefined;
}
