import type { FanoutClient } from '@fanout/client';
import type { WorkflowEvent } from '@fanout/contracts';

/** Where a workflow's summary and a task's whole result are read from. */
export const workflowUri = (workflowId: string) => `fanout://workflows/${workflowId}`;
export const resultUri = (workflowId: string, taskId: string) =>
  `fanout://results/${workflowId}/${taskId}`;

/** How many workflows `resources/list` remembers. */
const KEPT = 100;

/** The workflows this server started, newest first: what `resources/list` offers. */
export class RecentWorkflows {
  private readonly started: { workflowId: string; title: string; at: number }[] = [];

  add(workflowId: string, title: string): void {
    this.started.unshift({ workflowId, title, at: Date.now() });
    this.started.length = Math.min(this.started.length, KEPT);
  }

  list(): ReadonlyArray<{ workflowId: string; title: string; at: number }> {
    return this.started;
  }
}

/** A resource URI read back: a workflow's summary or one task's result; undefined if neither. */
export function parseUri(uri: string): { workflowId: string; taskId?: string } | undefined {
  const match = /^fanout:\/\/(workflows|results)\/([A-Za-z0-9_-]+)(?:\/(.+))?$/.exec(uri);
  if (!match) return undefined;
  const [, kind, workflowId = '', taskId] = match;
  if (kind === 'workflows' && taskId === undefined) return { workflowId };
  if (kind === 'results' && taskId !== undefined) return { workflowId, taskId };
  return undefined;
}

/** A workflow as its resource shows it: how it stands, each task, and where its results are. */
function summaryOf(workflowId: string, events: WorkflowEvent[]) {
  const completed = events.find((event) => event.type === 'WorkflowCompleted');
  const rejected = events.find((event) => event.type === 'WorkflowRejected');
  const succeeded = events.flatMap((event) =>
    event.type === 'TaskSucceeded' ? [event.taskId] : [],
  );
  return {
    workflowId,
    status: completed?.status ?? (rejected ? 'rejected' : 'running'),
    ...(completed ? { synthesis: completed.synthesis } : {}),
    ...(rejected ? { errors: rejected.errors } : {}),
    results: [...new Set(succeeded)].map((taskId) => ({
      taskId,
      uri: resultUri(workflowId, taskId),
    })),
  };
}

/**
 * Reads a resource from the workflow's event log, so any workflow on this Fanout can be
 * read, not only those this server started. Undefined when there is nothing there.
 */
export async function readResource(client: FanoutClient, uri: string): Promise<string | undefined> {
  const parsed = parseUri(uri);
  if (!parsed) return undefined;
  const events = await client.workflow(parsed.workflowId).history();
  if (events.length === 0) return undefined;
  if (parsed.taskId === undefined) {
    return JSON.stringify(summaryOf(parsed.workflowId, events), null, 2);
  }
  const result = events.findLast(
    (event) => event.type === 'TaskSucceeded' && event.taskId === parsed.taskId,
  );
  return result?.type === 'TaskSucceeded' ? JSON.stringify(result.result, null, 2) : undefined;
}
