import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Where one `fanout call` against a dev spends its time, read off the bus: every message
 * on the dev's server is seen by a subscriber on `>` (JetStream deliveries to a pull
 * consumer too, with their `$JS.ACK` reply), and the first of each kind after the command
 * started marks a hop. One call at a time, so the first after the start is this call's.
 */
export const HOPS = {
  cli_to_bus: 'node starts, the command runs, the dev checks the call and publishes task.call',
  orchestrator_dispatch: 'the orchestrator takes the call, appends, puts the task on its queue',
  worker_pickup: 'the queue delivers the task to the codebase worker',
  tool_and_report: 'the worker runs code.glob (rg), stores its data, publishes the report',
  fold_to_completed: 'the orchestrator folds the report and appends WorkflowCompleted',
  result_to_exit: "the dev's client reads it, answers on the socket, the command prints, exits",
} as const;

export type Hop = keyof typeof HOPS;

type Mark = 'call' | 'queued' | 'delivered' | 'report' | 'completed';

/** Follows every message of the server; `start()` before a call, `hops(exitedAt)` after it. */
export function traceHops(connection: NatsConnection, prefix: string) {
  let startedAt = 0;
  let marks = new Map<Mark, number>();
  const mark = (name: Mark, at: number) => {
    if (!marks.has(name)) marks.set(name, at);
  };
  const subscription = connection.subscribe('>', {
    callback: (error, message) => {
      if (error || startedAt === 0) return;
      const at = performance.now();
      const { subject } = message;
      const delivery = message.reply?.startsWith('$JS.ACK.') ?? false;
      if (subject.endsWith('.task.call') && !delivery) mark('call', at);
      else if (subject.startsWith(`${prefix}.task.`)) mark(delivery ? 'delivered' : 'queued', at);
      // The last report before the end: a long call may have sent `started` first.
      else if (subject.endsWith('.task.report') && !delivery && !marks.has('completed'))
        marks.set('report', at);
      else if (subject.endsWith('.WorkflowCompleted') && !delivery) mark('completed', at);
    },
  });
  return {
    start(at: number) {
      startedAt = at;
      marks = new Map();
    },
    /** The call's hops in ms, or undefined when a mark is missing (then nothing is guessed). */
    hops(exitedAt: number): Record<Hop, number> | undefined {
      const started = startedAt;
      startedAt = 0;
      const [call, queued, delivered, report, completed] = (
        ['call', 'queued', 'delivered', 'report', 'completed'] as const
      ).map((name) => marks.get(name));
      if (!call || !queued || !delivered || !report || !completed) return undefined;
      return {
        cli_to_bus: call - started,
        orchestrator_dispatch: queued - call,
        worker_pickup: delivered - queued,
        tool_and_report: report - delivered,
        fold_to_completed: completed - report,
        result_to_exit: exitedAt - completed,
      };
    },
    stop: () => subscription.unsubscribe(),
  };
}
