import type { WorkflowEvent } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { AgentTree } from './agent-tree';

const at = 0;
const agent = (id: string, specialist: string) => ({
  id,
  tool: 'agent.run',
  input: { specialist },
});
const accepted = (workflowId: string, phase: string, tasks: object[]) =>
  ({
    type: 'WorkflowAccepted',
    workflowId,
    at,
    definition: { phases: [{ id: phase, tasks }] },
  }) as unknown as WorkflowEvent;
const childStarted = (workflowId: string, taskId: string, childWorkflowId: string) =>
  ({ type: 'ChildStarted', workflowId, at, taskId, childWorkflowId }) as unknown as WorkflowEvent;

describe('the agent tree of an ask', () => {
  it('hangs each child under the workflow that started it, named after the specialist of its agent task', () => {
    const tree = new AgentTree();
    const events: Array<[string, number, WorkflowEvent]> = [
      ['ask', 0, accepted('ask', 'ask', [agent('master', 'master')])],
      ['ask', 0, childStarted('ask', 'ask/master', 'r1')],
      [
        'r1',
        1,
        accepted('r1', 'specialists', [agent('codebase', 'codebase'), agent('web', 'web')]),
      ],
      ['r1', 1, childStarted('r1', 'specialists/codebase', 'code')],
      ['code', 2, accepted('code', 'find', [{ id: 'grep', tool: 'code.grep', input: {} }])],
      [
        'code',
        2,
        {
          type: 'TasksExpanded',
          workflowId: 'code',
          at,
          taskId: 'find/grep',
          count: 3,
        } as unknown as WorkflowEvent,
      ],
      ['ask', 0, childStarted('ask', 'ask/master', 'r2')],
    ];
    for (const [workflowId, depth, event] of events) tree.add({ workflowId, depth, event });
    expect(tree.toJSON()).toEqual({
      workflowId: 'ask',
      specialist: null,
      depth: 0,
      tasks: 1,
      children: [
        {
          workflowId: 'r1',
          specialist: 'master',
          depth: 1,
          tasks: 2,
          children: [
            { workflowId: 'code', specialist: 'codebase', depth: 2, tasks: 3, children: [] },
          ],
        },
        { workflowId: 'r2', specialist: 'master', depth: 1, tasks: 0, children: [] },
      ],
    });
  });
});
