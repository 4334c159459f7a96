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
  /** By the instance name each was started with. */
  const byInstance = new Map<string, ServiceProcess>();

  const service = (name: string, instance: string) => {
    const started = startService(cluster.urls.join(','), names.prefix, name, {
      env: { FANOUT_STREAM_REPLICAS: '3', FANOUT_ORCHESTRATOR_INSTANCE: instance },
    });
    services.push(started);
    byInstance.set(instance, started);
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

  const workflow = (command = (i: number) => `echo ${i}`): WorkflowDocument => ({
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
            input: { command: command(i), cwd: dir },
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
  /** The moment of a fault: once more than `count` tasks have succeeded. */
  const over = (count: number) => async (id: string) => (await succeeded(id)) > count;

  /** Submits, waits until `ready` says the moment has come, does `fault`, and waits for the end. */
  const runThrough = async (
    workflowId: string,
    ready: (id: string) => Promise<boolean>,
    fault: () => Promise<void>,
    document = workflow(),
  ) => {
    await new CommandBus(connection, names).publish({
      type: 'workflow.submit',
      commandId: `submit-${workflowId}`,
      workflowId,
      workflow: document,
    });
    await expect.poll(() => ready(workflowId), { timeout: 60_000, interval: 200 }).toBe(true);
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
    const recorded = new Set(results);
    const missing = document.phases[0]!.tasks.filter((t) => !recorded.has(`work/${t.id}`));
    expect(results, `no result recorded for ${missing.map((t) => t.id).join(', ')}`).toHaveLength(
      READS + COMMANDS,
    );
    expect(recorded.size).toBe(READS + COMMANDS);
    expect(final.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    return { afterFaultMs: Date.now() - faultAt, log: final };
  };

  /** Server name of the node that leads the event log's stream now. */
  const eventLogLeader = async () => {
    const jsm = await jetstreamManager(connection);
    return (await jsm.streams.info(names.streams.events)).cluster?.leader;
  };
  /** The server name `startNatsCluster` gives the i-th node. */
  const nodeName = (i: number) => `n${i + 1}`;

  it('finishes while the node leading the event log is killed with SIGKILL, and after it is back', async () => {
    service('orchestrator', 'chaos-a');
    const codebase = service('codebase-worker', 'cw');
    const bash = service('bash-worker', 'bw');
    await Promise.all([services[0]!.ready(), codebase.ready(), bash.ready()]);
    const { afterFaultMs } = await runThrough('wf-leader', over(100), async () => {
      const leader = await eventLogLeader();
      const victim = cluster.servers.find((_, i) => nodeName(i) === leader);
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
    const { afterFaultMs } = await runThrough('wf-processes', over(100), async () => {
      await Promise.all([first.stop('SIGKILL'), codebase.stop('SIGKILL')]);
      // The work goes on without them: another codebase worker takes the queue.
      await service('codebase-worker', 'cw2').ready();
    });
    console.log(`orchestrator and worker killed: finished ${afterFaultMs} ms after the fault`);
  });

  it('finishes when a worker is paused (SIGSTOP) past the heartbeat timeout and then resumed: its late reports are ignored', async () => {
    const paused = byInstance.get('bw')!;
    await service('bash-worker', 'bw2').ready();
    // Commands that take a while, so that the paused worker holds some when it stops.
    const slow = workflow((i) => `sleep 1; echo ${i}`);
    const bashStarted = async (id: string) =>
      (await log(id)).filter((e) => e.type === 'TaskStarted' && e.taskId.startsWith('work/cmd'))
        .length >= 20;
    const { afterFaultMs, log: final } = await runThrough(
      'wf-paused',
      bashStarted,
      async () => {
        process.kill(paused.pid!, 'SIGSTOP');
        // Past the orchestrator's 15 s heartbeat timeout, then on again.
        setTimeout(() => process.kill(paused.pid!, 'SIGCONT'), 20_000);
      },
      slow,
    );
    // Its attempts were given up on and run again by the other worker.
    const lost = final.filter(
      (e) => e.type === 'TaskAttemptFailed' && /no heartbeat/.test(e.error.message),
    );
    expect(lost.length).toBeGreaterThan(0);
    console.log(
      `worker paused: ${lost.length} attempts run again, finished ${afterFaultMs} ms after the fault`,
    );
  });
});
