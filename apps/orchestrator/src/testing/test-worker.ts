import { subjects, type Subjects } from '@fanout/contracts';
import {
  CommandBus,
  decodeTask,
  PriorityConsumer,
  taskLevels,
  type TaskQueue,
} from '@fanout/messaging';

/** The connection as the messaging library takes it; tests never name the NATS client. */
export type Connection = ConstructorParameters<typeof TaskQueue>[0];

/** How the test worker treats an attempt: answer, or take it and go silent (a dead worker). */
export type Answer = 'succeed' | 'vanish';

/**
 * A minimal worker for the `noop` tool that reports straight back: enough to drive the
 * orchestrator through real queues and the real command bus without the worker runtime.
 */
export async function startTestWorker(
  connection: Connection,
  names: Subjects = subjects(),
  decide: (taskId: string, attempt: number) => Answer = () => 'succeed',
): Promise<{ stop(): Promise<void>; seen: string[] }> {
  const bus = new CommandBus(connection, names);
  const consumer = await PriorityConsumer.create(connection, {
    stream: names.streams.tasks,
    levels: taskLevels(names, 'noop'),
    concurrency: 64,
    ackWaitMs: 5_000,
    heartbeatMs: 1_000,
  });
  const seen: string[] = [];
  consumer.start(async (message) => {
    const task = decodeTask(message);
    seen.push(`${task.taskId}#${task.attempt}`);
    const report = {
      type: 'task.report' as const,
      workflowId: task.workflowId,
      taskId: task.taskId,
      attempt: task.attempt,
      worker: 'test-worker',
      at: Date.now(),
    };
    if (decide(task.taskId, task.attempt) === 'vanish') {
      await bus.publish({
        ...report,
        commandId: `${task.workflowId}:${task.taskId}:${task.attempt}:started`,
        outcome: { kind: 'started' },
      });
      message.ack();
      return;
    }
    const input = (task.input ?? {}) as { echo?: unknown };
    await bus.publish({
      ...report,
      commandId: `${task.workflowId}:${task.taskId}:${task.attempt}:done`,
      outcome: { kind: 'succeeded', result: { sleptMs: 0, echo: input.echo }, durationMs: 1 },
    });
    message.ack();
  });
  return { stop: () => consumer.stop(), seen };
}
