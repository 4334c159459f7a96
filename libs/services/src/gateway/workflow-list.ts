import { Logger } from '@nestjs/common';
import type { FanoutClient, Subscription, StoredEvent } from '@fanout/client';
import { summarise, type WorkflowSummary } from '@fanout/dashboard';

/**
 * Every workflow whose log is still kept, one row each, folded from the event stream from
 * its start and kept up to date live: what the list page shows and follows.
 */
export class WorkflowList {
  private readonly logger = new Logger('WorkflowList');
  private readonly rows = new Map<string, WorkflowSummary>();
  private readonly watchers = new Set<(row: WorkflowSummary) => void>();
  private subscription: Subscription<StoredEvent> | undefined;
  private stopped = false;

  /**
   * Follows every workflow's events in the background. Until the event stream exists (no
   * orchestrator has run yet), and after a follow breaks, it tries again every second,
   * from the start of the log, so the rows are always the log's.
   */
  start(client: FanoutClient): void {
    void (async () => {
      while (!this.stopped) {
        try {
          await this.follow(client);
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'STREAM_MISSING') {
            const why = error instanceof Error ? error.message : String(error);
            this.logger.warn(`the workflow list lost the event stream; again in 1 s: ${why}`);
          }
        }
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
  }

  private async follow(client: FanoutClient): Promise<void> {
    this.subscription = await client.everyEvent();
    if (this.stopped) return void (await this.subscription.stop());
    this.rows.clear();
    for await (const { event } of this.subscription) {
      const row = summarise(this.rows, event);
      if (row) for (const watch of this.watchers) watch(row);
    }
  }

  /** The rows, newest first. */
  list(): WorkflowSummary[] {
    return [...this.rows.values()].sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  }

  has(workflowId: string): boolean {
    return this.rows.has(workflowId);
  }

  get(workflowId: string): WorkflowSummary | undefined {
    return this.rows.get(workflowId);
  }

  /** Calls `watch` with each row that changes, until the returned function is called. */
  watch(watch: (row: WorkflowSummary) => void): () => void {
    this.watchers.add(watch);
    return () => this.watchers.delete(watch);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }
}
