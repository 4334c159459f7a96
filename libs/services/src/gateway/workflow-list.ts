import type { FanoutClient, Subscription, StoredEvent } from '@fanout/client';
import { summarise, type WorkflowSummary } from '@fanout/dashboard';

/**
 * Every workflow whose log is still kept, one row each, folded from the event stream from
 * its start and kept up to date live: what the list page shows and follows.
 */
export class WorkflowList {
  private readonly rows = new Map<string, WorkflowSummary>();
  private readonly watchers = new Set<(row: WorkflowSummary) => void>();
  private subscription: Subscription<StoredEvent> | undefined;

  async start(client: FanoutClient): Promise<void> {
    this.subscription = await client.everyEvent();
    const subscription = this.subscription;
    void (async () => {
      try {
        for await (const { event } of subscription) {
          const row = summarise(this.rows, event);
          if (row) for (const watch of this.watchers) watch(row);
        }
      } catch (error) {
        console.error('gateway: the workflow list stopped following events', error);
      }
    })();
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
    await this.subscription?.stop();
  }
}
