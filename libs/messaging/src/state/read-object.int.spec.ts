import { jetstreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReadStalledError } from '../errors';
import { channelHarness } from '../testing/fixtures';
import { readObject } from './read-object';

describe('readObject on a real nats-server', () => {
  const harness = channelHarness('objects');
  let store: ObjectStore;
  beforeEach(async () => {
    store = await new Objm(harness.connection).open(harness.names.buckets.payloads);
  });

  it('reads an object of several chunks whole, and null for one that is not there', async () => {
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    await store.putBlob({ name: 'big' }, data);
    expect(await readObject(store, 'big')).toEqual(data);
    expect(await readObject(store, 'absent')).toBeNull();
  });

  it('fails with ReadStalledError when the chunks its info promises are gone', async () => {
    // What a read meets when the object is replaced or deleted between its info and its
    // chunks: the info still there, the chunks purged.
    const info = await store.putBlob({ name: 'snapshot' }, new Uint8Array(300_000));
    const jsm = await jetstreamManager(harness.connection);
    const bucket = harness.names.buckets.payloads;
    await jsm.streams.purge(`OBJ_${bucket}`, { filter: `$O.${bucket}.C.${info.nuid}` });
    const error = await readObject(store, 'snapshot', 300).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ReadStalledError);
    expect(error).toMatchObject({ code: 'READ_STALLED', retryable: true, readCount: 0 });
  });
});
