/** How one of several concurrent calls ended, with its place in the list it came from. */
export type Arrival<T> = { index: number; value: T } | { index: number; error: unknown };

/**
 * Yields each promise's outcome as it settles, fastest first, so a caller can pass on
 * what one provider found without waiting for the slowest. Never rejects: a failure is
 * an arrival like any other, for the caller to weigh against the rest.
 */
export async function* inArrivalOrder<T>(promises: Promise<T>[]): AsyncGenerator<Arrival<T>> {
  const pending = new Map(
    promises.map((promise, index) => [
      index,
      promise.then(
        (value): Arrival<T> => ({ index, value }),
        (error: unknown): Arrival<T> => ({ index, error }),
      ),
    ]),
  );
  while (pending.size > 0) {
    const arrival = await Promise.race(pending.values());
    pending.delete(arrival.index);
    yield arrival;
  }
}
