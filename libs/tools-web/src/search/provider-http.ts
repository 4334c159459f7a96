import { Agent, request } from 'undici';
import { retryAfterMs, toWebError, WebError, WebErrorCode } from '../errors';

/**
 * The providers' shared connection pool. Providers are endpoints the operator
 * configured (often a SearXNG on the private network), so they bypass the SSRF guard
 * that protects fetches of URLs that came from the web.
 */
export const providerAgent = new Agent({
  connections: 16,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
});

/**
 * GETs a provider's JSON and maps failures onto retryability: 429 is `RATE_LIMITED`
 * (with Retry-After), 5xx, timeouts and network errors retry, any other 4xx does not.
 */
export async function getJson(
  provider: string,
  url: URL,
  signal: AbortSignal,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<unknown> {
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const res = await request(url, {
      dispatcher: providerAgent,
      signal: bounded,
      headers: { accept: 'application/json', ...headers },
    });
    if (res.statusCode === 429) {
      await res.body.dump().catch(() => undefined);
      const wait = retryAfterMs(res.headers['retry-after']);
      throw new WebError(WebErrorCode.RateLimited, `${provider} is rate limiting`, {
        retryable: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }
    if (res.statusCode >= 400) {
      await res.body.dump().catch(() => undefined);
      throw new WebError(WebErrorCode.ProviderError, `${provider} answered ${res.statusCode}`, {
        retryable: res.statusCode >= 500 || res.statusCode === 408,
      });
    }
    try {
      return await res.body.json();
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
