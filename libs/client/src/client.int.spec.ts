import { ensureTopology, connectNats, natsConfigFromEnv } from '@fanout/messaging';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, FanoutClient, TimeoutError, ValidationError } from './mod';
import { startServices, workspaceRoot, type Services } from '@fanout/testing';

const PREFIX = `client${process.pid}`;

describe('FanoutClient against real services', () => {
  let nats: NatsServer;
  let services: Services | undefined;
  let client: FanoutClient;

  beforeAll(async () => {
    nats = await startNats();
    const setup = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(setup, { prefix: PREFIX });
    await setup.close();
    services = await startServices(nats.url, PREFIX, [
      'orchestrator',
      'codebase-worker',
      'bash-worker',
    ]);
    client = await FanoutClient.connect({ natsUrl: nats.url, prefix: PREFIX });
  });
  afterAll(async () => {
    await client?.close();
    await services?.stop();
    await nats?.stop();
  });

  it('submits a workflow, waits for its completion and reads its results', async () => {
    const handle = await client.submit({
      phases: [
        {
          id: 'find',
          tasks: [
            { id: 'docs', tool: 'code.glob', input: { root: workspaceRoot, patterns: ['*.md'] } },
          ],
        },
      ],
    });
    const done = await handle.wait({ timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'succeeded', synthesis: { counts: { succeeded: 1 } } });
    const results = [];
    for await (const result of handle.results('find/docs')) results.push(result);
    expect(results).toHaveLength(1);
    expect(results[0]!.result).toMatchObject({ files: expect.arrayContaining(['README.md']) });
  });

  it('accepts YAML text, and the same idempotency key names the same workflow', async () => {
    const yaml = `phases:\n  - id: a\n    tasks:\n      - id: r\n        tool: code.read\n        input: { root: "${workspaceRoot}", path: README.md }\n`;
    const first = await client.submit(yaml, { idempotencyKey: 'readme-once' });
    const again = await client.submit(yaml, { idempotencyKey: 'readme-once' });
    expect(again.id).toBe(first.id);
    expect((await first.wait({ timeoutMs: 30_000 })).status).toBe('succeeded');
  });

  it('throws ValidationError with every problem and its line before sending anything', async () => {
    const bad = 'phases:\n  - id: a\n    tasks:\n      - id: x\n        tool: no.such.tool\n';
    const error = await client.submit(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors[0]).toMatchObject({ line: expect.any(Number) });
  });

  it('is refused UNSCHEDULABLE by the orchestrator for a task no worker can ever fit', async () => {
    const handle = await client.submit({
      phases: [
        {
          id: 'a',
          tasks: [
            {
              id: 'huge',
              tool: 'code.read',
              input: { root: workspaceRoot, path: 'README.md' },
              resources: { memoryMiB: 1_000_000_000 }, // a petabyte: more than any host
            },
          ],
        },
      ],
    });
    const error = await handle.wait({ timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'UNSCHEDULABLE',
      errors: [{ code: 'UNSCHEDULABLE', path: 'phases[0].tasks[0].resources.memoryMiB' }],
    });
  });

  it('calls one tool and reports a failed call as an outcome, not an exception', async () => {
    const ok = await client.call('code.read', { root: workspaceRoot, path: 'README.md' });
    expect(ok.status).toBe('succeeded');
    expect(ok.result).toMatchObject({ path: 'README.md' });
    const missing = await client.call('code.read', { root: workspaceRoot, path: 'nope.txt' });
    expect(missing.status).toBe('failed');
    expect(missing.error?.message).toBeTruthy();
  });

  it('cancels a running workflow, which then completes as cancelled', async () => {
    const handle = await client.submit({
      phases: [
        {
          id: 'a',
          tasks: [{ id: 'slow', tool: 'bash.exec', input: { command: 'sleep 30' } }],
        },
      ],
    });
    for await (const event of handle.events()) {
      if (event.type === 'TaskStarted') break;
    }
    await handle.cancel('test over');
    expect((await handle.wait({ timeoutMs: 30_000 })).status).toBe('cancelled');
  });

  it('throws TimeoutError when a workflow does not end in time', async () => {
    const handle = client.workflow('never-submitted');
    await expect(handle.wait({ timeoutMs: 300 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('fails fast with ConnectionError when no server listens', async () => {
    const error = await FanoutClient.connect({ natsUrl: 'nats://127.0.0.1:1' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });
});
