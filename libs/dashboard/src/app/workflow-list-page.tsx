import { useEffect, useState } from 'preact/hooks';
import type { WorkflowSummary } from '../model/workflow-summary';
import { duration, follow } from './api';
import { Link } from './link';

const FILTERS = ['all', 'running', 'succeeded', 'degraded', 'failed', 'cancelled'] as const;

/** Every workflow still kept, live: a row appears or changes as its events come. */
export function WorkflowListPage() {
  const [rows, setRows] = useState<Map<string, WorkflowSummary>>(new Map());
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('all');
  const [, tick] = useState(0);
  useEffect(
    () =>
      follow('workflow-list', {
        rows: (all) => setRows(new Map((all as WorkflowSummary[]).map((row) => [row.id, row]))),
        row: (row) =>
          setRows((old) => new Map(old).set((row as WorkflowSummary).id, row as WorkflowSummary)),
      }),
    [],
  );
  // Running durations grow by the second.
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  const shown = [...rows.values()]
    .filter((row) => filter === 'all' || row.status === filter)
    .sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  return (
    <section>
      <h1>Workflows</h1>
      <nav class="filters">
        {FILTERS.map((name) => (
          <button class={name === filter ? 'on' : ''} onClick={() => setFilter(name)}>
            {name}
          </button>
        ))}
      </nav>
      <table class="list">
        <thead>
          <tr>
            <th>id</th>
            <th>name</th>
            <th>status</th>
            <th>progress</th>
            <th>started</th>
            <th>duration</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.id} data-workflow-id={row.id} data-status={row.status}>
              <td>
                <Link href={`/workflows/${row.id}`}>{row.id}</Link>
              </td>
              <td>{row.name ?? ''}</td>
              <td>
                <span class={`badge ${row.status}`}>{row.status}</span>
              </td>
              <td>
                <progress max={row.total || 1} value={row.done} /> {row.done}/{row.total}
              </td>
              <td>{row.startedAt ? new Date(row.startedAt).toLocaleTimeString() : ''}</td>
              <td>{row.startedAt && duration((row.endedAt ?? Date.now()) - row.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p class="empty">no workflows</p>}
    </section>
  );
}
