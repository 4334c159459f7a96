import { errors } from '@nats-io/transport-node';
import { CodedError, ErrorCode } from '@fanout/contracts';
import { credentialsOf, type NatsConfig } from './nats-config';

/**
 * The server refused a publish or a subscription: the credentials in use do not allow that
 * subject. The message names the act, the subject and the credentials, so the operator
 * knows which role's permissions to look at (docs/architecture.md has the table).
 */
export class PermissionDeniedError extends CodedError {
  readonly code = ErrorCode.PermissionDenied;
  readonly retryable = false;
  constructor(
    readonly operation: 'publish' | 'subscription',
    readonly subject: string,
    readonly credentials: string,
    options?: ErrorOptions,
  ) {
    super(
      `permission denied: ${operation} to "${subject}" is not allowed for ${credentials}`,
      options,
    );
  }
}

/**
 * The {@link PermissionDeniedError} for a refusal anywhere in `error`'s cause chain (a
 * failed request wraps the server's refusal), or undefined when it is something else.
 */
export function permissionDenied(
  error: unknown,
  config: NatsConfig,
): PermissionDeniedError | undefined {
  for (let at = error; at instanceof Error; at = at.cause) {
    if (at instanceof PermissionDeniedError) return at;
    if (at instanceof errors.PermissionViolationError) {
      return new PermissionDeniedError(at.operation, at.subject, credentialsOf(config), {
        cause: error,
      });
    }
  }
  return undefined;
}
