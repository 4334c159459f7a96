import { describe, expect, it } from 'vitest';
import { CHIP, grid, layoutInput } from './graph-layout';
import { emptyView, type WorkflowView } from './workflow-view';

const view = (phases: Array<[string, string[], number]>): WorkflowView => ({
  ...emptyView('wf'),
  phases: phases.map(([id, dependsOn, count]) => ({
    id,
    dependsOn,
    status: 'pending',
    taskIds: Array.from({ length: count }, (_, n) => `${id}/t${n}`),
  })),
});

describe('what the graph layout is given', () => {
  it('wraps a phase’s chips past the column limit', () => {
    expect(grid(1)).toEqual({ columns: 1, rows: 1 });
    expect(grid(CHIP.columns)).toEqual({ columns: CHIP.columns, rows: 1 });
    expect(grid(CHIP.columns * 2 + 1)).toEqual({ columns: CHIP.columns, rows: 3 });
  });

  it('sizes each phase for its chips and draws an edge per dependency it knows', () => {
    const input = layoutInput(
      view([
        ['a', [], 1],
        ['b', ['a', 'gone'], 9],
      ]),
    );
    expect(input.edges).toEqual([{ from: 'a', to: 'b' }]);
    const [a, b] = input.nodes;
    expect(b!.width).toBeGreaterThan(a!.width);
    expect(b!.height).toBe(CHIP.header + CHIP.padding * 2 + 3 * CHIP.height + 2 * CHIP.gap);
  });
});
