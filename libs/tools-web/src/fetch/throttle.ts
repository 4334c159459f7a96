import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { ByteBucket } from './byte-bucket';

type Controller = Dispatcher.DispatchController;
type Handler = Dispatcher.DispatchHandler;

/**
 * An undici interceptor that makes every response body read draw from `bucket`: next to
 * the connection, so it counts the bytes as they come off the wire (compressed, before
 * the cache and the decompression) and a page the cache serves draws nothing. When a
 * read leaves the bucket in debt, the response is paused (the socket is not read, so TCP
 * slows the sender) until the debt is paid; undici's body timeout does not run while a
 * response is paused.
 */
export function throttle(bucket: ByteBucket): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) =>
    dispatch(options, new ThrottledHandler(bucket, handler as Handler));
}

class ThrottledHandler implements Handler {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bucket: ByteBucket,
    private readonly inner: Handler,
  ) {}

  onRequestStart(controller: Controller, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onResponseStart(
    controller: Controller,
    status: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, status, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const pause = this.bucket.take(chunk.length);
    this.inner.onResponseData?.(controller, chunk);
    if (pause <= 0 || controller.aborted || this.timer) return;
    controller.pause();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      controller.resume();
    }, pause);
  }

  onResponseEnd(controller: Controller, trailers: IncomingHttpHeaders): void {
    this.stop();
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.stop();
    this.inner.onResponseError?.(controller, error);
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
