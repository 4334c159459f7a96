import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
  foldLog,
  LeaseStore,
  natsConfigFromEnv,
} from '@fanout/messaging';
import {
  findNatsServer,
  startNatsCluster,
  startService,
  type NatsCluster,
  type ServiceProcess,
} from '@fanout/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from './chaos-diagnosis';

/** Per fault: 400 reads on the codebase worker and 100 commands on the bash worker. */
const READS = 400;
const COMMANDS = 100;
/** How long a partitioned node stays cut off. */
const PARTITION_MS = 8_000;
/** How long a workflow may take to finish after its fault before the test says why not. */
const FINISH_MS = 150_000;
/**
 * How long a service may take to start: on a 3-node cluster each creates its replicated
 * consumers through the cluster's consensus, slow on a loaded machine.
 */
const START_MS = 120_000;
/** Services starting, the workflow up to its fault, and {@link FINISH_MS}. */
const TEST_MS = 2 * START_MS + 60_000 + FINISH_MS;

/**
 * Fanout on a 3-node JetStream cluster with every stream replicated three times: a
 * workflow of 500 tasks over the codebase and bash workers runs to its end, every task's
 * result recorded exactly once, while a node or processes die under it or a node is cut
 * off. Each scenario starts its own services on a prefix of its own, so `-t` runs one alone.
 */
