import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Subjects } from '@fanout/contracts';

/** What is known of a workflow beyond its event log's retention. */
export interface WorkflowRecord {
  workflowId: string;
  status: string;
  /** Events folded into the snapshot, if there is one (0 when there is none). */
  version: number;
  /** Stream sequence of the last event in the snapshot; replay resumes after it. */
  lastSeq: number;
  updatedAt: number;
}

/** A saved state and where in the log it stands. */
export interface Snapshot<S> {
  record: WorkflowRecord;
  state: S;
}

/**
 * Workflow records (KV `fanout_workflows`) and state snapshots (Object Store, since a
 * large workflow's state outgrows one message). The record says which workflows are
 * live — what a starting orchestrator resumes — and where replay starts; the snapshot
 * lets a workflow outlive the event stream's retention and resume without a full replay.
 */
export class WorkflowStore {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  private constructor(
    private readonly kv: KV,
    private readonly objects: ObjectStore,
  ) {}

  static async open(
    connection: NatsConnection,
    names: Subjects = subjects(),
  ): Promise<WorkflowStore> {
    const kv = await new Kvm(connection).open(names.buckets.workflows);
    const objects = await new Objm(connection).open(names.buckets.payloads);
    return new WorkflowStore(kv, objects);
  }

  async record(workflowId: string): Promise<WorkflowRecord | undefined> {
    const entry = await this.kv.get(workflowId);
    return entry && entry.operation === 'PUT' ? entry.json<WorkflowRecord>() : undefined;
  }

  async put(record: WorkflowRecord): Promise<void> {
    await this.kv.put(record.workflowId, JSON.stringify(record));
  }

  /** Saves the state, then the record pointing at it: a crash between leaves the old pair. */
  async saveSnapshot<S>(record: WorkflowRecord, state: S): Promise<void> {
    await this.objects.putBlob(
      { name: snapshotName(record.workflowId) },
      this.encoder.encode(JSON.stringify(state)),
    );
    await this.put(record);
  }

  async loadSnapshot<S>(workflowId: string): Promise<Snapshot<S> | undefined> {
    const record = await this.record(workflowId);
    if (!record || record.version === 0) return undefined;
    const blob = await this.objects.getBlob(snapshotName(workflowId));
    if (!blob) return undefined;
    return { record, state: JSON.parse(this.decoder.decode(blob)) as S };
  }

  /** Ids of workflows whose record says they are not finished. */
  async live(): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of await this.kv.keys()) {
      const record = await this.record(key);
      if (
        record &&
        (record.status === 'running' || record.status === 'cancelling' || record.status === 'new')
      )
        ids.push(key);
    }
    return ids;
  }

  /**
   * Forgets a finished workflow: its record and its snapshot. The scan for live workflows
   * then reads only live ones, however many have finished; the finished workflow's story
   * stays in its event log for the stream's retention.
   */
  async forget(workflowId: string): Promise<void> {
    await this.kv.delete(workflowId);
    await this.objects.delete(snapshotName(workflowId)).catch(() => undefined);
  }
}

function snapshotName(workflowId: string): string {
  return `snapshots/${workflowId}`;
}
