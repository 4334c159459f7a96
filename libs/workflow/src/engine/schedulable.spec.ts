import { ErrorCode } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_OPTIONS } from './policies';
import { Scenario, summary } from './testing/given-when-then';

const capacity = {
  codebase: { cpu: 0.8, memoryMiB: 4096 },
  bash: { cpu: 0.6, memoryMiB: 1228 },
};
const engine = { ...DEFAULT_ENGINE_OPTIONS, capacity };
const grep = (resources: Record<string, number>) => ({
  id: 'search',
  tool: 'code.grep',
  input: { root: '/src', pattern: 'x' },
  resources,
});

describe('a task that can never fit', () => {
  it('is refused at submit as UNSCHEDULABLE, naming the field, and nothing runs', () => {
    const scenario = new Scenario(engine);
    const events = scenario.submit({
      phases: [{ id: 'a', tasks: [grep({ cpu: 0.5, memoryMiB: 8192 })] }],
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'WorkflowRejected',
        errors: [
          expect.objectContaining({
            code: ErrorCode.Unschedulable,
            path: 'phases[0].tasks[0].resources.memoryMiB',
          }),
        ],
      }),
    ]);
    expect(scenario.state.status).toBe('failed');
  });

  it('names every field over the family share, cores and memory alike', () => {
    const events = new Scenario(engine).submit({
      phases: [{ id: 'a', tasks: [grep({ cpu: 2, memoryMiB: 8192 })] }],
    });
    const rejected = events[0];
    expect(rejected?.type === 'WorkflowRejected' && rejected.errors.map((e) => e.path)).toEqual([
      'phases[0].tasks[0].resources.cpu',
      'phases[0].tasks[0].resources.memoryMiB',
    ]);
  });

  it('runs a task within its share, and a family the capacity does not name', () => {
    const events = new Scenario(engine).submit({
      phases: [
        {
          id: 'a',
          tasks: [
            grep({ cpu: 0.8, memoryMiB: 4096 }),
            { id: 'n', tool: 'noop', resources: { memoryMiB: 1_000_000 } },
          ],
        },
      ],
    });
    expect(summary(events)).toContain('WorkflowAccepted');
  });

  it('refuses nothing when the engine is given no capacity', () => {
    const events = new Scenario().submit({
      phases: [{ id: 'a', tasks: [grep({ cpu: 64, memoryMiB: 1_000_000 })] }],
    });
    expect(summary(events)).toContain('WorkflowAccepted');
  });
});
