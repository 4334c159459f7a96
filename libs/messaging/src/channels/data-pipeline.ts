import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataBatch, subjects, type Subjects } from '@fanout/contracts';
import { z } from 'zod';
import { DataGapError } from '../errors';
import { decode } from './codec';
import { DataProducer, type BatchingOptions, type DataTask } from './data-producer';
import { maxBodyBytes } from './message-size';
import { follow } from './ordered-reader';
import { PayloadStore } from './payload-store';

const Items = z.array(z.unknown());

/**
 * The data pipeline: a task's partial results streamed while it runs, on
 * `<prefix>.data.<workflowId>.<taskId>`, so a caller sees the first grep matches before the
 * last file is searched. Producers batch; readers get the items back one by one, in order,
 * whatever size they were.
 */
export class DataPipeline {
  private readonly js: JetStreamClient;
  private readonly store: PayloadStore;
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
    this.store = new PayloadStore(connection, names.buckets.payloads);
  }

  /** A producer for one task attempt; batches are numbered from 0. */
  producer(task: DataTask, options: BatchingOptions = {}): DataProducer {
    const maxBody = maxBodyBytes(this.connection);
    return new DataProducer(this.js, this.store, this.names, task, maxBody, options);
  }

  /**
   * The items of one task attempt, in order, ending after the final batch. Batches of other
   * attempts on the same subject are not this reader's and are passed over; a repeated
   * batch is passed over once read; a missing one throws {@link DataGapError}.
   */
  async *items(task: DataTask): AsyncGenerator<unknown> {
    const subject = this.names.data(task.workflowId, task.taskId);
    const batches = await follow(this.connection, this.names.streams.data, subject, 'all', read);
    let expected = 0;
    try {
      for await (const batch of batches) {
        if (batch.attempt !== task.attempt || batch.seq < expected) continue;
        if (batch.seq > expected) throw new DataGapError(subject, expected, batch.seq);
        expected++;
        yield* batch.ref
          ? decode(Items, await this.store.get(batch.ref, subject), subject)
          : batch.items;
        if (batch.final) return;
      }
    } finally {
      await batches.stop();
    }
  }
}

function read(message: JsMsg): DataBatch {
  return decode(DataBatch, message.data, message.subject);
}
