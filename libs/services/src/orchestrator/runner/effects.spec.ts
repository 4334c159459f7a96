import { handle, initialState } from '@fanout/workflow';
import { describe, expect, it } from 'vitest';
import { effectsOf } from './effects';

describe('the envelopes of dispatched tasks', () => {
  it("carry a task's own say on preemption, and nothing when it has none", () => {
    const state = initialState('wf');
    const { events } = handle(
      {
        type: 'Submit',
        workflowId: 'wf',
        priority: 4,
        now: 1,
        definition: {
          phases: [
            {
              id: 'p',
              tasks: [
                { id: 'build', tool: 'bash.exec', input: { command: 'true' }, preemptible: true },
                { id: 'plain', tool: 'noop' },
              ],
            },
          ],
        },
      },
      state,
    );
    const envelopes = effectsOf(events, state).envelopes;
    expect(envelopes.find((e) => e.taskId === 'p/build')?.preemptible).toBe(true);
    expect(envelopes.find((e) => e.taskId === 'p/plain')).not.toHaveProperty('preemptible');
  });

  it("carry the workflow's fairness weight, and nothing when it sets none", () => {
    const dispatched = (weight?: number) => {
      const state = initialState('wf');
      const { events } = handle(
        {
          type: 'Submit',
          workflowId: 'wf',
          priority: 2,
          now: 1,
          definition: {
            ...(weight ? { weight } : {}),
            phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop' }] }],
          },
        },
        state,
      );
      return effectsOf(events, state).envelopes[0];
    };
    expect(dispatched(3)?.weight).toBe(3);
    expect(dispatched()).not.toHaveProperty('weight');
  });
});
