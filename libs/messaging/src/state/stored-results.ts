import { Objm, type ObjectStore } from '@nats-io/obj';
import { LRUCache } from 'lru-cache';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type PayloadRef, type Subjects } from '@fanout/contracts';
import { PayloadMissingError } from '../errors';
import { readObject } from './read-object';

/** The attempt a stored result (or input) belongs to. */
export interface ResultOwner {
  workflowId: string;
  taskId: string;
  attempt: number;
}

/**
 * What of an attempt is stored: what it returned, what it was given, or (for an agent task)
 * how the child it planned ended.
 */
export type StoredPart = 'result' | 'input' | 'outcome';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Task results too large to travel inline (in a report, an event), kept in the Object
 * Store bucket `fanout_results` (chunked by the client, so any size fits) and named by
 * their attempt, `<workflowId>/<taskId>/<attempt>`. The worker puts one there and reports
 * its {@link PayloadRef}; everything that reads results resolves the reference back to
 * the value. An input too large to dispatch inline (a reference to a large result) is
 * kept the same way by the orchestrator, as `<workflowId>/<taskId>/<attempt>/input`. Both
 * live as long as their workflow's log: the orchestrator deletes them with the log.
 */
export class StoredResults {
  /**
   * What was read lately, as bytes (each `get` parses its own copy): a stored value never
   * changes under its name, and an agent's every round reads its earlier rounds again.
   */
  private readonly recent: LRUCache<string, Uint8Array> | undefined;

  private constructor(
    private readonly store: ObjectStore,
    readonly bucket: string,
    cacheBytes: number,
  ) {
    this.recent =
      cacheBytes > 0
        ? new LRUCache({ maxSize: cacheBytes, sizeCalculation: (data) => data.length || 1 })
        : undefined;
  }

  /** `cacheBytes`: how much of what was read to keep for the next read of it (none by default). */
  static async open(
    connection: NatsConnection,
    names: Subjects = subjects(),
    { cacheBytes = 0 }: { cacheBytes?: number } = {},
  ): Promise<StoredResults> {
    const bucket = names.buckets.results;
    return new StoredResults(await new Objm(connection).open(bucket), bucket, cacheBytes);
  }

  /** Keeps `value` (as JSON) for its attempt and returns the reference to send instead. */
  async put(owner: ResultOwner, value: unknown, part: StoredPart = 'result'): Promise<PayloadRef> {
    const attempt = `${owner.workflowId}/${owner.taskId}/${owner.attempt}`;
    const name = part === 'result' ? attempt : `${attempt}/${part}`;
    const data = encoder.encode(JSON.stringify(value));
    await this.store.putBlob({ name }, data);
    return { bucket: this.bucket, name, size: data.length };
  }

  /** The value a reference points at; `where` names what referred to it, for the error. */
  async get(ref: PayloadRef, where: string): Promise<unknown> {
    if (ref.bucket !== this.bucket) {
      throw new Error(
        `${where} refers to object store ${ref.bucket}, but results are in ${this.bucket}`,
      );
    }
    const data = this.recent?.get(ref.name) ?? (await readObject(this.store, ref.name));
    if (!data) throw new PayloadMissingError(ref.bucket, ref.name, where);
    this.recent?.set(ref.name, data);
    return JSON.parse(decoder.decode(data));
  }

  /** Deletes stored results; one already gone is not an error (the client answers so). */
  async delete(refs: readonly PayloadRef[]): Promise<void> {
    for (const ref of refs) {
      if (ref.bucket === this.bucket) await this.store.delete(ref.name);
    }
  }
}
