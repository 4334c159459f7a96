import type { EventOf } from '@fanout/contracts';
import { table } from './table';

/** The end of a run for a person: the outcome, counts, degraded phases and a table of tasks. */
export function summaryText(done: EventOf<'WorkflowCompleted'>): string {
  const { synthesis } = done;
  const c = synthesis.counts;
  const head = `workflow ${done.workflowId} ${done.status} in ${(synthesis.durationMs / 1000).toFixed(1)} s: ${c.total} task(s), ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.cancelled} cancelled`;
  const degraded = synthesis.phases
    .filter((phase) => phase.missing.length > 0)
    .map((phase) => `phase ${phase.phaseId} ${phase.status} without ${phase.missing.join(', ')}`);
  const header = ['TASK', 'TOOL', 'STATUS', 'ATTEMPTS', 'MS', 'ERROR'];
  const rows = synthesis.tasks.map((task) => [
    task.taskId,
    task.tool,
    task.status,
    String(task.attempts),
    task.durationMs === undefined ? '' : String(Math.round(task.durationMs)),
    task.error ? `${task.error.code}: ${task.error.message}`.slice(0, 80) : '',
  ]);
  const omitted = synthesis.omittedTasks
    ? [`(${synthesis.omittedTasks} more task(s) not listed, succeeded ones first)`]
    : [];
  return [head, ...degraded, '', table(header, rows), ...omitted].join('\n') + '\n';
}
