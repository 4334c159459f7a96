import { request } from 'node:http';
import type { CallOutcome } from '@fanout/client';
import { UsageError } from '../exit-codes';
import type { ControlCall } from './dev-control';

/**
 * Hands one call to a running `fanout dev` over its control socket and waits for the
 * outcome (see `serveControl`). Only Node's own http: this path must stay light.
 */
export function callThroughDev(socket: string, call: ControlCall): Promise<CallOutcome> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(call);
    const outgoing = request(
      {
        socketPath: socket,
        path: '/call',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const reply = parse(text);
          if (response.statusCode === 200) resolve(reply as unknown as CallOutcome);
          else if (response.statusCode === 400) reject(new UsageError(String(reply['usage'])));
          else
            reject(
              new Error(`fanout dev could not run the call: ${String(reply['message'] ?? text)}`),
            );
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function parse(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { message: text };
  }
}
