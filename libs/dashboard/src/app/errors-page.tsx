import { useEffect, useState } from 'preact/hooks';
import type { StoredErrorRecord } from '@fanout/client';
import { api } from './api';
import { Link } from './link';
import { ErrorChain } from './task-panel';

/** The error channel: what the services met and could not act on, newest first. */
export function ErrorsPage() {
  const [records, setRecords] = useState<StoredErrorRecord[]>();
  const [problem, setProblem] = useState<string>();
  const [open, setOpen] = useState<number>();
  const load = () =>
    api<StoredErrorRecord[]>('errors').then(setRecords, (e: Error) => setProblem(e.message));
  useEffect(() => void load(), []);
  return (
    <section>
      <h1>Errors</h1>
      {problem && <p class="error">{problem}</p>}
      <button onClick={() => void load()}>refresh</button>
      {records?.length === 0 && <p class="empty">no error records</p>}
      <table class="list">
        <tbody>
          {records?.map(({ seq, record }) => (
            <>
              <tr
                key={seq}
                data-error-record={seq}
                onClick={() => setOpen(open === seq ? undefined : seq)}
              >
                <td>{new Date(record.at).toLocaleTimeString()}</td>
                <td>{record.service}</td>
                <td>{record.kind}</td>
                <td>
                  {record.workflowId && (
                    <Link href={`/workflows/${record.workflowId}`}>
                      {record.workflowId}
                      {record.taskId ? `/${record.taskId}` : ''}
                    </Link>
                  )}
                </td>
                <td>
                  <code>{record.error.code}</code> {record.error.message}
                </td>
              </tr>
              {open === seq && (
                <tr>
                  <td colSpan={5}>
                    <ErrorChain error={record.error} />
                    {record.subject && <p>subject {record.subject}</p>}
                    {record.payload && <pre>{record.payload}</pre>}
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>
    </section>
  );
}
