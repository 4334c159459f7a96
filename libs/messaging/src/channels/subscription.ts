/**
 * A live view of a subject or stream, for as long as it is iterated. Every reading
 * channel returns one, so callers stop them all the same way.
 */
export interface Subscription<T> extends AsyncIterable<T> {
  /** Stops the subscription; an iteration in progress ends. */
  stop(): Promise<void>;
}
