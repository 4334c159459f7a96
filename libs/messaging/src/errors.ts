import { ErrorCode } from '@fanout/contracts';

/**
 * The command bus is full (its stream holds the maximum number of messages and discards
 * new ones). Nothing was accepted: the publisher should slow down and try again later.
 * Commands accepted before this stay on the bus.
 */
export class BusFullError extends Error {
  readonly code = ErrorCode.BusFull;
  readonly retryable = true;
  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`the command bus is full: ${subject} was not accepted; retry after a delay`, options);
    this.name = 'BusFullError';
  }
}

/** A message whose payload failed validation against its contract; it can never succeed. */
export class InvalidMessageError extends Error {
  readonly code = ErrorCode.InvalidMessage;
  readonly retryable = false;
  constructor(
    readonly subject: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid message on ${subject}: ${problems.join('; ')}`, options);
    this.name = 'InvalidMessageError';
  }
}
