import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { PayloadRef, subjects, type Subjects } from '@fanout/contracts';
import { z } from 'zod';
import { jsonChunks } from './json-chunks';
import { readObject } from './read-object';

/** What is known of a live workflow beyond its event log. */
export interface WorkflowRecord {
  workflowId: string;
  status: string;
  /** Events folded into the snapshot, if there is one (0 when there is none). */
  version: number;
  /** Stream sequence of the last event in the snapshot; replay resumes after it. */
  lastSeq: number;
  /**
   * The epoch of the ownership that saved the snapshot (see `Lease.epoch`): a replay from
   * it leaves out later events of earlier ownerships. Absent in records saved before epochs.
   */
  epoch?: number;
  updatedAt: number;
}

/**
 * A workflow that ended: when, when its log goes, and the stored values (large results
 * and inputs) that go with it.
 */
export const EndedRecord = z.object({
  workflowId: z.string(),
  endedAt: z.number(),
  purgeAt: z.number(),
  stored: z.array(PayloadRef),
});
export type EndedRecord = z.infer<typeof EndedRecord>;

/** A saved state and where in the log it stands. */
export interface Snapshot<S> {
  record: WorkflowRecord;
  state: S;
}

/** Keys of ended workflows have this prefix: a workflow id has no dot, so none collides. */
const ENDED = 'ended.';

/**
 * Workflow records (KV `fanout_workflows`) and state snapshots (Object Store, since a
 * large workflow's state outgrows one message). A live workflow's record (key: its id)
 * says where replay starts and lets a starting orchestrator find it; an ended workflow's
 * record (`ended.<id>`) says when its log is to be purged. Records are listed from the
 * bucket's stream info (no consumer is left behind by a scan every few seconds) and
 * removed with a purge of their subject, so a listing never meets a deleted key.
 */
export class WorkflowStore {
  private readonly decoder = new TextDecoder();

  private constructor(
    private readonly kv: KV,
    private readonly objects: ObjectStore,
    private readonly jsm: JetStreamManager,
    private readonly bucket: string,
  ) {}

  static async open(
    connection: NatsConnection,
    names: Subjects = subjects(),
  ): Promise<WorkflowStore> {
    const kv = await new Kvm(connection).open(names.buckets.workflows);
    const objects = await new Objm(connection).open(names.buckets.payloads);
    const jsm = await jetstreamManager(connection);
    return new WorkflowStore(kv, objects, jsm, names.buckets.workflows);
  }

  async record(workflowId: string): Promise<WorkflowRecord | undefined> {
    const entry = await this.kv.get(workflowId);
    return entry && entry.operation === 'PUT' ? entry.json<WorkflowRecord>() : undefined;
  }

  async put(record: WorkflowRecord): Promise<void> {
    await this.kv.put(record.workflowId, JSON.stringify(record));
  }

  /**
   * Saves the state, then the record pointing at it: a crash between leaves the old pair.
   * The state is serialized by the call, before it returns (the caller may change it
   * afterwards), into chunks that are let go of as they are stored.
   */
  async saveSnapshot<S>(record: WorkflowRecord, state: S): Promise<void> {
    const chunks = jsonChunks(state);
    await this.objects.put({ name: snapshotName(record.workflowId) }, streamOf(chunks));
    await this.put(record);
  }

  async loadSnapshot<S>(workflowId: string): Promise<Snapshot<S> | undefined> {
    const record = await this.record(workflowId);
    if (!record || record.version === 0) return undefined;
    const blob = await readObject(this.objects, snapshotName(workflowId));
    if (!blob) return undefined;
    return { record, state: JSON.parse(this.decoder.decode(blob)) as S };
  }

  /** Ids of workflows whose record says they are not finished. */
  async live(): Promise<string[]> {
    const ids: string[] = [];
    for (const key of await this.keys('*')) {
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
   * A workflow ended: its record of the end goes in first, then its live record and its
   * snapshot (when it may have one) go. A crash between leaves both records, and the next
   * owner ends it again.
   */
  async end(
    ended: EndedRecord,
    options: { snapshot: boolean } = { snapshot: true },
  ): Promise<void> {
    await this.kv.put(`${ENDED}${ended.workflowId}`, JSON.stringify(EndedRecord.parse(ended)));
    await this.remove(ended.workflowId);
    // A workflow that never had a snapshot (most: they end before thousands of events)
    // costs no Object Store lookup.
    if (!options.snapshot) return;
    const snapshot = await this.objects.info(snapshotName(ended.workflowId));
    if (snapshot && !snapshot.deleted) await this.objects.delete(snapshotName(ended.workflowId));
  }

  /** Ended workflows whose log is due to go at `now`. */
  async duePurges(now: number): Promise<EndedRecord[]> {
    const due: EndedRecord[] = [];
    for (const key of await this.keys(`${ENDED}*`)) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const ended = EndedRecord.safeParse(entry.json());
      if (ended.success && ended.data.purgeAt <= now) due.push(ended.data);
    }
    return due;
  }

  /** Forgets an ended workflow once its log is purged. */
  async purged(workflowId: string): Promise<void> {
    await this.remove(`${ENDED}${workflowId}`);
  }

  /** Keys matching a pattern of the bucket, read from the stream's subjects. */
  private async keys(pattern: string): Promise<string[]> {
    const prefix = `$KV.${this.bucket}.`;
    const info = await this.jsm.streams.info(`KV_${this.bucket}`, {
      subjects_filter: `${prefix}${pattern}`,
    });
    return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
  }

  /** Removes a key with its history: no delete marker is left for a listing to meet. */
  private async remove(key: string): Promise<void> {
    await this.jsm.streams.purge(`KV_${this.bucket}`, { filter: `$KV.${this.bucket}.${key}` });
  }
}

/** A stream of the chunks that drops each one as it is read, so that stored ones can go. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

function snapshotName(workflowId: string): string {
  return `snapshots/${workflowId}`;
}
