import dagre from '@dagrejs/dagre';
import { CHIP, grid, layoutInput } from '../model/graph-layout';
import type { WorkflowView } from '../model/workflow-view';

interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Lays the phases out left to right with dagre; returns each box's top-left and size. */
function place(view: WorkflowView) {
  const input = layoutInput(view);
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 60, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes)
    graph.setNode(node.id, { width: node.width, height: node.height });
  for (const edge of input.edges) graph.setEdge(edge.from, edge.to);
  dagre.layout(graph);
  const boxes = new Map<string, Placed>();
  for (const node of input.nodes) {
    const { x, y } = graph.node(node.id);
    boxes.set(node.id, { x: x - node.width / 2, y: y - node.height / 2, ...node });
  }
  const size = graph.graph();
  return { boxes, edges: input.edges, width: size.width ?? 0, height: size.height ?? 0 };
}

/**
 * The phases as boxes and their tasks as chips coloured by status (`data-status`), with
 * the dependencies between phases as arrows. A click on a chip selects the task.
 */
export function TaskGraph(props: {
  view: WorkflowView;
  selected?: string;
  onSelect: (taskId: string) => void;
}) {
  const { boxes, edges, width, height } = place(props.view);
  return (
    <div class="graph" style={{ width: `${width}px`, height: `${height}px` }}>
      <svg width={width} height={height}>
        {edges.map(({ from, to }) => {
          const a = boxes.get(from);
          const b = boxes.get(to);
          if (!a || !b) return null;
          const [x1, y1, x2, y2] = [a.x + a.width, a.y + a.height / 2, b.x, b.y + b.height / 2];
          return <path d={`M${x1},${y1} C${x1 + 30},${y1} ${x2 - 30},${y2} ${x2},${y2}`} />;
        })}
      </svg>
      {props.view.phases.map((phase) => {
        const box = boxes.get(phase.id);
        if (!box) return null;
        const { columns } = grid(phase.taskIds.length);
        return (
          <div
            class={`phase ${phase.status}`}
            data-phase-id={phase.id}
            style={{ left: `${box.x}px`, top: `${box.y}px`, width: `${box.width}px` }}
          >
            <div class="phase-name">{phase.id}</div>
            <div
              class="chips"
              style={{ gridTemplateColumns: `repeat(${columns}, ${CHIP.width}px)` }}
            >
              {phase.taskIds.map((id) => {
                const task = props.view.tasks[id];
                if (!task) return null;
                return (
                  <button
                    class={`chip ${task.status}${props.selected === id ? ' selected' : ''}`}
                    data-task-id={id}
                    data-status={task.status}
                    title={`${id} · ${task.tool} · ${task.status}`}
                    onClick={() => props.onSelect(id)}
                  >
                    {id.slice(phase.id.length + 1)}
                  </button>
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
}
