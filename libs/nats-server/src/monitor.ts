import { get } from 'node:http';

/** What a monitoring endpoint answered; `undefined` from {@link getJson} means it did not. */
export interface MonitorReply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * GETs a JSON monitoring endpoint (`/healthz`, `/jsz`). Uses node:http without an agent so
 * polling a server that is about to be killed leaves no pooled sockets behind; every failure
 * is "not ready yet", so it resolves `undefined` instead of throwing.
 */
export function getJson(url: string, timeoutMs = 1000): Promise<MonitorReply | undefined> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => resolve(undefined));
      res.on('end', () => {
        try {
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as Record<string, unknown>,
          });
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** `/healthz` is ok. On 2.9 in a cluster this already implies contact with a meta leader. */
export async function isHealthy(monitorUrl: string): Promise<boolean> {
  const reply = await getJson(`${monitorUrl}/healthz`);
  return reply?.status === 200 && reply.body['status'] === 'ok';
}

/** JetStream is running (`/jsz` reports its config), not merely configured. */
export async function hasJetStream(monitorUrl: string): Promise<boolean> {
  const reply = await getJson(`${monitorUrl}/jsz`);
  return reply?.status === 200 && typeof reply.body['config'] === 'object';
}

/** The JetStream meta leader this node knows of, or `undefined` while there is none. */
export async function metaLeader(monitorUrl: string): Promise<string | undefined> {
  const reply = await getJson(`${monitorUrl}/jsz`);
  const meta = reply?.body['meta_cluster'] as { leader?: unknown } | undefined;
  return typeof meta?.leader === 'string' && meta.leader ? meta.leader : undefined;
}
