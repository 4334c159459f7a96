import { useEffect, useState } from 'preact/hooks';
import type { WorkflowSummary } from '../model/workflow-summary';
import { rootOf, treeOf, type WorkflowTree } from '../model/workflow-tree';
import { follow } from './api';
import { Link } from './link';

/**
 * The agent tree this workflow belongs to (master → specialists → executors), live from
 * the workflow list, each level collapsible and each workflow a click away. Nothing for a
 * workflow that started none and was started by none.
 */
export function AgentTree(props: { workflowId: string }) {
  const [rows, setRows] = useState<Map<string, WorkflowSummary>>(new Map());
  useEffect(
    () =>
      follow('workflow-list', {
        rows: (all) => setRows(new Map((all as WorkflowSummary[]).map((r) => [r.id, r]))),
        row: (r) =>
          setRows((old) => new Map(old).set((r as WorkflowSummary).id, r as WorkflowSummary)),
      }),
    [],
  );
  const tree = treeOf(rows.values(), rootOf(rows, props.workflowId));
  if (!tree || tree.children.length === 0) return null;
  return (
    <div class="tree">
      <h2>agent tree</h2>
      <ul>
        <Branch tree={tree} current={props.workflowId} />
      </ul>
    </div>
  );
}

function Branch(props: { tree: WorkflowTree; current: string }) {
  const [open, setOpen] = useState(true);
  const { row, children } = props.tree;
  return (
    <li data-tree-workflow={row.id}>
      {children.length > 0 ? (
        <button class="toggle" onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
      ) : (
        <span class="toggle" />
      )}
      {row.id === props.current ? (
        <strong>{row.name ?? row.id}</strong>
      ) : (
        <Link href={`/workflows/${row.id}`}>{row.name ?? row.id}</Link>
      )}{' '}
      <span class={`badge ${row.status}`}>{row.status}</span>{' '}
      <span class="meta">
        {row.done}/{row.total}
      </span>
      {open && children.length > 0 && (
        <ul>
          {children.map((child) => (
            <Branch tree={child} current={props.current} />
          ))}
        </ul>
      )}
    </li>
  );
}
