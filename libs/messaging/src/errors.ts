import { ErrorCode, type FanoutError, CodedError } from '@fanout/contracts';

/**
 * The command bus is full (its stream holds the maximum number of messages and discards
 * new ones). Nothing was accepted: the publisher should slow down and try again later.
 * Commands accepted before this stay on the bus.
 */
export class BusFullError extends CodedError {
  readonly code = ErrorCode.BusFull;
  readonly retryable = true;
  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`the command bus is full: ${subject} was not accepted; retry after a delay`, options);
  }
}

/**
 * A message larger than the server takes in one message (`max_payload`, less room for
 * headers). Nothing was sent; whatever is that large travels as an Object Store reference.
 */
export class MessageTooLargeError extends CodedError {
  readonly code = 'MESSAGE_TOO_LARGE';
  readonly retryable = false;
  constructor(
    readonly subject: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `a message of ${bytes} bytes on ${subject} is over the ${maxBytes} one message may carry`,
    );
  }
}

/** A message whose payload failed validation against its contract; it can never succeed. */
export class InvalidMessageError extends CodedError {
  readonly code = ErrorCode.InvalidMessage;
  readonly retryable = false;
  constructor(
    readonly subject: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid message on ${subject}: ${problems.join('; ')}`, options);
  }
}

/**
 * A barrier closed before everyone arrived. It names who is missing, because "timed out"
 * alone sends the reader hunting through every participant's log.
 */
export class BarrierTimeoutError extends CodedError {
  readonly code = ErrorCode.Timeout;
  readonly retryable = true;
  constructor(
    readonly barrier: string,
    readonly missing: string[],
    readonly timeoutMs: number,
  ) {
    super(`barrier ${barrier} timed out after ${timeoutMs} ms; missing: ${missing.join(', ')}`);
  }
}

/**
 * A request-response call answered with an error, or could not be answered at all. It
 * carries the wire error whole, so a caller branches on `code` and `retryable` exactly as
 * the remote side decided them, and the cause chain survives the trip.
 */
export class RemoteError extends CodedError {
  readonly code: string;
  readonly retryable: boolean;
  constructor(
    readonly subject: string,
    readonly error: FanoutError,
    options?: ErrorOptions,
  ) {
    super(`${subject} answered ${error.code}: ${error.message}`, options);
    this.code = error.code;
    this.retryable = error.retryable;
  }
}

/**
 * The batches of a data stream do not follow each other: one is missing (the producer
 * died, or the stream's retention dropped it), so the items read so far are incomplete.
 */
export class DataGapError extends CodedError {
  readonly code = 'DATA_GAP';
  readonly retryable = false;
  constructor(
    readonly subject: string,
    readonly expectedSeq: number,
    readonly gotSeq: number,
  ) {
    super(`data stream ${subject}: expected batch ${expectedSeq}, got batch ${gotSeq}`);
  }
}

/**
 * A read waited too long for its next message: the last message it was to end at (or a
 * chunk of the object it reads) was deleted meanwhile, or the server stopped answering.
 * What was read is incomplete; reading again starts over.
 */
export class ReadStalledError extends CodedError {
  readonly code = 'READ_STALLED';
  readonly retryable = true;
  constructor(
    /** What was being read, for the message. */
    readonly what: string,
    readonly idleMs: number,
    /** Messages read before the wait. */
    readonly readCount: number,
  ) {
    super(`reading ${what}: nothing came for ${idleMs} ms after ${readCount} messages`);
  }
}

/** A batch points at an Object Store entry that is not (or no longer) there. */
export class PayloadMissingError extends CodedError {
  readonly code = 'PAYLOAD_MISSING';
  readonly retryable = false;
  constructor(
    readonly bucket: string,
    readonly object: string,
    readonly subject: string,
  ) {
    super(`the payload of ${subject} is missing from object store ${bucket} (entry ${object})`);
  }
}

/** No dead letter with this stream sequence exists (already retried, discarded, or expired). */
export class DeadLetterNotFoundError extends CodedError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  readonly retryable = false;
  constructor(
    readonly stream: string,
    readonly seq: number,
  ) {
    super(`no dead letter at sequence ${seq} of stream ${stream}`);
  }
}

/**
 * A stream Fanout reads or writes is not on this NATS server: no Fanout service has started
 * here under this subject prefix (the services create the streams), or the prefix differs.
 */
export class StreamMissingError extends CodedError {
  readonly code = 'STREAM_MISSING';
  readonly retryable = false;
  constructor(
    readonly where: { stream: string } | { subject: string },
    options?: ErrorOptions,
  ) {
    super(
      'stream' in where
        ? `no stream ${where.stream} on this NATS server`
        : `no stream on this NATS server holds ${where.subject}`,
      options,
    );
  }
}
