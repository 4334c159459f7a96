import { describe, expect, it } from 'vitest';
import type { WorkflowSummary } from './workflow-summary';
import { rootOf, treeOf } from './workflow-tree';

const row = (id: string, parentId?: string, startedAt = 0): WorkflowSummary => ({
  id,
  status: 'running',
  done: 0,
  total: 1,
  startedAt,
  ...(parentId ? { parentId } : {}),
});

describe('the agent tree from the list’s rows', () => {
  const rows = new Map(
    [
      row('master'),
      row('web', 'master', 2),
      row('code', 'master', 1),
      row('exec-1', 'code', 3),
      row('other'),
    ].map((r) => [r.id, r]),
  );

  it('nests each child workflow under its parent, in the order they started', () => {
    const tree = treeOf(rows.values(), 'master');
    const ids = (t: NonNullable<typeof tree>): unknown => [t.row.id, t.children.map((c) => ids(c))];
    expect(ids(tree!)).toEqual([
      'master',
      [
        ['code', [['exec-1', []]]],
        ['web', []],
      ],
    ]);
    expect(treeOf(rows.values(), 'nobody')).toBeUndefined();
  });

  it('finds the top of a tree from any workflow in it', () => {
    expect(rootOf(rows, 'exec-1')).toBe('master');
    expect(rootOf(rows, 'other')).toBe('other');
  });
});
