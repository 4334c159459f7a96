import { Agent, type Dispatcher } from 'undici';
import { retryAfterMs, toWebError, WebError, WebErrorCode } from '../errors';
import { exchange } from '../fetch/exchange';

/**
 * A connection pool for the providers, one per searcher, closed with it. Providers are
 * endpoints the operator configured (often a SearXNG on the private network), so they
 * bypass the SSRF guard that protects fetches of URLs that came from the web.
 */
export function providerAgent(): Agent {
  return new Agent({ connections: 16, headersTimeout: 10_000, bodyTimeout: 10_000 });
}

/**
 * The most of an answer a provider may send: a page of results is tens of kilobytes, and
 * one that goes on past this is broken, not rich.
 */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * GETs a provider's JSON through `http` and maps failures onto retryability: 429 is `RATE_LIMITED`
 * (with Retry-After), 5xx, timeouts and network errors retry, any other 4xx does not.
 */
export async function getJson(
  http: Dispatcher,
  provider: string,
  url: URL,
  signal: AbortSignal,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<unknown> {
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const res = await exchange(
      http,
      url,
      {
        headers: { accept: 'application/json', ...headers },
        maxBytes: MAX_ANSWER_BYTES,
        keepBody: (status) => status < 400,
      },
      bounded,
    );
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers['retry-after']);
      throw new WebError(WebErrorCode.RateLimited, `${provider} is rate limiting`, {
        retryable: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }
    if (res.status >= 400) {
      throw new WebError(WebErrorCode.ProviderError, `${provider} answered ${res.status}`, {
        retryable: res.status >= 500 || res.status === 408,
      });
    }
    if (res.truncated) {
      throw new WebError(
        WebErrorCode.ProviderError,
        `${provider} sent an answer over ${MAX_ANSWER_BYTES} bytes`,
      );
    }
    try {
      return JSON.parse(res.body.toString('utf8')) as unknown;
    } catch (error) {
      throw new WebError(WebErrorCode.ProviderError, `${provider} sent no JSON`, {
        retryable: true,
        cause: error,
      });
    }
  } catch (error) {
    throw toWebError(error, bounded, `searching ${provider}`);
  }
}
