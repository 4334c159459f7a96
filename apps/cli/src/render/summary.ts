import type { EventOf } from '@fanout/contracts';
import { foldSummary, type StatusCounts, type TaskLine } from './summary-fold';
import { table } from './table';

const TASK_HEADER = ['TASK', 'TOOL', 'STATUS', 'ATTEMPTS', 'MS', 'ERROR'];
const COUNT_HEADER = ['TOTAL', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'];

/**
 * The end of a run for a person: the outcome, counts and degraded phases; then counts per
 * phase and per tool, every failure and the slowest tasks — or, `verbose`, every task.
 * A 2,000-task forEach ends in a screenful either way unless it failed everywhere.
 */
export function summaryText(
  done: EventOf<'WorkflowCompleted'>,
  { verbose = false }: { verbose?: boolean } = {},
): string {
  const { synthesis } = done;
  const c = synthesis.counts;
  const head = `workflow ${done.workflowId} ${done.status} in ${(synthesis.durationMs / 1000).toFixed(1)} s: ${c.total} task(s), ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.cancelled} cancelled`;
  const degraded = synthesis.phases
    .filter((phase) => phase.missing.length > 0)
    .map((phase) => `phase ${phase.phaseId} ${phase.status} without ${phase.missing.join(', ')}`);
  const omitted = synthesis.omittedTasks
    ? [`(${synthesis.omittedTasks} more task(s) not listed, succeeded ones first)`]
    : [];
  if (verbose) {
    const rows = synthesis.tasks.map(taskRow);
    return [head, ...degraded, '', table(TASK_HEADER, rows), ...omitted].join('\n') + '\n';
  }
  const fold = foldSummary(synthesis);
  const sections = [
    table(['PHASE', ...COUNT_HEADER], fold.phases.map(countRow)),
    table(['TOOL', ...COUNT_HEADER], fold.tools.map(countRow)),
    ...(fold.failures.length > 0
      ? [`failed (${fold.failures.length}):\n${table(TASK_HEADER, fold.failures.map(taskRow))}`]
      : []),
    ...(fold.slowest.length > 0
      ? [`slowest:\n${table(TASK_HEADER, fold.slowest.map(taskRow))}`]
      : []),
  ];
  const more = [...omitted, '(every task: --verbose, or --json)'];
  return [head, ...degraded, '', sections.join('\n\n'), '', ...more].join('\n') + '\n';
}

function countRow(counts: StatusCounts): string[] {
  const { name, total, succeeded, failed, cancelled, skipped } = counts;
  return [name, ...[total, succeeded, failed, cancelled, skipped].map(String)];
}

function taskRow(task: TaskLine): string[] {
  return [
    task.taskId,
    task.tool,
    task.status,
    String(task.attempts),
    task.durationMs === undefined ? '' : String(Math.round(task.durationMs)),
    task.error
      ? `${task.error.code}: ${task.error.message}`.replace(/\s+/g, ' ').slice(0, 120)
      : '',
  ];
}
