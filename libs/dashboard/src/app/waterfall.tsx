import type { WorkflowView } from '../model/workflow-view';
import { duration } from './api';

/**
 * Every attempt as a bar on one time axis: the pale part waited in its queue, the solid
 * part ran; a retry is a bar of its own.
 */
export function Waterfall(props: { view: WorkflowView; now: number }) {
  const start = props.view.acceptedAt;
  if (start === undefined) return null;
  const end = props.view.endedAt ?? props.now;
  const span = Math.max(1, end - start);
  const pct = (at: number) => `${(((at - start) / span) * 100).toFixed(2)}%`;
  const width = (from: number, to: number) => `${(((to - from) / span) * 100).toFixed(2)}%`;
  const rows = Object.values(props.view.tasks).flatMap((task) =>
    task.attempts.map((attempt) => ({ task, attempt })),
  );
  return (
    <div class="waterfall">
      {rows.map(({ task, attempt }) => {
        const ran = attempt.startedAt ?? attempt.endedAt ?? end;

        const ended = attempt.endedAt ?? end;
        return (
          <div class="bar-row" data-attempt={`${task.id}#${attempt.attempt}`}>
            <span class="bar-label">
              {task.id} #{attempt.attempt}
            </span>
            <span class="bar-track">
              <span
                class="bar queued"
                style={{ left: pct(attempt.dispatchedAt), width: width(attempt.dispatchedAt, ran) }}
                title={`queued ${duration(ran - attempt.dispatchedAt)}`}
              />
              {(attempt.startedAt ?? attempt.endedAt) !== undefined && (
                // An attempt whose start was reported with its end shows as a sliver at it.
                <span
                  class={`bar ${attempt.outcome ?? 'running'}`}
                  style={{ left: pct(ran), width: width(ran, ended) }}
                  title={`ran ${duration(ended - ran)}${attempt.worker ? ` on ${attempt.worker}` : ''}`}
                />
              )}
            </span>
          </div>
        );
      })}
    </div>
  );
}
