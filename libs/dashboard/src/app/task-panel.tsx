import { useEffect, useState } from 'preact/hooks';
import type { FanoutError } from '@fanout/contracts';
import type { TaskView } from '../model/workflow-view';
import { api } from './api';
import { Link } from './link';

interface ResultPage {
  offset: number;
  total: number;
  text: string;
}

/** One task: its input, its result a page at a time, its streamed items and its error. */
export function TaskPanel(props: { workflowId: string; task: TaskView }) {
  const { task, workflowId } = props;
  const [result, setResult] = useState<ResultPage>();
  const [items, setItems] = useState<unknown[]>();
  const [problem, setProblem] = useState<string>();
  const query = `task=${encodeURIComponent(task.id)}`;
  const page = (offset: number) =>
    api<ResultPage>(`workflows/${workflowId}/result?${query}&offset=${offset}`).then(
      setResult,
      (e: Error) => setProblem(e.message),
    );
  useEffect(() => {
    setResult(undefined);
    setItems(undefined);
    if (task.hasResult) void page(0);
  }, [task.id, task.hasResult]);
  const last = task.attempts.at(-1)?.attempt ?? 1;
  return (
    <aside class="task-panel" data-task-panel={task.id}>
      <h2>
        {task.id} <span class={`badge ${task.status}`}>{task.status}</span>
      </h2>
      <p>
        {task.tool} · {task.attempts.length} attempt(s){task.reason ? ` · ${task.reason}` : ''}
      </p>
      {task.children.length > 0 && (
        <p>
          child workflows:{' '}
          {task.children.map((child) => (
            <Link href={`/workflows/${child}`}>{child} </Link>
          ))}
        </p>
      )}
      {task.error && <ErrorChain error={task.error} />}
      <h3>input</h3>
      <pre>{JSON.stringify(task.input ?? null, null, 2)}</pre>
      {result && (
        <>
          <h3>result</h3>
          <pre class="result">{result.text}</pre>
          {result.total > result.offset + result.text.length && (
            <button onClick={() => void page(result.offset + result.text.length)}>
              next page ({result.offset + result.text.length} of {result.total} characters)
            </button>
          )}
        </>
      )}
      <button
        onClick={() =>
          void api<{ items: unknown[] }>(`workflows/${workflowId}/items?${query}&attempt=${last}`)
            .then((body) => setItems(body.items))
            .catch((e: Error) => setProblem(e.message))
        }
      >
        streamed items
      </button>
      {items && (
        <pre>{items.length === 0 ? 'none' : items.map((i) => JSON.stringify(i)).join('\n')}</pre>
      )}
      {problem && <p class="error">{problem}</p>}
    </aside>
  );
}

/** An error and every cause under it. */
export function ErrorChain(props: { error: FanoutError }) {
  const chain: FanoutError[] = [];
  for (let e: FanoutError | undefined = props.error; e; e = e.cause as FanoutError | undefined) {
    chain.push(e);
  }
  return (
    <div class="error" data-task-error>
      {chain.map((e, depth) => (
        <p style={{ marginLeft: `${depth}em` }}>
          {depth > 0 ? 'caused by ' : ''}
          <code>{e.code}</code> {e.message}
        </p>
      ))}
    </div>
  );
}
