import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  subjects,
  type Subjects,
  type WorkflowDocument,
  type WorkflowEvent,
} from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import {
  findNatsServer,
  startNatsCluster,
  startService,
  type NatsCluster,
  type ServiceProcess,
} from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Per fault: 400 reads on the codebase worker and 100 commands on the bash worker. */
const READS = 400;
const COMMANDS = 100;

/**
 * Fanout on a 3-node JetStream cluster with every stream replicated three times: a
 * workflow of 500 tasks over the codebase and bash workers runs to its end, every task's
 * result recorded exactly once, while a node or processes die under it.
 */
describe.skipIf(!findNatsServer())('faults on a 3-node cluster', () => {
  let cluster: NatsCluster;
  let connection: NatsConnection;
  let names: Subjects;
  let dir: string;
  const services: ServiceProcess[] = [];

  const service = (name: string, instance: string) => {
    const started = startService(cluster.urls.join(','), names.prefix, name, {
      env: { FANOUT_STREAM_REPLICAS: '3', FANOUT_ORCHESTRATOR_INSTANCE: instance },
    });
    services.push(started);
    return started;
  };

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    names = subjects(`chaos${process.pid}`);
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: cluster.urls.join(',') }));
    await ensureTopology(connection, { prefix: names.prefix, replicas: 3 });
    dir = await mkdtemp(join(tmpdir(), 'fanout-chaos-'));
    for (let i = 0; i < 20; i++) await writeFile(join(dir, `f${i}.txt`), `line of file ${i}\n`);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await connection?.close();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const workflow = (): WorkflowDocument => ({
    budget: { maxConcurrency: 32 },
    phases: [
      {
        id: 'work',
        barrier: { timeoutMs: 300_000 },
        tasks: [
          ...Array.from({ length: READS }, (_, i) => ({
            id: `read${i}`,
            tool: 'code.read',
            input: { root: dir, path: `f${i % 20}.txt` },
          })),
          ...Array.from({ length: COMMANDS }, (_, i) => ({
            id: `cmd${i}`,
            tool: 'bash.exec',
            input: { command: `echo ${i}`, cwd: dir },
          })),
        ],
      },
    ],
  });

  const events = () => new EventStream(connection, names);
  const log = async (workflowId: string): Promise<WorkflowEvent[]> =>
    (await events().read({ workflowId })).map((stored) => stored.event);
  const succeeded = async (workflowId: string) =>
    (await log(workflowId)).filter((event) => event.type === 'TaskSucceeded').length;

  /** Submits, waits until `before` tasks succeeded, does `fault`, and waits for the end. */
  const runThrough = async (workflowId: string, before: number, fault: () => Promise<void>) => {
    await new CommandBus(connection, names).publish({
      type: 'workflow.submit',
      commandId: `submit-${workflowId}`,
      workflowId,
      workflow: workflow(),
    });
    await expect
      .poll(() => succeeded(workflowId), { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(before);
    await fault();
    const faultAt = Date.now();
    await expect
      .poll(async () => (await log(workflowId)).some((e) => e.type === 'WorkflowCompleted'), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(true);
    const final = await log(workflowId);
    const results = final
      .filter((event) => event.type === 'TaskSucceeded')
      .map((event) => (event as { taskId: string }).taskId);
    // Every task once: none lost, none recorded twice.
    expect(results).toHaveLength(READS + COMMANDS);
    expect(new Set(results).size).toBe(READS + COMMANDS);
    expect(final.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    return { afterFaultMs: Date.now() - faultAt };
  };

  it('finishes while the node leading the event log is killed with SIGKILL, and after it is back', async () => {
    service('orchestrator', 'chaos-a');
    const codebase = service('codebase-worker', 'cw');
    const bash = service('bash-worker', 'bw');
    await Promise.all([services[0]!.ready(), codebase.ready(), bash.ready()]);
    const { afterFaultMs } = await runThrough('wf-leader', 100, async () => {
      const jsm = await jetstreamManager(connection);
      const leader = (await jsm.streams.info(names.streams.events)).cluster?.leader;
      const victim = cluster.servers.find((_, i) => `n${i + 1}` === leader);
      expect(victim, `the leader ${leader} is one of the nodes`).toBeDefined();
      await victim!.kill('SIGKILL');
      setTimeout(() => void victim!.restart(), 5_000);
    });
    console.log(`leader killed: finished ${afterFaultMs} ms after the fault`);
  });

  it('finishes when an orchestrator replica and a worker are killed with SIGKILL at the same moment', async () => {
    await cluster.waitForLeader();
    const second = service('orchestrator', 'chaos-b');
    await second.ready();
    const [first, codebase] = [services[0]!, services[1]!];
    const { afterFaultMs } = await runThrough('wf-processes', 100, async () => {
      await Promise.all([first.stop('SIGKILL'), codebase.stop('SIGKILL')]);
      // The work goes on without them: another codebase worker takes the queue.
      await service('codebase-worker', 'cw2').ready();
    });
    console.log(`orchestrator and worker killed: finished ${afterFaultMs} ms after the fault`);
  });
});
