import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Where one `fanout call` against a dev spends its time, read off the bus. A subscriber on
 * `>` sees every JetStream delivery to a pull consumer, and each delivery's `$JS.ACK`
 * reply carries the time the server stored the message: the hops are measured between
 * those store times (and the command's start and exit, on the same clock), not between
 * when this process happened to read them, which on a loaded machine comes in bunches.
 * One call at a time, so what is stored after the start belongs to this call.
 */
export const HOPS = {
  cli_to_bus: 'node starts, the command runs, the dev checks the call, task.call is stored',
  orchestrator_dispatch: 'the orchestrator claims the workflow, appends, queues the task',
  tool_and_report: 'the worker takes the task, runs code.glob (rg), stores data and report',
  fold_to_completed: 'the orchestrator folds the report and appends WorkflowCompleted',
  result_to_exit: "the dev's client reads it, answers on the socket, the command prints, exits",
} as const;

export type Hop = keyof typeof HOPS;

/** Now, in ms since the epoch, on the clock the server stamps its messages with. */
export const wallClock = () => performance.timeOrigin + performance.now();

/**
 * The store time of a delivered message, in ms since the epoch, from its ack subject:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ns>.<pending>`, or with a
 * domain and account hash in front and a token after (12 tokens).
 */
function storedAt(reply: string | undefined): number | undefined {
  if (!reply?.startsWith('$JS.ACK.')) return undefined;
  const tokens = reply.split('.');
  const nanos = tokens.length === 9 ? tokens[7] : tokens.length >= 12 ? tokens[9] : undefined;
  return nanos === undefined ? undefined : Number(BigInt(nanos) / 1_000n) / 1_000;
}

/** Follows the server's deliveries; `start()` before a call, `hops(exitedAt)` after it. */
export function traceHops(connection: NatsConnection, prefix: string) {
  let startedAt = 0;
  let call: number | undefined;
  let queued: number | undefined;
  let completed: number | undefined;
  let reports: number[] = [];
  const subscription = connection.subscribe('>', {
    callback: (error, message) => {
      const at = storedAt(message.reply);
      if (error || startedAt === 0 || at === undefined || at < startedAt) return;
      const { subject } = message;
      if (subject.endsWith('.task.call')) call ??= at;
      else if (subject.startsWith(`${prefix}.task.`)) queued ??= at;
      else if (subject.endsWith('.task.report')) reports.push(at);
      else if (subject.endsWith('.WorkflowCompleted')) completed ??= at;
    },
  });
  return {
    start(at: number) {
      startedAt = at;
      call = queued = completed = undefined;
      reports = [];
    },
    /** The call's hops in ms, or undefined when one was not seen (nothing is guessed). */
    hops(exitedAt: number): Record<Hop, number> | undefined {
      const started = startedAt;
      startedAt = 0;
      // The last report before the end: a long call sends `started` first.
      const report = Math.max(...reports.filter((at) => completed && at <= completed));
      if (!call || !queued || !completed || !Number.isFinite(report)) return undefined;
      return {
        cli_to_bus: call - started,
        orchestrator_dispatch: queued - call,
        tool_and_report: report - queued,
        fold_to_completed: completed - report,
        result_to_exit: exitedAt - completed,
      };
    },
    stop: () => subscription.unsubscribe(),
  };
}
