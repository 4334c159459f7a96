import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Lets a handler's own error reach the JetStream transport. Nest's default RPC filter
 * replaces any error that is not an `RpcException` with "Internal server error", which
 * hides `retryable: false` (so a command that can never succeed would be retried until
 * its deliveries run out) and the code and cause a caller should see. Register it on the
 * microservice: `app.useGlobalFilters(new JetStreamExceptionFilter())`.
 */
@Catch()
export class JetStreamExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** Nest's stand-in for an error its default filter hid: `{ status: 'error', message }`. */
export function isHiddenByNest(thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null || thrown instanceof Error) return false;
  const shape = thrown as { status?: unknown; retryable?: unknown; code?: unknown };
  return shape.status === 'error' && shape.retryable === undefined && shape.code === undefined;
}
