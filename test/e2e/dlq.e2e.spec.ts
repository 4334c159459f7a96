import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  runFanout,
  startNats,
  startServices,
  type NatsServer,
  type Services,
} from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `dlq${process.pid}`;

/** A dead letter as a worker's consumer stores one when a task used up its deliveries. */
function deadLetter(taskId: string) {
  const now = Date.now();
  return {
    tool: 'code.read',
    at: now,
    deliveries: 5,
    envelope: {
      workflowId: 'wf-dlq',
      taskId,
      attempt: 1,
      tool: 'code.read',
      input: { root: '.', path: 'package.json' },
      priority: 2,
      dispatchedAt: now,
      deadline: now + 60_000,
      depth: 0,
    },
    lastError: { code: 'WORKER_LOST', message: 'no heartbeat for 15 s', retryable: true },
  };
}

describe('fanout dlq', () => {
  let nats: NatsServer;
  let services: Services;
  let connection: NatsConnection;
  const env = () => ({ NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: PREFIX });

  beforeAll(async () => {
    nats = await startNats();
    // An orchestrator creates the streams, as it does in any installation.
    services = await startServices(nats.url, PREFIX, ['orchestrator']);
    connection = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await connection?.close();
    await services?.stop();
    await nats?.stop();
  });

  it('lists dead letters, retries one back onto its queue and discards another', async () => {
    const js = jetstream(connection);
    for (const taskId of ['find/a', 'find/b']) {
      const h = headers();
      h.set('Nats-Msg-Id', `dlq-test-${taskId}`);
      await js.publish(`${PREFIX}.dlq.code.read`, JSON.stringify(deadLetter(taskId)), {
        headers: h,
      });
    }
    const listed = await runFanout(['dlq', 'list', '--json'], env());
    expect(listed.code, listed.stderr).toBe(0);
    const letters = JSON.parse(listed.stdout) as {
      seq: number;
      letter: { envelope: { taskId: string } };
    }[];
    expect(letters.map((l) => l.letter.envelope.taskId)).toEqual(['find/a', 'find/b']);
    const [a, b] = letters.map((l) => l.seq);

    const table = await runFanout(['dlq', 'list', '--tool', 'code.read'], env());
    expect(table.stdout).toMatch(
      new RegExp(`${a}\\s+code\\.read\\s+wf-dlq/find/a\\s+5 .*WORKER_LOST`),
    );

    const jsm = await jetstreamManager(connection);
    const queued = async () =>
      (await jsm.streams.info(`${PREFIX.toUpperCase()}_TASKS`)).state.messages;
    const before = await queued();
    const retried = await runFanout(['dlq', 'retry', String(a)], env());
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe(`retried ${a}\n`);
    expect(await queued()).toBe(before + 1);

    const discarded = await runFanout(['dlq', 'discard', String(b)], env());
    expect(discarded.code, discarded.stderr).toBe(0);
    const after = await runFanout(['dlq', 'list'], env());
    expect(after.stdout).toBe('no dead letters\n');
  });

  it('exits 2 for a sequence that is not a dead letter, or none at all; 3 where no services ever ran', async () => {
    const missing = await runFanout(['dlq', 'retry', '999999'], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no dead letter at sequence 999999/);
    const garbage = await runFanout(['dlq', 'discard', 'first'], env());
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/"first" is not a dead letter's sequence number/);
    const usage = await runFanout(['dlq', 'purge'], env());
    expect(usage.code).toBe(2);
    const elsewhere = await runFanout(['dlq', 'list', '--prefix', `${PREFIX}none`], env());
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.stderr).toMatch(/no Fanout streams on this NATS server/);
    expect(elsewhere.stderr).not.toMatch(/\n\s+at /);
  });
});
