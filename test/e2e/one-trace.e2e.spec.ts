import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FanoutClient } from '@fanout/client';
import { startNats, startService, workspaceRoot, type NatsServer } from '@fanout/testing';
import { childWorkflowId } from '@fanout/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `trace${process.pid}`;

/** One span as OTLP/JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  links?: { traceId: string; spanId: string }[];
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };

/** A loopback OTLP/HTTP receiver of traces in JSON, as Jaeger would be. */
function otlpReceiver(): { server: Server; spans: ReceivedSpan[] } {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const payload = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: AnyValue }[] };
          scopeSpans: { spans: Omit<ReceivedSpan, 'service' | 'attributes'>[] }[];
        }[];
      };
      for (const resource of payload.resourceSpans) {
        const service = String(
          resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
        );
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) {
            const raw = span as unknown as { attributes?: { key: string; value: AnyValue }[] };
            const attributes = Object.fromEntries(
              (raw.attributes ?? []).map(({ key, value }) => [
                key,
                value.stringValue ?? value.intValue ?? value.boolValue,
              ]),
            );
            spans.push({ ...span, service, attributes });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, spans };
}

describe('one trace per workflow, across processes', () => {
  let nats: NatsServer;
  let receiver: ReturnType<typeof otlpReceiver>;
  let endpoint: string;
  beforeAll(async () => {
    nats = await startNats();
    receiver = otlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await nats?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('joins the spans of the orchestrator and two workers of a two-phase workflow into one trace', async () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      FANOUT_HTTP_PORT: 'off',
      LOG_LEVEL: 'debug',
    };
    const services = ['orchestrator', 'codebase-worker', 'bash-worker'].map((name) =>
      startService(nats.url, PREFIX, name, { env }),
    );
    try {
      await Promise.all(services.map((service) => service.ready()));
      const client = await FanoutClient.connect({ natsUrl: nats.url, prefix: PREFIX });
      const handle = await client.submit(
        {
          phases: [
            {
              id: 'find',
              tasks: [
                {
                  id: 'readme',
                  tool: 'code.read',
                  input: { root: workspaceRoot, path: 'README.md', maxBytes: 64 },
                },
              ],
            },
            {
              id: 'count',
              dependsOn: ['find'],
              tasks: [{ id: 'lines', tool: 'bash.exec', input: { command: 'echo counted' } }],
            },
          ],
        },
        { workflowId: 'wf-traced' },
      );
      expect((await handle.wait({ timeoutMs: 60_000 })).status).toBe('succeeded');
      await client.close();
    } finally {
      // SIGTERM: each service flushes its last spans before it exits.
      for (const service of services) expect(await service.stop('SIGTERM')).toBe(0);
    }

    const workflow = receiver.spans.filter(
      (span) => span.attributes['fanout.workflow_id'] === 'wf-traced',
    );
    const traces = new Set(workflow.map((span) => span.traceId));
    expect(traces.size).toBe(1);
    const [traceId] = traces;
    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    expect(new Set(spans.map((span) => span.service))).toEqual(
      new Set(['orchestrator', 'codebase-worker', 'bash-worker']),
    );
    // No span of the trace points at a parent the trace does not have.
    const ids = new Set(spans.map((span) => span.spanId));
    const orphans = spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId));
    expect(orphans.map((span) => `${span.service} ${span.name}`)).toEqual([]);
    // Each worker's attempt span sits under the orchestrator's span of that attempt, through
    // the `publish` span of its envelope.
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const ancestors = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let up = byId.get(span.parentSpanId ?? ''); up; up = byId.get(up.parentSpanId ?? ''))
        chain.push(up);
      return chain;
    };
    for (const [taskId, service] of [
      ['find/readme', 'codebase-worker'],
      ['count/lines', 'bash-worker'],
    ] as const) {
      const attempt = spans.find(
        (span) => span.service === 'orchestrator' && span.name === `task ${taskId}`,
      );
      const run = spans.find(
        (span) =>
          span.service === service &&
          span.name.startsWith('process ') &&
          span.attributes['fanout.task_id'] === taskId,
      );
      expect(run?.kind).toBe(5); // CONSUMER
      expect(run?.attributes).toMatchObject({
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'fanout.workflow_id': 'wf-traced',
        'fanout.attempt': expect.anything(),
        'fanout.depth': expect.anything(),
      });
      const chain = ancestors(run!);
      expect(chain[0]).toMatchObject({ name: expect.stringMatching(/^publish /), kind: 4 }); // PRODUCER
      expect(chain.map((span) => span.spanId)).toContain(attempt?.spanId);
    }
    // The orchestrator's log lines about the workflow carry its trace id.
    const lines = services[0]!
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('wf-traced'))
      .map((line) => JSON.parse(line) as { msg: string; trace_id?: string });
    expect(lines.map((line) => line.msg)).toContain('workflow wf-traced ended succeeded');
    for (const line of lines) expect([line.msg, line.trace_id]).toEqual([line.msg, traceId]);
    // Every span of the orchestrator's workflow names the workflow.
    for (const span of spans.filter(
      (s) => s.service === 'orchestrator' && /^(workflow|phase|task) /.test(s.name),
    )) {
      expect([span.name, span.attributes['fanout.workflow_id']]).toEqual([span.name, 'wf-traced']);
    }
  });

  it("keeps an agent's child workflow in its parent's trace, and past the size starts a linked one", async () => {
    // 20 spans: the first child (planned when the trace holds ~8) joins it, the second
    // (planned after the first child's spans) starts its own.
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      FANOUT_HTTP_PORT: 'off',
      FANOUT_ORCHESTRATOR_TRACE_MAX_SPANS: '20',
    };
    const prefix = `${PREFIX}agents`;
    const services = ['orchestrator', 'agent-worker', 'bash-worker'].map((name) =>
      startService(nats.url, prefix, name, { env }),
    );
    const agent = (id: string) => ({
      id,
      tool: 'agent.run',
      input: {
        specialist: 'plan',
        goal: `echo from ${id}`,
        plan: {
          phases: [
            { id: 'run', tasks: [{ id: 'echo', tool: 'bash.exec', input: { command: 'echo' } }] },
          ],
        },
      },
    });
    try {
      await Promise.all(services.map((service) => service.ready()));
      const client = await FanoutClient.connect({ natsUrl: nats.url, prefix });
      const handle = await client.submit(
        {
          phases: [
            { id: 'first', tasks: [agent('a')] },
            { id: 'second', dependsOn: ['first'], tasks: [agent('b')] },
          ],
        },
        { workflowId: 'wf-tree' },
      );
      expect((await handle.wait({ timeoutMs: 60_000 })).status).toBe('succeeded');
      await client.close();
    } finally {
      for (const service of services) expect(await service.stop('SIGTERM')).toBe(0);
    }

    const rootOf = (workflowId: string) =>
      receiver.spans.find(
        (span) => span.service === 'orchestrator' && span.name === `workflow ${workflowId}`,
      )!;
    const parent = rootOf('wf-tree');
    const first = rootOf(childWorkflowId('wf-tree', 'first/a', 1));
    const second = rootOf(childWorkflowId('wf-tree', 'second/b', 1));
    // The first child is in the parent's trace, below its agent task's span.
    expect(first.traceId).toBe(parent.traceId);
    const byId = new Map(receiver.spans.map((span) => [span.spanId, span]));
    const chain: string[] = [];
    for (let up = byId.get(first.parentSpanId ?? ''); up; up = byId.get(up.parentSpanId ?? ''))
      chain.push(up.name);
    expect(chain).toContain('task first/a');
    // The second starts a trace of its own, under a root that links to its agent task.
    expect(second.traceId).not.toBe(parent.traceId);
    const link = receiver.spans.find(
      (span) => span.traceId === second.traceId && span.name.startsWith('child '),
    );
    expect(link?.parentSpanId ?? '').toBe('');
    const agentTask = receiver.spans.find(
      (span) => span.traceId === parent.traceId && span.name === 'task second/b',
    );
    expect(link?.links?.map((l) => l.spanId)).toEqual([agentTask?.spanId]);
  });
});
