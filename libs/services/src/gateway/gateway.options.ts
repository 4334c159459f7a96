import { isIP } from 'node:net';

/** Where the dashboard and its API listen, and what they ask of a caller. */
export interface GatewayOptions {
  /** 8480 by default; 0 picks a free port. */
  port: number;
  /** Loopback unless told otherwise. */
  host: string;
  /** Asked of every API call (`Authorization: Bearer`, or `?token=` for a page and its events). */
  token?: string;
  /** Where a workflow's trace is shown: `<url>/trace/<traceId>` (Jaeger's UI). */
  jaegerUrl?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Reads `FANOUT_UI_PORT`, `FANOUT_UI_HOST`, `FANOUT_UI_TOKEN` and `FANOUT_JAEGER_URL`. A
 * host beyond loopback without a token is refused: the API can cancel any workflow.
 */
export function gatewayOptionsFromEnv(env: NodeJS.ProcessEnv): GatewayOptions {
  const rawPort = env['FANOUT_UI_PORT'] || '8480';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`FANOUT_UI_PORT "${rawPort}" is not a port (0 for any free one)`);
  }
  const host = env['FANOUT_UI_HOST'] || '127.0.0.1';
  if (host !== 'localhost' && host !== '0.0.0.0' && host !== '::' && isIP(host) === 0) {
    throw new Error(`FANOUT_UI_HOST "${host}" is not an IP address`);
  }
  const token = env['FANOUT_UI_TOKEN'] || undefined;
  if (!LOOPBACK.has(host) && token === undefined) {
    throw new Error(
      `FANOUT_UI_HOST "${host}" reaches beyond this machine: set FANOUT_UI_TOKEN too`,
    );
  }
  const jaegerUrl = env['FANOUT_JAEGER_URL']?.replace(/\/+$/, '') || undefined;
  return { port, host, ...(token ? { token } : {}), ...(jaegerUrl ? { jaegerUrl } : {}) };
}
