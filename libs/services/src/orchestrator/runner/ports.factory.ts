import { Command, type Subjects } from '@fanout/contracts';
import {
  Broadcaster,
  call,
  CommandBus,
  endpoint,
  EventStream,
  LeaseStore,
  maxBodyBytes,
  StoredResults,
  TaskQueue,
  WorkflowLog,
  WorkflowStore,
} from '@fanout/messaging';
import { z } from 'zod';
import type { OrchestratorOptions } from '../orchestrator.options';
import type { RunnerPorts } from './ports';

/** The connection as the messaging library takes it; apps never name the NATS client. */
export type Connection = ConstructorParameters<typeof TaskQueue>[0];

/** The request subject on which one replica takes commands forwarded by others. */
export function forwardEndpoint(instance: string) {
  return endpoint(
    'orchestrator',
    `forward.${instance.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    Command,
    z.object({ ok: z.boolean() }),
  );
}

/** Builds the runner's ports on one connection. */
export async function createRunnerPorts(
  connection: Connection,
  names: Subjects,
  options: OrchestratorOptions,
): Promise<RunnerPorts> {
  return {
    log: new WorkflowLog(connection, names),
    events: new EventStream(connection, names),
    tasks: new TaskQueue(connection, names),
    leases: await LeaseStore.open(connection, { names, ttlMs: options.leaseTtlMs }),
    store: await WorkflowStore.open(connection, names),
    results: await StoredResults.open(connection, names),
    maxBodyBytes: maxBodyBytes(connection),
    commands: new CommandBus(connection, names),
    broadcast: new Broadcaster(connection, names),
    forward: async (owner, command) => {
      await call(connection, forwardEndpoint(owner), command as Command, {
        names,
        timeoutMs: 5_000,
      });
    },
  };
}
