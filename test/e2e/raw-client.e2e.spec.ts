import { jetstream, DeliverPolicy } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  startNats,
  startServices,
  workspaceRoot,
  type NatsServer,
  type Services,
} from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `raw${process.pid}`;

/**
 * A service in another language sees none of our libraries: this suite speaks to Fanout
 * with the plain NATS client only, exactly as the README's "Publish from any NATS client"
 * says — JSON on the command bus, events from the event stream, items from the data pipeline.
 */
describe('a plain NATS client, following the README', () => {
  let nats: NatsServer;
  let services: Services;
  let connection: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    services = await startServices(nats.url, PREFIX, ['orchestrator', 'codebase-worker']);
    connection = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await connection?.close();
    await services?.stop();
    await nats?.stop();
  });

  it('submits a workflow as JSON, reads its completion event, its results and its streamed items', async () => {
    const js = jetstream(connection);
    const submit = {
      type: 'workflow.submit',
      commandId: 'submit-7f3a',
      workflowId: 'wf-7f3a',
      priority: 2,
      workflow: {
        phases: [
          {
            id: 'find',
            tasks: [
              {
                id: 'todos',
                tool: 'code.grep',
                input: { root: workspaceRoot, pattern: 'Publish from any NATS client' },
              },
            ],
          },
        ],
      },
    };
    const h = headers();
    h.set('Nats-Msg-Id', submit.commandId);
    const ack = await js.publish(`${PREFIX}.cmd.p2.workflow.submit`, JSON.stringify(submit), {
      headers: h,
    });
    expect(ack.duplicate).toBe(false);

    // The whole log, even after the fact: an ordered consumer, deliver-all, on the workflow's events.
    const events = await js.consumers.get(`${PREFIX.toUpperCase()}_EVENTS`, {
      filter_subjects: `${PREFIX}.evt.wf-7f3a.>`,
      deliver_policy: DeliverPolicy.All,
    });
    const seen: { subject: string; body: Record<string, unknown> }[] = [];
    for await (const message of await events.consume()) {
      seen.push({ subject: message.subject, body: message.json() });
      if (message.subject.endsWith('.results.WorkflowCompleted')) break;
    }
    const completed = seen.at(-1)!;
    expect(completed.subject).toBe(`${PREFIX}.evt.wf-7f3a.results.WorkflowCompleted`);
    expect(completed.body).toMatchObject({ status: 'succeeded', workflowId: 'wf-7f3a' });

    const succeeded = seen.find((e) => e.subject.endsWith('.results.TaskSucceeded'));
    expect(succeeded?.body).toMatchObject({ taskId: 'find/todos' });
    const result = succeeded?.body['result'] as { matches: { path: string }[] };
    expect(result.matches.map((m) => m.path)).toContain('README.md');

    // The grep's items as they were streamed: batches {seq, items, final} on the data pipeline.
    const data = await js.consumers.get(`${PREFIX.toUpperCase()}_DATA`, {
      filter_subjects: `${PREFIX}.data.wf-7f3a.>`,
    });
    const batches: { seq: number; items: { path: string }[]; final: boolean }[] = [];
    for await (const message of await data.consume()) {
      batches.push(message.json());
      if (batches.at(-1)!.final) break;
    }
    expect(batches.flatMap((b) => b.items).map((i) => i.path)).toContain('README.md');

    // A retried publish of the same command is stored once.
    const again = await js.publish(`${PREFIX}.cmd.p2.workflow.submit`, JSON.stringify(submit), {
      headers: h,
    });
    expect(again.duplicate).toBe(true);
  });

  it("hears a submit that breaks the schema rejected on the workflow's own events, with the place named", async () => {
    const js = jetstream(connection);
    const submit = {
      type: 'workflow.submit',
      commandId: 'submit-bad',
      workflowId: 'wf-bad',
      workflow: { phases: [{ id: 'find', tasks: [{ id: 'x', tool: 'code.grep', input: 7 }] }] },
    };
    await js.publish(`${PREFIX}.cmd.p2.workflow.submit`, JSON.stringify(submit));
    const events = await js.consumers.get(`${PREFIX.toUpperCase()}_EVENTS`, {
      filter_subjects: `${PREFIX}.evt.wf-bad.>`,
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await events.consume();
    let rejected: { subject: string; body: Record<string, unknown> } | undefined;
    for await (const message of messages) {
      rejected = { subject: message.subject, body: message.json() };
      break;
    }
    await messages.close();
    expect(rejected?.subject).toBe(`${PREFIX}.evt.wf-bad.errors.WorkflowRejected`);
    expect(rejected?.body['errors']).toEqual([
      { path: 'workflow.phases.0.tasks.0.input', message: expect.stringMatching(/record|object/) },
    ]);
  });
});
