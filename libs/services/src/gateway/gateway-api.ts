import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FanoutClient } from '@fanout/client';
import { TaskId, WorkflowId } from '@fanout/contracts';
import { HttpError, intParam, openEvents, sendJson, stringParam } from './http-io';
import type { WorkflowList } from './workflow-list';

/** A large result comes a page of its JSON text at a time. */
const RESULT_PAGE = 64 * 1024;
/** The newest this many error records. */
const ERRORS_LIMIT = 500;
/** At most this many streamed items per request. */
const ITEMS_LIMIT = 1_000;

/**
 * The read API and the actions, under `/api`: what the dashboard uses and any other
 * program may. Every refusal is an {@link HttpError} naming what was wrong.
 */
export class GatewayApi {
  constructor(
    private readonly client: FanoutClient,
    private readonly workflows: WorkflowList,
    private readonly config: { jaegerUrl?: string },
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
    const route = `${request.method} ${parts.map((p, i) => (i % 2 ? ':' : p)).join('/')}`;
    switch (route) {
      case 'GET config':
        return sendJson(response, 200, this.config);
      case 'GET workflows':
        return sendJson(response, 200, this.workflows.list());
      case 'GET workflows/:': {
        const id = await this.known(parts[1]);
        return sendJson(response, 200, this.workflows.get(id) ?? { id });
      }
      case 'GET workflow-list':
        return this.listEvents(request, response);
      case 'GET workflows/:/events':
        return this.events(request, response, await this.known(parts[1]));
      case 'GET workflows/:/result':
        return this.result(response, await this.known(parts[1]), url);
      case 'GET workflows/:/items':
        return this.items(response, await this.known(parts[1]), url);
      case 'POST workflows/:/cancel': {
        const id = await this.known(parts[1]);
        await this.client.workflow(id).cancel('cancelled from the dashboard');
        return sendJson(response, 202, { cancelling: id });
      }
      case 'GET errors':
        return sendJson(response, 200, await this.errors(url));
      case 'GET resources':
        return sendJson(response, 200, await this.resources());
      case 'GET dead-letters':
        return sendJson(response, 200, await this.client.deadLetters().list());
      case 'POST dead-letters/:/retry':
        await this.client.deadLetters().retry(sequence(parts[1]));
        return sendJson(response, 200, { retried: Number(parts[1]) });
      case 'POST dead-letters/:/discard':
        await this.client.deadLetters().discard(sequence(parts[1]));
        return sendJson(response, 200, { discarded: Number(parts[1]) });
    }
    throw new HttpError(404, `no API route ${request.method} ${url.pathname}`);
  }

  /** The monitor's view; without a monitor, a 503 that says which service to start. */
  private async resources() {
    try {
      return await this.client.resources();
    } catch (error) {
      if ((error as { code?: string }).code === 'NO_RESPONDERS') {
        throw new HttpError(
          503,
          'no monitor answers: the Resources page needs the monitor service (fanout up runs it)',
        );
      }
      throw error;
    }
  }

  /** The list, then each row as it changes. */
  private async listEvents(request: IncomingMessage, response: ServerResponse) {
    const stream = openEvents(request, response);
    stream.send('rows', this.workflows.list());
    const unwatch = this.workflows.watch((row) => stream.send('row', row));
    await stream.closed;
    unwatch();
  }

  /** A workflow's events from its start, then live, until the page goes away. */
  private async events(request: IncomingMessage, response: ServerResponse, id: string) {
    const subscription = await this.client.workflow(id).follow();
    const stream = openEvents(request, response);
    void stream.closed.then(() => subscription.stop());
    try {
      for await (const { event } of subscription) stream.send('event', event);
    } finally {
      response.end();
    }
  }

  private async result(response: ServerResponse, id: string, url: URL) {
    const taskId = checked(TaskId, stringParam(url, 'task'), 'task id');
    const offset = intParam(url, 'offset', 0);
    const recorded = await this.client.workflow(id).result(taskId);
    if (!recorded) throw new HttpError(404, `task ${taskId} of ${id} has no result (yet)`);
    const text = JSON.stringify(recorded.result ?? null, null, 2);
    const page = text.slice(offset, offset + RESULT_PAGE);
    sendJson(response, 200, { taskId, offset, total: text.length, text: page });
  }

  private async items(response: ServerResponse, id: string, url: URL) {
    const taskId = checked(TaskId, stringParam(url, 'task'), 'task id');
    const attempt = intParam(url, 'attempt', 1);
    const items: unknown[] = [];
    for await (const item of this.client.workflow(id).items(taskId, attempt)) {
      items.push(item);
      if (items.length >= ITEMS_LIMIT) break;
    }
    sendJson(response, 200, { taskId, attempt, items, truncated: items.length >= ITEMS_LIMIT });
  }

  /** The newest error records, of `service` and `kind` when given. */
  private async errors(url: URL) {
    const [service, kind] = ['service', 'kind'].map((name) => url.searchParams.get(name));
    for (const value of [service, kind]) {
      if (value && !/^[A-Za-z0-9_-]+$/.test(value)) {
        throw new HttpError(400, `"${value}" is not a service or kind name`);
      }
    }
    const filter = { ...(service ? { service } : {}), ...(kind ? { kind } : {}) };
    const records = await this.client.errorRecords(filter);
    return records.slice(-ERRORS_LIMIT).reverse();
  }

  /** A workflow id that is well formed and has a log, else 400 or 404. */
  private async known(raw: string | undefined): Promise<string> {
    const id = checked(WorkflowId, raw ?? '', 'workflow id');
    if (this.workflows.has(id)) return id;
    // Submitted a moment ago: its first event may not have reached the list yet.
    if ((await this.client.workflow(id).history()).length > 0) return id;
    throw new HttpError(404, `no workflow ${id}: unknown, or older than the event retention`);
  }
}

function checked(schema: typeof WorkflowId | typeof TaskId, raw: string, what: string): string {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new HttpError(400, `"${raw}" is not a ${what}: ${parsed.error.issues[0]?.message}`);
}

function sequence(raw: string | undefined): number {
  const seq = Number(raw);
  if (Number.isInteger(seq) && seq > 0) return seq;
  throw new HttpError(400, `"${raw}" is not a dead letter's sequence number`);
}
