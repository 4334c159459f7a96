import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** One HTTP GET and its response, the body read into memory up to a limit. */
export interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, or its first `maxBytes`; empty when `keepBody` declined it. */
  body: Buffer;
  /** Whether the body went on past `maxBytes` (and the transfer was stopped there). */
  truncated: boolean;
}

/** What one exchange sends and keeps. */
export interface ExchangeOptions {
  headers: Record<string, string>;
  maxBytes: number;
  /**
   * Whether the body is worth keeping, judged from the status and headers: a redirect's,
   * an error page's or an unwanted type's body is drained, not stored.
   */
  keepBody(status: number, headers: IncomingHttpHeaders): boolean;
}

/**
 * A body not kept is read off the connection (so it can serve the next request) up to
 * this much; past it, dropping the connection is cheaper than downloading the rest.
 */
const DRAIN_LIMIT = 128 * 1024;

/**
 * Sends a GET through `dispatcher` and reads the response whole, bounded by `maxBytes`.
 * It drives undici's dispatch handler directly rather than `request()`: a fetch keeps the
 * whole body anyway, and the response stream, the async resource and the abort wiring
 * that `request()` builds for each call cost more than reading a small page. `signal`
 * aborts it at any point, with the signal's reason.
 */
export function exchange(
  dispatcher: Dispatcher,
  url: URL,
  options: ExchangeOptions,
  signal: AbortSignal,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const handler = new ExchangeHandler(options, signal, resolve, reject);
    const request = {
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'GET' as const,
      headers: options.headers,
    };
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      handler.refused(error as Error); // a closed pool, say: settle and stop listening
    }
  });
}

type Controller = Dispatcher.DispatchController;

/**
 * One exchange's handler. It is also the abort listener (`handleEvent`), so an exchange
 * makes no closures; it settles once, and whatever undici reports after that (the error
 * that follows an abort it asked for) is no news.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private keep = false;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly signal: AbortSignal,
    private readonly resolve: (exchange: Exchange) => void,
    private readonly reject: (error: Error) => void,
  ) {
    signal.addEventListener('abort', this);
  }

  /** The signal aborted: stop the transfer, or have it stop as soon as it starts. */
  handleEvent(): void {
    const reason = this.signal.reason as Error;
    this.controller?.abort(reason);
    this.fail(reason);
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.settled) controller.abort(this.signal.reason as Error); // aborted while queued
  }

  onResponseStart(_controller: Controller, status: number, headers: IncomingHttpHeaders): void {
    if (status < 200) return; // 1xx: the real response follows
    this.status = status;
    this.headers = headers;
    this.keep = this.options.keepBody(status, headers);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    const room = (this.keep ? this.options.maxBytes : DRAIN_LIMIT) - this.size;
    if (chunk.length <= room) {
      if (this.keep) this.chunks.push(chunk);
      this.size += chunk.length;
      return;
    }
    // Past the limit: keep what fits, and close the connection rather than read on.
    if (this.keep) this.chunks.push(chunk.subarray(0, room));
    this.size += room;
    this.succeed(this.keep);
    controller.abort(new Error('response read up to its limit'));
  }

  onResponseEnd(): void {
    this.succeed(false);
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.fail(error);
  }

  /** The dispatcher would not take the request at all. */
  refused(error: Error): void {
    this.fail(error);
  }

  private succeed(truncated: boolean): void {
    if (this.settled) return;
    this.settle();
    const { chunks } = this;
    const body =
      chunks.length === 1
        ? (chunks[0] as Buffer)
        : Buffer.concat(chunks, this.keep ? this.size : 0);
    this.resolve({ status: this.status, headers: this.headers, body, truncated });
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    this.signal.removeEventListener('abort', this);
  }
}
