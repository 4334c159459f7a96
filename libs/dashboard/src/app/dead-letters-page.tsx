import { useEffect, useState } from 'preact/hooks';
import type { StoredDeadLetter } from '@fanout/client';
import { api } from './api';

/** Task attempts that used up their deliveries: inspect, retry or discard each. */
export function DeadLettersPage() {
  const [letters, setLetters] = useState<StoredDeadLetter[] | undefined>();
  const [problem, setProblem] = useState<string>();
  const [open, setOpen] = useState<number>();
  const load = () =>
    api<StoredDeadLetter[]>('dead-letters').then(setLetters, (e: Error) => setProblem(e.message));
  useEffect(() => void load(), []);
  const act = (seq: number, action: 'retry' | 'discard') =>
    api(`dead-letters/${seq}/${action}`, 'POST').then(load, (e: Error) => setProblem(e.message));
  return (
    <section>
      <h1>Dead letters</h1>
      {problem && <p class="error">{problem}</p>}
      <button onClick={() => void load()}>refresh</button>
      {letters?.length === 0 && <p class="empty">no dead letters</p>}
      <table class="list">
        <tbody>
          {letters?.map(({ seq, letter }) => (
            <>
              <tr key={seq} data-dead-letter={seq}>
                <td>{seq}</td>
                <td>{letter.tool}</td>
                <td>
                  {letter.envelope.workflowId}/{letter.envelope.taskId}
                </td>
                <td>{letter.deliveries} deliveries</td>
                <td>
                  {letter.lastError && `${letter.lastError.code}: ${letter.lastError.message}`}
                </td>
                <td>
                  <button onClick={() => setOpen(open === seq ? undefined : seq)}>inspect</button>
                  <button onClick={() => void act(seq, 'retry')}>retry</button>
                  <button onClick={() => void act(seq, 'discard')}>discard</button>
                </td>
              </tr>
              {open === seq && (
                <tr>
                  <td colSpan={6}>
                    <pre>{JSON.stringify(letter, null, 2)}</pre>
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
