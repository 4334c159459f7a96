import { describe, expect, it } from 'vitest';
import { batchWorkflow } from './batch';

describe('batchWorkflow', () => {
  it('is one degrading phase of the calls, in order, with a budget of exactly them', async () => {
    const { validateDefinition } = await import('@fanout/workflow');
    const workflow = batchWorkflow(
      [
        { tool: 'code.glob', input: { root: '/r' } },
        { tool: 'bash.exec', input: { command: 'true' } },
      ],
      8,
    );
    expect(validateDefinition(workflow).ok).toBe(true);
    expect(workflow.budget).toEqual({ maxTasks: 2, maxConcurrency: 8 });
    const [phase] = workflow.phases;
    expect(phase?.barrier).toEqual({ policy: 'degrade' });
    expect(phase?.tasks.map((task) => [task.id, task.tool])).toEqual([
      ['c0', 'code.glob'],
      ['c1', 'bash.exec'],
    ]);
  });
});
