import type { WorkflowSummary } from './workflow-summary';

/** A workflow and the child workflows its agents started, and theirs. */
export interface WorkflowTree {
  row: WorkflowSummary;
  children: WorkflowTree[];
}

/**
 * The tree under `rootId` (master → specialists → executors), from the list's rows and
 * their parents, children in the order they started. Undefined while the root is unknown.
 */
export function treeOf(rows: Iterable<WorkflowSummary>, rootId: string): WorkflowTree | undefined {
  const byParent = new Map<string, WorkflowSummary[]>();
  let root: WorkflowSummary | undefined;
  for (const row of rows) {
    if (row.id === rootId) root = row;
    if (row.parentId === undefined) continue;
    byParent.set(row.parentId, [...(byParent.get(row.parentId) ?? []), row]);
  }
  if (!root) return undefined;
  const seen = new Set<string>();
  const grow = (row: WorkflowSummary): WorkflowTree => {
    seen.add(row.id);
    const children = (byParent.get(row.id) ?? [])
      .filter((child) => !seen.has(child.id)) // a malformed log must not loop
      .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
    return { row, children: children.map(grow) };
  };
  return grow(root);
}

/** The top of the tree `workflowId` is in: its parents followed up as far as they are known. */
export function rootOf(rows: Map<string, WorkflowSummary>, workflowId: string): string {
  let id = workflowId;
  for (let depth = 0; depth < 10; depth++) {
    const parent = rows.get(id)?.parentId;
    if (parent === undefined || !rows.has(parent)) return id;
    id = parent;
  }
  return id;
}
