import type {
  Broadcaster,
  CommandBus,
  EventStream,
  LeaseStore,
  StoredResults,
  TaskQueue,
  WorkflowLog,
  WorkflowStore,
} from '@fanout/messaging';

/**
 * What the runner needs from the outside world, as narrow slices of the messaging
 * library's classes: the event log, the task queues, leases and records, and the buses.
 * One object behind one DI token, so the runner never sees a connection.
 */
export interface RunnerPorts {
  log: Pick<WorkflowLog, 'append' | 'purge'>;
  events: Pick<EventStream, 'read'>;
  tasks: Pick<TaskQueue, 'dispatch'>;
  leases: Pick<LeaseStore, 'acquire' | 'renew' | 'release' | 'holder' | 'ttlMs'>;
  store: Pick<
    WorkflowStore,
    'record' | 'put' | 'saveSnapshot' | 'loadSnapshot' | 'live' | 'end' | 'duePurges' | 'purged'
  >;
  /**
   * Results and inputs too large to travel inline: a result is fetched when a report
   * refers to one, an input stored when a dispatch would not fit in a message.
   */
  results: Pick<StoredResults, 'get' | 'put' | 'delete'>;
  /** The largest body one message carries on this connection. */
  maxBodyBytes: number;
  commands: Pick<CommandBus, 'publish'>;
  broadcast: Pick<Broadcaster, 'publish'>;
  /** Hands a command to the replica that owns its workflow; rejects when none answers. */
  forward(owner: string, command: unknown): Promise<void>;
}

export const RUNNER_PORTS = Symbol('RunnerPorts');
export const ORCHESTRATOR_OPTIONS = Symbol('OrchestratorOptions');
