import type { RunningTask } from './cancellations';

/**
 * Which running attempt of `tool` to stop for a waiting p0 task, if any: one whose tool may
 * be stopped, of a lower priority, that has run at least `minRunMs` (so a task is not
 * stopped as soon as it starts, over and over), not already told to stop; of those the
 * lowest priority, then the one that started last (the least work lost).
 */
export function preemptionVictim(
  running: Iterable<RunningTask>,
  tool: string,
  now: number,
  minRunMs: number,
): RunningTask | undefined {
  let victim: RunningTask | undefined;
  for (const task of running) {
    const { priority = 0, startedAt = now } = task;
    if (task.tool !== tool || !task.preemptible || task.preempted || priority === 0) continue;
    if (now - startedAt < minRunMs) continue;
    const better =
      !victim ||
      priority > (victim.priority ?? 0) ||
      (priority === victim.priority && startedAt > (victim.startedAt ?? 0));
    if (better) victim = task;
  }
  return victim;
}
