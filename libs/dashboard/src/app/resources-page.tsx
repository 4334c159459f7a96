import { useEffect, useState } from 'preact/hooks';
import type { ResourcesReport } from '@fanout/contracts';
import { api } from './api';

const DIMENSIONS = ['cpu', 'memory', 'io', 'network', 'storage'] as const;
const REFRESH_MS = 5_000;

/** The busy share of a family's slots over every instance of it, in percent. */
function measuredUse(report: ResourcesReport, family: string): number | undefined {
  let size = 0;
  let busy = 0;
  for (const instance of report.instances) {
    if (instance.family !== family || instance.status === 'stopped') continue;
    for (const pool of instance.pools) {
      size += pool.size;
      busy += pool.busy;
    }
  }
  return size === 0 ? undefined : Math.round((busy / size) * 100);
}

/** A share as a cell whose colour deepens with it: the matrix read as a heat map. */
function Heat({ percent, name }: { percent: number; name: string }) {
  const alpha = Math.min(1, percent / 70);
  return (
    <td data-share={name} style={{ background: `rgba(37, 99, 235, ${alpha.toFixed(2)})` }}>
      {percent}%
    </td>
  );
}

/**
 * The monitor's view: the allocation matrix as a heat map beside the measured use of each
 * family's slots, every instance with its pools, what waits on each queue, and the latest
 * decisions with their reasons. Refreshed every few seconds.
 */
export function ResourcesPage() {
  const [report, setReport] = useState<ResourcesReport>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const load = () =>
      api<ResourcesReport>('resources').then(
        (next) => (setReport(next), setProblem(undefined)),
        (error: Error) => setProblem(error.message),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <section>
      <h1>Resources</h1>
      {problem && <p class="error">{problem}</p>}
      {report && (
        <>
          <table class="list matrix">
            <thead>
              <tr>
                <th>family</th>
                {DIMENSIONS.map((dimension) => (
                  <th key={dimension}>{dimension}</th>
                ))}
                <th>slots busy</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(report.matrix).map(([family, shares]) => (
                <tr key={family} data-family={family}>
                  <td>{family}</td>
                  {DIMENSIONS.map((dimension) => (
                    <Heat key={dimension} name={dimension} percent={shares[dimension]} />
                  ))}
                  <td data-use>{measuredUse(report, family) ?? '–'}%</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>instances</h2>
          <table class="list">
            <tbody>
              {report.instances.map((instance) => (
                <tr
                  key={instance.instance}
                  data-instance={instance.instance}
                  data-status={instance.status}
                >
                  <td>{instance.service}</td>
                  <td>{instance.instance}</td>
                  <td>{instance.status}</td>
                  <td>
                    {instance.pools
                      .map((pool) => `${pool.pool} ${pool.busy}/${pool.size}`)
                      .join(', ')}
                  </td>
                  <td>
                    {instance.cpuPercent === undefined
                      ? ''
                      : `${Math.round(instance.cpuPercent)}% cpu`}
                  </td>
                  <td>
                    {instance.rssBytes === undefined
                      ? ''
                      : `${Math.round(instance.rssBytes / 2 ** 20)} MiB`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>queues</h2>
          {report.queues.length === 0 && <p class="empty">nothing waits</p>}
          <table class="list">
            <tbody>
              {report.queues.map((queue) => (
                <tr key={`${queue.tool}/${queue.priority}`} data-queue={queue.tool}>
                  <td>{queue.tool}</td>
                  <td>p{queue.priority}</td>
                  <td>{queue.waiting} waiting</td>
                  <td>
                    {queue.oldestAgeMs === undefined
                      ? ''
                      : `oldest ${Math.round(queue.oldestAgeMs / 1000)} s`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>decisions</h2>
          {report.decisions.length === 0 && <p class="empty">none yet</p>}
          <ul>
            {report.decisions.map((decision) => (
              <li
                key={`${decision.at}-${decision.kind}-${decision.instance ?? decision.family ?? ''}`}
              >
                {new Date(decision.at).toLocaleTimeString()} <code>{decision.kind}</code>{' '}
                {decision.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
