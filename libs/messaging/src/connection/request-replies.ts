import { RequestOne } from '@nats-io/nats-core/internal';

type Resolver = (this: RequestOne, error: Error | null, message: unknown) => void;

interface RequestInternals {
  timer?: { cancel(): void };
  deferred: { resolve(message: unknown): void };
  mux: { cancel(request: unknown): void };
}

let installed = false;

/**
 * nats.js settles a request on its reply and then cancels it, which rejects the promise it
 * has just resolved with a new `RequestError`: an Error, its stack captured, built to be
 * dropped — once per request, and every JetStream publish waits on one for its ack. In the
 * orchestrator at 2,700 tasks/s that was 9% of its CPU (`npm run bench -- engine`, CPU
 * profile). A reply now resolves the request and unregisters it, as the library's cancel
 * does, without that Error; an error or a timeout takes the library's own path. Installed
 * once, by `connectNats`.
 */
export function settleRepliesWithoutErrors(): void {
  if (installed) return;
  installed = true;
  const original = RequestOne.prototype.resolver as Resolver;
  RequestOne.prototype.resolver = function (this: RequestOne, error, message) {
    if (error) return original.call(this, error, message);
    const request = this as unknown as RequestInternals;
    request.timer?.cancel();
    request.deferred.resolve(message);
    request.mux.cancel(this);
  } as Resolver;
}
