import type { ObjectStore } from '@nats-io/obj';
import { ReadStalledError } from '../errors';

/** How long an object read waits for its next chunk, as a stream read waits for a message. */
const READ_IDLE_MS = 60_000;

/**
 * The bytes of an object, or null when there is none: `ObjectStore.getBlob` with a bound.
 * getBlob waits until every chunk the object's info promises has come, so it waits forever
 * for chunks removed while it reads (the object replaced or deleted meanwhile: a snapshot
 * saved again, a workflow's values purged). This read fails with {@link ReadStalledError}
 * after `idleMs` without a chunk instead.
 */
export async function readObject(
  store: ObjectStore,
  name: string,
  idleMs = READ_IDLE_MS,
): Promise<Uint8Array | null> {
  const result = await store.get(name);
  if (!result) return null;
  // Settles with the digest check, or rejects with what broke the read (caught here so that
  // a read given up on leaves no unhandled rejection).
  const checked = result.error.then(
    (error) => error,
    (error: unknown) => error,
  );
  const reader = result.data.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ReadStalledError(`object ${name}`, idleMs, chunks.length));
      }, idleMs);
    });
    try {
      const next = await Promise.race([reader.read(), stalled]);
      if (next.done) break;
      chunks.push(next.value);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
  const failure = await checked;
  if (failure) throw failure;
  const bytes = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
