import type { WorkflowView } from './workflow-view';

/** The size of one task chip and the gaps around it, in pixels. */
export const CHIP = { width: 150, height: 26, gap: 6, padding: 10, header: 24, columns: 4 };

/** What the layout engine is given: one box per phase, sized for its tasks, and the arrows. */
export interface LayoutInput {
  nodes: Array<{ id: string; width: number; height: number }>;
  edges: Array<{ from: string; to: string }>;
}

/**
 * The phases as boxes (their tasks in a grid of chips inside) and their dependencies as
 * edges: what dagre lays out left to right. A wide phase wraps its chips in rows.
 */
export function layoutInput(view: WorkflowView): LayoutInput {
  const nodes = view.phases.map((phase) => {
    const { columns, rows } = grid(phase.taskIds.length);
    return {
      id: phase.id,
      width: CHIP.padding * 2 + columns * CHIP.width + (columns - 1) * CHIP.gap,
      height: CHIP.header + CHIP.padding * 2 + rows * CHIP.height + (rows - 1) * CHIP.gap,
    };
  });
  const known = new Set(view.phases.map((phase) => phase.id));
  const edges = view.phases.flatMap((phase) =>
    phase.dependsOn.filter((id) => known.has(id)).map((from) => ({ from, to: phase.id })),
  );
  return { nodes, edges };
}

/** Columns and rows of a phase's chips: up to {@link CHIP.columns} across. */
export function grid(count: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.min(CHIP.columns, count));
  return { columns, rows: Math.max(1, Math.ceil(count / columns)) };
}
