import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { traceOf, unsampledSpanIn } from '@fanout/messaging';
import type { AttemptInterceptor } from './attempt-interceptor';

/**
 * Runs the attempt in a span that continues the orchestrator's span of this attempt,
 * carried in the message headers: one workflow, one trace. OpenTelemetry's messaging
 * conventions, one span per delivery of the attempt.
 */
export const traceAttempt: AttemptInterceptor = ({ message, envelope }, next) => {
  const parent = traceOf(message, ROOT_CONTEXT);
  // A sampled-out trace gets no span of the attempt (none would be recorded); it carries on.
  if (unsampledSpanIn(parent)) return context.with(parent, next);
  const attributes = {
    'messaging.system': 'nats',
    'messaging.operation.type': 'process',
    'messaging.destination.name': message.subject,
    'messaging.message.id': String(message.seq),
    'messaging.nats.delivery_count': message.info.deliveryCount,
    'fanout.workflow_id': envelope.workflowId,
    'fanout.task_id': envelope.taskId,
    'fanout.attempt': envelope.attempt,
    'fanout.depth': envelope.depth,
    'fanout.tool': envelope.tool,
  };
  return trace
    .getTracer('@fanout/worker-kit')
    .startActiveSpan(
      `process ${message.subject}`,
      { kind: SpanKind.CONSUMER, attributes },
      parent,
      async (span) => {
        try {
          const end = await next();
          span.setAttribute('fanout.disposition', end.disposition);
          return end;
        } finally {
          span.end();
        }
      },
    );
};
