import { describe, expect, it } from 'vitest';
import type { RunningTask } from './cancellations';
import { preemptionVictim } from './preemption';

const task = (taskId: string, more: Partial<RunningTask>): RunningTask => ({
  workflowId: 'wf',
  taskId,
  attempt: 1,
  abort: () => undefined,
  tool: 'code.grep',
  preemptible: true,
  priority: 4,
  startedAt: 0,
  ...more,
});

describe('the attempt to stop for a waiting p0 task', () => {
  it('is the lowest priority, then the latest started, of those that ran long enough', () => {
    const running = [
      task('p2-old', { priority: 2, startedAt: 0 }),
      task('p4-old', { startedAt: 0 }),
      task('p4-new', { startedAt: 500 }),
      task('p4-too-new', { startedAt: 1_900 }),
    ];
    expect(preemptionVictim(running, 'code.grep', 2_000, 1_000)?.taskId).toBe('p4-new');
  });

  it('is never a p0 task, a tool that may not be stopped, another tool, or one told already', () => {
    const running = [
      task('p0', { priority: 0 }),
      task('bash', { tool: 'bash.exec', preemptible: false }),
      task('read', { tool: 'code.read' }),
      task('told', { preempted: true }),
    ];
    expect(preemptionVictim(running, 'code.grep', 2_000, 1_000)).toBeUndefined();
    expect(preemptionVictim(running, 'bash.exec', 2_000, 1_000)).toBeUndefined();
  });
});