describe.skipIf(!findNatsServer())('faults on a 3-node cluster', () => {
  let cluster: NatsCluster;
  let connection: NatsConnection;
  let dir: string;
  /** This scenario's services, by the instance name each was started with. */
  const services = new Map<string, ServiceProcess>();

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: cluster.urls.join(',') }));
    dir = await mkdtemp(join(tmpdir(), 'fanout-chaos-'));
    for (let i = 0; i < 20; i++) await writeFile(join(dir, `f${i}.txt`), `line of file ${i}\n`);
  }, 60_000);
  afterEach(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    services.clear();
    cluster.heal();
  });
  afterAll(async () => {
    await connection?.close();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A prefix of the scenario's own, its streams replicated three times, once the cluster has a leader. */
  const scenario = async (name: string): Promise<Subjects> => {
    await cluster.waitForLeader();
    const names = subjects(`chaos${process.pid}${name}`);
    // A replicated stream's creation can outlast the API's 5 s timeout while the new cluster
    // is still busy electing; creating again is harmless, so it is tried again for a while.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await ensureTopology(connection, { prefix: names.prefix, replicas: 3 });
        return names;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(1_000);
      }
    }
  };

  const service = (names: Subjects, name: string, instance: string) => {
    const started = startService(cluster.urls.join(','), names.prefix, name, {
      env: { FANOUT_STREAM_REPLICAS: '3', FANOUT_ORCHESTRATOR_INSTANCE: instance },
    });
    services.set(instance, started);
    return started;
  };
  /** An orchestrator and one worker of each kind, ready. */
  const startFanout = async (names: Subjects) => {
    await Promise.all([
      service(names, 'orchestrator', 'orch-a').ready(START_MS),
      service(names, 'codebase-worker', 'cw').ready(START_MS),
      service(names, 'bash-worker', 'bw').ready(START_MS),
    ]);
  };

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

  /** The workflow's log as its orchestrator replays it, and how many stored events it leaves out. */
  const logOf = async (names: Subjects, workflowId: string) => {
    const stored = await new EventStream(connection, names).read({ workflowId }, 'all', {
      results: 'refs',
    });
    const { entries, leftOut } = foldLog(stored);
    return { events: entries.map((item) => item.event as WorkflowEvent), leftOut };
  };
  const succeeded = async (names: Subjects, id: string) =>
    (await logOf(names, id)).events.filter((event) => event.type === 'TaskSucceeded').length;
  /** The moment of a fault: once more than `count` tasks have succeeded. */
  const over = (count: number) => async (names: Subjects, id: string) =>
    (await succeeded(names, id)) > count;

  /**
   * Submits, waits until `ready` says the moment has come, does `fault`, and waits for the
   * end; a workflow that does not finish fails the test with what it was waiting on.
   */
  const runThrough = async (
    names: Subjects,
    workflowId: string,
    ready: (names: Subjects, id: string) => Promise<boolean>,
    fault: () => Promise<void>,
    document = workflow(),
  ) => {
    await new CommandBus(connection, names).publish({
      type: 'workflow.submit',
      commandId: `submit-${workflowId}`,
      workflowId,
      workflow: document,
    });
    await expect
      .poll(() => ready(names, workflowId), { timeout: 60_000, interval: 200 })
      .toBe(true);
    await fault();
    const faultAt = Date.now();
    const ended = async () =>
      (await logOf(names, workflowId).catch(() => undefined))?.events.some(
        (e) => e.type === 'WorkflowCompleted',
      ) ?? false;
    while (!(await ended())) {
      if (Date.now() - faultAt > FINISH_MS) {
        const why = await diagnose(connection, names, workflowId, services);
        expect.fail(`${workflowId} did not finish ${FINISH_MS} ms after its fault:\n${why}`);
      }
      await sleep(500);
    }
    const afterFaultMs = Date.now() - faultAt;
    const { events: final, leftOut } = await logOf(names, workflowId);
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
    return { afterFaultMs, log: final, leftOut };
  };

  /** What the orchestrators said of their workflows: takeovers, drops, replays, lost leases. */
  const ownershipLines = () =>
    [...services]
      .filter(([instance]) => instance.startsWith('orch'))
      .flatMap(([instance, service]) =>
        service
          .output()
          .split('\n')
          .filter((line) => /took over|dropped|lost the lease|replaying|not part of/.test(line))
          .map((line) => `${instance}: ${/"msg":"([^"]*)"/.exec(line)?.[1] ?? line}`),
      );

  /** Server name of the node that leads the event log's stream now. */
  const eventLogLeader = async (names: Subjects) => {
    const jsm = await jetstreamManager(connection);
    return (await jsm.streams.info(names.streams.events)).cluster?.leader;
  };
  /** The server name `startNatsCluster` gives the i-th node. */
  const nodeName = (i: number) => `n${i + 1}`;

  it(
    'finishes while the node leading the event log is killed with SIGKILL, and after it is back',
    async () => {
      const names = await scenario('leader');
      await startFanout(names);
      const { afterFaultMs } = await runThrough(names, 'wf-leader', over(100), async () => {
        const leader = await eventLogLeader(names);
        const victim = cluster.servers.find((_, i) => nodeName(i) === leader);
        expect(victim, `the leader ${leader} is one of the nodes`).toBeDefined();
        await victim!.kill('SIGKILL');
        setTimeout(() => void victim!.restart(), 5_000);
      });
      console.log(`leader killed: finished ${afterFaultMs} ms after the fault`);
    },
    TEST_MS,
  );

  it(
    'finishes when the orchestrator owning the workflow and a worker are killed with SIGKILL at the same moment',
    async () => {
      const names = await scenario('processes');
      await startFanout(names);
      await service(names, 'orchestrator', 'orch-b').ready(START_MS);
      const leases = await LeaseStore.open(connection, { names });
      const { afterFaultMs } = await runThrough(names, 'wf-processes', over(100), async () => {
        const owner = (await leases.holder('wf-processes'))?.owner;
        const owning = services.get(owner ?? '');
        expect(owning, `the owner ${owner} is one of ours`).toBeDefined();
        await Promise.all([owning!.stop('SIGKILL'), services.get('cw')!.stop('SIGKILL')]);
        // The work goes on without them: another codebase worker takes the queue.
        await service(names, 'codebase-worker', 'cw2').ready(START_MS);
      });
      console.log(`orchestrator and worker killed: finished ${afterFaultMs} ms after the fault`);
    },
    TEST_MS,
  );

  it(
    'finishes when a worker is paused (SIGSTOP) past the heartbeat timeout and then resumed: its late reports are ignored',
    async () => {
      const names = await scenario('paused');
      await startFanout(names);
      const paused = services.get('bw')!;
      await service(names, 'bash-worker', 'bw2').ready(START_MS);
      // Commands that take a while, so that the paused worker holds some when it stops.
      const slow = workflow((i) => `sleep 1; echo ${i}`);
      const bashStarted = async (names: Subjects, id: string) =>
        (await logOf(names, id)).events.filter(
          (e) => e.type === 'TaskStarted' && e.taskId.startsWith('work/cmd'),
        ).length >= 20;
      const { afterFaultMs, log: final } = await runThrough(
        names,
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
    },
    TEST_MS,
  );

  /**
   * Cuts the node `pick` chooses off from the other two for {@link PARTITION_MS}. Its clients
   * stay on it and find no quorum there until the heal, as in a real partition.
   */
  const partition = (names: Subjects, pick: (leader: string | undefined) => number) => {
    let healed: Promise<void> = Promise.resolve();
    const fault = async () => {
      const leader = await eventLogLeader(names);
      const cut = pick(leader);
      expect(cut, 'a node to cut off').toBeGreaterThanOrEqual(0);
      console.log(`cutting off ${nodeName(cut)}; the event log's leader is ${leader}`);
      cluster.partition(cut);
      healed = sleep(PARTITION_MS).then(() => cluster.heal());
    };
    return { fault, healed: () => healed };
  };

  it(
    'finishes while a node that does not lead the event log is cut off from the other two, and after the heal',
    async () => {
      const names = await scenario('cutfollower');
      await startFanout(names);
      const { fault, healed } = partition(names, (leader) =>
        cluster.servers.findIndex((_, i) => nodeName(i) !== leader),
      );
      const { afterFaultMs, leftOut } = await runThrough(
        names,
        'wf-cut-follower',
        over(100),
        fault,
      );
      await healed();
      console.log(
        `follower cut off: finished ${afterFaultMs} ms after the fault, ${leftOut} stored events not in the log`,
        ...ownershipLines(),
      );
    },
    TEST_MS,
  );

  /**
   * Dispatches refused while the cut-off leader has no quorum leave attempts in the log
   * whose envelopes are in no queue: the claim after the drop sends them again, and a
   * claim refused too drops the workflow again rather than keep it half resumed.
   */
  it(
    'finishes while the node leading the event log is cut off from the other two, and after the heal',
    async () => {
      const names = await scenario('cutleader');
      await startFanout(names);
      const { fault, healed } = partition(names, (leader) =>
        cluster.servers.findIndex((_, i) => nodeName(i) === leader),
      );
      const { afterFaultMs, leftOut } = await runThrough(names, 'wf-cut-leader', over(100), fault);
      await healed();
      console.log(
        `leader cut off: finished ${afterFaultMs} ms after the fault, ${leftOut} stored events not in the log`,
        ...ownershipLines(),
      );
    },
    TEST_MS,
  );
});
