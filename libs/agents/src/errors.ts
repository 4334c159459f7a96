import { CodedError } from '@fanout/contracts';
/** A failure of an agent tool, with the code a program branches on; never retryable. */
export class AgentError extends CodedError {
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
