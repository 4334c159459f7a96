import { commandLevels, decodeCommands, PriorityConsumer } from '@fanout/messaging';
import type { ReportTask, Subjects } from '@fanout/contracts';
import type { Connection } from '../transport-types';

/**
 * Reads every `task.report` off its stream (a work queue: reading takes them off, as
 * the orchestrator would), in the order they were stored (a batch's in its order).
 */
export class ReportLog {
  readonly reports: ReportTask[] = [];
  private constructor(private readonly consumer: PriorityConsumer) {}

  static async open(connection: Connection, names: Subjects): Promise<ReportLog> {
    const consumer = await PriorityConsumer.create(connection, {
      stream: names.streams.reports,
      levels: commandLevels(names, 'test_reports', 'task.report'),
      concurrency: 1,
      onError: () => undefined,
    });
    const log = new ReportLog(consumer);
    consumer.start(async (message) => {
      // A worker sends the reports of one turn together, as one message.
      for (const decoded of decodeCommands('task.report', message)) {
        if (!decoded.ok) throw decoded.error;
        if (decoded.command.type === 'task.report') log.reports.push(decoded.command);
      }
      message.ack();
    });
    return log;
  }

  /** Outcome kinds of one task's reports, in order. */
  kinds(taskId: string): string[] {
    return this.of(taskId).map((report) => report.outcome.kind);
  }

  of(taskId: string): ReportTask[] {
    return this.reports.filter((report) => report.taskId === taskId);
  }

  /** The succeeded or failed report of a task, if it came. */
  terminal(taskId: string): ReportTask | undefined {
    return this.of(taskId).find(
      (r) => r.outcome.kind === 'succeeded' || r.outcome.kind === 'failed',
    );
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
