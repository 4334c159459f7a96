import { jetstream } from '@nats-io/jetstream';
import fc from 'fast-check';
import type { NatsConnection } from '@nats-io/transport-node';
import { FanoutClient } from '@fanout/client';
import { subjects, type Subjects } from '@fanout/contracts';
import { connectNats, ensureTopology, ErrorChannel, natsConfigFromEnv } from '@fanout/messaging';
import { startNats, startServices, type NatsServer, type Services } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

/** A submit the orchestrator takes: what every mutation below starts from. */
const validSubmit = (n: number) => ({
  type: 'workflow.submit',
  commandId: `hostile-${n}`,
  workflowId: `hostile-${n}`,
  workflow: { phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop' }] }] },
  priority: 2,
});

/** A submit whose phases are arrays nested `depth` deep, as text: too deep to build as a value. */
const deeplyNested = (n: number, depth: number) => {
  const { workflow: _replaced, ...rest } = validSubmit(n);
  const phases = '['.repeat(depth) + ']'.repeat(depth);
  return encoder.encode(`${JSON.stringify(rest).slice(0, -1)},"workflow":{"phases":${phases}}}`);
};

/**
 * Bodies that are never a command, whatever the draw: bytes that are not UTF-8 JSON, JSON
 * that is not an object, and a valid submit with one field broken — a wrong type, a
 * priority out of range, ids too long or malformed, a workflow nested 100,000 deep, a
 * huge string where a short one belongs.
 */
const badCommand: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Uint8Array.of(0xff, 0xfe, ...bytes)),
  fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.boolean())).map(json),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        (c: Record<string, unknown>) => ({ ...c, type: 42 }),
        (c: Record<string, unknown>) => ({ ...c, type: 'workflow.submit!' }),
        (c: Record<string, unknown>) => ({ ...c, commandId: '' }),
        (c: Record<string, unknown>) => ({ ...c, commandId: 'x'.repeat(5_000) }),
        (c: Record<string, unknown>) => ({ ...c, workflowId: 'has spaces and > wildcards' }),
        (c: Record<string, unknown>) => ({ ...c, workflowId: 7 }),
        (c: Record<string, unknown>) => ({ ...c, priority: 9 }),
        (c: Record<string, unknown>) => ({ ...c, priority: 'urgent' }),
        (c: Record<string, unknown>) => ({
          ...c,
          workflow: { phases: [{ id: 'p', tasks: [{}] }] },
        }),
        (c: Record<string, unknown>) => ({ ...c, type: 'x'.repeat(300_000) }),
        ({ workflow: _dropped, ...c }: Record<string, unknown>) => c,
      ),
    )
    .map(([n, mutate]) => json(mutate(validSubmit(n)))),
  fc.nat().map((n) => deeplyNested(n, 100_000)),
);

/** Bodies that are never a task envelope for code.read. */
const badTask: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Uint8Array.of(0xff, ...bytes)),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }).map(json),
  fc.constant(json({ workflowId: 'w', taskId: 'p/t', attempt: 'first', tool: 'code.read' })),
);

describe('hostile input on the wire', () => {
  let nats: NatsServer;
  let services: Services;
  let connection: NatsConnection;
  let client: FanoutClient;
  let names: Subjects;

  beforeAll(async () => {
    nats = await startNats();
    names = subjects(`hostile${process.pid}`);
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: names.prefix });
    services = await startServices(nats.url, names.prefix, ['orchestrator', 'codebase-worker']);
    client = await FanoutClient.connect({ natsUrl: nats.url, prefix: names.prefix });
  });
  afterAll(async () => {
    await client?.close();
    await services?.stop();
    await connection?.close();
    await nats?.stop();
  });

  /** A real workflow through the same services: valid work must keep flowing. */
  const stillWorks = async (n: number) => {
    const glob = { root: '.', patterns: ['package.json'] };
    const handle = await client.submit(
      { phases: [{ id: 'p', tasks: [{ id: 't', tool: 'code.glob', input: glob }] }] },
      { workflowId: `valid-${n}` },
    );
    expect((await handle.wait({ timeoutMs: 30_000 })).status).toBe('succeeded');
  };

  it('answers every broken command and task on the error channel, and valid work keeps flowing', async () => {
    const js = jetstream(connection);
    const commands = fc.sample(badCommand, { numRuns: 120, seed: 20261203 });
    const tasks = fc.sample(badTask, { numRuns: 40, seed: 20261203 });
    for (const [i, body] of commands.entries()) {
      await js.publish(names.command('workflow.submit', 2), body);
      if (i % 40 === 0) await stillWorks(i);
    }
    for (const body of tasks) await js.publish(names.task('code.read', 2), body);
    await stillWorks(commands.length);

    const errors = new ErrorChannel(connection, names);
    const invalid = async (kind: string) =>
      (await errors.read({ kind })).map((stored) => stored.record);
    await expect
      .poll(async () => (await invalid('invalid-message')).length, { timeout: 30_000 })
      .toBe(commands.length);
    await expect
      .poll(async () => (await invalid('invalid-task')).length, { timeout: 30_000 })
      .toBe(tasks.length);
    // Each with its reason and where it came from.
    for (const record of [
      ...(await invalid('invalid-message')),
      ...(await invalid('invalid-task')),
    ]) {
      expect(record.error.message.length).toBeGreaterThan(0);
      expect(record.subject).toMatch(new RegExp(`^${names.prefix}\\.(cmd|task)\\.`));
    }
    expect(services.output()).not.toMatch(/exited with|Maximum call stack/);
  });
});
