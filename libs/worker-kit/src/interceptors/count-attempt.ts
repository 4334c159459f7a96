import type { FanoutMetrics } from '@fanout/telemetry';
import type { AttemptInterceptor } from './attempt-interceptor';

/**
 * Counts each attempt that ended here in the metrics: how it ended and how long it ran,
 * and how long it waited on its queue. A delivery given back is not counted: the attempt
 * ends on whichever worker runs it next.
 */
export function countAttempt(metrics: FanoutMetrics): AttemptInterceptor {
  return async ({ tool, envelope }, next) => {
    metrics.queueSeconds.observe(
      { tool, priority: String(envelope.priority) },
      Math.max(0, Date.now() - envelope.dispatchedAt) / 1_000,
    );
    const end = await next();
    const { outcome } = end;
    if (end.disposition !== 'acked' || !outcome) return end;
    const status =
      outcome.kind === 'succeeded'
        ? 'succeeded'
        : outcome.error.code === 'CANCELLED'
          ? 'cancelled'
          : 'failed';
    metrics.tasks.inc({ tool, status });
    metrics.runSeconds.observe({ tool }, outcome.durationMs / 1_000);
    return end;
  };
}
