import { CodedError } from '@fanout/contracts';
/**
 * The codes the web tools throw. Each reaches the wire as `FanoutError.code` through
 * `toFanoutError`, so a caller (or the retry policy) can branch without parsing text.
 * A body over `maxBytes` is no error: `web.fetch` returns its first `maxBytes` with
 * `truncated: true`, whether or not the server declared the length up front.
 */
export const WebErrorCode = {
  SsrfBlocked: 'SSRF_BLOCKED',
  RobotsDisallowed: 'ROBOTS_DISALLOWED',
  HttpError: 'HTTP_ERROR',
  TooManyRedirects: 'TOO_MANY_REDIRECTS',
  RedirectLoop: 'REDIRECT_LOOP',
  ContentType: 'CONTENT_TYPE',
  RateLimited: 'RATE_LIMITED',
  Timeout: 'TIMEOUT',
  Network: 'NETWORK',
  Cancelled: 'CANCELLED',
  ProviderError: 'PROVIDER_ERROR',
  InvalidInput: 'INVALID_INPUT',
  /** web.search asked a provider this deployment has not configured (or none at all). */
  NoSearchProvider: 'NO_SEARCH_PROVIDER',
} as const;

export type WebErrorCode = (typeof WebErrorCode)[keyof typeof WebErrorCode];

/**
 * An Error carrying `code` and `retryable` (what `toFanoutError` reads) and, for
 * `RATE_LIMITED`, how long the far side asked us to wait, so a retry can honour it.
 */
export class WebError extends CodedError {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(
    readonly code: WebErrorCode,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Reads `Retry-After` (delta seconds or an HTTP date) as milliseconds from `now`, so
 * both forms a server may send come out the same; undefined when absent or unreadable.
 */
export function retryAfterMs(
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Turns an abort, timeout or socket failure of undici into a `WebError`, so callers see
 * `CANCELLED` (not retryable: someone asked to stop), `TIMEOUT` or `NETWORK` (retryable).
 */
export function toWebError(
  error: unknown,
  signal: AbortSignal | undefined,
  what: string,
): WebError {
  if (error instanceof WebError) return error;
  if ((error as { cause?: unknown } | undefined)?.cause instanceof WebError) {
    return (error as { cause: WebError }).cause;
  }
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof WebError) return reason;
    if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') {
      return new WebError(WebErrorCode.Timeout, `${what} timed out`, {
        retryable: true,
        cause: reason,
      });
    }
    return new WebError(WebErrorCode.Cancelled, `${what} was cancelled`, { cause: reason });
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    name === 'TimeoutError'
  ) {
    return new WebError(WebErrorCode.Timeout, `${what} timed out`, {
      retryable: true,
      cause: error,
    });
  }
  return new WebError(
    WebErrorCode.Network,
    `${what} failed: ${String((error as Error)?.message ?? error)}`,
    {
      retryable: true,
      cause: error,
    },
  );
}
