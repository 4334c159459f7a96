import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { PayloadRef as PayloadRefSchema } from '@fanout/contracts';
import type { z } from 'zod';
import { PayloadMissingError } from '../errors';

/** Where an oversized payload was put (the contracts export only the schema). */
export type PayloadRef = z.infer<typeof PayloadRefSchema>;

/**
 * Payloads too large for one NATS message, kept in the Object Store bucket (chunked by
 * the client) and referred to by a {@link PayloadRef}. The bucket is opened on first use
 * so that a producer that never overflows never touches it.
 */
export class PayloadStore {
  private store: Promise<ObjectStore> | undefined;
  constructor(
    private readonly connection: NatsConnection,
    readonly bucket: string,
  ) {}

  /** Stores `data` under `name` and returns the reference to put in the message instead. */
  async put(name: string, data: Uint8Array): Promise<PayloadRef> {
    const store = await this.open();
    await store.putBlob({ name }, data);
    return { bucket: this.bucket, name, size: data.length };
  }

  /** The bytes a reference points at; `subject` names the message that referred to them. */
  async get(ref: PayloadRef, subject: string): Promise<Uint8Array> {
    if (ref.bucket !== this.bucket) {
      throw new Error(
        `${subject} refers to object store ${ref.bucket}, but this pipeline reads ${this.bucket}`,
      );
    }
    const data = await (await this.open()).getBlob(ref.name);
    if (!data) throw new PayloadMissingError(ref.bucket, ref.name, subject);
    return data;
  }

  private open(): Promise<ObjectStore> {
    this.store ??= new Objm(this.connection).open(this.bucket).catch((error: unknown) => {
      this.store = undefined; // let the next call try again
      throw new Error(`cannot open object store ${this.bucket}`, { cause: error });
    });
    return this.store;
  }
}
