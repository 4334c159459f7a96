import { useEffect, useState } from 'preact/hooks';
import type { WorkflowEvent } from '@fanout/contracts';
import { applyEvent, emptyView, type WorkflowView } from '../model/workflow-view';
import { AgentTree } from './agent-tree';
import { api, duration, follow } from './api';
import { Link } from './link';
import { TaskGraph } from './task-graph';
import { TaskPanel } from './task-panel';
import { Waterfall } from './waterfall';

/**
 * One workflow, live: its events from the start, folded into the view as they come, so a
 * status changes on the page as soon as its event is logged.
 */
export function WorkflowPage(props: { id: string }) {
  const [view, setView] = useState<WorkflowView>(() => emptyView(props.id));
  const [, setVersion] = useState(0);
  const [selected, setSelected] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [jaeger, setJaeger] = useState<string>();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let folded = emptyView(props.id);
    const close = follow(
      `workflows/${props.id}/events`,
      {
        event: (event) => {
          applyEvent(folded, event as WorkflowEvent);
          setProblem(undefined);
          setVersion((n) => n + 1);
        },
      },
      // Each (re)opened stream replays the log from its start: fold it afresh.
      () => {
        folded = emptyView(props.id);
        setView(folded);
      },
    );
    void api<{ jaegerUrl?: string }>('config').then(
      (c) => setJaeger(c.jaegerUrl),
      () => undefined, // no trace link then
    );
    // A workflow that is not there answers 404 with a message: show it.
    void api(`workflows/${props.id}`).catch((e: Error) => setProblem(e.message));
    return close;
  }, [props.id]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const cancel = () =>
    api(`workflows/${props.id}/cancel`, 'POST').catch((e: Error) => setProblem(e.message));
  const ended = view.endedAt !== undefined;
  const task = selected ? view.tasks[selected] : undefined;
  const trace = jaeger
    ? `${jaeger}/search?service=orchestrator&tags=${encodeURIComponent(
        JSON.stringify({ 'fanout.workflow_id': props.id }),
      )}`
    : undefined;
  return (
    <section data-workflow={props.id} data-status={view.status}>
      <h1>
        {view.name ?? props.id} <span class={`badge ${view.status}`}>{view.status}</span>
      </h1>
      <p class="meta">
        {props.id}
        {view.acceptedAt && ` · ${duration((view.endedAt ?? now) - view.acceptedAt)}`}
        {view.parent && (
          <>
            {' · started by '}
            <Link href={`/workflows/${view.parent.workflowId}`}>
              {view.parent.workflowId} ({view.parent.taskId})
            </Link>
          </>
        )}
        {trace && (
          <>
            {' · '}
            <a href={trace}>trace</a>
          </>
        )}
        {!ended && (
          <button class="cancel" onClick={() => void cancel()}>
            cancel
          </button>
        )}
      </p>
      {problem && <p class="error">{problem}</p>}
      {view.rejections && (
        <div class="error">
          {view.rejections.map((r) => (
            <p>
              {r.path}: {r.message}
            </p>
          ))}
        </div>
      )}
      <AgentTree workflowId={props.id} />
      <div class="workflow-body">
        <TaskGraph view={view} selected={selected} onSelect={setSelected} />
        {task && <TaskPanel workflowId={props.id} task={task} />}
      </div>
      <h2>attempts</h2>
      <Waterfall view={view} now={now} />
      {view.synthesis && (
        <>
          <details class="synthesis">
            <summary>synthesis</summary>
            <pre>{JSON.stringify({ ...view.synthesis, tasks: undefined }, null, 2)}</pre>
          </details>
        </>
      )}
    </section>
  );
}
